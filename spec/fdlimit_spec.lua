-- No FD_SETSIZE limit: with more than 1100 sockets open, a socket whose
-- descriptor is above 1024 waits, times out and is selected correctly.
local H = require "spec.helper"
local lsock = require "lsock"

local FILLERS = 1100

describe("descriptors above FD_SETSIZE", function()
  local fillers, a, b

  local function setup()
    local limit = H.nofile_limit()
    if not limit or limit < FILLERS + 100 then
      return false, ("ulimit -n is %s; this spec needs %d (raise it with ulimit -n 4096)")
        :format(tostring(limit), FILLERS + 100)
    end
    fillers = {}
    for i = 1, FILLERS do
      fillers[i] = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
    end
    a, b = lsock.socketpair()
    assert.is_true(a:fileno() > 1024, "fd " .. a:fileno())
    assert.is_true(b:fileno() > 1024, "fd " .. b:fileno())
    return true
  end

  local function teardown()
    if a then a:close(); b:close() end
    for _, s in ipairs(fillers or {}) do s:close() end
    fillers, a, b = nil, nil, nil
  end

  before_each(H.before)
  after_each(function()
    teardown() -- also when a spec failed half-way
    H.after()
  end)

  it("recv with a timeout times out, then receives", function()
    local ok, why = setup()
    if not ok then return pending(why) end
    a:settimeout(0.2)
    local t, r1, r2, r3 = H.timed(function() return a:recv(10) end)
    H.timedout(r1, r2, r3)
    H.within(t, 0.15, 1.5, "recv with timeout 0.2 on fd " .. a:fileno())
    assert.are.equal(4, b:send("high"))
    assert.are.equal("high", a:recv(10))
  end)

  it("send with a timeout times out on a full buffer, and sends otherwise", function()
    local ok, why = setup()
    if not ok then return pending(why) end
    b:settimeout(0.2)
    assert.are.equal(3, b:send("abc"))
    assert.are.equal("abc", a:recv(3))
    H.fill(b)
    local t, r1, r2, r3 = H.timed(function() return b:send(string.rep("x", 65536)) end)
    H.timedout(r1, r2, r3)
    H.within(t, 0.15, 1.5, "send with timeout 0.2 on fd " .. b:fileno())
    local r = { b:sendall(string.rep("y", 65536)) }
    assert.are.equal("timeout", r[2])
    assert.is_number(r[4])
  end)

  it("accept and connect with a timeout", function()
    local ok, why = setup()
    if not ok then return pending(why) end
    local l = lsock.socket()
    assert.is_true(l:fileno() > 1024)
    assert(l:bind("127.0.0.1", 0))
    assert(l:listen())
    l:settimeout(0.2)
    local t, r1, r2, r3 = H.timed(function() return l:accept() end)
    H.timedout(r1, r2, r3)
    H.within(t, 0.15, 1.5, "accept with timeout 0.2")
    local c = lsock.socket()
    c:settimeout(2)
    assert.are.equal(true, c:connect(l:getsockname()))
    l:settimeout(2)
    local conn = assert(l:accept())
    assert.is_true(conn:fileno() > 1024)
    conn:close(); c:close(); l:close()
  end)

  it("lsock.select sees it: readable, writable, integer fd, timeout", function()
    local ok, why = setup()
    if not ok then return pending(why) end
    local t, r0 = H.timed(function() return lsock.select({ a }, {}, {}, 0.2) end)
    assert.are.same({}, r0)
    H.within(t, 0.15, 1.5, "select with timeout 0.2 on fd " .. a:fileno())
    assert(b:send("x"))
    local r, w = lsock.select({ a, fillers[1] }, { b }, {}, 1)
    assert.are.same({ a }, r)
    assert.are.same({ b }, w)
    local ri = lsock.select({ a:fileno() }, {}, {}, 1)
    assert.are.same({ a:fileno() }, ri)
    -- a low descriptor and a high one together
    local lo1, lo2 = fillers[1], fillers[2]
    local rw = select(2, lsock.select({}, { lo1, b, lo2 }, {}, 1))
    assert.are.same({ lo1, b, lo2 }, rw)
  end)
end)
