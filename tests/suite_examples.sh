#!/bin/sh
# Runs every examples/*.lua against loopback through examples/run.sh (TAP).
cd "$(dirname "$0")/.." || exit 1
exec sh examples/run.sh
