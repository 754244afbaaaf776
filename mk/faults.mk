# mk/faults.mk — fault injection (tests/faults/README.md):
#   make faults                       the full matrix: seeds x rates x fault
#                                     profiles x workloads x both poller
#                                     backends, bounded to FAULTS_BUDGET s
#   make faults FAULTS_MATRIX=small   a 2-4 minute matrix for CI
#   make faults-tools                 builds the shim and the alloc hosts
# The shim (build/faults/shim.so) is an LD_PRELOAD library that makes
# recv/send/accept/connect/poll/epoll_wait/close misbehave as the kernel
# may; the alloc hosts (build/faults/allochost, -poll) are a `lua` with
# Lua 5.4 and lsock's sources linked in whose allocator fails on request.
# The workloads run against build/5.4-auto/lsock.so (epoll) and
# build/5.4-poll/lsock.so (poll), so ./lsock.so is left alone.

FAULTS_DIR    := build/faults
FAULTS_SHIM   := $(FAULTS_DIR)/shim.so
FAULTS_HOST   := $(FAULTS_DIR)/allochost
FAULTS_HOST_P := $(FAULTS_DIR)/allochost-poll
FAULTS_MATRIX ?= full
FAULTS_BUDGET ?=
FAULTS_JOBS   ?= 2
FAULTS_CC     ?= $(CC)
# LUA54_A: mk/check.mk finds the static Lua 5.4 (the Makefile's lua_static)
FAULTS_STD     = $(LSOCK_CFLAGS) $(call pc_cflags,lua5.4)
# -Wl,-E exports the Lua API from the host, for the C modules busted loads
FAULTS_LIBS   := -Wl,-E -Wl,--whole-archive $(LUA54_A) -Wl,--no-whole-archive -lm -ldl

.PHONY: faults faults-tools faults-libs

$(FAULTS_DIR):
	mkdir -p $@

# The shim is C99 + POSIX (+ dlsym's RTLD_NEXT), warning-free.
$(FAULTS_SHIM): tests/faults/shim.c | $(FAULTS_DIR)
	$(FAULTS_CC) -std=c99 -Wall -Wextra -Werror -O2 -g -fPIC -shared -o $@ $< -ldl -lpthread

$(FAULTS_HOST): tests/faults/allochost.c $(SRCS) src/*.h | $(FAULTS_DIR)
	@test -n "$(LUA54_A)" || { echo "liblua5.4.a not found: make check-deps"; exit 1; }
	$(FAULTS_CC) $(FAULTS_STD) -O1 -g -o $@ tests/faults/allochost.c $(SRCS) $(FAULTS_LIBS)

$(FAULTS_HOST_P): tests/faults/allochost.c $(SRCS) src/*.h | $(FAULTS_DIR)
	@test -n "$(LUA54_A)" || { echo "liblua5.4.a not found: make check-deps"; exit 1; }
	$(FAULTS_CC) $(FAULTS_STD) -DLSOCK_POLLER_POLL -O1 -g -o $@ tests/faults/allochost.c $(SRCS) $(FAULTS_LIBS)

faults-tools: $(FAULTS_SHIM) $(FAULTS_HOST) $(FAULTS_HOST_P)

# lsock.so for Lua 5.4 on each backend, in its object directory.
faults-libs:
	@$(MAKE) --no-print-directory LUA=5.4 POLLER=auto build/5.4-auto/lsock.so
	@$(MAKE) --no-print-directory LUA=5.4 POLLER=poll build/5.4-poll/lsock.so

faults: faults-tools faults-libs
	@ulimit -n 4096 2>/dev/null; lua5.4 tests/faults/matrix.lua --matrix $(FAULTS_MATRIX) \
	  --jobs $(FAULTS_JOBS) $(if $(FAULTS_BUDGET),--budget $(FAULTS_BUDGET))
