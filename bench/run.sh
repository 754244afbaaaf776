#!/bin/sh
# make bench: install what the benchmarks need, build the raw C baseline into
# bench/bin/, then run bench/driver.py, which prints the table and writes
# bench/out/results.md. Knobs (see bench/README.md): BENCH_ONLY, BENCH_RUNS,
# BENCH_PIN, BENCH_IMPLS, BENCH_TIMEOUT, LUA_BIN.
set -eu
cd "$(dirname "$0")"
LUA_BIN=${LUA_BIN:-lua5.4}

# Debian packages, installed only when something is missing.
missing=""
command -v "$LUA_BIN" >/dev/null 2>&1 || missing="$missing $LUA_BIN"
"$LUA_BIN" -e 'require "socket"' >/dev/null 2>&1 || missing="$missing lua-socket"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v taskset >/dev/null 2>&1 || missing="$missing util-linux"
command -v cc >/dev/null 2>&1 || missing="$missing gcc libc6-dev"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "bench: missing Debian packages:$missing (run as root to install them)" >&2
        exit 1
    fi
    echo "bench: installing$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

mkdir -p bin out
if [ ! -x bin/bench ] || [ c/bench.c -nt bin/bench ]; then
    cc -O2 -Wall -Wextra -o bin/bench c/bench.c
fi

# 2,000 idle connections, 10,000 open sockets and 10,000 idle tasks (their
# peers live in bench/tools/holder.py, a process of their own) need more
# descriptors than the usual 1,024; the driver raises the limit too, as far
# as it may.
ulimit -n 20000 2>/dev/null || true
LUA_BIN=$LUA_BIN exec python3 driver.py
