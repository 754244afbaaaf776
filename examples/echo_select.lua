-- echo_select.lua — a TCP echo server on lsock.select, with its clients.
--
-- One process, one loop: the server (a listening socket and the
-- connections it accepts) and a few clients are all watched by one
-- lsock.select call, as a single-threaded server would watch its
-- connections. Each client sends a few lines, checks that each comes back,
-- then closes; the server closes a connection when its peer does. The
-- example exits 0 once every client is done.
--
--     make && LUA_CPATH='./?.so' lua5.4 examples/echo_select.lua

local lsock = require "lsock"

local CLIENTS, ROUNDS = 3, 4

-- The server: loopback, port 0 (the system picks a free one).
local server = assert(lsock.create_server({ "127.0.0.1", 0 }))
local host, port = server:getsockname()
print(("echo server on %s:%d"):format(host, port))

-- Every socket the loop watches, and what it is.
local role = {}   -- socket -> "server" | "conn" | "client"
local state = {}  -- client socket -> { id =, round =, expect =, got = }
role[server] = "server"

local function watched()
  local list = {}
  for s in pairs(role) do list[#list + 1] = s end
  return list
end

local function client_send(c)
  local st = state[c]
  st.round = st.round + 1
  st.expect = ("client %d says hello #%d\n"):format(st.id, st.round)
  st.got = ""
  assert(c:sendall(st.expect))
end

-- The clients connect first: the connection completes in the listen
-- backlog, and the server accepts it when the loop sees `server` readable.
for id = 1, CLIENTS do
  local c = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_STREAM))
  c:settimeout(2)
  assert(c:connect(host, port))
  role[c], state[c] = "client", { id = id, round = 0 }
  client_send(c)
end

local remaining, served, loops, conns = CLIENTS, 0, 0, 0
while remaining > 0 do
  loops = loops + 1
  assert(loops < 1000, "too many loops")
  -- Wait at most 2 seconds for something to read.
  local readable = lsock.select(watched(), {}, nil, 2.0)
  assert(#readable > 0, "nothing happened for 2 seconds")
  for _, s in ipairs(readable) do
    local what = role[s]
    if what == "server" then
      local conn, peer, peerport = assert(server:accept())
      print(("accepted %s:%d"):format(peer, peerport))
      role[conn] = "conn"
      conns = conns + 1
    elseif what == "conn" then
      local data, err = s:recv(4096)
      if data == nil or data == "" then
        -- "" is the end of the stream: the client closed.
        if err then print("connection error: " .. err) end
        role[s] = nil
        s:close()
        conns = conns - 1
      else
        assert(s:sendall(data))
        served = served + #data
      end
    elseif what == "client" then
      local st = state[s]
      local data = assert(s:recv(4096))
      st.got = st.got .. data
      if #st.got >= #st.expect then
        assert(st.got == st.expect, "echo mismatch: " .. st.got)
        io.write(("client %d got back: %s"):format(st.id, st.got))
        if st.round < ROUNDS then
          client_send(s)
        else
          role[s], state[s] = nil, nil
          s:close()
          remaining = remaining - 1
        end
      end
    end
  end
end

-- Let the server notice the last closes, then stop.
while conns > 0 do
  local readable = lsock.select(watched(), {}, nil, 2.0)
  assert(#readable > 0, "a connection was not closed")
  for _, s in ipairs(readable) do
    if role[s] == "conn" then
      local data = s:recv(4096)
      if data == nil or data == "" then
        role[s] = nil
        s:close()
        conns = conns - 1
      end
    end
  end
end
server:close()
print(("echoed %d bytes for %d clients"):format(served, CLIENTS))
