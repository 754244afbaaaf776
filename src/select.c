/*
** select.c — selectable handles, and lsock.select: Python's select.select
** over poll(). The lists may hold descriptors of any number (no
** FD_SETSIZE); a descriptor named in several lists, or several times,
** takes one pollfd, so no list length can reach RLIMIT_NOFILE; and a
** handle that holds data above the kernel (a makefile() file's buffer,
** decrypted bytes) is readable at once, so a loop never sleeps on data it
** already holds.
**
** User Lua runs in the middle of select (fileno methods, __index): the
** lists are copied before any of it runs, and everything measured from
** them lives in that copy, so nothing it does to the lists can reach C.
*/
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* ---------------------------------------------------------------- handles */

/* The metatables of handles carry this key, with a true value. */
static const char HANDLE_KEY = 0;

void lsock_handle_mark(lua_State *L) {
  lua_pushlightuserdata(L, (void *)&HANDLE_KEY);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
}

lsock_Handle *lsock_handle_test(lua_State *L, int idx) {
  lsock_Handle *h = (lsock_Handle *)lua_touserdata(L, idx);
  int marked;
  if (h == NULL || lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) return NULL;
  lua_pushlightuserdata(L, (void *)&HANDLE_KEY);
  lua_rawget(L, -2);
  marked = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return marked ? h : NULL;
}

/* Whether obj.fileno can be read without raising. */
static int aux_indexable(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TTABLE) return 1;
  if (lua_type(L, idx) != LUA_TUSERDATA || !luaL_getmetafield(L, idx, "__index")) return 0;
  lua_pop(L, 1);
  return 1;
}

/* A descriptor number from Lua (an integer or what fileno returned). */
static sys_fd aux_fdnumber(lua_State *L, int idx, int arg, const char *what) {
  lua_Number n = lua_tonumber(L, idx);
  if (!compat_isinteger(L, idx) || !lsock_sys_validfd((double)n))
    luaL_argerror(L, arg, lua_pushfstring(L, "%s must be a non-negative integer, got %f", what,
                                           (double)n));
  return (sys_fd)lua_tointeger(L, idx);
}

sys_fd lsock_select_getfd(lua_State *L, int idx, int arg, lsock_Handle **hp) {
  lsock_Handle *h = lsock_handle_test(L, idx);
  *hp = h;
  if (h != NULL) return h->cls->fd(L, h);
  if (lua_type(L, idx) == LUA_TNUMBER) return aux_fdnumber(L, idx, arg, "file descriptor");
  idx = compat_absindex(L, idx);
  if (aux_indexable(L, idx)) {
    lua_getfield(L, idx, "fileno");
    if (lua_isfunction(L, -1)) {
      sys_fd fd;
      lua_pushvalue(L, idx);
      lua_call(L, 1, 1);
      if (lua_type(L, -1) != LUA_TNUMBER)
        luaL_argerror(L, arg, "fileno() must return a non-negative integer");
      fd = aux_fdnumber(L, -1, arg, "fileno()");
      lua_pop(L, 1);
      return fd;
    }
    lua_pop(L, 1);
  }
  return luaL_argerror(L, arg, lua_pushfstring(L, "%s is not a socket, file, descriptor or "
                                                  "object with fileno", luaL_typename(L, idx)));
}

/* ----------------------------------------------------------------- select */

/* Lists this short are polled from the C stack, with no allocation. */
#define SELECT_STACK_FDS 64

/* One entry of the three lists, in order: which list, its descriptor, and
   its slot in the pollfd array (shared by entries of the same fd). */
typedef struct {
  sys_fd fd;
  int list;    /* 0 read, 1 write, 2 exceptional */
  int ready;   /* a read that can go ahead without the kernel */
  size_t slot;
} aux_Entry;

typedef struct {
  sys_pollfd *p;
  size_t n;
} aux_Set;

static int aux_pollset(void *set, int ms, int *nready) {
  aux_Set *s = (aux_Set *)set;
  return lsock_sys_poll(s->p, s->n, ms, nready);
}

static const short list_events[3] = {POLLIN, POLLOUT, POLLPRI};
static const short list_revents[3] = {POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI};

/* rlist and wlist are required, as in Python; xlist may be left out. */
static size_t aux_checklist(lua_State *L, int arg, int optional) {
  if (optional && lua_isnoneornil(L, arg)) return 0;
  luaL_checktype(L, arg, LUA_TTABLE);
  return (size_t)lua_rawlen(L, arg);
}

/* A descriptor and the entry it came from, sorted to find equal ones. */
typedef struct {
  sys_fd fd;
  size_t entry;
} aux_Key;

