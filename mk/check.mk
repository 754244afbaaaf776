# mk/check.mk — the checks beyond `make test`:
#   make sanitize   every spec (and a short fuzz run) in an ASan+UBSan host
#   make valgrind   every spec under memcheck
#   make fuzz       the Lua-level fuzzer (>= 200,000 calls, in the ASan host)
#                   and a libFuzzer target on the address code for FUZZ_SECONDS
#   make stress     200 x 1 MiB echo clients, then 10,000 short connections
#   make check-deps installs what they need (Debian, as root)
# The sanitized host (tests/check/luahost.c) is a `lua` command with lsock's
# sources and Lua 5.4 linked into one binary; busted runs in it as it runs
# in lua5.4. Reports go to files under build/check/reports, and a run that
# leaves one fails, whoever printed it (busted, or a child process).
# lsock's sources are compiled with the Makefile's LSOCK_CFLAGS.

CHECK_DIR   := build/check
CHECK_CC    ?= clang
LUA54_A     ?= $(call lua_static,lua5.4,liblua5.4.a)
CHECK_STD    = $(LSOCK_CFLAGS) $(call pc_cflags,lua5.4)
SAN_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all
# -Wl,-E exports the Lua API from the host, for the C modules busted loads.
HOST_LIBS   := -Wl,-E -Wl,--whole-archive $(LUA54_A) -Wl,--no-whole-archive -lm -ldl
SAN_HOST    := $(CHECK_DIR)/luahost-asan
ADDR_FUZZER := $(CHECK_DIR)/fuzz-addr
REPORTS     := $(CHECK_DIR)/reports
SAN_ENV     := ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1:log_path=$(abspath $(REPORTS))/asan \
               UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(abspath $(REPORTS))/ubsan \
               LSAN_OPTIONS=report_objects=1 LSOCK_SANITIZED=1
FUZZ_CALLS  ?= 200000
FUZZ_SEED   ?= 20261124
FUZZ_SECONDS ?= 60
VALGRIND    := valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
               --errors-for-leak-kinds=definite --show-leak-kinds=definite \
               --track-fds=no --num-callers=30 --suppressions=tests/check/valgrind.supp

.PHONY: check-deps san-host

check-deps:
	@sh tests/check/deps.sh

$(CHECK_DIR) $(REPORTS):
	mkdir -p $@

