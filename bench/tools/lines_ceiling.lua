-- The ceiling of a line reader in Lua 5.4 with no socket at all: 64 MiB of
-- 100-byte lines cut from an in-memory block, one Lua string per line, as a
-- C function per line and as an iterator. Compare with the lines workload:
-- a makefile():lines() near these numbers has nothing left to gain in C.
--   taskset -c 0 lua5.4 bench/tools/lines_ceiling.lua
local clock = require("socket").gettime
local line = string.rep("x", 99) .. "\n"
local blk = string.rep(line, 655)
local n = 671088
-- ceiling 1: a C function (string.find + string.sub) per line
local t0 = clock()
local got, bytes, o = 0, 0, 1
for i = 1, n do
  local e = blk:find("\n", o, true)
  local l = blk:sub(o, e - 1)
  got = got + 1; bytes = bytes + #l + 1
  o = e + 1
  if o > #blk then o = 1 end
end
local t = clock() - t0
print(("find+sub per line: %.0f MiB/s"):format(bytes / 1048576 / t))
-- ceiling 2: a generic-for over an iterator closure doing the same
local function lines()
  local pos = 1
  return function()
    local e = blk:find("\n", pos, true)
    local l = blk:sub(pos, e - 1)
    pos = e + 1
    if pos > #blk then pos = 1 end
    return l
  end
end
t0 = clock(); bytes = 0
local it = lines()
for i = 1, n do local l = it(); bytes = bytes + #l + 1 end
t = clock() - t0
print(("iterator closure + find+sub: %.0f MiB/s"):format(bytes / 1048576 / t))
