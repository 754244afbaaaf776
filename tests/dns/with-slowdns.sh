#!/bin/sh
# with-slowdns.sh CMD...: runs CMD where the only resolver is slowdns.py.
#
# CMD runs in a private network namespace (loopback only, up) and a private
# mount namespace where /etc/resolv.conf says "nameserver 127.0.0.1" (one
# attempt, 3 s timeout), /etc/hosts holds localhost only, and
# /etc/nsswitch.conf says "hosts: files dns"; slowdns.py serves port 53 of
# 127.0.0.1 there (SLOWDNS_DELAY seconds for *.slow.test, default 1.0).
# Exits with CMD's status, or 77 (printing "with-slowdns: skip: reason")
# when namespaces cannot be made here (not root, no unshare).
set -eu
here=$(cd "$(dirname "$0")" && pwd)

skip() {
    echo "with-slowdns: skip: $*" >&2
    exit 77
}

if [ "${SLOWDNS_INSIDE:-}" != 1 ]; then
    [ $# -gt 0 ] || { echo "usage: with-slowdns.sh CMD..." >&2; exit 2; }
    [ "$(id -u)" -eq 0 ] || skip "needs root for unshare -n -m"
    command -v unshare >/dev/null 2>&1 || skip "no unshare (util-linux)"
    command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
    command -v python3 >/dev/null 2>&1 || skip "no python3"
    unshare -n -m true 2>/dev/null || skip "unshare -n -m is not permitted here"
    SLOWDNS_INSIDE=1 exec unshare -n -m --propagation private sh "$here/with-slowdns.sh" "$@"
fi

# Inside the namespaces from here on.
ip link set lo up
tmp=$(mktemp -d /tmp/slowdns.XXXXXX)
pid=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    exec 3>&- # the server's stdin reaches end of file
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

printf 'nameserver 127.0.0.1\noptions timeout:3 attempts:1\n' >"$tmp/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$tmp/hosts"
printf 'hosts: files dns\n' >"$tmp/nsswitch.conf"
for f in resolv.conf hosts nsswitch.conf; do
    mount --bind "$tmp/$f" "/etc/$f"
done

# The server's stdin is a FIFO whose only writer is this shell's fd 3.
mkfifo "$tmp/stdin"
exec 3<>"$tmp/stdin"
python3 "$here/slowdns.py" --port 53 --delay "${SLOWDNS_DELAY:-1.0}" \
    <"$tmp/stdin" >"$tmp/log" 2>&1 3>&- &
pid=$!
i=0
until grep -q '^ready' "$tmp/log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "with-slowdns: slowdns.py did not start:" >&2
        cat "$tmp/log" >&2
        exit 1
    fi
    sleep 0.05
done

status=0
"$@" 3>&- || status=$?
exit $status
