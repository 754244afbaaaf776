-- IPv6 over ::1 (each spec is skipped, with a message, only where ::1
-- cannot be bound), and dual-stack servers.
local H = require "spec.helper"
local lsock = require "lsock"

local function can_bind_v6()
  local s = lsock.socket(lsock.AF_INET6, lsock.SOCK_STREAM)
  local ok = s:bind("::1", 0)
  s:close()
  return ok == true
end

describe("ipv6", function()
  before_each(H.before)
  after_each(H.after)

  local function v6_pair()
    local l = lsock.socket(lsock.AF_INET6, lsock.SOCK_STREAM)
    l:settimeout(5)
    assert(l:bind("::1", 0))
    assert(l:listen())
    local _, port = l:getsockname()
    local c = lsock.socket(lsock.AF_INET6, lsock.SOCK_STREAM)
    c:settimeout(5)
    assert(c:connect("::1", port))
    local conn, host, cport, flowinfo, scope = l:accept()
    l:close()
    conn:settimeout(5)
    return c, conn, { host, cport, flowinfo, scope }
  end

  it("has_ipv6 is true", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    assert.is_true(lsock.has_ipv6)
  end)

  it("getsockname returns host, port, flowinfo, scope_id", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local s = lsock.socket(lsock.AF_INET6, lsock.SOCK_STREAM)
    assert.are.equal(true, s:bind("::1", 0))
    local r = { s:getsockname() }
    assert.are.equal(4, #r)
    assert.are.equal("::1", r[1])
    assert.is_true(r[2] > 0)
    assert.are.equal(0, r[3])
    assert.are.equal(0, r[4])
    s:close()
  end)

  it("TCP: accept returns conn and four address values; data flows", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local c, conn, peer = v6_pair()
    local _, cport = c:getsockname()
    assert.are.same({ "::1", cport, 0, 0 }, peer)
    assert.are.equal(lsock.AF_INET6, conn.family)
    local pr = { c:getpeername() }
    assert.are.equal(4, #pr)
    assert.are.equal("::1", pr[1])
    assert(c:send("six"))
    assert.are.equal("six", H.recvn(conn, 3))
    c:close(); conn:close()
  end)

  it("__tostring shows [::1]:port for both ends", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local c, conn = v6_pair()
    local _, lp = c:getsockname()
    local _, rp = c:getpeername()
    assert.are.equal(("<lsock.socket fd=%d, family=AF_INET6, type=SOCK_STREAM, proto=0, laddr=[::1]:%d, raddr=[::1]:%d>")
      :format(c:fileno(), lp, rp), tostring(c))
    c:close(); conn:close()
  end)

  it("UDP: recvfrom returns data and four address values; a 4-value table address works", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local a = lsock.socket(lsock.AF_INET6, lsock.SOCK_DGRAM)
    local b = lsock.socket(lsock.AF_INET6, lsock.SOCK_DGRAM)
    b:settimeout(2)
    assert(a:bind({ "::1", 0, 0, 0 }))
    assert(b:bind("::1", 0))
    local _, ap = a:getsockname()
    local bh, bp, bf, bs = b:getsockname()
    assert.are.equal(3, a:sendto("udp", { bh, bp, bf, bs }))
    assert.are.equal(2, a:sendto("v6", bh, bp))
    local d, host, port, flowinfo, scope = b:recvfrom(100)
    assert.are.equal("udp", d)
    assert.are.same({ "::1", ap, 0, 0 }, { host, port, flowinfo, scope })
    assert.are.equal("v6", (b:recvfrom(100)))
    a:close(); b:close()
  end)

  it("a closed port gives ECONNREFUSED", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local s = lsock.socket(lsock.AF_INET6, lsock.SOCK_STREAM)
    assert(s:bind("::1", 0))
    local _, port = s:getsockname()
    s:close()
    local c = lsock.socket(lsock.AF_INET6, lsock.SOCK_STREAM)
    c:settimeout(2)
    H.fails(lsock.ECONNREFUSED, c:connect("::1", port))
    c:close()
  end)

  it("IPV6_V6ONLY can be set and read", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local s = lsock.socket(lsock.AF_INET6, lsock.SOCK_STREAM)
    assert.are.equal(true, s:setsockopt(lsock.IPPROTO_IPV6, lsock.IPV6_V6ONLY, true))
    assert.are_not.equal(0, s:getsockopt(lsock.IPPROTO_IPV6, lsock.IPV6_V6ONLY))
    assert.are.equal(true, s:setsockopt(lsock.IPPROTO_IPV6, lsock.IPV6_V6ONLY, 0))
    assert.are.equal(0, s:getsockopt(lsock.IPPROTO_IPV6, lsock.IPV6_V6ONLY))
    s:close()
  end)

  it("create_server with dualstack_ipv6 accepts IPv4 clients as ::ffff:127.0.0.1", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local srv, msg = lsock.create_server({ "::", 0 }, { family = lsock.AF_INET6, dualstack_ipv6 = true })
    assert.truthy(srv, msg)
    assert.are.equal(lsock.AF_INET6, srv.family)
    assert.are.equal(0, srv:getsockopt(lsock.IPPROTO_IPV6, lsock.IPV6_V6ONLY))
    srv:settimeout(5)
    local _, port = srv:getsockname()
    local c4 = assert(lsock.create_connection({ "127.0.0.1", port }, 5))
    local conn, host = srv:accept()
    assert.truthy(conn, host)
    assert.are.equal("::ffff:127.0.0.1", host)
    conn:close()
    local c6 = assert(lsock.create_connection({ "::1", port }, 5))
    local conn6, host6 = srv:accept()
    assert.are.equal("::1", host6)
    conn6:close(); c6:close(); c4:close(); srv:close()
  end)

  it("create_server for AF_INET6 without dualstack_ipv6 is IPv6-only, as Python's", function()
    if not can_bind_v6() then return pending("::1 cannot be bound: no IPv6 here") end
    local srv = assert(lsock.create_server({ "::1", 0 }, { family = lsock.AF_INET6 }))
    assert.are.equal(lsock.AF_INET6, srv.family)
    assert.are.equal("::1", (srv:getsockname()))
    assert.are_not.equal(0, srv:getsockopt(lsock.IPPROTO_IPV6, lsock.IPV6_V6ONLY))
    srv:close()
    local any = assert(lsock.create_server({ "::", 0 }, { family = lsock.AF_INET6 }))
    local _, port = any:getsockname()
    local c = lsock.socket()
    c:settimeout(2)
    H.fails(lsock.ECONNREFUSED, c:connect("127.0.0.1", port))
    c:close(); any:close()
  end)

  it("getaddrinfo of ::1 gives a four-value address", function()
    local r = assert(lsock.getaddrinfo("::1", 80, lsock.AF_INET6, lsock.SOCK_STREAM))
    assert.are.equal(lsock.AF_INET6, r[1].family)
    assert.are.same({ "::1", 80, 0, 0 }, r[1].addr)
  end)
end)
