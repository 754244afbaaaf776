-- Memory of LuaSocket sockets: prints "OBJECT bytes RSS kB BASE kB".
-- OBJECT is the Lua heap growth (collectgarbage "count") over creating N UDP
-- sockets, divided by N; RSS is the process's VmRSS while holding them all
-- open, BASE the VmRSS before creating them.
local socket = require "socket" -- udp4(), unlike udp(), opens its descriptor at once
local n = math.tointeger(tonumber(arg[1])) or 10000

local function rss()
  for line in io.lines("/proc/self/status") do
    local kb = line:match("^VmRSS:%s*(%d+)")
    if kb then return tonumber(kb) end
  end
end

local socks = {}
for i = 1, n do socks[i] = false end -- the table is grown before measuring
collectgarbage()
collectgarbage()
local base, before = rss(), collectgarbage("count")
for i = 1, n do socks[i] = assert(socket.udp4()) end
collectgarbage()
collectgarbage()
local after = collectgarbage("count")
print(("OBJECT %.1f RSS %d BASE %d"):format((after - before) * 1024 / n, rss(), base))
