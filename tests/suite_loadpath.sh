#!/bin/sh
# The suites test the checkout's lsock.so whatever else is installed (TAP).
# A stale lsock.so (a module of its own that says so) is put first on every
# LUA_CPATH variable, as an installed copy would be found first; then the
# specs as tests/run.sh runs them, and a script suite, must still load the
# checkout's, and a harness that lets the stale copy come first must fail
# loudly (spec/helper.lua, lsock_check in tests/lib.sh).
# Environment: LUA (5.4 by default), LUA_BIN.
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
LUA=${LUA:-5.4}
LUA_BIN=${LUA_BIN:-lua$LUA}
make=${MAKE:-make}
dir=$(mktemp -d /tmp/lsock-loadpath.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
log=$dir/log
n=0
tap() { # ok|not-ok description: a result, with the log as diagnostics on failure
  n=$((n + 1))
  if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$log" | tail -15; fi
}

mkdir "$dir/stale"
cat >"$dir/stale.c" <<'C'
#include "lua.h"
int luaopen_lsock(lua_State *L);
int luaopen_lsock(lua_State *L) {
  lua_newtable(L);
  lua_pushliteral(L, "stale");
  lua_setfield(L, -2, "_STALE");
  return 1;
}
C
cflags=$($make -s --no-print-directory print-LUA_CFLAGS LUA="$LUA")
if ${CC:-cc} $cflags -shared -fPIC -o "$dir/stale/lsock.so" "$dir/stale.c" >"$log" 2>&1; then
  tap ok "a stale lsock.so is built for Lua $LUA"
else
  tap not-ok "a stale lsock.so is built for Lua $LUA"; echo "1..$n"; exit 1
fi

# the machine of the bug: the stale copy first, the default path after it
stale="$dir/stale/?.so;;"
LUA_CPATH=$stale LUA_CPATH_5_2=$stale LUA_CPATH_5_3=$stale LUA_CPATH_5_4=$stale
LSOCK_SO=$ROOT/lsock.so
export LUA_CPATH LUA_CPATH_5_2 LUA_CPATH_5_3 LUA_CPATH_5_4 LSOCK_SO

if "$LUA_BIN" -e 'assert(require("lsock")._STALE)' >"$log" 2>&1; then
  tap ok "a plain require \"lsock\" finds the stale copy first"
else
  tap not-ok "a plain require \"lsock\" finds the stale copy first"
fi

cat >"$dir/origin_spec.lua" <<'LUA'
describe("the module under test", function()
  it("is the checkout's lsock.so, not the stale copy", function()
    local H = require "spec.helper"
    local lsock = require "lsock"
    assert(lsock._STALE == nil and type(lsock.socket) == "function", "the stale copy was loaded")
    assert(H.lsock_origin() == H.lsock_so, tostring(H.lsock_origin()))
  end)
end)
LUA
if lsock_busted "$LUA_BIN" "$dir/origin_spec.lua" >"$log" 2>&1 && grep -q '^ok 1 ' "$log"; then
  tap ok "the specs, run as tests/run.sh runs them, load $ROOT/lsock.so"
else
  tap not-ok "the specs, run as tests/run.sh runs them, load $ROOT/lsock.so"
fi

if sh tests/suite_types.sh >"$log" 2>&1 && ! grep -q '^not ok' "$log"; then
  tap ok "tests/suite_types.sh (lsock_cpath) loads $ROOT/lsock.so"
else
  tap not-ok "tests/suite_types.sh (lsock_cpath) loads $ROOT/lsock.so"
fi

# a harness that gets it wrong: the stale copy before the checkout's
busted --lua="$LUA_BIN" -o TAP --helper="$ROOT/spec/helper.lua" --cpath="$dir/stale/?.so;$ROOT/?.so" \
  "$dir/origin_spec.lua" >"$log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q "would load $dir/stale/lsock.so, not the module under test" "$log"; then
  tap ok "busted with the stale copy first on --cpath fails, naming it"
else
  tap not-ok "busted with the stale copy first on --cpath fails, naming it (exit $rc)"
fi

if (lsock_cpath "$dir/stale" && LSOCK_SO=$ROOT/lsock.so && lsock_check "$LUA_BIN") >"$log" 2>&1; then
  tap not-ok "lsock_check fails when LUA_CPATH leads to the stale copy"
elif grep -q "would load $dir/stale/lsock.so" "$log"; then
  tap ok "lsock_check fails when LUA_CPATH leads to the stale copy"
else
  tap not-ok "lsock_check fails when LUA_CPATH leads to the stale copy"
fi
echo "1..$n"
