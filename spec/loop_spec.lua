-- lsock.loop(): tasks whose every wait suspends only themselves, over real
-- loopback sockets. LSOCK_SPEC_LIGHT (set by make valgrind) shrinks the
-- volumes, not what is checked.
local H = require "spec.helper"
local lsock = require "lsock"

local LIGHT = os.getenv("LSOCK_SPEC_LIGHT") ~= nil
local PUC51 = _VERSION == "Lua 5.1" and not rawget(_G, "jit")

-- A cheap checksum of a string, to compare what went with what came.
local function sum(s)
  local a, b = 0, 0
  for i = 1, #s, 61 do
    a = (a + s:byte(i)) % 65521
    b = (b + a) % 65521
  end
  return #s .. ":" .. a .. ":" .. b
end

-- Whether bit 'b' (a power of two) is set in 'v', without 5.3's operators.
local function has(v, b) return math.floor(v / b) % 2 == 1 end

local function server(loop, handler)
  local srv = assert(lsock.create_server({ "127.0.0.1", 0 }, { backlog = 512 }))
  local _, port = srv:getsockname()
  local acceptor = loop:spawn(function()
    while true do
      local c = srv:accept()
      if not c then return end
      loop:spawn(handler, c)
    end
  end)
  return srv, port, acceptor
end

local function echo(c)
  while true do
    local d = c:recv(65536)
    if not d or d == "" then break end
    assert(c:sendall(d))
  end
  c:close()
end

