#!/bin/sh
# lsock embedded in C programs (TAP): the C tests of tests/embed/, linked
# with the static Lua of $LUA; the symbols lsock.so exports; the static
# Lua 5.4 host of `make demo`; and a compile with clang's warnings.
# Environment: LUA (5.4 by default), EMBED_TIMEOUT (seconds per program).
cd "$(dirname "$0")/.." || exit 1
LUA=${LUA:-5.4}
limit=${EMBED_TIMEOUT:-60}
make=${MAKE:-make}

run() {
  log=${TMPDIR:-/tmp}/lsock-embed.$$
  {
    if $make -s --no-print-directory embed-tests LUA="$LUA" >"$log" 2>&1; then
      echo "ok - the C tests build against the static Lua $LUA"
    else
      echo "not ok - the C tests build against the static Lua $LUA"
      sed 's/^/# /' "$log" | tail -30
    fi
    dir=build/$LUA-${POLLER:-auto}/embed
    for t in tests/embed/t_*.c; do
      name=$(basename "$t" .c)
      if [ ! -x "$dir/$name" ]; then
        echo "not ok - $name was not built"
        continue
      fi
      timeout "$limit" "$dir/$name" >"$log" 2>&1
      rc=$?
      cat "$log"
      if [ "$rc" -ne 0 ]; then
        if [ "$rc" -eq 124 ]; then why="still running after ${limit}s"; else why="exit $rc"; fi
        echo "not ok - $name ended badly ($why)"
      fi
    done

    # the shared object exports the module entry and the C API, nothing else
    if [ -f lsock.so ]; then
      syms=$(nm -D --defined-only lsock.so | awk '{ print $3 }' | sort | tr '\n' ' ')
      want="lsock_pushfd lsock_tofd luaopen_lsock "
      if [ "$syms" = "$want" ]; then
        echo "ok - lsock.so exports only: $syms"
      else
        echo "not ok - lsock.so exports only: $want"
        echo "# it exports: $syms"
      fi
    else
      echo "not ok - lsock.so is built"
    fi

    # the static host of `make demo` (always Lua 5.4): built and run once
    if [ "$LUA" = 5.4 ]; then
      if $make -s --no-print-directory build/embed/lsockhost >"$log" 2>&1 &&
         timeout "$limit" build/embed/lsockhost examples/demo.lua >"$log" 2>&1; then
        echo "ok - make demo: the static Lua 5.4 host runs examples/demo.lua"
        grep -E '^(==|accepted|demo done|skipped)' "$log" | sed 's/^/# /'
      else
        echo "not ok - make demo: the static Lua 5.4 host runs examples/demo.lua"
        sed 's/^/# /' "$log" | tail -30
      fi
      # the demo says so when package.cpath is empty, as lsockhost leaves it
      if nm build/embed/lsockhost 2>/dev/null | grep -q ' T luaopen_lsock$' &&
         grep -q 'linked into the host' "$log" &&
         ! ldd build/embed/lsockhost 2>/dev/null | grep -q 'liblua\|lsock'; then
        echo "ok - lsockhost has lsock linked in (no lsock.so to load)"
      else
        echo "not ok - lsockhost has lsock linked in (no lsock.so to load)"
      fi
    else
      echo "ok - make demo # SKIP the demo host is Lua 5.4; tested with LUA=5.4"
    fi

    # the module and the C of this suite compile cleanly with clang too
    if command -v clang >/dev/null 2>&1; then
      # the Makefile's flags (with Lua 5.4's headers), not a copy of them
      cflags=$($make -s --no-print-directory print-ALLCFLAGS LUA=5.4)
      bad=0
      for f in src/*.c host/*.c tests/embed/*.c; do
        clang $cflags -Isrc -fsyntax-only "$f" >"$log" 2>&1 || { bad=1; sed 's/^/# /' "$log" | head -20; }
      done
      if [ "$bad" -eq 0 ]; then echo "ok - clang -Wall -Wextra -Werror: src/, host/, tests/embed/"
      else echo "not ok - clang -Wall -Wextra -Werror: src/, host/, tests/embed/"; fi
    else
      echo "ok - clang -Wall -Wextra -Werror # SKIP clang is not installed (make check-deps)"
    fi
    rm -f "$log"
  } | awk '/^ok / || /^ok$/ || /^not ok/ { n++; sub(/^(not )?ok( [0-9]+)?/, ($0 ~ /^not/ ? "not ok " : "ok ") n) } { print } END { print "1.." n }'
}
run
