-- Memory of lsock tasks waiting in recv: prints "TASK bytes RSSTASK bytes N n"
-- (or "NA" without lsock.loop). N connections come from bench/tools/holder.py
-- (BENCH_HOLDER); their sockets and the loop exist before the baseline, so
-- the growth is what the tasks themselves cost: TASK is the Lua heap growth
-- (collectgarbage "count": coroutines and their stacks, anything lsock
-- keeps in Lua) over N, RSSTASK the VmRSS growth over N (adding what lsock
-- allocates in C for a waiting task). Kernel memory (epoll entries) is in
-- neither.
local lsock = require "lsock"
if not lsock.loop then
  print("NA")
  return
end
local n = math.tointeger(tonumber(arg[1])) or 10000

local function rss()
  for line in io.lines("/proc/self/status") do
    local kb = line:match("^VmRSS:%s*(%d+)")
    if kb then return tonumber(kb) end
  end
end

local lsn = assert(lsock.socket())
assert(lsn:bind("127.0.0.1", 0))
assert(lsn:listen(4096))
local _, port = lsn:getsockname()
local holder = assert(io.popen(assert(os.getenv("BENCH_HOLDER"), "BENCH_HOLDER is not set")
  .. " " .. port .. " " .. n, "r"))
local conns = {}
for i = 1, n do conns[i] = assert(lsn:accept()) end

local function waiting(c)
  assert(c:recv(64) == "")
  c:close()
end

local loop = lsock.loop()
collectgarbage()
collectgarbage()
local base, before = rss(), collectgarbage("count")
for i = 1, n do loop:spawn(waiting, conns[i]) end
loop:step(0) -- every task starts and waits in recv
assert(loop:count() == n, "not every task waits")
collectgarbage()
collectgarbage()
local heap, held = collectgarbage("count"), rss()
print(("TASK %.1f RSSTASK %.1f N %d"):format((heap - before) * 1024 / n,
  (held - base) * 1024 / n, n))
-- shutting our side makes the holder exit, and every recv return ""
for i = 1, n do conns[i]:shutdown(lsock.SHUT_WR) end
loop:run()
holder:close()
lsn:close()
