-- tests/faults/matrix.lua — the driver of `make faults`: runs every
-- workload under the shim for seeds x rates x fault profiles x both poller
-- backends, and every allocation-failure workload in both alloc hosts,
-- each run under `timeout`, FAULTS_JOBS at a time, within a time budget.
-- Prints a summary table, each failing run's command line (to reproduce
-- it), and a closing line "faults: N runs, P passed, F failed ...".
--   lua5.4 tests/faults/matrix.lua [--matrix full|small] [--jobs 2] [--budget S]
-- Run from the top of the tree, after `make faults-tools faults-libs`.
local opts = { matrix = "full", jobs = 2 }
do
  local i = 1
  while arg[i] do
    local k = arg[i]:match("^%-%-(%w+)$")
    assert(k and arg[i + 1], "usage: matrix.lua [--matrix full|small] [--jobs N] [--budget SECONDS]")
    opts[k] = arg[i + 1]
    i = i + 2
  end
end
local small = opts.matrix == "small"
assert(small or opts.matrix == "full", "--matrix is full or small")
local jobs = tonumber(opts.jobs) or 2
local budget = tonumber(opts.budget) or (small and 240 or 900)

local function now()
  local f = io.open("/proc/uptime")
  local t = tonumber(f:read("*a"):match("^(%S+)"))
  f:close()
  return t
