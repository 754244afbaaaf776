-- s:sendfile: a regular file whole, from an offset, a count; the io file's
-- position after; a descriptor; timeout mode against a slow reader (the
-- count on failure, nothing lost); the read-and-send fallback for a file
-- that is not regular; bad input.
local H = require "spec.helper"
local lsock = require "lsock"

local function pattern(n)
  local t = {}
  for i = 1, math.ceil(n / 16) do t[i] = ("%015d\n"):format(i) end
  return table.concat(t):sub(1, n)
end

describe("sendfile", function()
  local dir, path, content
  before_each(function()
    H.before()
    dir = H.tmpdir()
    path = dir .. "/data"
    content = pattern(300000)
    local f = assert(io.open(path, "wb"))
    f:write(content)
    f:close()
  end)
  after_each(function()
    H.rmtree(dir)
    H.after()
  end)

  it("sends a whole file; the position ends after it", function()
    local c, a = H.tcp_pair()
    local f = assert(io.open(path, "rb"))
    assert.are.equal(#content, c:sendfile(f))
    assert.are.equal(#content, f:seek())
    assert.are.equal(content, H.recvn(a, #content))
    f:close(); c:close(); a:close()
  end)

  it("from an offset, with a count; over a Unix stream too", function()
    local c, a = lsock.socketpair()
    c:settimeout(5); a:settimeout(5)
    local f = assert(io.open(path, "rb"))
    assert.are.equal(1000, c:sendfile(f, 12345, 1000))
    assert.are.equal(13345, f:seek())
    assert.are.equal(content:sub(12346, 13345), H.recvn(a, 1000))
    -- a count past the end stops at the end
    assert.are.equal(100, c:sendfile(f, #content - 100, 1e6))
    assert.are.equal(content:sub(-100), H.recvn(a, 100))
    assert.are.equal(#content, f:seek())
    -- at the end: nothing
    assert.are.equal(0, c:sendfile(f, #content))
    f:close(); c:close(); a:close()
  end)

  it("takes an integer descriptor", function()
    local c, a = H.tcp_pair()
    local fd = assert(io.open(path, "rb"))
    -- the descriptor of the io file, found by its /proc entry
    local num
    for n, target in pairs(H.fds()) do if target == path then num = n end end
    assert.truthy(num)
    assert.are.equal(50, c:sendfile(num, 10, 50))
    assert.are.equal(content:sub(11, 60), H.recvn(a, 50))
    fd:close(); c:close(); a:close()
  end)

  it("a file written through io is flushed first", function()
    local c, a = H.tcp_pair()
    local f = assert(io.open(dir .. "/w", "w+b"))
    f:write("pending bytes")
    assert.are.equal(13, c:sendfile(f))
    assert.are.equal("pending bytes", H.recvn(a, 13))
    f:close(); c:close(); a:close()
  end)

  it("timeout mode against a slow reader: the count on failure, nothing lost", function()
    local c, a = H.tcp_pair(0.3)
    assert(c:setsockopt(lsock.SOL_SOCKET, lsock.SO_SNDBUF, 16384))
    local big = dir .. "/big"
    local bc = pattern(8 * 1024 * 1024)
    local w = assert(io.open(big, "wb")); w:write(bc); w:close()
    local f = assert(io.open(big, "rb"))
    local r = { c:sendfile(f) }
    assert.is_nil(r[1])
    assert.are.equal("timeout", r[2])
    assert.are.equal(lsock.ETIMEDOUT, r[3])
    local sent = r[4]
    assert.is_true(sent > 0 and sent < #bc, "sent " .. tostring(sent))
    assert.are.equal(sent, f:seek())
    -- the reader gets exactly what was counted, then the rest from there
    a:settimeout(5)
    c:settimeout(30)
    local got = H.recvn(a, sent)
    assert.are.equal(bc:sub(1, sent), got)
    -- and the call goes on from there: the next bytes follow at once
    assert.are.equal(100000, c:sendfile(f, sent, 100000))
    assert.are.equal(sent + 100000, f:seek())
    assert.are.equal(bc:sub(sent + 1, sent + 100000), H.recvn(a, 100000))
    f:close(); c:close(); a:close()
  end)

  it("a file that is not regular is read and sent", function()
    local c, a = H.tcp_pair()
    local p = assert(io.popen("printf 'from a pipe'", "r"))
    assert.are.equal(11, c:sendfile(p))
    assert.are.equal("from a pipe", H.recvn(a, 11))
    p:close()
    p = assert(io.popen("printf 'abcdefgh'", "r"))
    assert.are.equal(3, c:sendfile(p, 0, 3))
    assert.are.equal("abc", H.recvn(a, 3))
    -- an offset cannot be reached in a pipe
    H.fails(lsock.ESPIPE, c:sendfile(p, 2))
    p:close()
    c:close(); a:close()
  end)

  it("bad input raises; a closed file, a datagram socket", function()
    local c, a = H.tcp_pair()
    local f = assert(io.open(path, "rb"))
    -- (#2 when called as a function; the trampoline of 5.1 and LuaJIT counts as a method call)
    H.raises("bad argument #%d", c.sendfile, c, "path")
    H.raises("bad argument #%d", c.sendfile, c, -1)
    H.raises("offset must be non%-negative", c.sendfile, c, f, -1)
    H.raises("count must be non%-negative", c.sendfile, c, f, 0, -5)
    f:close()
    H.raises("closed file", c.sendfile, c, f)
    local u = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
    H.raises("only SOCK_STREAM", u.sendfile, u, 0)
    u:close()
    c:close(); a:close()
  end)
end)
