#!/bin/sh
# The build itself (TAP), in a scratch copy of the Makefile, mk/, src/ and
# the objects of LUA= (so the checkout's ./lsock.so is never touched):
# `make` relinks lsock.so whenever it is not the file its last link made
# (another Lua's build, a copy from elsewhere), and leaves it alone when it
# is. With LUA=5.4 and luarocks installed: `luarocks make` installs from
# the checkout and leaves ./lsock.so as it was.
# Environment: LUA (5.4 by default), POLLER (auto).
cd "$(dirname "$0")/.." || exit 1
LUA=${LUA:-5.4}
POLLER=${POLLER:-auto}
make=${MAKE:-make}
dir=$(mktemp -d /tmp/lsock-build.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
log=$dir/log
n=0
tap() { # ok|not-ok description
  n=$((n + 1))
  if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$log" | tail -15; fi
}
mk() { $make -C "$dir/tree" --no-print-directory LUA="$LUA" POLLER="$POLLER" "$@"; }

mkdir -p "$dir/tree/build"
cp -p Makefile "$dir/tree/" && cp -pR mk src "$dir/tree/" &&
  { [ ! -d "build/$LUA-$POLLER" ] || cp -pR "build/$LUA-$POLLER" "$dir/tree/build/"; }
if mk lsock.so >"$log" 2>&1 && [ -f "$dir/tree/lsock.so" ]; then
  tap ok "make builds lsock.so (LUA=$LUA POLLER=$POLLER)"
else
  tap not-ok "make builds lsock.so (LUA=$LUA POLLER=$POLLER)"; echo "1..$n"; exit 1
fi
cp -p "$dir/tree/lsock.so" "$dir/built.so"

if mk -q lsock.so >"$log" 2>&1; then
  tap ok "make: the lsock.so it just linked is up to date"
else
  tap not-ok "make: the lsock.so it just linked is up to date"
fi

# another file in its place, as an old `luarocks make` for Lua 5.1 left it
printf 'not the library make linked\n' >"$dir/tree/lsock.so"
if ! mk -q lsock.so >"$log" 2>&1 && mk lsock.so >"$log" 2>&1 && cmp -s "$dir/tree/lsock.so" "$dir/built.so"; then
  tap ok "make relinks a lsock.so that is not the one it linked"
else
  tap not-ok "make relinks a lsock.so that is not the one it linked"
fi

# the last build for another Lua
other=5.1; [ "$LUA" = 5.1 ] && other=5.4
sed "s/^$LUA /$other /" "$dir/tree/build/.last" >"$log" && cp "$log" "$dir/tree/build/.last"
if ! mk -q lsock.so >"$log" 2>&1; then
  tap ok "make relinks lsock.so after a build for Lua $other"
else
  tap not-ok "make relinks lsock.so after a build for Lua $other"
fi

if [ "$LUA" != 5.4 ]; then
  echo "ok $((n + 1)) - luarocks make # SKIP run with LUA=5.4"; n=$((n + 1))
elif ! command -v luarocks >/dev/null 2>&1; then
  echo "ok $((n + 1)) - luarocks make # SKIP luarocks is not installed (apt-get install luarocks)"; n=$((n + 1))
else
  before=$( { stat -c '%i %y %s' lsock.so; cksum lsock.so; } 2>&1)
  if luarocks --lua-version=5.4 make --tree="$dir/rocktree" lsock-0.1.0-1.rockspec >"$log" 2>&1 &&
     [ -f "$dir/rocktree/lib/lua/5.4/lsock.so" ]; then
    tap ok "luarocks --lua-version=5.4 make installs lsock.so into the tree"
  else
    tap not-ok "luarocks --lua-version=5.4 make installs lsock.so into the tree"
  fi
  after=$( { stat -c '%i %y %s' lsock.so; cksum lsock.so; } 2>&1)
  echo "before: $before, after: $after" >"$log"
  if [ "$before" = "$after" ]; then
    tap ok "luarocks make leaves ./lsock.so as it was"
  else
    tap not-ok "luarocks make leaves ./lsock.so as it was"
  fi
fi
echo "1..$n"