describe("loop", function()
  before_each(H.before)
  after_each(H.after)

  it("an echo server task and 200 client tasks exchange 1 MiB each, every byte checked", function()
    local loop = lsock.loop()
    local size = LIGHT and 16 * 1024 or 1024 * 1024
    local nclients = LIGHT and 20 or 200
    local srv, port, acceptor = server(loop, echo)
    local clients = {}
    for i = 1, nclients do
      clients[i] = loop:spawn(function()
        local c = assert(lsock.create_connection({ "127.0.0.1", port }))
        local msg = string.rep(string.char(i % 256, (i * 7) % 256, 65 + i % 26), math.floor(size / 3) + 1):sub(1, size)
        -- a writer task beside the reader: neither side may wait for the other
        local writer = loop:spawn(function() assert(c:sendall(msg)) end)
        local got, n = {}, 0
        while n < size do
          local d = assert(c:recv(65536))
          assert(d ~= "", "early end of stream")
          got[#got + 1] = d
          n = n + #d
        end
        assert(writer:join())
        c:close()
        return sum(table.concat(got)) == sum(msg) and table.concat(got) == msg
      end)
    end
    for i = 1, nclients do
      local ok, same = clients[i]:join(60)
      assert.is_true(ok)
      assert.is_true(same)
    end
    acceptor:cancel()
    loop:run()
    srv:close()
    assert.same({ false, "cancelled" }, { acceptor:result() })
  end)

  it("makefile line protocols in tasks", function()
    local loop = lsock.loop()
    local nclients, nlines = LIGHT and 5 or 50, LIGHT and 20 or 200
    local srv, port, acceptor = server(loop, function(c)
      local f = c:makefile("rw")
      while true do -- not f:lines(): PUC 5.1 cannot yield in a for iterator
        local line = f:read("l")
        if not line then break end
        f:write(line:upper(), "\n")
        f:flush()
      end
      f:close()
      c:close()
    end)
    local clients = {}
    for i = 1, nclients do
      clients[i] = loop:spawn(function()
        local c = assert(lsock.create_connection({ "127.0.0.1", port }))
        local f = c:makefile("rw")
        for j = 1, nlines do
          f:write("line ", i, " ", j, "\n")
          f:flush()
          local reply = assert(f:read("l"))
          assert(reply == ("LINE " .. i .. " " .. j), reply)
        end
        f:close()
        c:close()
        return true
      end)
    end
    for i = 1, nclients do assert.same({ true, true }, { clients[i]:join(30) }) end
    acceptor:cancel()
    loop:run()
    srv:close()
  end)

  it("f:lines() in a task (PUC 5.1: a for iterator cannot yield, which raises)", function()
    local loop = lsock.loop()
    local a, b = lsock.socketpair()
    local t = loop:spawn(function()
      local lines = {}
      for line in a:makefile("r"):lines() do lines[#lines + 1] = line end
      return table.concat(lines, ",")
    end)
    loop:spawn(function() lsock.sleep(0.02); b:sendall("x\ny\n"); b:close() end)
    pcall(loop.run, loop)
    local ok, r = t:result()
    if PUC51 then
      assert.is_false(ok)
      assert.matches("yield across", r)
    else
      assert.same({ true, "x,y" }, { ok, r })
    end
    a:close()
  end)

  it("UDP in tasks: a server task echoes every client task's datagrams", function()
    local loop = lsock.loop()
    local s = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
    assert(s:bind("127.0.0.1", 0))
    local _, port = s:getsockname()
    local total = 0
    local srv = loop:spawn(function()
      while true do
        local d, host, p = s:recvfrom(2048)
        if not d or d == "quit" then return end
        total = total + 1
        s:sendto(d, host, p)
      end
    end)
    local clients = {}
    for i = 1, 30 do
      clients[i] = loop:spawn(function()
        local u = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
        assert(u:connect("127.0.0.1", port))
        for j = 1, 20 do
          assert(u:send(("%d/%d"):format(i, j)))
          assert(u:recv(2048) == ("%d/%d"):format(i, j))
        end
        u:close()
        return true
      end)
    end
    for i = 1, 30 do assert.is_true((clients[i]:join(20))) end
    local q = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
    q:sendto("quit", "127.0.0.1", port)
    q:close()
    srv:join(5)
    s:close()
    assert.equal(600, total)
  end)

  it("interleaves: 50 tasks that each sleep 0.3 s take far less than their sum", function()
    local loop = lsock.loop()
    for _ = 1, 50 do loop:spawn(function() lsock.sleep(0.3) end) end
    local elapsed = H.timed(function() loop:run() end)
    H.within(elapsed, 0.25, 2.5, "50 sleeps of 0.3 s")
  end)

  it("a game tick: 600 x step(0) while 50 tasks talk to a server, no step over 5 ms", function()
    local loop = lsock.loop()
    local srv, port = server(loop, echo)
    local rounds = 0
    for i = 1, 50 do
      loop:spawn(function()
        local c = assert(lsock.create_connection({ "127.0.0.1", port }))
        while true do
          assert(c:sendall("tick " .. i))
          local d = assert(c:recv(100))
          if d == "" then break end
          rounds = rounds + 1
          lsock.sleep(0.001)
        end
      end)
    end
    local worst = 0
    for _ = 1, 600 do
      local t0 = lsock.monotonic()
      loop:step(0)
      local dt = lsock.monotonic() - t0
      if dt > worst then worst = dt end
    end
    assert.is_true(rounds > 100, "rounds: " .. rounds)
    -- sanitizers and valgrind slow every step: the bound is for real runs
    if not LIGHT and not os.getenv("LSOCK_SANITIZED") then
      assert.is_true(worst < 0.005, ("slowest step %.2f ms"):format(worst * 1000))
    end
    srv:close()
    loop:close()
  end)

  it("connect to a closed port gives ECONNREFUSED in its task while another task runs", function()
    local loop = lsock.loop()
    local port = H.closed_port()
    local ticks = 0
    loop:spawn(function()
      for _ = 1, 5 do ticks = ticks + 1; lsock.sleep(0.01) end
    end)
    local t = loop:spawn(function()
      local s = lsock.socket()
      local r = { s:connect("127.0.0.1", port) }
      s:close()
      return H.unpack(r)
    end)
    loop:run()
    local ok, a, msg, code = t:result()
    assert.is_true(ok)
    assert.is_nil(a)
    assert.equal(lsock.ECONNREFUSED, code, msg)
    assert.equal(5, ticks)
  end)

  it("accept, recv, select, p:wait and sleep suspend only their task", function()
    local loop = lsock.loop()
    local a, b = lsock.socketpair()
    local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
    local _, port = srv:getsockname()
    local p = lsock.poller()
    assert(p:register(a, lsock.POLLIN))
    local order = {}
    local function note(x) order[#order + 1] = x end
    loop:spawn(function()
      local c = srv:accept(); note("accepted"); c:close()
    end)
    loop:spawn(function()
      local r = lsock.select({ a }, {}, nil, 5); note("select " .. #r)
    end)
    loop:spawn(function()
      for obj in p:wait(5) do note("wait " .. tostring(obj == a)) end
    end)
    loop:spawn(function() lsock.sleep(0.05); note("slept") end)
    loop:spawn(function()
      lsock.sleep(0.1)
      note("connect")
      local c = assert(lsock.create_connection({ "127.0.0.1", port })); c:close()
      b:send("x")
    end)
    local elapsed = H.timed(function() loop:run() end)
    H.within(elapsed, 0.08, 3, "the tasks")
    assert.equal("slept", order[1])
    assert.equal("connect", order[2])
    table.sort(order)
    assert.same({ "accepted", "connect", "select 1", "slept", "wait true" }, order)
    p:close(); a:close(); b:close(); srv:close()
  end)

  it("name resolution that takes 1 s runs off the loop: the other tasks go on meanwhile", function()
    local out, status, skip = H.with_slow_dns([[
      local lsock = require "lsock"
      local loop = lsock.loop()
      local ticks, t0 = 0, lsock.monotonic()
      loop:spawn(function() for _ = 1, 40 do ticks = ticks + 1; lsock.sleep(0.02) end end)
      local r = loop:spawn(function()
        local res = assert(lsock.getaddrinfo("a.slow.test", 80, lsock.AF_INET))
        return res[1].addr[1], lsock.monotonic() - t0, ticks
      end)
      local c = loop:spawn(function()
        local s = lsock.socket()
        local _, _, code = s:connect("b.slow.test", 9) -- nobody listens on 9
        s:close()
        local c2 = lsock.create_connection({ "c.slow.test", 9 })
        return code, c2, lsock.monotonic() - t0
      end)
      loop:run()
      local _, host, dt, seen = r:result()
      print(("GETADDRINFO %s %.3f %d"):format(host, dt, seen))
      local _, code, c2, dt2 = c:result()
      print(("CONNECT %s %s %.3f"):format(tostring(code), tostring(c2), dt2))
      print(("TICKS %d"):format(ticks))
    ]], { timeout = 30 })
    if skip then return pending(skip) end
    assert.equal(0, status, out)
    local host, dt, seen = out:match("GETADDRINFO (%S+) (%S+) (%d+)")
    assert(host, out)
    assert.equal("127.0.0.1", host)
    H.within(tonumber(dt), 0.8, 3, "the slow resolution")
    -- while it resolved, the ticking task ran (a 1 s stall would leave it at 1)
    assert.is_true(tonumber(seen) >= 20, out)
    local code, dt2 = out:match("CONNECT (%S+) nil (%S+)")
    assert.equal(tostring(lsock.ECONNREFUSED), code, out)
    H.within(tonumber(dt2), 1.6, 5, "two slow resolutions, then refused connects")
  end)

  it("timeouts inside tasks: ETIMEDOUT, EAGAIN at once with timeout 0, join(t) times out", function()
    local loop = lsock.loop()
    local a, b = lsock.socketpair()
    local t1 = loop:spawn(function()
      a:settimeout(0.2)
      local t0 = lsock.monotonic()
      local r = { a:recv(10) }
      r.elapsed = lsock.monotonic() - t0
      return r
    end)
    local t2 = loop:spawn(function()
      b:settimeout(0)
      return { b:recv(10) }
    end)
    local forever = loop:spawn(function() lsock.sleep(10) end)
    local t3 = loop:spawn(function() return { forever:join(0.1) } end)
    assert.is_true(t3:join(5))
    assert.is_true(t1:join(5))
    local _, r1 = t1:result()
    assert.same({ nil, "timeout", lsock.ETIMEDOUT }, { r1[1], r1[2], r1[3] })
    H.within(r1.elapsed, 0.15, 2, "recv with timeout 0.2")
    local _, r2 = t2:result()
    assert.equal(lsock.EAGAIN, r2[3])
    local _, r3 = t3:result()
    assert.same({ nil, "timeout", lsock.ETIMEDOUT }, r3)
    assert.equal(1, loop:count())
    forever:cancel()
    loop:run()
    a:close(); b:close()
  end)

  it("a failing task does not stop the others; run() raises its error with its traceback", function()
    local loop = lsock.loop()
    local finished = 0
    for _ = 1, 3 do loop:spawn(function() lsock.sleep(0.05); finished = finished + 1 end) end
    local bad = loop:spawn(function()
      lsock.sleep(0.01)
      error("boom in a task")
    end)
    local ok, err = pcall(loop.run, loop)
    assert.is_false(ok)
    assert.matches("boom in a task", err)
    assert.matches("traceback", err)
    assert.equal(3, finished)
    local rok, rerr = bad:result()
    assert.is_false(rok)
    assert.matches("boom in a task", rerr)
    assert.equal(0, loop:count())
  end)

  it("result() raises before the end; done(); current() inside and outside", function()
    local loop = lsock.loop()
    local inside
    local t = loop:spawn(function(x, y) inside = lsock.current(); lsock.sleep(0); return x * y, "z" end, 6, 7)
    assert.is_false(t:done())
    H.raises("has not finished", t.result, t)
    assert.is_nil(lsock.current())
    loop:run()
    assert.is_true(t:done())
    assert.equal(t, inside)
    assert.same({ true, 42, "z" }, { t:result() })
  end)

  it("cancel() wakes a waiting task with the error 'cancelled'; a finished task is left alone", function()
    local loop = lsock.loop()
    local a, b = lsock.socketpair()
    local t = loop:spawn(function() return a:recv(10) end)
    loop:step(0)
    t:cancel()
    loop:run()
    assert.same({ false, "cancelled" }, { t:result() })
    t:cancel()
    assert.same({ false, "cancelled" }, { t:result() })
    a:close(); b:close()
  end)

  it("a task that catches 'cancelled' goes on (PUC 5.1: a wait inside pcall cannot yield)", function()
    local loop = lsock.loop()
    local t = loop:spawn(function()
      local ok, err = pcall(lsock.sleep, 10)
      return ok, err, "after"
    end)
    loop:step(0)
    t:cancel()
    loop:run()
    local ok, a, b, c = t:result()
    assert.is_true(ok)
    assert.is_false(a)
    if PUC51 then
      assert.matches("yield across", b)
    else
      assert.equal("cancelled", b)
    end
    assert.equal("after", c)
  end)

  if _VERSION == "Lua 5.4" then
    it("cancel() unwinds a task through its <close> variables", function()
      local loop = lsock.loop()
      local closed = {}
      local t = loop:spawn(assert(load([[
        local lsock, closed = ...
        local s <close> = lsock.socket()
        local guard <close> = setmetatable({}, { __close = function() closed[#closed + 1] = "guard" end })
        lsock.sleep(10)
        closed[#closed + 1] = "not reached"
      ]])), lsock, closed)
      loop:step(0)
      t:cancel()
      loop:run()
      assert.same({ "guard" }, closed)
      assert.same({ false, "cancelled" }, { t:result() })
    end)
  else
    pending("cancel() through <close> variables: Lua 5.4 only")
  end

  it("closing a socket that another task waits on wakes it: attempt to use a closed socket", function()
    local loop = lsock.loop()
    local a, b = lsock.socketpair()
    local t = loop:spawn(function() return a:recv(10) end)
    loop:spawn(function() lsock.sleep(0.02); a:close() end)
    local rok, rerr = pcall(loop.run, loop) -- run() raises the task's error
    assert.is_false(rok)
    assert.matches("attempt to use a closed socket", rerr)
    local ok, err = t:result()
    assert.is_false(ok)
    assert.matches("attempt to use a closed socket", err)
    b:close()
  end)

  it("a task that never finishes is visible in count(); run() refuses to wait forever", function()
    local loop = lsock.loop()
    local a, b = lsock.socketpair()
    local never = loop:spawn(function() return a:recv(10) end)
    for _ = 1, 5 do loop:step(0.01) end
    assert.equal(1, loop:count())
    assert.is_false(never:done())
    never:cancel()
    -- two tasks that join each other wait on nothing that can wake them
    local t1, t2
    t1 = loop:spawn(function() lsock.sleep(0); return t2:join() end)
    t2 = loop:spawn(function() lsock.sleep(0); return t1:join() end)
    H.raises("wait forever", loop.run, loop)
    assert.equal(2, loop:count())
    t1:cancel()
    loop:run()
    assert.equal(0, loop:count())
    assert.same({ false, "cancelled" }, { t1:result() })
    assert.is_true((t2:result()))
    a:close(); b:close()
  end)

  it("a loop collected while its tasks wait leaks no descriptor", function()
    do
      local loop = lsock.loop()
      for _ = 1, 20 do
        loop:spawn(function()
          local a, b = lsock.socketpair()
          local srv = lsock.create_server({ "127.0.0.1", 0 })
          a:recv(10)
          b:close(); srv:close()
        end)
      end
      loop:step(0)
      assert.equal(20, loop:count())
    end
    -- H.after collects and counts the descriptors
  end)

  it("a socket collected while a task waited on its descriptor number confuses no later socket", function()
    local loop = lsock.loop()
    local t = loop:spawn(function()
      do
        local a, b = lsock.socketpair()
        a:settimeout(0.01)
        assert(a:recv(1) == nil)
        b:close()
      end
      collectgarbage(); collectgarbage()
      -- the numbers come back; the loop must not think them registered
      local c, d = lsock.socketpair()
      loop:spawn(function() lsock.sleep(0.02); d:send("y") end)
      local r = c:recv(1)
      c:close(); d:close()
      return r
    end)
    loop:run()
    assert.same({ true, "y" }, { t:result() })
  end)

  it("lsock.setwaiter drives lsock from a hand-written coroutine scheduler", function()
    local waiting = {}
    lsock.setwaiter(function(fd, events, deadline)
      waiting[coroutine.running()] = { fd = fd, events = events, deadline = deadline }
      coroutine.yield()
    end)
    local ok, err = pcall(function()
      local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
      local _, port = srv:getsockname()
      srv:settimeout(5)
      local log = {}
      local cos = {
        coroutine.create(function()
          local c = assert(srv:accept())
          local got = assert(c:recv(10))
          log[#log + 1] = "server got " .. got
          assert(c:sendall("pong"))
          c:close()
        end),
        coroutine.create(function()
          local c = lsock.socket()
          c:settimeout(5)
          assert(c:connect("127.0.0.1", port))
          assert(c:sendall("ping"))
          local got = assert(c:recv(10))
          log[#log + 1] = "client got " .. got
          c:close()
        end),
      }
      -- the scheduler: resume what select says is ready
      local alive = #cos
      for _, co in ipairs(cos) do assert(coroutine.resume(co)) end
      local t0 = lsock.monotonic()
      while alive > 0 and lsock.monotonic() - t0 < 10 do
        local r, w, map = {}, {}, {}
        for co, wt in pairs(waiting) do
          if type(wt.fd) == "number" and wt.fd >= 0 then
            map[wt.fd] = co
            if has(wt.events, lsock.POLLIN) then r[#r + 1] = wt.fd end
            if has(wt.events, lsock.POLLOUT) then w[#w + 1] = wt.fd end
          end
        end
        local rr, ww = lsock.select(r, w, nil, 1)
        for _, list in ipairs { rr, ww } do
          for _, fd in ipairs(list) do
            local co = map[fd]
            if co and waiting[co] then
              waiting[co] = nil
              assert(coroutine.resume(co))
              if coroutine.status(co) == "dead" then alive = alive - 1 end
            end
          end
        end
      end
      srv:close()
      table.sort(log)
      assert.same({ "client got pong", "server got ping" }, log)
    end)
    lsock.setwaiter(nil)
    assert(ok, err)
  end)
end)
