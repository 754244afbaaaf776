#!/bin/sh
# Installs what the build and the tests need, on Debian as root; elsewhere
# names the packages. Usage: deps.sh LUA_VERSION
v=${1:-5.4}
case "$v" in
  luajit) pkgs="luajit libluajit-5.1-dev" ; bin=luajit ;;
  5.1)    pkgs="lua5.1 liblua5.1-0-dev" ; bin=lua5.1 ;;
  *)      pkgs="lua$v liblua$v-dev" ; bin=lua$v ;;
esac
pkgs="$pkgs lua5.4 liblua5.4-dev lua-busted gcc make pkg-config python3"
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
  command -v "$bin" >/dev/null && command -v busted >/dev/null || exit 1
fi