end
local function readfile(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end
local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local root = os.getenv("PWD") or "."
local logdir = "build/faults/logs"
os.execute("rm -rf " .. logdir .. " && mkdir -p " .. logdir)

local backends = {
  { name = "epoll", cpath = "build/5.4-auto/?.so;;", host = "build/faults/allochost" },
  { name = "poll", cpath = "build/5.4-poll/?.so;;", host = "build/faults/allochost-poll" },
}
local workloads = { "tcp", "lines", "udp", "accept", "poller", "select", "timeout" }
local profiles = {
  { name = "eintr", spec = "eintr" },
  { name = "eagain+short", spec = "eagain,short" },
  { name = "early+ready", spec = "early,ready" },
  { name = "all", spec = "all" },
}
local rates = small and { 0.2, 0.5 } or { 0.05, 0.2, 0.5 }
local seeds = {}
for s = 1, small and 3 or 8 do seeds[s] = s end
local allocmodes = { "recv", "recvbig", "recvfrom", "register", "modify", "getaddrinfo",
                     "create_connection", "select", "makefile" }
local allocseeds = small and { 0, 1 } or { 0, 1, 2, 3 } -- 0: no shim faults, only counting

local runs = {}
local function add(r)
  r.id = #runs + 1
  r.log = ("%s/%04d.log"):format(logdir, r.id)
  r.rc = ("%s/%04d.rc"):format(logdir, r.id)
  r.report = ("%s/%04d.report"):format(logdir, r.id)
  runs[#runs + 1] = r
end

-- the allocation runs first: they are short, and the budget cuts last
for _, seed in ipairs(allocseeds) do
  for _, m in ipairs(allocmodes) do
    for _, be in ipairs(backends) do
      local spec = seed == 0 and "" or "eintr,eagain,short,early,ready"
      add({ kind = "alloc", wl = "alloc-" .. m, be = be.name, prof = seed == 0 and "alloc" or "alloc+shim",
            rate = seed == 0 and 0 or 0.2, seed = seed,
            env = ("LD_PRELOAD=%s/build/faults/shim.so LSOCK_FAULTS=%s LSOCK_FAULTS_RATE=0.2 LSOCK_FAULTS_SEED=%d")
              :format(root, q(spec), seed),
            argv = ("timeout 120 %s tests/faults/alloc.lua %s"):format(be.host, m) })
    end
  end
end


-- seeds and rates outermost: every workload, profile and backend is
-- covered once before any gets a second seed, so the budget cuts evenly
for _, seed in ipairs(seeds) do
  for _, rate in ipairs(rates) do
    for _, prof in ipairs(profiles) do
      for _, wl in ipairs(workloads) do
        for _, be in ipairs(backends) do
          add({ kind = "shim", wl = wl, be = be.name, prof = prof.name, rate = rate, seed = seed,
                env = ("LD_PRELOAD=%s/build/faults/shim.so LSOCK_FAULTS=%s LSOCK_FAULTS_RATE=%s LSOCK_FAULTS_SEED=%d LUA_CPATH=%s LUA_CPATH_5_4=%s")
                  :format(root, q(prof.spec), rate, seed, q(be.cpath), q(be.cpath)),
                argv = ("timeout 90 lua5.4 tests/faults/workload.lua %s %d"):format(wl, seed) })
        end
      end
    end
  end
end

local function command(r)
  return ("cd %s && env %s LSOCK_FAULTS_REPORT=%s %s"):format(q(root), r.env, q(r.report), r.argv)
end

print(("== make faults: %s matrix, %d runs planned, %d at a time, budget %d s"):format(
  opts.matrix, #runs, jobs, budget))
io.stdout:flush()

-------------------------------------------------------------------- run

local t0 = now()
local running, nextrun, started = {}, 1, 0
local function launch(r)
  r.t0 = now()
  os.execute(("( %s > %s 2>&1; echo $? > %s ) &"):format(command(r), q(r.log), q(r.rc)))
  running[#running + 1] = r
  started = started + 1
end

local function classify(r)
  local rc = tonumber(readfile(r.rc) or "")
  local log = readfile(r.log) or ""
  r.code = rc
  r.secs = now() - r.t0
  r.last = log:match("\n(FAIL [^\n]*)") or log:match("^(FAIL [^\n]*)") or log:match("([^\n]*)\n?$")
  if rc == 0 and log:match("\nok ") or (rc == 0 and log:match("^ok ")) then r.result = "pass"
  elseif rc == 124 then r.result = "hang"
  elseif rc and rc > 128 then r.result = "crash"
  else r.result = "fail" end
  -- the faults the shim injected, in every process of the run
  r.injected = 0
  for line in (readfile(r.report) or ""):gmatch("[^\n]+") do
    for k, v in line:gmatch("(%a+)=(%d+)") do
      if k == "eintr" or k == "eagain" or k == "short" or k == "early" or k == "ready" or k == "close" then
        r.injected = r.injected + tonumber(v)
      end
    end
  end
end

local done = {}
while true do
  while #running < jobs and nextrun <= #runs and now() - t0 < budget do
    launch(runs[nextrun])
    nextrun = nextrun + 1
  end
  if #running == 0 then break end
  os.execute("sleep 0.1")
  for i = #running, 1, -1 do
    local r = running[i]
    local rc = readfile(r.rc)
    if rc and rc:match("%d") then
      classify(r)
      table.remove(running, i)
      done[#done + 1] = r
      if r.result ~= "pass" then
        print(("not ok %d - %s %s %s rate=%s seed=%d: %s (%s)"):format(r.id, r.wl, r.be, r.prof,
          r.rate, r.seed, r.result, tostring(r.last)))
        print("#   reproduce: " .. command(r):gsub(" LSOCK_FAULTS_REPORT=%S+", ""))
        io.stdout:flush()
      end
    end
  end
end
local elapsed = now() - t0
local skipped = #runs - started

---------------------------------------------------------------- summary

local function tally(keyf)
  local rows, order = {}, {}
  for _, r in ipairs(done) do
    local k = keyf(r)
    if not rows[k] then
      rows[k] = { runs = 0, pass = 0, fail = 0, hang = 0, crash = 0, injected = 0, secs = 0 }
      order[#order + 1] = k
    end
    local row = rows[k]
    row.runs = row.runs + 1
    row[r.result] = row[r.result] + 1
    row.injected = row.injected + r.injected
    row.secs = math.max(row.secs, r.secs)
  end
  return rows, order
end

local function table_out(title, keyf)
  local rows, order = tally(keyf)
  print(("%-34s %5s %5s %5s %5s %5s %10s %7s"):format(title, "runs", "pass", "fail", "hang", "crash", "faults", "max s"))
  for _, k in ipairs(order) do
    local row = rows[k]
    print(("%-34s %5d %5d %5d %5d %5d %10d %7.1f"):format(k, row.runs, row.pass, row.fail, row.hang,
      row.crash, row.injected, row.secs))
  end
  print()
end

print()
table_out("workload / backend", function(r) return r.wl .. " / " .. r.be end)
table_out("fault profile / rate", function(r) return r.prof .. " / " .. r.rate end)

local n, p, f, h, c, inj = #done, 0, 0, 0, 0, 0
for _, r in ipairs(done) do
  if r.result == "pass" then p = p + 1 else f = f + 1 end
  if r.result == "hang" then h = h + 1 end
  if r.result == "crash" then c = c + 1 end
  inj = inj + r.injected
end
print(("1..%d"):format(n))
print(("faults: %d runs, %d passed, %d failed (%d hung, %d crashed), %d faults injected, %d runs left out by the %d s budget, %.0f s"):format(
  n, p, f, h, c, inj, skipped, budget, elapsed))
print("logs: " .. logdir)
os.exit(f == 0 and n > 0 and 0 or 1)
