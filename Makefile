# lsock — make, make test, make install. LUA= picks the Lua: 5.1 5.2 5.3 5.4 luajit.
LUA      ?= 5.4
PREFIX   ?= /usr/local
DESTDIR  ?=
POLLER   ?= auto

ifeq ($(LUA),luajit)
  LUA_PC  := luajit
  LUA_BIN := luajit
else
  LUA_PC  := lua$(LUA)
  LUA_BIN := lua$(LUA)
endif

LUA_CFLAGS := $(shell pkg-config --cflags $(LUA_PC) 2>/dev/null)
CMOD_DIR   := $(or $(shell pkg-config --variable=INSTALL_CMOD $(LUA_PC) 2>/dev/null),$(PREFIX)/lib/lua/$(LUA))

CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes
CFLAGS   ?= -O2 -g
ALLCFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -fPIC \
            -fvisibility=hidden $(LUA_CFLAGS) $(POLLER_CFLAGS) $(CFLAGS)
LDFLAGS  ?=

ifeq ($(POLLER),poll)
  POLLER_CFLAGS := -DLSOCK_POLLER_POLL
endif

SRCS := $(sort $(wildcard src/*.c))
OBJDIR := build/$(LUA)-$(POLLER)
OBJS := $(SRCS:src/%.c=$(OBJDIR)/%.o)

.PHONY: all test install uninstall clean bench examples lint demo sanitize valgrind fuzz stress deps

all: lsock.so

# The build directory is per Lua version and poller backend, so switching
# LUA= or POLLER= never links objects built for another.
lsock.so: $(OBJS)
	$(CC) -shared -o $@ $(OBJS) $(LDFLAGS)
	@echo "$(LUA) $(POLLER)" > build/.last

$(OBJDIR)/%.o: src/%.c src/*.h | $(OBJDIR)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(OBJDIR):
	mkdir -p $@

# lsock.so is rebuilt whenever the last build was for another LUA/POLLER.
ifneq ($(shell cat build/.last 2>/dev/null),$(LUA) $(POLLER))
.PHONY: lsock.so
endif

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

# luacheck over every Lua file (.luacheckrc), cppcheck over the C sources.
lint:
	luacheck .
	cppcheck --quiet --enable=warning,style,performance,portability --std=c99 \
	  --error-exitcode=1 --inline-suppr -I src --suppress=missingIncludeSystem \
	  --suppress=missingInclude --suppress=toomanyconfigs src/

clean:
	rm -rf build lsock.so

# Further targets live in mk/*.mk, one file per concern (embedding, checks).
-include mk/*.mk
