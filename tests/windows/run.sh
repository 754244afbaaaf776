#!/bin/sh
# tests/windows/run.sh — the spec suite on Windows: build/windows/lua.exe
# and lsock.dll under Wine (WINE, WINEPREFIX from mk/windows.mk), each spec
# file in its own process under a time limit, through tests/windows/runner.lua
# (busted's language and luassert; why not busted itself: see the runner).
# What cannot run there is skipped by name (tests/windows/skips.lua); then
# the types check (tests/check_types.lua) against lsock.dll. Ends
# with "N passed, N failed, N skipped", as tests/run.sh does.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
WINE=${WINE:-/usr/lib/wine/wine64}
WINEPREFIX=${WINEPREFIX:-$ROOT/build/windows/wineprefix}
WINEDEBUG=-all
DISPLAY=
export WINEPREFIX WINEDEBUG DISPLAY
# Wine's Z: drive is the Linux root: paths that Lua on Windows can open
z="Z:$ROOT"
LUA_PATH="$z/?.lua;Z:/usr/share/lua/5.4/?.lua;Z:/usr/share/lua/5.4/?/init.lua"
LUA_CPATH="$z/build/windows/?.dll"
LUA_PATH_5_4=$LUA_PATH LUA_CPATH_5_4=$LUA_CPATH
LSOCK_SO="$z/build/windows/lsock.dll"
export LUA_PATH LUA_CPATH LUA_PATH_5_4 LUA_CPATH_5_4 LSOCK_SO
# one spec file's limit, in seconds: a hang fails that file, not the run
limit=${LSOCK_WIN_LIMIT:-60}
log=build/windows/test.log
: > "$log"
status=0
echo "# Windows (Wine $($WINE --version 2>/dev/null)): descriptor accounting is off (no /proc)"
for spec in ${LSOCK_WIN_SPECS:-spec/*_spec.lua}; do
  one=build/windows/test-$(basename "$spec" .lua).log
  start=$(date +%s)
  # the spec file's temporary directory (H.tmpdir: Lua on Windows has no mkdir)
  tmp=$(mktemp -d /tmp/lsock-win.XXXXXX) || exit 1
  LSOCK_TMPDIR="Z:$tmp" timeout -k 5 "$limit" "$WINE" build/windows/lua.exe \
    tests/windows/runner.lua tests/windows/skips.lua spec/helper.lua "$spec" > "$one" 2>&1
  rc=$?
  rm -rf "$tmp"
  tr -d '\r' < "$one" | grep -v '^1\.\.[0-9]*$' > "$one.tap"
  if [ "$rc" -ne 0 ]; then
    echo "not ok - $spec: the runner exited with status $rc (124: over ${limit}s)" >> "$one.tap"
    status=1
  fi
  tap_counts "$one.tap"
  [ "$tap_fail" -gt 0 ] && status=1
  echo "# $spec: $tap_pass passed, $tap_fail failed, $tap_skip skipped ($(( $(date +%s) - start ))s)"
  grep -A 30 '^not ok' "$one.tap" | head -60
  cat "$one.tap" >> "$log"
done
# the LuaCATS types against lsock.dll: what Windows lacks must be optional
# there (its own line: its skips are the absent constants, not specs)
one=build/windows/test-types.log
LSOCK_CPATH="$LUA_CPATH" timeout -k 5 "$limit" "$WINE" build/windows/lua.exe tests/check_types.lua types/lsock.lua \
  > "$one" 2>&1 || status=1
tr -d '\r' < "$one" | grep -v '^1\.\.[0-9]*$' > "$one.tap"
tap_counts "$one.tap"
[ "$tap_fail" -gt 0 ] && status=1
echo "# types/lsock.lua: $tap_pass passed, $tap_fail failed, $tap_skip skipped"
grep -A 5 '^not ok' "$one.tap" | head -20
tap_summary "$log"
exit $status
