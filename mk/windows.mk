# mk/windows.mk — lsock for Windows, cross-built with MinGW-w64 and run
# under Wine, on this Linux machine.
#
#   make windows        build/windows/lsock.dll, lua.exe + lua54.dll (Lua
#                       5.4 from Debian's source package), and lsockhost.exe
#                       (make demo's static host), which runs examples/demo.lua
#   make test-windows   the specs under Wine (tests/windows/run.sh), ending
#                       with "N passed, N failed, N skipped"
#   make wine ARGS=...  runs build/windows/lua.exe ARGS under this tree's Wine
#
# Lua's source comes from Debian's registry at build time, through a private
# apt configuration under build/windows/apt (tests/windows/fetch.sh); no
# third-party source is kept in the repository.

WIN_DIR    := build/windows
WIN_CC     ?= x86_64-w64-mingw32-gcc
WIN_APT    := $(WIN_DIR)/apt
WIN_LUASRC := $(WIN_APT)/src/lua5.4/src
WIN_OBJDIR := $(WIN_DIR)/obj
# The Makefile's flags, less what Windows has no use for (-fPIC: all code
# is position independent there; -fvisibility: a DLL exports what LSOCK_API
# marks, nothing else).
WIN_CFLAGS  = $(filter-out -fvisibility=hidden,$(LSOCK_CFLAGS)) -I$(WIN_LUASRC) $(CFLAGS)
WIN_OBJS   := $(SRCS:src/%.c=$(WIN_OBJDIR)/%.o)
WIN_LIBS   := -lws2_32 -liphlpapi

# Wine, headless, with a prefix of its own under build/windows.
WINE       ?= /usr/lib/wine/wine64
WIN_PREFIX := $(CURDIR)/$(WIN_DIR)/wineprefix
WINE_ENV    = WINEPREFIX=$(WIN_PREFIX) WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=

.PHONY: windows windows-deps test-windows wine

# (two sub-makes: the host links Lua's objects, which exist only once the
# first has built Lua)
windows: windows-deps
	@$(MAKE) --no-print-directory $(WIN_DIR)/lua.exe $(WIN_PREFIX)/system.reg
	@$(MAKE) --no-print-directory $(WIN_DIR)/lsock.dll $(WIN_DIR)/lsockhost.exe
	cd $(WIN_DIR) && $(WINE_ENV) $(WINE) lsockhost.exe ../../examples/demo.lua

windows-deps:
	@sh tests/windows/deps.sh

$(WIN_LUASRC)/lua.h:
	sh tests/windows/fetch.sh $(WIN_APT) lua5.4

# lua.exe and lua54.dll, as Lua's own makefile builds them for MinGW.
$(WIN_LUASRC)/lua54.dll: $(WIN_LUASRC)/lua.h
	$(MAKE) -C $(WIN_LUASRC)/.. mingw CC=$(WIN_CC) >/dev/null

$(WIN_DIR)/lua54.dll: $(WIN_LUASRC)/lua54.dll
	cp $< $@

$(WIN_DIR)/lua.exe: $(WIN_LUASRC)/lua54.dll $(WIN_DIR)/lua54.dll
	cp $(WIN_LUASRC)/lua.exe $@

$(WIN_DIR)/lsock.dll: $(WIN_OBJS) $(WIN_DIR)/lua54.dll
	$(WIN_CC) -shared -o $@ $(WIN_OBJS) $(WIN_DIR)/lua54.dll $(WIN_LIBS) $(LDFLAGS)

$(WIN_OBJDIR)/%.o: src/%.c src/*.h Makefile mk/windows.mk $(WIN_LUASRC)/lua.h | $(WIN_OBJDIR)
	$(WIN_CC) $(WIN_CFLAGS) -c -o $@ $<

# The static host: lsock's objects and Lua's core in one .exe (Lua's own
# makefile leaves its objects beside the DLL; the host links them, less
# lua.c's main and luac's), as make demo links liblua5.4.a; the objects
# of lsock are the DLL's.
WIN_LUACORE = $(filter-out %/lua.o %/luac.o,$(wildcard $(WIN_LUASRC)/*.o))

$(WIN_DIR)/lsockhost.exe: host/lsockhost.c src/lsock.h $(WIN_OBJS) $(WIN_LUASRC)/lua54.dll
	$(WIN_CC) $(WIN_CFLAGS) -Isrc -o $@ host/lsockhost.c $(WIN_OBJS) $(WIN_LUACORE) $(WIN_LIBS) $(LDFLAGS)

$(WIN_OBJDIR):
	mkdir -p $@

# The prefix is made once (wineboot), before the first program runs in it.
$(WIN_PREFIX)/system.reg:
	$(WINE_ENV) $(WINE) wineboot --init >/dev/null 2>&1

wine:
	@$(WINE_ENV) $(WINE) $(WIN_DIR)/lua.exe $(ARGS)

test-windows: windows
	@WINE="$(WINE)" WINEPREFIX="$(WIN_PREFIX)" sh tests/windows/run.sh
