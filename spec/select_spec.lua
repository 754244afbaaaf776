-- lsock.select: Python's select.select over sockets, integer fds and
-- objects with a fileno method.
local H = require "spec.helper"
local lsock = require "lsock"

describe("select", function()
  before_each(H.before)
  after_each(H.after)

  it("reports a readable socket in the first list, writable in the second", function()
    local a, b = lsock.socketpair()
    assert(b:send("x"))
    local r, w, x = lsock.select({ a, b }, { a }, {}, 1)
    assert.are.same({ a }, r)
    assert.are.equal(a, r[1])
    assert.are.equal(1, #w)
    assert.are.equal(a, w[1])
    assert.are.same({}, x)
    a:close(); b:close()
  end)

  it("returns three new empty lists on timeout, after the timeout", function()
    local a, b = lsock.socketpair()
    local rl, xl = { a }, {}
    local t, r, w, x = H.timed(function() return lsock.select(rl, {}, xl, 0.2) end)
    H.within(t, 0.15, 1.5, "select with timeout 0.2")
    assert.are.same({}, r)
    assert.are.same({}, w)
    assert.are.same({}, x)
    assert.are_not.equal(rl, r)
    assert.are_not.equal(xl, x)
    a:close(); b:close()
  end)

  it("returns new tables, not the ones passed", function()
    local a, b = lsock.socketpair()
    assert(b:send("x"))
    local rl = { a }
    local r = lsock.select(rl, {}, {}, 0)
    assert.are.same({ a }, r)
    assert.are_not.equal(rl, r)
    assert.are.equal(1, #rl) -- the input is untouched
    a:close(); b:close()
  end)

  it("timeout 0 polls; nil waits (here for a socket already ready)", function()
    local a, b = lsock.socketpair()
    local t, r = H.timed(function() return lsock.select({ a }, {}, {}, 0) end)
    assert.are.same({}, r)
    assert.is_true(t < 0.1)
    assert(b:send("ready"))
    local r2 = lsock.select({ a }, {}, {}, nil)
    assert.are.same({ a }, r2)
    local r3, w3 = lsock.select({ a }, { b }) -- xlist and timeout omitted
    assert.are.same({ a }, r3)
    assert.are.same({ b }, w3)
    a:close(); b:close()
  end)

  it("takes integer descriptors and returns them as given", function()
    local a, b = lsock.socketpair()
    assert(b:send("x"))
    local fd = a:fileno()
    local r, w = lsock.select({ fd }, { b:fileno() }, {}, 1)
    assert.are.same({ fd }, r)
    assert.are.same({ b:fileno() }, w)
    if H.has_integers then assert.are.equal("integer", math.type(r[1])) end
    a:close(); b:close()
  end)

  it("takes any object with a fileno method and returns that object", function()
    local a, b = lsock.socketpair()
    assert(b:send("x"))
    local obj = { fileno = function(_) return a:fileno() end }
    local ud = setmetatable({}, { __index = { fileno = function() return a:fileno() end } })
    local r = lsock.select({ obj, ud }, {}, {}, 1)
    assert.are.equal(2, #r)
    assert.are.equal(obj, r[1])
    assert.are.equal(ud, r[2])
    a:close(); b:close()
  end)

  it("keeps the order of the input among the ready ones", function()
    local pairs_ = {}
    for i = 1, 5 do pairs_[i] = { lsock.socketpair() } end
    for _, i in ipairs { 2, 4, 5 } do assert(pairs_[i][2]:send("x")) end
    local list = {}
    for i = 1, 5 do list[i] = pairs_[i][1] end
    local r = lsock.select(list, {}, {}, 1)
    assert.are.same({ list[2], list[4], list[5] }, r)
    for _, p in ipairs(pairs_) do p[1]:close(); p[2]:close() end
  end)

  it("reports end of stream as readable", function()
    local a, b = lsock.socketpair()
    b:close()
    local r = lsock.select({ a }, {}, {}, 1)
    assert.are.same({ a }, r)
    assert.are.equal("", a:recv(1))
    a:close()
  end)

  it("reports a listening socket with a pending connection as readable", function()
    local l = lsock.socket()
    assert(l:bind("127.0.0.1", 0))
    assert(l:listen())
    local _, port = l:getsockname()
    assert.are.same({}, (lsock.select({ l }, {}, {}, 0)))
    local c = lsock.socket(); c:settimeout(2)
    assert(c:connect("127.0.0.1", port))
    local r = lsock.select({ l }, {}, {}, 2)
    assert.are.same({ l }, r)
    local conn = assert(l:accept())
    conn:close(); c:close(); l:close()
  end)

  it("reports TCP urgent data in the third list", function()
    local c, a = H.tcp_pair()
    assert.are.equal(1, c:send("!", lsock.MSG_OOB))
    local r, w, x = lsock.select({}, {}, { a }, 1)
    assert.are.same({ a }, x)
    c:close(); a:close()
  end)

  it("a socket in several lists is reported in each where ready", function()
    local a, b = lsock.socketpair()
    assert(b:send("x"))
    local r, w = lsock.select({ a }, { a }, { a }, 1)
    assert.are.same({ a }, r)
    assert.are.same({ a }, w)
    a:close(); b:close()
  end)

  it("empty lists and a timeout just sleep", function()
    local t, r, w, x = H.timed(function() return lsock.select({}, {}, {}, 0.1) end)
    H.within(t, 0.05, 1.5, "select({}, {}, {}, 0.1)")
    assert.are.same({}, r); assert.are.same({}, w); assert.are.same({}, x)
  end)

  it("raises for a negative timeout and for lists that are not tables", function()
    H.raises("bad argument #4 to '[%w_.]*select'", function() local r = lsock.select({}, {}, {}, -0.5) end)
    -- (timeout 0, so that a module accepting nil cannot wait forever)
    H.raises("bad argument #1 to '[%w_.]*select'", function() local r = lsock.select(nil, {}, {}, 0) end)
    H.raises("bad argument #2 to '[%w_.]*select'", function() local r = lsock.select({}, nil, {}, 0) end)
  end)

  it("raises for a closed socket or an element without a descriptor", function()
    local s = lsock.socket()
    s:close()
    assert.is_false((pcall(lsock.select, { s }, {}, {}, 0)))
    assert.is_false((pcall(lsock.select, { "three" }, {}, {}, 0)))
    assert.is_false((pcall(lsock.select, { {} }, {}, {}, 0)))
  end)
end)
