-- game_tick.lua — a non-blocking game loop that serves sockets within a
-- frame budget.
--
-- A game server cannot block on the network: it runs at a fixed rate (60
-- frames a second here) and, in each frame,
--   1. asks which sockets are ready without waiting (select, timeout 0),
--   2. serves them until the frame's network budget is spent (what is left
--      stays ready and is served next frame: select is level-triggered),
--   3. steps the world and sends each player the new state, never waiting
--      for a slow one (a state that does not fit is dropped: the next one
--      supersedes it),
--   4. sleeps for the rest of the frame.
-- The players are bots in the same process, on non-blocking sockets too.
-- It runs 60 frames (about a second) and exits 0.
--
--     make && LUA_CPATH='./?.so' lua5.4 examples/game_tick.lua
--
-- Time: plain Lua has no wall clock finer than a second, so the budget is
-- measured with os.clock() (CPU time). That is fair here: every socket is
-- non-blocking, so serving them never sleeps, and CPU time is the time
-- spent. The sleep at the end of a frame is lsock.select's timeout.

local lsock = require "lsock"

local FRAMES = 60
local FRAME = 1 / 60          -- seconds per frame
local BUDGET = 0.004          -- seconds of network work per frame
local PLAYERS = 4

-- The server ---------------------------------------------------------------

local listener = assert(lsock.create_server({ "127.0.0.1", 0 }))
listener:setblocking(false)
local host, port = listener:getsockname()
print(("game server on %s:%d, %d frames"):format(host, port, FRAMES))

local players = {}  -- conn -> { name =, x =, inbuf =, inputs = }
local watch = { listener }

local function drop(conn, why)
  print(("player %s left (%s)"):format(players[conn].name, why))
  players[conn] = nil
  for i, s in ipairs(watch) do
    if s == conn then table.remove(watch, i) break end
  end
  conn:close()
end

-- Serves one ready socket; never waits (every socket is non-blocking).
local function serve(s)
  if s == listener then
    -- Accept everyone waiting: EAGAIN ends the backlog.
    while true do
      local conn = listener:accept()
      if not conn then break end
      conn:setblocking(false)
      players[conn] = { name = "?", x = 0, inbuf = "", inputs = 0 }
      watch[#watch + 1] = conn
    end
    return
  end
  local p = players[s]
  local data, err, code = s:recv(4096)
  if data == "" then return drop(s, "closed") end
  if not data then
    if code == lsock.EAGAIN or code == lsock.EWOULDBLOCK then return end
    return drop(s, err)
  end
  p.inbuf = p.inbuf .. data
  -- A stream has no message boundaries: commands are lines.
  for line in p.inbuf:gmatch("([^\n]*)\n") do
    local cmd, arg = line:match("^(%a+)%s*(.*)$")
    if cmd == "hello" then
      p.name = arg
    elseif cmd == "move" then
      p.x = p.x + (tonumber(arg) or 0)
      p.inputs = p.inputs + 1
    end
  end
  p.inbuf = p.inbuf:match("[^\n]*$")
end

-- The bots -------------------------------------------------------------------

local bots = {}
for i = 1, PLAYERS do
  local c = assert(lsock.socket())
  -- A non-blocking connect starts and returns EINPROGRESS; the socket is
  -- writable once connected. To keep the example short the bots connect
  -- in blocking mode (loopback connects at once), then switch.
  assert(c:connect(host, port))
  c:setblocking(false)
  assert(c:send("hello bot" .. i .. "\n"))
  bots[i] = { sock = c, ticks = 0, last = "", inbuf = "" }
end

local function bots_play(frame)
  for i, b in ipairs(bots) do
    -- Each bot sends an input on most frames...
    if (frame + i) % 3 ~= 0 then
      local n, err, code = b.sock:send(("move %d\n"):format(i % 2 == 0 and 1 or -1))
      if not n and code ~= lsock.EAGAIN and code ~= lsock.EWOULDBLOCK then
        error("bot" .. i .. ": " .. err)
      end
    end
    -- ...and reads whatever states arrived, without waiting.
    while true do
      local data = b.sock:recv(4096)
      if not data or data == "" then break end
      b.inbuf = b.inbuf .. data
    end
    for line in b.inbuf:gmatch("([^\n]*)\n") do
      b.ticks = b.ticks + 1
      b.last = line
    end
    b.inbuf = b.inbuf:match("[^\n]*$")
  end
end

-- The loop -------------------------------------------------------------------

local deferred, served = 0, 0
for frame = 1, FRAMES do
  local start = os.clock()

  -- 1-2. Serve what is ready, within the budget.
  local ready = lsock.select(watch, {}, nil, 0)
  for i, s in ipairs(ready) do
    if os.clock() - start > BUDGET then
      deferred = deferred + (#ready - i + 1)
      break
    end
    serve(s)
    served = served + 1
  end

  -- 3. Step the world and send the state, dropping it for a full socket.
  local parts = {}
  for _, p in pairs(players) do parts[#parts + 1] = p.name .. "=" .. p.x end
  table.sort(parts)
  local state = ("tick %d %s\n"):format(frame, table.concat(parts, " "))
  for conn in pairs(players) do
    local n, err, code = conn:send(state)
    if not n and code ~= lsock.EAGAIN and code ~= lsock.EWOULDBLOCK then
      drop(conn, err)
    end
  end

  -- The players take their turn (in a real game: other machines).
  bots_play(frame)

  -- 4. Sleep for the rest of the frame (select on no sockets is a sleep).
  local rest = FRAME - (os.clock() - start)
  if rest > 0 then lsock.select({}, {}, nil, rest) end
end

-- Results and cleanup ------------------------------------------------------------

local inputs, n = 0, 0
for _, p in pairs(players) do inputs = inputs + p.inputs; n = n + 1 end
for i, b in ipairs(bots) do
  print(("bot%d saw %d ticks; last: %s"):format(i, b.ticks, b.last))
  assert(b.ticks > FRAMES / 2, "bot" .. i .. " saw too few ticks")
  b.sock:close()
end
for conn in pairs(players) do conn:close() end
listener:close()
print(("%d frames: %d players, %d inputs served in %d socket services (%d deferred)")
  :format(FRAMES, n, inputs, served, deferred))
assert(n == PLAYERS and inputs > 0, "the server did not hear its players")
