-- Correctness: one describe per known defect, each test asserting what
-- SPEC.md and Python's socket module say. A scenario that crashed or hung
-- the module runs in a child interpreter (under `timeout`), so that a
-- regression fails the spec instead of killing or hanging busted; the
-- child prints a "RESULT ..." line that the spec checks.
local H = require "spec.helper"
local lsock = require "lsock"

-- The checkout this file belongs to, as an absolute path, and the C path
-- children load lsock from: the module under test (H.lsock_so, which
-- tests/lib.sh sets through LSOCK_SO), else <root>/lsock.so; no other.
local ROOT, CPATH
do
  local src = debug.getinfo(1, "S").source:sub(2)
  local p = io.popen("pwd")
  local cwd = p:read("*l")
  p:close()
  if not src:match("^/") then src = cwd .. "/" .. src end
  ROOT = src:match("^(.*)/spec/[^/]+$") or cwd
  ROOT = ROOT:gsub("/%./", "/"):gsub("/%.$", "")
  if not H.readfile(ROOT .. "/lsock.so") then ROOT = cwd end
  local so = H.lsock_so
  if type(so) == "string" and so:match("^/.*/lsock%.so$") and H.readfile(so) then
    CPATH = so:gsub("lsock%.so$", "?.so")
  else
    CPATH = ROOT .. "/?.so"
  end
end

-- What every child script starts with: lsock from the checkout only, a
-- clock, a connected TCP pair with a timeout.
local PRELUDE = [[
package.cpath = %q
package.path = ""
local lsock = require "lsock"
local function now()
  local f = io.open("/proc/uptime"); local t = tonumber(f:read("*a"):match("^(%%S+)")); f:close(); return t
end
local function tcp_pair(timeout)
  local srv = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_STREAM))
  srv:settimeout(5)
  assert(srv:bind("127.0.0.1", 0))
  assert(srv:listen())
  local _, port = srv:getsockname()
  local c = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_STREAM))
  c:settimeout(5)
  assert(c:connect("127.0.0.1", port))
  local a = assert(srv:accept())
  srv:close()
  c:settimeout(timeout or 5); a:settimeout(timeout or 5)
  return c, a
end
local function fmt(...)
  local t = {}
  for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
  return table.concat(t, ", ")
end
io.stdout:setvbuf("line")
print("child started")
local ok, err = pcall(function()
]]

local POSTLUDE = [[
end)
if ok then print("RESULT ok")
elseif type(err) == "string" and err:match("^SKIP: ") then print("RESULT skip " .. err:sub(7))
else print("RESULT fail: " .. tostring(err)) end
io.stdout:flush()
]]

-- Runs 'body' in a child Lua of this version under `timeout`; 'wrap'
-- (optional) turns the command line into another one (a shell with a
-- ulimit, say). Returns the output and the exit status.
local function run_child(body, opts)
  opts = opts or {}
  return H.run_script(PRELUDE:format(CPATH) .. body .. "\n" .. POSTLUDE,
    { dir = ROOT, timeout = opts.timeout or 20, wrap = opts.wrap })
end

local function describe_status(status)
  if status == 124 then return "killed by timeout: the child hung" end
  if status == 139 or status == 11 then return "the child died of SIGSEGV" end
  if status == 134 or status == 6 then return "the child died of SIGABRT" end
  return "exit status " .. tostring(status)
end

-- Runs 'body' in a child and asserts that it reported success; a child
-- that reports "RESULT skip ..." makes the test pending.
local function child_ok(body, opts)
  local out, status = run_child(body, opts)
  local skip = out:match("RESULT skip ([^\n]*)")
  if skip then return pending(skip) end
  assert(out:match("RESULT ok") and status == 0,
    ("child failed (%s); its output:\n%s"):format(describe_status(status), out))
end

-- The value the user gave, as an error message must show it.
local function shows_value(msg, v)
  if msg:find(("%.0f"):format(v), 1, true) then return true end
  if math.tointeger and math.tointeger(v) and msg:find(tostring(math.tointeger(v)), 1, true) then return true end
  return msg:find(tostring(v), 1, true) ~= nil
end

-- 2^32 + n, as a Lua integer where the language has them.
local function big(n)
  local v = 2 ^ 32 + n
  return math.tointeger and math.tointeger(v) or v
end

