# lsock — make, make test, make install. LUA= picks the Lua: 5.1 5.2 5.3 5.4 luajit.
LUA      ?= 5.4
PREFIX   ?= /usr/local
DESTDIR  ?=
POLLER   ?= auto

ifeq ($(LUA),luajit)
  LUA_PC  := luajit
  LUA_BIN := luajit
  LUA_LIB := libluajit-5.1.a
else
  LUA_PC  := lua$(LUA)
  LUA_BIN := lua$(LUA)
  LUA_LIB := liblua$(LUA).a
endif

# The headers of a Lua from pkg-config; its static library from pkg-config's
# libdir, else wherever the compiler itself would find it.
pc_cflags  = $(shell pkg-config --cflags $(1) 2>/dev/null)
lua_static = $(firstword $(wildcard $(shell pkg-config --variable=libdir $(1) 2>/dev/null)/$(2)) \
               $(filter /%,$(shell $(CC) -print-file-name=$(2) 2>/dev/null)))

# LUA_INCDIR is how luarocks names the headers it found (make rock).
LUA_CFLAGS := $(if $(LUA_INCDIR),-I$(LUA_INCDIR),$(call pc_cflags,$(LUA_PC)))
CMOD_DIR   := $(or $(shell pkg-config --variable=INSTALL_CMOD $(LUA_PC) 2>/dev/null),$(PREFIX)/lib/lua/$(LUA))

ifeq ($(POLLER),poll)
  POLLER_CFLAGS := -DLSOCK_POLLER_POLL
endif

# The one definition of the flags lsock's sources are compiled with, in
# every build of them: lsock.so, the rock, the C tests, the demo host and
# the sanitized hosts (mk/*.mk), clang's check (`make -s print-ALLCFLAGS`).
# Only luaopen_lsock and the C API of src/lsock.h are visible outside.
CC       ?= cc
WERROR   ?= -Werror
WARN      = -Wall -Wextra $(WERROR) -Wshadow -Wmissing-prototypes -Wstrict-prototypes
LSOCK_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
            -fvisibility=hidden $(POLLER_CFLAGS)
CFLAGS   ?= -O2 -g
ALLCFLAGS = $(LSOCK_CFLAGS) -fPIC $(LUA_CFLAGS) $(CFLAGS)
LIBFLAG  ?= -shared
LDFLAGS  ?=

SRCS := $(sort $(wildcard src/*.c))
OBJDIR := build/$(LUA)-$(POLLER)
OBJS := $(SRCS:src/%.c=$(OBJDIR)/%.o)

.PHONY: all test install uninstall clean bench examples lint demo sanitize valgrind fuzz stress deps \
        rock rock-install

all: lsock.so

# The build directory is per Lua version and poller backend, so switching
# LUA= or POLLER= never links objects built for another.
lsock.so: $(OBJS)
	$(CC) $(LIBFLAG) -o $@ $(OBJS) $(LDFLAGS)
	@echo "$(LUA) $(POLLER) $$(cksum $@)" > build/.last

# (the Makefile is a prerequisite: a change of flags recompiles)
$(OBJDIR)/%.o: src/%.c src/*.h Makefile | $(OBJDIR)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(OBJDIR):
	mkdir -p $@

# lsock.so is relinked whenever it is not the file the last link made: that
# was for another LUA or POLLER, or something else (a copy, an installer)
# has written ./lsock.so since. build/.last holds LUA, POLLER and its cksum.
ifneq ($(shell cat build/.last 2>/dev/null),$(LUA) $(POLLER) $(shell cksum lsock.so 2>/dev/null))
.PHONY: lsock.so
endif

# `luarocks make` (the rockspec's build.type "make") runs `make rock` and
# `make rock-install` with luarocks' variables: LUA_INCDIR, CC, CFLAGS,
# LIBFLAG, LUA_BIN (its $(LUA), the interpreter) and INST_LIBDIR (its
# $(LIBDIR)). The rock is built from scratch under build/rock, so that
# ./lsock.so and build/.last stay as they were; without -Werror, so that a
# newer compiler's new warning cannot stop an install; and it must load in
# luarocks' interpreter before it is installed.
ROCK_DIR := build/rock
rock:
	@test -n "$(LUA_INCDIR)" || { echo "make rock: LUA_INCDIR= names the Lua headers (luarocks sets it)"; exit 1; }
	rm -rf $(ROCK_DIR)
	@$(MAKE) --no-print-directory OBJDIR=$(ROCK_DIR) WERROR= $(ROCK_DIR)/lsock.so
	$(LUA_BIN) -e 'package.cpath = "$(CURDIR)/$(ROCK_DIR)/?.so"; require "lsock"'

rock-install:
	@test -n "$(INST_LIBDIR)" || { echo "make rock-install: INST_LIBDIR= names the directory (luarocks sets it)"; exit 1; }
	install -d $(INST_LIBDIR)
	install -m 0755 $(ROCK_DIR)/lsock.so $(INST_LIBDIR)/lsock.so

deps:
	@sh tests/deps.sh $(LUA)

test: deps
	@$(MAKE) --no-print-directory lsock.so
	@LUA=$(LUA) LUA_BIN=$(LUA_BIN) sh tests/run.sh

install: lsock.so
	install -d $(DESTDIR)$(CMOD_DIR)
	install -m 0755 lsock.so $(DESTDIR)$(CMOD_DIR)/lsock.so
	install -d $(DESTDIR)$(PREFIX)/include
	install -m 0644 src/lsock.h $(DESTDIR)$(PREFIX)/include/lsock.h

uninstall:
	rm -f $(DESTDIR)$(CMOD_DIR)/lsock.so $(DESTDIR)$(PREFIX)/include/lsock.h

bench: lsock.so
	@sh bench/run.sh

examples: lsock.so
	@LUA_BIN=$(LUA_BIN) sh examples/run.sh

# luacheck over every Lua file (.luacheckrc), cppcheck over the C sources
# (declarations stay at the top of their block, as lsock is written).
# The files are listed without entering build/: Wine's prefix there links
# its drive Z: to /, which `luacheck .` would walk whole.
lint:
	luacheck $$(find . \( -path ./build -o -path ./.git \) -prune -o \
	  \( -name '*.lua' -o -name '*.rockspec' -o -name .luacheckrc \) -type f -print | sed 's|^\./||')
	cppcheck --quiet --enable=warning,style,performance,portability --std=c99 \
	  --error-exitcode=1 --inline-suppr -I src --suppress=missingIncludeSystem \
	  --suppress=missingInclude --suppress=toomanyconfigs --suppress=variableScope \
	  --suppress=unusedStructMember:src/msg.c src/

clean:
	rm -rf build lsock.so

# `make -s print-VAR` prints a variable, for the scripts (tests/*.sh) that
# need the build's flags or object lists without repeating them.
print-%:
	@echo $($*)

# Further targets live in mk/*.mk, one file per concern (embedding, checks).
-include mk/*.mk
