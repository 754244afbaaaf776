#!/bin/sh
# tests/windows/deps.sh — what the Windows cross build and its tests need,
# on Debian as root (tests/install.sh): MinGW-w64 for x86-64, Wine to run
# the result, dpkg-dev for dpkg-source (the Lua source packages), and the
# Linux Lua whose busted files the Windows runs reuse.
cd "$(dirname "$0")/../.." || exit 1
sh tests/install.sh gcc-mingw-w64-x86-64 wine64 dpkg-dev make lua-busted
