-- lsock.buffer and its views; recv_into/recvfrom_into filling one; the send
-- paths (send, sendall, sendto, makefile's write) taking one.
local H = require "spec.helper"
local lsock = require "lsock"

describe("buffer", function()
  before_each(H.before)
  after_each(H.after)

  it("is size zero bytes, with # and tostring", function()
    local b = lsock.buffer(5)
    assert.are.equal(5, #b)
    assert.are.equal("\0\0\0\0\0", b:tostring())
    assert.are.equal("lsock.buffer (size=5)", tostring(b))
    assert.are.equal(0, #lsock.buffer(0))
    assert.are.equal("", lsock.buffer(0):tostring())
  end)

  it("tostring(i, j) follows string.sub", function()
    local b = lsock.buffer(6):put(1, "abcdef")
    local s = "abcdef"
    for _, r in ipairs { { 1 }, { 2 }, { -2 }, { 2, 4 }, { -3, -2 }, { 0, 100 }, { 5, 2 }, { 7 }, { -100, 2 } } do
      assert.are.equal(s:sub(r[1], r[2]), b:tostring(r[1], r[2]))
    end
  end)

  it("put copies a string or a buffer and returns the buffer; raises when it does not fit", function()
    local b = lsock.buffer(4)
    assert.are.equal(b, b:put(2, "xy"))
    assert.are.equal("\0xy\0", b:tostring())
    b:put(1, lsock.buffer(1):put(1, "Z"))
    assert.are.equal("Zxy\0", b:tostring())
    b:put(5, "") -- just past the end: nothing to copy
    H.raises("bad argument #2", b.put, b, 6, "")
    H.raises("do not fit", b.put, b, 3, "abc")
    H.raises("bad argument #2", b.put, b, 0, "a")
    H.raises("string or buffer expected", b.put, b, 1, {})
  end)

  it("a view shares bytes with its buffer, both ways", function()
    local b = lsock.buffer(8):put(1, "01234567")
    local v = b:view(3, 5)
    assert.are.equal(3, #v)
    assert.are.equal("234", v:tostring())
    v:put(1, "AB")
    assert.are.equal("01AB4567", b:tostring())
    b:put(5, "C")
    assert.are.equal("ABC", v:tostring())
    assert.are.equal("567", b:view(-3):tostring())
    assert.are.equal(0, #b:view(6, 2))
    local vv = v:view(2)
    assert.are.equal("BC", vv:tostring())
    -- overlapping copy within one buffer
    b:put(2, b:view(1, 4))
    assert.are.equal("001AB567", b:tostring())
  end)

  it("a view keeps its buffer alive after the buffer's last reference is gone", function()
    local v
    do
      local b = lsock.buffer(1024):put(1000, "tail")
      v = b:view(1000, 1003)
    end
    for _ = 1, 3 do
      collectgarbage("collect")
      -- fresh allocations that would reuse the buffer's memory, were it freed
      for _ = 1, 2000 do lsock.buffer(64):put(1, "garbage!") end
    end
    collectgarbage("collect")
    assert.are.equal("tail", v:tostring())
  end)

  it("bad sizes raise", function()
    H.raises("bad argument #1", lsock.buffer, -1)
    H.raises("bad argument #1", lsock.buffer, "x")
    H.raises("bad argument #1", lsock.buffer, 2 ^ 40)
    H.raises("bad argument #1", lsock.buffer, 1.5)
  end)

  it("recv_into fills the buffer from byte 1 and returns the count", function()
    local c, a = H.tcp_pair()
    local b = lsock.buffer(10):put(1, "..........")
    assert(c:sendall("hello"))
    assert.are.equal(5, a:recv_into(b))
    assert.are.equal("hello.....", b:tostring())
    assert(c:sendall("abcdef"))
    assert.are.equal(2, a:recv_into(b, 2))
    assert.are.equal("abllo.....", b:tostring())
    local v = b:view(6)
    assert.are.equal(4, a:recv_into(v))
    assert.are.equal("abllocdef.", b:tostring())
    c:close()
    assert.are.equal(0, a:recv_into(b)) -- end of stream
    a:close()
  end)

  it("recv_into: bad nbytes and non-buffers raise", function()
    local c, a = H.tcp_pair()
    local b = lsock.buffer(4)
    H.raises("negative buffersize", a.recv_into, a, b, -1)
    H.raises("buffer too small", a.recv_into, a, b, 5)
    H.raises("lsock.buffer expected", a.recv_into, a, "string")
    H.raises("lsock.buffer expected", a.recv_into, a)
    c:close(); a:close()
  end)

  it("recv_into honours the timeout and non-blocking mode", function()
    local c, a = H.tcp_pair(0.2)
    local b = lsock.buffer(4)
    H.timedout(a:recv_into(b))
    a:settimeout(0)
    H.fails({ lsock.EAGAIN, lsock.EWOULDBLOCK }, a:recv_into(b))
    c:close(); a:close()
  end)

  it("recvfrom_into gives the count and the sender's address", function()
    local x, y = H.udp_pair()
    local _, yport = y:getsockname()
    local _, xport = x:getsockname()
    assert(x:sendto("datagram", "127.0.0.1", yport))
    local b = lsock.buffer(16)
    local n, host, port = y:recvfrom_into(b)
    assert.are.equal(8, n)
    assert.are.equal("datagram", b:tostring(1, n))
    assert.are.equal("127.0.0.1", host)
    assert.are.equal(xport, port)
    -- a datagram longer than the room is cut
    assert(x:sendto("0123456789", "127.0.0.1", yport))
    assert.are.equal(4, (y:recvfrom_into(b, 4)))
    assert.are.equal("0123", b:tostring(1, 4))
    x:close(); y:close()
  end)

  it("send, sendall, sendto and a file's write take a buffer or a view", function()
    local c, a = H.tcp_pair()
    local b = lsock.buffer(6):put(1, "abcdef")
    assert.are.equal(6, c:send(b))
    assert.are.equal(true, c:sendall(b:view(2, 3)))
    local f = c:makefile("w")
    f:write(b:view(5), "!", b:view(1, 1))
    f:flush()
    assert.are.equal("abcdefbcef!a", H.recvn(a, 12))
    H.raises("string or buffer expected", c.send, c, {})
    f:close(); c:close(); a:close()
    local x, y = H.udp_pair()
    local _, yport = y:getsockname()
    assert.are.equal(3, x:sendto(b:view(4), "127.0.0.1", yport))
    assert.are.equal("def", (y:recvfrom(10)))
    x:close(); y:close()
  end)

  it("a large recv_into into a reused buffer moves every byte", function()
    local c, a = H.tcp_pair()
    local chunk = string.rep("0123456789abcdef", 4096) -- 64 KiB
    local b = lsock.buffer(65536)
    local got, parts = 0, {}
    for i = 1, 8 do
      assert(c:sendall(chunk))
      while got < i * #chunk do
        local n = assert(a:recv_into(b))
        parts[#parts + 1] = b:tostring(1, n)
        got = got + n
      end
    end
    assert.are.equal(string.rep(chunk, 8), table.concat(parts))
    c:close(); a:close()
  end)
end)
