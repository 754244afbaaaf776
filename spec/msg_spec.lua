-- recvmsg, recvmsg_into and sendmsg over TCP, UDP and Unix sockets:
-- gathering, scattering, MSG_TRUNC/MSG_CTRUNC, packet-info ancillary data,
-- the sender's address; CMSG_LEN/CMSG_SPACE; bad input.
local H = require "spec.helper"
local lsock = require "lsock"

-- Whether bit 'bit' is set in 'flags' (no & operator before 5.3).
local function has(flags, bit) return math.floor(flags / bit) % 2 == 1 end

-- A C int in this machine's byte order (little-endian here), as 5.1 has
-- no string.pack.
local function int4(n)
  return string.char(n % 256, math.floor(n / 256) % 256, math.floor(n / 65536) % 256,
    math.floor(n / 16777216) % 256)
end
local function unint4(s)
  local a, b, c, d = s:byte(1, 4)
  return a + b * 256 + c * 65536 + d * 16777216
end

describe("msg", function()
  local dir
  before_each(function()
    H.before()
    dir = H.tmpdir()
  end)
  after_each(function()
    H.rmtree(dir)
    H.after()
  end)

  it("sendmsg gathers strings and buffers into one TCP stream write", function()
    local c, a = H.tcp_pair()
    local b = lsock.buffer(3):put(1, "BUF")
    assert.are.equal(8, c:sendmsg({ "ab", b, "", b:view(2), "z" }))
    assert.are.equal("abBUFUFz", H.recvn(a, 8))
    c:close(); a:close()
  end)

  it("recvmsg over TCP: data, empty ancdata, flags 0, no address", function()
    local c, a = H.tcp_pair()
    assert(c:sendall("hello"))
    local data, anc, flags, addr = a:recvmsg(100)
    assert.are.equal("hello", data)
    assert.are.same({}, anc)
    assert.are.equal(0, flags)
    assert.is_nil(addr)
    c:close(); a:close()
  end)

  it("UDP: a datagram whole, gathered, with the sender; MSG_TRUNC when cut", function()
    local x, y = H.udp_pair()
    local _, xport = x:getsockname()
    local _, yport = y:getsockname()
    assert.are.equal(10, x:sendmsg({ "01234", "56789" }, nil, 0, { "127.0.0.1", yport }))
    local data, anc, flags, host, port = y:recvmsg(64)
    assert.are.equal("0123456789", data)
    assert.are.same({}, anc)
    assert.are.equal(0, flags)
    assert.are.equal("127.0.0.1", host)
    assert.are.equal(xport, port)
    assert(x:sendto("0123456789", "127.0.0.1", yport))
    data, anc, flags = y:recvmsg(4)
    assert.are.equal("0123", data)
    assert.is_true(has(flags, lsock.MSG_TRUNC))
    x:close(); y:close()
  end)

  it("recvmsg_into scatters one datagram over the buffers in order", function()
    local x, y = H.udp_pair()
    local _, yport = y:getsockname()
    local _, xport = x:getsockname()
    assert(x:sendto("abcdefghij", "127.0.0.1", yport))
    local b1, b2 = lsock.buffer(3), lsock.buffer(4)
    local big = lsock.buffer(10)
    local n, anc, flags, host, port = y:recvmsg_into({ b1, big:view(4, 7), b2 })
    assert.are.equal(10, n)
    assert.are.equal("abc", b1:tostring())
    assert.are.equal("defg", big:tostring(4, 7))
    assert.are.equal("hij\0", b2:tostring())
    assert.are.same({}, anc)
    assert.are.equal(0, flags)
    assert.are.equal("127.0.0.1", host)
    assert.are.equal(xport, port)
    -- too little room: cut, MSG_TRUNC
    assert(x:sendto("abcdefghij", "127.0.0.1", yport))
    n, anc, flags = y:recvmsg_into({ b1 })
    assert.are.equal(3, n)
    assert.is_true(has(flags, lsock.MSG_TRUNC))
    x:close(); y:close()
  end)

  it("IP_PKTINFO ancillary data names the datagram's destination", function()
    local x, y = H.udp_pair()
    local _, yport = y:getsockname()
    assert(y:setsockopt(lsock.IPPROTO_IP, lsock.IP_PKTINFO, 1))
    assert(x:sendto("pkt", "127.0.0.1", yport))
    local data, anc, flags = y:recvmsg(16, lsock.CMSG_SPACE(12))
    assert.are.equal("pkt", data)
    assert.are.equal(0, flags)
    assert.are.equal(1, #anc)
    assert.are.equal(lsock.IPPROTO_IP, anc[1][1])
    assert.are.equal(lsock.IP_PKTINFO, anc[1][2])
    if H.windows then
      assert.are.equal(8, #anc[1][3]) -- Windows' struct in_pktinfo: addr, ifindex
      assert.are.equal("\127\0\0\1", anc[1][3]:sub(1, 4))
    else
      assert.are.equal(12, #anc[1][3]) -- struct in_pktinfo: ifindex, spec_dst, addr
      assert.are.equal("\127\0\0\1", anc[1][3]:sub(9, 12))
    end
    -- a control buffer too small: MSG_CTRUNC
    assert(x:sendto("pkt", "127.0.0.1", yport))
    data, anc, flags = y:recvmsg(16, 4)
    assert.are.equal("pkt", data)
    assert.is_true(has(flags, lsock.MSG_CTRUNC))
    x:close(); y:close()
  end)

  it("IPV6_RECVPKTINFO over ::1", function()
    if not lsock.has_ipv6 then return pending("no IPv6") end
    local x = assert(lsock.socket(lsock.AF_INET6, lsock.SOCK_DGRAM))
    local y = assert(lsock.socket(lsock.AF_INET6, lsock.SOCK_DGRAM))
    x:settimeout(5); y:settimeout(5)
    if not y:bind("::1", 0) then x:close(); y:close(); return pending("::1 cannot be bound") end
    local _, yport = y:getsockname()
    -- Windows has no IPV6_RECVPKTINFO: IPV6_PKTINFO itself turns it on there
    local on = lsock.IPV6_RECVPKTINFO or (H.windows and lsock.IPV6_PKTINFO)
    assert(y:setsockopt(lsock.IPPROTO_IPV6, on, 1))
    assert(x:sendmsg({ "six" }, {}, 0, { "::1", yport }))
    local data, anc = y:recvmsg(16, 256)
    assert.are.equal("six", data)
    assert.are.equal(1, #anc)
    assert.are.equal(lsock.IPPROTO_IPV6, anc[1][1])
    assert.are.equal(lsock.IPV6_PKTINFO, anc[1][2])
    assert.are.equal(20, #anc[1][3])
    assert.are.equal(string.rep("\0", 15) .. "\1", anc[1][3]:sub(1, 16))
    x:close(); y:close()
  end)

  it("Unix datagram: the sender's path; sendmsg to an address", function()
    local pa, pb = dir .. "/a", dir .. "/b"
    local a = assert(lsock.socket(lsock.AF_UNIX, lsock.SOCK_DGRAM))
    local b = assert(lsock.socket(lsock.AF_UNIX, lsock.SOCK_DGRAM))
    a:settimeout(5); b:settimeout(5)
    assert(a:bind(pa)); assert(b:bind(pb))
    assert.are.equal(5, a:sendmsg({ "he", "llo" }, nil, nil, pb))
    local data, anc, flags, from = b:recvmsg(100)
    assert.are.equal("hello", data)
    assert.are.same({}, anc)
    assert.are.equal(0, flags)
    assert.are.equal(pa, from)
    a:close(); b:close()
  end)

  it("an ancillary item on a Unix stream: SCM_RIGHTS by hand, read back raw", function()
    local a, b = lsock.socketpair()
    a:settimeout(5); b:settimeout(5)
    local r, w = lsock.socketpair() -- a descriptor to pass
    local fdbytes = int4(r:fileno())
    assert.are.equal(1, a:sendmsg({ "x" }, { { lsock.SOL_SOCKET, lsock.SCM_RIGHTS, fdbytes } }))
    local data, anc = b:recvmsg(1, lsock.CMSG_SPACE(4))
    assert.are.equal("x", data)
    assert.are.equal(1, #anc)
    assert.are.equal(lsock.SOL_SOCKET, anc[1][1])
    assert.are.equal(lsock.SCM_RIGHTS, anc[1][2])
    local fd = unint4(anc[1][3])
    assert.are_not.equal(r:fileno(), fd)
    assert(lsock.close(fd)) -- the caller's to close, as in Python
    a:close(); b:close(); r:close(); w:close()
  end)

  it("recvmsg honours the timeout", function()
    local x, y = H.udp_pair(0.2)
    H.timedout(y:recvmsg(10))
    local b = lsock.buffer(4)
    H.timedout(y:recvmsg_into({ b }))
    x:close(); y:close()
  end)

  it("CMSG_LEN and CMSG_SPACE are Python's", function()
    assert.are.equal(16, lsock.CMSG_LEN(0))
    assert.are.equal(20, lsock.CMSG_LEN(4))
    assert.are.equal(24, lsock.CMSG_SPACE(4))
    assert.are.equal(16, lsock.CMSG_SPACE(0))
    H.raises("bad argument #1", lsock.CMSG_LEN, -1)
    H.raises("bad argument #1", lsock.CMSG_SPACE, 2 ^ 40)
    H.raises("bad argument #1", lsock.CMSG_LEN, "x")
    if H.windows then return end -- the machine's python3 is not Windows'
    local p = io.popen("python3 -c 'import socket; print(socket.CMSG_LEN(7), socket.CMSG_SPACE(7), socket.CMSG_SPACE(100))' 2>/dev/null")
    local out = p:read("*a"); p:close()
    if out:match("%d") then
      local l7, s7, s100 = out:match("(%d+) (%d+) (%d+)")
      assert.are.equal(tonumber(l7), lsock.CMSG_LEN(7))
      assert.are.equal(tonumber(s7), lsock.CMSG_SPACE(7))
      assert.are.equal(tonumber(s100), lsock.CMSG_SPACE(100))
    end
  end)

  it("bad input raises", function()
    local x, y = H.udp_pair()
    H.raises("negative buffer size", y.recvmsg, y, -1)
    H.raises("buffer size too large", y.recvmsg, y, 2 ^ 40)
    H.raises("buffer size expected", y.recvmsg, y)
    H.raises("negative ancillary buffer size", y.recvmsg, y, 1, -1)
    H.raises("bad argument", y.recvmsg_into, y, "not a list")
    H.raises("buffers%[2%] is not an lsock.buffer", y.recvmsg_into, y, { lsock.buffer(1), "s" })
    H.raises("list of strings or buffers expected", x.sendmsg, x, "abc")
    H.raises("buffers%[1%] must be a string or buffer", x.sendmsg, x, { {} })
    H.raises("list of {level, type, data} expected", x.sendmsg, x, { "a" }, 5)
    H.raises("ancdata%[1%] must be a table", x.sendmsg, x, { "a" }, { 5 })
    H.raises("ancdata%[1%] must be a table", x.sendmsg, x, { "a" }, { { 1, 2 } })
    H.raises("ancdata%[1%] must be a table", x.sendmsg, x, { "a" }, { { "a", 2, "x" } })
    H.raises("ancdata%[1%] must be a table", x.sendmsg, x, { "a" }, { { 1, 2 ^ 40, "x" } })
    -- a system failure: no destination on an unconnected UDP socket
    -- (WSASendMsg says WSAEINVAL for it, as Wine has it)
    H.fails(H.windows and lsock.EINVAL or lsock.EDESTADDRREQ, x:sendmsg({ "a" }))
    x:close(); y:close()
  end)
end)
