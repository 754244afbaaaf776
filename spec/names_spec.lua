-- Names, addresses and numbers: getaddrinfo, getnameinfo, gethostname,
-- gethostbyname, inet_pton/inet_ntop, byte order, and the constants
-- (compared with Python's, the platform's own values).
local H = require "spec.helper"
local lsock = require "lsock"

-- Python's view of this platform: { NAME = value } for socket, errno,
-- select constants (nil when python3 is missing).
local python
local function python_constants()
  if python ~= nil then return python or nil end
  local p = io.popen([[python3 -c '
import socket, errno, select
seen = {}
for mod in (errno, select, socket):
    for k in dir(mod):
        v = getattr(mod, k)
        if k.isupper() and isinstance(v, int) and k not in seen:
            seen[k] = int(v)
for k, v in sorted(seen.items()):
    print(k, v)
' 2>/dev/null]])
  local out = p:read("*a")
  p:close()
  local t, n = {}, 0
  for k, v in out:gmatch("(%S+) (%-?%d+)") do t[k] = tonumber(v); n = n + 1 end
  python = n > 0 and t or false
  return python or nil
end

local LISTED = [[AF_INET AF_INET6 AF_UNIX AF_UNSPEC SOCK_STREAM SOCK_DGRAM SOCK_RAW
SOCK_SEQPACKET SOL_SOCKET SO_REUSEADDR SO_REUSEPORT SO_KEEPALIVE SO_BROADCAST
SO_LINGER SO_RCVBUF SO_SNDBUF SO_RCVLOWAT SO_SNDLOWAT SO_ERROR SO_TYPE IPPROTO_IP
IPPROTO_IPV6 IPPROTO_TCP IPPROTO_UDP TCP_NODELAY TCP_KEEPIDLE TCP_KEEPINTVL
TCP_KEEPCNT IP_TTL IP_MULTICAST_TTL IP_MULTICAST_LOOP IP_ADD_MEMBERSHIP
IP_DROP_MEMBERSHIP IPV6_V6ONLY IPV6_JOIN_GROUP IPV6_LEAVE_GROUP INADDR_ANY
INADDR_LOOPBACK MSG_PEEK MSG_WAITALL MSG_DONTWAIT MSG_OOB MSG_TRUNC SHUT_RD SHUT_WR
SHUT_RDWR AI_PASSIVE AI_CANONNAME AI_NUMERICHOST AI_NUMERICSERV NI_NUMERICHOST
NI_NUMERICSERV SOMAXCONN
EAGAIN EWOULDBLOCK EINPROGRESS EALREADY EISCONN ENOTCONN ECONNREFUSED ECONNRESET
ECONNABORTED EPIPE ETIMEDOUT EADDRINUSE EADDRNOTAVAIL EINTR EBADF EINVAL EMSGSIZE
ENETUNREACH EHOSTUNREACH
EAI_AGAIN EAI_BADFLAGS EAI_FAIL EAI_FAMILY EAI_MEMORY EAI_NONAME EAI_SERVICE
EAI_SOCKTYPE EAI_SYSTEM EAI_OVERFLOW]]

describe("names", function()
  before_each(H.before)
  after_each(H.after)

  describe("constants", function()
    it("every constant SPEC.md lists is present as an integer (Linux has them all)", function()
      for name in LISTED:gmatch("%S+") do
        assert.is_number(lsock[name], "lsock." .. name .. " is missing")
        if H.has_integers then
          assert.are.equal("integer", math.type(lsock[name]), "lsock." .. name)
        end
      end
    end)

    it("each constant equals the platform's value (as Python sees it)", function()
      local py = python_constants()
      if not py then return pending("python3 is not available to compare with") end
      local checked = 0
      for k, v in pairs(lsock) do
        if type(k) == "string" and k:match("^[A-Z][A-Z0-9_]+$") and type(v) == "number"
            and py[k] ~= nil then
          assert.are.equal(py[k], v, "lsock." .. k)
          checked = checked + 1
        end
      end
      assert.is_true(checked > 60, "only " .. checked .. " constants compared")
    end)

    it("a constant this platform lacks is absent, not invented", function()
      for _, name in ipairs { "SO_NOSIGPIPE", "TCP_NOPUSH", "EAI_BADHINTS",
          "EAI_PROTOCOL", "SO_USELOOPBACK", "IP_RECVDSTADDR", "AF_LINK" } do
        assert.is_nil(lsock[name], "lsock." .. name .. " does not exist on Linux")
      end
    end)

    it("has the values everybody knows", function()
      assert.are.equal(0, lsock.INADDR_ANY)
      assert.are.equal(0x7f000001, lsock.INADDR_LOOPBACK)
      assert.are.equal(lsock.EAGAIN, lsock.EWOULDBLOCK)
      assert.are_not.equal(lsock.SHUT_RD, lsock.SHUT_WR)
      assert.is_true(lsock.SOMAXCONN >= 128)
      assert.is_true(lsock.EAI_NONAME < 0) -- glibc's codes are negative
    end)

    it("every E* constant is a distinct errno except the EWOULDBLOCK alias", function()
      local seen = {}
      for k, v in pairs(lsock) do
        if type(k) == "string" and k:match("^E[A-Z0-9]+$") and k ~= "EWOULDBLOCK" then
          assert.is_true(v > 0, k)
          assert.is_nil(seen[v], k .. " and " .. tostring(seen[v]) .. " share " .. v)
          seen[v] = k
        end
      end
    end)
  end)

  describe("getaddrinfo", function()
    it("returns a list of {family, type, proto, canonname, addr}", function()
      local r = assert(lsock.getaddrinfo("127.0.0.1", 80, lsock.AF_INET, lsock.SOCK_STREAM))
      assert.are.equal(1, #r)
      local e = r[1]
      assert.are.equal(lsock.AF_INET, e.family)
      assert.are.equal(lsock.SOCK_STREAM, e.type)
      assert.are.equal(lsock.IPPROTO_TCP, e.proto)
      assert.are.equal("", e.canonname) -- as Python, without AI_CANONNAME
      assert.are.same({ "127.0.0.1", 80 }, e.addr)
    end)

    it("takes the port as a numeric string, or a service name", function()
      local r = assert(lsock.getaddrinfo("127.0.0.1", "8080", lsock.AF_INET, lsock.SOCK_STREAM))
      assert.are.same({ "127.0.0.1", 8080 }, r[1].addr)
      if not io.open("/etc/services") then return pending("no /etc/services") end
      local h = assert(lsock.getaddrinfo("127.0.0.1", "http", lsock.AF_INET, lsock.SOCK_STREAM))
      assert.are.equal(80, h[1].addr[2])
    end)

    it("resolves localhost; without a type it lists several", function()
      local r = assert(lsock.getaddrinfo("localhost", 5000, lsock.AF_INET))
      assert.is_true(#r >= 1)
      for _, e in ipairs(r) do
        assert.are.equal("127.0.0.1", e.addr[1])
        assert.are.equal(5000, e.addr[2])
      end
      local types = {}
      for _, e in ipairs(r) do types[e.type] = true end
      assert.is_true(types[lsock.SOCK_STREAM] and types[lsock.SOCK_DGRAM])
    end)

    it("a nil port is port 0", function()
      local r = assert(lsock.getaddrinfo("127.0.0.1", nil, lsock.AF_INET, lsock.SOCK_STREAM))
      assert.are.same({ "127.0.0.1", 0 }, r[1].addr)
    end)

    it("a nil host with AI_PASSIVE is the any address", function()
      local r = assert(lsock.getaddrinfo(nil, 7000, lsock.AF_INET, lsock.SOCK_STREAM, 0, lsock.AI_PASSIVE))
      assert.are.same({ "0.0.0.0", 7000 }, r[1].addr)
    end)

    it("fills canonname with AI_CANONNAME", function()
      local r = assert(lsock.getaddrinfo("localhost", 80, lsock.AF_INET, lsock.SOCK_STREAM, 0, lsock.AI_CANONNAME))
      assert.is_string(r[1].canonname)
      assert.is_true(#r[1].canonname > 0)
    end)

    it("IPv6 literals give four-value addresses", function()
      local r = assert(lsock.getaddrinfo("::1", 443, lsock.AF_INET6, lsock.SOCK_DGRAM))
      assert.are.equal(lsock.AF_INET6, r[1].family)
      assert.are.equal(lsock.IPPROTO_UDP, r[1].proto)
      assert.are.same({ "::1", 443, 0, 0 }, r[1].addr)
    end)

    it("fails with nil, message, EAI_* code", function()
      H.fails(lsock.EAI_NONAME, lsock.getaddrinfo("localhost", 80, lsock.AF_INET,
        lsock.SOCK_STREAM, 0, lsock.AI_NUMERICHOST))
      H.fails(lsock.EAI_SERVICE, lsock.getaddrinfo("127.0.0.1", "no-such-service-xyz",
        lsock.AF_INET, lsock.SOCK_STREAM))
    end)
  end)

  describe("getnameinfo", function()
    it("returns host, service for a numeric lookup", function()
      local host, serv = lsock.getnameinfo({ "127.0.0.1", 8080 },
        lsock.NI_NUMERICHOST + lsock.NI_NUMERICSERV)
      assert.are.equal("127.0.0.1", host)
      assert.are.equal("8080", serv)
      local h6, s6 = lsock.getnameinfo({ "::1", 22, 0, 0 },
        lsock.NI_NUMERICHOST + lsock.NI_NUMERICSERV)
      assert.are.equal("::1", h6)
      assert.are.equal("22", s6)
    end)

    it("names 127.0.0.1 from /etc/hosts", function()
      local host = lsock.getnameinfo({ "127.0.0.1", 80 }, lsock.NI_NUMERICSERV)
      assert.is_string(host)
      assert.is_true(#host > 0)
    end)
  end)

  describe("hosts", function()
    it("gethostname returns the kernel's host name", function()
      local name = lsock.gethostname()
      assert.is_string(name)
      local f = io.open("/proc/sys/kernel/hostname")
      if f then
        assert.are.equal((f:read("*l")), name)
        f:close()
      end
    end)

    it("gethostbyname returns a dotted IPv4 address", function()
      assert.are.equal("127.0.0.1", lsock.gethostbyname("localhost"))
      assert.are.equal("127.0.0.1", lsock.gethostbyname("127.0.0.1"))
      assert.are.equal("10.1.2.3", lsock.gethostbyname("10.1.2.3"))
    end)
  end)

  describe("inet_pton / inet_ntop", function()
    it("convert IPv4", function()
      assert.are.equal("\127\0\0\1", lsock.inet_pton(lsock.AF_INET, "127.0.0.1"))
      assert.are.equal("\192\168\1\254", lsock.inet_pton(lsock.AF_INET, "192.168.1.254"))
      assert.are.equal("10.0.0.1", lsock.inet_ntop(lsock.AF_INET, "\10\0\0\1"))
    end)

    it("convert IPv6", function()
      assert.are.equal(string.rep("\0", 15) .. "\1", lsock.inet_pton(lsock.AF_INET6, "::1"))
      local packed = lsock.inet_pton(lsock.AF_INET6, "2001:db8::ff00:42:8329")
      assert.are.equal(16, #packed)
      assert.are.equal("2001:db8::ff00:42:8329", lsock.inet_ntop(lsock.AF_INET6, packed))
      assert.are.equal("::ffff:127.0.0.1",
        lsock.inet_ntop(lsock.AF_INET6, string.rep("\0", 10) .. "\255\255\127\0\0\1"))
    end)

    it("invalid text is nil, message, errno; a packed string of the wrong length raises", function()
      H.fails(nil, lsock.inet_pton(lsock.AF_INET, "1.2.3"))
      H.fails(nil, lsock.inet_pton(lsock.AF_INET6, "1:2:3:4:5:6:7:8:9"))
      H.raises("bad argument #2", function() local x = lsock.inet_ntop(lsock.AF_INET, "12345") end)
    end)
  end)

  describe("byte order", function()
    it("htons/ntohs/htonl/ntohl swap on this little-endian machine and round-trip", function()
      assert.are.equal(0x3412, lsock.htons(0x1234))
      assert.are.equal(0x3412, lsock.ntohs(0x1234))
      assert.are.equal(0x78563412, lsock.htonl(0x12345678))
      assert.are.equal(0x78563412, lsock.ntohl(0x12345678))
      assert.are.equal(256, lsock.htons(1))
      assert.are.equal(16777216, lsock.htonl(1))
      assert.are.equal(0xfffefdfc, lsock.ntohl(lsock.htonl(0xfffefdfc)))
      for _, v in ipairs { 0, 1, 255, 0x1234, 0xffff } do
        assert.are.equal(v, lsock.ntohs(lsock.htons(v)))
      end
    end)
  end)
end)
