-- TCP over 127.0.0.1: bind/listen/accept/connect, send/recv, shutdown,
-- socket options, connect's outcomes, peers that vanish, big reads.
local H = require "spec.helper"
local lsock = require "lsock"

describe("tcp", function()
  before_each(H.before)
  after_each(H.after)

  describe("addresses", function()
    it("bind/getsockname: host, port as multiple values; port 0 picks a port", function()
      local s = lsock.socket()
      assert.are.equal(true, s:bind("127.0.0.1", 0))
      local host, port, extra = s:getsockname()
      assert.are.equal("127.0.0.1", host)
      assert.is_number(port)
      assert.is_true(port > 0 and port < 65536)
      if H.has_integers then assert.are.equal("integer", math.type(port)) end
      assert.is_nil(extra)
      s:close()
      local u = lsock.socket()
      assert.are.same({ "0.0.0.0", 0 }, { u:getsockname() }) -- unbound
      u:close()
    end)

    it("accepts an address as one table, and getaddrinfo's addr as is", function()
      local s = lsock.socket()
      assert.are.equal(true, s:bind({ "127.0.0.1", 0 }))
      assert.are.equal(true, s:listen())
      local _, port = s:getsockname()
      local ai = assert(lsock.getaddrinfo("127.0.0.1", port, lsock.AF_INET, lsock.SOCK_STREAM))
      local c = lsock.socket()
      c:settimeout(5)
      assert.are.equal(true, c:connect(ai[1].addr))
      local c2 = lsock.socket()
      c2:settimeout(5)
      assert.are.equal(true, c2:connect({ "127.0.0.1", port }))
      c:close(); c2:close(); s:close()
    end)

    it("'' and '*' bind to any address; 'localhost' resolves", function()
      for _, any in ipairs { "", "*" } do
        local s = lsock.socket()
        assert.are.equal(true, s:bind(any, 0))
        assert.are.equal("0.0.0.0", (s:getsockname()))
        s:close()
      end
      local l = lsock.socket()
      assert(l:bind("localhost", 0))
      assert.are.equal("127.0.0.1", (l:getsockname()))
      assert(l:listen())
      local _, port = l:getsockname()
      local c = lsock.socket()
      c:settimeout(5)
      assert.are.equal(true, c:connect("localhost", port))
      c:close(); l:close()
    end)

    it("accept returns conn, host, port; getpeername matches the other end", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:settimeout(5)
      local _, lport = l:getsockname()
      local c = lsock.socket()
      c:settimeout(5)
      assert(c:connect("127.0.0.1", lport))
      local conn, host, port, extra = l:accept()
      assert.are.equal("lsock.socket", debug.getmetatable(conn).__name)
      assert.are.equal("127.0.0.1", host)
      local ch, cp = c:getsockname()
      assert.are.equal(cp, port)
      assert.is_nil(extra)
      assert.are.same({ "127.0.0.1", cp }, { conn:getpeername() })
      assert.are.same({ "127.0.0.1", lport }, { c:getpeername() })
      assert.are.equal(lsock.AF_INET, conn.family)
      assert.are.equal(lsock.SOCK_STREAM, conn.type)
      conn:close(); c:close(); l:close()
    end)
  end)

  describe("data", function()
    it("send returns the count and recv the bytes, zeros included", function()
      local c, a = H.tcp_pair()
      local msg = "hello\0world\255"
      assert.are.equal(#msg, c:send(msg))
      assert.are.equal(msg, H.recvn(a, #msg))
      assert.are.equal(3, a:send("abc"))
      assert.are.equal("abc", H.recvn(c, 3))
      c:close(); a:close()
    end)

    it("recv returns '' at end of stream", function()
      local c, a = H.tcp_pair()
      assert(c:send("last"))
      c:close()
      assert.are.equal("last", H.recvn(a, 4))
      assert.are.equal("", a:recv(100))
      assert.are.equal("", a:recv(100))
      a:close()
    end)

    it("recv(0) returns '' without waiting (as Python)", function()
      local c, a = H.tcp_pair(0.5)
      local t, d, err = H.timed(function() return a:recv(0) end)
      assert.are.equal("", d, tostring(err))
      assert.is_true(t < 0.3, "recv(0) took " .. t .. " s")
      c:close(); a:close()
    end)

    it("shutdown(SHUT_WR) ends one direction only", function()
      local c, a = H.tcp_pair()
      assert.are.equal(true, c:shutdown(lsock.SHUT_WR))
      assert.are.equal("", a:recv(10))
      assert(a:send("still"))
      assert.are.equal("still", H.recvn(c, 5))
      c:close(); a:close()
    end)

    it("MSG_PEEK leaves the data to be read again", function()
      local c, a = H.tcp_pair()
      assert(c:send("peekaboo"))
      assert.are.equal("peek", a:recv(4, lsock.MSG_PEEK))
      assert.are.equal("peekaboo", H.recvn(a, 8))
      c:close(); a:close()
    end)

    it("recv(2^31) with 10 bytes pending returns them at once, allocating no 2 GiB", function()
      local c, a = H.tcp_pair(2)
      assert.are.equal(10, c:send("0123456789"))
      -- let the bytes arrive: a peek of 1 byte waits for the first
      assert.are.equal("0", a:recv(1, lsock.MSG_PEEK))
      collectgarbage("collect"); collectgarbage("collect")
      local kb0 = collectgarbage("count")
      local peak0 = H.status_kb("VmPeak")
      local t, d, err = H.timed(function() return a:recv(2 ^ 31) end)
      local kb1 = collectgarbage("count")
      local peak1 = H.status_kb("VmPeak")
      assert.are.equal("0123456789", d, tostring(err))
      assert.is_true(t < 0.5, "recv took " .. t .. " s")
      assert.is_true(kb1 - kb0 < 1024, ("Lua heap grew by %.1f KiB"):format(kb1 - kb0))
      if peak0 and peak1 then
        assert.is_true(peak1 - peak0 < 512 * 1024,
          ("peak virtual memory grew by %d KiB"):format(peak1 - peak0))
      end
      -- and a second time, with MSG_PEEK's huge size too
      assert(c:send("abcdefghij"))
      assert.are.equal("a", a:recv(1, lsock.MSG_PEEK))
      assert.are.equal("abcdefghij", a:recv(2 ^ 31, lsock.MSG_PEEK))
      assert.are.equal("abcdefghij", a:recv(2 ^ 31))
      c:close(); a:close()
    end)

    it("recv of a huge bufsize returns what a big transfer delivered, intact", function()
      local c, a = H.tcp_pair()
      local data = {}
      for i = 1, 1000 do data[i] = ("%07d|"):format(i) end
      data = table.concat(data) -- 8000 bytes
      assert(c:sendall(data))
      c:shutdown(lsock.SHUT_WR)
      local got = {}
      while true do
        local d = assert(a:recv(2 ^ 30))
        if d == "" then break end
        got[#got + 1] = d
      end
      assert.are.equal(data, table.concat(got))
      c:close(); a:close()
    end)

    it("sendall sends every byte of 8 MiB to a reading peer", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:settimeout(10)
      local _, port = l:getsockname()
      -- a child reader (python3): counts bytes until end of stream
      local p = io.popen(("python3 -c %s"):format(H.shquote(([[
import socket, sys
s = socket.create_connection(("127.0.0.1", %d), timeout=15)
n = 0
while True:
    d = s.recv(1 << 20)
    if not d: break
    n += len(d)
print(n)
]]):format(port))))
      local conn = assert(l:accept())
      conn:settimeout(10)
      local size = 8 * 1024 * 1024
      local t, ok, err = H.timed(function() return conn:sendall(string.rep("z", size)) end)
      conn:close(); l:close()
      local out = p:read("*a")
      p:close()
      assert.are.equal(true, ok, tostring(err))
      assert.are.equal(size, tonumber(out))
      assert.is_true(t < 10)
    end)
  end)

  describe("connect", function()
    it("a closed port gives nil, message, ECONNREFUSED (blocking and timeout modes)", function()
      local port = H.closed_port()
      local s = lsock.socket()
      H.fails(lsock.ECONNREFUSED, s:connect("127.0.0.1", port))
      s:close()
      s = lsock.socket()
      s:settimeout(2)
      H.fails(lsock.ECONNREFUSED, s:connect("127.0.0.1", port))
      s:close()
    end)

    it("connect_ex returns 0, or the errno as an integer", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      local _, port = l:getsockname()
      local c = lsock.socket()
      c:settimeout(5)
      local r = c:connect_ex("127.0.0.1", port)
      assert.are.equal(0, r)
      if H.has_integers then assert.are.equal("integer", math.type(r)) end
      c:close()
      local d = lsock.socket()
      d:settimeout(5)
      assert.are.equal(lsock.ECONNREFUSED, d:connect_ex("127.0.0.1", H.closed_port()))
      d:close()
      local e = lsock.socket()
      assert.are.equal(lsock.ECONNREFUSED, e:connect_ex({ "127.0.0.1", H.closed_port() }))
      e:close()
      l:close()
    end)

    it("non-blocking connect gives EINPROGRESS, then completes", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      local _, port = l:getsockname()
      local c = lsock.socket()
      c:settimeout(0)
      local ok, msg, code = c:connect("127.0.0.1", port)
      if ok ~= true then
        H.fails(lsock.EINPROGRESS, ok, msg, code)
        local _, w = lsock.select({}, { c }, {}, 5)
        assert.are.equal(c, w[1])
        assert.are.equal(0, c:getsockopt(lsock.SOL_SOCKET, lsock.SO_ERROR))
      end
      l:settimeout(5)
      local conn = assert(l:accept())
      assert(c:send("x"))
      conn:settimeout(5)
      assert.are.equal("x", conn:recv(1))
      local c2 = lsock.socket()
      c2:setblocking(false)
      local r = c2:connect_ex("127.0.0.1", port)
      assert.is_true(r == 0 or r == lsock.EINPROGRESS, "connect_ex gave " .. tostring(r))
      c2:close(); conn:close(); c:close(); l:close()
    end)

    it("honours the timeout when the peer never answers (full backlog)", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen(0))
      local _, port = l:getsockname()
      -- fill the accept queue; further SYNs are dropped
      local fillers = {}
      for i = 1, 4 do
        fillers[i] = lsock.socket()
        fillers[i]:settimeout(0)
        fillers[i]:connect_ex("127.0.0.1", port)
      end
      local c = lsock.socket()
      c:settimeout(0.3)
      local t, ok, msg, code = H.timed(function() return c:connect("127.0.0.1", port) end)
      if ok then
        c:close(); l:close()
        for _, f in ipairs(fillers) do f:close() end
        return pending("the system accepted a connection over a full backlog")
      end
      H.timedout(ok, msg, code)
      H.within(t, 0.2, 1.5, "connect with timeout 0.3")
      local c2 = lsock.socket()
      c2:settimeout(0.2)
      local t2, r = H.timed(function() return c2:connect_ex("127.0.0.1", port) end)
      assert.are.equal(lsock.ETIMEDOUT, r)
      H.within(t2, 0.1, 1.5, "connect_ex with timeout 0.2")
      c2:close(); c:close(); l:close()
      for _, f in ipairs(fillers) do f:close() end
    end)
  end)

  describe("listen", function()
    it("takes no backlog, a backlog, or a negative one (counted as 0)", function()
      for _, backlog in ipairs { "none", 5, 0, -3 } do
        local l = lsock.socket()
        assert(l:bind("127.0.0.1", 0))
        if backlog == "none" then
          assert.are.equal(true, l:listen())
        else
          assert.are.equal(true, l:listen(backlog))
        end
        local _, port = l:getsockname()
        local c = lsock.socket()
        c:settimeout(5)
        assert.are.equal(true, c:connect("127.0.0.1", port))
        l:settimeout(5)
        local conn = assert(l:accept())
        conn:close(); c:close(); l:close()
      end
    end)

    -- the backlog in force is measured by H.accept_queue

    it("the default backlog is min(SOMAXCONN, 128)", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      local want = math.min(lsock.SOMAXCONN, 128)
      assert.are.equal(want + 1, H.accept_queue(l), "connections queued by listen() (backlog + 1)")
      l:close()
    end)

    it("an explicit backlog is used, and a negative one counts as 0", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen(4))
      assert.are.equal(5, H.accept_queue(l))
      l:close()
      local m = lsock.socket()
      assert(m:bind("127.0.0.1", 0))
      assert(m:listen(-3))
      assert.are.equal(1, H.accept_queue(m))
      m:close()
    end)
  end)

  describe("socket options", function()
    it("integers and booleans in, integers out", function()
      local s = lsock.socket()
      assert.are.equal(true, s:setsockopt(lsock.IPPROTO_TCP, lsock.TCP_NODELAY, true))
      assert.are_not.equal(0, s:getsockopt(lsock.IPPROTO_TCP, lsock.TCP_NODELAY))
      assert.are.equal(true, s:setsockopt(lsock.IPPROTO_TCP, lsock.TCP_NODELAY, false))
      assert.are.equal(0, s:getsockopt(lsock.IPPROTO_TCP, lsock.TCP_NODELAY))
      assert.are.equal(true, s:setsockopt(lsock.SOL_SOCKET, lsock.SO_KEEPALIVE, 1))
      assert.are_not.equal(0, s:getsockopt(lsock.SOL_SOCKET, lsock.SO_KEEPALIVE))
      assert(s:setsockopt(lsock.IPPROTO_TCP, lsock.TCP_KEEPIDLE, 77))
      assert.are.equal(77, s:getsockopt(lsock.IPPROTO_TCP, lsock.TCP_KEEPIDLE))
      assert(s:setsockopt(lsock.SOL_SOCKET, lsock.SO_RCVBUF, 65536))
      assert.is_true(s:getsockopt(lsock.SOL_SOCKET, lsock.SO_RCVBUF) >= 65536)
      assert.are.equal(lsock.SOCK_STREAM, s:getsockopt(lsock.SOL_SOCKET, lsock.SO_TYPE))
      assert.are.equal(0, s:getsockopt(lsock.SOL_SOCKET, lsock.SO_ERROR))
      s:close()
    end)

    it("raw bytes in and out (SO_LINGER as two native ints)", function()
      -- string.pack("ii", 1, 7) on this little-endian machine, built by
      -- hand so that the spec runs on Lua 5.1 too
      local function int32(n) return string.char(n % 256, math.floor(n / 256) % 256, 0, 0) end
      local function unint32(str, i) return str:byte(i) + 256 * str:byte(i + 1) end
      local s = lsock.socket()
      assert.are.equal(true, s:setsockopt(lsock.SOL_SOCKET, lsock.SO_LINGER, int32(1) .. int32(7)))
      local raw = s:getsockopt(lsock.SOL_SOCKET, lsock.SO_LINGER, 8)
      assert.is_string(raw)
      assert.are.equal(8, #raw)
      assert.are.equal(1, unint32(raw, 1))
      assert.are.equal(7, unint32(raw, 5))
      if string.pack then
        assert(s:setsockopt(lsock.SOL_SOCKET, lsock.SO_LINGER, string.pack("ii", 1, 3)))
        local on, secs = string.unpack("ii", s:getsockopt(lsock.SOL_SOCKET, lsock.SO_LINGER, 8))
        assert.are_not.equal(0, on)
        assert.are.equal(3, secs)
      end
      -- at most buflen bytes
      local short = s:getsockopt(lsock.SOL_SOCKET, lsock.SO_LINGER, 4)
      assert.is_true(#short <= 4)
      s:close()
    end)

    it("a failing setsockopt returns nil, message, errno", function()
      local s = lsock.socket()
      H.fails(nil, s:setsockopt(lsock.SOL_SOCKET, 98765, 1))
      s:close()
    end)
  end)

  describe("a peer that vanished", function()
    it("send returns EPIPE or ECONNRESET, and the process lives", function()
      local c, a = H.tcp_pair(2)
      a:close()
      local ok, msg, code
      for _ = 1, 200 do
        ok, msg, code = c:send("are you there?")
        if not ok then break end
        lsock.select({}, {}, {}, 0.01)
      end
      H.fails({ lsock.EPIPE, lsock.ECONNRESET }, ok, msg, code)
      c:close()
    end)

    it("sendall returns EPIPE or ECONNRESET with the count sent", function()
      local c, a = H.tcp_pair(2)
      a:close()
      lsock.select({}, {}, {}, 0.05)
      local r = { c:sendall(string.rep("q", 4 * 1024 * 1024)) }
      assert.is_nil(r[1])
      assert.is_true(r[3] == lsock.EPIPE or r[3] == lsock.ECONNRESET, tostring(r[2]))
      assert.is_number(r[4])
      c:close()
    end)

    it("in a child process with SIGPIPE at its default, the child survives", function()
      local out, ok = H.run_lua([[
        local lsock = require "lsock"
        local a, b = lsock.socketpair()
        b:close()
        print("unix", a:send("x"))
        local l = lsock.socket(); l:bind("127.0.0.1", 0); l:listen()
        local c = lsock.socket(); c:settimeout(2); c:connect(l:getsockname())
        local conn = l:accept(); conn:close()
        local r
        for i = 1, 100 do
          r = { c:send("hello") }
          if not r[1] then break end
          lsock.select({}, {}, {}, 0.01)
        end
        print("tcp", r[1], r[2], r[3])
        local st = io.open("/proc/self/status"):read("*a")
        print("SigIgn", st:match("SigIgn:%s*(%x+)"))
        print("alive")
      ]])
      assert.is_true(ok, out)
      assert.truthy(out:find("alive"), out)
      assert.truthy(out:find("unix\tnil\t[^\t]+\t" .. lsock.EPIPE), out)
      local code = tonumber(out:match("tcp\tnil\t[^\t]+\t(%d+)"))
      assert.is_true(code == lsock.EPIPE or code == lsock.ECONNRESET, out)
      -- the module installed no handler: SIGPIPE is still not ignored
      local ign = out:match("SigIgn\t(%x+)")
      local low = tonumber(ign:sub(-8), 16)
      assert.are.equal(0, math.floor(low / 2 ^ 12) % 2, "SIGPIPE is ignored in the child: " .. out)
    end)

    it("the module changed no signal disposition in this process", function()
      if H.sigpipe_ignored_at_start then return pending("busted started with SIGPIPE ignored") end
      assert.is_false(H.sigbit("SigIgn", H.SIGPIPE))
      assert.is_false(H.sigbit("SigCgt", H.SIGPIPE))
    end)
  end)

  describe("close-on-exec", function()
    it("no socket descriptor reaches a child process", function()
      local c, a = H.tcp_pair()
      local l = lsock.socket(); assert(l:bind("127.0.0.1", 0)); assert(l:listen())
      local x, y = lsock.socketpair()
      local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      local d = c:dup()
      local f = lsock.fromfd(u:fileno(), lsock.AF_INET, lsock.SOCK_DGRAM)
      local srv = lsock.create_server({ "127.0.0.1", 0 })
      local cc = lsock.create_connection({ "127.0.0.1", select(2, srv:getsockname()) }, 5)
      local all = { c, a, l, x, y, u, d, f, srv, cc }
      -- the sockets' inodes, from our own descriptor table
      local mine = H.fds()
      local inodes = {}
      for _, s in ipairs(all) do
        local target = mine[s:fileno()]
        assert.truthy(target and target:match("^socket:"), "fd " .. s:fileno() .. " -> " .. tostring(target))
        inodes[target] = true
      end
      local p = io.popen("sh -c 'ls -l /proc/$$/fd'")
      local listing = p:read("*a")
      p:close()
      assert.truthy(listing:find("%->"), "no listing: " .. listing)
      for target in listing:gmatch("%-> ([^\n]*)") do
        assert.is_nil(inodes[target], "a child inherited " .. target .. ":\n" .. listing)
      end
      for _, s in ipairs(all) do s:close() end
    end)
  end)
end)
