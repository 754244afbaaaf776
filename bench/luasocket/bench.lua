-- LuaSocket side of the lsock benchmarks (issue 7).
--
--   lua5.4 bench.lua server WORKLOAD 0    PARAMS...   prints "PORT n", serves
--   lua5.4 bench.lua client WORKLOAD PORT PARAMS...   prints "RESULT rate"
--
-- Same protocol as bench/c/bench.c; see bench/README.md. LuaSocket has no
-- recv(n) that returns what arrived: receive(n) waits for exactly n bytes,
-- which is what every workload here needs anyway.
local socket = require "socket"

local HOST = "127.0.0.1"
local clock = socket.gettime

local function result(rate)
  io.stdout:write(string.format("RESULT %.1f\n", rate))
  io.stdout:flush()
end

local function check(ok, err, ...)
  if not ok then error(err, 2) end
  return ok, err, ...
end

local function bound(udp)
  local s
  if udp then
    s = check(socket.udp4())
    check(s:setsockname(HOST, 0))
  else
    s = check(socket.tcp4())
    check(s:setoption("reuseaddr", true))
    check(s:bind(HOST, 0))
    check(s:listen(4096))
  end
  local _, port = s:getsockname()
  io.stdout:write("PORT ", port, "\n")
  io.stdout:flush()
  return s
end

local function dial(port)
  local s = check(socket.tcp4())
  check(s:connect(HOST, port))
  return s
end

-- Echo one message; false once the peer has closed.
local function echo(c, size)
  local data = c:receive(size)
  if not data then return false end
  check(c:send(data))
  return true
end

local server, client = {}, {}

-- pingpong: N SIZE
function server.pingpong(n, size)
  local c = check(bound():accept())
  c:setoption("tcp-nodelay", true)
  while echo(c, size) do end
end

-- The timed part of pingpong and select: N round trips of msg.
local function timed_pingpong(s, msg, n)
  local size = #msg
  local t0 = clock()
  for _ = 1, n do
    s:send(msg)
    if not s:receive(size) then error("short reply") end
  end
  result(n / (clock() - t0))
end

function client.pingpong(port, n, size)
  local s = dial(port)
  s:setoption("tcp-nodelay", true)
  local msg = string.rep("x", size)
  timed_pingpong(s, msg, n)
end

-- bulk: TOTAL CHUNK -- the client sends, the server acknowledges EOF.
function server.bulk(total, chunk)
  local c = check(bound():accept())
  while c:receive(chunk) do end
  check(c:send("k"))
  c:close()
end

function client.bulk(port, total, chunk)
  local s = dial(port)
  local buf = string.rep("x", chunk)
  local t0 = clock()
  for _ = 1, total // chunk do
    check(s:send(buf))
  end
  s:shutdown("send")
  if s:receive(1) ~= "k" then error("bulk ack") end
  result(total / 1048576 / (clock() - t0))
end

-- udp: N SIZE WINDOW -- the server acks every WINDOW-th datagram.
function server.udp(n, size, window)
  local s = bound(true)
  for i = 1, n do
    local _, host, port = check(s:receivefrom())
    if i % window == 0 then check(s:sendto("k", host, port)) end
  end
end

function client.udp(port, n, size, window)
  local s = check(socket.udp4())
  check(s:setpeername(HOST, port))
  local msg = string.rep("x", size)
  local t0 = clock()
  for i = 1, n do
    s:send(msg)
    if i % window == 0 then check(s:receive()) end
  end
  result(n / (clock() - t0))
end

-- connect: N -- the server accepts and closes; the client reads EOF, closes.
function server.connect(n)
  local lsn = bound()
  for _ = 1, n do check(lsn:accept()):close() end
end

function client.connect(port, n)
  local t0 = clock()
  for _ = 1, n do
    local s = socket.tcp4()
    check(s:connect(HOST, port))
    local data, err = s:receive(1)
    if data or err ~= "closed" then error("expected EOF") end
    s:close()
  end
  result(n / (clock() - t0))
end

-- select: IDLE N SIZE -- IDLE idle connections and one active.
local function accept_all(count)
  local lsn, conns = bound(), {}
  for i = 1, count do
    conns[i] = check(lsn:accept())
    conns[i]:setoption("tcp-nodelay", true)
  end
  return conns
end

function server.select(idle, n, size)
  local conns = accept_all(idle + 1)
  while true do
    local ok, ready = pcall(socket.select, conns, nil)
    if not ok then -- "descriptor too large for set size"
      io.stdout:write("REFUSED\n")
      io.stdout:flush()
      return
    end
    for _, c in ipairs(ready) do
      if not echo(c, size) then return end
    end
  end
end

function client.select(port, idle, n, size)
  local keep = {}
  for i = 1, idle do keep[i] = dial(port) end
  local s = dial(port)
  s:setoption("tcp-nodelay", true)
  local msg = string.rep("x", size)
  s:send(msg)
  check(s:receive(size))
  timed_pingpong(s, msg, n)
end

-- lines: COUNT LEN -- COUNT lines of LEN bytes, read with receive("*l").
function server.lines(count, len)
  local per = 65536 // len
  local block = string.rep(string.rep("x", len - 1) .. "\n", per)
  local c = check(bound():accept())
  local left = count
  while left > 0 do
    local k = math.min(left, per)
    check(c:send(k == per and block or block:sub(1, k * len)))
    left = left - k
  end
  c:close()
end

function client.lines(port, count, len)
  local s = dial(port)
  local got, bytes = 0, 0
  local t0 = clock()
  while true do
    local line = s:receive("*l")
    if not line then break end
    got = got + 1
    bytes = bytes + #line + 1
  end
  local t = clock() - t0
  if got ~= count then error(("lines: got %d of %d"):format(got, count)) end
  result(bytes / 1048576 / t)
end

local role, workload = arg[1], arg[2]
local fn = (role == "server" and server or client)[workload]
if not fn then
  -- LuaSocket has no poller, recv_into, sendfile or recvmsg
  io.stdout:write("NA\n")
  return
end
local params = {}
for i = 4, #arg do params[#params + 1] = math.tointeger(tonumber(arg[i])) end
if role == "server" then
  fn(table.unpack(params))
else
  fn(math.tointeger(tonumber(arg[3])), table.unpack(params))
end
