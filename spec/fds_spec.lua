-- Descriptors: lsock.send_fds/recv_fds with a real child process that uses
-- what it receives; received descriptors close-on-exec; those beyond
-- maxfds or in a cut control message closed; get_inheritable and
-- set_inheritable proven by a child that inherits (or not); lsock.dup.
local H = require "spec.helper"
local lsock = require "lsock"

local function has(flags, bit) return math.floor(flags / bit) % 2 == 1 end

-- The descriptors opened by f(), as a sorted list.
local function new_fds(f)
  local before = H.fds()
  local r = { f() }
  local fresh = {}
  for fd in pairs(H.fds()) do if not before[fd] then fresh[#fresh + 1] = fd end end
  table.sort(fresh)
  return fresh, H.unpack(r)
end

-- Whether descriptor 'fd' of this process is close-on-exec (fdinfo's
-- flags are octal; O_CLOEXEC is 02000000).
local function cloexec(fd)
  local info = H.readfile("/proc/" .. H.pid .. "/fdinfo/" .. fd) or ""
  local flags = tonumber(info:match("flags:%s*(%d+)"), 8)
  return flags ~= nil and math.floor(flags / 524288) % 2 == 1
end

describe("fds", function()
  local dir
  before_each(function()
    H.before()
    dir = H.tmpdir()
  end)
  after_each(function()
    H.rmtree(dir)
    H.after()
  end)

  it("send_fds/recv_fds in one process: the descriptors arrive close-on-exec", function()
    local a, b = lsock.socketpair()
    a:settimeout(5); b:settimeout(5)
    local x, y = lsock.socketpair()
    assert.are.equal(4, lsock.send_fds(a, { "fd", "s!" }, { x:fileno(), y:fileno() }))
    local fresh, data, fds, flags = new_fds(function() return lsock.recv_fds(b, 100, 4) end)
    assert.are.equal("fds!", data)
    assert.are.equal(2, #fds)
    assert.are.equal(0, flags)
    assert.are.same(fresh, { math.min(fds[1], fds[2]), math.max(fds[1], fds[2]) })
    for _, fd in ipairs(fds) do assert.is_true(cloexec(fd)) end
    -- the received ends work: x's copy talks to y
    local xs = assert(lsock.fromfd(fds[1], lsock.AF_UNIX, lsock.SOCK_STREAM))
    assert(xs:sendall("ping"))
    y:settimeout(5)
    assert.are.equal("ping", y:recv(4))
    xs:close()
    for _, fd in ipairs(fds) do assert(lsock.close(fd)) end
    a:close(); b:close(); x:close(); y:close()
  end)

  it("a child process receives a pipe's write end and a socket, and uses both", function()
    local fifo = dir .. "/fifo"
    assert(os.execute("mkfifo '" .. fifo .. "'"))
    local opened, f = new_fds(function() return assert(io.open(fifo, "r+")) end)
    assert.are.equal(1, #opened)
    local pipefd = opened[1]
    local a, b = lsock.socketpair()   -- the channel to the child
    local s1, s2 = lsock.socketpair() -- the socket handed over
    a:settimeout(5); s2:settimeout(5)
    assert(b:set_inheritable(true))
    assert.are.equal(2, lsock.send_fds(a, { "go" }, { pipefd, s1:fileno() }))
    local out, status = H.run_script(H.child_paths() .. ([[
      local lsock = require "lsock"
      local ch = assert(lsock.fromfd(%d, lsock.AF_UNIX, lsock.SOCK_STREAM))
      ch:settimeout(5)
      local data, fds, flags = assert(lsock.recv_fds(ch, 16, 2))
      assert(data == "go" and #fds == 2, "got " .. tostring(data) .. " " .. #fds)
      for _, fd in ipairs(fds) do
        local info = io.open("/proc/self/fdinfo/" .. fd):read("*a")
        local fl = tonumber(info:match("flags:%%s*(%%d+)"), 8)
        assert(math.floor(fl / 524288) %% 2 == 1, "fd " .. fd .. " is not close-on-exec")
      end
      local w = assert(io.open("/proc/self/fd/" .. fds[1], "w"))
      w:write("through the pipe\n")
      w:close()
      local s = assert(lsock.fromfd(fds[2], lsock.AF_UNIX, lsock.SOCK_STREAM))
      assert(s:sendall("through the socket"))
      s:close()
      lsock.close(fds[1]); lsock.close(fds[2])
      print("child done")
    ]]):format(b:fileno()), { timeout = 20 })
    assert.are.equal(0, status, out)
    assert.truthy(out:find("child done"), out)
    assert.are.equal("through the pipe", f:read("*l"))
    assert.are.equal("through the socket", H.recvn(s2, 18))
    f:close()
    a:close(); b:close(); s1:close(); s2:close()
  end)

  it("descriptors beyond maxfds are closed", function()
    local a, b = lsock.socketpair()
    a:settimeout(5); b:settimeout(5)
    local x, y = lsock.socketpair()
    local give = { x:fileno(), y:fileno(), x:fileno() }
    assert(lsock.send_fds(a, { "three" }, give))
    -- CMSG_SPACE(4) has room for two: the kernel passes two, one is kept
    local fresh, data, fds, flags = new_fds(function() return lsock.recv_fds(b, 100, 1) end)
    assert.are.equal("three", data)
    assert.are.equal(1, #fds)
    assert.are.same({ fds[1] }, fresh)
    assert.is_true(has(flags, lsock.MSG_CTRUNC))
    assert(lsock.close(fds[1]))
    -- maxfds 0: every descriptor is closed
    assert(lsock.send_fds(a, { "z" }, { x:fileno() }))
    fresh, data, fds = new_fds(function() return lsock.recv_fds(b, 100, 0) end)
    assert.are.equal("z", data)
    assert.are.same({}, fds)
    assert.are.same({}, fresh)
    a:close(); b:close(); x:close(); y:close()
  end)

  it("a truncated control message leaves nothing open", function()
    local a, b = lsock.socketpair()
    a:settimeout(5); b:settimeout(5)
    local x = lsock.socketpair()
    local many = {}
    for i = 1, 10 do many[i] = x:fileno() end
    assert(lsock.send_fds(a, { "m" }, many))
    local fresh, _, fds, flags = new_fds(function() return lsock.recv_fds(b, 1, 2) end)
    assert.are.equal(2, #fds)
    assert.is_true(has(flags, lsock.MSG_CTRUNC))
    table.sort(fds)
    assert.are.same(fds, fresh)
    for _, fd in ipairs(fds) do assert(lsock.close(fd)) end
    a:close(); b:close(); x:close()
  end)

  it("recv_fds and send_fds: timeout, bad input", function()
    local a, b = lsock.socketpair()
    b:settimeout(0.2)
    H.timedout(lsock.recv_fds(b, 10, 1))
    H.raises("negative maxfds", lsock.recv_fds, b, 10, -1)
    H.raises("maxfds too large", lsock.recv_fds, b, 10, 1e6)
    H.raises("maxfds expected", lsock.recv_fds, b, 10)
    H.raises("negative buffer size", lsock.recv_fds, b, -1, 1)
    H.raises("fds%[1%] must be a descriptor", lsock.send_fds, a, { "x" }, { "3" })
    H.raises("fds%[2%] must be a descriptor", lsock.send_fds, a, { "x" }, { 0, -1 })
    H.raises("fds%[1%] must be a descriptor", lsock.send_fds, a, { "x" }, { 2 ^ 40 })
    H.raises("fds%[1%] must be a descriptor", lsock.send_fds, a, { "x" }, { 1.5 })
    H.raises("bad argument #3", lsock.send_fds, a, { "x" }, 3)
    H.raises("bad argument #2", lsock.send_fds, a, "x", { 0 })
    H.raises("bad argument #1", lsock.send_fds, "a", { "x" }, { 0 })
    -- a descriptor that is not open: the system says EBADF
    local port = lsock.socket(); local spare = port:detach(); lsock.close(spare)
    H.fails(lsock.EBADF, lsock.send_fds(a, { "x" }, { spare }))
    a:close(); b:close()
  end)

  it("get_inheritable/set_inheritable: a child inherits only an inheritable socket", function()
    local s = assert(lsock.socket())
    assert.are.equal(false, s:get_inheritable())
    local probe = H.child_paths() .. ([[
      local f, _, code = io.open("/proc/self/fd/%d", "rb")
      if f then f:close() end
      -- a socket's /proc entry cannot be opened (ENXIO); a closed one is ENOENT
      print((f or code ~= 2) and "inherited" or "absent")
    ]]):format(s:fileno())
    local out = H.run_script(probe)
    assert.truthy(out:find("absent"), out)
    assert.are.equal(true, s:set_inheritable(true))
    assert.are.equal(true, s:get_inheritable())
    out = H.run_script(probe)
    assert.truthy(out:find("inherited"), out)
    assert.are.equal(true, s:set_inheritable(false))
    assert.are.equal(false, s:get_inheritable())
    out = H.run_script(probe)
    assert.truthy(out:find("absent"), out)
    H.raises("bad argument #2", s.set_inheritable, s, 1)
    s:close()
    H.raises("closed socket", s.get_inheritable, s)
  end)

  it("lsock.dup gives a close-on-exec copy", function()
    local s = assert(lsock.socket())
    local fd = assert(lsock.dup(s:fileno()))
    assert.are_not.equal(s:fileno(), fd)
    assert.is_true(cloexec(fd))
    assert(lsock.close(fd))
    H.raises("invalid file descriptor", lsock.dup, -1)
    H.raises("bad argument #1", lsock.dup, 1.5)
    local spare = s:detach()
    lsock.close(spare)
    H.fails(lsock.EBADF, lsock.dup(spare))
  end)

  it("send_fds and recv_fds are absent where the system passes no descriptors", function()
    local want = H.windows and "nil" or "function"
    assert.are.equal(want, type(lsock.send_fds))
    assert.are.equal(want, type(lsock.recv_fds))
    assert.are.equal(H.windows and "nil" or "number", type(lsock.SCM_RIGHTS))
  end)

  it("s.timeout reads the timeout; assigning it raises", function()
    local s = assert(lsock.socket())
    assert.is_nil(s.timeout)
    s:settimeout(2.5)
    assert.are.equal(2.5, s.timeout)
    s:settimeout(0)
    assert.are.equal(0, s.timeout)
    assert.is_false(pcall(function() s.timeout = 1 end))
    assert.are.equal(0, s:gettimeout())
    s:close()
  end)
end)
