-- lsock side of the lsock benchmarks (issue 7).
--
--   lua5.4 bench.lua server WORKLOAD 0    PARAMS...   prints "PORT n", serves
--   lua5.4 bench.lua client WORKLOAD PORT PARAMS...   prints "RESULT rate"
--   lua5.4 bench.lua single WORKLOAD 0    PARAMS...   tasks-*: one process,
--                                                    one lsock.loop()
--   (prints "NA" when the lsock feature a workload needs does not exist yet)
--
-- Same protocol as bench/c/bench.c; see bench/README.md. lsock has no clock,
-- so the wall clock is LuaSocket's socket.gettime (only the clock: every
-- socket here is lsock's).
local lsock = require "lsock"
local clock = require("socket").gettime

local HOST = "127.0.0.1"

local function result(rate)
  io.stdout:write(string.format("RESULT %.1f\n", rate))
  io.stdout:flush()
end

local function na()
  io.stdout:write("NA\n")
  io.stdout:flush()
  os.exit(0)
end

local function check(ok, err, ...)
  if not ok then error(err, 2) end
  return ok, err, ...
end

-- A socket bound to 127.0.0.1:0 (listening, for TCP), and its port.
local function listener(kind)
  local s = check(lsock.socket(lsock.AF_INET, kind or lsock.SOCK_STREAM))
  check(s:setsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR, 1))
  check(s:bind(HOST, 0))
  if not kind then check(s:listen(4096)) end
  local _, port = s:getsockname()
  return s, port
end

local function bound(kind)
  local s, port = listener(kind)
  io.stdout:write("PORT ", port, "\n")
  io.stdout:flush()
  return s
end

local function nodelay(s)
  check(s:setsockopt(lsock.IPPROTO_TCP, lsock.TCP_NODELAY, 1))
end

local function dial(port)
  local s = check(lsock.socket())
  check(s:connect(HOST, port))
  return s
end

