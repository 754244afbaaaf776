-- tests/faults/alloc.lua — allocation failures in the middle of lsock
-- calls, run in the alloc host (build/faults/allochost[-poll]):
--   allochost alloc.lua recv|recvbig|recvfrom|register|modify|getaddrinfo|
--                       create_connection|select|makefile [N]
-- For n = 1..N the n-th allocation from the call's start fails; the memory
-- error is caught with pcall, then the invariants are checked: nothing
-- received is lost, a poller change is all or nothing and its count never
-- goes negative, no getaddrinfo list is left unfreed (the counter of the
-- shim, build/faults/shim.so, must be preloaded for those two modes), no
-- descriptor leaks, and the next call works. Prints "ok ..." or "FAIL ...".
-- luacheck: globals faults
local C = dofile(((arg[0]):match("^(.*)/") or ".") .. "/common.lua")
local lsock = require "lsock"

assert(type(faults) == "table", "run this in build/faults/allochost")
local mode, N = arg[1], tonumber(arg[2] or "0")
local caught = 0

-- Calls f(...) with the n-th allocation failing; returns pcall's results.
-- The failure is switched off as soon as f returns, so that it never
-- lands in the checks.
-- (armed inside the pcall: even the growth of the stack for the call is
-- then protected)
local function run(n, f, ...)
  faults.fail_after(n)
  local r1, r2, r3, r4 = f(...)
  faults.off()
  return r1, r2, r3, r4
end
-- No collection runs during the call (a finalizer's allocations would
-- shift which one fails); the emergency collection of a failure still does.
local function failing(n, f, ...)
  collectgarbage("collect")
  collectgarbage("stop")
  local ok, r1, r2, r3, r4 = pcall(run, n, f, ...)
  faults.off()
  collectgarbage("restart")
  if not ok then
    caught = caught + 1
    if not C.check(tostring(r1):match("not enough memory"), "a failure that is not a memory error: " .. tostring(r1)) then
      return false
    end
  end
  return ok, r1, r2, r3, r4
end

