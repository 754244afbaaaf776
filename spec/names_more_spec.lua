-- The name functions beyond getaddrinfo's family: services and protocols,
-- the host database, getfqdn, network interfaces, has_dualstack_ipv6,
-- create_connection's all_errors. Where python3 is installed, its answers
-- on this machine are the reference.
local H = require "spec.helper"
local lsock = require "lsock"

-- python3's value of a Python expression (its repr's text), or nil.
local function python(expr)
  if H.windows then return nil end -- the machine's python3 is not Windows'
  local p = io.popen("python3 -c " .. H.shquote("import socket\ntry:\n print(" .. expr
    .. ")\nexcept Exception as e:\n print('ERROR')") .. " 2>/dev/null")
  local out = p:read("*a")
  p:close()
  out = out:gsub("%s+$", "")
  if out == "" then return nil end
  return out
end

local function pylist(t)
  local parts = {}
  for i, v in ipairs(t) do parts[i] = "'" .. v .. "'" end
  return "[" .. table.concat(parts, ", ") .. "]"
end

-- The loopback interface's name: "lo" on Linux, "loopback_N" on Windows.
local function isloopback(name)
  return name == "lo" or (H.windows and name:match("^loopback_%d+$") ~= nil)
end

describe("names (more)", function()
  before_each(H.before)
  after_each(H.after)

  it("getservbyname, getservbyport, getprotobyname", function()
    assert.are.equal(80, lsock.getservbyname("http"))
    assert.are.equal(53, lsock.getservbyname("domain", "udp"))
    assert.are.equal(22, lsock.getservbyname("ssh", "tcp"))
    assert.are.equal("ssh", lsock.getservbyport(22))
    assert.are.equal("domain", lsock.getservbyport(53, "udp"))
    assert.are.equal(lsock.IPPROTO_TCP, lsock.getprotobyname("tcp"))
    assert.are.equal(lsock.IPPROTO_UDP, lsock.getprotobyname("udp"))
    local v, msg = lsock.getservbyname("no-such-service-xyz")
    assert.is_nil(v); assert.are.equal("service/proto not found", msg)
    v, msg = lsock.getservbyport(1, "no-such-proto")
    assert.is_nil(v); assert.are.equal("port/proto not found", msg)
    v, msg = lsock.getprotobyname("no-such-proto")
    assert.is_nil(v); assert.are.equal("protocol not found", msg)
    H.raises("port must be 0%-65535", lsock.getservbyport, 70000)
    H.raises("port must be 0%-65535", lsock.getservbyport, -1)
    H.raises("bad argument #1", lsock.getservbyname, {})
    H.raises("NUL", lsock.getservbyname, "ht\0tp")
    if python("1") then
      assert.are.equal(python("socket.getservbyname('https')"), tostring(lsock.getservbyname("https")))
      assert.are.equal(python("socket.getservbyport(25)"), lsock.getservbyport(25))
      assert.are.equal(python("socket.getprotobyname('icmp')"), tostring(lsock.getprotobyname("icmp")))
    end
  end)

  it("gethostbyaddr, gethostbyname_ex: hostname, aliases, addresses", function()
    local name, aliases, addrs = lsock.gethostbyaddr("127.0.0.1")
    assert.are.equal("string", type(name))
    assert.are.equal("table", type(aliases))
    assert.are.same({ "127.0.0.1" }, addrs)
    local name2, aliases2, addrs2 = lsock.gethostbyname_ex("localhost")
    assert.are.equal("string", type(name2))
    assert.are.equal("table", type(aliases2))
    assert.truthy(#addrs2 >= 1)
    for _, a in ipairs(addrs2) do assert.truthy(a:match("^%d+%.%d+%.%d+%.%d+$")) end
    if python("1") then
      assert.are.equal(python("socket.gethostbyaddr('127.0.0.1')"),
        ("('%s', %s, %s)"):format(name, pylist(aliases), pylist(addrs)))
      assert.are.equal(python("socket.gethostbyname_ex('localhost')"),
        ("('%s', %s, %s)"):format(name2, pylist(aliases2), pylist(addrs2)))
    end
    -- failures: nil, message, code
    local v, msg, code = lsock.gethostbyname_ex("no-such-host.invalid")
    assert.is_nil(v); assert.are.equal("string", type(msg)); assert.are.equal("number", type(code))
    v, msg, code = lsock.gethostbyaddr("no-such-host.invalid")
    assert.is_nil(v); assert.are.equal("string", type(msg)); assert.are.equal("number", type(code))
    H.raises("bad argument #1", lsock.gethostbyaddr, nil)
  end)

  it("getfqdn", function()
    assert.are.equal("string", type(lsock.getfqdn()))
    assert.are.equal("no-such-host.invalid", lsock.getfqdn("  no-such-host.invalid "))
    if python("1") then
      assert.are.equal(python("socket.getfqdn()"), lsock.getfqdn())
      assert.are.equal(python("socket.getfqdn('localhost')"), lsock.getfqdn("localhost"))
      assert.are.equal(python("socket.getfqdn('127.0.0.1')"), lsock.getfqdn("127.0.0.1"))
    end
  end)

  it("if_nameindex, if_nametoindex, if_indextoname", function()
    local list = assert(lsock.if_nameindex())
    assert.truthy(#list >= 1)
    local lo
    for _, e in ipairs(list) do
      assert.are.equal("number", type(e[1]))
      assert.are.equal("string", type(e[2]))
      assert.are.equal(e[1], lsock.if_nametoindex(e[2]))
      assert.are.equal(e[2], lsock.if_indextoname(e[1]))
      if isloopback(e[2]) then lo = e[1] end
    end
    assert.truthy(lo, "no loopback interface")
    if python("1") then
      local t = {}
      for i, e in ipairs(list) do t[i] = ("(%d, '%s')"):format(e[1], e[2]) end
      assert.are.equal(python("socket.if_nameindex()"), "[" .. table.concat(t, ", ") .. "]")
    end
    H.fails(nil, lsock.if_nametoindex("no-such-if0"))
    H.fails(lsock.ENXIO, lsock.if_indextoname(0))
    H.raises("bad argument #1", lsock.if_indextoname, -1)
    H.raises("bad argument #1", lsock.if_indextoname, 2 ^ 40)
    H.raises("bad argument #1", lsock.if_nametoindex, {})
  end)

  it("an IPv6 link-local scope id from if_nametoindex", function()
    if not lsock.has_ipv6 then return pending("no IPv6") end
    local s = assert(lsock.socket(lsock.AF_INET6, lsock.SOCK_DGRAM))
    local idx
    for _, e in ipairs(assert(lsock.if_nameindex())) do
      if isloopback(e[2]) then idx = e[1] end
    end
    assert.truthy(idx, "no loopback interface")
    assert(s:bind("::1", 0, 0, idx))
    s:close()
  end)

  it("has_dualstack_ipv6", function()
    assert.are.equal("boolean", type(lsock.has_dualstack_ipv6()))
    local py = python("socket.has_dualstack_ipv6()")
    if py then assert.are.equal(py, tostring(lsock.has_dualstack_ipv6()):gsub("^%l", string.upper)) end
  end)

  it("create_connection with all_errors lists every attempt", function()
    local port = H.closed_port()
    local r = { lsock.create_connection({ "127.0.0.1", port }, 2, nil, { all_errors = true }) }
    assert.is_nil(r[1])
    assert.are.equal(lsock.ECONNREFUSED, r[3])
    assert.are.equal(1, #r[4])
    assert.are.equal("string", type(r[4][1][1]))
    assert.are.equal(lsock.ECONNREFUSED, r[4][1][2])
    assert.are.same({ "127.0.0.1", port }, r[4][1][3])
    -- without it: three values, as before
    assert.are.equal(3, select("#", lsock.create_connection({ "127.0.0.1", port }, 2)))
    H.raises("bad argument #4", lsock.create_connection, { "127.0.0.1", port }, 2, nil, 5)
    -- success ignores it
    local l = assert(lsock.create_server({ "127.0.0.1", 0 }))
    local _, lport = l:getsockname()
    local c = assert(lsock.create_connection({ "127.0.0.1", lport }, 2, nil, { all_errors = true }))
    c:close(); l:close()
  end)
end)