-- recv exactly n bytes ("" at EOF before any byte).
local function recv_exact(s, n)
  local data = check(s:recv(n))
  if #data == n or data == "" then return data end
  local parts = { data }
  local got = #data
  while got < n do
    local more = check(s:recv(n - got))
    if more == "" then break end
    parts[#parts + 1] = more
    got = got + #more
  end
  return table.concat(parts)
end

-- Echo one message; false once the peer has closed.
local function echo(c, size)
  local data = recv_exact(c, size)
  if data == "" then return false end
  check(c:sendall(data))
  return true
end

local server, client = {}, {}

-- pingpong: N SIZE
function server.pingpong(n, size)
  local c = check(bound():accept())
  nodelay(c)
  while echo(c, size) do end
end

-- The timed part of pingpong, select and poller: N round trips of msg.
local function timed_pingpong(s, msg, n)
  local size = #msg
  local t0 = clock()
  for _ = 1, n do
    s:sendall(msg)
    if #recv_exact(s, size) ~= size then error("short reply") end
  end
  result(n / (clock() - t0))
end

function client.pingpong(port, n, size)
  local s = dial(port)
  nodelay(s)
  local msg = string.rep("x", size)
  timed_pingpong(s, msg, n)
end

-- bulk: TOTAL CHUNK -- the client sends, the server acknowledges EOF.
function server.bulk(total, chunk)
  local c = check(bound():accept())
  while check(c:recv(chunk)) ~= "" do end
  check(c:sendall("k"))
  c:close()
end

function client.bulk(port, total, chunk)
  local s = dial(port)
  local buf = string.rep("x", chunk)
  local t0 = clock()
  for _ = 1, total // chunk do
    check(s:sendall(buf))
  end
  check(s:shutdown(lsock.SHUT_WR))
  if s:recv(1) ~= "k" then error("bulk ack") end
  result(total / 1048576 / (clock() - t0))
end

-- Prints NA and exits unless lsock's sockets have the method 'name'.
local function need_method(name)
  local probe = check(lsock.socket())
  local has = probe[name] ~= nil
  probe:close()
  if not has then na() end
end

-- Receives to EOF with recv_into into one lsock.buffer, pieces of at most
-- chunk bytes, then answers one byte: the receiver of bulk-into and
-- sendfile.
local function drain_and_ack(chunk)
  if not lsock.buffer then na() end
  need_method("recv_into")
  local c = check(bound():accept())
  local buf = lsock.buffer(chunk)
  while check(c:recv_into(buf)) ~= 0 do end
  check(c:sendall("k"))
  c:close()
end

-- bulk-into: TOTAL CHUNK -- bulk's client; the server receives into one buffer.
server["bulk-into"] = function(total, chunk)
  drain_and_ack(chunk)
end
client["bulk-into"] = client.bulk

-- sendfile: PATH TOTAL -- the client sends the file with s:sendfile.
function server.sendfile(path, total)
  drain_and_ack(65536)
end

function client.sendfile(port, path, total)
  need_method("sendfile")
  local s = dial(port)
  local f = assert(io.open(path, "rb"))
  local t0 = clock()
  local sent = check(s:sendfile(f))
  check(s:shutdown(lsock.SHUT_WR))
  if s:recv(1) ~= "k" then error("sendfile ack") end
  local rate = total / 1048576 / (clock() - t0)
  f:close()
  if sent ~= total then error(("sendfile: sent %d of %d"):format(sent, total)) end
  result(rate)
end

-- udp: N SIZE WINDOW -- the server acks every WINDOW-th datagram.
function server.udp(n, size, window)
  local s = bound(lsock.SOCK_DGRAM)
  for i = 1, n do
    local _, host, port = check(s:recvfrom(2048))
    if i % window == 0 then check(s:sendto("k", host, port)) end
  end
end

function client.udp(port, n, size, window)
  local s = check(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  check(s:connect(HOST, port))
  local msg = string.rep("x", size)
  local t0 = clock()
  for i = 1, n do
    s:send(msg)
    if i % window == 0 then check(s:recv(16)) end
  end
  result(n / (clock() - t0))
end

-- recvmsg: N SIZE WINDOW -- udp's client; the server receives with s:recvmsg.
function server.recvmsg(n, size, window)
  need_method("recvmsg")
  local s = bound(lsock.SOCK_DGRAM)
  for i = 1, n do
    local _, _, _, host, port = check(s:recvmsg(2048))
    if i % window == 0 then check(s:sendto("k", host, port)) end
  end
end
client.recvmsg = client.udp

-- connect: N -- the server accepts and closes; the client reads EOF, closes.
function server.connect(n)
  local lsn = bound()
  for _ = 1, n do check(lsn:accept()):close() end
end

function client.connect(port, n)
  local socket, AF_INET, SOCK_STREAM = lsock.socket, lsock.AF_INET, lsock.SOCK_STREAM
  local t0 = clock()
  for _ = 1, n do
    local s = check(socket(AF_INET, SOCK_STREAM))
    check(s:connect(HOST, port))
    if check(s:recv(1)) ~= "" then error("expected EOF") end
    s:close()
  end
  result(n / (clock() - t0))
end

-- select / poller: IDLE N SIZE -- IDLE idle connections and one active.
local function accept_all(count)
  local lsn, conns = bound(), {}
  for i = 1, count do
    conns[i] = check(lsn:accept())
    nodelay(conns[i])
  end
  return conns
end

function server.select(idle, n, size)
  local conns = accept_all(idle + 1)
  local none = {}
  while true do
    local ok, ready = pcall(lsock.select, conns, none)
    if not ok or not ready then -- lsock.select should never refuse; report it if it does
      io.stdout:write("REFUSED\n")
      io.stderr:write("lsock.select: ", tostring(ready), "\n")
      io.stdout:flush()
      return
    end
    for i = 1, #ready do
      if not echo(ready[i], size) then return end
    end
  end
end

function server.poller(idle, n, size)
  if not lsock.poller then na() end
  local conns = accept_all(idle + 1)
  local p = lsock.poller()
  for i = 1, #conns do p:register(conns[i], lsock.POLLIN) end
  while true do
    for c in p:wait() do
      if not echo(c, size) then return end
    end
  end
end

local function many_client(port, idle, n, size)
  local keep = {}
  for i = 1, idle do keep[i] = dial(port) end
  local s = dial(port)
  nodelay(s)
  local msg = string.rep("x", size)
  s:sendall(msg)
  recv_exact(s, size)
  timed_pingpong(s, msg, n)
end

client.select = many_client

function client.poller(...)
  if not lsock.poller then na() end
  many_client(...)
end

-- lines: COUNT LEN -- COUNT lines of LEN bytes, read with makefile("r"):lines().
function server.lines(count, len)
  local probe = check(lsock.socket())
  local has_makefile = probe.makefile ~= nil
  probe:close()
  if not has_makefile then na() end
  local per = 65536 // len
  local block = string.rep(string.rep("x", len - 1) .. "\n", per)
  local c = check(bound():accept())
  local left = count
  while left > 0 do
    local k = math.min(left, per)
    check(c:sendall(k == per and block or block:sub(1, k * len)))
    left = left - k
  end
  c:close()
end

function client.lines(port, count, len)
  local s = dial(port)
  if not s.makefile then na() end
  local f = s:makefile("r")
  local got, bytes = 0, 0
  local t0 = clock()
  for line in f:lines() do
    got = got + 1
    bytes = bytes + #line + 1
  end
  local t = clock() - t0
  if got ~= count then error(("lines: got %d of %d"):format(got, count)) end
  result(bytes / 1048576 / t)
end


------------------------------------------------------------------ tasks
-- Single-process workloads: one lsock.loop(), a task per conversation,
-- every call in plain blocking style (inside a task it suspends only that
-- task). The stop signal comes from a task sleeping in lsock.sleep.
local single = {}

local function need_loop()
  if not lsock.loop then na() end
end

local tclock = lsock.monotonic or clock

-- Server side of one connection: echo until the peer closes.
local function echo_task(c, size)
  while echo(c, size) do end
  c:close()
end

-- n connected pairs through lsn, made by tasks: one accepting (and
-- spawning an echo task per connection), n connecting. Returns the n
-- client sockets once every connection is made and accepted.
local function open_pairs(loop, lsn, port, n, size)
  local clients, accepted = {}, 0
  loop:spawn(function()
    for _ = 1, n do
      local c = check(lsn:accept())
      nodelay(c)
      loop:spawn(echo_task, c, size)
      accepted = accepted + 1
    end
  end)
  local function connector()
    local s = check(lsock.socket())
    check(s:connect(HOST, port))
    nodelay(s)
    clients[#clients + 1] = s
  end
  for _ = 1, n do loop:spawn(connector) end
  local give_up = tclock() + 30
  while accepted < n or #clients < n do
    loop:step(1)
    if tclock() > give_up then error("open_pairs: connections not made in 30 s") end
  end
  return clients
end

-- One client task per socket of 'clients', sending size-byte messages and
-- waiting for each echo, for 'seconds'. Returns round trips per second
-- (the sum over the clients); the sockets stay open.
local function pingpong_tasks(loop, clients, size, seconds)
  local msg = string.rep("x", size)
  local st = { stop = false, count = 0, running = #clients }
  local function body(s)
    while not st.stop do
      check(s:sendall(msg))
      if #recv_exact(s, size) ~= size then error("short reply") end
      if not st.stop then st.count = st.count + 1 end
    end
  end
  -- a failing client must end the run with its error, not hang it
  local function run_client(s)
    local ok, err = pcall(body, s)
    if not ok then st.err = err end
    st.running = st.running - 1
  end
  for i = 1, #clients do loop:spawn(run_client, clients[i]) end
  local t0, t1
  loop:spawn(function()
    t0 = tclock()
    lsock.sleep(seconds)
    t1 = tclock()
    st.stop = true
  end)
  local give_up = tclock() + seconds + 30
  while st.running > 0 or not t1 do
    loop:step(1)
    if st.err then error(st.err, 0) end
    if tclock() > give_up then error("pingpong_tasks: clients still running 30 s after the stop") end
  end
  return st.count / (t1 - t0)
end

local function close_all(socks)
  for i = 1, #socks do socks[i]:close() end
end

-- tasks-pingpong: PAIRS SIZE MILLISECONDS
single["tasks-pingpong"] = function(pairs, size, ms)
  need_loop()
  local loop = lsock.loop()
  local lsn, port = listener()
  local clients = open_pairs(loop, lsn, port, pairs, size)
  result(pingpong_tasks(loop, clients, size, ms / 1000))
  close_all(clients) -- the echo tasks see end of stream and finish
  lsn:close()
  loop:run()
end

-- bench/tools/holder.py (BENCH_HOLDER is its command line): another process
-- that makes n idle connections to port and holds them until the first one
-- reaches end of stream.
local function start_holder(port, n)
  local cmd = assert(os.getenv("BENCH_HOLDER"), "BENCH_HOLDER is not set")
  return assert(io.popen(cmd .. " " .. port .. " " .. n, "r"))
end

-- An idle task: waits in recv on a connection where nothing comes, until
-- the holder goes away.
local function idle_task(c)
  local data = check(c:recv(64))
  if data ~= "" then error("idle connection received data") end
  c:close()
end

-- n idle tasks, one per connection the holder makes; returns the sockets
-- and the holder once every task waits in recv.
local function idle_tasks(loop, lsn, port, n)
  local holder, conns = start_holder(port, n), {}
  loop:spawn(function()
    for i = 1, n do
      conns[i] = check(lsn:accept())
      loop:spawn(idle_task, conns[i])
    end
  end)
  local give_up = tclock() + 60
  while #conns < n do
    loop:step(1)
    if tclock() > give_up then error("idle_tasks: holder connections not accepted in 60 s") end
  end
  loop:step(0) -- the last tasks spawned start, and wait in recv
  return conns, holder
end

-- Ends the idle tasks: shutting our side makes the holder exit, closing its
-- ends, so every idle recv returns "".
local function end_idle(conns)
  for i = 1, #conns do conns[i]:shutdown(lsock.SHUT_WR) end
end

-- tasks-idle: IDLE SIZE MILLISECONDS -- one active pair alone, then with
-- IDLE tasks waiting in recv on idle connections, in the same loop.
single["tasks-idle"] = function(idle, size, ms)
  need_loop()
  local seconds = ms / 1000
  local loop = lsock.loop()
  local lsn, port = listener()
  local clients = open_pairs(loop, lsn, port, 1, size)
  pingpong_tasks(loop, clients, size, seconds / 4) -- warm-up
  local alone = pingpong_tasks(loop, clients, size, seconds)
  local conns, holder = idle_tasks(loop, lsn, port, idle)
  if loop:count() ~= idle + 1 then
    error(("expected %d waiting tasks, the loop has %d"):format(idle + 1, loop:count()))
  end
  local crowded = pingpong_tasks(loop, clients, size, seconds)
  io.stdout:write(string.format("RESULT %.1f BASE %.1f\n", crowded, alone))
  io.stdout:flush()
  end_idle(conns)
  close_all(clients)
  lsn:close()
  loop:run()
  holder:close()
end

local role, workload = arg[1], arg[2]
local fn = ({ server = server, client = client, single = single })[role][workload]
local params = {}
-- integers, but for a path (sendfile's file)
for i = 4, #arg do params[#params + 1] = math.tointeger(tonumber(arg[i])) or arg[i] end
if role ~= "client" then
  fn(table.unpack(params))
else
  fn(math.tointeger(tonumber(arg[3])), table.unpack(params))
end
