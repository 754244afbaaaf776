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
build = {
   type = "builtin",
   modules = {
      lsock = {
         sources = {
            "src/addr.c", "src/const.c", "src/create.c", "src/file.c",
            "src/lsock.c", "src/poller.c", "src/poller_epoll.c", "src/poller_poll.c",
            "src/select.c", "src/socket.c", "src/sys.c", "src/transfer.c", "src/wait.c",
         },
         defines = { "_POSIX_C_SOURCE=200809L", "_DEFAULT_SOURCE" },
         incdirs = { "src" },
      },
   },
   copy_directories = { "docs", "examples" },
}
