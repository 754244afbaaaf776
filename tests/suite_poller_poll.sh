#!/bin/sh
# The poller spec again, on the poll() backend (make POLLER=poll), which
# Linux would otherwise never build: the library is linked into
# build/<lua>-poll/lsock.so (mk/poller.mk), so ./lsock.so, the default
# epoll build, is never touched. Prints busted's TAP lines.
# Environment: LUA (5.4, 5.1, ..., luajit), LUA_BIN (the interpreter).
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
LUA=${LUA:-5.4}
LUA_BIN=${LUA_BIN:-lua$LUA}
lib=build/$LUA-poll/lsock.so
log=build/poller-poll-make-$LUA.log
mkdir -p build
if ! make --no-print-directory LUA="$LUA" POLLER=poll "$lib" >"$log" 2>&1; then
  echo "not ok 1 - make POLLER=poll $lib"
  sed 's/^/# /' "$log" | tail -20
  exit 1
fi
# the poll build must say so, or this suite would test epoll twice
lsock_cpath "$ROOT/$(dirname "$lib")"
lsock_check "$LUA_BIN" || exit 1
backend=$("$LUA_BIN" -e "print((tostring(require('lsock').poller()):match('backend=(%w+)')))")
if [ "$backend" != poll ]; then
  echo "not ok 1 - $lib has the poll backend (it has: $backend)"
  exit 1
fi
# busted needs the default cpath for its own C modules (lsock_busted)
unset LUA_CPATH LUA_CPATH_5_2 LUA_CPATH_5_3 LUA_CPATH_5_4
lsock_busted "$LUA_BIN" spec/poller_spec.lua
