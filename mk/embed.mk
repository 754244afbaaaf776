# mk/embed.mk — lsock linked into a program rather than loaded by require.
#
#   make demo         builds build/embed/lsockhost, a host that links Lua 5.4
#                     (liblua5.4.a) and lsock statically, and runs
#                     examples/demo.lua in it
#   make embed-tests  builds the C tests of tests/embed/ against the static
#                     library of LUA= (tests/suite_embed.sh runs them)
#
# Both link lsock's objects into the program and register the module from
# C: no dlopen of lsock.so, no package.cpath. The sources are compiled with
# the Makefile's LSOCK_CFLAGS.

EMBED_LUALIB := $(call lua_static,$(LUA_PC),$(LUA_LIB))
EMBED_LIBS := -lm -ldl -lpthread

# The demo host is always Lua 5.4, whatever LUA= says, with objects of its own.
DEMO_DIR    := build/embed
DEMO_LUALIB := $(call lua_static,lua5.4,liblua5.4.a)
DEMO_CFLAGS  = $(LSOCK_CFLAGS) $(call pc_cflags,lua5.4) $(CFLAGS)
DEMO_OBJS   := $(SRCS:src/%.c=$(DEMO_DIR)/%.o)

.PHONY: demo embed-tests demo-objs

# As `make test` does, it first installs what it needs (tests/deps.sh);
# the sub-make then sees pkg-config's answers for Lua 5.4.
demo:
	@sh tests/deps.sh 5.4
	@$(MAKE) --no-print-directory $(DEMO_DIR)/lsockhost
	$(DEMO_DIR)/lsockhost examples/demo.lua

$(DEMO_DIR)/lsockhost: host/lsockhost.c src/lsock.h $(DEMO_OBJS) $(DEMO_LUALIB)
	@test -n "$(DEMO_LUALIB)" || { echo "liblua5.4.a not found: make deps"; exit 1; }
	$(CC) $(DEMO_CFLAGS) -Isrc -o $@ host/lsockhost.c $(DEMO_OBJS) $(DEMO_LUALIB) $(EMBED_LIBS) $(LDFLAGS)

# The objects alone, for tests/suite_symbols.sh.
demo-objs: $(DEMO_OBJS)

$(DEMO_DIR)/%.o: src/%.c src/*.h Makefile mk/embed.mk | $(DEMO_DIR)
	$(CC) $(DEMO_CFLAGS) -c -o $@ $<

$(DEMO_DIR):
	mkdir -p $@

# The C tests link the objects of lsock.so (same LUA=, same flags) with the
# static Lua of that version.
EMBED_TESTS := $(patsubst tests/embed/%.c,$(OBJDIR)/embed/%,$(wildcard tests/embed/t_*.c))

embed-tests: $(EMBED_TESTS)

$(OBJDIR)/embed/%: tests/embed/%.c tests/embed/tap.h src/lsock.h $(OBJS) $(EMBED_LUALIB)
	@test -n "$(EMBED_LUALIB)" || { echo "$(LUA_LIB) not found: make deps LUA=$(LUA)"; exit 1; }
	@mkdir -p $(OBJDIR)/embed
	$(CC) $(ALLCFLAGS) -Isrc -o $@ $< $(OBJS) $(EMBED_LUALIB) $(EMBED_LIBS) $(LDFLAGS)
