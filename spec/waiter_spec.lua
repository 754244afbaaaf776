-- spec/waiter_spec.lua — lsock.setwaiter: inside a coroutine, every call
-- that must wait hands (fd, events, deadline) to the state's waiter and
-- retries when it returns; outside coroutines nothing changes. The test
-- waiter records its calls, lets the peer act (send, drain, connect) the
-- first time, and otherwise waits briefly with the waiter itself removed.
local H = require "spec.helper"
local lsock = require "lsock"

describe("lsock.setwaiter", function()
  before_each(H.before)
  after_each(function()
    lsock.setwaiter(nil)
    H.after()
  end)

  -- Installs a waiter that records each call in 'calls' and runs
  -- action(fd, events, deadline, n) before waiting up to 20 ms for fd.
  local function recorder(action)
    local calls = {}
    local function waiter(fd, events, deadline)
      calls[#calls + 1] = { fd = fd, events = events, deadline = deadline }
      lsock.setwaiter(nil) -- what runs here must not come back here
      if action then action(fd, events, deadline, #calls) end
      if type(fd) == "number" then
        local r, w = {}, {}
        if events % 2 == 1 then r[1] = fd end -- POLLIN is 1
        if math.floor(events / 4) % 2 == 1 then w[1] = fd end -- POLLOUT is 4
        lsock.select(r, w, {}, 0.02)
      else
        local t = lsock.monotonic() + 0.02
        while lsock.monotonic() < t do end
      end
      lsock.setwaiter(waiter)
    end
    lsock.setwaiter(waiter)
    return calls
  end

  -- Runs f in a coroutine and returns its results (raising its error).
  local function incoroutine(f, ...)
    local co = coroutine.create(f)
    local r = { n = 0 }
    local function pack(...) r = { n = select("#", ...), ... } end
    pack(coroutine.resume(co, ...))
    if not r[1] then error(r[2], 0) end
    assert.are.equal("dead", coroutine.status(co))
    return H.unpack(r, 2, r.n)
  end

  it("is called by recv with the descriptor, POLLIN and the deadline", function()
    local c, a = H.tcp_pair(2)
    local calls = recorder(function(_, _, _, n) if n == 1 then a:send("hi") end end)
    local t0 = lsock.monotonic()
    local data = incoroutine(function() return c:recv(10) end)
    assert.are.equal("hi", data)
    assert.are.equal(1, #calls)
    assert.are.equal(c:fileno(), calls[1].fd)
    assert.are.equal(lsock.POLLIN, calls[1].events)
    assert.is_true(calls[1].deadline >= t0 + 1.9 and calls[1].deadline <= t0 + 2.5)
    c:close(); a:close()
  end)

  it("is not called outside a coroutine", function()
    local c, a = H.tcp_pair(0.2)
    local calls = recorder()
    local data, msg, code = c:recv(10)
    assert.is_nil(data)
    assert.are.equal("timeout", msg)
    assert.are.equal(lsock.ETIMEDOUT, code)
    assert.are.equal(0, #calls)
    c:close(); a:close()
  end)

  it("is called until the deadline passes, then the call times out", function()
    local c, a = H.tcp_pair(0.3)
    local calls = recorder()
    local elapsed, data, msg, code = H.timed(incoroutine, function() return c:recv(10) end)
    assert.is_nil(data)
    assert.are.equal("timeout", msg)
    assert.are.equal(lsock.ETIMEDOUT, code)
    assert.is_true(#calls >= 2)
    assert.is_true(elapsed >= 0.25 and elapsed < 2)
    c:close(); a:close()
  end)

  it("gets POLLOUT from send and sendall, which finish once the peer reads", function()
    local c, a = H.tcp_pair(5)
    local got, total = {}, 16 * 1024 * 1024
    local calls = recorder(function(_, events)
      assert.are.equal(lsock.POLLOUT, events)
      a:settimeout(0)
      repeat
        local d = a:recv(65536)
        if d then got[#got + 1] = d end
      until not d or d == ""
    end)
    local payload = string.rep("0123456789abcdef", total / 16)
    assert.is_true(incoroutine(function() return c:sendall(payload) end))
    assert.is_true(#calls >= 1)
    for _, call in ipairs(calls) do assert.are.equal(c:fileno(), call.fd) end
    a:settimeout(5)
    local n = 0
    for _, d in ipairs(got) do n = n + #d end
    while n < total do
      local d = assert(a:recv(65536))
      got[#got + 1] = d
      n = n + #d
    end
    assert.are.equal(payload, table.concat(got))
    c:close(); a:close()
  end)

  it("is called by accept and connect", function()
    local srv = assert(lsock.create_server({ "127.0.0.1", 0 }))
    srv:settimeout(2)
    local _, port = srv:getsockname()
    local client
    local calls = recorder(function(fd, events, _, n)
      if n == 1 then
        assert.are.equal(srv:fileno(), fd)
        assert.are.equal(lsock.POLLIN, events)
        client = assert(lsock.create_connection({ "127.0.0.1", port }, 2))
      end
    end)
    local conn = incoroutine(function() return srv:accept() end)
    assert.is_truthy(conn)
    assert.are.equal(1, #calls)
    conn:close(); client:close()
    -- connect: a non-blocking connect on loopback still reports
    -- EINPROGRESS first; the waiter is asked for POLLOUT if it does
    local s = lsock.socket()
    s:settimeout(2)
    local before = #calls
    assert.is_true(incoroutine(function() return s:connect("127.0.0.1", port) end))
    for i = before + 1, #calls do
      assert.are.equal(s:fileno(), calls[i].fd)
      assert.are.equal(lsock.POLLOUT, calls[i].events)
    end
    local conn2 = srv:accept()
    conn2:close(); s:close(); srv:close()
  end)

  it("is called by makefile reads and writes", function()
    local c, a = H.tcp_pair(2)
    local f = c:makefile("rw")
    local calls = recorder(function(_, events, _, n)
      if n == 1 then
        assert.are.equal(lsock.POLLIN, events)
        a:send("a line\n")
      end
    end)
    assert.are.equal("a line", incoroutine(function() return f:read("l") end))
    assert.are.equal(1, #calls)
    assert.are.equal(c:fileno(), calls[1].fd)
    -- a write larger than both buffers waits for POLLOUT
    local drained = {}
    calls = recorder(function(_, events)
      assert.are.equal(lsock.POLLOUT, events)
      a:settimeout(0)
      repeat
        local d = a:recv(65536)
        if d then drained[#drained + 1] = d end
      until not d
    end)
    local big = string.rep("x", 16 * 1024 * 1024)
    incoroutine(function() assert(f:write(big)); assert(f:flush()) end)
    assert.is_true(#calls >= 1)
    f:close(); c:close(); a:close()
  end)

  it("gets a table {[fd] = events} from select", function()
    local c, a = H.tcp_pair(2)
    local calls = recorder(function(_, _, _, n) if n == 1 then a:send("x") end end)
    local r = incoroutine(function() return lsock.select({ c }, {}, {}, 2) end)
    assert.are.equal(1, #r)
    assert.are.equal(c, r[1])
    assert.are.equal(1, #calls)
    assert.are.equal("table", type(calls[1].fd))
    assert.are.equal(lsock.POLLIN, calls[1].fd[c:fileno()])
    assert.is_nil(calls[1].events)
    c:close(); a:close()
  end)

  it("is called by p:wait", function()
    local c, a = H.tcp_pair(2)
    local p = lsock.poller()
    p:register(c, lsock.POLLIN, "data")
    local calls = recorder(function(_, _, _, n) if n == 1 then a:send("x") end end)
    local got = incoroutine(function()
      local iter, state = p:wait(2)
      return { iter(state) }
    end)
    assert.are.equal(c, got[1])
    assert.are.equal("data", got[3])
    assert.are.equal(1, #calls)
    local backend = tostring(p):match("backend=(%w+)")
    if backend == "epoll" then
      assert.are.equal("number", type(calls[1].fd))
      assert.are.equal(lsock.POLLIN, calls[1].events)
    else
      assert.are.equal(lsock.POLLIN, calls[1].fd[c:fileno()])
    end
    p:close(); c:close(); a:close()
  end)

  it("may close the socket: the call then raises", function()
    local c, a = H.tcp_pair(2)
    recorder(function() c:close() end)
    local ok, err = pcall(incoroutine, function() return c:recv(10) end)
    assert.is_false(ok)
    assert.matches("closed socket", err)
    a:close()
  end)

  it("may close the poller: p:wait then raises", function()
    local c, a = H.tcp_pair(2)
    local p = lsock.poller()
    p:register(c, lsock.POLLIN)
    recorder(function() p:close() end)
    local ok, err = pcall(incoroutine, function() return p:wait(1) end)
    assert.is_false(ok)
    assert.matches("closed poller", err)
    c:close(); a:close()
  end)

  it("is removed by setwaiter(nil) and rejects non-functions", function()
    local c, a = H.tcp_pair(0.1)
    local calls = recorder()
    lsock.setwaiter(nil)
    local _, msg = incoroutine(function() return c:recv(1) end)
    assert.are.equal("timeout", msg)
    assert.are.equal(0, #calls)
    assert.has_error(function() lsock.setwaiter(42) end)
    c:close(); a:close()
  end)
end)
