-- http.lua — a minimal HTTP/1.0 server and client, written against
-- makefile(), talking over loopback in one process.
--
-- HTTP/1.0 is a line protocol: a request line, header lines, a blank
-- line, then (for the response) a body that ends when the server closes.
-- makefile() turns each side into something read with f:read("l") and
-- f:lines() and written with f:write(), as a file would be.
--
-- No threads or coroutines are needed: the client connects (the kernel
-- completes the connection in the listen queue) and sends its whole
-- request, which waits in the socket buffer; then the server accepts,
-- reads it, answers and closes; then the client reads the answer. Each
-- socket has a timeout, so a mistake fails instead of hanging.
--
--     make && LUA_CPATH='./?.so' lua5.4 examples/http.lua

local lsock = require "lsock"

lsock.setdefaulttimeout(5)

local PAGES = {
  ["/"] = "<h1>Hello from lsock</h1>\n",
  ["/hello.txt"] = "hello, world\n",
}

-- The server side of one connection: read the request, send the response.
local function serve(conn)
  local f = conn:makefile("rw")
  local method, path, version = f:read("l"):match("^(%u+) (%S+) (HTTP/%d%.%d)\r?$")
  assert(method, "malformed request line")
  local headers = {}
  for line in f:lines() do
    line = line:gsub("\r$", "")
    if line == "" then break end -- the blank line ends the headers
    local name, value = line:match("^([^:]+):%s*(.*)$")
    headers[name:lower()] = value
  end
  local body, status = PAGES[path], "200 OK"
  if method ~= "GET" then
    body, status = "only GET here\n", "405 Method Not Allowed"
  elseif not body then
    body, status = "no such page: " .. path .. "\n", "404 Not Found"
  end
  print(("server: %s %s %s (User-Agent: %s) -> %s"):format(method, path, version,
    headers["user-agent"] or "?", status))
  f:write("HTTP/1.0 ", status, "\r\n",
          "Content-Type: text/plain\r\n",
          "Content-Length: ", #body, "\r\n",
          "\r\n",
          body)
  -- closing the file flushes it; closing the socket too ends the stream,
  -- which is how an HTTP/1.0 client knows the body is complete
  assert(f:close())
  conn:close()
end

-- The client: send the request, then read the status line, the headers and
-- the body up to the end of the stream.
local function request_start(port, path)
  local c = assert(lsock.create_connection({ "127.0.0.1", port }))
  local f = c:makefile("rw")
  assert(f:write("GET ", path, " HTTP/1.0\r\n",
                 "Host: 127.0.0.1:", port, "\r\n",
                 "User-Agent: lsock-example\r\n",
                 "\r\n"):flush())
  -- as Python allows, the socket may be closed now: the file keeps the
  -- connection open until it is closed itself
  c:close()
  return f
end

local function response_read(f)
  local code = tonumber(f:read("l"):match("^HTTP/%d%.%d (%d%d%d)"))
  local headers = {}
  for line in f:lines() do
    line = line:gsub("\r$", "")
    if line == "" then break end
    local name, value = line:match("^([^:]+):%s*(.*)$")
    headers[name:lower()] = value
  end
  local body = f:read("a")
  f:close()
  return code, headers, body
end

local server = assert(lsock.create_server({ "127.0.0.1", 0 }))
local _, port = server:getsockname()
print("server on 127.0.0.1:" .. port)

local expect = {
  { "/", 200, PAGES["/"] },
  { "/hello.txt", 200, PAGES["/hello.txt"] },
  { "/missing", 404, "no such page: /missing\n" },
}
for _, case in ipairs(expect) do
  local path, want_code, want_body = case[1], case[2], case[3]
  local f = request_start(port, path)
  serve(assert(server:accept()))
  local code, headers, body = response_read(f)
  print(("client: GET %s -> %d, %d bytes"):format(path, code, #body))
  assert(code == want_code, "status " .. tostring(code))
  assert(body == want_body, "body " .. body)
  assert(tonumber(headers["content-length"]) == #body, "Content-Length")
end

server:close()
print("done")
