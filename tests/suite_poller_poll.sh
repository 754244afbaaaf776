#!/bin/sh
# The poller spec again, on the poll() backend (make POLLER=poll), which
# Linux would otherwise never build: the library is linked into
# build/<lua>-poll/lsock.so (mk/poller.mk), so ./lsock.so, the default
# epoll build, is never touched. Prints busted's TAP lines.
# Environment: LUA (5.4, 5.1, ..., luajit), LUA_BIN (the interpreter).
cd "$(dirname "$0")/.." || exit 1
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
backend=$("$LUA_BIN" -e "package.cpath = '$(dirname "$lib")/?.so'
  print((tostring(require('lsock').poller()):match('backend=(%w+)')))")
if [ "$backend" != poll ]; then
  echo "not ok 1 - $lib has the poll backend (it has: $backend)"
  exit 1
fi
exec busted --lua="$LUA_BIN" -o TAP --helper=spec/helper.lua \
  --cpath="$(dirname "$lib")/?.so" spec/poller_spec.lua
