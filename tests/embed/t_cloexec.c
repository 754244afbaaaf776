/*
** t_cloexec.c — every descriptor lsock makes is close-on-exec: a child
** started with io.popen sees none of them. The child lists its own
** descriptors (ls -l /proc/self/fd) while lsock's are open; each of those
** is looked for in the listing by its target ("socket:[inode]"). An
** inheritable socket made here in C is the control that shows the listing
** would reveal a leak.
*/
#include <unistd.h>
#include <sys/socket.h>

#include "tap.h"

static const char CODE[] =
  "local lsock = require 'lsock'\n"
  "local keep, what = {}, {}\n"
  "local function add(name, s) keep[#keep + 1] = s; what[#what + 1] = name end\n"
  "add('socket()', assert(lsock.socket()))\n"
  "add('socket(AF_INET, SOCK_DGRAM)', assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM)))\n"
  "if lsock.has_ipv6 then add('socket(AF_INET6)', assert(lsock.socket(lsock.AF_INET6))) end\n"
  "local a, b = assert(lsock.socketpair())\n"
  "add('socketpair() 1', a); add('socketpair() 2', b)\n"
  "local server = assert(lsock.create_server({'127.0.0.1', 0}))\n"
  "add('create_server()', server)\n"
  "add('create_connection()', assert(lsock.create_connection({server:getsockname()}, 2)))\n"
  "add('accept() in timeout mode', (assert(server:accept())))\n"
  "add('create_connection() blocking', assert(lsock.create_connection({server:getsockname()})))\n"
  "server:settimeout(nil)\n"
  "add('accept() in blocking mode', (assert(server:accept())))\n"
  "add('dup()', assert(a:dup()))\n"
  "add('fromfd()', assert(lsock.fromfd(a:fileno(), lsock.AF_UNIX, lsock.SOCK_STREAM)))\n"
  "add('lsock_pushfd()', adopted)\n"
  "-- the poller has no fileno: the child must see no eventpoll at all\n"
  "local poller = lsock.poller and lsock.poller()\n"
  "local p = assert(io.popen('ls -l /proc/self/fd'))\n"
  "local listing = p:read('*a')\n"
  "p:close()\n"
  "local fds = {}\n"
  "for i, s in ipairs(keep) do fds[i] = s:fileno() end\n"
  "if poller then keep[#keep + 1] = poller end\n"
  "kept = keep\n"
  "return fds, what, listing\n";

/* The target of /proc/self/fd/N, e.g. "socket:[12345]". */
static const char *fd_target(int fd, char *buf, size_t size) {
  char path[64];
  ssize_t n;
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  n = readlink(path, buf, size - 1);
  if (n < 0) return NULL;
  buf[n] = '\0';
  return buf;
}

int main(void) {
  lua_State *L = tap_newstate();
  int control, adopted, ok, i, n, leaked = 0;
  char target[256], control_target[256];
  const char *listing;

  if (L == NULL) return tap(0, "a Lua state"), 1;
  if (access("/proc/self/fd", R_OK) != 0) {
    printf("ok - close-on-exec # SKIP no /proc/self/fd here\n");
    return 0;
  }
  control = socket(AF_INET, SOCK_STREAM, 0);   /* inheritable, on purpose */
  adopted = socket(AF_INET, SOCK_STREAM, 0);   /* inheritable until lsock adopts it */
  if (control < 0 || adopted < 0 || fd_target(control, control_target, sizeof control_target) == NULL)
    return tap(0, "control sockets"), 1;
  if (lsock_pushfd(L, adopted, -1, -1, -1) != 1) return tap(0, "lsock_pushfd"), 1;
  lua_setglobal(L, "adopted");

  ok = tap_run(L, "=cloexec", CODE, 0, 3);
  if (!ok) {
    tap(0, "a child started with io.popen sees none of lsock's descriptors");
    return 0;
  }
  listing = lua_tostring(L, -1);
  tap(listing != NULL && strstr(listing, control_target) != NULL,
      "control: the child does see an inheritable socket made in C (%s)", control_target);
  n = 0;
  for (i = 1; listing != NULL; i++) {
    int fd;
    lua_rawgeti(L, -3, i);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    n++;
    fd = (int)lua_tointeger(L, -1);
    lua_rawgeti(L, -3, i);
    if (fd_target(fd, target, sizeof target) == NULL) {
      printf("# %s: fd %d has no target\n", lua_tostring(L, -1), fd);
      leaked++;
    } else if (strstr(listing, target) != NULL) {
      printf("# %s: fd %d (%s) is seen by the child\n", lua_tostring(L, -1), fd, target);
      leaked++;
    }
    lua_pop(L, 2);
  }
  if (listing != NULL && strstr(listing, "eventpoll") != NULL) {
    printf("# the child sees an epoll descriptor\n");
    leaked++;
  }
  printf("# %d descriptors checked\n", n);
  tap(listing != NULL && leaked == 0 && n >= 12,
      "a child started with io.popen sees none of lsock's descriptors (socket, socketpair, "
      "create_server, create_connection, accept, dup, fromfd, poller, lsock_pushfd)");
  lua_pop(L, 3);
  tap_run(L, "=close", "for _, s in ipairs(kept) do s:close() end", 0, 0);
  close(control);
  lua_close(L);
  return 0;
}
