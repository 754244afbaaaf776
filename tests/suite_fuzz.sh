#!/bin/sh
# A short run of tests/fuzz.lua (TAP) against the checkout's lsock.so, in
# a network namespace of its own (tests/check/netns.sh) and a scratch
# directory. tests/deps.sh installs what the namespace needs (iproute2).
# `make fuzz` runs the long one. FUZZ_CALLS and FUZZ_SEED override.
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
root=$ROOT
LUA_BIN=${LUA_BIN:-lua5.4}
lsock_cpath "$root"
lsock_check "$LUA_BIN" || exit 1
dir=$(mktemp -d /tmp/lsock-fuzz.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
timeout 300 sh "$root/tests/check/netns.sh" \
  "$LUA_BIN" "$root/tests/fuzz.lua" --calls "${FUZZ_CALLS:-10000}" --seed "${FUZZ_SEED:-20261124}"
rc=$?
if [ "$rc" -eq 77 ]; then
  echo "ok 1 # SKIP fuzz: no network namespace can be made here (needs root, unshare, ip)"
  exit 0
fi
[ "$rc" -eq 124 ] && echo "not ok 1 - fuzz.lua hung (killed after 300 s)"
exit "$rc"
