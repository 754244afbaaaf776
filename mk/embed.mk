# mk/embed.mk — lsock linked into a program rather than loaded by require.
#
#   make demo         builds build/embed/lsockhost, a host that links Lua 5.4
#                     (liblua5.4.a) and lsock statically, and runs
#                     examples/demo.lua in it
#   make embed-tests  builds the C tests of tests/embed/ against the static
#                     library of LUA= (tests/suite_embed.sh runs them)
#
# Both link lsock's objects into the program and register the module from
# C: no dlopen of lsock.so, no package.cpath.

EMBED_LIBDIR := $(or $(shell pkg-config --variable=libdir $(LUA_PC) 2>/dev/null),/usr/lib/x86_64-linux-gnu)
ifeq ($(LUA),luajit)
  EMBED_LUALIB := $(EMBED_LIBDIR)/libluajit-5.1.a
else
  EMBED_LUALIB := $(EMBED_LIBDIR)/liblua$(LUA).a
endif
EMBED_LIBS := -lm -ldl -lpthread

# The demo host is always Lua 5.4, whatever LUA= says, with objects of its own.
DEMO_DIR    := build/embed
DEMO_LUALIB := $(or $(shell pkg-config --variable=libdir lua5.4 2>/dev/null),/usr/lib/x86_64-linux-gnu)/liblua5.4.a
DEMO_CFLAGS  = -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
               $(shell pkg-config --cflags lua5.4 2>/dev/null) $(POLLER_CFLAGS) $(CFLAGS)
DEMO_OBJS   := $(SRCS:src/%.c=$(DEMO_DIR)/%.o)

.PHONY: demo embed-tests

# As `make test` does, it first installs what it needs (tests/deps.sh);
# the sub-make then sees pkg-config's answers for Lua 5.4.
demo:
	@sh tests/deps.sh 5.4
	@$(MAKE) --no-print-directory $(DEMO_DIR)/lsockhost
	$(DEMO_DIR)/lsockhost examples/demo.lua

$(DEMO_DIR)/lsockhost: host/lsockhost.c src/lsock.h $(DEMO_OBJS) $(DEMO_LUALIB)
	$(CC) $(DEMO_CFLAGS) -Isrc -o $@ host/lsockhost.c $(DEMO_OBJS) $(DEMO_LUALIB) $(EMBED_LIBS) $(LDFLAGS)

$(DEMO_DIR)/%.o: src/%.c src/*.h | $(DEMO_DIR)
	$(CC) $(DEMO_CFLAGS) -c -o $@ $<

$(DEMO_DIR):
	mkdir -p $@

# The C tests link the objects of lsock.so (same LUA=, same flags) with the
# static Lua of that version.
EMBED_TESTS := $(patsubst tests/embed/%.c,$(OBJDIR)/embed/%,$(wildcard tests/embed/t_*.c))

embed-tests: $(EMBED_TESTS)

$(OBJDIR)/embed/%: tests/embed/%.c tests/embed/tap.h src/lsock.h $(OBJS) $(EMBED_LUALIB)
	@mkdir -p $(OBJDIR)/embed
	$(CC) $(ALLCFLAGS) -Isrc -o $@ $< $(OBJS) $(EMBED_LUALIB) $(EMBED_LIBS) $(LDFLAGS)
