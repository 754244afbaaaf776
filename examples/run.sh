#!/bin/sh
# Runs every examples/*.lua with the checkout's lsock.so and prints TAP: one
# "ok N - name" per example that exits 0 within the time limit.
# Environment: LUA_BIN (default lua5.4), EXAMPLE_TIMEOUT (seconds, default 30).
# An example may name the interpreters it needs on a line of its own:
#     -- requires: 5.3+     (skipped on lua5.1, lua5.2 and luajit)
cd "$(dirname "$0")/.." || exit 1
LUA_BIN=${LUA_BIN:-lua5.4}
limit=${EXAMPLE_TIMEOUT:-30}
if [ ! -f lsock.so ]; then
  echo "not ok 1 - ./lsock.so is built (run make first)"
  exit 1
fi
# the checkout's lsock.so by absolute path, and no other (tests/lib.sh)
. tests/lib.sh
lsock_cpath "$ROOT"
lsock_check "$LUA_BIN" || exit 1
ver=$("$LUA_BIN" -e 'print((_VERSION:gsub("Lua ", "")))' 2>/dev/null)
case "$LUA_BIN" in *luajit*) ver=jit ;; esac
log=${TMPDIR:-/tmp}/lsock-example.$$
n=0; failed=0
for f in examples/*.lua; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  name=$(basename "$f" .lua)
  need=$(sed -n 's/^-- requires: *\([0-9.]*\)+.*/\1/p' "$f" | head -1)
  if [ -n "$need" ]; then
    case "$ver" in
      jit) too_old=1 ;;
      *) too_old=$(awk -v a="$ver" -v b="$need" 'BEGIN { print (a + 0 < b + 0) ? 1 : 0 }') ;;
    esac
    if [ "$too_old" = 1 ]; then
      echo "ok $n - $name # SKIP needs Lua $need+"
      continue
    fi
  fi
  start=$(date +%s)
  timeout "$limit" "$LUA_BIN" "$f" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ "$rc" -eq 0 ]; then
    echo "ok $n - $name (${secs}s)"
  else
    failed=$((failed + 1))
    if [ "$rc" -eq 124 ]; then why="still running after ${limit}s"; else why="exit $rc"; fi
    echo "not ok $n - $name ($why)"
    sed 's/^/# /' "$log" | tail -30
  fi
done
rm -f "$log"
echo "1..$n"
[ "$failed" -eq 0 ]
