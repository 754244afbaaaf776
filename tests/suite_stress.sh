#!/bin/sh
# The quick load run of tests/stress.lua (TAP): 20 clients x 256 KiB through
# an echo server in another process, then 1,500 short connections.
# `make stress` runs the full one (200 x 1 MiB, 10,000).
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
LUA_BIN=${LUA_BIN:-lua5.4}
lsock_cpath "$ROOT"
lsock_check "$LUA_BIN" || exit 1
exec timeout 300 "$LUA_BIN" tests/stress.lua --clients 20 --size 262144 --short 1500
