-- Fault injection: what lsock must do when the system calls misbehave as
-- the kernel may (EINTR, EAGAIN, early and spurious poll returns: the
-- LD_PRELOAD shim build/faults/shim.so, in a child of this interpreter)
-- and when a single Lua allocation fails in the middle of a call (the
-- alloc host build/faults/allochost, Lua 5.4 with lsock linked in).
-- Every child runs under `timeout`. See tests/faults/ and mk/faults.mk.
local H = require "spec.helper"
local lsock = require "lsock"

local ROOT = os.getenv("PWD") or "."
local SHIM = ROOT .. "/build/faults/shim.so"
local HOST = ROOT .. "/build/faults/allochost"

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

-- Builds 'target' (a path under build/faults) with make if it is missing;
-- returns whether it exists, and make's output.
local built = {}
local function ensure(target)
  if built[target] == nil then
    local out = ""
    if not exists(ROOT .. "/" .. target) then
      local p = io.popen("cd " .. H.shquote(ROOT) .. " && make -s " .. target .. " 2>&1")
      out = p:read("*a")
      p:close()
    end
    built[target] = { exists(ROOT .. "/" .. target), out }
  end
  return built[target][1], built[target][2]
end

-- What every child starts with: lsock (found as this process finds it),
-- a clock, the shim's control channel and the RESULT lines the spec reads.
local PROLOGUE = [[
local lsock = require "lsock"
local function now() local f = io.open("/proc/uptime"); local t = tonumber(f:read("*a"):match("^%S+")); f:close(); return t end
local ctlsock = lsock.socket()
local function ctl(op) return ctlsock:getsockopt(0x6c73, op) end
local function result(ok, msg) print((ok and "RESULT ok " or "RESULT FAIL ") .. tostring(msg)) end
local function pack(...) return { n = select("#", ...), ... } end
local unpack = table.unpack or unpack
]]

-- Runs 'code' in a child: 'interp' (H.lua or the alloc host) with 'env'
-- (a string of NAME=value words), under `timeout secs`. Returns the
-- output and the exit status (124: it hung).
local function child(interp, env, code, secs)
  return H.run_script(H.child_paths() .. PROLOGUE .. code,
    { interp = interp, env = env, timeout = secs or 30, dir = ROOT })
end

-- Asserts the child printed "RESULT ok" and no "RESULT FAIL", and did not
-- hang (the message says what was seen).
local function expect_ok(out, status, what)
  assert(status ~= 124, what .. ": the child hung (killed by timeout): " .. out)
  assert(not out:find("RESULT FAIL"), what .. ": " .. (out:match("RESULT FAIL ([^\n]*)") or out))
  assert(out:find("RESULT ok"), what .. ": no result (exit " .. tostring(status) .. "): " .. out)
  assert(status == 0, what .. ": exit " .. tostring(status) .. ": " .. out)
end

local function shim_env(faults, extra)
  return "LD_PRELOAD=" .. H.shquote(SHIM) .. " LSOCK_FAULTS=" .. H.shquote(faults)
    .. " LSOCK_FAULTS_SEED=7 " .. (extra or "")
end

