-- The slow resolver of tests/dns works, so that specs of name resolution
-- inside tasks can rely on it: a .slow.test name resolves to 127.0.0.1
-- after about a second, fast.test at once, any other name fails with
-- EAI_NONAME at once.
local H = require "spec.helper"

local child = [[
local lsock = require "lsock"
local function timed(name)
  local t0 = lsock.monotonic()
  local r, msg, code = lsock.getaddrinfo(name, 80)
  local dt = lsock.monotonic() - t0
  if r then
    print(("RESOLVED %s %s %.3f"):format(name, tostring(r[1].addr[1]), dt))
  else
    print(("FAILED %s %s %.3f %s"):format(name, tostring(code), dt, tostring(msg)))
  end
end
timed("a.slow.test")
timed("fast.test")
timed("nosuch.example")
]]

describe("the slow DNS fixture (tests/dns)", function()
  before_each(H.before)
  after_each(H.after)

  it("answers .slow.test late, fast.test at once, and NXDOMAIN otherwise", function()
    local out, status, skip = H.with_slow_dns(child, { timeout = 20 })
    if skip then return pending(skip) end
    assert.equal(0, status, out)
    local lsock = require "lsock"

    local host, dt = out:match("RESOLVED a%.slow%.test (%S+) (%S+)")
    assert(host, out)
    assert.equal("127.0.0.1", host)
    H.within(tonumber(dt), 0.8, 3, "resolving a.slow.test")

    host, dt = out:match("RESOLVED fast%.test (%S+) (%S+)")
    assert(host, out)
    assert.equal("127.0.0.1", host)
    H.within(tonumber(dt), 0, 0.5, "resolving fast.test")

    local code
    code, dt = out:match("FAILED nosuch%.example (%S+) (%S+)")
    assert(code, out)
    assert.equal(lsock.EAI_NONAME, tonumber(code), out)
    H.within(tonumber(dt), 0, 0.5, "failing nosuch.example")
  end)
end)
