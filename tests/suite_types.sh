#!/bin/sh
# Checks types/lsock.lua against the built ./lsock.so: every public name of
# the module, its sockets, files and pollers is annotated, and every
# annotated name exists (see tests/check_types.lua for the rule on
# platform-specific constants). Prints TAP. Run from anywhere, after `make`.
cd "$(dirname "$0")/.." || exit 1
LUA_BIN=${LUA_BIN:-lua5.4}
if [ ! -f lsock.so ]; then
  echo "not ok 1 - ./lsock.so is built (run make first)"
  exit 1
fi
. tests/lib.sh
lsock_cpath "$ROOT"
lsock_check "$LUA_BIN" || exit 1
exec env LSOCK_CPATH="$LUA_CPATH" "$LUA_BIN" tests/check_types.lua types/lsock.lua
