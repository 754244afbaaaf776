# make package-check: the rockspec passes `luarocks lint`, and `luarocks make`
# (build.type "make": the Makefile's rock and rock-install targets) installs
# offline from this checkout into a temporary tree, from which Lua 5.4
# requires lsock. The rock builds under build/rock: ./lsock.so (inode,
# time, checksum) and the files git sees must be the same afterwards.
ROCKSPEC := lsock-0.1.0-1.rockspec
ROCKTREE := build/rocktree
ROCK_STAMP = { stat -c '%i %y %s' lsock.so; cksum lsock.so; git status --porcelain --untracked-files=all; } 2>&1

.PHONY: package-check
package-check:
	@sh tests/install.sh luarocks git
	luarocks lint $(ROCKSPEC)
	rm -rf $(ROCKTREE)
	@mkdir -p build && $(ROCK_STAMP) > build/rock-before
	luarocks --lua-version=5.4 make --tree=$(CURDIR)/$(ROCKTREE) $(ROCKSPEC)
	@$(ROCK_STAMP) > build/rock-after
	@cmp -s build/rock-before build/rock-after || \
	  { echo "luarocks make changed the checkout:"; diff build/rock-before build/rock-after; exit 1; }
	@echo "ok: ./lsock.so and the checkout are as they were"
	cd /tmp && eval "$$(luarocks --lua-version=5.4 --tree=$(CURDIR)/$(ROCKTREE) path)" && \
	  lua5.4 -e 'local l = require "lsock"; local f = package.searchpath("lsock", package.cpath); assert(f:find("$(CURDIR)/$(ROCKTREE)/", 1, true), f); print("installed:", f, l._VERSION)'

# make install with DESTDIR puts the module where pkg-config says Lua 5.4
# looks for C modules, and the header under PREFIX.
.PHONY: install-check
install-check: lsock.so
	rm -rf build/destdir
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/build/destdir PREFIX=/usr/local
	test -f build/destdir$(CMOD_DIR)/lsock.so
	test -f build/destdir/usr/local/include/lsock.h
	@echo "installed: build/destdir$(CMOD_DIR)/lsock.so"
package-check: install-check
