-- The socket object itself: fields, methods, metamethods, lifetime.
local H = require "spec.helper"
local lsock = require "lsock"

local METHODS = {
  "fileno", "getsockname", "getpeername", "setsockopt", "getsockopt", "bind",
  "listen", "accept", "connect", "connect_ex", "recv", "recvfrom", "send",
  "sendall", "sendto", "shutdown", "close", "detach", "dup", "settimeout",
  "gettimeout", "setblocking", "getblocking",
} -- makefile has its own issue and spec

describe("socket object", function()
  before_each(H.before)
  after_each(H.after)

  describe("module", function()
    it("has _VERSION 'lsock X.Y.Z'", function()
      assert.is_string(lsock._VERSION)
      assert.truthy(lsock._VERSION:match("^lsock %d+%.%d+%.%d+$"), lsock._VERSION)
    end)

    it("has_ipv6 is a boolean", function()
      assert.is_boolean(lsock.has_ipv6)
    end)

    it("exposes every module function", function()
      for _, name in ipairs { "socket", "socketpair", "fromfd", "close",
          "create_connection", "create_server", "select", "getaddrinfo",
          "getnameinfo", "gethostname", "gethostbyname", "inet_pton",
          "inet_ntop", "htons", "ntohs", "htonl", "ntohl",
          "getdefaulttimeout", "setdefaulttimeout" } do
        assert.is_function(lsock[name], "lsock." .. name)
      end
    end)
  end)

  describe("fields", function()
    it("default socket() is AF_INET, SOCK_STREAM, proto 0", function()
      local s = lsock.socket()
      assert.are.equal(lsock.AF_INET, s.family)
      assert.are.equal(lsock.SOCK_STREAM, s.type)
      assert.are.equal(0, s.proto)
      s:close()
    end)

    it("reflect the constants for UDP, TCP with explicit proto, and Unix", function()
      local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      assert.are.equal(lsock.AF_INET, u.family)
      assert.are.equal(lsock.SOCK_DGRAM, u.type)
      u:close()
      local t = lsock.socket(lsock.AF_INET, lsock.SOCK_STREAM, lsock.IPPROTO_TCP)
      assert.are.equal(lsock.IPPROTO_TCP, t.proto)
      t:close()
      local x = lsock.socket(lsock.AF_UNIX, lsock.SOCK_DGRAM)
      assert.are.equal(lsock.AF_UNIX, x.family)
      assert.are.equal(lsock.SOCK_DGRAM, x.type)
      x:close()
    end)

    it("are integers on Lua 5.3+", function()
      if not H.has_integers then return pending("Lua without integers") end
      local s = lsock.socket()
      assert.are.equal("integer", math.type(s.family))
      assert.are.equal("integer", math.type(s.type))
      assert.are.equal("integer", math.type(s.proto))
      assert.are.equal("integer", math.type(s:fileno()))
      s:close()
    end)

    it("are read-only", function()
      local s = lsock.socket()
      local ok = pcall(function() s.family = lsock.AF_UNIX end)
      assert.is_false(ok)
      assert.are.equal(lsock.AF_INET, s.family)
      ok = pcall(function() s.recv = function() end end)
      assert.is_false(ok)
      s:close()
    end)

    it("remain readable after close", function()
      local s = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      s:close()
      assert.are.equal(lsock.AF_INET, s.family)
      assert.are.equal(lsock.SOCK_DGRAM, s.type)
    end)

    it("has every method of SPEC.md", function()
      local s = lsock.socket()
      for _, m in ipairs(METHODS) do
        assert.is_function(s[m], "method " .. m)
      end
      s:close()
    end)
  end)

  describe("fileno and close", function()
    it("fileno is an open descriptor, -1 once closed", function()
      local s = lsock.socket()
      local fd = s:fileno()
      assert.is_true(fd >= 0)
      assert.is_true(H.fd_is_open(fd))
      assert.are.equal(true, s:close())
      assert.are.equal(-1, s:fileno())
      assert.is_false(H.fd_is_open(fd))
    end)

    it("close is idempotent", function()
      local s = lsock.socket()
      assert.are.equal(true, s:close())
      assert.are.equal(true, s:close())
      assert.are.equal(-1, s:fileno())
    end)

    it("a second close never closes a descriptor that reused the number", function()
      local a = lsock.socket()
      local fd = a:fileno()
      a:close()
      local b = lsock.socket()
      assert.are.equal(fd, b:fileno()) -- the lowest free number is reused
      a:close()
      a = nil
      collectgarbage("collect"); collectgarbage("collect")
      assert.is_true(H.fd_is_open(fd))
      assert.is_true(b:bind("127.0.0.1", 0))
      b:close()
    end)
  end)

  describe("__name", function()
    it("is lsock.socket", function()
      local s = lsock.socket()
      assert.are.equal("lsock.socket", debug.getmetatable(s).__name)
      s:close()
    end)

    it("names the expected type in bad-self errors", function()
      local s = lsock.socket()
      H.raises("lsock%.socket expected", function() local x = s.recv(42, 1) end)
      H.raises("lsock%.socket expected", function() local x = s.fileno({}) end)
      s:close()
    end)
  end)

  describe("__tostring", function()
    it("shows fd, family, type, proto, laddr, raddr of a connected TCP socket", function()
      local c, a = H.tcp_pair()
      local ch, cp = c:getsockname()
      local ah, ap = a:getsockname()
      assert.are.equal(("<lsock.socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=%s:%d, raddr=%s:%d>")
        :format(c:fileno(), ch, cp, ah, ap), tostring(c))
      assert.are.equal(("<lsock.socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=%s:%d, raddr=%s:%d>")
        :format(a:fileno(), ah, ap, ch, cp), tostring(a))
      c:close(); a:close()
    end)

    it("omits raddr when not connected (as Python)", function()
      local s = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      assert(s:bind("127.0.0.1", 0))
      local _, p = s:getsockname()
      assert.are.equal(("<lsock.socket fd=%d, family=AF_INET, type=SOCK_DGRAM, proto=0, laddr=127.0.0.1:%d>")
        :format(s:fileno(), p), tostring(s))
      s:close()
    end)

    it("says [closed] once closed, and does not raise", function()
      local s = lsock.socket()
      s:close()
      local str = tostring(s)
      assert.truthy(str:match("^<lsock%.socket"), str)
      assert.truthy(str:find("[closed]", 1, true), str)
      assert.truthy(str:match(">$"), str)
    end)

    it("writes IPv6 addresses as [::1]:port", function()
      local s = lsock.socket(lsock.AF_INET6, lsock.SOCK_DGRAM)
      if not s:bind("::1", 0) then s:close() return pending("::1 cannot be bound") end
      local _, p = s:getsockname()
      assert.are.equal(("<lsock.socket fd=%d, family=AF_INET6, type=SOCK_DGRAM, proto=0, laddr=[::1]:%d>")
        :format(s:fileno(), p), tostring(s))
      s:close()
    end)

    it("writes a Unix socket's path", function()
      local dir = H.tmpdir()
      local path = dir .. "/s"
      local s = lsock.socket(lsock.AF_UNIX, lsock.SOCK_STREAM)
      assert(s:bind(path))
      local str = tostring(s)
      assert.truthy(str:find(("<lsock.socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0")
        :format(s:fileno()), 1, true), str)
      assert.truthy(str:find("laddr=" .. path, 1, true), str)
      s:close()
      H.rmtree(dir)
    end)
  end)

  describe("__gc", function()
    it("closes an unreachable socket", function()
      local s = lsock.socket()
      local fd = s:fileno()
      assert.is_true(H.fd_is_open(fd))
      s = nil
      collectgarbage("collect"); collectgarbage("collect")
      assert.is_false(H.fd_is_open(fd))
    end)

    it("closes many unreachable sockets, connected ones included", function()
      local before = H.fdcount()
      for _ = 1, 50 do
        local c, a = H.tcp_pair()
        local x, y = lsock.socketpair()
      end
      collectgarbage("collect"); collectgarbage("collect")
      assert.are.equal(before, H.fdcount())
    end)

    it("does not close a detached descriptor", function()
      local s = lsock.socket()
      local fd = s:detach()
      s = nil
      collectgarbage("collect"); collectgarbage("collect")
      assert.is_true(H.fd_is_open(fd))
      assert.are.equal(true, lsock.close(fd))
    end)
  end)

  describe("__close", function()
    it("exists and closes (Lua 5.4)", function()
      if not H.is54 then return pending("__close needs Lua 5.4") end
      assert.is_function(debug.getmetatable(lsock.socket()).__close)
      local chunk = assert(load([[
        local lsock = ...
        local outer, fd
        do
          local s <close> = lsock.socket()
          outer, fd = s, s:fileno()
        end
        return outer, fd
      ]]))
      local s, fd = chunk(lsock)
      assert.are.equal(-1, s:fileno())
      assert.is_false(H.fd_is_open(fd))
    end)

    it("closes when the block exits by an error (Lua 5.4)", function()
      if not H.is54 then return pending("__close needs Lua 5.4") end
      local chunk = assert(load([[
        local lsock, box = ...
        local s <close> = lsock.socket()
        box.s = s
        error("boom")
      ]]))
      local box = {}
      local ok, err = pcall(chunk, lsock, box)
      assert.is_false(ok)
      assert.truthy(tostring(err):find("boom"))
      assert.are.equal(-1, box.s:fileno())
    end)

    it("after an explicit close is harmless (Lua 5.4)", function()
      if not H.is54 then return pending("__close needs Lua 5.4") end
      local chunk = assert(load([[
        local lsock = ...
        local s <close> = lsock.socket()
        s:close()
        return true
      ]]))
      assert.is_true(chunk(lsock))
    end)
  end)
end)
