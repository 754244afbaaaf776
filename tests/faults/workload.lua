-- tests/faults/workload.lua — the workloads of `make faults`, run under the
-- shim (LD_PRELOAD=build/faults/shim.so) with any lsock.so:
--   lua workload.lua tcp|lines|udp|accept|poller|select|timeout [seed]
-- Every byte is checked; every failure must be nil, message, errno; no
-- descriptor may leak; every deadline must hold within 10 %. The peer of
-- tcp, lines and poller is a child process (the same script, "serve-*"),
-- which runs under the same faults. Prints "ok ..." or "FAIL ..." last.
local C = dofile(((arg[0]):match("^(.*)/") or ".") .. "/common.lua")
local lsock = require "lsock"

local mode, seed = arg[1], tonumber(arg[2] or os.getenv("LSOCK_FAULTS_SEED") or "1")
local rnd = C.rng(seed)

local function is_again(code)
  return code == lsock.EAGAIN or code == lsock.EWOULDBLOCK
end

-- Reads exactly n bytes from s (timeout or blocking mode).
local function recvn(s, n, what)
  local parts, got = {}, 0
  while got < n do
    local k, d, msg, code = C.pack(s:recv(n - got))
    if not d then
      C.failshape(what, k, d, msg, code)
      C.fail(("%s: recv failed after %d of %d bytes: %s (%s)"):format(what, got, n, tostring(msg), tostring(code)))
      return nil
    end
    if d == "" then
      C.fail(("%s: end of stream after %d of %d bytes"):format(what, got, n))
      return nil
    end
    parts[#parts + 1] = d
    got = got + #d
  end
  return table.concat(parts)
end

local function sendall(s, data, what)
  local k, ok, msg, code, sent = C.pack(s:sendall(data))
  if ok ~= true then
    if k == 4 then C.failshape(what, 3, ok, msg, code) else C.failshape(what, k, ok, msg, code) end
    C.fail(("%s: sendall failed: %s (%s) after %s bytes"):format(what, tostring(msg), tostring(code), tostring(sent)))
    return false
  end
  return true
end

-- A child running this script in mode 'serve-<kind>'; returns the port it
-- prints and the pipe, whose rest is read by finish().
local function spawn(kind, extra)
  local cmd = ("exec %s %s serve-%s %d %s"):format(C.interp(), arg[0], kind, seed, extra or "")
  local p = assert(io.popen(cmd, "r"))
  local line = p:read("*l")
  local port = line and tonumber(line:match("^port (%d+)"))
  if not port then
    C.fail("the " .. kind .. " server did not start: " .. tostring(line))
    p:close()
    return nil
  end
  return port, p
end

local function finish(p, kind)
  local out = p:read("*a")
  local ok, _, status = p:close()
  if ok ~= true and ok ~= 0 then
    C.fail(("the %s server failed (%s): %s"):format(kind, tostring(status), out))
  elseif not out:match("server ok") then
    C.fail(("the %s server said: %s"):format(kind, out))
  end
end

local function server_done(ok)
  if ok then print("server ok") else print("server FAIL " .. tostring(C.failed)) end
  io.stdout:flush()
  os.exit(ok and 0 or 1)
end

-- A listening socket on 127.0.0.1 for a child server; prints its port.
local function listen_and_announce(timeout)
  local srv = assert(lsock.create_server({ "127.0.0.1", 0 }, { backlog = 128 }))
  srv:settimeout(timeout)
  print("port " .. select(2, srv:getsockname()))
  io.stdout:flush()
  return srv
end

local function accept(srv, what)
  local k, conn, msg, code = C.pack(srv:accept())
  if not conn then
    C.failshape(what, k, conn, msg, code)
    C.fail(what .. ": accept failed: " .. tostring(msg))
  end
  return conn
end

-- A connected client socket (timeout t, nil = blocking), or nil.
local function connect(port, t, what)
  local c = assert(lsock.socket())
  c:settimeout(t or 10)
  local k, ok, msg, code = C.pack(c:connect("127.0.0.1", port))
  if ok ~= true then
    C.failshape(what, k, ok, msg, code)
    C.fail(what .. ": connect failed: " .. tostring(msg))
    c:close()
    return nil
  end
  -- a connect that says true must have connected (a spurious POLLOUT
  -- must not be taken for the end of the handshake)
  local h, msg2 = c:getpeername()
  if not h then
    C.fail(what .. ": connect returned true but getpeername says " .. tostring(msg2))
    c:close()
    return nil
  end
  c:settimeout(t)
  return c
end

---------------------------------------------------------------- tcp echo

local TCP_CONNS, TCP_BYTES = 4, 600 * 1024

local function serve_tcp()
  local srv = listen_and_announce(20)
  for i = 1, TCP_CONNS do
    local c = accept(srv, "serve-tcp")
    if not c then break end
    c:settimeout(i % 2 == 1 and 10 or nil)
    while true do
      local k, d, msg, code = C.pack(c:recv(65536))
      if not d then C.failshape("serve-tcp recv", k, d, msg, code); C.fail("serve-tcp recv: " .. tostring(msg)); break end
      if d == "" then break end
      if not sendall(c, d, "serve-tcp") then break end
    end
    c:close()
  end
  srv:close()
  server_done(not C.failed)
end

local function tcp()
  local port, p = spawn("tcp")
  if not port then return end
  local data = C.bytes(seed, TCP_BYTES)
  for i = 1, TCP_CONNS do
    local c = connect(port, i % 2 == 1 and 10 or nil, "tcp connect " .. i)
    if not c then break end
    local off = 0
    while off < #data do
      local n = math.min(rnd(1, 48 * 1024), #data - off)
      local chunk = data:sub(off + 1, off + n)
      if not sendall(c, chunk, "tcp sendall") then break end
      local back = recvn(c, n, "tcp recv")
      if not back or not C.same(back, chunk, ("tcp echo at offset %d"):format(off)) then break end
      off = off + n
    end
    c:close()
    if C.failed then break end
  end
  finish(p, "tcp")
  C.notes[#C.notes + 1] = ("%d conns x %d bytes"):format(TCP_CONNS, TCP_BYTES)
end

---------------------------------------------------------- makefile lines

local LINES = 1500

local function serve_lines()
  local srv = listen_and_announce(20)
  local c = accept(srv, "serve-lines")
  srv:close()
  if not c then server_done(false) end
  c:settimeout(10)
  c:setsockopt(lsock.IPPROTO_TCP, lsock.TCP_NODELAY, 1)
  local f = c:makefile("rw")
  while true do
    local k, line, msg, code = C.pack(f:read("l"))
    if line == nil then
      if msg ~= nil then C.failshape("serve-lines read", k, line, msg, code); C.fail("serve-lines read: " .. tostring(msg)) end
      break
    end
    f:write(#line, " ", line, "\n")
    if line == "" or #line % 7 == 0 then
      local ok, err = f:flush()
      if not ok then C.fail("serve-lines flush: " .. tostring(err)) break end
    end
  end
  f:flush()
  f:close()
  c:close()
  server_done(not C.failed)
end

local function lines()
  local port, p = spawn("lines")
  if not port then return end
  local c = connect(port, 10, "lines connect")
  if c then
    c:setsockopt(lsock.IPPROTO_TCP, lsock.TCP_NODELAY, 1)
    local f = c:makefile("rw")
    local pool = C.bytes(seed + 1, 8192):gsub("[\r\n]", "a")
    local sent = {}
    for i = 1, LINES do
      local n = rnd(0, 3000)
      local off = rnd(0, #pool - n)
      sent[i] = pool:sub(off + 1, off + n)
    end
    local nread = 0
    local function readback(upto)
      while nread < upto do
        local k, line, msg, code = C.pack(f:read("l"))
        if not line then
          if msg then C.failshape("lines read", k, line, msg, code) end
          C.fail(("lines: read %d failed: %s"):format(nread + 1, tostring(msg)))
          return false
        end
        nread = nread + 1
        local want = #sent[nread] .. " " .. sent[nread]
        if not C.same(line, want, "lines: line " .. nread) then return false end
      end
      return true
    end
    for i = 1, LINES do
      f:write(sent[i], "\n")
      if i % 10 == 0 or i == LINES then
        local ok, err = f:flush()
        if not C.check(ok, "lines flush: " .. tostring(err)) then break end
        -- the server flushes on empty lines and lengths that are multiples of 7
        local upto = nread
        for j = nread + 1, i do
          if #sent[j] == 0 or #sent[j] % 7 == 0 then upto = j end
        end
        if not readback(upto) then break end
      end
    end
    c:shutdown(lsock.SHUT_WR)
    if not C.failed then readback(LINES) end
    f:close()
    c:close()
  end
  finish(p, "lines")
  C.notes[#C.notes + 1] = LINES .. " lines"
end

--------------------------------------------------------------------- udp

local function udp()
  local a = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  local b = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  assert(a:bind("127.0.0.1", 0))
  assert(b:bind("127.0.0.1", 0))
  local _, aport = a:getsockname()
  local _, bport = b:getsockname()
  local pool = C.bytes(seed + 2, 16384)
  for i = 1, 600 do
    a:settimeout(i % 3 == 0 and nil or 5)
    b:settimeout(i % 2 == 0 and nil or 5)
    local n = rnd(1, 9000)
    local off = rnd(0, #pool - n)
    local d = pool:sub(off + 1, off + n)
    local k, sent, msg, code = C.pack(a:sendto(d, "127.0.0.1", bport))
    if sent ~= n then
      if not sent then C.failshape("udp sendto", k, sent, msg, code) end
      C.fail(("udp sendto %d: %s of %d bytes (%s)"):format(i, tostring(sent), n, tostring(msg)))
      break
    end
    local k2, got, host, port = C.pack(b:recvfrom(65536))
    if not got then C.failshape("udp recvfrom", k2, got, host, port); C.fail("udp recvfrom: " .. tostring(host)) break end
    if not C.same(got, d, "udp datagram " .. i) then break end
    if not C.check(host == "127.0.0.1" and port == aport, "udp: sender " .. tostring(host) .. ":" .. tostring(port)) then break end
  end
  a:close()
  b:close()
  C.notes[#C.notes + 1] = "600 datagrams"
end

------------------------------------------------------------- accept loop

local function accept_loop()
  local l = assert(lsock.socket())
  assert(l:bind("127.0.0.1", 0))
  assert(l:listen(64))
  local _, port = l:getsockname()
  for i = 1, 240 do
    local nonblocking = i % 4 == 0
    l:settimeout(nonblocking and 0 or 5)
    local c = connect(port, i % 3 == 0 and nil or 5, "accept: connect " .. i)
    if not c then break end
    local conn
    if nonblocking then
      local t0 = C.now()
      while not conn and C.now() - t0 < 5 do
        local r = lsock.select({ l }, {}, {}, 5)
        if #r > 0 then
          local k, x, msg, code = C.pack(l:accept())
          if x then conn = x
          elseif not is_again(code) then C.failshape("accept", k, x, msg, code); C.fail("accept: " .. tostring(msg)) break end
        end
      end
      C.check(conn, "accept: no connection after 5 s (non-blocking)")
    else
      conn = accept(l, "accept " .. i)
    end
    if conn then
      conn:settimeout(5)
      local msg = "ping " .. i .. " " .. C.bytes(seed + i, rnd(1, 300))
      if sendall(c, msg, "accept: client") then
        local got = recvn(conn, #msg, "accept: server")
        if got and C.same(got, msg, "accept: ping " .. i) and sendall(conn, got, "accept: server") then
          local back = recvn(c, #msg, "accept: client")
          if back then C.same(back, msg, "accept: pong " .. i) end
        end
      end
      conn:close()
    end
    c:close()
    if C.failed then break end
  end
  l:close()
  C.notes[#C.notes + 1] = "240 connections"
end

-------------------------------------------------------------- poller 50

local POLL_CLIENTS, POLL_BYTES = 50, 24 * 1024

local function serve_poller()
  local srv = listen_and_announce(0)
  local p = lsock.poller()
  assert(p:register(srv, lsock.POLLIN, "listener"))
  local out, ended, deadline = {}, 0, C.now() + 40
  while ended < POLL_CLIENTS and C.now() < deadline and not C.failed do
    for obj, ev, data in p:wait(10) do
      if data == "listener" then
        for _ = 1, 16 do
          local k, conn, msg, code = C.pack(srv:accept())
          if not conn then
            if not is_again(code) then C.failshape("serve-poller accept", k, conn, msg, code); C.fail("serve-poller accept: " .. tostring(msg)) end
            break
          end
          conn:settimeout(0)
          out[conn] = ""
          assert(p:register(conn, lsock.POLLIN, "conn"))
        end
      elseif out[obj] then
        local closing = false
        if ev & (lsock.POLLIN | lsock.POLLHUP | lsock.POLLERR) ~= 0 then
          local k, d, msg, code = C.pack(obj:recv(65536))
          if d and #d > 0 then out[obj] = out[obj] .. d
          elseif d == "" then closing = true
          elseif not is_again(code) then C.failshape("serve-poller recv", k, d, msg, code); C.fail("serve-poller recv: " .. tostring(msg)); closing = true end
        end
        if #out[obj] > 0 then
          local k, n, msg, code = C.pack(obj:send(out[obj]))
          if n then out[obj] = out[obj]:sub(n + 1)
          elseif not is_again(code) then C.failshape("serve-poller send", k, n, msg, code); C.fail("serve-poller send: " .. tostring(msg)); closing = true end
        end
        if closing then
          -- whatever was read is echoed before the close
          obj:settimeout(10)
          if #out[obj] > 0 then sendall(obj, out[obj], "serve-poller") end
          p:unregister(obj)
          obj:close()
          out[obj] = nil
          ended = ended + 1
        else
          assert(p:modify(obj, #out[obj] > 0 and (lsock.POLLIN | lsock.POLLOUT) or lsock.POLLIN, "conn"))
        end
      end
    end
  end
  C.check(ended == POLL_CLIENTS, ("serve-poller: %d of %d clients ended"):format(ended, POLL_CLIENTS))
  for obj in pairs(out) do p:unregister(obj); obj:close() end
  p:unregister(srv)
  C.check(p:count() == 0, "serve-poller: count " .. p:count() .. " after unregistering all")
  p:close()
  srv:close()
  server_done(not C.failed)
end

local function poller()
  local port, proc = spawn("poller")
  if not port then return end
  local p = lsock.poller()
  local cl = {}
  for i = 1, POLL_CLIENTS do
    local c = assert(lsock.socket())
    c:settimeout(0)
    local k, ok, msg, code = C.pack(c:connect("127.0.0.1", port))
    if not ok and code ~= lsock.EINPROGRESS then
      C.failshape("poller connect", k, ok, msg, code)
      C.fail("poller: connect " .. i .. ": " .. tostring(msg))
      c:close()
      break
    end
    cl[c] = { data = C.bytes(seed * 100 + i, POLL_BYTES), sent = 0, got = {}, ngot = 0, id = i }
    assert(p:register(c, lsock.POLLIN | lsock.POLLOUT, cl[c]))
  end
  local done, deadline = 0, C.now() + 40
  while done < POLL_CLIENTS and C.now() < deadline and not C.failed do
    local any = false
    for c, ev, st in p:wait(10) do
      any = true
      if cl[c] ~= st then C.fail("poller: wait yielded data that is not the object's") break end
      if ev & lsock.POLLOUT ~= 0 and st.sent < #st.data then
        local piece = st.data:sub(st.sent + 1, st.sent + rnd(1, 8192))
        local k, n, msg, code = C.pack(c:send(piece))
        if n then st.sent = st.sent + n
        elseif not is_again(code) then C.failshape("poller send", k, n, msg, code); C.fail("poller: send: " .. tostring(msg)) break end
        if st.sent == #st.data then
          assert(p:modify(c, lsock.POLLIN, st))
          c:shutdown(lsock.SHUT_WR)
        end
      end
      if ev & (lsock.POLLIN | lsock.POLLHUP | lsock.POLLERR) ~= 0 then
        local k, d, msg, code = C.pack(c:recv(65536))
        if d and #d > 0 then
          st.got[#st.got + 1] = d
          st.ngot = st.ngot + #d
          if st.ngot > #st.data then C.fail("poller: client " .. st.id .. " got more than it sent") break end
        elseif d == "" then
          C.same(table.concat(st.got), st.data, "poller: client " .. st.id)
          p:unregister(c)
          c:close()
          cl[c] = nil
          done = done + 1
        elseif not is_again(code) then
          C.failshape("poller recv", k, d, msg, code)
          C.fail("poller: recv: " .. tostring(msg))
          break
        end
      end
    end
    if not any then C.fail("poller: no event in 10 s") end
  end
  C.check(done == POLL_CLIENTS, ("poller: %d of %d clients done"):format(done, POLL_CLIENTS))
  for c in pairs(cl) do p:unregister(c); c:close() end
  C.check(p:count() == 0, "poller: count " .. p:count() .. " after unregistering all")
  p:close()
  finish(proc, "poller")
  C.notes[#C.notes + 1] = ("%d clients x %d bytes"):format(POLL_CLIENTS, POLL_BYTES)
end

------------------------------------------------------------------ select

local function select_wl()
  local NP = 40 -- 80 sockets in the lists: past select's 64 on the stack
  local w, r, want, got = {}, {}, {}, {}
  for i = 1, NP do
    w[i], r[i] = assert(lsock.socketpair())
    r[i]:settimeout(0)
    want[r[i]], got[r[i]] = {}, {}
  end
  local index = {}
  for i = 1, NP do index[r[i]] = i; index[w[i]] = i end
  local pool = C.bytes(seed + 3, 16384)
  for round = 1, 120 do
    local pending = 0
    for _ = 1, rnd(1, 10) do
      local i = rnd(1, NP)
      local n = rnd(1, 1500)
      local off = rnd(0, #pool - n)
      local d = pool:sub(off + 1, off + n)
      if not sendall(w[i], d, "select: write") then break end
      want[r[i]][#want[r[i]] + 1] = d
      pending = pending + n
    end
    local t0 = C.now()
    while pending > 0 and not C.failed do
      if C.now() - t0 > 5 then C.fail("select: round " .. round .. ": data not read after 5 s") break end
      local k, rl, wl, xl = C.pack(lsock.select(r, w, {}, 2))
      if not rl then C.failshape("select", k, rl, wl, xl); C.fail("select failed: " .. tostring(wl)) break end
      if not C.check(type(wl) == "table" and type(xl) == "table" and #xl == 0, "select: bad lists") then break end
      for _, s in ipairs(wl) do
        if not C.check(index[s] and w[index[s]] == s, "select: a writer list entry that was not asked") then break end
      end
      for _, s in ipairs(rl) do
        if not C.check(index[s] and r[index[s]] == s, "select: a reader list entry that was not asked") then break end
        local k2, d, msg, code = C.pack(s:recv(65536))
        if d and #d > 0 then
          got[s][#got[s] + 1] = d
          pending = pending - #d
        elseif not (d == nil and is_again(code)) then
          if d == nil then C.failshape("select: recv", k2, d, msg, code) end
          C.fail("select: recv: " .. tostring(d) .. " " .. tostring(msg))
          break
        end
      end
    end
    if C.failed then break end
  end
  for i = 1, NP do
    C.same(table.concat(got[r[i]]), table.concat(want[r[i]]), "select: pair " .. i)
    w[i]:close()
    r[i]:close()
  end
  C.notes[#C.notes + 1] = "120 rounds over 80 sockets"
end

---------------------------------------------------------------- timeouts

local T = 0.5

local function timed(f, ...)
  local t0 = C.now()
  local r = table.pack and table.pack(f(...)) or { n = select("#", f(...)) }
  return C.now() - t0, r
end

local function timeouts()
  -- recv on a silent stream
  local a, b = assert(lsock.socketpair())
  b:settimeout(T)
  local t, r = timed(b.recv, b, 100)
  C.timedout(lsock, "recv", r)
  C.deadline("recv", t, T)
  -- makefile read: a partial line, a timeout, then the rest
  local f = b:makefile("r")
  a:sendall("part")
  t, r = timed(f.read, f, "l")
  C.timedout(lsock, "makefile read", r)
  C.deadline("makefile", t, T)
  a:sendall("ial\n")
  C.same(f:read("l"), "partial", "makefile read after a timeout")
  f:close()
  -- select and the poller on the silent socket
  -- (a spurious readiness, which the shim may fake, is the system's word:
  -- only an empty answer must wait for the whole timeout)
  t, r = timed(lsock.select, { b }, {}, {}, T)
  C.check(r.n == 3 and type(r[1]) == "table" and #r[2] == 0 and #r[3] == 0 and
    (#r[1] == 0 or (#r[1] == 1 and r[1][1] == b)), "select on a silent socket returned something else")
  if #r[1] == 0 then C.deadline("select", t, T) end
  local p = lsock.poller()
  p:register(b, lsock.POLLIN)
  local n = 0
  t = timed(function() for o in p:wait(T) do n = n + 1; C.check(o == b, "wait yielded a stranger") end end)
  if n == 0 then C.deadline("wait", t, T) end
  p:unregister(b)
  p:close()
  -- sendall into a full peer: times out, says what it sent, loses nothing
  a:setsockopt(lsock.SOL_SOCKET, lsock.SO_SNDBUF, 16384)
  a:settimeout(T)
  local queued = 0
  for _ = 1, 100000 do
    local k = a:send(string.rep("x", 4096), lsock.MSG_DONTWAIT)
    if not k then break end
    queued = queued + k
  end
  local big = C.bytes(seed + 4, 4 * 1024 * 1024)
  t, r = timed(a.sendall, a, big)
  C.timedout(lsock, "sendall", r, 1)
  C.deadline("sendall", t, T)
  local sent = r[4] or 0
  C.check(type(sent) == "number" and sent < #big, "sendall: bad sent count " .. tostring(r[4]))
  a:close()
  b:settimeout(5)
  local all = {}
  while true do
    local d = b:recv(1 << 20)
    if not d or d == "" then break end
    all[#all + 1] = d
  end
  b:close()
  all = table.concat(all)
  C.check(#all == queued + sent, ("sendall: the peer got %d bytes, %d queued + %d reported sent")
    :format(#all, queued, sent))
  C.same(all:sub(queued + 1), big:sub(1, sent), "sendall: the bytes reported sent")
  -- accept with nobody connecting
  local l = assert(lsock.socket())
  assert(l:bind("127.0.0.1", 0))
  assert(l:listen(0))
  l:settimeout(T)
  t, r = timed(l.accept, l)
  C.timedout(lsock, "accept", r)
  C.deadline("accept", t, T)
  -- recvfrom on a silent datagram socket
  local u = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
  assert(u:bind("127.0.0.1", 0))
  u:settimeout(T)
  t, r = timed(u.recvfrom, u, 100)
  C.timedout(lsock, "recvfrom", r)
  C.deadline("recvfrom", t, T)
  u:close()
  -- connect to a full backlog: the handshake stalls, connect times out
  local _, port = l:getsockname()
  local filler = {}
  for i = 1, 64 do
    local c = assert(lsock.socket())
    c:settimeout(0.2)
    filler[i] = c
    if not c:connect("127.0.0.1", port) then break end
  end
  local c = assert(lsock.socket())
  c:settimeout(T)
  t, r = timed(c.connect, c, "127.0.0.1", port)
  if r[1] == true then
    local h, msg = c:getpeername()
    C.check(h, "connect returned true with the backlog full, and getpeername says " .. tostring(msg))
  else
    C.timedout(lsock, "connect", r)
    C.deadline("connect", t, T)
  end
  c:close()
  for _, x in ipairs(filler) do x:close() end
  l:close()
end

local modes = {
  tcp = tcp, lines = lines, udp = udp, accept = accept_loop, poller = poller,
  select = select_wl, timeout = timeouts,
  ["serve-tcp"] = serve_tcp, ["serve-lines"] = serve_lines, ["serve-poller"] = serve_poller,
}
local f = modes[mode]
if not f then
  io.stderr:write("usage: workload.lua tcp|lines|udp|accept|poller|select|timeout [seed]\n")
  os.exit(2)
end
if mode:match("^serve%-") then
  local ok, err = xpcall(f, debug.traceback)
  if not ok then C.fail(tostring(err)) end
  server_done(false)
end
C.main(mode, f)
