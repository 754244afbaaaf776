-- tests/fds.lua — this process's open descriptors, for the fuzz and load
-- runs. The listing is written by a child (os.execute) into a file read
-- afterwards: with io.popen, the child could list our end of its pipe
-- before we had closed it, and a busy machine made the count vary by one.
local M = {}

local pid
do
  local f = assert(io.open("/proc/self/stat"))
  pid = f:read("*l"):match("^%d+")
  f:close()
end

-- { "3 -> socket:[123]", ... }
function M.list()
  local listing = os.tmpname()
  assert(os.execute("ls -l /proc/" .. pid .. "/fd > " .. listing .. " 2>/dev/null"))
  local f = assert(io.open(listing))
  local out = f:read("*a")
  f:close()
  os.remove(listing)
  local t = {}
  for fd, target in out:gmatch("(%d+) %-> ([^\n]*)") do t[#t + 1] = fd .. " -> " .. target end
  return t
end

function M.count()
  return #M.list()
end

return M
