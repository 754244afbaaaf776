#!/bin/sh
# netns.sh CMD ARGS... — runs CMD in a new network namespace whose only
# interface is loopback, so nothing CMD does (a fuzzed getaddrinfo, a
# multicast join, a raw socket, a broadcast) can send a packet off this
# machine: DNS fails at once with "network unreachable". CMD sees
# LSOCK_FUZZ_ISOLATED=1. Exits 77 when no namespace can be made (not root,
# no unshare or ip), so callers can report a skip.
if ! command -v unshare >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1 ||
   ! unshare -n true 2>/dev/null; then
  echo "netns.sh: cannot make a network namespace (needs root, unshare, ip)" >&2
  exit 77
fi
exec unshare -n sh -c 'ip link set lo up || exit 77; LSOCK_FUZZ_ISOLATED=1 exec "$@"' netns "$@"
