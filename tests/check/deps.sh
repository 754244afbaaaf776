#!/bin/sh
# Installs what mk/check.mk needs (clang and its sanitizer and libFuzzer
# runtimes, valgrind, Lua 5.4's static library, busted), on Debian as root;
# elsewhere names the packages.
pkgs="clang libclang-rt-dev valgrind lua5.4 liblua5.4-dev lua-busted make pkg-config"
need=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing:$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq $need >/dev/null || exit 1
else
  echo "please install:$need" >&2
  exit 1
fi
