#!/bin/sh
# tests/install.sh PACKAGE... — installs the Debian packages not installed
# yet (apt-get, as root, after apt-get update); elsewhere, or as another
# user, names them and fails. Every deps script of the project calls this.
need=""
for p in "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing:$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq $need >/dev/null
else
  echo "please install:$need" >&2
  exit 1
fi
