-- The poller: lsock.poller(), its methods and rules, and 1,000 clients
-- served from one process. tests/suite_poller_poll.sh runs this same file
-- on the poll() backend.
local H = require "spec.helper"
local lsock = require "lsock"

local POLLIN, POLLOUT = lsock.POLLIN, lsock.POLLOUT
local POLLERR, POLLHUP = lsock.POLLERR, lsock.POLLHUP
local BOTH = POLLIN + POLLOUT -- distinct bits: the same as POLLIN | POLLOUT

-- Whether 'bit' is set in 'events' (no bitwise operators on 5.1).
local function has(events, bit)
  return math.floor(events / bit) % 2 == 1
end

-- Runs one wait and returns what it yielded: a list of {obj, events, data}.
local function collect(p, timeout)
  local got = {}
  for obj, events, data in p:wait(timeout) do
    got[#got + 1] = { obj = obj, events = events, data = data }
  end
  return got
end

local function backend(p)
  return tostring(p):match("backend=(%w+)")
end

-- A shell command run in the background, with this process's Lua and cpath.
local function background_lua(delay, code)
  local file = os.tmpname()
  local f = assert(io.open(file, "wb"))
  f:write("package.cpath = ", ("%q"):format(package.cpath), "\n", code, "\nos.remove(arg[0])\n")
  f:close()
  os.execute(("(sleep %s; %s %s) >/dev/null 2>&1 &"):format(delay, H.shquote(H.lua), H.shquote(file)))
end

describe("poller", function()
  before_each(H.before)
  after_each(H.after)

  describe("object", function()
    it("is made by lsock.poller() with every method", function()
      assert.is_function(lsock.poller)
      local p = assert(lsock.poller())
      for _, m in ipairs { "register", "modify", "unregister", "wait", "count", "close" } do
        assert.is_function(p[m], m)
      end
      assert.are.equal("lsock.poller", getmetatable(p).__name)
      assert.are.equal(0, p:count())
      p:close()
    end)

    it("prints its backend and count, then [closed]", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLIN)
      local text = tostring(p)
      assert.truthy(text:match("^<lsock%.poller backend=%w+.*count=1>$"), text)
      assert.truthy(backend(p) == "epoll" or backend(p) == "poll" or backend(p) == "kqueue", text)
      p:close()
      assert.truthy(tostring(p):match("^<lsock%.poller %[closed%]"), tostring(p))
      a:close(); b:close()
    end)

    it("holds a close-on-exec descriptor (epoll, kqueue) or none (poll)", function()
      local before = H.fds()
      local p = assert(lsock.poller())
      local after = H.fds()
      local new = {}
      for fd, target in pairs(after) do
        if before[fd] == nil and not target:match("^pipe:") then new[#new + 1] = fd end
      end
      if backend(p) == "poll" then
        assert.are.equal(0, #new)
      else
        assert.are.equal(1, #new)
        local fd = new[1]
        assert.truthy(tostring(p):match("fd=" .. fd), tostring(p))
        local info = H.readfile("/proc/" .. H.pid .. "/fdinfo/" .. fd)
        local flags = tonumber(info:match("flags:%s*(%d+)"), 8)
        assert.is_true(has(flags, 8 ^ 6 * 2), "O_CLOEXEC (02000000) in flags " .. info)
      end
      p:close()
      if backend(p) ~= "poll" then assert.is_false(H.fd_is_open(new[1])) end
    end)

    it("close is idempotent, and a closed poller raises", function()
      local p = assert(lsock.poller())
      assert.is_true(p:close())
      assert.is_true(p:close())
      local s = lsock.socket()
      H.raises("closed poller", p.register, p, s, POLLIN)
      H.raises("closed poller", p.modify, p, s, POLLIN)
      H.raises("closed poller", p.unregister, p, s)
      H.raises("closed poller", p.wait, p, 0)
      H.raises("closed poller", p.count, p)
      s:close()
    end)

    it("is closed by __gc, and lets go of what it held", function()
      local n0 = H.fdcount()
      local weak = setmetatable({}, { __mode = "k" })
      do
        local p = assert(lsock.poller())
        local a, b = lsock.socketpair()
        -- the data refers to the poller itself: a cycle, still collectable
        p:register(a, POLLIN, { poller = p, peer = b })
        weak[a], weak[b], weak[p] = true, true, true
      end
      collectgarbage("collect")
      collectgarbage("collect")
      assert.are.equal(n0, H.fdcount())
      assert.is_nil(next(weak))
    end)

    it("is closed by __close (Lua 5.4)", function()
      if not H.is54 then return pending("to-be-closed variables need Lua 5.4") end
      local f = assert(load([[
        local lsock = ...
        local keep
        do
          local p <close> = assert(lsock.poller())
          keep = p
        end
        return keep
      ]]))
      local p = f(lsock)
      assert.truthy(tostring(p):match("%[closed%]"))
    end)
  end)

  describe("register", function()
    it("watches a socket and hands back object, events and data", function()
      local p = assert(lsock.poller())
      local a, b = H.tcp_pair()
      local data = {}
      assert.is_true(p:register(a, POLLIN, data))
      assert.are.equal(1, p:count())
      assert.are.equal(0, #collect(p, 0))
      assert(b:sendall("ping"))
      local got = collect(p, 2)
      assert.are.equal(1, #got)
      assert.are.equal(a, got[1].obj)
      assert.are.equal(POLLIN, got[1].events)
      assert.are.equal(data, got[1].data)
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)

    it("raises when a descriptor is registered twice, whatever the object", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLIN)
      H.raises("already registered", p.register, p, a, POLLIN)
      H.raises("already registered", p.register, p, a:fileno(), POLLOUT)
      H.raises("already registered", p.register, p, { fileno = function() return a:fileno() end }, POLLIN)
      assert.are.equal(1, p:count())
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)

    it("raises on events other than POLLIN, POLLOUT or both", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      H.raises("events must be", p.register, p, a, 0)
      H.raises("events must be", p.register, p, a, POLLERR)
      H.raises("events must be", p.register, p, a, POLLIN + 4096)
      H.raises("number expected", p.register, p, a, "r")
      H.raises("number expected", p.register, p, a)
      assert.are.equal(0, p:count())
      p:close(); a:close(); b:close()
    end)

    it("raises on what has no descriptor, and on a closed socket", function()
      local p = assert(lsock.poller())
      H.raises("bad argument", p.register, p, "socket", POLLIN)
      H.raises("bad argument", p.register, p, nil, POLLIN)
      H.raises("bad argument", p.register, p, true, POLLIN)
      H.raises("", p.register, p, -1, POLLIN)
      H.raises("", p.register, p, 1.5, POLLIN)
      H.raises("", p.register, p, {}, POLLIN)
      local s = lsock.socket()
      s:close()
      H.raises("closed socket", p.register, p, s, POLLIN)
      assert.are.equal(0, p:count())
      p:close()
    end)

    it("returns nil, message, errno when the kernel refuses (a closed descriptor)", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      local fd = a:detach()
      assert(lsock.close(fd))
      if backend(p) == "poll" then
        -- poll() takes any number: the closed descriptor is reported instead
        assert.is_true(p:register(fd, POLLIN))
        local got = collect(p, 1)
        assert.are.equal(1, #got)
        assert.is_true(has(got[1].events, POLLERR))
        p:unregister(fd)
      else
        H.fails(lsock.EBADF, p:register(fd, POLLIN))
        assert.are.equal(0, p:count())
        -- and nothing of it stayed behind
        H.raises("not registered", p.unregister, p, fd)
      end
      p:close(); b:close()
    end)

    it("takes integer descriptors and objects with a fileno method", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      local c, d = lsock.socketpair()
      local wrapper = { fileno = function() return c:fileno() end }
      p:register(a:fileno(), POLLIN, "int")
      p:register(wrapper, POLLIN, "wrapped")
      assert(b:send("x")); assert(d:send("y"))
      local seen = {}
      for obj, events, data in p:wait(2) do
        assert.are.equal(POLLIN, events)
        seen[data] = obj
      end
      assert.are.equal(a:fileno(), seen.int)
      assert.are.equal(wrapper, seen.wrapped)
      p:unregister(a:fileno()); p:unregister(wrapper)
      p:close(); a:close(); b:close(); c:close(); d:close()
    end)

    it("watches descriptors numbered above 1024", function()
      if H.nofile_limit() < 1200 then return pending("ulimit -n below 1200") end
      local p = assert(lsock.poller())
      local keep = {}
      local a, b
      repeat
        a, b = lsock.socketpair()
        keep[#keep + 1] = a; keep[#keep + 1] = b
      until b:fileno() > 1100
      p:register(b, POLLIN, "high")
      assert(a:send("!"))
      local got = collect(p, 2)
      assert.are.equal(1, #got)
      assert.are.equal("high", got[1].data)
      p:unregister(b)
      p:close()
      for _, s in ipairs(keep) do s:close() end
    end)

    it("reports every ready object in one wait, however many", function()
      local p = assert(lsock.poller())
      local pairs_ = {}
      for i = 1, 300 do
        local a, b = lsock.socketpair()
        pairs_[i] = { a, b }
        p:register(a, POLLIN, i)
        assert(b:send("x"))
      end
      assert.are.equal(300, p:count())
      local seen, n = {}, 0
      for _, _, i in p:wait(2) do seen[i] = true; n = n + 1 end
      assert.are.equal(300, n)
      for i = 1, 300 do assert.is_true(seen[i]) end
      for _, ab in ipairs(pairs_) do
        p:unregister(ab[1]); ab[1]:close(); ab[2]:close()
      end
      assert.are.equal(0, p:count())
      p:close()
    end)
  end)

  describe("makefile files", function()
    local function makefile_or_pending(s)
      local ok, f = pcall(s.makefile, s, "rb")
      if not ok or not f then
        pending("makefile is not built yet: " .. tostring(f))
        return nil
      end
      return f
    end

    it("are watched by their descriptor", function()
      local p = assert(lsock.poller())
      local a, b = H.tcp_pair()
      local f = makefile_or_pending(a)
      if not f then p:close(); a:close(); b:close(); return end
      p:register(f, POLLIN, "file")
      H.raises("already registered", p.register, p, a, POLLIN)
      assert.are.equal(0, #collect(p, 0))
      assert(b:sendall("line\n"))
      local got = collect(p, 2)
      assert.are.equal(1, #got)
      assert.are.equal(f, got[1].obj)
      assert.are.equal("file", got[1].data)
      p:unregister(f)
      f:close(); p:close(); a:close(); b:close()
    end)

    it("with buffered data are readable at once, without the kernel", function()
      local p = assert(lsock.poller())
      local a, b = H.tcp_pair()
      local f = makefile_or_pending(a)
      if not f then p:close(); a:close(); b:close(); return end
      assert(b:sendall("one\ntwo\n"))
      assert.are.equal("one", f:read("l")) -- "two\n" stays in the file's buffer
      p:register(f, POLLIN, "buffered")
      local elapsed, got = H.timed(collect, p, 5)
      assert.is_true(elapsed < 1, "waited " .. elapsed .. " s for data already buffered")
      assert.are.equal(1, #got)
      assert.are.equal(f, got[1].obj)
      assert.are.equal(POLLIN, got[1].events)
      assert.are.equal("two", f:read("l"))
      -- the buffer is empty now: the file waits for the kernel again
      elapsed, got = H.timed(collect, p, 0.2)
      assert.are.equal(0, #got)
      -- watched for POLLOUT only, buffered data does not count
      assert(b:sendall("three\nfour\n"))
      assert.are.equal("three", f:read("l"))
      p:modify(f, POLLOUT, "w")
      got = collect(p, 0)
      assert.are.equal(1, #got)
      assert.are.equal(POLLOUT, got[1].events)
      -- and back to POLLIN: buffered and readable in the kernel: one entry
      p:modify(f, BOTH, "rw")
      got = collect(p, 5)
      assert.are.equal(1, #got)
      assert.are.equal(BOTH, got[1].events)
      assert.are.equal("rw", got[1].data)
      p:unregister(f)
      f:close(); p:close(); a:close(); b:close()
    end)
  end)

  describe("modify", function()
    it("changes the events and the data", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLIN, "read")
      assert.are.equal(0, #collect(p, 0))
      assert.is_true(p:modify(a, POLLOUT, "write"))
      local got = collect(p, 1)
      assert.are.equal(1, #got)
      assert.are.equal(a, got[1].obj)
      assert.are.equal(POLLOUT, got[1].events)
      assert.are.equal("write", got[1].data)
      assert(b:send("z"))
      p:modify(a:fileno(), BOTH, "both") -- by another handle on the same descriptor
      got = collect(p, 1)
      assert.are.equal(a, got[1].obj)   -- the object registered stays
      assert.are.equal(BOTH, got[1].events)
      assert.are.equal("both", got[1].data)
      assert.are.equal(1, p:count())
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)

    it("without data sets it to nil, as Python's selectors", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLOUT, "data")
      p:modify(a, POLLOUT)
      local got = collect(p, 1)
      assert.are.equal(1, #got)
      assert.is_nil(got[1].data)
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)

    it("raises for what is not registered, and on bad events", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      H.raises("not registered", p.modify, p, a, POLLIN)
      p:register(a, POLLIN)
      H.raises("events must be", p.modify, p, a, 0)
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)
  end)

  describe("unregister", function()
    it("forgets the object: counted out, never reported again", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLIN)
      assert(b:send("x"))
      assert.are.equal(1, #collect(p, 1))
      assert.is_true(p:unregister(a))
      assert.are.equal(0, p:count())
      assert.are.equal(0, #collect(p, 0.05))
      -- and it can be registered again
      p:register(a, POLLIN, "again")
      assert.are.equal("again", collect(p, 1)[1].data)
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)

    it("raises for what is not registered (Python's KeyError)", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      H.raises("not registered", p.unregister, p, a)
      H.raises("not registered", p.unregister, p, 12345)
      p:register(a, POLLIN)
      p:unregister(a)
      H.raises("not registered", p.unregister, p, a)
      p:close(); a:close(); b:close()
    end)

    it("finds a socket closed while registered by the object itself", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      local c, d = lsock.socketpair()
      p:register(a, POLLIN); p:register(c, POLLIN)
      a:close()
      assert.is_true(p:unregister(a))
      assert.are.equal(1, p:count())
      local s = lsock.socket()
      s:close()
      H.raises("not registered", p.unregister, p, s)
      p:unregister(c)
      p:close(); b:close(); c:close(); d:close()
    end)

    it("during an iteration: the object is not yielded after that point", function()
      local p = assert(lsock.poller())
      local socks = {}
      for i = 1, 10 do
        local a, b = lsock.socketpair()
        socks[i] = { a, b }
        p:register(a, POLLIN, i)
        assert(b:send("x"))
      end
      local yielded, dropped = {}, {}
      for obj, _, i in p:wait(1) do
        assert.is_nil(dropped[i], "object " .. tostring(i) .. " yielded after unregister")
        yielded[#yielded + 1] = i
        if #yielded == 1 then
          -- drop every other one, including the next ones in the ready list
          for j = 1, 10 do
            if j ~= i and not dropped[j] then
              p:unregister(socks[j][1])
              dropped[j] = true
            end
          end
        end
        assert.is_not_nil(obj)
      end
      assert.are.equal(1, #yielded)
      p:unregister(socks[yielded[1]][1])
      for _, ab in ipairs(socks) do ab[1]:close(); ab[2]:close() end
      p:close()
    end)

    it("during an iteration: a new object on the same descriptor number is not mistaken for it", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      local c, d = lsock.socketpair()
      p:register(a, POLLIN, "a"); p:register(c, POLLIN, "c")
      assert(b:send("x")); assert(d:send("y"))
      local seen, fresh = {}, nil
      for obj, _, data in p:wait(1) do
        seen[#seen + 1] = data
        if #seen == 1 then
          -- close the other one and register a new socket, which gets its number
          local other = data == "a" and c or a
          local fd = other:fileno()
          p:unregister(other)
          other:close()
          local e, f = lsock.socketpair()
          fresh = { e, f }
          if e:fileno() ~= fd then e, f = f, e end
          p:register(e, POLLIN, "fresh")
          fresh.e = e
        end
        assert.is_not_nil(obj)
      end
      assert.are.same(1, #seen)
      p:unregister(fresh.e)
      fresh[1]:close(); fresh[2]:close()
      a:close(); b:close(); c:close(); d:close()
      p:close()
    end)

    it("closing the poller during an iteration ends it", function()
      local p = assert(lsock.poller())
      local socks = {}
      for i = 1, 5 do
        local a, b = lsock.socketpair()
        socks[i] = { a, b }
        p:register(a, POLLOUT, i)
      end
      local n = 0
      for _ in p:wait(1) do
        n = n + 1
        p:close()
      end
      assert.are.equal(1, n)
      for _, ab in ipairs(socks) do ab[1]:close(); ab[2]:close() end
    end)
  end)

  describe("wait", function()
    it("yields nothing on timeout, after the timeout", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLIN)
      local elapsed, got = H.timed(collect, p, 0.3)
      assert.are.equal(0, #got)
      H.within(elapsed, 0.25, 1.0, "wait(0.3)")
      elapsed, got = H.timed(collect, p, 0)
      assert.are.equal(0, #got)
      H.within(elapsed, 0, 0.1, "wait(0)")
      -- and with nothing registered at all
      p:unregister(a)
      elapsed, got = H.timed(collect, p, 0.1)
      assert.are.equal(0, #got)
      H.within(elapsed, 0.05, 1.0, "wait(0.1) on an empty set")
      p:close(); a:close(); b:close()
    end)

    it("raises on a negative or NaN timeout", function()
      local p = assert(lsock.poller())
      H.raises("non%-negative", p.wait, p, -1)
      H.raises("non%-negative", p.wait, p, -0.001)
      H.raises("NaN", p.wait, p, 0 / 0)
      H.raises("number expected", p.wait, p, "soon")
      p:close()
    end)

    it("with no timeout waits until something is ready", function()
      local p = assert(lsock.poller())
      local u = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
      assert(u:bind("127.0.0.1", 0))
      local _, port = u:getsockname()
      p:register(u, POLLIN, "udp")
      background_lua(0.3, ([[
        local lsock = require "lsock"
        local s = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
        s:sendto("wake", "127.0.0.1", %d)
      ]]):format(port))
      local elapsed, got = H.timed(collect, p)
      assert.are.equal(1, #got)
      assert.are.equal("udp", got[1].data)
      H.within(elapsed, 0.2, 5, "wait()")
      assert.are.equal("wake", u:recv(100))
      p:unregister(u)
      p:close(); u:close()
    end)

    it("keeps its deadline when a stop and continue interrupt it (EINTR)", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLIN)
      -- epoll_wait fails with EINTR after SIGSTOP/SIGCONT even without a
      -- handler (signal(7)); the wait must go on for the time left
      os.execute(("(sleep 0.2; kill -STOP %d; sleep 0.1; kill -CONT %d) >/dev/null 2>&1 &")
        :format(H.pid, H.pid))
      local elapsed, got = H.timed(collect, p, 1.0)
      assert.are.equal(0, #got)
      H.within(elapsed, 0.95, 1.6, "wait(1.0) interrupted by SIGSTOP/SIGCONT")
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)

    it("reports POLLOUT, POLLHUP and POLLERR", function()
      local p = assert(lsock.poller())
      -- writable
      local a, b = lsock.socketpair()
      p:register(a, BOTH, "pair")
      local got = collect(p, 1)
      assert.are.equal(POLLOUT, got[1].events)
      -- the peer is gone: hang-up (and end of stream, which reads as POLLIN)
      b:close()
      got = collect(p, 1)
      assert.are.equal(1, #got)
      assert.is_true(has(got[1].events, POLLHUP), "events " .. got[1].events)
      assert.is_true(has(got[1].events, POLLIN), "events " .. got[1].events)
      p:unregister(a); a:close()
      -- a refused connection: error (and hang-up)
      local c = lsock.socket()
      c:setblocking(false)
      local ok, _, code = c:connect("127.0.0.1", H.closed_port())
      assert(ok or code == lsock.EINPROGRESS or code == lsock.ECONNREFUSED)
      p:register(c, POLLOUT, "refused")
      got = collect(p, 2)
      assert.are.equal(1, #got)
      assert.are.equal("refused", got[1].data)
      assert.is_true(has(got[1].events, POLLERR), "events " .. got[1].events)
      assert.are.equal(lsock.ECONNREFUSED, c:getsockopt(lsock.SOL_SOCKET, lsock.SO_ERROR))
      p:unregister(c); c:close()
      p:close()
    end)

    it("hang-up is reported to an object watched for POLLOUT only", function()
      local p = assert(lsock.poller())
      local a, b = H.tcp_pair()
      b:close()
      a:shutdown(lsock.SHUT_RDWR)
      p:register(a, POLLOUT)
      local got = collect(p, 1)
      assert.are.equal(1, #got)
      assert.is_true(has(got[1].events, POLLHUP), "events " .. got[1].events)
      p:unregister(a)
      p:close(); a:close()
    end)

    it("is level-triggered: unread data is reported again", function()
      local p = assert(lsock.poller())
      local a, b = lsock.socketpair()
      p:register(a, POLLIN)
      assert(b:send("abc"))
      assert.are.equal(1, #collect(p, 1))
      assert.are.equal(1, #collect(p, 1))
      assert.are.equal("abc", a:recv(10))
      assert.are.equal(0, #collect(p, 0))
      p:unregister(a)
      p:close(); a:close(); b:close()
    end)

    it("a new wait ends the iteration of the last one", function()
      local p = assert(lsock.poller())
      local socks = {}
      for i = 1, 3 do
        local a, b = lsock.socketpair()
        socks[i] = { a, b }
        p:register(a, POLLOUT, i)
      end
      local iter, state = p:wait(1)
      assert.is_not_nil(iter(state))
      assert.are.equal(3, #collect(p, 0)) -- the new wait sees all three
      assert.is_nil(iter(state))               -- and the old iteration is over
      for _, ab in ipairs(socks) do p:unregister(ab[1]); ab[1]:close(); ab[2]:close() end
      p:close()
    end)

    it("allocates no table per call", function()
      local p = assert(lsock.poller())
      local socks = {}
      for i = 1, 20 do
        local a, b = lsock.socketpair()
        socks[i] = { a, b }
        p:register(a, POLLOUT, i)
      end
      local n = 0
      local function run(times)
        for _ = 1, times do
          for _, ev, i in p:wait(0) do
            if ev == POLLOUT then n = n + i end
          end
        end
      end
      run(10) -- warm up (LuaJIT traces, Lua's stack)
      collectgarbage("collect")
      collectgarbage("stop")
      local before = collectgarbage("count")
      run(5000)
      local grown = (collectgarbage("count") - before) * 1024
      collectgarbage("restart")
      -- 5,000 waits of 20 events: one table each would be 250 KB or more
      assert.is_true(grown < 4096, ("%d bytes allocated by 5,000 waits"):format(grown))
      assert.are.equal(5010 * 210, n)
      for _, ab in ipairs(socks) do p:unregister(ab[1]); ab[1]:close(); ab[2]:close() end
      p:close()
    end)
  end)

  describe("at scale", function()
    -- Client i's message: its own bytes, of sizes from 100 bytes to 256 KB
    -- (every hundredth), so partial writes happen on both sides.
    local function payload(i)
      local size = i % 100 == 0 and 256 * 1024 or 100 + (i * 7919) % 8000
      local unit = ("%d:%s|"):format(i, string.char(33 + i % 90))
      return string.rep(unit, math.ceil(size / #unit)):sub(1, size)
    end

    it("serves 1,000 concurrent clients from one process, every byte checked", function()
      local N = 1000
      local limit = H.nofile_limit()
      assert(limit >= 2 * N + 50, ("ulimit -n is %s; this spec needs %d descriptors (ulimit -n 4096)")
        :format(tostring(limit), 2 * N + 50))
      local t0 = H.now()
      local p = assert(lsock.poller())
      local srv = assert(lsock.socket())
      assert(srv:setsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR, 1))
      assert(srv:bind("127.0.0.1", 0))
      assert(srv:listen(N + 50)) -- every connect at once fits in the backlog
      srv:setblocking(false)
      local _, port = srv:getsockname()
      p:register(srv, POLLIN, "listener")

      local clients, expected = {}, 0
      for i = 1, N do
        local c = assert(lsock.socket())
        c:setblocking(false)
        local ok, _, code = c:connect("127.0.0.1", port)
        assert(ok or code == lsock.EINPROGRESS, "connect " .. i)
        local st = { kind = "client", sock = c, msg = payload(i), sent = 0, got = {}, ngot = 0 }
        expected = expected + #st.msg
        clients[i] = st
        p:register(c, BOTH, st)
      end

      local open, peak, accepted, echoed = 0, 0, 0, 0
      local verified, finished = 0, 0

      local function server_flush(st)
        if #st.out > 0 then
          local n, _, code = st.sock:send(st.out)
          if n then st.out = st.out:sub(n + 1)
          else assert(code == lsock.EAGAIN, "server send failed") end
        end
        local want = (#st.out > 0 and POLLOUT or 0) + (st.eof and 0 or POLLIN)
        if want == 0 then -- done: the client has closed, and has it all
          p:unregister(st.sock)
          st.sock:close()
          open = open - 1
        elseif want ~= st.events then
          p:modify(st.sock, want, st)
          st.events = want
        end
      end

      local function on_server(st, ev)
        if has(ev, POLLIN) or has(ev, POLLHUP) or has(ev, POLLERR) then
          local data, err, code = st.sock:recv(65536)
          if data == "" then st.eof = true
          elseif data then
            st.out = st.out .. data
            echoed = echoed + #data
          else assert(code == lsock.EAGAIN, "server recv: " .. tostring(err)) end
        end
        server_flush(st)
      end

      local function on_client(st, ev)
        assert(not has(ev, POLLERR), "client socket error")
        local c = st.sock
        if has(ev, POLLOUT) and st.sent < #st.msg then
          local n, _, code = c:send(st.msg:sub(st.sent + 1, st.sent + 262144))
          if n then st.sent = st.sent + n
          else assert(code == lsock.EAGAIN, "client send failed") end
          if st.sent == #st.msg then p:modify(c, POLLIN, st) end
        end
        if has(ev, POLLIN) or has(ev, POLLHUP) then
          local data, err, code = c:recv(65536)
          if data == "" then
            -- the server closed after echoing all: done with this client
            assert(st.verified, "end of stream before the whole echo")
            p:unregister(c)
            c:close()
            finished = finished + 1
          elseif data then
            st.got[#st.got + 1] = data
            st.ngot = st.ngot + #data
            assert(st.ngot <= #st.msg, "more bytes back than sent")
            if st.ngot == #st.msg then
              assert(table.concat(st.got) == st.msg, "echo differs from what was sent")
              st.got, st.verified = nil, true
              verified = verified + 1
              -- every client holds its connection until all have their echo,
              -- so all 1,000 are open at once; then each closes its side
              if verified == N then
                for _, cs in ipairs(clients) do assert(cs.sock:shutdown(lsock.SHUT_WR)) end
              end
            end
          else assert(code == lsock.EAGAIN, "client recv: " .. tostring(err)) end
        end
      end

      local rounds = 0
      while finished < N or open > 0 do
        rounds = rounds + 1
        assert(H.now() - t0 < 20, ("stalled: %d verified, %d finished, %d open"):format(verified, finished, open))
        local any = false
        for obj, ev, st in p:wait(2) do
          any = true
          if st == "listener" then
            for _ = 1, N do
              local conn, _, code = obj:accept()
              if not conn then assert(code == lsock.EAGAIN, "accept failed"); break end
              conn:setblocking(false)
              local cst = { kind = "conn", sock = conn, out = "", events = POLLIN }
              p:register(conn, POLLIN, cst)
              accepted, open = accepted + 1, open + 1
              if open > peak then peak = open end
            end
          elseif st.kind == "conn" then
            on_server(st, ev)
          else
            on_client(st, ev)
          end
        end
        assert(any, ("nothing ready for 2 s: %d verified, %d finished, %d open"):format(verified, finished, open))
      end
      local elapsed = H.now() - t0

      assert.are.equal(N, accepted)
      assert.are.equal(N, peak)
      assert.are.equal(N, verified)
      assert.are.equal(expected, echoed)
      assert.are.equal(1, p:count())
      p:unregister(srv)
      assert.are.equal(0, p:count())
      p:close(); srv:close()
      assert.is_true(elapsed < 10, ("took %.2f s"):format(elapsed))
      print(("# %d clients, %d bytes each way, %d waits, %.2f s (%s)")
        :format(N, expected, rounds, elapsed, tostring(p):match("backend=%w+")))
    end)

    it("drives examples/poll_echo.lua to the end", function()
      local out, ok = H.run_lua('arg = {[0] = "examples/poll_echo.lua"}\ndofile("examples/poll_echo.lua")')
      assert(ok, out)
      assert.truthy(out:match("echoed %d+ bytes for %d+ clients"), out)
    end)
  end)
end)
