-- tests/stress.lua — load: CLIENTS concurrent clients each send SIZE bytes
-- through an echo server in another process and read them back, every
-- echoed chunk compared with the bytes sent at that offset (0 bytes lost
-- or changed); then SHORT short connections in a row (connect, 4 bytes
-- there and back, close) with no growth of open descriptors, Lua memory
-- or resident memory, in the client and in the server. Prints TAP.
--
--   lua tests/stress.lua [--clients 200] [--size 1048576] [--short 10000]
--   lua tests/stress.lua --server N --markat M   (the echo server, for the
--     above: serves N connections, takes its first measure after M)
--
-- Loopback only; every socket has a timeout or is polled, so it ends.
local lsock = require "lsock"
local argv = { ... }
local opts = { clients = 200, size = 1024 * 1024, short = 10000 }
local i = 1
while argv[i] do
  local k = argv[i]:match("^%-%-(%w+)$")
  assert(k and argv[i + 1], "usage: stress.lua [--clients N] [--size BYTES] [--short N] | --server N --markat M")
  opts[k] = tonumber(argv[i + 1])
  i = i + 2
end

local fdcount = dofile((arg[0]:match("^(.*)/") or ".") .. "/fds.lua").count
local function rss_kb()
  local f = assert(io.open("/proc/self/status"))
  local kb = tonumber(f:read("*a"):match("VmRSS:%s*(%d+)"))
  f:close()
  return kb
end
local function now()
  local f = io.open("/proc/uptime"); local t = tonumber(f:read("*a"):match("^(%S+)")); f:close(); return t
end
local function mem_kb()
  collectgarbage("collect"); collectgarbage("collect")
  return collectgarbage("count")
end

-------------------------------------------------------------------- server

