-- luacheck configuration: `luacheck .` from the repository root.
-- lsock runs on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT; code that uses a newer
-- function guards it (`if math.type then ...`), so the standard is the
-- union of them all ("max"); luacheck still flags undefined globals.
std = "max"
max_line_length = 120
exclude_files = { "build/", ".git/", "bench/out/", "bench/bin/", ".luarocks/", "lua_modules/" }

-- busted specs: describe/it/assert/spy/... Specs bind results they do not
-- read (`local x = s:recv(-1)` inside a function that must raise; several
-- results of which a case checks one), and assign nil to drop the last
-- reference before collectgarbage() to test __gc: unused variables (211,
-- 213), variables only assigned (231) and unused assignments (311) are the
-- idiom there, not mistakes.
-- Assertion messages that quote what went wrong may run long.
files["spec"] = {
  std = "+busted",
  ignore = { "211", "213", "231", "311" },
  max_line_length = 220,
}

-- lua-language-server definitions: empty functions whose parameters exist
-- only to be annotated, and long annotation lines.
files["types"] = {
  unused_args = false,
  ignore = { "241" },   -- `local socket = {}` only carries annotated methods
  max_line_length = false,
}

-- Benchmarks: each workload is one function of a dispatch table with a
-- shared signature (not every workload uses every argument), and some hold
-- connections open in a table they never read.
files["bench"] = {
  unused_args = false,
  ignore = { "241" },
}

-- The fuzzer and load test print long diagnostic lines.
files["tests"] = {
  max_line_length = 180,
}

-- The Windows spec runner defines busted's language as globals, for the
-- spec files it runs (busted itself does the same), and replaces io.popen
-- and os.execute, which cmd.exe cannot serve the specs' way.
files["tests/windows/runner.lua"] = {
  globals = { "assert", "spy", "stub", "mock", "describe", "context", "it", "pending", "before_each",
              "after_each", "setup", "teardown", "lazy_setup", "lazy_teardown", "strict_setup",
              "strict_teardown", "finally", "io", "os" },
}
