# make package-check: the rockspec passes `luarocks lint`, and `luarocks make`
# installs offline into a temporary tree from which Lua 5.4 requires lsock.
ROCKSPEC := lsock-0.1.0-1.rockspec
ROCKTREE := build/rocktree
ROCKSRC  := build/rocksrc

.PHONY: package-check
package-check:
	@sh tests/install.sh luarocks git
	luarocks lint $(ROCKSPEC)
	rm -rf $(ROCKTREE) $(ROCKSRC)
	@# luarocks builds in the source tree: build in a copy, so ./lsock.so is untouched
	mkdir -p $(ROCKSRC) && git archive HEAD | tar -x -C $(ROCKSRC)
	cd $(ROCKSRC) && luarocks --lua-version=5.4 make --tree=$(CURDIR)/$(ROCKTREE) $(ROCKSPEC)
	cd /tmp && eval "$$(luarocks --lua-version=5.4 --tree=$(CURDIR)/$(ROCKTREE) path)" && \
	  lua5.4 -e 'local l = require "lsock"; assert(package.searchpath("lsock", package.cpath):find("rocktree")); print("installed:", l._VERSION)'

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
