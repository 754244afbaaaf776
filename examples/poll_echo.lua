-- poll_echo.lua — a TCP echo server on lsock.poller, with its clients.
--
-- One process, one poller, every socket non-blocking: the listening
-- socket, the connections it accepts, and 200 clients that each send a
-- message of their own (some of them large enough to fill the socket
-- buffers), read the echo back, check every byte, and close. The server
-- writes what it cannot send at once when the poller says the connection
-- is writable, and closes a connection once its client has closed and has
-- everything back. The example exits 0 once every client is done.
--
--     make && LUA_CPATH='./?.so' lua5.4 examples/poll_echo.lua

local lsock = require "lsock"

local CLIENTS = 200
local POLLIN, POLLOUT, POLLERR = lsock.POLLIN, lsock.POLLOUT, lsock.POLLERR

-- Whether 'bit' is set in 'events' (written without `&` for Lua 5.1).
local function has(events, bit) return math.floor(events / bit) % 2 == 1 end

local poller = assert(lsock.poller())
local server = assert(lsock.create_server({ "127.0.0.1", 0 }, { backlog = CLIENTS }))
server:setblocking(false)
local host, port = server:getsockname()
print(("echo server on %s:%d, %s"):format(host, port, tostring(poller)))

-- What the poller hands back with each socket says what the socket is.
poller:register(server, POLLIN, { role = "listener" })

local conns, done, served = 0, 0, 0

-- ------------------------------------------------------------- the server

-- Sends what the connection owes; asks for POLLOUT only while it owes.
local function flush(c)
  if #c.pending > 0 then
    local n = c.sock:send(c.pending) -- nil, ..., EAGAIN when the buffer is full
    if n then c.pending = c.pending:sub(n + 1) end
  end
  local want = (c.eof and 0 or POLLIN) + (#c.pending > 0 and POLLOUT or 0)
  if want == 0 then -- the client closed and has everything: done
    poller:unregister(c.sock) -- before close, as with Python's selectors
    c.sock:close()
    conns = conns - 1
  elseif want ~= c.events then
    c.events = want
    poller:modify(c.sock, want, c)
  end
end

local function on_connection(c, events)
  if has(events, POLLIN) or has(events, POLLERR) then
    local data = c.sock:recv(65536)
    if data == "" then
      c.eof = true -- the client shut down its side
    elseif data then
      c.pending = c.pending .. data
      served = served + #data
    end
  end
  flush(c)
end

local function on_listener()
  while true do
    local sock = server:accept()
    if not sock then break end -- EAGAIN: no one else is waiting
    sock:setblocking(false)
    local c = { role = "conn", sock = sock, pending = "", events = POLLIN }
    poller:register(sock, POLLIN, c)
    conns = conns + 1
  end
end

-- ------------------------------------------------------------ the clients

local function message(id)
  local size = id % 50 == 0 and 200000 or 50 + id * 37 % 2000
  local line = ("client %d says hello\n"):format(id)
  return line:rep(math.ceil(size / #line)):sub(1, size)
end

local function on_client(c, events)
  assert(not has(events, POLLERR), "client connection failed")
  if has(events, POLLOUT) and c.sent < #c.msg then
    local n = c.sock:send(c.msg:sub(c.sent + 1))
    if n then c.sent = c.sent + n end
    if c.sent == #c.msg then
      c.sock:shutdown(lsock.SHUT_WR) -- all sent: tell the server
      poller:modify(c.sock, POLLIN, c)
    end
  end
  if has(events, POLLIN) then
    local data = c.sock:recv(65536)
    if data == "" then -- the server closed: the echo is complete
      assert(table.concat(c.got) == c.msg, "client " .. c.id .. ": echo differs")
      poller:unregister(c.sock)
      c.sock:close()
      done = done + 1
    elseif data then
      c.got[#c.got + 1] = data
    end
  end
end

for id = 1, CLIENTS do
  local sock = assert(lsock.socket())
  sock:setblocking(false)
  sock:connect(host, port) -- nil, ..., EINPROGRESS: POLLOUT says when it is done
  local c = { role = "client", id = id, sock = sock, msg = message(id), sent = 0, got = {} }
  poller:register(sock, POLLIN + POLLOUT, c)
end

-- ------------------------------------------------------------- the loop

local handlers = { listener = on_listener, conn = on_connection, client = on_client }
local started = os.clock()
while done < CLIENTS or conns > 0 do
  local any = false
  for _, events, what in poller:wait(2.0) do
    any = true
    handlers[what.role](what, events)
  end
  assert(any, "nothing happened for 2 seconds")
end

poller:unregister(server)
server:close()
poller:close()
print(("echoed %d bytes for %d clients (%.2f s of CPU)"):format(served, CLIENTS, os.clock() - started))