local function drain(s, pieces)
  s:settimeout(0.2)
  while true do
    local d = s:recv(1 << 20)
    if not d or d == "" then break end
    pieces[#pieces + 1] = d
  end
end

local modes = {}

function modes.recv(big)
  N = N > 0 and N or 60
  local a, b = assert(lsock.socketpair())
  b:settimeout(2)
  local sent, got = {}, {}
  for n = 1, N do
    local msg = ("<%d>"):format(n) .. C.bytes(n, big and 20000 + n or 40 + n % 50)
    assert(a:sendall(msg))
    sent[#sent + 1] = msg
    local ok, d = failing(n, b.recv, b, big and 100000 or 100)
    if ok then
      if not C.check(type(d) == "string" and #d > 0, "recv returned " .. tostring(d)) then break end
      got[#got + 1] = d
    end
  end
  drain(b, got)
  C.same(table.concat(got), table.concat(sent), "recv: the bytes after memory errors")
  a:close()
  b:close()
end

function modes.recvbig() return modes.recv(true) end

function modes.recvfrom()
  N = N > 0 and N or 60
  local a = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  local b = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  assert(a:bind("127.0.0.1", 0))
  assert(b:bind("127.0.0.1", 0))
  b:settimeout(2)
  local _, port = b:getsockname()
  local sent, got = {}, {}
  for n = 1, N do
    local d = ("datagram %d "):format(n) .. C.bytes(n, 41 + n % 60) -- long strings: never interned
    assert(a:sendto(d, "127.0.0.1", port) == #d)
    sent[#sent + 1] = d
    local ok, g, host = failing(n, b.recvfrom, b, 200)
    if ok then
      if not C.check(type(g) == "string" and host == "127.0.0.1", "recvfrom returned " .. tostring(g)) then break end
      got[#got + 1] = g
    end
  end
  b:settimeout(0.2)
  while true do
    local g = b:recvfrom(200)
    if not g then break end
    got[#got + 1] = g
  end
  C.check(#got == #sent, ("recvfrom: %d datagrams received, %d sent"):format(#got, #sent))
  for i = 1, math.min(#got, #sent) do
    if not C.same(got[i], sent[i], "recvfrom: datagram " .. i) then break end
  end
  a:close()
  b:close()
end

-- What one wait(0.5) yields for 'obj': events and data (nil if nothing).
local function waitfor(p, obj)
  local ev, data, seen
  for o, e, d in p:wait(0.5) do
    if o == obj then ev, data, seen = e, d, true end
  end
  return seen, ev, data
end

function modes.register()
  N = N > 0 and N or 60
  for n = 1, N do
    local p = lsock.poller()
    local a, b = assert(lsock.socketpair())
    local tag = { n = n }
    local ok = failing(n, p.register, p, a, lsock.POLLIN, tag)
    local count = p:count()
    C.check(count == 0 or count == 1, ("register %d: count() is %d"):format(n, count))
    if count == 0 then
      -- not registered at all: a retry succeeds
      local rok, err = pcall(p.register, p, a, lsock.POLLIN, tag)
      C.check(rok, ("register %d: after a memory error count() is 0 but a retry raises: %s"):format(n, tostring(err)))
    end
    b:send("x")
    local seen, ev, data = waitfor(p, a)
    if C.check(seen, ("register %d (pcall %s): wait does not report the registered object"):format(n, tostring(ok))) then
      C.check(data == tag and ev & lsock.POLLIN ~= 0, ("register %d: wait yields %s, %s"):format(n, tostring(ev), tostring(data)))
    end
    pcall(p.unregister, p, a)
    C.check(p:count() == 0, ("register %d: count() is %d after unregister"):format(n, p:count()))
    p:close()
    a:close()
    b:close()
    if C.failed then break end
  end
end

function modes.modify()
  N = N > 0 and N or 60
  for n = 1, N do
    local p = lsock.poller()
    local a, b = assert(lsock.socketpair())
    local f = a:makefile("rw")
    local old, new = { "old" }, { "new" }
    assert(p:register(f, lsock.POLLOUT, old))
    local ok = failing(n, p.modify, p, f, lsock.POLLIN, new)
    b:send("x") -- readable and writable: the events tell which mask is in force
    local seen, ev, data = waitfor(p, f)
    if C.check(seen, ("modify %d: wait does not report the object"):format(n)) then
      if data == old then
        C.check(ev & lsock.POLLIN == 0 and ev & lsock.POLLOUT ~= 0,
          ("modify %d (pcall %s): wait yields the old data with events %d (the new ones)"):format(n, tostring(ok), ev))
      elseif data == new then
        C.check(ev & lsock.POLLIN ~= 0 and ev & lsock.POLLOUT == 0,
          ("modify %d (pcall %s): wait yields the new data with events %d (the old ones)"):format(n, tostring(ok), ev))
      else
        C.fail(("modify %d: wait yields data %s"):format(n, tostring(data)))
      end
      C.check(ok == false or data == new, ("modify %d: succeeded but wait yields the old data"):format(n))
    end
    C.check(p:count() == 1, ("modify %d: count() is %d"):format(n, p:count()))
    assert(p:unregister(f))
    p:close()
    f:close()
    a:close()
    b:close()
    if C.failed then break end
  end
end

-- The shim's count of getaddrinfo lists not yet freed.
local ctl = assert(lsock.socket())
local function outstanding()
  local v = ctl:getsockopt(0x6c73, 2)
  assert(v, "the getaddrinfo counter needs LD_PRELOAD=build/faults/shim.so")
  return v
end

function modes.getaddrinfo()
  N = N > 0 and N or 60
  for n = 1, N do
    local ok, r = failing(n, lsock.getaddrinfo, "localhost", 80)
    if ok then C.check(type(r) == "table" and #r > 0, "getaddrinfo returned " .. tostring(r)) end
    collectgarbage("collect") -- a list held when the error came is freed by its holder's __gc
    local k = outstanding()
    if not C.check(k == 0, ("getaddrinfo %d (pcall %s): %d getaddrinfo lists not freed"):format(n, tostring(ok), k)) then break end
  end
end

function modes.create_connection()
  N = N > 0 and N or 60
  local l = assert(lsock.socket())
  assert(l:bind("127.0.0.1", 0))
  assert(l:listen(128))
  l:settimeout(0)
  local _, port = l:getsockname()
  for n = 1, N do
    local ok, c = failing(n, lsock.create_connection, { "localhost", port }, 2)
    if ok and c then c:close() end
    while true do
      local conn = l:accept()
      if not conn then break end
      conn:close()
    end
    collectgarbage("collect")
    local k = outstanding()
    if not C.check(k == 0, ("create_connection %d (pcall %s): %d getaddrinfo lists not freed"):format(n, tostring(ok), k)) then break end
  end
  l:close()
end

function modes.select()
  N = N > 0 and N or 80
  local NP = 40
  local w, r = {}, {}
  for i = 1, NP do w[i], r[i] = assert(lsock.socketpair()) end
  for i = 1, NP, 3 do assert(w[i]:send("x")) end
  local function check(rl, wl, what)
    local want = 0
    for i = 1, NP, 3 do want = want + 1; if rl[want] ~= r[i] then return C.fail(what .. ": wrong readers") end end
    C.check(#rl == want, what .. ": " .. #rl .. " readers, " .. want .. " expected")
    C.check(#wl == NP, what .. ": " .. #wl .. " writers")
  end
  for n = 1, N do
    local ok, rl, wl = failing(n, lsock.select, r, w, nil, 1)
    if ok then check(rl, wl, "select " .. n) end
    local rl2, wl2 = lsock.select(r, w, nil, 1)
    check(rl2, wl2, "select after memory error " .. n)
    if C.failed then break end
  end
  for i = 1, NP do w[i]:close(); r[i]:close() end
end

function modes.makefile()
  N = N > 0 and N or 60
  local a, b = assert(lsock.socketpair())
  b:settimeout(2)
  local f = b:makefile("r")
  local sent, got = {}, {}
  for n = 1, N do
    local line = ("line %d "):format(n) .. ("y"):rep(41 + n * 7 % 300)
    assert(a:sendall(line .. "\n"))
    sent[#sent + 1] = line
    local ok, l = failing(n, f.read, f, "l")
    if ok then
      if not C.check(type(l) == "string", "read returned " .. tostring(l)) then break end
      got[#got + 1] = l
    end
  end
  a:close()
  for l in f:lines() do got[#got + 1] = l end
  C.same(table.concat(got, "\n"), table.concat(sent, "\n"), "makefile read: the lines after memory errors")
  f:close()
  b:close()
end

local f = modes[mode]
if not f then
  io.stderr:write("usage: allochost alloc.lua recv|recvbig|recvfrom|register|modify|getaddrinfo|create_connection|select|makefile [N]\n")
  os.exit(2)
end
C.main("alloc-" .. mode, function()
  f()
  C.check(caught > 0, "no memory error was caught: the allocator did not fail")
  C.notes[#C.notes + 1] = ("n=1..%d, %d memory errors caught"):format(N, caught)
end)
