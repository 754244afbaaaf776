-- tests/faults/common.lua — what the fault workloads share: a clock, the
-- descriptor count, reproducible bytes, checks that fail the run with a
-- reason, and the closing line the matrix reads ("ok ..." / "FAIL ...").
local M = {}

local dir = (arg and arg[0] and arg[0]:match("^(.*)/")) or "tests/faults"
M.dir = dir
M.fds = dofile(dir .. "/../fds.lua")

function M.now()
  local f = io.open("/proc/uptime")
  local t = tonumber(f:read("*a"):match("^(%S+)"))
  f:close()
  return t
end

-- The interpreter running this script, with its options, for children.
function M.interp()
  local s = arg[-1] or "lua5.4"
  for k = -2, -10, -1 do if arg[k] then s = arg[k] .. " " .. s end end
  return s
end

-- A small PRNG of our own (math.random differs between Lua versions).
function M.rng(seed)
  local x = (seed or 1) % 2147483647
  if x <= 0 then x = x + 2147483646 end
  return function(lo, hi)
    x = (x * 16807) % 2147483647
    return lo + x % (hi - lo + 1)
  end
end

-- 'n' bytes that differ with 'seed' and with the offset.
function M.bytes(seed, n)
  local r, t = M.rng(seed * 7919 + 17), {}
  local block = {}
  for i = 1, 4096 do block[i] = string.char(r(0, 255)) end
  local b = table.concat(block)
  local k = 0
  while k * 4096 < n do
    k = k + 1
    t[k] = b:sub(k % 97 + 1) .. b:sub(1, k % 97) -- a rotation per block
  end
  return table.concat(t):sub(1, n)
end

M.failed = false
M.notes = {}

-- Fails the run (the message names the first difference), never raises.
function M.fail(msg)
  if not M.failed then M.failed = msg end
  io.stderr:write("FAIL: ", msg, "\n")
end

function M.check(cond, msg)
  if not cond then M.fail(msg) end
  return cond
end

-- Where two strings first differ, for the messages.
function M.diffat(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    if a:byte(i) ~= b:byte(i) then return i end
  end
  return n + 1
end

function M.same(got, want, what)
  if got == want then return true end
  M.fail(("%s: %d bytes received, %d expected, first difference at byte %d")
    :format(what, #tostring(got), #want, M.diffat(tostring(got), want)))
  return false
end

-- The shape of a failure: nil, message, errno (a number), exactly.
function M.failshape(what, n, v, msg, code)
  if v == nil and type(msg) == "string" and #msg > 0 and type(code) == "number" and n == 3 then
    return true
  end
  M.fail(("%s: a failure that is not nil, message, errno: %d values %s, %s, %s")
    :format(what, n, tostring(v), tostring(msg), tostring(code)))
  return false
end

-- Expects nil, "timeout", ETIMEDOUT (with 'extra' values after them).
function M.timedout(lsock, what, r, extra)
  local n, v, msg, code = r.n, r[1], r[2], r[3]
  if v == nil and msg == "timeout" and code == lsock.ETIMEDOUT and n == 3 + (extra or 0) then
    return true
  end
  M.fail(("%s: expected nil, \"timeout\", ETIMEDOUT; got %d values %s, %s, %s")
    :format(what, n, tostring(v), tostring(msg), tostring(code)))
  return false
end

-- A deadline of 'want' seconds kept within 10 % (plus the clock's 0.01 s).
function M.deadline(what, elapsed, want)
  M.notes[#M.notes + 1] = ("%s %.2f"):format(what, elapsed)
  return M.check(elapsed >= want * 0.9 - 0.01 and elapsed <= want * 1.1 + 0.01,
    ("%s: took %.3f s, the deadline was %.2f s (10 %% allowed)"):format(what, elapsed, want))
end

function M.pack(...) return select("#", ...), ... end

-- Runs 'body' with descriptor accounting and prints the closing line.
function M.main(name, body)
  collectgarbage("collect")
  local before = M.fds.list()
  local t0 = M.now()
  local ok, err = xpcall(body, debug.traceback)
  if not ok then M.fail("Lua error: " .. tostring(err)) end
  collectgarbage("collect")
  collectgarbage("collect")
  local after = M.fds.list()
  if #after ~= #before then
    M.fail(("descriptor leak: %d open before, %d after (%s)"):format(#before, #after,
      table.concat(after, ", ")))
  end
  if M.failed then
    print(("FAIL %s: %s"):format(name, M.failed))
    io.stdout:flush()
    os.exit(1)
  end
  print(("ok %s %.1fs %s"):format(name, M.now() - t0, table.concat(M.notes, " ")))
  io.stdout:flush()
  os.exit(0)
end

return M
