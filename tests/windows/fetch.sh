#!/bin/sh
# tests/windows/fetch.sh DIR PACKAGE... — unpacks Debian source packages
# into DIR/src/PACKAGE, through a private apt configuration under DIR: a
# deb-src entry on the machine's own mirror and suite, with its own lists
# and cache, so the machine's apt state is never touched and no third-party
# source is kept in the repository. A package already unpacked is kept.
# Needs root (apt-get update) the first time, as the deps scripts do.
dir=$1; shift
[ -n "$dir" ] || { echo "usage: fetch.sh DIR PACKAGE..." >&2; exit 2; }
mkdir -p "$dir/sources.list.d" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/src" || exit 1
dir=$(cd "$dir" && pwd)

# The mirror and suite the machine installs from (deb822 or one-line form).
mirror=""; suite=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*debian\/*\)$/\1/p' "$f" | head -1)
  s=$(sed -n 's/^Suites:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f" | head -1)
  if [ -n "$m" ] && [ -n "$s" ]; then mirror=$m; suite=$s; break; fi
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  line=$(grep -E '^deb[[:space:]]' /etc/apt/sources.list | grep -v security | head -1)
  mirror=$(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; exit } }')
  suite=$(echo "$line" | awk '{ n = 0; for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { n++; if (n == 2) { print $i; exit } } }')
fi
[ -n "$mirror" ] && [ -n "$suite" ] || { echo "fetch.sh: no Debian mirror in /etc/apt" >&2; exit 1; }
echo "deb-src $mirror $suite main" > "$dir/sources.list.d/lsock-src.list"

opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$dir/sources.list.d \
  -o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir/cache -o APT::Sandbox::User=root"
need=""
for p in "$@"; do
  [ -d "$dir/src/$p" ] || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ ! -f "$dir/lists/.updated" ]; then
  apt-get $opts -qq update || exit 1
  touch "$dir/lists/.updated"
fi
for p in $need; do
  rm -rf "$dir/dl-$p" && mkdir -p "$dir/dl-$p" || exit 1
  (cd "$dir/dl-$p" && apt-get $opts -qq source --download-only "$p") || exit 1
  dsc=$(ls "$dir/dl-$p"/*.dsc | head -1)
  (cd "$dir/dl-$p" && dpkg-source --no-check --skip-patches -x "$dsc" tree >/dev/null) || exit 1
  # Debian's fixes apply; its patches to the build system (a Makefile made
  # libtool-based for Linux) do not, so upstream's own targets (mingw) work
  if [ -f "$dir/dl-$p/tree/debian/patches/series" ]; then
    for patch in $(grep -v '^#' "$dir/dl-$p/tree/debian/patches/series"); do
      file="$dir/dl-$p/tree/debian/patches/$patch"
      grep -q '^+++ .*Makefile' "$file" && continue
      (cd "$dir/dl-$p/tree" && patch -s -p1 < "$file") || exit 1
    done
  fi
  mv "$dir/dl-$p/tree" "$dir/src/$p" && rm -rf "$dir/dl-$p" || exit 1
done
