#!/bin/sh
# Installs what the build and the tests need for one Lua, on Debian as root;
# elsewhere names the packages. Usage: deps.sh LUA_VERSION
v=${1:-5.4}
case "$v" in
  luajit) pkgs="luajit libluajit-5.1-dev" ; bin=luajit ;;
  5.1)    pkgs="lua5.1 liblua5.1-0-dev" ; bin=lua5.1 ;;
  *)      pkgs="lua$v liblua$v-dev" ; bin=lua$v ;;
esac
# iproute2 (ip) and util-linux (unshare) make the fuzz suite's network
# namespace; binutils (nm) the symbol suite's listings. A machine without
# dpkg may still have everything: then go on.
sh "$(dirname "$0")/install.sh" $pkgs lua5.4 liblua5.4-dev lua-busted gcc make pkg-config python3 \
  iproute2 util-linux binutils ||
  { command -v "$bin" >/dev/null && command -v busted >/dev/null; }
