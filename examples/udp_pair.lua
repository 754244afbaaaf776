-- udp_pair.lua — UDP request/response on loopback.
--
-- A server socket answers each datagram with a reply to the address it
-- came from (recvfrom / sendto). Two clients show both styles:
--   * an unconnected one that names the server on every sendto and checks
--     where each reply came from (recvfrom);
--   * a connected one (LuaSocket's setpeername): connect() fixes the peer,
--     then send/recv carry the datagrams.
-- Every socket has a timeout, so a lost datagram would show as
-- nil, "timeout", lsock.ETIMEDOUT rather than a hang. Exits 0 when every
-- reply was right.
--
--     make && LUA_CPATH='./?.so' lua5.4 examples/udp_pair.lua

local lsock = require "lsock"

local server = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
server:settimeout(2)
assert(server:bind("127.0.0.1", 0))
local shost, sport = server:getsockname()
print(("UDP server on %s:%d"):format(shost, sport))

-- The server's side of one exchange: one datagram in, one reply out.
local function serve_one()
  local data, host, port = server:recvfrom(2048)
  if not data then
    error("server: " .. tostring(host))   -- host is the message on failure
  end
  local cmd, arg = data:match("^(%S+)%s*(.*)$")
  local reply
  if cmd == "upper" then
    reply = arg:upper()
  elseif cmd == "len" then
    reply = tostring(#arg)
  else
    reply = "error: unknown command " .. tostring(cmd)
  end
  assert(server:sendto(reply, host, port))
  print(("server: %q from %s:%d -> %q"):format(data, host, port, reply))
end

-- 1. An unconnected client: sendto names the server each time.
local c1 = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
c1:settimeout(2)
local requests = {
  { "upper hello, world", "HELLO, WORLD" },
  { "len lsock", "5" },
  { "frobnicate", "error: unknown command frobnicate" },
}
for _, r in ipairs(requests) do
  -- The address may be given as values or as one table {host, port}.
  assert(c1:sendto(r[1], { shost, sport }))
  serve_one()
  local reply, host, port = c1:recvfrom(2048)
  assert(reply, host)
  assert(host == shost and port == sport, "reply from an unexpected address")
  assert(reply == r[2], ("expected %q, got %q"):format(r[2], reply))
end

-- 2. A connected client: the kernel now drops datagrams from anyone else.
local c2 = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
c2:settimeout(2)
assert(c2:connect(shost, sport))
print("c2 connected, peer:", c2:getpeername())
assert(c2:send("upper connected"))
serve_one()
local reply = assert(c2:recv(2048))
assert(reply == "CONNECTED", reply)

-- 3. Nothing more is coming: the timeout is a result, not an error.
c2:settimeout(0.1)
local none, msg, code = c2:recv(2048)
assert(none == nil and msg == "timeout" and code == lsock.ETIMEDOUT,
  "expected a timeout, got " .. tostring(none) .. " " .. tostring(msg))
print("c2: no more replies (" .. msg .. ")")

c1:close()
c2:close()
server:close()
print("all replies right")
