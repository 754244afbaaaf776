#!/bin/sh
# Runs every suite and prints one closing line "N passed, N failed, N skipped".
# A suite is a command that prints TAP ("ok ..." / "not ok ...") lines; an
# "ok" line with a SKIP directive is a skip, named in the output. A suite
# that exits non-zero without reporting a failure counts as one failure.
# Every suite tests the checkout's lsock.so, by absolute path (tests/lib.sh).
# Environment: LUA (5.4, 5.1, ..., luajit), LUA_BIN (the interpreter).
LUA=${LUA:-5.4}
LUA_BIN=${LUA_BIN:-lua$LUA}
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
LSOCK_SO=$ROOT/lsock.so
export LUA LUA_BIN LSOCK_SO
# specs open over 1100 sockets, and the poller's serves 1,000 clients:
# raise the soft descriptor limit as far as 8192 when the hard one allows
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 8192 ]; then hard=8192; fi
ulimit -n "$hard" 2>/dev/null || true
logdir=build/test-logs/$LUA
mkdir -p "$logdir"
passed=0
failed=0
skipped=0

run_suite() { # name command...
  name=$1; shift
  log="$logdir/$name.log"
  "$@" >"$log" 2>&1
  rc=$?
  tap_counts "$log"
  p=$tap_pass f=$tap_fail s=$tap_skip
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  if [ "$f" -ne 0 ]; then
    echo "== $name: $p passed, $f failed, $s skipped (exit $rc); log: $log"
    grep -A12 '^not ok ' "$log" | head -120
    [ "$rc" -ne 0 ] && tail -20 "$log"
  else
    echo "== $name: $p passed, $s skipped"
  fi
  grep '^ok ' "$log" | grep -i '#[[:space:]]*skip' | sed "s/^/   skipped in $name: /"
}

run_suite busted lsock_busted "$LUA_BIN" spec
for t in tests/suite_*.sh; do
  [ -f "$t" ] || continue
  n=$(basename "$t" .sh); n=${n#suite_}
  run_suite "$n" sh "$t"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
