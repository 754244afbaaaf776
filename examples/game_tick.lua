-- game_tick.lua — a game loop at a fixed frame rate that serves its players
-- from tasks (lsock.loop), never blocking the frame.
--
-- A game server runs at a fixed rate (60 frames a second here) and must
-- never block on the network. With lsock.loop() the network code is still
-- written in plain blocking style: each connection is served by a task
-- that reads its player's commands line by line, and every call that has
-- to wait suspends only its task. Each frame
--   1. runs the tasks that are ready (loop:step(0): it never waits),
--   2. steps the world and hands each player the new state to send, in a
--      task of its own; a player still busy receiving the previous state
--      skips this one (the next state supersedes it),
--   3. sleeps for the rest of the frame.
-- The players are bots in the same process, tasks of the same loop, also
-- in blocking style. It runs 60 frames (about a second) and exits 0.
--
--     make && LUA_CPATH='./?.so' lua5.4 examples/game_tick.lua
--
-- It runs on every Lua lsock supports; for PUC Lua 5.1 the tasks read with
-- `while` and f:read("l") rather than `for line in f:lines()` (5.1 cannot
-- suspend a task inside a for iterator) and use no pcall around a wait.

local lsock = require "lsock"

local FRAMES = 60
local FRAME = 1 / 60          -- seconds per frame
local PLAYERS = 4

local loop = assert(lsock.loop())

-- The server ---------------------------------------------------------------

local listener = assert(lsock.create_server({ "127.0.0.1", 0 }))
local host, port = listener:getsockname()
print(("game server on %s:%d, %d frames"):format(host, port, FRAMES))

local players = {}  -- conn -> { name =, x =, inputs =, sender = }

-- One task per connection: the player's commands, one per line.
local function serve(conn)
  local p = { name = "?", x = 0, inputs = 0 }
  players[conn] = p
  local f = conn:makefile("r")
  while true do
    local line = f:read("l")          -- suspends this task only
    if not line then break end        -- the player left
    local cmd, arg = line:match("^(%a+)%s*(.*)$")
    if cmd == "hello" then
      p.name = arg
      print(("player %s joined"):format(arg))
    elseif cmd == "move" then
      p.x = p.x + (tonumber(arg) or 0)
      p.inputs = p.inputs + 1
    end
  end
  f:close()
  conn:close()
  players[conn] = nil
  print(("player %s left after %d inputs"):format(p.name, p.inputs))
end

local acceptor = loop:spawn(function()
  while true do
    local conn = assert(listener:accept())  -- suspends this task only
    loop:spawn(serve, conn)
  end
end)

-- The bots -------------------------------------------------------------------

-- A bot connects, says hello, then answers most states with a move, until
-- the server says bye. Returns how many states it saw and the last one.
local function bot(i)
  local c = assert(lsock.create_connection({ host, port }))
  local f = c:makefile("rw")
  f:write("hello bot", i, "\n"):flush()
  local ticks, last = 0, ""
  while true do
    local line = assert(f:read("l"))
    if line == "bye" then break end
    ticks = ticks + 1
    last = line
    if (ticks + i) % 3 ~= 0 then
      f:write("move ", i % 2 == 0 and 1 or -1, "\n"):flush()
    end
  end
  f:close()
  c:close()
  return ticks, last
end

local bots = {}
for i = 1, PLAYERS do bots[i] = loop:spawn(bot, i) end

-- The frame loop ---------------------------------------------------------------

-- Sends 'data' to a player in a task of its own, after what it was sent
-- before; false when the previous send has not finished yet.
local function send(conn, p, data, after)
  if p.sender and not p.sender:done() and not after then return false end
  local prev = p.sender
  p.sender = loop:spawn(function()
    if prev then prev:join() end
    assert(conn:sendall(data))      -- suspends this task only
  end)
  return true
end

local sent, skipped, slowest = 0, 0, 0
for frame = 1, FRAMES do
  local start = lsock.monotonic()

  -- 1. The network: every task that is ready runs, none waits.
  loop:step(0)
  local took = lsock.monotonic() - start
  if took > slowest then slowest = took end

  -- 2. Step the world and hand out the state.
  local parts = {}
  for _, p in pairs(players) do parts[#parts + 1] = p.name .. "=" .. p.x end
  table.sort(parts)
  local state = ("tick %d %s\n"):format(frame, table.concat(parts, " "))
  for conn, p in pairs(players) do
    if send(conn, p, state) then sent = sent + 1 else skipped = skipped + 1 end
  end

  -- 3. Sleep for the rest of the frame (outside a task: the thread sleeps).
  local rest = FRAME - (lsock.monotonic() - start)
  if rest > 0 then lsock.sleep(rest) end
end

-- The end: bye to everyone (after their last state), then let every task
-- finish. run() raises if a task failed; the cancelled acceptor is no failure.
for conn, p in pairs(players) do send(conn, p, "bye\n", true) end
acceptor:cancel()
loop:run()

for i, t in ipairs(bots) do
  local ok, ticks, last = t:result()
  assert(ok, ticks)
  print(("bot%d saw %d ticks; last: %s"):format(i, ticks, last))
  assert(ticks > FRAMES / 2, "bot" .. i .. " saw too few ticks")
end
assert(next(players) == nil, "a player is still connected")
listener:close()
loop:close()
print(("%d frames: %d states sent, %d skipped; slowest step %.2f ms")
  :format(FRAMES, sent, skipped, slowest * 1000))
