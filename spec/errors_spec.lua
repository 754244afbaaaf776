-- Error shapes: programmer errors raise 'bad argument' errors; system
-- failures return nil, message, errno with errno one of lsock.E*; a closed
-- socket raises 'attempt to use a closed socket'.
local H = require "spec.helper"
local lsock = require "lsock"

-- the function's name may come qualified ("lsock.socket") when Lua finds
-- it through package.loaded rather than the call site
local function bad(n, name) return "bad argument #" .. n .. " to '[%w_.]*" .. name .. "'" end

describe("errors", function()
  before_each(H.before)
  after_each(H.after)

  describe("programmer errors raise 'bad argument'", function()
    it("socket(): wrong types, unknown family, unknown type", function()
      H.raises(bad(1, "socket"), function() local s = lsock.socket("inet") end)
      H.raises(bad(1, "socket"), function() local s = lsock.socket(12345) end)
      H.raises(bad(2, "socket"), function() local s = lsock.socket(lsock.AF_INET, 9999) end)
      H.raises(bad(2, "socket"), function() local s = lsock.socket(lsock.AF_INET, "stream") end)
      H.raises(bad(3, "socket"), function() local s = lsock.socket(lsock.AF_INET, lsock.SOCK_STREAM, "tcp") end)
    end)

    it("socketpair(): unknown family or type", function()
      H.raises(bad(1, "socketpair"), function() local a = lsock.socketpair(12345) end)
      H.raises(bad(2, "socketpair"), function() local a = lsock.socketpair(lsock.AF_UNIX, 9999) end)
    end)

    it("recv/recvfrom: negative or non-number sizes", function()
      local a, b = lsock.socketpair()
      H.raises(bad(1, "recv"), function() local x = a:recv(-1) end)
      H.raises(bad(1, "recv"), function() local x = a:recv("ten") end)
      H.raises(bad(2, "recv"), function() local x = a:recv(10, "peek") end)
      H.raises(bad(1, "recvfrom"), function() local x = a:recvfrom(-5) end)
      a:close(); b:close()
    end)

    it("send/sendall/sendto: data must be a string", function()
      local a, b = lsock.socketpair()
      H.raises(bad(1, "send"), function() local x = a:send({}) end)
      H.raises(bad(1, "sendall"), function() local x = a:sendall(nil) end)
      H.raises(bad(2, "send"), function() local x = a:send("x", "flags") end)
      a:close(); b:close()
    end)

    it("sendto: a missing or malformed address", function()
      local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      H.raises("bad argument #%d to '[%w_.]*sendto'", function() local x = u:sendto("x") end)
      H.raises("bad argument #%d to '[%w_.]*sendto'", function() local x = u:sendto("x", {}) end)
      H.raises("bad argument #%d to '[%w_.]*sendto'", function() local x = u:sendto("x", 0, {}) end)
      u:close()
    end)

    it("settimeout: negative timeouts and wrong types", function()
      local s = lsock.socket()
      H.raises(bad(1, "settimeout"), function() s:settimeout(-1) end)
      H.raises(bad(1, "settimeout"), function() s:settimeout(-0.5) end)
      H.raises(bad(1, "settimeout"), function() s:settimeout({}) end)
      assert.is_nil(s:gettimeout()) -- unchanged
      H.raises(bad(1, "setdefaulttimeout"), function() lsock.setdefaulttimeout(-1) end)
      assert.is_nil(lsock.getdefaulttimeout())
      s:close()
    end)

    it("bind/connect: addresses of the wrong shape", function()
      local s = lsock.socket()
      local badbind = "bad argument #%d to '[%w_.]*bind'"
      H.raises(badbind, function() local x = s:bind({}) end)
      H.raises(badbind, function() local x = s:bind({ "127.0.0.1" }) end)
      H.raises(badbind, function() local x = s:bind("127.0.0.1") end)
      H.raises(badbind, function() local x = s:bind(true) end)
      H.raises(badbind, function() local x = s:bind("127.0.0.1", "port?") end)
      H.raises(badbind, function() local x = s:bind("127.0.0.1", 70000) end)
      H.raises(badbind, function() local x = s:bind("127.0.0.1", -1) end)
      H.raises("bad argument #%d to '[%w_.]*connect'", function() local x = s:connect({}) end)
      H.raises("bad argument #%d to '[%w_.]*connect_ex'", function() local x = s:connect_ex(42) end)
      local u = lsock.socket(lsock.AF_UNIX, lsock.SOCK_STREAM)
      H.raises("bad argument #%d to '[%w_.]*bind'", function() local x = u:bind(42) end)
      u:close()
      s:close()
    end)

    it("setsockopt: a value that is not integer, boolean or string", function()
      local s = lsock.socket()
      H.raises(bad(3, "setsockopt"), function() local x = s:setsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR, {}) end)
      H.raises(bad(1, "setsockopt"), function() local x = s:setsockopt("sol", lsock.SO_REUSEADDR, 1) end)
      s:close()
    end)

    it("getsockopt: a negative buflen", function()
      local s = lsock.socket()
      H.raises(bad(3, "getsockopt"), function() local x = s:getsockopt(lsock.SOL_SOCKET, lsock.SO_LINGER, -1) end)
      s:close()
    end)

    it("inet_ntop: packed input of the wrong length", function()
      H.raises(bad(2, "inet_ntop"), function() local x = lsock.inet_ntop(lsock.AF_INET, "abc") end)
      H.raises(bad(2, "inet_ntop"), function() local x = lsock.inet_ntop(lsock.AF_INET6, "\0\0\0\1") end)
      H.raises(bad(1, "inet_ntop"), function() local x = lsock.inet_ntop(12345, "\0\0\0\1") end)
    end)

    it("fromfd: a negative or non-number fd, unknown family", function()
      H.raises(bad(1, "fromfd"), function() local x = lsock.fromfd({}, lsock.AF_INET, lsock.SOCK_STREAM) end)
      H.raises(bad(1, "fromfd"), function() local x = lsock.fromfd(-1, lsock.AF_INET, lsock.SOCK_STREAM) end)
      H.raises(bad(2, "fromfd"), function() local x = lsock.fromfd(0, 12345, lsock.SOCK_STREAM) end)
    end)

    it("select: lists that are not tables, negative timeouts", function()
      H.raises(bad(1, "select"), function() local x = lsock.select(42, {}) end)
      H.raises(bad(2, "select"), function() local x = lsock.select({}, "w") end)
      H.raises(bad(4, "select"), function() local x = lsock.select({}, {}, {}, -1) end)
    end)

    it("create_server/create_connection: bad options name the argument they are in", function()
      -- every option sits in argument #2, the opts table
      H.raises(bad(2, "create_server"), function() local x = lsock.create_server({ "127.0.0.1", 0 }, { family = 12345 }) end)
      H.raises(bad(2, "create_server"), function() local x = lsock.create_server({ "127.0.0.1", 0 }, { backlog = "many" }) end)
      H.raises(bad(2, "create_server"), function() local x = lsock.create_server({ "127.0.0.1", 0 }, { dualstack_ipv6 = true }) end)
      H.raises(bad(1, "create_server"), function() local x = lsock.create_server("127.0.0.1") end)
      H.raises(bad(1, "create_connection"), function() local x = lsock.create_connection({ "127.0.0.1" }) end)
      H.raises(bad(2, "create_connection"), function() local x = lsock.create_connection({ "127.0.0.1", 9 }, -1) end)
    end)

    it("integral floats are accepted where integers are (as luaL_checkinteger does); 1.5 is not", function()
      -- on Lua 5.3+ 2^16 is the float 65536.0; Lua's own libraries take it
      -- wherever they take an integer (string.rep("x", 2.0), f:seek("set", 2.0))
      if not H.has_integers then return pending("Lua without an integer subtype") end
      local s = lsock.socket()
      assert.are.equal(true, s:setsockopt(lsock.SOL_SOCKET, lsock.SO_RCVBUF, 2 ^ 16))
      assert.are.equal(true, s:bind("127.0.0.1", 0.0))
      assert.are.equal(1, lsock.htons(2 ^ 8))
      assert.are.equal(1, lsock.htonl(2 ^ 24))
      local a, b = lsock.socketpair()
      assert(b:send("x"))
      assert.are.same({ a:fileno() }, (lsock.select({ a:fileno() + 0.0 }, {}, {}, 1)))
      H.raises("bad argument #1 to '[%w_.]*htons'", function() local x = lsock.htons(1.5) end)
      H.raises("bad argument #1 to '[%w_.]*recv'", function() local x = a:recv(1.5) end)
      a:close(); b:close(); s:close()
    end)

    it("method called on something that is not a socket", function()
      local s = lsock.socket()
      H.raises("lsock%.socket expected", function() local x = s.getsockname({}) end)
      s:close()
    end)
  end)

  describe("a closed socket raises", function()
    local calls = {
      getsockname = function(s) return s:getsockname() end,
      getpeername = function(s) return s:getpeername() end,
      setsockopt = function(s) return s:setsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR, 1) end,
      getsockopt = function(s) return s:getsockopt(lsock.SOL_SOCKET, lsock.SO_TYPE) end,
      bind = function(s) return s:bind("127.0.0.1", 0) end,
      listen = function(s) return s:listen() end,
      accept = function(s) return s:accept() end,
      connect = function(s) return s:connect("127.0.0.1", 9) end,
      connect_ex = function(s) return s:connect_ex("127.0.0.1", 9) end,
      recv = function(s) return s:recv(10) end,
      recvfrom = function(s) return s:recvfrom(10) end,
      send = function(s) return s:send("x") end,
      sendall = function(s) return s:sendall("x") end,
      sendto = function(s) return s:sendto("x", "127.0.0.1", 9) end,
      shutdown = function(s) return s:shutdown(lsock.SHUT_RDWR) end,
      dup = function(s) return s:dup() end,
      settimeout = function(s) return s:settimeout(1) end,
      setblocking = function(s) return s:setblocking(false) end,
    }
    local names = {}
    for k in pairs(calls) do names[#names + 1] = k end
    table.sort(names)
    for _, name in ipairs(names) do
      it(name .. " raises 'attempt to use a closed socket'", function()
        local s = lsock.socket()
        s:close()
        H.raises("attempt to use a closed socket", function() local x = calls[name](s) end)
      end)
    end

    it("a detached socket raises as a closed one", function()
      local s = lsock.socket()
      local fd = s:detach()
      assert.are.equal(-1, s:fileno())
      H.raises("attempt to use a closed socket", function() local x = s:getsockname() end)
      lsock.close(fd)
    end)
  end)

  describe("system failures return nil, message, errno", function()
    it("EADDRINUSE with strerror's text", function()
      local a = lsock.socket()
      assert(a:bind("127.0.0.1", 0))
      assert(a:listen())
      local _, port = a:getsockname()
      local b = lsock.socket()
      local msg = H.fails(lsock.EADDRINUSE, b:bind("127.0.0.1", port))
      assert.are.equal("Address already in use", msg)
      a:close(); b:close()
    end)

    it("ECONNREFUSED with strerror's text", function()
      local s = lsock.socket()
      s:settimeout(5)
      local msg = H.fails(lsock.ECONNREFUSED, s:connect("127.0.0.1", H.closed_port()))
      assert.are.equal("Connection refused", msg)
      s:close()
    end)

    it("EADDRNOTAVAIL for an address that is not local", function()
      local s = lsock.socket()
      H.fails(lsock.EADDRNOTAVAIL, s:bind("192.0.2.1", 0))
      s:close()
    end)

    it("ENOTCONN from recv/getpeername on an unconnected TCP socket", function()
      local s = lsock.socket()
      s:settimeout(1)
      H.fails(lsock.ENOTCONN, s:getpeername())
      H.fails(lsock.ENOTCONN, s:recv(10))
      s:close()
    end)

    it("listen() on UDP fails with an errno that is a lsock.E* constant", function()
      local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      local _, code = H.fails(nil, u:listen())
      assert.truthy(H.errname(code), "errno " .. code .. " of listen() on UDP is no lsock.E* constant")
      u:close()
    end)

    it("EAGAIN from a non-blocking accept and recv", function()
      local s = lsock.socket()
      assert(s:bind("127.0.0.1", 0))
      assert(s:listen())
      s:settimeout(0)
      local msg = H.fails(lsock.EAGAIN, s:accept())
      assert.are.equal("Resource temporarily unavailable", msg)
      local a, b = lsock.socketpair()
      a:setblocking(false)
      H.fails(lsock.EAGAIN, a:recv(10))
      a:close(); b:close(); s:close()
    end)

    it("EWOULDBLOCK equals EAGAIN on Linux", function()
      assert.are.equal(lsock.EAGAIN, lsock.EWOULDBLOCK)
    end)

    it("EBADF from lsock.close on a descriptor that is not open", function()
      local s = lsock.socket()
      local fd = s:detach()
      assert.are.equal(true, lsock.close(fd))
      local msg = H.fails(lsock.EBADF, lsock.close(fd))
      assert.are.equal("Bad file descriptor", msg)
    end)

    it("ENOENT (a lsock constant) connecting to a missing Unix path", function()
      assert.is_number(lsock.ENOENT, "lsock.ENOENT is missing but the module returns it")
      local dir = H.tmpdir()
      local s = lsock.socket(lsock.AF_UNIX, lsock.SOCK_STREAM)
      s:settimeout(1)
      H.fails(lsock.ENOENT, s:connect(dir .. "/nothing-here"))
      s:close()
      H.rmtree(dir)
    end)

    it("EPIPE from send on a shut-down socket", function()
      local a, b = lsock.socketpair()
      assert(a:shutdown(lsock.SHUT_WR))
      H.fails(lsock.EPIPE, a:send("x"))
      a:close(); b:close()
    end)

    it("ENOTCONN from shutdown of an unconnected socket", function()
      local s = lsock.socket()
      H.fails(lsock.ENOTCONN, s:shutdown(lsock.SHUT_RDWR))
      s:close()
    end)

    it("EISCONN from connecting a connected socket", function()
      -- a blocking connect, so the socket is fully connected (after a
      -- non-blocking connect completes, Linux lets connect() return 0 once)
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      local _, port = l:getsockname()
      local c = lsock.socket()
      assert.are.equal(true, c:connect("127.0.0.1", port))
      H.fails(lsock.EISCONN, c:connect("127.0.0.1", port))
      assert.are.equal(lsock.EISCONN, c:connect_ex("127.0.0.1", port))
      c:close(); l:close()
    end)

    it("text that is not an address is data: inet_pton returns nil, message, errno", function()
      local _, code = H.fails(nil, lsock.inet_pton(lsock.AF_INET, "300.1.2.3"))
      assert.truthy(H.errname(code), "errno " .. tostring(code) .. " is no lsock.E* constant")
      H.fails(nil, lsock.inet_pton(lsock.AF_INET6, "::g"))
      H.fails(nil, lsock.inet_pton(lsock.AF_INET, ""))
    end)

    it("an over-long Unix path is data: nil, message, errno", function()
      local s = lsock.socket(lsock.AF_UNIX, lsock.SOCK_STREAM)
      local _, code = H.fails(nil, s:bind("/tmp/" .. string.rep("x", 200)))
      assert.truthy(H.errname(code), "errno " .. tostring(code) .. " is no lsock.E* constant")
      s:close()
    end)

    it("name-resolution failures return nil, gai message, lsock.EAI_*", function()
      local msg = H.fails(lsock.EAI_NONAME, lsock.getaddrinfo("not-an-address", 80,
        lsock.AF_INET, lsock.SOCK_STREAM, 0, lsock.AI_NUMERICHOST))
      assert.is_true(#msg > 0)
      H.fails(lsock.EAI_SERVICE, lsock.getaddrinfo("127.0.0.1", "no-such-service-lsock",
        lsock.AF_INET, lsock.SOCK_STREAM))
    end)

    it("errno constants match the system's values", function()
      -- Linux (asm-generic) values
      local linux = { EPIPE = 32, EAGAIN = 11, EINPROGRESS = 115, EALREADY = 114,
        EISCONN = 106, ENOTCONN = 107, ECONNREFUSED = 111, ECONNRESET = 104,
        ECONNABORTED = 103, ETIMEDOUT = 110, EADDRINUSE = 98, EADDRNOTAVAIL = 99,
        EINTR = 4, EBADF = 9, EINVAL = 22, EMSGSIZE = 90, ENETUNREACH = 101,
        EHOSTUNREACH = 113, EWOULDBLOCK = 11 }
      for k, v in pairs(linux) do
        assert.are.equal(v, lsock[k], "lsock." .. k)
      end
    end)
  end)
end)