static int aux_cmpkey(const void *a, const void *b) {
  const aux_Key *x = (const aux_Key *)a, *y = (const aux_Key *)b;
  if (x->fd != y->fd) return x->fd < y->fd ? -1 : 1;
  return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Room for n items of 'size' bytes: the C stack's when it fits, else a
   userdata left on the Lua stack (collected with the call). */
static void *aux_room(lua_State *L, void *onstack, size_t fits, size_t n, size_t size) {
  if (n <= fits) return onstack;
  if (n > (size_t)-1 / size) luaL_error(L, "not enough memory");
  return lua_newuserdata(L, n * size);
}

/* Waits for the set as the running coroutine must: poll at once; then,
   where its waits are handed off, suspend it on the whole set as a table
   {[fd] = events} (polling again when it resumes), else wait in the
   engine. */
static int aux_wait(lua_State *L, aux_Set *set, lsock_Call *c, double deadline) {
  int n = 0, err;
  size_t i;
  err = lsock_wait_until(aux_pollset, set, LSOCK_NOWAIT, &n);
  if (err != LSOCK_TIMEOUT || lsock_sys_now() >= deadline) return err;
  if (!lsock_call_canhandoff(L)) return lsock_wait_until(aux_pollset, set, deadline, &n);
  lua_createtable(L, 0, (int)set->n);
  for (i = 0; i < set->n; i++) {
    lua_pushinteger(L, set->p[i].events);
    lua_rawseti(L, -2, (int)set->p[i].fd);
  }
  return lsock_call_waitset(L, c, deadline);
}

static int aux_select_body(lua_State *L, lsock_Call *c) {
  aux_Entry entries_stack[SELECT_STACK_FDS], *e;
  aux_Key keys_stack[SELECT_STACK_FDS], *keys;
  sys_pollfd pfd_stack[SELECT_STACK_FDS];
  size_t count[3], total, i, k, nready = 0;
  double deadline;
  aux_Set set;
  int objs, err, list;
  count[0] = aux_checklist(L, 1, 0);
  count[1] = aux_checklist(L, 2, 0);
  count[2] = aux_checklist(L, 3, 1);
  if (!c->resumed) c->deadline = lsock_wait_deadline(lsock_check_timeout(L, 4));
  deadline = c->deadline;
  total = count[0] + count[1] + count[2];
  /* the copy: objs[1..total], the three lists in order */
  lua_createtable(L, (int)total, 0);
  objs = lua_gettop(L);
  for (list = 0, k = 0; list < 3; list++)
    for (i = 1; i <= count[list]; i++) {
      lua_rawgeti(L, list + 1, (int)i);
      lua_rawseti(L, objs, (int)++k);
    }
  e = (aux_Entry *)aux_room(L, entries_stack, SELECT_STACK_FDS, total, sizeof *e);
  keys = (aux_Key *)aux_room(L, keys_stack, SELECT_STACK_FDS, total, sizeof *keys);
  set.p = (sys_pollfd *)aux_room(L, pfd_stack, SELECT_STACK_FDS, total, sizeof *set.p);
  for (list = 0, k = 0; list < 3; list++)
    for (i = 0; i < count[list]; i++, k++) {
      lsock_Handle *h;
      lua_rawgeti(L, objs, (int)k + 1);
      e[k].fd = lsock_select_getfd(L, lua_gettop(L), list + 1, &h);
      e[k].list = list;
      e[k].ready = list == 0 && h != NULL && h->cls->pending(h) == 1;
      if (e[k].ready) nready++;
      keys[k].fd = e[k].fd;
      keys[k].entry = k;
      lua_pop(L, 1);
    }
  /* one pollfd per distinct descriptor, with the events of all its entries */
  if (total > 1) qsort(keys, total, sizeof *keys, aux_cmpkey);
  for (k = 0, set.n = 0; k < total; k++) {
    aux_Entry *x = &e[keys[k].entry];
    if (set.n == 0 || set.p[set.n - 1].fd != x->fd) {
      set.p[set.n].fd = x->fd;
      set.p[set.n].events = 0;
      set.p[set.n].revents = 0;
      set.n++;
    }
    set.p[set.n - 1].events |= list_events[x->list];
    x->slot = set.n - 1;
  }
  /* what is held already must not wait; poll still reports the rest */
  err = aux_wait(L, &set, c, nready ? LSOCK_NOWAIT : deadline);
  if (err != 0 && err != LSOCK_TIMEOUT) return lsock_result_fail(L, err);
  for (i = 0; i < set.n; i++) {
    if (err == 0 && (set.p[i].revents & POLLNVAL)) return lsock_result_fail(L, EBADF);
  }
  for (list = 0, k = 0; list < 3; list++) {
    int n = 0;
    lua_newtable(L);
    for (i = 0; i < count[list]; i++, k++) {
      short rev = err == 0 ? set.p[e[k].slot].revents : 0;
      if (e[k].ready || (rev & list_revents[list])) {
        lua_rawgeti(L, objs, (int)k + 1);
        lua_rawseti(L, -2, ++n);
      }
    }
  }
  return 3;
}

int lsock_select_select(lua_State *L) {
  return lsock_call_run(L, 4, aux_select_body);
}
