rockspec_format = "3.0"
package = "lsock"
version = "0.1.0-1"
source = {
   url = "git+https://example.invalid/lsock.git",
   tag = "v0.1.0",
}
description = {
   summary = "Python's socket module for Lua: timeouts that lose nothing, no FD_SETSIZE, no SIGPIPE",
   detailed = [[
lsock gives Lua the socket object of Python's socket module: socket, bind,
listen, accept, connect, recv, send, sendall, recvfrom, sendto, options,
timeouts driven by poll() on non-blocking descriptors, makefile, select and
a persistent poller (epoll). Works on Lua 5.1 to 5.4 and LuaJIT.
]],
   license = "MIT",
   labels = { "socket", "network", "tcp", "udp", "unix" },
}
dependencies = {
   "lua >= 5.1, < 5.5",
}
-- The Makefile holds the sources and the flags: `make rock` builds under
-- build/rock with luarocks' compiler, flags and Lua headers (./lsock.so,
-- the checkout's own build, is left alone), `make rock-install` installs.
build = {
   type = "make",
   build_target = "rock",
   build_variables = {
      CC = "$(CC)",
      CFLAGS = "$(CFLAGS)",
      LIBFLAG = "$(LIBFLAG)",
      LUA_INCDIR = "$(LUA_INCDIR)",
      LUA_BIN = "$(LUA)",
   },
   install_target = "rock-install",
   install_variables = {
      INST_LIBDIR = "$(LIBDIR)",
   },
   copy_directories = { "docs", "examples" },
}
