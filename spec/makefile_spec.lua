-- makefile(): buffered file objects over sockets (issue 3). Every socket
-- has a timeout, so no case can hang; every case closes what it opens and
-- the helper checks after each that no descriptor leaked.
local H = require "spec.helper"
local lsock = require "lsock"

local MSG_DONTWAIT = lsock.MSG_DONTWAIT

-- A connected Unix pair, both sides with a timeout.
local function pair(timeout)
  local a, b = assert(lsock.socketpair())
  a:settimeout(timeout or 5)
  b:settimeout(timeout or 5)
  return a, b
end

-- What the peer has received so far, without waiting ("" when nothing).
-- (Windows has no MSG_DONTWAIT: there the socket is non-blocking meanwhile.)
local function received(s)
  local parts, timeout = {}, s:gettimeout()
  if not MSG_DONTWAIT then s:settimeout(0) end
  while true do
    local d = s:recv(1048576, MSG_DONTWAIT)
    if not d or d == "" then break end
    parts[#parts + 1] = d
  end
  s:settimeout(timeout)
  return table.concat(parts)
end

-- The same reads on an io file holding 'text', for parity with io.
local function ioread(text, ...)
  local f = io.tmpfile()
  f:write(text)
  f:seek("set")
  -- Lua 5.1 and 5.2 know the formats only as "*l", which 5.3+ accept too
  local fmts = { n = select("#", ...), ... }
  for i = 1, fmts.n do
    if type(fmts[i]) == "string" then fmts[i] = "*" .. fmts[i] end
  end
  local r = { n = 0 }
  local function pack(...) r = { n = select("#", ...), ... } end
  pack(f:read(H.unpack(fmts, 1, fmts.n)))
  f:close()
  return r
end

local function packn(...) return { n = select("#", ...), ... } end

describe("makefile", function()
  before_each(H.before)
  after_each(H.after)

  describe("object", function()
    it("accepts the modes r w rw rb wb rwb, and r by default", function()
      local a, b = pair()
      for _, m in ipairs { "r", "w", "rw", "rb", "wb", "rwb" } do
        local f = a:makefile(m)
        assert.are.equal("lsock.file", debug.getmetatable(f).__name)
        assert.is_true(f:close())
      end
      local f = a:makefile()
      assert.is_true(f:close())
      a:close(); b:close()
    end)

    it("raises on any other mode, a negative buffering, a closed socket", function()
      local a, b = pair()
      for _, m in ipairs { "", "x", "rt", "wr", "a", "r+", "br" } do
        H.raises("bad argument #1 to 'makefile'", function() local x = a:makefile(m) end)
      end
      H.raises("bad argument #2 to 'makefile'", function() local x = a:makefile("r", -1) end)
      H.raises("bad argument #2 to 'makefile'", function() local x = a:makefile("r", "big") end)
      a:close()
      H.raises("attempt to use a closed socket", a.makefile, a)
      b:close()
    end)

    it("has io's methods, __name, a protected metatable, __tostring", function()
      local a, b = pair()
      local f = a:makefile("rw")
      for _, m in ipairs { "read", "lines", "write", "flush", "setvbuf", "close", "fileno" } do
        assert.is_function(f[m], m)
      end
      assert.is_string(getmetatable(f))
      assert.truthy(tostring(f):match("^lsock%.file %(0x%x+%)$") or tostring(f):match("^lsock%.file %(%x+%)$"),
        tostring(f))
      assert.are.equal(a:fileno(), f:fileno())
      f:close()
      assert.are.equal("lsock.file (closed)", tostring(f))
      a:close(); b:close()
    end)

    it("a closed file raises 'attempt to use a closed file' in every method", function()
      local a, b = pair()
      local f = a:makefile("rw")
      assert.is_true(f:close())
      for _, call in ipairs {
        function() local x = f:read() end, function() local x = f:lines() end,
        function() local x = f:write("x") end, function() local x = f:flush() end,
        function() local x = f:setvbuf("no") end, function() local x = f:close() end,
        function() local x = f:fileno() end,
        function() local x = lsock.select({ f }, {}, {}, 0) end,
      } do
        H.raises("attempt to use a closed file", call)
      end
      a:close(); b:close()
    end)

    it("a method called on something else names lsock.file", function()
      local a, b = pair()
      local f = a:makefile()
      H.raises("lsock%.file expected", f.read, a)
      H.raises("lsock%.file expected", f.write, {}, "x")
      f:close(); a:close(); b:close()
    end)
  end)

  describe("read", function()
    it("reads l, L, counts and a as io does, nil at end of stream", function()
      local text = "one\ntwo\r\n\nthree\nlast line without newline"
      local function check(fmts)
        -- all the formats in one call
        local a, b = pair()
        local f = a:makefile("r")
        assert(b:sendall(text))
        b:close()
        assert.are.same(ioread(text, H.unpack(fmts)), packn(f:read(H.unpack(fmts))))
        f:close(); a:close()
        -- then each format alone
        a, b = pair()
        f = a:makefile("r")
        assert(b:sendall(text))
        b:close()
        local io_f = io.tmpfile()
        io_f:write(text); io_f:seek("set")
        for _, fmt in ipairs(fmts) do
          local iofmt = type(fmt) == "string" and "*" .. fmt or fmt
          assert.are.same(packn(io_f:read(iofmt)), packn(f:read(fmt)))
        end
        io_f:close()
        f:close(); a:close()
      end
      local cases = {
        { "l", "l", "l", "l", "l", "l" },
        { "L", "L", "L", "L", "L", "L" },
        { 3, 1, 0, 100, 0, 5 },
        { "a", "a", "l", 1 },
        { "l", "a", "a" },
        { 5, "L", "l", "a" },
      }
      -- PUC Lua 5.1's io has no "*L" to compare with
      local io_has_L = not (_VERSION == "Lua 5.1" and not jit)
      for _, fmts in ipairs(cases) do
        local has_L = false
        for _, fmt in ipairs(fmts) do has_L = has_L or fmt == "L" end
        if not has_L or io_has_L then check(fmts) end
      end
    end)

    it("reads 'l' by default, and accepts 5.1's '*l' '*L' '*a' '*n'", function()
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("a\nb\nc\n42\nrest"))
      b:close()
      assert.are.equal("a", f:read())
      assert.are.equal("b", f:read("*l"))
      assert.are.equal("c\n", f:read("*L"))
      assert.are.equal(42, f:read("*n"))
      assert.are.equal("\nrest", f:read("*a"))
      assert.are.equal("", f:read("*a"))
      assert.is_nil(f:read("*l"))
      f:close(); a:close()
    end)

    it("returns the results up to the first that fails, that one nil", function()
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("x\ny"))
      b:close()
      assert.are.same({ n = 3, "x", "y", nil }, packn(f:read("l", "l", "l", "l")))
      f:close(); a:close()
    end)

    it("reads numbers as io's 'n'", function()
      local texts = { "12 0x1F -3.5e2 .5 0x.8p1 +7", "  42abc", "abc", "1e", "--1", "0x", "" }
      for _, text in ipairs(texts) do
        local a, b = pair()
        local f = a:makefile()
        assert(b:sendall(text))
        b:close()
        local got = packn(f:read("n", "n", "n", "n", "n", "n", "n"))
        if H.has_integers and not jit then
          assert.are.same(ioread(text, "n", "n", "n", "n", "n", "n", "n"), got, text)
          -- what follows the numeral is still there, as with io
          local io_f = io.tmpfile()
          io_f:write(text); io_f:seek("set")
          io_f:read("*n")
          local rest = io_f:read("*a")
          io_f:close()
          f:close(); a:close()
          a, b = pair()
          f = a:makefile()
          assert(b:sendall(text)); b:close()
          f:read("n")
          assert.are.equal(rest, f:read("a"), text)
        end
        f:close(); a:close()
      end
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("12 0x1F -3.5e2 x"))
      b:close()
      assert.are.same({ n = 4, 12, 31, -350, nil }, packn(f:read("n", "n", "n", "n")))
      f:close(); a:close()
    end)

    it("raises on an invalid format or a negative count", function()
      local a, b = pair()
      local f = a:makefile()
      H.raises("bad argument #1 to 'read' %(invalid format%)", function() local x = f:read("x") end)
      H.raises("bad argument #1 to 'read'", function() local x = f:read(-1) end)
      assert(b:sendall("x\n"))
      H.raises("bad argument #2 to 'read'", function() local x = f:read("l", -1) end)
      assert.are.equal("x", f:read()) -- the raise consumed nothing
      H.raises("bad argument #1 to 'read'", function() local x = f:read({}) end)
      f:close(); a:close(); b:close()
    end)

    it("read(0) is '' while the stream lasts, nil at its end", function()
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("z"))
      assert.are.equal("", f:read(0))
      assert.are.equal("z", f:read(1))
      b:close()
      assert.is_nil(f:read(0))
      f:close(); a:close()
    end)

    it("reads a line longer than the buffer, and a byte count larger than it", function()
      local a, b = pair(0.2)
      local f = a:makefile()
      local chunk = string.rep("0123456789abcdef", 4096) -- 64 KiB
      local line = {}
      -- the peer can hold only so much: send a piece, let the read time
      -- out holding it, send the next
      for i = 1, 5 do
        assert(b:sendall(chunk))
        line[i] = chunk
        H.timedout(f:read("l"))
      end
      assert(b:sendall("!\n" .. chunk))
      assert.are.equal(table.concat(line) .. "!", f:read("l"))
      for _ = 1, 4 do
        assert(b:sendall(chunk))
        H.timedout(f:read(6 * #chunk))
      end
      b:close()
      local rest = f:read(6 * #chunk)
      assert.are.equal(5 * #chunk, #rest)
      assert.are.equal(string.rep(chunk, 5), rest)
      assert.is_nil(f:read(1))
      f:close(); a:close()
    end)

    it("a read on a write-only file fails with EBADF, as io", function()
      local a, b = pair()
      local f = a:makefile("w")
      H.fails(lsock.EBADF, f:read("l"))
      f:close(); a:close(); b:close()
    end)

    it("a datagram-free stream of 1 MiB comes through read('a')", function()
      local a, b = pair(0.2)
      local f = a:makefile("rb")
      local parts = {}
      for i = 1, 16 do
        parts[i] = string.rep(string.char(64 + i), 65536)
        assert(b:sendall(parts[i]))
        H.timedout(f:read("a"))
      end
      b:close()
      assert.are.equal(table.concat(parts), f:read("a"))
      assert.are.equal("", f:read("a"))
      f:close(); a:close()
    end)
  end)

  describe("timeouts lose no byte", function()
    it("a half line times out, and the whole line comes with the rest", function()
      local a, b = pair(0.2)
      local f = a:makefile()
      assert(b:sendall("GET / HT"))
      local t = H.timed(function() H.timedout(f:read("l")) end)
      H.within(t, 0.15, 2, "read('l')")
      assert(b:sendall("TP/1.0\r\nHost"))
      assert.are.equal("GET / HTTP/1.0\r", f:read("l"))
      H.timedout(f:read("L"))
      assert(b:sendall(": x\n"))
      assert.are.equal("Host: x\n", f:read("L"))
      f:close(); a:close(); b:close()
    end)

    it("a byte count times out, and all the bytes come with the rest", function()
      local a, b = pair(0.2)
      local f = a:makefile()
      assert(b:sendall("abcd"))
      H.timedout(f:read(10))
      assert(b:sendall("efghijKL"))
      assert.are.equal("abcdefghij", f:read(10))
      assert.are.equal("KL", f:read(2))
      f:close(); a:close(); b:close()
    end)

    it("several formats in one call: a timeout consumes none of them", function()
      local a, b = pair(0.2)
      local f = a:makefile()
      assert(b:sendall("first\nsec"))
      H.timedout(f:read("l", "l"))
      assert(b:sendall("ond\n"))
      assert.are.same({ n = 2, "first", "second" }, packn(f:read("l", "l")))
      assert(b:sendall("12"))
      H.timedout(f:read("n"))
      assert(b:sendall("34 "))
      assert.are.equal(1234, f:read("n"))
      f:close(); a:close(); b:close()
    end)

    it("in non-blocking mode a read fails with EAGAIN and keeps the bytes", function()
      local a, b = pair()
      a:settimeout(0)
      local f = a:makefile()
      assert(b:sendall("par"))
      H.fails({ lsock.EAGAIN, lsock.EWOULDBLOCK }, f:read("l"))
      assert(b:sendall("tial\n"))
      assert.are.equal("partial", f:read("l"))
      f:close(); a:close(); b:close()
    end)

    it("a write times out, keeps what it could not send, and flush sends it", function()
      local a, b = pair(0.2)
      local f = a:makefile("w")
      local pieces = {}
      for i = 1, 64 do pieces[i] = string.rep(string.char(32 + i), 16384 + i) end
      local data = table.concat(pieces)
      local t = H.timed(function() H.timedout(f:write(H.unpack(pieces))) end)
      H.within(t, 0.15, 3, "write")
      local got = { received(b) }
      assert.is_true(#got[1] > 0 and #got[1] < #data)
      local flushed = false
      for _ = 1, 200 do
        local ok, err = f:flush()
        got[#got + 1] = received(b)
        if ok then flushed = true break end
        assert.are.equal("timeout", err)
      end
      assert.is_true(flushed)
      got[#got + 1] = received(b)
      assert.are.equal(#data, #table.concat(got))
      assert.is_true(data == table.concat(got), "the bytes arrived in order")
      f:close(); a:close(); b:close()
    end)

    it("in non-blocking mode a write fails with EAGAIN and keeps the rest", function()
      local a, b = pair()
      a:settimeout(0)
      local f = a:makefile("w", 0)
      local data = string.rep("0123456789", 100000)
      H.fails({ lsock.EAGAIN, lsock.EWOULDBLOCK }, f:write(data))
      local got = { received(b) }
      for _ = 1, 1000 do
        local ok = f:flush()
        got[#got + 1] = received(b)
        if ok then break end
      end
      assert.is_true(data == table.concat(got))
      f:close(); a:close(); b:close()
    end)

    it("lines() raises on a timeout, and the bytes stay for the next read", function()
      local a, b = pair(0.2)
      local f = a:makefile()
      assert(b:sendall("one\ntw"))
      local seen = {}
      local ok, err = pcall(function()
        for l in f:lines() do seen[#seen + 1] = l end
      end)
      assert.is_false(ok)
      assert.truthy(tostring(err):match("timeout"))
      assert.are.same({ "one" }, seen)
      assert(b:sendall("o\n"))
      assert.are.equal("two", f:read())
      f:close(); a:close(); b:close()
    end)
  end)

  describe("lines", function()
    it("iterates lines to the end of the stream", function()
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("a\n\nb\nc"))
      b:close()
      local seen = {}
      for l in f:lines() do seen[#seen + 1] = l end
      assert.are.same({ "a", "", "b", "c" }, seen)
      f:close(); a:close()
    end)

    it("takes formats as io's lines", function()
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("1 2\n3 4\n"))
      b:close()
      local seen = {}
      for x, y in f:lines("n", "n") do seen[#seen + 1] = x + y end
      assert.are.same({ 3, 7 }, seen)
      f:close(); a:close()
      a, b = pair()
      f = a:makefile()
      assert(b:sendall("abcdefg"))
      b:close()
      seen = {}
      for c in f:lines(3) do seen[#seen + 1] = c end
      assert.are.same({ "abc", "def", "g" }, seen)
      f:close(); a:close()
      a, b = pair()
      f = a:makefile()
      assert(b:sendall("x\ny\n"))
      b:close()
      seen = {}
      for l in f:lines("L") do seen[#seen + 1] = l end
      assert.are.same({ "x\n", "y\n" }, seen)
      f:close(); a:close()
    end)

    it("the iterator of a closed file raises 'file is already closed'", function()
      local a, b = pair()
      local f = a:makefile()
      local it = f:lines()
      f:close()
      H.raises("file is already closed", it)
      a:close(); b:close()
    end)

    it("raises on an invalid format when it reads", function()
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("x\n"))
      local it = f:lines("?")
      H.raises("invalid format", it)
      f:close(); a:close(); b:close()
    end)
  end)

  describe("write", function()
    it("returns the file, writes strings and numbers as io", function()
      local a, b = pair()
      local f = a:makefile("w")
      assert.are.equal(f, f:write("a", 1, " ", 2.5, " ", 1.0, " ", -0.0, "\n"))
      assert.is_true(f:flush())
      local io_f = io.tmpfile()
      io_f:write("a", 1, " ", 2.5, " ", 1.0, " ", -0.0, "\n")
      io_f:seek("set")
      local want = io_f:read("*a")
      io_f:close()
      assert.are.equal(want, H.recvn(b, #want))
      assert.are.equal(f, f:write())
      H.raises("bad argument #1 to 'write'", function() local x = f:write({}) end)
      H.raises("bad argument #2 to 'write'", function() local x = f:write("x", true) end)
      f:close(); a:close(); b:close()
    end)

    it("buffers 8192 bytes by default, sent at flush or when full", function()
      local a, b = pair()
      local f = a:makefile("w")
      f:write("hello")
      assert.are.equal("", received(b))
      f:write(string.rep("x", 8187))
      assert.are.equal("", received(b)) -- exactly full
      f:write("!")
      assert.are.equal("hello" .. string.rep("x", 8187), received(b))
      assert.is_true(f:flush())
      assert.are.equal("!", received(b))
      f:close(); a:close(); b:close()
    end)

    it("a write as large as the buffer goes out at once", function()
      local a, b = pair()
      local f = a:makefile("w", 16)
      f:write("ab")
      assert.are.equal("", received(b))
      f:write(string.rep("c", 20))
      assert.are.equal("ab" .. string.rep("c", 20), received(b))
      f:close(); a:close(); b:close()
    end)

    it("buffering 0 sends every write at once", function()
      local a, b = pair()
      local f = a:makefile("w", 0)
      f:write("a")
      assert.are.equal("a", received(b))
      f:write("b", "c")
      assert.are.equal("bc", received(b))
      f:close(); a:close(); b:close()
    end)

    it("buffering 1 sends at each newline", function()
      local a, b = pair()
      local f = a:makefile("w", 1)
      f:write("abc")
      assert.are.equal("", received(b))
      f:write("d\ne")
      assert.are.equal("abcd\ne", received(b))
      f:write("f")
      assert.are.equal("", received(b))
      f:close()
      assert.are.equal("f", received(b))
      a:close(); b:close()
    end)

    it("setvbuf switches between no, full and line, sending what was buffered", function()
      local a, b = pair()
      local f = a:makefile("w")
      f:write("x")
      assert.is_true(f:setvbuf("no"))
      assert.are.equal("x", received(b))
      f:write("y")
      assert.are.equal("y", received(b))
      assert.is_true(f:setvbuf("line"))
      f:write("z")
      assert.are.equal("", received(b))
      f:write("\n")
      assert.are.equal("z\n", received(b))
      assert.is_true(f:setvbuf("full", 4))
      f:write("abc")
      assert.are.equal("", received(b))
      f:write("de")
      assert.are.equal("abc", received(b))
      f:write("fghij")
      assert.are.equal("defghij", received(b))
      assert.is_true(f:setvbuf("full"))
      f:write(string.rep("k", 8000), "\n")
      assert.are.equal("", received(b))
      f:flush()
      assert.are.equal(8001, #received(b))
      H.raises("bad argument #1 to 'setvbuf'", function() local x = f:setvbuf("fast") end)
      H.raises("bad argument #2 to 'setvbuf'", function() local x = f:setvbuf("full", 0) end)
      f:close(); a:close(); b:close()
    end)

    it("close sends what is buffered", function()
      local a, b = pair()
      local f = a:makefile("w")
      f:write("bye")
      assert.is_true(f:close())
      assert.are.equal("bye", received(b))
      a:close(); b:close()
    end)

    it("a write on a read-only file fails with EBADF, as io", function()
      local a, b = pair()
      local f = a:makefile("r")
      H.fails(lsock.EBADF, f:write("x"))
      f:close(); a:close(); b:close()
    end)

    it("a write to a vanished peer fails with EPIPE, never a signal", function()
      local a, b = pair()
      local f = a:makefile("w", 0)
      b:close()
      H.fails({ lsock.EPIPE, lsock.ECONNRESET }, f:write("x"))
      f:close(); a:close()
    end)

    it("rw files read and write the same stream (an echo over TCP)", function()
      local c, s = H.tcp_pair()
      local fc, fs = c:makefile("rw"), s:makefile("rwb")
      fc:write("ping 1\n", "ping 2\n"):flush()
      for l in fs:lines() do
        fs:write(l:upper(), "\n")
        if l == "ping 2" then break end
      end
      fs:flush()
      assert.are.same({ n = 2, "PING 1", "PING 2" }, packn(fc:read("l", "l")))
      fc:close(); fs:close(); c:close(); s:close()
    end)
  end)

  describe("lifetime", function()
    it("socket closed first: the file goes on, the descriptor closes with it", function()
      local a, b = pair()
      local fd = a:fileno()
      local f = a:makefile("rw")
      assert.is_true(a:close())
      assert.are.equal(-1, a:fileno())
      H.raises("attempt to use a closed socket", a.recv, a, 1)
      assert.is_true(H.fd_is_open(fd))
      assert(b:sendall("still here\n"))
      assert.are.equal("still here", f:read())
      f:write("back\n"):flush()
      assert.are.equal("back\n", H.recvn(b, 5))
      assert.are.equal(fd, f:fileno())
      assert.is_true(f:close())
      assert.is_false(H.fd_is_open(fd))
      b:close()
    end)

    it("file closed first: the socket goes on, and closes its descriptor", function()
      local a, b = pair()
      local fd = a:fileno()
      local f = a:makefile()
      assert.is_true(f:close())
      assert.is_true(H.fd_is_open(fd))
      assert.are.equal(1, a:send("x"))
      assert.is_true(a:close())
      assert.is_false(H.fd_is_open(fd))
      b:close()
    end)

    it("several files: the descriptor closes with the last of them", function()
      local a, b = pair()
      local fd = a:fileno()
      local f1, f2, f3 = a:makefile("r"), a:makefile("w"), a:makefile("rw")
      f2:close()
      a:close()
      assert.is_true(H.fd_is_open(fd))
      f1:close()
      assert.is_true(H.fd_is_open(fd))
      f3:write("ok"):flush()
      assert.are.equal("ok", H.recvn(b, 2))
      f3:close()
      assert.is_false(H.fd_is_open(fd))
      b:close()
    end)

    it("a collected file lets the socket go on; closing it then closes the fd", function()
      local a, b = pair()
      local fd = a:fileno()
      local f = a:makefile("w")
      f:write("flushed by __gc")
      f = nil
      collectgarbage("collect"); collectgarbage("collect")
      assert.are.equal("flushed by __gc", received(b))
      assert.is_true(H.fd_is_open(fd))
      assert.are.equal(1, a:send("y"))
      a:close()
      assert.is_false(H.fd_is_open(fd))
      b:close()
    end)

    it("a closed socket whose file is collected closes the descriptor", function()
      local a, b = pair()
      local fd = a:fileno()
      local f = a:makefile()
      a:close()
      f = nil
      collectgarbage("collect"); collectgarbage("collect")
      assert.is_false(H.fd_is_open(fd))
      b:close()
    end)

    it("socket and file collected together close the descriptor once", function()
      for round = 1, 3 do
        local a, b = pair()
        local fd = a:fileno()
        local f = a:makefile("rw")
        if round == 2 then a:close() end
        if round == 3 then f:close() end
        a, f = nil, nil
        collectgarbage("collect"); collectgarbage("collect"); collectgarbage("collect")
        assert.is_false(H.fd_is_open(fd))
        b:close()
      end
    end)

    it("a file keeps its socket alive when only the file is referenced", function()
      local f, b
      do
        local a
        a, b = pair()
        f = a:makefile("rw")
      end
      collectgarbage("collect"); collectgarbage("collect")
      assert(b:sendall("alive\n"))
      assert.are.equal("alive", f:read())
      f:close()
      collectgarbage("collect"); collectgarbage("collect")
      b:close()
    end)

    it("a state closed with open sockets and files finalizes them in any order", function()
      local out, ok = H.run_lua([[
        local lsock = require "lsock"
        local keep = {}
        for i = 1, 50 do
          local a, b = lsock.socketpair()
          local f = a:makefile("rw")
          f:write("pending")
          local g = a:makefile("w")
          if i % 3 == 0 then a:close() end
          if i % 5 == 0 then f:close() end
          keep[#keep + 1] = { f, a, b, g }
        end
        print("done")
      ]])
      assert.is_true(ok, out)
      assert.truthy(out:match("done"), out)
    end)

    it("__close closes the file at the end of its scope (5.4)", function()
      if not H.is54 then return pending("Lua 5.4 only") end
      local a, b = pair()
      local chunk = assert(load([[
        local a = ...
        local f <close> = a:makefile("w")
        f:write("sent by __close")
        return f
      ]]))
      local f = chunk(a)
      assert.are.equal("lsock.file (closed)", tostring(f))
      assert.are.equal("sent by __close", received(b))
      a:close(); b:close()
    end)
  end)

  describe("select", function()
    it("reports a file holding buffered data readable at once", function()
      local a, b = pair()
      local f = a:makefile()
      assert(b:sendall("one\ntwo\n"))
      assert.are.equal("one", f:read())
      -- "two" is in the file's buffer, none in the socket
      local r0 = lsock.select({ a }, {}, {}, 0)
      assert.are.equal(0, #r0)
      local t, r = H.timed(lsock.select, { f }, {}, {}, 2)
      assert.are.equal(1, #r)
      assert.are.equal(f, r[1])
      assert.is_true(t < 0.5)
      assert.are.equal("two", f:read())
      t, r = H.timed(lsock.select, { f }, {}, {}, 0.2)
      assert.are.equal(0, #r)
      assert.is_true(t >= 0.1)
      assert(b:sendall("three\n"))
      r = lsock.select({ f }, {}, {}, 2)
      assert.are.equal(f, r[1])
      local w = select(2, lsock.select({}, { f }, {}, 2))
      assert.are.equal(f, w[1])
      f:close(); a:close(); b:close()
    end)

    it("a half line a read timed out on is not readable until more arrives", function()
      local a, b = pair(0.1)
      local f = a:makefile()
      assert(b:sendall("half"))
      H.timedout(f:read("l"))
      -- the bytes are buffered, but a read would only time out again: an
      -- event loop must sleep, not spin
      local t, r = H.timed(lsock.select, { f }, {}, {}, 0.2)
      assert.are.equal(0, #r)
      assert.is_true(t >= 0.1)
      assert(b:sendall(" line\nnext"))
      r = lsock.select({ f }, {}, {}, 2)
      assert.are.equal(f, r[1])
      assert.are.equal("half line", f:read())
      -- "next" is buffered and no read has found it short yet: ready at once
      t, r = H.timed(lsock.select, { f }, {}, {}, 2)
      assert.are.equal(f, r[1])
      assert.is_true(t < 0.5)
      f:close(); a:close(); b:close()
    end)
  end)
end)
