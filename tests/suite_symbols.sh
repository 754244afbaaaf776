#!/bin/sh
# lsock's global names (TAP): every object file of the build of LUA= and
# POLLER= (build/<lua>-<poller>/) and of the static demo host
# (build/embed/) defines global symbols named luaopen_lsock* or lsock*_*
# only, so that linking lsock into a program can never clash with the
# program's own names (hidden visibility keeps them out of lsock.so, not
# out of a static link). One line per object; the offenders are listed.
# Environment: LUA (5.4 by default), POLLER (auto).
cd "$(dirname "$0")/.." || exit 1
LUA=${LUA:-5.4}
POLLER=${POLLER:-auto}
make=${MAKE:-make}
allowed='^(luaopen_lsock[a-z_]*|lsock[A-Za-z]*_[A-Za-z0-9_]+)$'
log=${TMPDIR:-/tmp}/lsock-symbols.$$
trap 'rm -f "$log"' EXIT
n=0
failed=0
tap() { # ok|not-ok description
  n=$((n + 1))
  if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

# the object lists come from the Makefile, so a stale object of a source
# that is gone is never checked
objs=$($make -s --no-print-directory print-OBJS LUA="$LUA" POLLER="$POLLER")
demo=$($make -s --no-print-directory print-DEMO_OBJS)
if $make -s --no-print-directory LUA="$LUA" POLLER="$POLLER" $objs demo-objs >"$log" 2>&1; then
  tap ok "the objects of build/$LUA-$POLLER and build/embed are built"
else
  tap not-ok "the objects of build/$LUA-$POLLER and build/embed are built"
  sed 's/^/# /' "$log" | tail -20
  echo "1..$n"
  exit 1
fi

for o in $objs $demo; do
  if ! nm -g --defined-only "$o" >"$log" 2>&1; then
    tap not-ok "nm -g $o"
    sed 's/^/# /' "$log" | head -5
    continue
  fi
  bad=$(awk 'NF >= 3 { print $3 }' "$log" | grep -Ev "$allowed" | tr '\n' ' ')
  if [ -z "$bad" ]; then
    tap ok "$o: every global symbol is lsock's"
  else
    tap not-ok "$o: every global symbol is lsock's"
    echo "# not luaopen_lsock* or lsock*_*: $bad"
  fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
