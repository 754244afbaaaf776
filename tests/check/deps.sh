#!/bin/sh
# Installs what mk/check.mk needs (clang and its sanitizer and libFuzzer
# runtimes, valgrind, Lua 5.4's static library, busted), on Debian as root;
# elsewhere names the packages.
pkgs="clang libclang-rt-dev valgrind lua5.4 liblua5.4-dev lua-busted make pkg-config"
exec sh "$(dirname "$0")/../install.sh" $pkgs
