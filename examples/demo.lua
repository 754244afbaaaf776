-- demo.lua — lsock on loopback: a TCP echo server with many clients, a UDP
-- exchange, and a line protocol over makefile.
--
-- `make demo` runs it in build/embed/lsockhost, a program that links Lua
-- 5.4 and lsock statically; it runs as well in any interpreter:
--
--     make && LUA_CPATH='./?.so' lua5.4 examples/demo.lua
--
-- A part whose feature is not in this build says "skipped (not built)".
-- Every part is bounded in time; the script exits 0 when all went well.

local lsock = require "lsock"

local CLIENTS = 50   -- TCP clients served at once by one loop
local ROUNDS = 3     -- messages each client sends

local embedded = package.cpath == "" and "linked into the host" or "loaded by require"
print(("%s on %s, %s"):format(lsock._VERSION, _VERSION, embedded))

local function part(title)
  print("")
  print("== " .. title)
end

---------------------------------------------------------------- TCP echo
-- One loop watches the listening socket, the connections it accepts and
-- the clients; the poller when it exists (the kernel keeps the set),
-- lsock.select otherwise.

local function tcp_echo()
  local server = assert(lsock.create_server({ "127.0.0.1", 0 }, { backlog = CLIENTS }))
  local host, port = server:getsockname()
  local how = lsock.poller and "lsock.poller" or "lsock.select"
  print(("echo server on %s:%d, %d clients, served with %s"):format(host, port, CLIENTS, how))

  local role = {}     -- socket -> "server" | "conn" | "client"
  local client = {}   -- client socket -> { id, round, expect, got }
  local watcher = {}  -- add(s), remove(s), wait(timeout) -> list of readable
  local poller

  if lsock.poller then
    poller = lsock.poller()
    function watcher.add(s) poller:register(s, lsock.POLLIN) end
    function watcher.remove(s) poller:unregister(s) end
    function watcher.wait(t)
      local ready = {}
      for s in poller:wait(t) do ready[#ready + 1] = s end
      return ready
    end
  else
    local set = {}
    function watcher.add(s) set[s] = true end
    function watcher.remove(s) set[s] = nil end
    function watcher.wait(t)
      local list = {}
      for s in pairs(set) do list[#list + 1] = s end
      return (lsock.select(list, {}, nil, t))
    end
  end

  local function add(s, what) role[s] = what; watcher.add(s) end
  local function drop(s) watcher.remove(s); role[s] = nil; s:close() end

  local function send_next(c)
    local st = client[c]
    st.round = st.round + 1
    st.expect = ("client %02d, message %d\n"):format(st.id, st.round)
    st.got = ""
    assert(c:sendall(st.expect))
  end

  add(server, "server")
  for id = 1, CLIENTS do
    local c = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_STREAM))
    c:settimeout(5)
    assert(c:connect(host, port))
    client[c] = { id = id, round = 0 }
    add(c, "client")
    send_next(c)
  end

  local remaining, conns, accepted, bytes, loops = CLIENTS, 0, 0, 0, 0
  local started = os.clock()
  while remaining > 0 or conns > 0 do
    loops = loops + 1
    assert(loops < 100000, "the loop does not end")
    local ready = watcher.wait(5.0)
    assert(#ready > 0, "nothing happened for 5 seconds")
    for _, s in ipairs(ready) do
      local what = role[s]
      if what == "server" then
        local conn = assert(server:accept())
        conn:settimeout(5)
        add(conn, "conn")
        conns, accepted = conns + 1, accepted + 1
      elseif what == "conn" then
        local data, err = s:recv(4096)
        if data == nil or data == "" then -- "" is the end of the stream
          assert(data == "", err)
          drop(s)
          conns = conns - 1
        else
          assert(s:sendall(data))
          bytes = bytes + #data
        end
      elseif what == "client" then
        local st = client[s]
        st.got = st.got .. assert(s:recv(4096))
        if #st.got >= #st.expect then
          assert(st.got == st.expect, "echo mismatch: " .. st.got)
          if st.round < ROUNDS then
            send_next(s)
          else
            client[s] = nil
            drop(s)
            remaining = remaining - 1
          end
        end
      end
    end
  end
  drop(server)
  if poller then poller:close() end
  print(("accepted %d connections; %d messages, %d bytes echoed in %d loop turns (%.2f s of CPU)")
    :format(accepted, CLIENTS * ROUNDS, bytes, loops, os.clock() - started))
end

---------------------------------------------------------------- UDP
-- Two datagram sockets: a "time server" answers every request with the
-- request's text turned upper-case, to the address it came from.

local function udp_exchange()
  local srv = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  local cli = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  srv:settimeout(2); cli:settimeout(2)
  assert(srv:bind("127.0.0.1", 0))
  assert(cli:bind("127.0.0.1", 0))
  local shost, sport = srv:getsockname()
  local chost, cport = cli:getsockname()
  print(("server %s:%d, client %s:%d"):format(shost, sport, chost, cport))
  local words = { "ping", "datagrams keep their boundaries", "bye" }
  for _, w in ipairs(words) do
    assert(cli:sendto(w, shost, sport))
    local data, h, p = assert(srv:recvfrom(2048))
    assert(data == w and p == cport, "wrong datagram")
    assert(srv:sendto(data:upper(), h, p))
    local reply, rh, rp = assert(cli:recvfrom(2048))
    assert(reply == w:upper() and rp == sport, "wrong reply")
    print(("sent %q, got %q back from %s:%d"):format(w, reply, rh, rp))
  end
  -- nothing more is coming: a read with a timeout says so
  cli:settimeout(0.05)
  local none, err = cli:recvfrom(2048)
  assert(none == nil and err == "timeout")
  print("one more recvfrom: nil, \"timeout\" after 0.05 s")
  srv:close(); cli:close()
end

---------------------------------------------------------------- makefile
-- A line protocol as a program would write it over io-like files:
-- the client writes commands, the server answers each with one line.

local function line_protocol()
  local server = assert(lsock.create_server({ "127.0.0.1", 0 }))
  local c = assert(lsock.create_connection({ server:getsockname() }, 2))
  local conn = assert(server:accept())
  conn:settimeout(2)
  local cf = c:makefile("rw")
  local sf = conn:makefile("rw")

  local function serve_one()
    local line = assert(sf:read("l"))
    local cmd, rest = line:match("^(%u+)%s*(.*)$")
    if cmd == "HELLO" then
      sf:write("HI ", rest, "\n")
    elseif cmd == "ADD" then
      local sum = 0
      for n in rest:gmatch("%-?%d+") do sum = sum + tonumber(n) end
      sf:write(("SUM %d\n"):format(sum))
    elseif cmd == "QUIT" then
      sf:write("BYE\n")
    else
      sf:write("ERR unknown command\n")
    end
    assert(sf:flush())
    return cmd
  end

  local requests = { "HELLO lsock", "ADD 1 2 3 4 5", "ADD -7 100", "FROB", "QUIT" }
  for _, req in ipairs(requests) do
    assert(cf:write(req, "\n"))
    assert(cf:flush())
    serve_one()
    local reply = assert(cf:read("l"))
    print(("> %-14s < %s"):format(req, reply))
  end
  cf:close(); sf:close()
  c:close(); conn:close(); server:close()
end

local function run(title, needs, fn)
  part(title)
  if not needs then
    print("skipped (not built)")
    return
  end
  fn()
end

local probe = assert(lsock.socket())
local has_makefile = probe.makefile ~= nil
probe:close()

run("TCP echo: one server, " .. CLIENTS .. " clients", true, tcp_echo)
run("UDP exchange", true, udp_exchange)
run("line protocol over makefile", has_makefile, line_protocol)
print("")
print("demo done")
