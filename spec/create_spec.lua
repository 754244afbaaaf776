-- The ways to get a socket: socket, socketpair, create_connection,
-- create_server, fromfd, dup; and to let one go: detach, lsock.close.
local H = require "spec.helper"
local lsock = require "lsock"

describe("create", function()
  before_each(H.before)
  after_each(H.after)

  describe("socket", function()
    it("makes each family and type lsock speaks", function()
      for _, ft in ipairs {
        { lsock.AF_INET, lsock.SOCK_STREAM }, { lsock.AF_INET, lsock.SOCK_DGRAM },
        { lsock.AF_INET6, lsock.SOCK_STREAM }, { lsock.AF_INET6, lsock.SOCK_DGRAM },
        { lsock.AF_UNIX, lsock.SOCK_STREAM }, { lsock.AF_UNIX, lsock.SOCK_DGRAM },
        { lsock.AF_UNIX, lsock.SOCK_SEQPACKET },
      } do
        local s = assert(lsock.socket(ft[1], ft[2]))
        assert.are.equal(ft[1], s.family)
        assert.are.equal(ft[2], s.type)
        assert.are.equal(ft[2], s:getsockopt(lsock.SOL_SOCKET, lsock.SO_TYPE))
        s:close()
      end
    end)

    it("a protocol the family lacks is a system failure, nil, message, errno", function()
      H.fails(lsock.EPROTONOSUPPORT, lsock.socket(lsock.AF_INET, lsock.SOCK_STREAM, lsock.IPPROTO_UDP))
    end)
  end)

  describe("create_connection", function()
    it("connects to {host, port} and returns the socket", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      srv:settimeout(5)
      local _, port = srv:getsockname()
      local c = assert(lsock.create_connection({ "127.0.0.1", port }))
      assert.are.equal(lsock.AF_INET, c.family)
      assert.are.equal(lsock.SOCK_STREAM, c.type)
      assert.is_nil(c:gettimeout())
      local conn, host, cport = srv:accept()
      assert.truthy(conn, host)
      assert.are.same({ "127.0.0.1", cport }, { c:getsockname() })
      assert.are.same({ "127.0.0.1", port }, { c:getpeername() })
      conn:close(); c:close(); srv:close()
    end)

    it("gives the socket its timeout", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      local _, port = srv:getsockname()
      local c = assert(lsock.create_connection({ "127.0.0.1", port }, 2.5))
      assert.are.equal(2.5, c:gettimeout())
      c:close(); srv:close()
    end)

    it("binds to source_address first", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      srv:settimeout(5)
      local _, port = srv:getsockname()
      -- a free source port
      local probe = lsock.socket(); assert(probe:bind("127.0.0.1", 0))
      local _, sport = probe:getsockname(); probe:close()
      local c = assert(lsock.create_connection({ "127.0.0.1", port }, 5, { "127.0.0.1", sport }))
      assert.are.same({ "127.0.0.1", sport }, { c:getsockname() })
      local conn, _, peerport = srv:accept()
      assert.are.equal(sport, peerport)
      conn:close(); c:close(); srv:close()
    end)

    it("returns nil, message, ECONNREFUSED when nothing listens", function()
      H.fails(lsock.ECONNREFUSED, lsock.create_connection({ "127.0.0.1", H.closed_port() }, 2))
    end)

    it("tries every getaddrinfo result in order ('localhost' to an IPv4-only server)", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      srv:settimeout(5)
      local _, port = srv:getsockname()
      local c = assert(lsock.create_connection({ "localhost", port }, 5))
      assert.are.equal(lsock.AF_INET, c.family)
      local conn = assert(srv:accept())
      conn:close(); c:close(); srv:close()
    end)

    it("leaves no socket behind when it fails", function()
      local before = H.fdcount()
      for _ = 1, 5 do
        H.fails(nil, lsock.create_connection({ "127.0.0.1", H.closed_port() }, 1))
      end
      assert.are.equal(before, H.fdcount()) -- without a collection
    end)
  end)

  describe("create_server", function()
    it("returns a bound, listening socket with SO_REUSEADDR", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      local host, port = srv:getsockname()
      assert.are.equal("127.0.0.1", host)
      assert.is_true(port > 0)
      assert.are_not.equal(0, srv:getsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR))
      if lsock.SO_ACCEPTCONN then
        assert.are_not.equal(0, srv:getsockopt(lsock.SOL_SOCKET, lsock.SO_ACCEPTCONN))
      end
      srv:close()
    end)

    it("takes opts: family, backlog, reuse_port", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 },
        { family = lsock.AF_INET, backlog = 3, reuse_port = true }))
      assert.are_not.equal(0, srv:getsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEPORT))
      local _, port = srv:getsockname()
      -- reuse_port lets a second server share the port
      local srv2 = assert(lsock.create_server({ "127.0.0.1", port }, { reuse_port = true }))
      srv2:close(); srv:close()
    end)

    it("listens with opts.backlog, else with listen()'s default (measured by the accept queue)", function()
      -- Linux queues backlog + 1 connections, then drops SYNs
      local function queued(srv)
        local _, port = srv:getsockname()
        local cs, n = {}, 0
        for i = 1, 300 do
          cs[i] = lsock.socket()
          cs[i]:settimeout(0.15)
          if not cs[i]:connect("127.0.0.1", port) then break end
          n = n + 1
        end
        for _, c in ipairs(cs) do c:close() end
        return n
      end
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }, { backlog = 2 }))
      assert.are.equal(3, queued(srv))
      srv:close()
      local dflt = assert(lsock.create_server({ "127.0.0.1", 0 }))
      assert.are.equal(math.min(lsock.SOMAXCONN, 128) + 1, queued(dflt))
      dflt:close()
    end)

    it("returns nil, message, EADDRINUSE for a port in use", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      local _, port = srv:getsockname()
      H.fails(lsock.EADDRINUSE, lsock.create_server({ "127.0.0.1", port }))
      srv:close()
    end)

    it("serves an AF_INET6 address", function()
      local probe = lsock.socket(lsock.AF_INET6)
      local ok = probe:bind("::1", 0)
      probe:close()
      if not ok then return pending("::1 cannot be bound") end
      local srv = assert(lsock.create_server({ "::1", 0 }, { family = lsock.AF_INET6 }))
      srv:settimeout(5)
      local _, port = srv:getsockname()
      local c = assert(lsock.create_connection({ "::1", port }, 5))
      assert.are.equal(lsock.AF_INET6, c.family)
      local conn = assert(srv:accept())
      conn:close(); c:close(); srv:close()
    end)
  end)

  describe("socketpair", function()
    it("returns two connected sockets with the given family and type", function()
      local a, b = lsock.socketpair(lsock.AF_UNIX, lsock.SOCK_DGRAM)
      assert.are.equal(lsock.SOCK_DGRAM, a.type)
      assert.are.equal(lsock.SOCK_DGRAM, b.type)
      assert.are_not.equal(a:fileno(), b:fileno())
      assert(a:send("d"))
      b:settimeout(2)
      assert.are.equal("d", b:recv(1))
      a:close(); b:close()
    end)
  end)

  describe("fromfd", function()
    it("makes a socket over a dup of the descriptor", function()
      local c, a = H.tcp_pair()
      local fd = a:fileno()
      local f = assert(lsock.fromfd(fd, lsock.AF_INET, lsock.SOCK_STREAM))
      assert.are_not.equal(fd, f:fileno())
      assert.are.equal(lsock.AF_INET, f.family)
      assert.are.equal(lsock.SOCK_STREAM, f.type)
      assert.are.same({ a:getsockname() }, { f:getsockname() })
      f:settimeout(5)
      assert(c:send("via fromfd"))
      assert.are.equal("via fromfd", H.recvn(f, 10))
      f:close()
      -- the original descriptor is still open and working
      assert.is_true(H.fd_is_open(fd))
      assert(c:send("orig"))
      assert.are.equal("orig", H.recvn(a, 4))
      c:close(); a:close()
    end)

    it("works on a detached descriptor, which the caller still owns", function()
      local s = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      local fd = s:detach()
      local f = assert(lsock.fromfd(fd, lsock.AF_INET, lsock.SOCK_DGRAM))
      assert(f:bind("127.0.0.1", 0))
      f:close()
      assert.is_true(H.fd_is_open(fd))
      assert.are.equal(true, lsock.close(fd))
    end)

    it("fails with nil, message, EBADF for a descriptor that is not open", function()
      local s = lsock.socket()
      local fd = s:detach()
      lsock.close(fd)
      H.fails(lsock.EBADF, lsock.fromfd(fd, lsock.AF_INET, lsock.SOCK_STREAM))
    end)

    it("takes the default timeout", function()
      local a, b = lsock.socketpair()
      lsock.setdefaulttimeout(1.75)
      local f = assert(lsock.fromfd(a:fileno(), lsock.AF_UNIX, lsock.SOCK_STREAM))
      lsock.setdefaulttimeout(nil)
      assert.are.equal(1.75, f:gettimeout())
      f:close(); a:close(); b:close()
    end)
  end)

  describe("dup", function()
    it("makes a new socket over a new descriptor with the same timeout", function()
      local c, a = H.tcp_pair()
      a:settimeout(1.5)
      local d = assert(a:dup())
      assert.are_not.equal(a:fileno(), d:fileno())
      assert.are.equal(1.5, d:gettimeout())
      assert.are.equal(a.family, d.family)
      assert.are.equal(a.type, d.type)
      assert.are.equal(a.proto, d.proto)
      a:close()
      assert(c:send("dup"))
      assert.are.equal("dup", H.recvn(d, 3))
      d:close(); c:close()
    end)

    it("of a non-blocking socket stays non-blocking", function()
      local a, b = lsock.socketpair()
      a:settimeout(0)
      local d = a:dup()
      assert.are.equal(0, d:gettimeout())
      H.fails(lsock.EAGAIN, d:recv(1))
      d:close(); a:close(); b:close()
    end)
  end)

  describe("detach and lsock.close", function()
    it("detach returns the descriptor and leaves the object closed", function()
      local s = lsock.socket()
      local fd0 = s:fileno()
      local fd = s:detach()
      assert.are.equal(fd0, fd)
      assert.are.equal(-1, s:fileno())
      assert.truthy(tostring(s):find("[closed]", 1, true))
      assert.are.equal(true, s:close()) -- close after detach is a no-op
      assert.is_true(H.fd_is_open(fd))
      assert.are.equal(true, lsock.close(fd))
      assert.is_false(H.fd_is_open(fd))
    end)

    it("lsock.close on a closed descriptor returns nil, message, EBADF", function()
      local s = lsock.socket()
      local fd = s:detach()
      assert.are.equal(true, lsock.close(fd))
      H.fails(lsock.EBADF, lsock.close(fd))
    end)
  end)
end)
