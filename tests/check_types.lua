-- check_types.lua — types/lsock.lua against the built module, in TAP.
--
-- Usage (from the repository root, after `make`):
--     lua5.4 tests/check_types.lua [types/lsock.lua]
-- The module is loaded from ./lsock.so (or LSOCK_CPATH, a package.cpath).
--
-- It reads the LuaCATS annotations of these classes and compares them, both
-- ways, with the real objects:
--   lsock         the module table: `---@field` lines and `function lsock.x`
--   lsock.socket  methods and fields of lsock.socket()
--   lsock.file    methods of s:makefile()
--   lsock.poller  methods of lsock.poller()
--   lsock.buffer  methods of lsock.buffer()
--   lsock.addrinfo the fields of one getaddrinfo result
-- Every annotated name must exist with the annotated kind (function, integer,
-- boolean, string), and every public name the module has must be annotated.
--
-- The rule for constants a platform lacks: SPEC.md says such a constant is
-- absent, never a made-up number. A module field annotated as optional
-- (`---@field NAME? integer`) is one that some platform may lack: the
-- EAI_* codes SPEC marks "where defined", SPEC's constants that are not
-- POSIX (SO_REUSEPORT, TCP_KEEPIDLE, MSG_DONTWAIT, ...), and the constants
-- the module gives beyond SPEC's list. It may be absent (a TAP SKIP).
-- So may a function that some platform lacks (send_fds and recv_fds on
-- Windows), annotated `---@field NAME? function` beside its definition.
-- Every other annotated name (SPEC's POSIX constants, every function,
-- method and field) must be present. Any name the module has must be
-- annotated, optional or not.
--
-- Methods of an object are checked by indexing a real object with each
-- annotated name (its __index may be a function). The other way round, the
-- object's methods are listed from whatever method tables are reachable:
-- the metatable itself, a table __index, or tables among the upvalues of a
-- C __index function. When none is reachable that check is skipped.

package.cpath = os.getenv("LSOCK_CPATH") or "./?.so"
local typesfile = arg and arg[1] or "types/lsock.lua"

local n, failed = 0, 0
local function tap(ok, desc, diag)
  n = n + 1
  if ok then
    print("ok " .. n .. " - " .. desc)
  else
    failed = failed + 1
    print("not ok " .. n .. " - " .. desc)
    if diag then print("# " .. tostring(diag):gsub("\n", "\n# ")) end
  end
end
local function skip(desc, why)
  n = n + 1
  print("ok " .. n .. " - " .. desc .. " # SKIP " .. why)
end

-- ------------------------------------------------------------------ parse

