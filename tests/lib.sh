# tests/lib.sh — sourced (from the repository root) by the suites and the
# check targets: which lsock.so a Lua process loads, and how TAP is counted.
ROOT=$(pwd)

# lsock_cpath DIR: C modules come from DIR alone, so no installed lsock.so
# can stand in for DIR/lsock.so (LUA_CPATH_5_x wins over LUA_CPATH in Lua
# 5.2+: set every one, and no ";;" to add the default path). LSOCK_SO
# tells spec/helper.lua, and lsock_check, which file is the one to load.
lsock_cpath() {
  LUA_CPATH="$1/?.so"
  LUA_CPATH_5_2=$LUA_CPATH LUA_CPATH_5_3=$LUA_CPATH LUA_CPATH_5_4=$LUA_CPATH
  LSOCK_SO="$1/lsock.so"
  export LUA_CPATH LUA_CPATH_5_2 LUA_CPATH_5_3 LUA_CPATH_5_4 LSOCK_SO
}

# lsock_busted LUA_BIN ARG...: busted on the specs ARG... (and options),
# testing LSOCK_SO (default: the checkout's lsock.so; "preload": the copy
# a host has linked in). --cpath puts its directory before the installed
# ones (busted needs those for its own C modules), and spec/helper.lua
# fails the run if require "lsock" would still find another file.
lsock_busted() {
  lua=$1; shift
  LSOCK_SO=${LSOCK_SO:-$ROOT/lsock.so}
  export LSOCK_SO
  busted --lua="$lua" -o TAP --helper="$ROOT/spec/helper.lua" --cpath="$(dirname "$LSOCK_SO")/?.so" "$@"
}

# lsock_check LUA_BIN: prints a TAP failure and returns 1 unless that Lua,
# in this environment, would load LSOCK_SO for require "lsock" (the check
# of spec/helper.lua, which the scripts outside busted run this way).
lsock_check() {
  out=$("$1" -e "dofile('$ROOT/spec/helper.lua')" 2>&1) && return 0
  echo "not ok - require \"lsock\" loads $LSOCK_SO"
  echo "$out" | sed 's/^/# /'
  return 1
}

# tap_counts LOG: sets tap_pass, tap_fail and tap_skip. An "ok" line with
# a SKIP directive (in any case) is a skip, not a pass.
tap_counts() {
  tap_skip=$(grep '^ok ' "$1" | grep -ci '#[[:space:]]*skip')
  tap_pass=$(( $(grep -c '^ok ' "$1") - tap_skip ))
  tap_fail=$(grep -c '^not ok ' "$1")
}

tap_summary() {
  tap_counts "$1"
  echo "$tap_pass passed, $tap_fail failed, $tap_skip skipped"
}
