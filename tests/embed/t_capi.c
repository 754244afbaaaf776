/*
** t_capi.c — the C API of lsock.h from a host's side: lsock_pushfd hands
** a descriptor the host made to Lua (which then owns it), lsock_tofd
** gives back the descriptor of the socket at a stack index, or -1.
*/
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>

#include "tap.h"

static int is_open(int fd) {
  return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

int main(void) {
  lua_State *L = tap_newstate();
  int sv[2], fd, ok, top, flags;
  char buf[16];
  ssize_t n;

  if (L == NULL) return tap(0, "a Lua state"), 1;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "lsock");
  lua_call(L, 1, 1);
  lua_setglobal(L, "lsock");
  tap_run(L, "=default", "lsock.setdefaulttimeout(2.5)", 0, 0);

  /* a plain socketpair, inheritable and blocking, as a host would have it */
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return tap(0, "socketpair"), 1;
  top = lua_gettop(L);
  ok = lsock_pushfd(L, sv[0], -1, -1, -1);
  tap(ok == 1 && lua_gettop(L) == top + 1 && lua_isuserdata(L, -1),
      "lsock_pushfd(L, fd, -1, -1, -1) returns 1 and pushes one socket object");
  lua_setglobal(L, "s");
  lua_getglobal(L, "s");
  tap(lsock_tofd(L, -1) == sv[0], "lsock_tofd gives the same descriptor back (relative index)");
  tap(lsock_tofd(L, lua_gettop(L)) == sv[0], "lsock_tofd with an absolute index");
  lua_pop(L, 1);

  flags = fcntl(sv[0], F_GETFD);
  tap(flags != -1 && (flags & FD_CLOEXEC), "the adopted descriptor became close-on-exec");
  flags = fcntl(sv[0], F_GETFL);
  tap(flags != -1 && (flags & O_NONBLOCK), "it is non-blocking, as the state's default timeout (2.5 s) asks");

  ok = tap_run(L, "=fields",
               "assert(s.family == lsock.AF_UNIX, 'family ' .. tostring(s.family))\n"
               "assert(s.type == lsock.SOCK_STREAM, 'type ' .. tostring(s.type))\n"
               "assert(s.proto == 0, 'proto')\n"
               "assert(s:gettimeout() == 2.5, 'timeout ' .. tostring(s:gettimeout()))\n"
               "assert(s:fileno() == ...)\n", (lua_pushinteger(L, sv[0]), 1), 0);
  tap(ok, "family, type and proto are read from the descriptor; the timeout is the default");

  if (write(sv[1], "from C", 6) != 6) perror("write");
  ok = tap_run(L, "=recv",
               "local d = assert(s:recv(100)); assert(d == 'from C', d)\n"
               "assert(s:sendall('from Lua'))\n", 0, 0);
  n = read(sv[1], buf, sizeof buf);
  tap(ok && n == 8 && memcmp(buf, "from Lua", 8) == 0, "data flows between the C end and the Lua object");

  /* explicit family, type, proto */
  {
    int sv2[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv2) != 0) return tap(0, "socketpair"), 1;
    ok = lsock_pushfd(L, sv2[0], AF_UNIX, SOCK_DGRAM, 0);
    if (ok) {
      lua_setglobal(L, "d");
      ok = tap_run(L, "=dgram", "assert(d.type == lsock.SOCK_DGRAM); d:close()", 0, 0);
    }
    tap(ok && !is_open(sv2[0]), "with family, type and proto given; close() closes the host's descriptor");
    close(sv2[1]);
  }

  /* what is not an open socket gives -1 */
  lua_pushinteger(L, sv[1]);
  lua_pushliteral(L, "3");
  lua_newtable(L);
  lua_getglobal(L, "io");
  lua_getfield(L, -1, "stdout");
  lua_remove(L, -2);
  lua_pushnil(L);
  tap(lsock_tofd(L, -5) == -1 && lsock_tofd(L, -4) == -1 && lsock_tofd(L, -3) == -1 &&
      lsock_tofd(L, -2) == -1 && lsock_tofd(L, -1) == -1 && lsock_tofd(L, lua_gettop(L) + 3) == -1,
      "lsock_tofd of an integer, a string, a table, an io file, nil or an empty slot is -1");
  lua_pop(L, 5);

  tap_run(L, "=detach", "t = assert(lsock.socket()); u = assert(lsock.socket()); fd_t = u:detach()", 0, 0);
  lua_getglobal(L, "t");
  lua_getglobal(L, "u");
  fd = lsock_tofd(L, -2);
  ok = fd >= 0;
  tap_run(L, "=close", "t:close()", 0, 0);
  tap(ok && lsock_tofd(L, -2) == -1 && lsock_tofd(L, -1) == -1,
      "lsock_tofd of a closed or detached socket is -1");
  lua_pop(L, 2);
  tap_run(L, "=closefd", "lsock.close(fd_t)", 0, 0);

  /* failure: pushes nil, message, errno and returns 0 */
  fd = dup(sv[1]);
  close(fd); /* a descriptor number that is certainly not open */
  top = lua_gettop(L);
  ok = lsock_pushfd(L, fd, AF_UNIX, SOCK_STREAM, 0);
  tap(ok == 0 && lua_gettop(L) == top + 3 && lua_isnil(L, -3) && lua_isstring(L, -2) &&
      lua_tointeger(L, -1) == EBADF,
      "lsock_pushfd of a closed descriptor returns 0 and pushes nil, message, EBADF");
  if (lua_gettop(L) == top + 3) printf("# message: %s\n", lua_tostring(L, -2));
  lua_settop(L, top);

  /* a descriptor that is not a socket: family cannot be read */
  {
    int p[2];
    if (pipe(p) != 0) return tap(0, "pipe"), 1;
    top = lua_gettop(L);
    ok = lsock_pushfd(L, p[0], -1, -1, -1);
    tap(ok == 0 && lua_gettop(L) == top + 3 && lua_isnil(L, -3) && is_open(p[0]),
        "lsock_pushfd of a pipe fails (ENOTSOCK) and leaves the descriptor to the caller");
    lua_settop(L, top);
    close(p[0]);
    close(p[1]);
  }

  /* Lua owns what it was given: closing the state closes the descriptor */
  lua_close(L);
  tap(!is_open(sv[0]), "lua_close (the socket's __gc) closes the adopted descriptor");
  close(sv[1]);
  return 0;
}