-- classes[name] = { names = {name = {kind=, optional=}}, order = {...} }
local function parse(path)
  local fh, err = io.open(path, "r")
  if not fh then return nil, err end
  local classes, current, var_class = {}, nil, {}
  local pending -- class just declared, waiting for its `local var = {}`
  -- a function also annotated `---@field NAME? function` stays optional:
  -- one that some platform lacks (send_fds on Windows)
  local function add(class, name, kind, optional)
    local c = classes[class]
    local old = c.names[name]
    if not old then c.order[#c.order + 1] = name end
    c.names[name] = { kind = kind, optional = optional or (old ~= nil and old.optional) }
  end
  for line in fh:lines() do
    local cname = line:match("^%-%-%-@class%s+([%w_%.]+)")
    if cname then
      classes[cname] = classes[cname] or { names = {}, order = {} }
      current, pending = cname, cname
    else
      local fname, opt, ftype = line:match("^%-%-%-@field%s+([%w_]+)(%??)%s+([^%s]+)")
      if fname and current then
        add(current, fname, ftype, opt == "?")
      elseif not line:match("^%-%-") then
        local var = line:match("^local%s+([%w_]+)%s*=%s*{%s*}")
        if var and pending then var_class[var] = pending end
        if not line:match("^%s*$") then pending = nil end
        local v, sep, m = line:match("^function%s+([%w_]+)([%.:])([%w_]+)%s*%(")
        if v and var_class[v] then
          add(var_class[v], m, sep == ":" and "method" or "function", false)
        end
        if not line:match("^%s*$") then current = nil end
      end
    end
  end
  fh:close()
  return classes
end

-- ------------------------------------------------------------------ helpers

local function is_integer(x)
  if math.type then return math.type(x) == "integer" end
  return type(x) == "number" and x == math.floor(x)
end

-- Does value 'v' have the annotated kind?
local function kind_ok(kind, v)
  if kind == "function" or kind == "method" then return type(v) == "function" end
  if kind == "integer" then return is_integer(v) end
  if kind == "number" then return type(v) == "number" end
  if kind == "boolean" then return type(v) == "boolean" end
  if kind == "string" then return type(v) == "string" end
  return v ~= nil
end

-- The method names reachable from 'obj''s metatable, or nil.
local function reachable_methods(obj, exclude)
  local mt = debug.getmetatable(obj)
  if type(mt) ~= "table" then return nil end
  local tables = {}
  local idx = rawget(mt, "__index")
  if type(idx) == "table" then
    tables[#tables + 1] = idx
  elseif type(idx) == "function" then
    local i = 1
    while true do
      local name, up = debug.getupvalue(idx, i)
      if name == nil then break end
      if type(up) == "table" and up ~= mt and up ~= exclude then tables[#tables + 1] = up end
      i = i + 1
    end
  end
  local names, found = {}, false
  for _, t in ipairs(tables) do
    for k, v in pairs(t) do
      if type(k) == "string" and type(v) == "function" and not k:match("^__") then
        names[k] = true; found = true
      end
    end
  end
  -- Methods kept in the metatable itself (__index = mt).
  if idx == mt or found == false then
    for k, v in pairs(mt) do
      if type(k) == "string" and type(v) == "function" and not k:match("^__") then
        names[k] = true; found = true
      end
    end
  end
  if not found then return nil end
  return names
end

local function sorted(c)
  local t = {}
  for _, k in ipairs(c.order) do t[#t + 1] = k end
  table.sort(t)
  return t
end

-- Checks the annotated names of class 'c' on the real object 'obj'
-- (indexing it, so a function __index works), then the reverse.
local function check_object(label, c, obj, exclude)
  for _, name in ipairs(sorted(c)) do
    local a = c.names[name]
    local ok, v = pcall(function() return obj[name] end)
    if not ok then
      tap(false, label .. "." .. name .. " is there", v)
    elseif v == nil and a.optional then
      skip(label .. "." .. name .. " is there", "absent on this platform (optional)")
    else
      tap(kind_ok(a.kind, v), label .. "." .. name .. " is a " .. a.kind,
        "got " .. type(v) .. " " .. tostring(v))
    end
  end
  local methods = reachable_methods(obj, exclude)
  if not methods then
    skip(label .. ": every method is annotated", "no method table reachable")
    return
  end
  local missing = {}
  for k in pairs(methods) do
    if not c.names[k] then missing[#missing + 1] = k end
  end
  table.sort(missing)
  tap(#missing == 0, label .. ": every method is annotated",
    "not annotated: " .. table.concat(missing, ", "))
end

-- ------------------------------------------------------------------ run

local chunk, lerr = loadfile(typesfile)
tap(chunk ~= nil, typesfile .. " is valid Lua", lerr)
if chunk then
  local ok, t = pcall(chunk)
  tap(ok and type(t) == "table", typesfile .. " runs and returns the module table", t)
end

local classes, perr = parse(typesfile)
tap(classes ~= nil, typesfile .. " parses", perr)
if not classes then print("1.." .. n); os.exit(1) end
for _, cname in ipairs({ "lsock", "lsock.socket", "lsock.file", "lsock.poller", "lsock.addrinfo", "lsock.buffer" }) do
  tap(classes[cname] ~= nil and #classes[cname].order > 0, "class " .. cname .. " is annotated")
end

local okreq, lsock = pcall(require, "lsock")
tap(okreq and type(lsock) == "table", "require 'lsock' (" .. package.cpath .. ")", lsock)
if not okreq or type(lsock) ~= "table" then print("1.." .. n); os.exit(1) end

-- The module table, both ways.
local mod = classes["lsock"]
for _, name in ipairs(sorted(mod)) do
  local a, v = mod.names[name], rawget(lsock, name)
  if v == nil and a.optional then
    skip("lsock." .. name .. " is there", "absent on this platform (optional)")
  else
    tap(kind_ok(a.kind, v), "lsock." .. name .. " is a " .. a.kind,
      "got " .. type(v) .. " " .. tostring(v))
  end
end
local unannotated = {}
for k in pairs(lsock) do
  if type(k) ~= "string" then
    unannotated[#unannotated + 1] = tostring(k)
  elseif not mod.names[k] then
    unannotated[#unannotated + 1] = k
  end
end
table.sort(unannotated)
tap(#unannotated == 0, "every name of the module is annotated",
  "not annotated: " .. table.concat(unannotated, ", "))

-- A socket, a file and a poller.
local function check_class(label, cname, make)
  local ok, obj, e2 = pcall(make)
  if not ok or obj == nil then
    tap(false, "make a " .. cname, tostring(obj) .. " " .. tostring(e2))
    return
  end
  local mt = debug.getmetatable(obj)
  tap(type(mt) == "table" and rawget(mt, "__name") == cname,
    cname .. ": the metatable's __name is " .. cname, mt and tostring(rawget(mt, "__name")))
  check_object(label, classes[cname], obj, lsock)
  return obj
end

local s = check_class("socket", "lsock.socket", function() return lsock.socket() end)
if s then
  tap(s.family == lsock.AF_INET and s.type == lsock.SOCK_STREAM and s.proto == 0,
    "socket fields hold the defaults AF_INET, SOCK_STREAM, 0",
    tostring(s.family) .. " " .. tostring(s.type) .. " " .. tostring(s.proto))
  s:close()
end

local a, b
check_class("file", "lsock.file", function()
  local e
  a, b, e = lsock.socketpair()
  if not a then return nil, tostring(b) .. " " .. tostring(e) end
  return a:makefile("rw")
end)
if a then a:close(); b:close() end

local p = check_class("poller", "lsock.poller", function() return lsock.poller() end)
if p then p:close() end

check_class("buffer", "lsock.buffer", function() return lsock.buffer(4) end)

-- One getaddrinfo result against lsock.addrinfo.
local ai = lsock.getaddrinfo("127.0.0.1", 80, lsock.AF_INET, lsock.SOCK_STREAM, 0, lsock.AI_NUMERICHOST)
if type(ai) == "table" and type(ai[1]) == "table" then
  local c, r = classes["lsock.addrinfo"], ai[1]
  for _, name in ipairs(sorted(c)) do
    local kind = c.names[name].kind
    local v = r[name]
    tap(kind_ok(kind, v) or (kind:match("^lsock%.address") and type(v) == "table"),
      "addrinfo." .. name .. " is a " .. kind, "got " .. type(v))
  end
  local extra = {}
  for k in pairs(r) do
    if not c.names[k] then extra[#extra + 1] = tostring(k) end
  end
  table.sort(extra)
  tap(#extra == 0, "every field of a getaddrinfo result is annotated",
    "not annotated: " .. table.concat(extra, ", "))
else
  tap(false, "getaddrinfo('127.0.0.1', 80) gives a list of tables", tostring(ai))
end

print("1.." .. n)
os.exit(failed == 0 and 0 or 1)
