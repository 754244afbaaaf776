-- spec/helper.lua — what the specs share: wall-clock time, descriptor
-- accounting (every spec file checks after each test that no descriptor
-- leaked), a temporary directory for Unix socket paths, connected pairs,
-- child Lua processes, and checks on error shapes.
--
-- Loaded by busted with --helper; spec files get the same table with
-- require "spec.helper" (the helper registers itself in package.loaded).
-- It never requires lsock at load time, so SIGPIPE's disposition can be
-- recorded before the module is ever opened.

local H = {}

H.unpack = table.unpack or unpack

-- Windows (lsock.dll under Wine in CI, tests/windows/run.sh): no /proc, no
-- POSIX shell; the functions below that need them have a Windows way or
-- say they have none, and the specs skip by name what cannot run there.
H.windows = package.config:sub(1, 1) == "\\"

local function readfile(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end
H.readfile = readfile

-- The busted process (not a child that io.popen starts).
H.pid = not H.windows and tonumber(readfile("/proc/self/stat"):match("^(%d+)")) or nil

-- The interpreter running the suite (busted --lua=... re-executes itself
-- with it), so child processes test the same Lua version.
if H.windows then
  H.lua = arg and arg[-1] or "lua.exe"
else
  local cmdline = readfile("/proc/" .. H.pid .. "/cmdline") or ""
  H.lua = cmdline:match("^([^%z]+)") or "lua5.4"
end

-- Where require "lsock" would load the module from, without loading it:
-- "preload" (a host that links lsock in), else the file the Lua searchers
-- would find first, in their order (package.path, then package.cpath).
local function search(name, templates)
  for t in templates:gmatch("[^;]+") do
    local file = t:gsub("%?", (name:gsub("%.", "/")))
    local f = io.open(file, "rb")
    if f then f:close() return file end
  end
end
function H.lsock_origin()
  if package.preload.lsock then return "preload" end
  return search("lsock", package.path) or search("lsock", package.cpath)
end

-- The module under test is LSOCK_SO (tests/lib.sh sets it), by default the
-- lsock.so of the checkout this helper is in. An installed lsock found
-- first would be tested in its place without a word: refuse to run.
do
  local dir = debug.getinfo(1, "S").source:match("^@(.*)/spec/helper%.lua$") or "."
  if dir:sub(1, 1) ~= "/" then dir = (os.getenv("PWD") or ".") .. (dir == "." and "" or "/" .. dir) end
  H.root = dir
  H.lsock_so = os.getenv("LSOCK_SO") or (dir .. "/lsock.so")
  local origin = H.lsock_origin()
  if origin ~= H.lsock_so then
    error(("require \"lsock\" would load %s, not the module under test %s "
      .. "(package.cpath: %s)"):format(tostring(origin), H.lsock_so, package.cpath), 0)
  end
end

-- A bit of /proc/self/status's signal masks: is 'signo' set in 'field'?
function H.sigbit(field, signo)
  if H.windows then return nil end -- no signals to mask
  local status = readfile("/proc/" .. H.pid .. "/status") or ""
  local hex = status:match(field .. ":%s*(%x+)")
  if not hex then return nil end
  -- the lowest 32 signals are the last 8 hex digits
  local low = tonumber(hex:sub(-8), 16)
  local bit = 2 ^ (signo - 1)
  return math.floor(low / bit) % 2 == 1
end
H.SIGPIPE = 13
H.sigpipe_ignored_at_start = H.sigbit("SigIgn", H.SIGPIPE)

function H.status_kb(field)
  if H.windows then return nil end
  local status = readfile("/proc/" .. H.pid .. "/status") or ""
  return tonumber(status:match(field .. ":%s*(%d+)"))
end

-- Monotonic wall time in seconds (0.01 s resolution): os.clock is CPU
-- time and os.time counts whole seconds.
function H.now()
  if H.windows then return require("lsock").monotonic() end -- QueryPerformanceCounter
  return tonumber(readfile("/proc/uptime"):match("^(%S+)"))
end

-- Runs f(...) and returns the elapsed wall time followed by f's results.
function H.timed(f, ...)
  local t0 = H.now()
  local r = { n = 0 }
  local function pack(...) r = { n = select("#", ...), ... } end
  pack(f(...))
  return H.now() - t0, H.unpack(r, 1, r.n)
end

------------------------------------------------------------- descriptors

-- The open descriptors of this process: { [fd] = "link target" }. The
-- listing is written by a child (os.execute) into a file read afterwards,
-- so that no pipe of ours is open, half-closed, while it is taken.
-- Windows has no listing of a process's sockets that Lua can read: there
-- the accounting is empty (tests/windows/run.sh says so in its output).
function H.fds()
  if H.windows then return {} end
  local listing = os.tmpname()
  assert(os.execute("ls -l /proc/" .. H.pid .. "/fd > " .. listing .. " 2>/dev/null"))
  local out = readfile(listing) or ""
  os.remove(listing)
  local t = {}
  for fd, target in out:gmatch("(%d+) %-> ([^\n]*)") do
    t[tonumber(fd)] = target
  end
  return t
end

function H.fdcount()
  local n = 0
  for _ in pairs(H.fds()) do n = n + 1 end
  return n
end

-- Is 'fd' open in this process? Opening /proc/PID/fd/N of a socket fails
-- with ENXIO, of a closed descriptor with ENOENT; no descriptor is left.
-- On Windows: a socket handle is open when it can be duplicated (fromfd).
function H.fd_is_open(fd)
  if H.windows then
    local s = require("lsock").fromfd(fd)
    if s then s:close() return true end
    return false
  end
  local f, _, code = io.open("/proc/" .. H.pid .. "/fd/" .. fd, "rb")
  if f then f:close() return true end
  return code ~= 2
end

-- before_each / after_each of every spec file:
--   before_each(H.before); after_each(H.after)
local baseline
function H.before()
  collectgarbage("collect")
  collectgarbage("collect")
  baseline = H.fds()
end

function H.after()
  local lsock = package.loaded.lsock
  if type(lsock) == "table" and lsock.setdefaulttimeout then
    pcall(lsock.setdefaulttimeout, nil) -- a failed spec must not leak it either
  end
  collectgarbage("collect")
  collectgarbage("collect")
  local now = H.fds()
  local extra, missing = {}, {}
  for fd, target in pairs(now) do
    if baseline[fd] == nil then extra[#extra + 1] = fd .. " -> " .. target end
  end
  for fd, target in pairs(baseline) do
    if now[fd] == nil then missing[#missing + 1] = fd .. " -> " .. target end
  end
  local nb, nn = 0, 0
  for _ in pairs(baseline) do nb = nb + 1 end
  for _ in pairs(now) do nn = nn + 1 end
  assert(nn == nb, ("descriptor leak: %d open before the test, %d after "
    .. "(new: %s; gone: %s)"):format(nb, nn, table.concat(extra, ", "),
    table.concat(missing, ", ")))
end

--------------------------------------------------------------- temp dir

-- A fresh directory for Unix socket paths; H.rmtree removes it. On
-- Windows, where Lua has no mkdir and there is no shell, it is the
-- directory tests/windows/run.sh made for this spec file (LSOCK_TMPDIR),
-- which its tests share and the script removes after the file.
function H.tmpdir()
  if H.windows then return assert(os.getenv("LSOCK_TMPDIR"), "LSOCK_TMPDIR unset") end
  local name = os.tmpname()
  os.remove(name)
  assert(os.execute("mkdir -m 700 '" .. name .. "'"))
  return name
end

function H.rmtree(dir)
  if H.windows then return end -- tests/windows/run.sh removes it
  assert(dir:match("^/tmp/"), "refusing to remove " .. dir)
  os.execute("rm -rf '" .. dir .. "'")
end

local counter = 0
-- A Linux abstract-namespace name unique to this process.
function H.abstract_name()
  counter = counter + 1
  return "\0lsock-spec-" .. H.pid .. "-" .. counter .. "-" .. math.random(1e9)
end

------------------------------------------------------------------ pairs

local function lsock() return require "lsock" end

-- How many connections the listening socket 'l' queues before a connect
-- times out: Linux queues backlog + 1, so this measures the backlog that
-- listen() put in force. Every socket it makes is closed again.
function H.accept_queue(l)
  local _, port = l:getsockname()
  local cs, n = {}, 0
  for i = 1, 300 do
    cs[i] = lsock().socket()
    cs[i]:settimeout(0.15)
    if not cs[i]:connect("127.0.0.1", port) then break end
    n = n + 1
  end
  for _, c in ipairs(cs) do c:close() end
  return n
end

-- A connected TCP pair on 127.0.0.1: client, server side, listening port.
-- Both have a timeout (default 5 s) so that no spec can hang.
function H.tcp_pair(timeout)
  local L = lsock()
  timeout = timeout or 5
  local srv = assert(L.socket(L.AF_INET, L.SOCK_STREAM))
  srv:settimeout(timeout)
  assert(srv:bind("127.0.0.1", 0))
  assert(srv:listen())
  local _, port = srv:getsockname()
  local c = assert(L.socket(L.AF_INET, L.SOCK_STREAM))
  c:settimeout(timeout)
  local ok, err = c:connect("127.0.0.1", port)
  if not ok then srv:close(); c:close(); error("connect: " .. tostring(err)) end
  local a, aerr = srv:accept()
  srv:close()
  if not a then c:close(); error("accept: " .. tostring(aerr)) end
  a:settimeout(timeout)
  return c, a, port
end

-- Two UDP sockets bound on 127.0.0.1, with a timeout.
function H.udp_pair(timeout)
  local L = lsock()
  local a = assert(L.socket(L.AF_INET, L.SOCK_DGRAM))
  local b = assert(L.socket(L.AF_INET, L.SOCK_DGRAM))
  a:settimeout(timeout or 5)
  b:settimeout(timeout or 5)
  assert(a:bind("127.0.0.1", 0))
  assert(b:bind("127.0.0.1", 0))
  return a, b
end

-- A TCP port on 127.0.0.1 where nothing listens (bound, then released).
function H.closed_port()
  local L = lsock()
  local s = assert(L.socket())
  assert(s:bind("127.0.0.1", 0))
  local _, port = s:getsockname()
  s:close()
  return port
end

-- Fills the send buffer of 's' (timeout mode or blocking) using
-- MSG_DONTWAIT until it would block; returns the bytes queued.
function H.fill(s)
  local L = lsock()
  if not L.MSG_DONTWAIT then
    -- Windows has no such flag: the socket itself is made non-blocking
    local t = s:gettimeout()
    s:settimeout(0)
    local ok, total = pcall(function()
      local n, sum = 0, 0
      for _, piece in ipairs({ { "x", 65536 }, { "y", 512 } }) do
        local chunk = string.rep(piece[1], piece[2])
        repeat n = s:send(chunk); sum = sum + (n or 0) until not n
      end
      return sum
    end)
    s:settimeout(t)
    assert(ok, total)
    return total
  end
  local chunk = string.rep("x", 65536)
  local total = 0
  for _ = 1, 100000 do
    local n = s:send(chunk, L.MSG_DONTWAIT)
    if not n then break end
    total = total + n
  end
  -- smaller pieces, to leave no room at all
  for _ = 1, 100000 do
    local n = s:send(string.rep("y", 512), L.MSG_DONTWAIT)
    if not n then break end
    total = total + n
  end
  return total
end

-- Reads exactly n bytes from s (which has a timeout), or fails.
function H.recvn(s, n)
  local parts, got = {}, 0
  while got < n do
    local d, err = s:recv(n - got)
    assert(d, "recvn: " .. tostring(err))
    assert(#d > 0, "recvn: unexpected end of stream after " .. got .. " bytes")
    parts[#parts + 1] = d
    got = got + #d
  end
  return table.concat(parts)
end

------------------------------------------------------------ error shapes

-- The name of the lsock errno constant equal to 'code' (never EAI_*).
function H.errname(code)
  local L = lsock()
  if type(code) ~= "number" then return nil end
  local names = {}
  for k, v in pairs(L) do
    if type(k) == "string" and k:match("^E[A-Z0-9]+$") and v == code then
      names[#names + 1] = k
    end
  end
  table.sort(names)
  return names[1]
end

-- Calls f(...) expecting a Lua error whose message contains 'pattern'
-- (a Lua pattern); returns the message.
function H.raises(pattern, f, ...)
  local ok, msg = pcall(f, ...)
  assert(not ok, "expected an error matching '" .. pattern .. "', got success")
  msg = tostring(msg)
  assert(msg:find(pattern), "expected an error matching '" .. pattern
    .. "', got: " .. msg)
  return msg
end

-- Asserts the failure shape nil, message, errno with errno == expected
-- (a number) or one of a list; returns message and errno.
function H.fails(expected, ...)
  local n = select("#", ...)
  local v, msg, code = ...
  assert(v == nil, "expected nil, message, errno; got " .. tostring(v)
    .. ", " .. tostring(msg) .. ", " .. tostring(code))
  assert(n == 3, "expected 3 results (nil, message, errno), got " .. n)
  assert(type(msg) == "string" and #msg > 0, "message is not a string: " .. tostring(msg))
  assert(type(code) == "number", "errno is not a number: " .. tostring(code))
  if type(expected) == "table" then
    local hit = false
    for _, e in ipairs(expected) do if e == code then hit = true end end
    assert(hit, ("errno %s (%s, %q) is none of the expected ones"):format(
      tostring(code), tostring(H.errname(code)), msg))
  elseif expected ~= nil then
    assert(code == expected, ("expected errno %s (%s), got %s (%s, %q)"):format(
      tostring(expected), tostring(H.errname(expected)), tostring(code),
      tostring(H.errname(code)), msg))
  end
  return msg, code
end

-- Asserts nil, "timeout", lsock.ETIMEDOUT (exactly three values).
function H.timedout(...)
  local L = lsock()
  local n = select("#", ...)
  local v, msg, code = ...
  assert(v == nil and msg == "timeout" and code == L.ETIMEDOUT and n == 3,
    ("expected nil, \"timeout\", ETIMEDOUT; got %d values: %s, %s, %s"):format(
      n, tostring(v), tostring(msg), tostring(code)))
end

-- Asserts an elapsed time is within [lo, hi] seconds.
function H.within(elapsed, lo, hi, what)
  assert(elapsed >= lo and elapsed <= hi, ("%s took %.2f s, expected %.2f..%.2f s")
    :format(what or "the call", elapsed, lo, hi))
end

------------------------------------------------------------ child processes

local function shquote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
H.shquote = shquote

-- Runs the Lua script 'source' in a child process and returns its output
-- (stdout and stderr) and its exit status (124: killed by `timeout`).
-- opts: interp (default H.lua, this version), dir (default $PWD), env (a
-- string of NAME=value words), timeout (seconds), wrap (a function that
-- turns the command line into another, a shell with a ulimit say).
function H.run_script(source, opts)
  opts = opts or {}
  local file = os.tmpname()
  local f = assert(io.open(file, "wb"))
  f:write(source)
  f:close()
  local cmd = shquote(opts.interp or H.lua) .. " " .. shquote(file)
  if opts.wrap then cmd = opts.wrap(cmd) end
  if opts.timeout then cmd = "timeout " .. opts.timeout .. " " .. cmd end
  if opts.env then cmd = "env " .. opts.env .. " " .. cmd end
  local p = io.popen("cd " .. shquote(opts.dir or os.getenv("PWD") or ".") .. " && "
    .. cmd .. " 2>&1; echo \"exit=$?\"")
  local out = p:read("*a")
  p:close()
  os.remove(file)
  local status = tonumber(out:match("exit=(%d+)%s*$"))
  return (out:gsub("exit=%d+%s*$", "")), status
end

-- The lines that give a child this process's package.cpath and .path (so
-- it loads the lsock.so under test).
function H.child_paths()
  return ("package.cpath = %q\npackage.path = %q\n"):format(package.cpath, package.path)
end

-- Runs Lua 'code' in a child interpreter of the same version, with this
-- process's package paths; returns its output, whether it exited with
-- status 0, and the status.
function H.run_lua(code)
  local out, status = H.run_script(H.child_paths() .. code)
  return out, status == 0, status
end

-- Runs Lua 'source' in a child interpreter (as H.run_lua: same version,
-- this process's package paths) under tests/dns/with-slowdns.sh: a private
-- network namespace with loopback only, where the one resolver is
-- tests/dns/slowdns.py (names under .slow.test answer 127.0.0.1 after
-- opts.delay seconds, default 1.0; fast.test at once; others NXDOMAIN).
-- opts as for H.run_script (timeout defaults to 30 s). Returns the output
-- and the exit status, or nil, nil and the reason when the namespaces
-- cannot be made here (the spec then calls pending with it).
function H.with_slow_dns(source, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.timeout = o.timeout or 30
  local script = shquote(H.root .. "/tests/dns/with-slowdns.sh")
  local inner = o.wrap
  o.wrap = function(cmd)
    if inner then cmd = inner(cmd) end
    return "env SLOWDNS_DELAY=" .. shquote(tostring(o.delay or 1.0)) .. " sh " .. script .. " " .. cmd
  end
  local out, status = H.run_script(H.child_paths() .. source, o)
  if status == 77 then
    return nil, nil, out:match("with%-slowdns: skip: ([^\n]*)") or out
  end
  return out, status
end

-- The ulimit -n soft limit this process has (inherited by the shell).
function H.nofile_limit()
  if H.windows then return math.huge end -- sockets are handles: no ulimit
  local p = io.popen("sh -c 'ulimit -n'")
  local out = p:read("*a")
  p:close()
  if out:match("unlimited") then return math.huge end
  return tonumber(out:match("%d+"))
end

H.is54 = _VERSION == "Lua 5.4"
H.has_integers = math.type ~= nil

package.loaded["spec.helper"] = H
return H