-- Expects f(...) to raise "bad argument" naming the value v.
local function raises_value(v, f, ...)
  local msg = H.raises("bad argument", f, ...)
  assert(shows_value(msg, v), ("the error does not show the value %.0f: %s"):format(v, msg))
end

describe("correctness", function()
  before_each(H.before)
  after_each(H.after)

  ---------------------------------------------------------------- 1
  describe("select with a fileno() that changes the lists (defect 1)", function()
    it("a fileno in rlist that appends 200 sockets to wlist does not overflow", function()
      child_ok([[
        local a, b = lsock.socketpair()
        local keep, r, w, x = {}, {}, {}, {}
        r[1] = { fileno = function()
          for _ = 1, 200 do
            local p, q = lsock.socketpair()
            keep[#keep + 1] = p; keep[#keep + 1] = q
            w[#w + 1] = p
          end
          return a:fileno()
        end }
        local rr, ww, xx = lsock.select(r, w, x, 0)
        assert(type(rr) == "table" and type(ww) == "table" and type(xx) == "table",
          "select returned " .. fmt(rr, ww, xx))
        for _, s in ipairs(ww) do assert(s == r[1] or s.fileno, "odd entry in wlist result") end
      ]])
    end)

    it("a fileno in wlist that appends 200 sockets to xlist does not overflow", function()
      child_ok([[
        local a, b = lsock.socketpair()
        local keep, r, w, x = {}, {}, {}, {}
        w[1] = { fileno = function()
          for _ = 1, 200 do
            local p, q = lsock.socketpair()
            keep[#keep + 1] = p; keep[#keep + 1] = q
            x[#x + 1] = p
          end
          return a:fileno()
        end }
        local rr, ww, xx = lsock.select(r, w, x, 0)
        assert(type(rr) == "table" and type(ww) == "table" and type(xx) == "table",
          "select returned " .. fmt(rr, ww, xx))
      ]])
    end)

    it("a fileno in rlist that empties wlist leaves no stale entries to poll", function()
      child_ok([[
        local a, b = lsock.socketpair()
        local keep, r, w, x = {}, {}, {}, {}
        for i = 1, 30 do
          local p, q = lsock.socketpair()
          keep[#keep + 1] = p; keep[#keep + 1] = q
          w[i] = p
        end
        r[1] = { fileno = function()
          for i = #w, 1, -1 do w[i] = nil end
          return a:fileno()
        end }
        -- a select of the same shape over descriptors that cannot be open
        -- first, from the same call site: what a select that measured
        -- the lists before fileno ran would poll is then no stale
        -- accident but those (POLLNVAL, EBADF)
        local bogus = {}
        for i = 1, 30 do bogus[i] = 1073741824 + i end
        print("prime:", pcall(lsock.select, { 1073741824 }, bogus, x, 0))
        local rr, ww, xx = lsock.select(r, w, x, 0)
        assert(type(rr) == "table" and type(ww) == "table" and type(xx) == "table",
          "select returned " .. fmt(rr, ww, xx))
      ]])
    end)
  end)

  ---------------------------------------------------------------- 2
  describe("a poller closed by the fileno() of the object given to it (defect 2)", function()
    it("register raises 'closed poller', and the poller stays closed", function()
      child_ok([[
        local a, b = lsock.socketpair()
        local p = assert(lsock.poller())
        local obj = { fileno = function() p:close(); return a:fileno() end }
        local ok, err = pcall(p.register, p, obj, lsock.POLLIN)
        assert(not ok, "register returned " .. tostring(err))
        assert(tostring(err):find("closed poller"), "register raised: " .. tostring(err))
        local ok2, err2 = pcall(p.count, p)
        assert(not ok2 and tostring(err2):find("closed poller"), "count: " .. fmt(ok2, err2))
      ]])
    end)

    it("register through an __index that closes the poller raises 'closed poller'", function()
      child_ok([[
        local a, b = lsock.socketpair()
        local p = assert(lsock.poller())
        local obj = setmetatable({}, { __index = function(_, k)
          if k == "fileno" then p:close(); return function() return a:fileno() end end
        end })
        local ok, err = pcall(p.register, p, obj, lsock.POLLIN)
        assert(not ok, "register returned " .. tostring(err))
        assert(tostring(err):find("closed poller"), "register raised: " .. tostring(err))
        local ok2, err2 = pcall(p.count, p)
        assert(not ok2 and tostring(err2):find("closed poller"), "count: " .. fmt(ok2, err2))
      ]])
    end)

    it("unregister raises 'closed poller' and the count never goes negative", function()
      child_ok([[
        local a, b = lsock.socketpair()
        local p = assert(lsock.poller())
        assert(p:register(a, lsock.POLLIN))
        local obj = { fileno = function() p:close(); return a:fileno() end }
        local ok, err = pcall(p.unregister, p, obj)
        assert(not ok, "unregister returned " .. tostring(err))
        assert(tostring(err):find("closed poller"), "unregister raised: " .. tostring(err))
        local ok2, err2 = pcall(p.count, p)
        assert(not ok2 and tostring(err2):find("closed poller"), "count: " .. fmt(ok2, err2))
        assert(tostring(p):match("%[closed%]"), tostring(p))
      ]])
    end)

    it("modify raises 'closed poller'", function()
      child_ok([[
        local a, b = lsock.socketpair()
        local p = assert(lsock.poller())
        assert(p:register(a, lsock.POLLIN))
        local obj = { fileno = function() p:close(); return a:fileno() end }
        local ok, err = pcall(p.modify, p, obj, lsock.POLLOUT)
        assert(not ok, "modify returned " .. tostring(err))
        assert(tostring(err):find("closed poller"), "modify raised: " .. tostring(err))
      ]])
    end)
  end)

  ---------------------------------------------------------------- 3
  describe("timeout mode when another handle cleared O_NONBLOCK (defect 3)", function()
    local T = { timeout = 10 }

    it("recv times out although a dup was made blocking", function()
      child_ok([[
        local a, b = tcp_pair()
        local d = a:dup()
        d:settimeout(nil)
        a:settimeout(0.3)
        local t0 = now()
        local r1, r2, r3 = a:recv(10)
        local t = now() - t0
        assert(r1 == nil and r2 == "timeout" and r3 == lsock.ETIMEDOUT, "recv returned " .. fmt(r1, r2, r3))
        assert(t < 3, ("recv took %.2f s"):format(t))
      ]], T)
    end)

    it("recv times out although a fromfd copy was made blocking", function()
      child_ok([[
        local a, b = tcp_pair()
        local d = assert(lsock.fromfd(a:fileno(), lsock.AF_INET, lsock.SOCK_STREAM))
        d:settimeout(nil)
        a:settimeout(0.3)
        local t0 = now()
        local r1, r2, r3 = a:recv(10)
        local t = now() - t0
        assert(r1 == nil and r2 == "timeout" and r3 == lsock.ETIMEDOUT, "recv returned " .. fmt(r1, r2, r3))
        assert(t < 3, ("recv took %.2f s"):format(t))
      ]], T)
    end)

    it("accept times out although a dup of the listener was made blocking", function()
      child_ok([[
        local l = assert(lsock.socket())
        assert(l:bind("127.0.0.1", 0))
        assert(l:listen())
        l:settimeout(0.3)
        local d = l:dup()
        d:settimeout(nil)
        local t0 = now()
        local r1, r2, r3 = l:accept()
        local t = now() - t0
        assert(r1 == nil and r2 == "timeout" and r3 == lsock.ETIMEDOUT, "accept returned " .. fmt(r1, r2, r3))
        assert(t < 3, ("accept took %.2f s"):format(t))
      ]], T)
    end)

    it("send to a full buffer times out although a dup was made blocking", function()
      child_ok([[
        local a, b = tcp_pair()
        local d = a:dup()
        d:settimeout(nil)
        a:settimeout(0.3)
        -- fill the send buffer first (MSG_DONTWAIT never waits)
        local chunk = string.rep("x", 65536)
        for _ = 1, 100000 do if not a:send(chunk, lsock.MSG_DONTWAIT) then break end end
        for _ = 1, 100000 do if not a:send("y", lsock.MSG_DONTWAIT) then break end end
        local big = string.rep("z", 64 * 1024 * 1024)
        -- the kernel may make room again (autotuning): each send must
        -- return soon, a count or the timeout, and the timeout must come
        local t0, r1, r2, r3 = now()
        for _ = 1, 1000 do
          local ts = now()
          r1, r2, r3 = a:send(big)
          assert(now() - ts < 3, ("a send took %.2f s"):format(now() - ts))
          if not r1 then break end
        end
        local t = now() - t0
        assert(r1 == nil and r2 == "timeout" and r3 == lsock.ETIMEDOUT, "send returned " .. fmt(r1, r2, r3))
        assert(t < 8, ("the sends took %.2f s in all"):format(t))
      ]], T)
    end)

    it("sendall of 64 MiB times out with the count sent although a dup was made blocking", function()
      child_ok([[
        local a, b = tcp_pair()
        local d = a:dup()
        d:settimeout(nil)
        a:settimeout(0.3)
        local big = string.rep("z", 64 * 1024 * 1024)
        local t0 = now()
        local r1, r2, r3, r4 = a:sendall(big)
        local t = now() - t0
        assert(r1 == nil and r2 == "timeout" and r3 == lsock.ETIMEDOUT, "sendall returned " .. fmt(r1, r2, r3, r4))
        assert(type(r4) == "number" and r4 >= 0 and r4 < #big, "sendall's 4th value: " .. tostring(r4))
        assert(t < 3, ("sendall took %.2f s"):format(t))
      ]], T)
    end)
  end)

  ---------------------------------------------------------------- 4
  describe("a datagram that arrives while recv waits (defect 4)", function()
    it("an AF_UNIX datagram of 300,000 bytes arrives whole in recv(2^20)", function()
      local dir = H.tmpdir()
      local path = dir .. "/dgram.sock"
      local r = assert(lsock.socket(lsock.AF_UNIX, lsock.SOCK_DGRAM))
      finally(function() r:close(); H.rmtree(dir) end)
      assert(r:setsockopt(lsock.SOL_SOCKET, lsock.SO_RCVBUF, 2 * 1024 * 1024))
      assert(r:bind(path))
      r:settimeout(5)
      -- the payload: 300,000 bytes that are not all alike
      local sender = dir .. "/sender.lua"
      local f = assert(io.open(sender, "wb"))
      f:write(("package.cpath = %q\npackage.path = ''\n"):format(CPATH), [[
        local lsock = require "lsock"
        local parts = {}
        for i = 0, 29999 do parts[#parts + 1] = ("%09d|"):format(i) end
        local payload = table.concat(parts)
        local s = assert(lsock.socket(lsock.AF_UNIX, lsock.SOCK_DGRAM))
        assert(s:setsockopt(lsock.SOL_SOCKET, lsock.SO_SNDBUF, 2 * 1024 * 1024))
        lsock.select({}, {}, {}, 0.3)
        s:settimeout(5)
        print(s:sendto(payload, ]], ("%q"):format(path), [[))
      ]])
      f:close()
      os.execute(("(timeout 20 %s %s) >/dev/null 2>&1 &"):format(H.shquote(H.lua), H.shquote(sender)))
      local parts = {}
      for i = 0, 29999 do parts[#parts + 1] = ("%09d|"):format(i) end
      local payload = table.concat(parts)
      local data, err, code = r:recv(2 ^ 20)
      assert(data, "recv failed: " .. tostring(err) .. " " .. tostring(code))
      assert.are.equal(300000, #data)
      assert(data == payload, "the datagram's content differs")
    end)
  end)

  ---------------------------------------------------------------- 5
  describe("MSG_WAITALL on a blocking TCP socket (defect 5)", function()
    it("recv(2^20, MSG_WAITALL) returns the whole MiB sent in pieces", function()
      local l = assert(lsock.socket())
      local conn
      finally(function() l:close(); if conn then conn:close() end end)
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      l:settimeout(10)
      local _, port = l:getsockname()
      local sender = os.tmpname()
      local f = assert(io.open(sender, "wb"))
      f:write(("package.cpath = %q\npackage.path = ''\n"):format(CPATH), [[
        os.remove(arg[0]) -- first: an assert below may end the script
        local lsock = require "lsock"
        local s = assert(lsock.socket())
        s:settimeout(10)
        assert(s:connect("127.0.0.1", ]], port, [[))
        for i = 1, 16 do
          assert(s:sendall(string.rep(string.char(64 + i), 65536)))
          lsock.select({}, {}, {}, 0.03)
        end
        lsock.select({}, {}, {}, 0.5)
        s:close()
      ]])
      f:close()
      os.execute(("(timeout 20 %s %s) >/dev/null 2>&1 &"):format(H.shquote(H.lua), H.shquote(sender)))
      conn = assert(l:accept())
      conn:settimeout(nil)
      local data, err, code = conn:recv(2 ^ 20, lsock.MSG_WAITALL)
      assert(data, "recv failed: " .. tostring(err) .. " " .. tostring(code))
      assert.are.equal(1024 * 1024, #data)
      local want = {}
      for i = 1, 16 do want[i] = string.rep(string.char(64 + i), 65536) end
      assert(data == table.concat(want), "the bytes differ")
    end)

    it("a huge MSG_WAITALL allocates what arrives: all of it at end of stream, a part on timeout", function()
      local a, b = lsock.socketpair()
      assert(b:sendall(string.rep("z", 100000)))
      b:close()
      local data = assert(a:recv(2 ^ 40, lsock.MSG_WAITALL))
      assert.are.equal(string.rep("z", 100000), data)
      a:close()
      a, b = lsock.socketpair()
      a:settimeout(0.2)
      assert(b:send("abc"))
      assert.are.equal("abc", a:recv(2 ^ 40, lsock.MSG_WAITALL))
      local none, msg, code = a:recv(2 ^ 40, lsock.MSG_WAITALL)
      assert.is_nil(none)
      assert.are.equal("timeout", msg)
      assert.are.equal(lsock.ETIMEDOUT, code)
      a:close(); b:close()
    end)
  end)

  ---------------------------------------------------------------- 6
  describe("select with more entries than RLIMIT_NOFILE (defect 6)", function()
    it("one socket 40 times in each list under ulimit -n 64 is polled", function()
      child_ok([[
        local a, b = lsock.socketpair()
        assert(b:send("x"))
        local r, w, x = {}, {}, {}
        for i = 1, 40 do r[i] = a; w[i] = a; x[i] = a end
        local rr, ww, xx = lsock.select(r, w, x, 0)
        assert(type(rr) == "table" and type(ww) == "table" and type(xx) == "table",
          "select returned " .. fmt(rr, ww, xx))
        assert(#ww > 0, "the writable socket is not in the second result")
        assert(#rr > 0, "the readable socket is not in the first result")
        for _, s in ipairs(ww) do assert(s == a) end
      ]], { wrap = function(cmd) return "sh -c " .. H.shquote("ulimit -n 64; exec " .. cmd) end })
    end)
  end)

  ---------------------------------------------------------------- 7
  describe("select on a makefile file whose socket was detached (defect 7)", function()
    it("in rlist raises 'closed', not readable", function()
      local s, peer = lsock.socketpair()
      local f = s:makefile("r")
      local fd = s:detach()
      finally(function() pcall(f.close, f); lsock.close(fd); peer:close() end)
      H.raises("closed", function() local r = lsock.select({ f }, {}, {}, 0.5) end)
    end)

    it("in wlist raises 'closed'", function()
      local s, peer = lsock.socketpair()
      local f = s:makefile("rw")
      local fd = s:detach()
      finally(function() pcall(f.close, f); lsock.close(fd); peer:close() end)
      H.raises("closed", function() local r = lsock.select({}, { f }, {}, 0.5) end)
    end)
  end)

  ---------------------------------------------------------------- 14
  describe("text with an embedded NUL (defect 14)", function()
    it("connect and bind reject a host with a NUL", function()
      local l = assert(lsock.socket())
      assert(l:bind("127.0.0.1", 0))
      assert(l:listen())
      local _, port = l:getsockname()
      local s = assert(lsock.socket()); s:settimeout(2)
      local s2 = assert(lsock.socket())
      finally(function() l:close(); s:close(); s2:close() end)
      H.raises("bad argument", s.connect, s, "127.0.0.1\0.example.com", port)
      H.raises("bad argument", s2.bind, s2, "127.0.0.1\0junk", 0)
    end)

    it("gethostbyname, getnameinfo, inet_pton, getaddrinfo reject a NUL", function()
      H.raises("bad argument", lsock.gethostbyname, "localhost\0x")
      H.raises("bad argument", lsock.getnameinfo, { "127.0.0.1\0x", 80 }, 0)
      H.raises("bad argument", lsock.inet_pton, lsock.AF_INET, "1.2.3.4\0junk")
      H.raises("bad argument", lsock.getaddrinfo, "localhost\0x", 80)
      H.raises("bad argument", lsock.getaddrinfo, "localhost", "80\0x")
    end)

    it("a Unix path with a NUL is rejected by bind and connect; abstract names stay", function()
      local dir = H.tmpdir()
      local u1 = assert(lsock.socket(lsock.AF_UNIX))
      local u2 = assert(lsock.socket(lsock.AF_UNIX))
      local u3 = assert(lsock.socket(lsock.AF_UNIX))
      finally(function() u1:close(); u2:close(); u3:close(); H.rmtree(dir) end)
      H.raises("bad argument", u1.bind, u1, dir .. "/x\0y")
      H.raises("bad argument", u2.connect, u2, dir .. "/x\0y")
      assert.is_nil(H.readfile(dir .. "/x"), "bind made a socket file at the cut path")
      -- an abstract name starts with (and may hold) NULs
      assert(u3:bind(H.abstract_name() .. "\0tail"))
    end)
  end)

  ---------------------------------------------------------------- 15
  describe("integers beyond a C int (defect 15)", function()
    it("setsockopt and getsockopt reject a level or option of 2^32 + n", function()
      local s = assert(lsock.socket())
      finally(function() s:close() end)
      local v = big(lsock.SOL_SOCKET)
      raises_value(v, s.setsockopt, s, v, lsock.SO_REUSEADDR, 1)
      assert.are.equal(0, s:getsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR))
      local o = big(lsock.SO_REUSEADDR)
      raises_value(o, s.setsockopt, s, lsock.SOL_SOCKET, o, 1)
      assert.are.equal(0, s:getsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR))
      raises_value(v, s.getsockopt, s, v, lsock.SO_TYPE)
    end)

    it("recv and send reject flags of 2^32", function()
      local a, b = lsock.socketpair()
      finally(function() a:close(); b:close() end)
      a:settimeout(0.2); b:settimeout(0.2)
      assert(b:send("zz"))
      local v = big(0)
      raises_value(v, a.recv, a, 10, v)
      raises_value(v, a.send, a, "x", v)
    end)

    it("socket rejects a proto of 2^32, create_server a family of 2^32 + AF_INET", function()
      local v = big(0)
      raises_value(v, lsock.socket, lsock.AF_INET, lsock.SOCK_STREAM, v)
      local fam = big(lsock.AF_INET)
      raises_value(fam, lsock.create_server, { "127.0.0.1", 0 }, { family = fam })
    end)

    it("getaddrinfo rejects type, proto, flags and getnameinfo flags of 2^32 + n", function()
      local t = big(lsock.SOCK_STREAM)
      raises_value(t, lsock.getaddrinfo, "127.0.0.1", 80, lsock.AF_INET, t)
      local p = big(lsock.IPPROTO_TCP)
      raises_value(p, lsock.getaddrinfo, "127.0.0.1", 80, lsock.AF_INET, lsock.SOCK_STREAM, p)
      local fl = big(lsock.AI_NUMERICHOST)
      raises_value(fl, lsock.getaddrinfo, "127.0.0.1", 80, lsock.AF_INET, lsock.SOCK_STREAM, 0, fl)
      local nf = big(lsock.NI_NUMERICHOST)
      raises_value(nf, lsock.getnameinfo, { "127.0.0.1", 80 }, nf)
    end)

    it("select and register reject a fileno() of 2^32 + fd", function()
      local a, b = lsock.socketpair()
      local p = assert(lsock.poller())
      finally(function() p:close(); a:close(); b:close() end)
      local v = big(a:fileno())
      local obj = { fileno = function() return v end }
      raises_value(v, function() local r = lsock.select({ obj }, {}, {}, 0) end)
      raises_value(v, p.register, p, obj, lsock.POLLIN)
      assert.are.equal(0, p:count())
    end)
  end)

  ---------------------------------------------------------------- 16
  describe("create_connection with a source address (defect 16)", function()
    -- "localhost" must resolve to both families, the other one first:
    -- a private mount namespace gives the child its own /etc/hosts and
    -- /etc/gai.conf (the order getaddrinfo sorts the answers in).
    local function namespaced(first, body)
      local dir = H.tmpdir()
      local hosts, gai = dir .. "/hosts", dir .. "/gai.conf"
      local f = assert(io.open(hosts, "wb"))
      f:write("127.0.0.1 localhost\n::1 localhost\n")
      f:close()
      f = assert(io.open(gai, "wb"))
      -- IPv4 first: raise the precedence of ::ffff:0:0/96 above ::1's
      if first == "ipv4" then f:write("precedence ::ffff:0:0/96 100\nprecedence ::1/128 50\n")
      else f:write("precedence ::1/128 100\nprecedence ::ffff:0:0/96 10\n") end
      f:close()
      local mounts = "mount --bind " .. H.shquote(hosts) .. " /etc/hosts && mount --bind "
        .. H.shquote(gai) .. " /etc/gai.conf"
      local usable = os.execute("unshare -m sh -c " .. H.shquote(mounts) .. " >/dev/null 2>&1")
      if usable ~= true and usable ~= 0 then
        H.rmtree(dir)
        return pending("no private mount namespace here (unshare -m, mount --bind need root)")
      end
      local ok, err = pcall(child_ok, body, {
        wrap = function(cmd) return "unshare -m sh -c " .. H.shquote(mounts .. " && exec " .. cmd) end })
      H.rmtree(dir)
      if not ok then error(err, 0) end
    end

    it("source 127.0.0.1 reaches a server on 127.0.0.1 though ::1 comes first", function()
      if not lsock.has_ipv6 then return pending("no IPv6") end
      namespaced("ipv6", [[
        local ai = assert(lsock.getaddrinfo("localhost", 80, lsock.AF_UNSPEC, lsock.SOCK_STREAM))
        if #ai < 2 or ai[1].family ~= lsock.AF_INET6 then error("SKIP: localhost does not resolve to ::1 first") end
        local srv = assert(lsock.socket(lsock.AF_INET))
        srv:settimeout(5)
        assert(srv:bind("127.0.0.1", 0))
        assert(srv:listen())
        local _, port = srv:getsockname()
        local c, msg, code = lsock.create_connection({ "localhost", port }, 5, { "127.0.0.1", 0 })
        assert(c, "create_connection: " .. fmt(c, msg, code))
        assert(c.family == lsock.AF_INET, "family " .. tostring(c.family))
        assert(c:getsockname() == "127.0.0.1")
        local conn = assert(srv:accept())
        conn:close(); c:close(); srv:close()
      ]])
    end)

    it("source ::1 reaches a server on ::1 though 127.0.0.1 comes first", function()
      if not lsock.has_ipv6 then return pending("no IPv6") end
      namespaced("ipv4", [[
        local ai = assert(lsock.getaddrinfo("localhost", 80, lsock.AF_UNSPEC, lsock.SOCK_STREAM))
        if #ai < 2 or ai[1].family ~= lsock.AF_INET then error("SKIP: localhost does not resolve to 127.0.0.1 first") end
        local srv = assert(lsock.socket(lsock.AF_INET6))
        srv:settimeout(5)
        if not srv:bind("::1", 0) then error("SKIP: ::1 cannot be bound") end
        assert(srv:listen())
        local _, port = srv:getsockname()
        local c, msg, code = lsock.create_connection({ "localhost", port }, 5, { "::1", 0 })
        assert(c, "create_connection: " .. fmt(c, msg, code))
        assert(c.family == lsock.AF_INET6, "family " .. tostring(c.family))
        assert(c:getsockname() == "::1")
        local conn = assert(srv:accept())
        conn:close(); c:close(); srv:close()
      ]])
    end)
  end)

  ---------------------------------------------------------------- 17
  describe("select's argument errors (defect 17)", function()
    it("an element that is no socket is 'bad argument #1 to select'", function()
      H.raises("bad argument #1 to '[%w_.]*select'", function() local r = lsock.select({ "not a socket" }, {}, {}, 0) end)
      H.raises("bad argument #1 to '[%w_.]*select'", function() local r = lsock.select({ "not a socket" }, {}) end)
    end)

    it("a float descriptor in wlist is 'bad argument #2 to select'", function()
      H.raises("bad argument #2 to '[%w_.]*select'", function() local r = lsock.select({}, { 42.5 }, {}, 0) end)
      H.raises("bad argument #2 to '[%w_.]*select'", function() local r = lsock.select({}, { 42.5 }) end)
    end)
  end)
end)