describe("fault injection", function()
  before_each(H.before)
  after_each(H.after)

  ---------------------------------------------------------------- shim

  describe("with the system calls misbehaving (LD_PRELOAD shim)", function()
    local function need_shim()
      local ok, out = ensure("build/faults/shim.so")
      assert(ok, "cannot build build/faults/shim.so: " .. out)
    end

    it("select waits for its whole timeout when poll returns 0 early (11)", function()
      need_shim()
      local out, status = child(H.lua, shim_env("early@poll:1"), [[
        local a, b = lsock.socketpair()
        local t0 = now()
        local r, w, x = lsock.select({ b }, {}, {}, 0.5)
        local t = now() - t0
        local injected = ctl(5)
        if not (injected and injected > 0) then result(false, "the shim injected nothing") end
        result(type(r) == "table" and #r == 0 and #w == 0 and #x == 0,
          "select on a silent socket returned " .. tostring(r and #r) .. " ready")
        result(t >= 0.45 and t <= 0.7, ("select(..., 0.5) took %.2f s with poll returning 0 early"):format(t))
        a:close(); b:close()
      ]], 10)
      expect_ok(out, status, "select with early poll returns")
    end)

    it("a select timeout past INT_MAX ms is not cut, and the select still wakes for data (11)", function()
      need_shim()
      local out, status = child(H.lua, shim_env(""), [[
        local l = assert(lsock.socket())
        assert(l:bind("127.0.0.1", 0))
        assert(l:listen(4))
        local _, port = l:getsockname()
        -- another process connects 0.2 s from now: the listener becomes readable
        os.execute("(sleep 0.2; exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/" .. port .. "; sleep 1') >/dev/null 2>&1 &")
        ctl(4)
        local t0 = now()
        local r = lsock.select({ l }, {}, {}, 3e6) -- 34.7 days: 3e9 ms
        local t = now() - t0
        local maxms = ctl(3)
        result(type(r) == "table" and r[1] == l, "select(3e6) did not return the readable listener")
        result(t < 5, ("select(3e6) took %.2f s for a connection made after 0.2 s"):format(t))
        result(maxms == 2147483647, "the largest poll timeout was " .. tostring(maxms)
          .. " ms, not INT_MAX: a timeout of 3e9 ms was cut")
        l:close()
      ]], 15)
      expect_ok(out, status, "select(3e6)")
    end)

    it("a timeout expires when the socket keeps looking ready and every try says EAGAIN (12)", function()
      need_shim()
      local out, status = child(H.lua, shim_env("eagain@recv:1,ready@poll:1"), [[
        local a, b = lsock.socketpair()
        b:settimeout(0.5)
        local t0 = now()
        local r = pack(b:recv(10))
        local t = now() - t0
        result(r.n == 3 and r[1] == nil and r[2] == "timeout" and r[3] == lsock.ETIMEDOUT,
          ("recv returned %d values: %s, %s, %s"):format(r.n, tostring(r[1]), tostring(r[2]), tostring(r[3])))
        result(t >= 0.45 and t <= 0.8, ("recv with timeout 0.5 took %.2f s"):format(t))
        a:close(); b:close()
      ]], 5)
      assert(status ~= 124, "recv with timeout 0.5 never returned: it spins while poll says ready and "
        .. "recv says EAGAIN (killed after 5 s)")
      expect_ok(out, status, "recv under EAGAIN + ready")
    end)

    it("connect never says true before the handshake is done, whatever poll says (13)", function()
      need_shim()
      local out, status = child(H.lua, shim_env("ready@poll:1", "LSOCK_FAULTS_ARMED=0"), [[
        local l = assert(lsock.socket())
        assert(l:bind("127.0.0.1", 0))
        assert(l:listen(0))
        local _, port = l:getsockname()
        -- fill the backlog (the shim disarmed): later handshakes stall
        local fill = {}
        for i = 1, 50 do
          fill[i] = lsock.socket()
          fill[i]:settimeout(0.2)
          if not fill[i]:connect("127.0.0.1", port) then break end
        end
        ctl(1) -- arm: poll now says POLLOUT at once
        local c = lsock.socket()
        c:settimeout(0.5)
        local r = pack(c:connect("127.0.0.1", port))
        local armed = ctl(0)
        if r[1] == true then
          local h, msg = c:getpeername()
          result(h ~= nil, "connect returned true while the handshake stalled, and getpeername says: " .. tostring(msg))
        else
          result(r[1] == nil and r[2] == "timeout" and r[3] == lsock.ETIMEDOUT,
            ("connect returned %s, %s, %s"):format(tostring(r[1]), tostring(r[2]), tostring(r[3])))
        end
        result(ctl(5) > 0, "the shim injected nothing (armed " .. tostring(armed) .. ")")
        c:close()
        for _, s in ipairs(fill) do s:close() end
        l:close()
      ]], 10)
      expect_ok(out, status, "connect with a spurious POLLOUT")
    end)

    it("under 50 % EINTR: exact transfers, and recv/accept/select/wait/sendall deadlines within 10 %", function()
      need_shim()
      local out, status = child(H.lua, shim_env("eintr:0.5"), [[
        local function within(what, t, want)
          result(t >= want * 0.9 - 0.01 and t <= want * 1.1 + 0.01, ("%s took %.3f s, deadline %.2f s"):format(what, t, want))
        end
        local function timedout(what, r, extra)
          result(r.n == 3 + (extra or 0) and r[1] == nil and r[2] == "timeout" and r[3] == lsock.ETIMEDOUT,
            ("%s: %d values %s, %s, %s"):format(what, r.n, tostring(r[1]), tostring(r[2]), tostring(r[3])))
        end
        local a, b = lsock.socketpair()
        a:settimeout(5); b:settimeout(5)
        -- 1 MiB there and back in pieces, every byte compared
        local x, pieces = 1, {}
        for i = 1, 4096 do x = (x * 16807) % 2147483647; pieces[i] = string.char(x % 256) end
        local block = table.concat(pieces)
        for round = 1, 64 do
          local chunk = block:sub(round) .. block:sub(1, round - 1)
          chunk = chunk:rep(4)
          assert(a:sendall(chunk))
          local got = {}
          local n = 0
          while n < #chunk do
            local d, err = b:recv(#chunk - n)
            if not d or d == "" then result(false, "recv failed: " .. tostring(err)) break end
            got[#got + 1] = d
            n = n + #d
          end
          if table.concat(got) ~= chunk then result(false, "round " .. round .. ": the bytes differ") break end
        end
        -- deadlines
        b:settimeout(0.5)
        local t0 = now()
        local r = pack(b:recv(10))
        within("recv", now() - t0, 0.5); timedout("recv", r)
        local l = assert(lsock.socket())
        assert(l:bind("127.0.0.1", 0)); assert(l:listen(1)); l:settimeout(0.5)
        t0 = now(); r = pack(l:accept())
        within("accept", now() - t0, 0.5); timedout("accept", r)
        l:close()
        t0 = now(); r = pack(lsock.select({ b }, {}, {}, 0.5))
        within("select", now() - t0, 0.5)
        result(#r[1] == 0, "select on a silent socket returned it")
        local p = lsock.poller()
        p:register(b, lsock.POLLIN)
        local n = 0
        t0 = now()
        for _ in p:wait(0.5) do n = n + 1 end
        within("wait", now() - t0, 0.5)
        result(n == 0, "wait on a silent socket yielded")
        p:unregister(b); p:close()
        -- sendall into a peer that reads nothing: times out, loses nothing
        a:settimeout(0.5)
        local queued = 0
        while true do
          local k = a:send(("q"):rep(4096), lsock.MSG_DONTWAIT)
          if not k then break end
          queued = queued + k
        end
        local big = block:rep(512) -- 2 MiB
        t0 = now(); r = pack(a:sendall(big))
        within("sendall", now() - t0, 0.5); timedout("sendall", r, 1)
        local sent = r[4] or -1
        a:close()
        b:settimeout(5)
        local all = {}
        while true do
          local d = b:recv(1000000)
          if not d or d == "" then break end
          all[#all + 1] = d
        end
        all = table.concat(all)
        result(#all == queued + sent and all:sub(queued + 1) == big:sub(1, sent),
          ("sendall said %d sent after %d queued; the peer got %d bytes"):format(sent, queued, #all))
        b:close()
        result(ctl(5) > 100, "the shim injected only " .. tostring(ctl(5)) .. " faults")
      ]], 30)
      expect_ok(out, status, "EINTR storm")
    end)
  end)

  ---------------------------------------------------------- allocations

  describe("with one Lua allocation failing mid-call (the alloc host)", function()
    -- The alloc host is Lua 5.4; the spec runs under any Lua and only
    -- starts it. It is left out (a counted pending) when it cannot be built.
    local function host()
      local ok, out = ensure("build/faults/allochost")
      if not ok then
        pending("the alloc host cannot be built (needs liblua5.4.a): " .. tostring(out):sub(1, 200))
        return nil
      end
      return HOST
    end

    -- failing(n, f, ...) in the children: the n-th allocation from the start
    -- of the call fails; the memory error is caught. Armed inside pcall, so
    -- even the growth of the stack for the call is protected.
    local FAILING = [[
      local caught = 0
      -- (the results go to locals, made before the call: a table built
      -- after it could fail and drop what the call returned)
      local function run(n, f, ...)
        faults.fail_after(n)
        local r1, r2, r3, r4, r5 = f(...)
        faults.off()
        return r1, r2, r3, r4, r5
      end
      -- (no collection runs during the call: a finalizer's allocations
      -- would shift which one fails; the emergency collection still runs)
      local function failing(n, f, ...)
        collectgarbage("collect")
        collectgarbage("stop")
        local r = pack(pcall(run, n, f, ...))
        faults.off()
        collectgarbage("restart")
        if not r[1] then
          caught = caught + 1
          if not tostring(r[2]):find("not enough memory") then result(false, "not a memory error: " .. tostring(r[2])) end
        end
        return unpack(r, 1, r.n)
      end
      -- bytes that are never interned (long strings), different for each n
      local function msg(n, len) return ("<%d>"):format(n) .. ("%08d"):format(n):rep(math.ceil(len / 8)):sub(1, len) end
    ]]

    it("recv loses no bytes when making the result raises a memory error (8)", function()
      local hostpath = host()
      if not hostpath then return end
      local out, status = child(hostpath, "", FAILING .. [[
        local a, b = lsock.socketpair()
        b:settimeout(2)
        local sent, got = {}, {}
        for n = 1, 40 do
          local m = msg(n, 45 + n)
          assert(a:sendall(m))
          sent[#sent + 1] = m
          local ok, d = failing(n, b.recv, b, 100)
          if ok and d then got[#got + 1] = d end
        end
        b:settimeout(0.3)
        while true do
          local d = b:recv(100)
          if not d or d == "" then break end
          got[#got + 1] = d
        end
        local g, s = table.concat(got), table.concat(sent)
        local i = 1
        while i <= #s and g:sub(i, i) == s:sub(i, i) do i = i + 1 end
        result(caught > 0, "no memory error was caught")
        result(g == s, ("after %d memory errors the receiver got %d of %d bytes (first difference at byte %d)")
          :format(caught, #g, #s, i))
        a:close(); b:close()
      ]], 30)
      expect_ok(out, status, "recv under memory errors")
    end)

    it("recvfrom loses no datagram when making the result raises a memory error (8)", function()
      local hostpath = host()
      if not hostpath then return end
      local out, status = child(hostpath, "", FAILING .. [[
        local a = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
        local b = lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)
        assert(a:bind("127.0.0.1", 0)); assert(b:bind("127.0.0.1", 0))
        local _, port = b:getsockname()
        b:settimeout(2)
        local sent, got = {}, {}
        for n = 1, 40 do
          local m = msg(n, 45 + n)
          assert(a:sendto(m, "127.0.0.1", port))
          sent[#sent + 1] = m
          local ok, d = failing(n, b.recvfrom, b, 100)
          if ok and d then got[#got + 1] = d end
        end
        b:settimeout(0.3)
        while true do
          local d = b:recvfrom(100)
          if not d then break end
          got[#got + 1] = d
        end
        result(caught > 0, "no memory error was caught")
        result(#got == #sent, ("after %d memory errors %d of %d datagrams were received"):format(caught, #got, #sent))
        for i = 1, #sent do
          if got[i] ~= sent[i] then result(false, "datagram " .. i .. " differs: " .. tostring(got[i])) break end
        end
        a:close(); b:close()
      ]], 30)
      expect_ok(out, status, "recvfrom under memory errors")
    end)

    it("register is all or nothing under a memory error, and count() never goes negative (9)", function()
      local hostpath = host()
      if not hostpath then return end
      local out, status = child(hostpath, "", FAILING .. [[
        for n = 1, 40 do
          local p = lsock.poller()
          local a, b = lsock.socketpair()
          local tag = { n }
          local ok = failing(n, p.register, p, a, lsock.POLLIN, tag)
          local c = p:count()
          if c == 0 then
            local rok, err = pcall(p.register, p, a, lsock.POLLIN, tag)
            if not rok then result(false, ("n=%d: register raised a memory error, count() is 0, and a retry raises: %s"):format(n, tostring(err))) break end
          elseif c ~= 1 then
            result(false, ("n=%d: count() is %d"):format(n, c)) break
          end
          assert(b:send("x"))
          local seen = false
          for o, ev, d in p:wait(0.5) do
            if o == a and d == tag and ev & lsock.POLLIN ~= 0 then seen = true end
          end
          if not seen then result(false, ("n=%d (pcall %s): wait never reports the registered socket"):format(n, tostring(ok))) break end
          pcall(p.unregister, p, a)
          if p:count() ~= 0 then result(false, ("n=%d: count() is %d after unregister"):format(n, p:count())) break end
          p:close(); a:close(); b:close()
        end
        result(caught > 0, "no memory error was caught")
      ]], 60)
      expect_ok(out, status, "register under memory errors")
    end)

    it("modify is all or nothing under a memory error: old data with old events, or new with new (9)", function()
      local hostpath = host()
      if not hostpath then return end
      local out, status = child(hostpath, "", FAILING .. [[
        for n = 1, 40 do
          local p = lsock.poller()
          local a, b = lsock.socketpair()
          local f = a:makefile("rw")
          local old, new = { "old" }, { "new" }
          assert(p:register(f, lsock.POLLOUT, old))
          local ok = failing(n, p.modify, p, f, lsock.POLLIN, new)
          assert(b:send("x")) -- readable and writable: the events show which mask is in force
          local ev, d
          for o, e, data in p:wait(0.5) do if o == f then ev, d = e, data end end
          local bad
          if ev == nil then bad = "wait does not report the object"
          elseif d == old and ev & lsock.POLLIN ~= 0 then bad = "wait yields the old data with the new events " .. ev
          elseif d == new and ev & lsock.POLLOUT ~= 0 then bad = "wait yields the new data with the old events " .. ev
          elseif d ~= old and d ~= new then bad = "wait yields data " .. tostring(d)
          elseif ok and d ~= new then bad = "modify succeeded but wait yields the old data" end
          if bad then result(false, ("n=%d (modify %s): %s"):format(n, ok and "succeeded" or "raised", bad)) break end
          assert(p:unregister(f))
          p:close(); f:close(); a:close(); b:close()
        end
        result(caught > 0, "no memory error was caught")
      ]], 60)
      expect_ok(out, status, "modify under memory errors")
    end)

    it("no getaddrinfo list is left unfreed when an allocation raises (10)", function()
      local hostpath = host()
      if not hostpath then return end
      local ok = ensure("build/faults/shim.so")
      assert(ok, "cannot build build/faults/shim.so")
      local report = os.tmpname()
      local out, status = child(hostpath, shim_env("", "LSOCK_FAULTS_GAI=" .. H.shquote(report)), FAILING .. [[
        if not ctl(2) then result(false, "the shim's getaddrinfo counter is not there") end
        local worst = 0
        for n = 1, 60 do
          failing(n, lsock.getaddrinfo, "localhost", 80)
          collectgarbage("collect") -- a list held when the error came is freed by its holder's __gc
          local k = ctl(2)
          if k ~= 0 and worst == 0 then result(false, ("getaddrinfo, failing allocation %d: %d lists not freed"):format(n, k)) end
          worst = math.max(worst, k)
        end
        local l = assert(lsock.socket())
        assert(l:bind("127.0.0.1", 0)); assert(l:listen(128)); l:settimeout(0)
        local _, port = l:getsockname()
        local before = ctl(2)
        for n = 1, 60 do
          local ok, c = failing(n, lsock.create_connection, { "localhost", port }, 2)
          if ok and c then c:close() end
          while true do local s = l:accept(); if not s then break end; s:close() end
          collectgarbage("collect")
          local k = ctl(2) - before
          if k ~= 0 then result(false, ("create_connection, failing allocation %d: %d more lists not freed"):format(n, k)) before = ctl(2) end
        end
        l:close()
        result(caught > 0, "no memory error was caught")
      ]], 60)
      local left = tonumber((H.readfile(report) or ""):match("(%d+)"))
      os.remove(report)
      expect_ok(out, status, "getaddrinfo under memory errors")
      assert(left == 0, "at exit the shim counted " .. tostring(left) .. " getaddrinfo lists not freed")
    end)
  end)
end)
