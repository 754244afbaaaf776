-- The constants of Python's socket module on Linux: every one python3
-- knows here has Python's value in lsock, compared at test time (skipped
-- with a message without python3). The few Python supplies itself where
-- the system's headers lack them are named below; lsock leaves them out.
local H = require "spec.helper"
local lsock = require "lsock"

-- Python defines these on Linux from its own numbers when the installed
-- kernel headers have none; lsock takes only what the headers define.
local NOT_IN_HEADERS = {
  ALG_OP_SIGN = true, ALG_OP_VERIFY = true, ALG_SET_PUBKEY = true,
  UDPLITE_SEND_CSCOV = true, UDPLITE_RECV_CSCOV = true,
  IOCTL_VM_SOCKETS_GET_LOCAL_CID = true, -- an ioctl request, not a socket constant
}

local function python_constants()
  local p = io.popen("python3 -c " .. H.shquote([[
import socket, re
for n in dir(socket):
    v = getattr(socket, n)
    if re.match(r'^[A-Z][A-Z0-9_]+$', n) and isinstance(v, int):
        print(n, int(v))
]]) .. " 2>/dev/null")
  local out = p:read("*a")
  p:close()
  local t, n = {}, 0
  for name, value in out:gmatch("(%S+) (%-?%d+)") do t[name] = tonumber(value); n = n + 1 end
  if n == 0 then return nil end
  return t
end

describe("constants", function()
  before_each(H.before)
  after_each(H.after)

  it("have Python's values, and none of Python's is missing", function()
    local py = python_constants()
    if not py then return pending("python3 is not installed: nothing to compare with") end
    local missing, wrong = {}, {}
    for name, value in pairs(py) do
      if lsock[name] == nil then
        if not NOT_IN_HEADERS[name] then missing[#missing + 1] = name end
      elseif lsock[name] ~= value then
        wrong[#wrong + 1] = ("%s: lsock %s, Python %s"):format(name, tostring(lsock[name]), value)
      end
    end
    table.sort(missing); table.sort(wrong)
    assert.are.same({}, wrong)
    assert.are.same({}, missing)
  end)

  it("the groups the reference names are there", function()
    for _, name in ipairs { "SO_REUSEADDR", "TCP_NODELAY", "IP_TTL", "IPV6_V6ONLY", "MSG_PEEK",
      "MSG_TRUNC", "MSG_CTRUNC", "SCM_RIGHTS", "SOL_SOCKET", "IPPROTO_TCP", "SOCK_CLOEXEC",
      "SOCK_NONBLOCK", "IP_MULTICAST_ALL", "IP_PKTINFO", "IPV6_RECVPKTINFO", "IPV6_PKTINFO",
      "MSG_CMSG_CLOEXEC", "SO_PASSCRED", "SCM_CREDENTIALS", "AF_PACKET", "AF_NETLINK" } do
      assert.are.equal("number", type(lsock[name]), name)
    end
  end)
end)
