/*
** select.c — lsock.select, Python's select.select over poll(): the lists
** may hold descriptors of any number (no FD_SETSIZE), and a makefile()
** file with buffered, unread data is readable at once, so a loop never
** sleeps on data it already holds.
*/
#include <errno.h>
#include <math.h>
#include <poll.h>

#include "private.h"
#include "sys.h"

/* Lists this short are polled from the C stack, with no allocation. */
#define SELECT_STACK_FDS 64

/* Whether obj.fileno can be read without raising. */
static int aux_indexable(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TTABLE) return 1;
  if (lua_type(L, idx) != LUA_TUSERDATA || !luaL_getmetafield(L, idx, "__index")) return 0;
  lua_pop(L, 1);
  return 1;
}

int select_getfd(lua_State *L, int idx, int *ready) {
  lsock_Socket *s;
  int fd;
  *ready = 0;
  if ((s = sock_test(L, idx)) != NULL) {
    if (s->closed) luaL_error(L, "attempt to use a closed socket");
    return s->fd;
  }
  if (file_getfd(L, idx, &fd, ready)) return fd;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Integer n;
    if (!compat_isinteger(L, idx)) luaL_error(L, "file descriptor must be an integer");
    n = lua_tointeger(L, idx);
    if (n < 0 || n > 0x7fffffff) luaL_error(L, "file descriptor out of range (%d)", (int)n);
    return (int)n;
  }
  if (aux_indexable(L, idx)) {
    lua_getfield(L, idx, "fileno");
    if (lua_isfunction(L, -1)) {
      lua_pushvalue(L, idx);
      lua_call(L, 1, 1);
      if (!compat_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
        luaL_error(L, "fileno() must return a non-negative integer");
      fd = (int)lua_tointeger(L, -1);
      lua_pop(L, 1);
      return fd;
    }
    lua_pop(L, 1);
  }
  return luaL_error(L, "select: %s is not a socket, file, descriptor or object with fileno",
                    luaL_typename(L, idx));
}

/* Fills p[] from the list at 'arg' with 'events'; counts the ready ones. */
static int aux_fill(lua_State *L, int arg, struct pollfd *p, int events, int *nready) {
  int i, n = lua_isnoneornil(L, arg) ? 0 : (int)lua_rawlen(L, arg);
  for (i = 0; i < n; i++) {
    int ready;
    lua_rawgeti(L, arg, i + 1);
    p[i].fd = select_getfd(L, lua_gettop(L), &ready);
    p[i].events = (short)events;
    /* a file's buffered data is readable now: poll() skips a negative fd,
       and aux_collect reads the mark back */
    if (ready && events == POLLIN) {
      p[i].fd = -1;
      (*nready)++;
    }
    lua_pop(L, 1);
  }
  return n;
}

/* Pushes a new list of the items of the list at 'arg' whose revents match. */
static void aux_collect(lua_State *L, int arg, const struct pollfd *p, int n, int mask) {
  int i, k = 0;
  lua_newtable(L);
  for (i = 0; i < n; i++) {
    if ((p[i].revents & mask) || (p[i].fd == -1 && (mask & POLLIN))) {
      lua_rawgeti(L, arg, i + 1);
      lua_rawseti(L, -2, ++k);
    }
  }
}

/* rlist and wlist are required, as in Python; xlist may be left out. */
static int aux_checklist(lua_State *L, int arg, int optional) {
  if (optional && lua_isnoneornil(L, arg)) return 0;
  luaL_checktype(L, arg, LUA_TTABLE);
  return (int)lua_rawlen(L, arg);
}

int select_select(lua_State *L) {
  struct pollfd onstack[SELECT_STACK_FDS], *p = onstack;
  int nr = aux_checklist(L, 1, 0), nw = aux_checklist(L, 2, 0), nx = aux_checklist(L, 3, 1);
  double timeout = sock_checktimeout(L, 4);
  double deadline = timeout < 0 ? INFINITY : sys_now() + timeout;
  int total = nr + nw + nx, nready = 0, i;
  lua_settop(L, 4);
  if (total > SELECT_STACK_FDS)
    p = (struct pollfd *)lua_newuserdata(L, (size_t)total * sizeof *p);
  aux_fill(L, 1, p, POLLIN, &nready);
  aux_fill(L, 2, p + nr, POLLOUT, &nready);
  aux_fill(L, 3, p + nr + nw, POLLPRI, &nready);
  for (;;) {
    /* what is buffered already must not wait; poll still reports the rest.
       EINTR waits again for what is left of the deadline. */
    int ms = nready ? 0 : wait_remaining_ms(deadline);
    if (poll(p, (nfds_t)total, ms) >= 0) break;
    if (errno != EINTR && errno != EAGAIN) return result_fail(L, errno);
  }
  for (i = 0; i < total; i++) {
    if (p[i].revents & POLLNVAL) return result_fail(L, EBADF);
  }
  aux_collect(L, 1, p, nr, POLLIN | POLLHUP | POLLERR);
  aux_collect(L, 2, p + nr, nw, POLLOUT | POLLERR);
  aux_collect(L, 3, p + nr + nw, nx, POLLPRI);
  return 3;
}