-- Echoes every connection until it has seen 'total' of them end, then
-- prints its descriptor and memory figures and exits. Non-blocking
-- sockets and lsock.select: one process, any number of clients.
local function server(total, markat)
  local srv = assert(lsock.create_server({ "127.0.0.1", 0 }, { backlog = 1024 }))
  srv:settimeout(0)
  local fd0 = fdcount()
  print("port " .. select(2, srv:getsockname()))
  io.stdout:flush()
  local conns, out, ended, bytes = {}, {}, 0, 0
  local marks = {}
  while ended < total do
    local rl, wl = { srv }, {}
    for c in pairs(conns) do
      rl[#rl + 1] = c
      if out[c] ~= "" then wl[#wl + 1] = c end
    end
    local r, w = lsock.select(rl, wl, nil, 10)
    assert(r, w)
    if #r == 0 and #w == 0 then error("server: no progress in 10 s") end
    for _, c in ipairs(r) do
      if c == srv then
        for _ = 1, 64 do
          local conn = srv:accept()
          if not conn then break end
          conn:settimeout(0)
          conns[conn], out[conn] = true, ""
        end
      else
        local d, _, code = c:recv(65536)
        if d and #d > 0 then
          bytes = bytes + #d
          out[c] = out[c] .. d
        elseif d == "" or (code ~= lsock.EAGAIN and code ~= lsock.EWOULDBLOCK) then
          conns[c] = "closing" -- end of stream (or reset): send what is left, then close
          if d == nil then out[c] = "" end
        end
      end
    end
    for c, state in pairs(conns) do
      if out[c] ~= "" then
        local n = c:send(out[c])
        if n then out[c] = out[c]:sub(n + 1) end
      end
      if state == "closing" and out[c] == "" then
        c:close()
        conns[c], out[c] = nil, nil
        ended = ended + 1
        if ended == markat or ended == total then
          marks[#marks + 1] = ("%d:%d:%.0f:%d"):format(ended, fdcount(), mem_kb(), rss_kb())
        end
      end
    end
  end
  srv:close()
  collectgarbage("collect")
  print(("server bytes %d fds %d %d marks %s"):format(bytes, fd0, fdcount() + 0, table.concat(marks, " ")))
end

if opts.server then
  server(opts.server, opts.markat)
  os.exit(0, true)
end

-------------------------------------------------------------------- client

local interp = arg[-1] or "lua5.4"
for k = -2, -10, -1 do if arg[k] then interp = arg[k] .. " " .. interp end end
local total_conns = opts.clients + opts.short
local fd_start = fdcount()
local script = arg[0]
-- the server's first measure: 1,000 short connections after the bulk run
local markat = opts.clients + math.min(1000, opts.short)
local srvproc = assert(io.popen(("exec %s %s --server %d --markat %d"):format(interp, script, total_conns, markat), "r"))
local port = tonumber(assert(srvproc:read("*l"), "the server did not start"):match("^port (%d+)"))
local fd_before = fdcount()

-- 1 MiB of bytes that differ at every offset and between clients
local base
do
  local t, x = {}, 12345
  for k = 1, 65536 do
    x = (x * 1103515245 + 12345) % 2147483648
    t[k] = string.char(x % 256)
  end
  base = table.concat(t)
  while #base < opts.size do base = base .. base:sub(1, 8191) .. base end
  base = base:sub(1, opts.size)
end
local function payload(id)
  local k = (id * 7919) % opts.size
  return base:sub(k + 1) .. base:sub(1, k)
end

local t0 = now()
local clients = {}
for id = 1, opts.clients do
  local c = assert(lsock.socket())
  c:settimeout(0)
  local r, err, code = c:connect("127.0.0.1", port)
  assert(r or code == lsock.EINPROGRESS, err)
  clients[#clients + 1] = { sock = c, data = payload(id), sent = 0, got = 0, bad = 0, done = false }
end
local active, chunk = #clients, 65536
while active > 0 do
  local rl, wl, by = {}, {}, {}
  for _, cl in ipairs(clients) do
    if not cl.done then
      by[cl.sock] = cl
      rl[#rl + 1] = cl.sock
      if cl.sent < opts.size then wl[#wl + 1] = cl.sock end
    end
  end
  local r, w = lsock.select(rl, wl, nil, 10)
  assert(r, w)
  if #r == 0 and #w == 0 then error("clients: no progress in 10 s") end
  for _, s in ipairs(w) do
    local cl = by[s]
    local n, err, code = s:send(cl.data:sub(cl.sent + 1, cl.sent + chunk))
    if n then
      cl.sent = cl.sent + n
      if cl.sent == opts.size then assert(s:shutdown(lsock.SHUT_WR)) end
    elseif code ~= lsock.EAGAIN and code ~= lsock.EWOULDBLOCK then
      error("send: " .. tostring(err))
    end
  end
  for _, s in ipairs(r) do
    local cl = by[s]
    local d, err, code = s:recv(chunk)
    if d and #d > 0 then
      if d ~= cl.data:sub(cl.got + 1, cl.got + #d) then cl.bad = cl.bad + 1 end
      cl.got = cl.got + #d
    elseif d == "" then
      cl.done = true
      active = active - 1
      s:close()
    elseif code ~= lsock.EAGAIN and code ~= lsock.EWOULDBLOCK then
      error("recv: " .. tostring(err))
    end
  end
end
local t_bulk = now() - t0
local lost, corrupt = 0, 0
for _, cl in ipairs(clients) do
  lost = lost + (opts.size - cl.got)
  corrupt = corrupt + cl.bad
end
clients = nil -- luacheck: ignore 311 (dropped so the collector can close them)
collectgarbage("collect")
local fd_after_bulk = fdcount()

-- short connections, one after another
local t1 = now()
local fd_mark, mem_mark, rss_mark
local failures = 0
for n = 1, opts.short do
  local c = assert(lsock.socket())
  c:settimeout(5)
  local ok = c:connect("127.0.0.1", port) and c:sendall("ping") and c:shutdown(lsock.SHUT_WR)
  local got = ok and c:recv(16)
  if got ~= "ping" or c:recv(16) ~= "" then failures = failures + 1 end
  c:close()
  if n == math.min(1000, opts.short) then fd_mark, mem_mark, rss_mark = fdcount(), mem_kb(), rss_kb() end
end
local t_short = now() - t1
local fd_end, mem_end, rss_end = fdcount(), mem_kb(), rss_kb()
local summary = srvproc:read("*a")
srvproc:close()
local fd_final = fdcount()

local sbytes, sfd0, sfd1, smarks = summary:match("server bytes (%d+) fds (%d+) (%d+) marks ([^\n]*)")
sbytes, sfd0, sfd1 = tonumber(sbytes), tonumber(sfd0), tonumber(sfd1)
local smem = {}
for e, f, m, r in (smarks or ""):gmatch("(%d+):(%d+):(%d+):(%d+)") do smem[#smem + 1] = { tonumber(e), tonumber(f), tonumber(m), tonumber(r) } end

local ntest = 0
local allok = true
local function tap(ok, msg)
  ntest = ntest + 1
  allok = allok and ok
  print((ok and "ok " or "not ok ") .. ntest .. " - " .. msg)
end
local MiB = opts.size / 1048576
print("1..6")
tap(lost == 0 and corrupt == 0, ("%d clients x %.2f MiB echoed in %.2f s (%.0f MiB/s each way): %d bytes lost, %d chunks changed")
  :format(opts.clients, MiB, t_bulk, opts.clients * MiB / math.max(t_bulk, 0.01), lost, corrupt))
tap(sbytes ~= nil and sbytes == opts.clients * opts.size + 4 * (opts.short - failures),
  ("the server received every byte (%s)"):format(tostring(sbytes)))
tap(fd_after_bulk == fd_before, ("client: no descriptor leaked by the bulk run (%d before, %d after)"):format(fd_before, fd_after_bulk))
tap(failures == 0, ("%d short connections in a row in %.2f s (%.0f/s), %d failed"):format(opts.short, t_short, opts.short / math.max(t_short, 0.01), failures))
-- memory: nothing may grow with the count of connections after the first 1,000
tap(fd_end == fd_mark and mem_end <= mem_mark * 1.05 + 16 and rss_end <= rss_mark + 2048,
  ("client: no growth from connection %d to %d: fds %d -> %d, Lua %.0f -> %.0f KiB, VmRSS %d -> %d KiB")
  :format(math.min(1000, opts.short), opts.short, fd_mark, fd_end, mem_mark, mem_end, rss_mark, rss_end))
local sok = sfd0 ~= nil and sfd1 == sfd0 - 1 and fd_final == fd_start
local sgrow = ""
if #smem == 2 then
  sok = sok and smem[2][2] == smem[1][2] and smem[2][3] <= smem[1][3] * 1.05 + 16 and smem[2][4] <= smem[1][4] + 2048
  sgrow = ("; from connection %d to %d: fds %d -> %d, Lua %d -> %d KiB, VmRSS %d -> %d KiB"):format(
    smem[1][1], smem[2][1], smem[1][2], smem[2][2], smem[1][3], smem[2][3], smem[1][4], smem[2][4])
end
tap(sok, ("server: every descriptor closed (%s with the listener, %s after)%s; client back to %d fds (%d at start)")
  :format(tostring(sfd0), tostring(sfd1), sgrow, fd_final, fd_start))
os.exit(allok and 0 or 1, true)
