-- The three timeout modes: blocking (nil), non-blocking (0), timeout (t),
-- the default timeout, MSG_DONTWAIT, sendall's single deadline, signals.
local H = require "spec.helper"
local lsock = require "lsock"

-- The start of the child scripts that get a SIGINT during a wait: lsock,
-- a clock (now), the child's pid, and whether lua.c catches SIGINT there
-- (printed as "sigint-caught true|false", so the spec can skip if not).
local SIGNAL_CHILD = [[
  local lsock = require "lsock"
  local function now() local f = io.open("/proc/uptime"); local t = tonumber(f:read("*a"):match("^%S+")); f:close(); return t end
  local f = io.open("/proc/self/stat"); local pid = f:read("*a"):match("^%d+"); f:close()
  local st = io.open("/proc/self/status"); local s = st:read("*a"); st:close()
  print("sigint-caught", math.floor(tonumber(s:match("SigCgt:%s*(%x+)"):sub(-8), 16) / 2) % 2 == 1)
]]

describe("timeouts", function()
  before_each(H.before)
  after_each(H.after)

  describe("modes", function()
    it("a new socket is blocking: gettimeout() nil, getblocking() true", function()
      local s = lsock.socket()
      assert.is_nil(s:gettimeout())
      assert.is_true(s:getblocking())
      s:close()
    end)

    it("settimeout(t) / gettimeout() / getblocking()", function()
      local s = lsock.socket()
      s:settimeout(0.25)
      assert.are.equal(0.25, s:gettimeout())
      assert.is_true(s:getblocking())
      s:settimeout(3)
      assert.are.equal(3, s:gettimeout())
      if H.has_integers then assert.are.equal("float", math.type(s:gettimeout())) end
      s:settimeout(0)
      assert.are.equal(0, s:gettimeout())
      assert.is_false(s:getblocking())
      s:settimeout(nil)
      assert.is_nil(s:gettimeout())
      assert.is_true(s:getblocking())
      s:settimeout(1.5)
      s:settimeout() -- no argument is nil, as settimeout(None)
      assert.is_nil(s:gettimeout())
      s:close()
    end)

    it("setblocking(false) is settimeout(0), setblocking(true) is settimeout(nil)", function()
      local s = lsock.socket()
      s:settimeout(2)
      s:setblocking(false)
      assert.are.equal(0, s:gettimeout())
      assert.is_false(s:getblocking())
      s:setblocking(true)
      assert.is_nil(s:gettimeout())
      assert.is_true(s:getblocking())
      s:close()
    end)

    it("settimeout(-1) raises, and so does NaN", function()
      local s = lsock.socket()
      H.raises("bad argument #1 to '[%w_.]*settimeout'", function() s:settimeout(-1) end)
      H.raises("bad argument #1 to '[%w_.]*settimeout'", function() s:settimeout(0 / 0) end)
      assert.is_nil(s:gettimeout())
      s:close()
    end)
  end)

  describe("default timeout", function()
    it("is nil to begin with, and settable", function()
      assert.is_nil(lsock.getdefaulttimeout())
      lsock.setdefaulttimeout(0.75)
      assert.are.equal(0.75, lsock.getdefaulttimeout())
      lsock.setdefaulttimeout(nil)
      assert.is_nil(lsock.getdefaulttimeout())
      H.raises("bad argument #1 to '[%w_.]*setdefaulttimeout'", function() lsock.setdefaulttimeout(-1) end)
    end)

    it("applies to new sockets: socket, socketpair, create_connection, create_server", function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      local _, port = srv:getsockname()
      lsock.setdefaulttimeout(0.6)
      local s = lsock.socket()
      local a, b = lsock.socketpair()
      local c = assert(lsock.create_connection({ "127.0.0.1", port }))
      local srv2 = assert(lsock.create_server({ "127.0.0.1", 0 }))
      lsock.setdefaulttimeout(nil)
      assert.are.equal(0.6, s:gettimeout())
      assert.are.equal(0.6, a:gettimeout())
      assert.are.equal(0.6, b:gettimeout())
      assert.are.equal(0.6, c:gettimeout())
      assert.are.equal(0.6, srv2:gettimeout())
      assert.is_nil(srv:gettimeout()) -- made before
      local later = lsock.socket()
      assert.is_nil(later:gettimeout())
      for _, x in ipairs { s, a, b, c, srv, srv2, later } do x:close() end
    end)

    it("applies to accepted sockets, whatever the listener's timeout", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:settimeout(3)
      local _, port = l:getsockname()
      local c1 = lsock.socket(); c1:settimeout(3)
      assert(c1:connect("127.0.0.1", port))
      local conn1 = assert(l:accept())
      assert.is_nil(conn1:gettimeout()) -- default nil, not the listener's 3
      lsock.setdefaulttimeout(0.4)
      local c2 = lsock.socket(); c2:settimeout(3)
      assert(c2:connect("127.0.0.1", port))
      local conn2 = assert(l:accept())
      lsock.setdefaulttimeout(nil)
      assert.are.equal(0.4, conn2:gettimeout())
      -- and the accepted socket does time out
      local t, r1, r2, r3 = H.timed(function() return conn2:recv(10) end)
      H.timedout(r1, r2, r3)
      H.within(t, 0.3, 1.5, "recv on an accepted socket with default timeout 0.4")
      for _, x in ipairs { l, c1, c2, conn1, conn2 } do x:close() end
    end)

    it("a default of 0 makes new sockets non-blocking", function()
      lsock.setdefaulttimeout(0)
      local a, b = lsock.socketpair()
      lsock.setdefaulttimeout(nil)
      local t, r1, r2, r3 = H.timed(function() return a:recv(10) end)
      H.fails(lsock.EAGAIN, r1, r2, r3)
      assert.is_true(t < 0.2)
      a:close(); b:close()
    end)

    it("dup keeps the socket's own timeout, not the default", function()
      local s = lsock.socket()
      s:settimeout(1.25)
      lsock.setdefaulttimeout(4)
      local d = s:dup()
      lsock.setdefaulttimeout(nil)
      assert.are.equal(1.25, d:gettimeout())
      s:close(); d:close()
    end)
  end)

  describe("blocking mode really blocks", function()
    -- SO_RCVTIMEO (a struct timeval of 0.3 s, little-endian, built by hand)
    -- bounds the kernel's wait: a descriptor that is truly blocking waits
    -- about 0.3 s, one left non-blocking by mistake fails at once
    local function int64(n) return string.char(n % 256, math.floor(n / 256) % 256,
      math.floor(n / 65536) % 256, 0, 0, 0, 0, 0) end
    local TV = int64(0) .. int64(300000)
    local function check(s, what)
      assert.is_nil(s:gettimeout(), what)
      assert(s:setsockopt(lsock.SOL_SOCKET, lsock.SO_RCVTIMEO, TV))
      local t, d, msg, code = H.timed(function() return s:recv(10) end)
      assert.is_nil(d, what)
      assert.is_true(t >= 0.2, ("%s: recv returned after %.2f s (%s, %s): the descriptor is not blocking")
        :format(what, t, tostring(msg), tostring(code)))
    end

    it("socket, socketpair, accepted, dup, fromfd, create_connection", function()
      local a, b = lsock.socketpair()
      check(a, "socketpair")
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:settimeout(2) -- the listener waits; its connections are blocking
      local _, port = l:getsockname()
      local c = assert(lsock.create_connection({ "127.0.0.1", port }))
      check(c, "create_connection")
      local conn = assert(l:accept())
      check(conn, "accepted")
      local d = conn:dup()
      check(d, "dup")
      local f = lsock.fromfd(conn:fileno(), lsock.AF_INET, lsock.SOCK_STREAM)
      check(f, "fromfd")
      for _, x in ipairs { a, b, l, c, conn, d, f } do x:close() end
    end)

    it("after settimeout(0) then settimeout(nil), and setblocking(true)", function()
      local a, b = lsock.socketpair()
      a:settimeout(0)
      a:settimeout(nil)
      check(a, "settimeout(nil)")
      a:settimeout(0.1)
      a:setblocking(true)
      check(a, "setblocking(true)")
      a:close(); b:close()
    end)
  end)

  describe("timeout mode", function()
    it("recv returns nil, 'timeout', ETIMEDOUT after the timeout", function()
      local a, b = lsock.socketpair()
      a:settimeout(0.2)
      local t, r1, r2, r3 = H.timed(function() return a:recv(10) end)
      H.timedout(r1, r2, r3)
      H.within(t, 0.15, 1.5, "recv with timeout 0.2")
      -- and the socket still works afterwards
      assert(b:send("after"))
      assert.are.equal("after", a:recv(10))
      a:close(); b:close()
    end)

    it("accept times out", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:settimeout(0.2)
      local t, r1, r2, r3 = H.timed(function() return l:accept() end)
      H.timedout(r1, r2, r3)
      H.within(t, 0.15, 1.5, "accept with timeout 0.2")
      l:close()
    end)

    it("send times out once the buffers are full", function()
      local a, b = lsock.socketpair()
      a:settimeout(0.2)
      H.fill(a)
      local t, r1, r2, r3 = H.timed(function() return a:send(string.rep("x", 65536)) end)
      H.timedout(r1, r2, r3)
      H.within(t, 0.15, 1.5, "send with timeout 0.2")
      a:close(); b:close()
    end)

    it("tries the call first: pending data is returned even with a tiny timeout", function()
      local a, b = lsock.socketpair()
      assert(b:send("ready"))
      a:settimeout(1e-6)
      assert.are.equal("ready", a:recv(10))
      a:close(); b:close()
    end)

    it("sendall that times out returns nil, 'timeout', ETIMEDOUT, count; nothing is lost", function()
      local c, a = H.tcp_pair(0.2)
      local data = {}
      for i = 1, 2 ^ 20 do data[i] = string.char(65 + i % 26) end
      data = table.concat(data) -- 1 MiB ...
      data = data:rep(24)        -- ... 24 MiB, more than any loopback buffer
      local t, r1, r2, r3, r4 = H.timed(function() return c:sendall(data) end)
      H.within(t, 0.15, 1.5, "sendall with timeout 0.2")
      assert.is_nil(r1)
      assert.are.equal("timeout", r2)
      assert.are.equal(lsock.ETIMEDOUT, r3)
      assert.is_number(r4, "the fourth value, the count sent")
      assert.is_true(r4 > 0 and r4 < #data, "count " .. tostring(r4))
      -- the peer receives exactly the first r4 bytes
      a:settimeout(5)
      c:shutdown(lsock.SHUT_WR)
      local got, n = {}, 0
      while true do
        local d = assert(a:recv(1048576))
        if d == "" then break end
        got[#got + 1] = d
        n = n + #d
      end
      assert.are.equal(r4, n)
      assert.is_true(table.concat(got) == data:sub(1, r4), "the bytes received are not the data's start")
      c:close(); a:close()
    end)

    it("sendall keeps one deadline for the whole call (a slow reader)", function()
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:settimeout(5)
      local _, port = l:getsockname()
      -- a reader that takes 4 KiB every 20 ms for at most 3 s: each send
      -- makes progress, so only a whole-call deadline can expire
      local p = io.popen(("python3 -c %s 2>&1"):format(H.shquote(([[
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", %d))
end = time.monotonic() + 3
try:
    while time.monotonic() < end:
        if not s.recv(4096): break
        time.sleep(0.02)
except OSError:
    pass
print("reader done")
]]):format(port))))
      local conn = assert(l:accept())
      l:close()
      assert(conn:setsockopt(lsock.SOL_SOCKET, lsock.SO_SNDBUF, 4096))
      conn:settimeout(0.5)
      local t, r1, r2, r3, r4 = H.timed(function() return conn:sendall(string.rep("s", 16 * 1024 * 1024)) end)
      conn:close()
      local out = p:read("*a")
      p:close()
      assert.are.equal("timeout", r2, "sendall gave " .. tostring(r1) .. ", " .. tostring(r2) .. " (reader: " .. out .. ")")
      H.within(t, 0.4, 1.5, "sendall with timeout 0.5 to a slow reader")
      assert.is_true(r4 > 0)
    end)

    it("a signal (EINTR) neither shortens nor stretches the deadline", function()
      -- in a child interpreter: lua.c catches SIGINT while a script runs,
      -- so the signal interrupts the wait (EINTR); the handler then makes
      -- the next Lua call raise "interrupted!", which the pcall catches
      local out, ok = H.run_lua(SIGNAL_CHILD .. [[
        local a, b = lsock.socketpair()
        a:settimeout(0.6)
        os.execute("(sleep 0.15; kill -INT " .. pid .. ") >/dev/null 2>&1 &")
        local t0 = now()
        local r = { pcall(function() local x, y, z = a:recv(10); return x, y, z end) }
        local t1 = now()
        print("result", tostring(r[1]), tostring(r[2]), tostring(r[3]), tostring(r[4]))
        print(("elapsed %.3f"):format(t1 - t0))
        a:close(); b:close()
      ]])
      if out:match("sigint%-caught false") then
        return pending("this interpreter does not catch SIGINT: " .. out)
      end
      assert.is_true(ok, out)
      local elapsed = tonumber(out:match("elapsed ([%d.]+)"))
      assert.is_number(elapsed, out)
      -- the signal came at 0.15 s; the wait must still end at about 0.6 s
      assert.is_true(elapsed >= 0.5 and elapsed <= 1.6, "recv(timeout 0.6) interrupted at 0.15 s took " .. tostring(elapsed) .. " s:\n" .. out)
      -- the recv either returned the timeout or the pending "interrupted!" hit on return
      assert.truthy(out:find("interrupted") or out:find("result\ttrue\tnil\ttimeout"), out)
    end)
    it("a huge timeout waits like blocking mode, without spinning", function()
      for _, tmo in ipairs { 1e9, 1e300 } do
        local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
        assert(u:bind("127.0.0.1", 0))
        local _, port = u:getsockname()
        u:settimeout(tmo)
        assert.are.equal(tmo, u:gettimeout())
        -- a datagram from a child after 0.3 s ends the wait
        os.execute(("(sleep 0.3 && python3 -c %s) >/dev/null 2>&1 &"):format(H.shquote(([[
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"late", ("127.0.0.1", %d))
]]):format(port))))
        local cpu0 = os.clock()
        local t, d, err = H.timed(function() return u:recv(10) end)
        local cpu = os.clock() - cpu0
        u:close()
        assert.are.equal("late", d, "timeout " .. tmo .. ": " .. tostring(err))
        H.within(t, 0.2, 5, "recv with timeout " .. tmo)
        assert.is_true(cpu < 0.15, ("timeout %g: %.2f s of CPU while waiting"):format(tmo, cpu))
      end
    end)

    it("a signal during a blocking recv does not end it (EINTR is retried)", function()
      local out, ok = H.run_lua(SIGNAL_CHILD .. [[
        local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
        u:bind("127.0.0.1", 0)
        local _, port = u:getsockname()
        -- SIGINT at 0.15 s, the datagram at about 0.5 s
        os.execute(("(sleep 0.15; kill -INT %s; sleep 0.35; python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b\"late\", (\"127.0.0.1\", %d))') >/dev/null 2>&1 &"):format(pid, port))
        local t0 = now()
        print("result", pcall(function() local d, e, c = u:recv(10); return d, e, c end))
        print(("elapsed %.3f"):format(now() - t0))
      ]])
      if out:match("sigint%-caught false") then
        return pending("this interpreter does not catch SIGINT: " .. out)
      end
      assert.is_true(ok, out)
      local elapsed = tonumber(out:match("elapsed ([%d.]+)"))
      assert.is_number(elapsed, out)
      assert.is_true(elapsed >= 0.4 and elapsed <= 5, "a blocking recv interrupted at 0.15 s returned after " .. elapsed .. " s:\n" .. out)
    end)
  end)

  describe("non-blocking mode", function()
    it("recv, accept and send return EAGAIN at once", function()
      local a, b = lsock.socketpair()
      a:settimeout(0)
      local t, r1, r2, r3 = H.timed(function() return a:recv(10) end)
      H.fails(lsock.EAGAIN, r1, r2, r3)
      assert.is_true(t < 0.1)
      H.fill(a)
      H.fails(lsock.EAGAIN, a:send(string.rep("x", 65536)))
      local l = lsock.socket()
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:setblocking(false)
      H.fails(lsock.EAGAIN, l:accept())
      local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      u:setblocking(false)
      assert(u:bind("127.0.0.1", 0))
      H.fails(lsock.EAGAIN, u:recvfrom(10))
      a:close(); b:close(); l:close(); u:close()
    end)

    it("sendall in non-blocking mode reports the count sent on EAGAIN", function()
      local a, b = lsock.socketpair()
      a:settimeout(0)
      local big = string.rep("n", 8 * 1024 * 1024)
      local r = { a:sendall(big) }
      assert.is_nil(r[1])
      assert.are.equal(lsock.EAGAIN, r[3])
      assert.is_true(r[4] > 0 and r[4] < #big, tostring(r[4]))
      a:close(); b:close()
    end)
  end)

  describe("MSG_DONTWAIT never waits", function()
    it("in blocking mode (recv, recvfrom)", function()
      local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      assert(u:bind("127.0.0.1", 0))
      local _, port = u:getsockname()
      assert.is_nil(u:gettimeout())
      -- a guard, so that a broken module cannot hang the suite: a child
      -- sends two datagrams after 2 s (killed when the spec is done)
      local pidfile = os.tmpname()
      os.execute(("(sleep 2 && python3 -c %s) >/dev/null 2>&1 & echo $! > %s"):format(H.shquote(([[
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2): s.sendto(b"guard", ("127.0.0.1", %d))
]]):format(port)), pidfile))
      local t, r1, r2, r3 = H.timed(function() return u:recv(10, lsock.MSG_DONTWAIT) end)
      local t2, f1, f2, f3 = H.timed(function() return u:recvfrom(10, lsock.MSG_DONTWAIT) end)
      local guard = tonumber(H.readfile(pidfile))
      os.remove(pidfile)
      if guard then os.execute("kill " .. guard .. " 2>/dev/null") end
      H.fails(lsock.EAGAIN, r1, r2, r3)
      assert.is_true(t < 0.1, "recv took " .. t)
      H.fails(lsock.EAGAIN, f1, f2, f3)
      assert.is_true(t2 < 0.1, "recvfrom took " .. t2)
      assert.is_nil(u:gettimeout()) -- still blocking afterwards
      u:close()
    end)

    it("in timeout mode: EAGAIN at once, not a timeout", function()
      local a, b = lsock.socketpair()
      a:settimeout(1)
      local t, r1, r2, r3 = H.timed(function() return a:recv(10, lsock.MSG_DONTWAIT) end)
      H.fails(lsock.EAGAIN, r1, r2, r3)
      assert.is_true(t < 0.5, "took " .. t)
      H.fill(a)
      local t2, s1, s2, s3 = H.timed(function() return a:send("more", lsock.MSG_DONTWAIT) end)
      H.fails(lsock.EAGAIN, s1, s2, s3)
      assert.is_true(t2 < 0.5, "took " .. t2)
      -- sendall too: EAGAIN at once, with the count sent
      local t3, r = H.timed(function() return { a:sendall(string.rep("z", 100000), lsock.MSG_DONTWAIT) } end)
      assert.is_true(t3 < 0.5, "sendall took " .. t3)
      assert.is_nil(r[1])
      assert.are.equal(lsock.EAGAIN, r[3])
      assert.is_number(r[4])
      local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
      assert(u:bind("127.0.0.1", 0))
      u:settimeout(1)
      local t4, f1, f2, f3 = H.timed(function() return u:recvfrom(10, lsock.MSG_DONTWAIT) end)
      H.fails(lsock.EAGAIN, f1, f2, f3)
      assert.is_true(t4 < 0.5, "recvfrom took " .. t4)
      u:close()
      a:close(); b:close()
    end)

    it("with data pending, returns it", function()
      local a, b = lsock.socketpair()
      assert(b:send("now"))
      assert.are.equal("now", a:recv(10, lsock.MSG_DONTWAIT))
      a:close(); b:close()
    end)
  end)
end)