$(SAN_HOST): tests/check/luahost.c $(SRCS) src/*.h | $(CHECK_DIR)
	@test -n "$(LUA54_A)" || { echo "liblua5.4.a not found: make check-deps"; exit 1; }
	$(CHECK_CC) $(CHECK_STD) $(SAN_FLAGS) -o $@ tests/check/luahost.c $(SRCS) $(HOST_LIBS)

san-host: $(SAN_HOST)

# "N passed, N failed, N skipped" of a busted TAP log (tests/lib.sh).
TAP_SUMMARY = . tests/lib.sh && tap_summary

# Fails when any process of the run left a sanitizer report.
CHECK_NO_REPORTS = if ls $(REPORTS)/* >/dev/null 2>&1; then \
	  echo "sanitizer reports:"; cat $(REPORTS)/*; exit 1; fi

# busted runs the specs as tests/run.sh does (lsock_busted, tests/lib.sh):
# the run fails unless require "lsock" gets LSOCK_SO, here the copy linked
# into the host (preload) or the checkout's lsock.so.
sanitize: check-deps $(SAN_HOST)
	@rm -rf $(REPORTS) && mkdir -p $(REPORTS)
	@echo "== specs under ASan+UBSan ($(SAN_HOST))"
	@. tests/lib.sh && export $(SAN_ENV) LSOCK_SO=preload && lsock_busted $(abspath $(SAN_HOST)) spec > $(CHECK_DIR)/sanitize.log 2>&1; rc=$$?; \
	  tail -n 3 $(CHECK_DIR)/sanitize.log; grep '^not ok' -A8 $(CHECK_DIR)/sanitize.log | head -60; \
	  $(CHECK_NO_REPORTS); \
	  echo "ok: $$($(TAP_SUMMARY) $(CHECK_DIR)/sanitize.log), 0 sanitizer reports"; \
	  exit $$rc
	@echo "== fuzz.lua, 20,000 calls under ASan+UBSan"
	@mkdir -p $(CHECK_DIR)/fuzz-cwd && cd $(CHECK_DIR)/fuzz-cwd && $(SAN_ENV) timeout 600 \
	  sh $(abspath tests/check/netns.sh) $(abspath $(SAN_HOST)) $(abspath tests/fuzz.lua) --calls 20000 --seed $(FUZZ_SEED); \
	  rc=$$?; [ $$rc -eq 77 ] && { echo "ok # SKIP no network namespace"; rc=0; }; \
	  cd $(abspath .) && $(CHECK_NO_REPORTS); exit $$rc
	@echo "sanitize: 0 reports"

# memcheck runs the busted process (lua5.4 with ./lsock.so, built -O2 -g)
# over every spec but two: valgrind catches SIGPIPE itself, so the spec that
# checks the module left SIGPIPE's disposition alone cannot pass under it,
# and the one that times a 16 MiB sendall against a 1.5 s bound is slowed
# past it by memcheck's copying (both pass under make sanitize).
# The specs' own child processes run natively. Then a short fuzz run.
# (a Lua pattern without spaces: busted re-executes itself through a shell)
VG_FILTER := --filter-out=changed.no.signal.disposition --filter-out=keeps.one.deadline.for.the.whole.call
valgrind: check-deps | $(CHECK_DIR)
	@$(MAKE) --no-print-directory LUA=5.4 lsock.so
	@rm -f $(CHECK_DIR)/valgrind.*.log
	@printf '#!/bin/sh\nexec $(VALGRIND) --child-silent-after-fork=yes --log-file=$(abspath $(CHECK_DIR))/valgrind.%%p.log lua5.4 "$$@"\n' > $(CHECK_DIR)/vglua
	@chmod +x $(CHECK_DIR)/vglua
	@echo "== specs under valgrind memcheck"
	@. tests/lib.sh && export LSOCK_SO=$(CURDIR)/lsock.so LSOCK_SPEC_LIGHT=1 && lsock_busted $(abspath $(CHECK_DIR))/vglua $(VG_FILTER) spec > $(CHECK_DIR)/valgrind.out 2>&1; rc=$$?; \
	  tail -n 1 $(CHECK_DIR)/valgrind.out; grep '^not ok' -A8 $(CHECK_DIR)/valgrind.out | head -60; \
	  grep -h 'ERROR SUMMARY\|definitely lost' $(CHECK_DIR)/valgrind.*.log; \
	  echo "ok: $$($(TAP_SUMMARY) $(CHECK_DIR)/valgrind.out)"; \
	  exit $$rc

# libFuzzer on the address code, with getaddrinfo made numeric-only.
$(ADDR_FUZZER): tests/check/fuzz_addr.c $(SRCS) src/*.h | $(CHECK_DIR)
	@test -n "$(LUA54_A)" || { echo "liblua5.4.a not found: make check-deps"; exit 1; }
	$(CHECK_CC) $(CHECK_STD) -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ tests/check/fuzz_addr.c $(SRCS) \
	  -Wl,--wrap=getaddrinfo $(LUA54_A) -lm -ldl

# The Lua-level fuzzer (FUZZ_CALLS calls in the ASan host, in a network
# namespace of its own), then the libFuzzer target for FUZZ_SECONDS.
fuzz: check-deps $(SAN_HOST) $(ADDR_FUZZER)
	@rm -rf $(REPORTS) && mkdir -p $(REPORTS) $(CHECK_DIR)/fuzz-cwd $(CHECK_DIR)/corpus
	@echo "== tests/fuzz.lua: $(FUZZ_CALLS) calls, seed $(FUZZ_SEED), ASan+UBSan host"
	@cd $(CHECK_DIR)/fuzz-cwd && $(SAN_ENV) timeout 1800 sh $(abspath tests/check/netns.sh) \
	  $(abspath $(SAN_HOST)) $(abspath tests/fuzz.lua) --calls $(FUZZ_CALLS) --seed $(FUZZ_SEED); rc=$$?; \
	  [ $$rc -eq 77 ] && echo "fuzz.lua needs a network namespace of its own (root, unshare, ip)"; \
	  cd $(abspath .) && $(CHECK_NO_REPORTS); exit $$rc
	@echo "== libFuzzer on the address code, $(FUZZ_SECONDS) s"
	@$(ADDR_FUZZER) -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 -rss_limit_mb=2048 \
	  -print_final_stats=1 -artifact_prefix=$(CHECK_DIR)/ $(CHECK_DIR)/corpus 2>$(CHECK_DIR)/fuzz-addr.log; rc=$$?; \
	  grep -E '^#[0-9]+' $(CHECK_DIR)/fuzz-addr.log | tail -n 1; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY' $(CHECK_DIR)/fuzz-addr.log; \
	  echo "corpus: $$(ls $(CHECK_DIR)/corpus | wc -l) inputs"; exit $$rc

# Load: 200 clients x 1 MiB through an echo server in another process, then
# 10,000 short connections (tests/stress.lua; the quick run is in make test).
stress: lsock.so
	@echo "== tests/stress.lua: $(STRESS_ARGS)"
	@ulimit -n 4096 2>/dev/null; . tests/lib.sh && lsock_cpath "$(CURDIR)" && lsock_check $(LUA_BIN) && \
	  timeout 900 $(LUA_BIN) tests/stress.lua $(STRESS_ARGS)
STRESS_ARGS ?= --clients 200 --size 1048576 --short 10000
