-- tests/windows/runner.lua SKIPS HELPER SPEC... — the spec files under
-- Wine, in place of busted: busted 2.1 needs luasystem, whose Debian source
-- package the mirror does not serve (see docs/windows.md). This runs the
-- same files with the part of busted's language they use (describe, it,
-- pending, before_each, after_each, setup, teardown, finally) and busted's
-- own assertions (luassert, from Debian's lua-luassert), and prints TAP as
-- busted -o TAP does: "ok N - name", "ok N - name # SKIP reason",
-- "not ok N - name" with the error in "# " lines.
--
-- SKIPS is a Lua file returning { {file, pattern-or-nil, reason}, ... }:
-- a whole file (no pattern), or each test whose full name contains the
-- plain text 'pattern', is reported skipped with that reason, never run.
local skips_file, helper = arg[1], arg[2]
local skips = dofile(skips_file)

assert = require "luassert"
spy = require "luassert.spy"
stub = require "luassert.stub"
mock = require "luassert.mock"

-- A test that needs what Windows has not raises "SKIP: reason" (the
-- helper does, and so do these): it is reported skipped with that reason.
-- The specs start child processes through a POSIX shell (sh quoting,
-- timeout, env, $?), which cmd.exe is not.
local SKIP = "SKIP: "
local function noshell() error(SKIP .. "child processes need a POSIX shell (sh, timeout, env)", 0) end
io.popen, os.execute = noshell, noshell

local out = io.stdout
local count = 0

local function tap(ok, name, extra)
  count = count + 1
  out:write((ok and "ok " or "not ok ") .. count .. " - " .. name .. (extra or "") .. "\n")
  out:flush()
end

local function comment(text)
  for line in (tostring(text) .. "\n"):gmatch("([^\n]*)\n") do out:write("# " .. line .. "\n") end
end

-- A block: its name, its hooks, and its children (blocks and tests) in order.
local function newblock(name, parent)
  return { name = name, parent = parent, children = {}, before = {}, after = {},
           setup = {}, teardown = {} }
end

local root, current

local function fullname(block, name)
  local parts = { name }
  while block and block.name do
    table.insert(parts, 1, block.name)
    block = block.parent
  end
  return table.concat(parts, " ")
end

function describe(name, fn)
  local b = newblock(name, current)
  table.insert(current.children, { block = b })
  local saved = current
  current = b
  fn()
  current = saved
end
context = describe

function it(name, fn)
  table.insert(current.children, { test = name, fn = fn })
end

function before_each(fn) table.insert(current.before, fn) end
function after_each(fn) table.insert(current.after, fn) end
function setup(fn) table.insert(current.setup, fn) end
function teardown(fn) table.insert(current.teardown, fn) end
lazy_setup, lazy_teardown, strict_setup, strict_teardown = setup, teardown, setup, teardown

-- Inside a test: pending(reason) marks it skipped (busted's way, used as
-- "return pending(...)"). Outside: a test that is only named.
local running, finals
function pending(reason)
  if running then
    running.pending = tostring(reason)
    return
  end
  table.insert(current.children, { test = reason, pending = "pending" })
end

function finally(fn)
  assert(finals, "finally outside a test")
  table.insert(finals, fn)
end

local function skipped(file, name)
  for _, s in ipairs(skips) do
    if s[1] == file and (s[2] == nil or (name and name:find(s[2], 1, true))) then return s[3] end
  end
end

local function handler(e)
  if type(e) == "table" and e.message then e = e.message end
  local reason = tostring(e):match(SKIP .. "(.*)")
  if reason then return { skip = reason } end
  return debug.traceback(tostring(e), 2)
end

local function hooks(block, field, reverse, list)
  local chain = {}
  while block do table.insert(chain, 1, block); block = block.parent end
  if reverse then
    for i = #chain, 1, -1 do for _, f in ipairs(chain[i][field]) do list[#list + 1] = f end end
  else
    for i = 1, #chain do for _, f in ipairs(chain[i][field]) do list[#list + 1] = f end end
  end
  return list
end

local function runtest(file, block, t)
  local name = fullname(block, t.test)
  local reason = skipped(file, name)
  if reason then return tap(true, name, " # SKIP " .. reason) end
  if t.pending then return tap(true, name, " # SKIP " .. t.pending) end
  local state = {}
  -- the test under way, so that a run over its time limit names it
  out:write("# running: " .. name .. "\n")
  out:flush()
  running, finals = state, {}
  local ok, err = true, nil
  for _, f in ipairs(hooks(block, "before", false, {})) do
    ok, err = xpcall(f, handler)
    if not ok then break end
  end
  if ok then ok, err = xpcall(t.fn, handler) end
  for i = #finals, 1, -1 do
    local fok, ferr = xpcall(finals[i], handler)
    if ok and not fok then ok, err = false, ferr end
  end
  for _, f in ipairs(hooks(block, "after", true, {})) do
    local aok, aerr = xpcall(f, handler)
    if ok and not aok then ok, err = false, aerr end
  end
  running, finals = nil, nil
  if not ok and type(err) == "table" then
    tap(true, name, " # SKIP " .. err.skip)
  elseif not ok then
    tap(false, name)
    comment(err)
  elseif state.pending then
    tap(true, name, " # SKIP " .. state.pending)
  else
    tap(true, name)
  end
end

local function runblock(file, block)
  for _, f in ipairs(block.setup) do
    local ok, err = xpcall(f, handler)
    if not ok then
      tap(false, fullname(block, "setup"))
      comment(err)
      return
    end
  end
  for _, c in ipairs(block.children) do
    if c.block then runblock(file, c.block) else runtest(file, block, c) end
  end
  for _, f in ipairs(block.teardown) do
    local ok, err = xpcall(f, handler)
    if not ok then
      tap(false, fullname(block, "teardown"))
      comment(err)
    end
  end
end

local helper_ok, helper_err = xpcall(dofile, handler, helper)
for i = 3, #arg do
  local file = arg[i]
  local reason = skipped(file, nil)
  if not helper_ok then
    tap(false, file .. ": the helper")
    comment(helper_err)
  elseif reason and (function()
      for _, s in ipairs(skips) do if s[1] == file and s[2] == nil then return true end end
    end)() then
    -- a whole file: its tests are still counted, one skip each, by name
    root = newblock(nil, nil)
    current = root
    local ok = pcall(dofile, file)
    local function each(block)
      for _, c in ipairs(block.children) do
        if c.block then each(c.block)
        else tap(true, fullname(block, c.test), " # SKIP " .. reason) end
      end
    end
    if ok then each(root) else tap(true, file, " # SKIP " .. reason) end
  else
    root = newblock(nil, nil)
    current = root
    local ok, err = xpcall(dofile, handler, file)
    if not ok then
      tap(false, file .. ": loading")
      comment(err)
    else
      runblock(file, root)
    end
  end
end
out:write("1.." .. count .. "\n")
