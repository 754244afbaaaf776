/*
** poller.c — lsock.poller(), the persistent set of watched descriptors
** (Python's selectors / select.epoll). The kernel side is poller.h's
** backend; this file is the Lua object around it.
**
** Lua holds what Lua values are involved: the poller's user value is a
** table of three tables keyed by descriptor — the registered objects, their
** data, and the handles watched for reading that can hold data above the
** kernel (a makefile() file's buffer, decrypted bytes), which makes them
** readable without the kernel's word. C holds the numbers: the
** backend, and the ready array that a wait fills and its iterator walks,
** sized to the registered count and grown only by register, so that wait
** and the iteration allocate nothing.
**
** Every change to the set is all or nothing: what can raise (a Lua
** allocation, the object's own fileno) comes before the kernel hears of
** it, and undoing a table entry never allocates.
**
** Prefixes: p_ methods, lsock_poller_ shared with other files, aux_ helpers.
*/
#include <stdint.h>

#include "private.h"
#include "poller.h"

/* The tables in the user value. */
#define UV_OBJS 1
#define UV_DATA 2
#define UV_HELD 3

typedef struct lsock_Poller {
  poller_Backend b;
  int closed;
  poller_Event *ready; /* the last wait's results; fd < 0: skip it */
  size_t cap;          /* always more than 'count', so a wait has room */
  size_t nready, pos;  /* the iteration: ready[pos..nready) are to come */
  size_t count;        /* registered descriptors */
  size_t nheld;        /* of which, handles that can hold data, watched for POLLIN */
} lsock_Poller;

void *lsock_poller_realloc(const poller_Alloc *a, void *p, size_t size, size_t on, size_t nn) {
  void *np;
  if (nn > SIZE_MAX / size) return NULL;
  np = a->f(a->ud, p, p ? on * size : 0, nn * size);
  return nn == 0 ? NULL : np;
}

static lsock_Poller *aux_check(lua_State *L) {
  return (lsock_Poller *)luaL_checkudata(L, 1, LSOCK_POLLER_METATABLE);
}

static lsock_Poller *aux_checkopen(lua_State *L) {
  lsock_Poller *p = aux_check(L);
  if (p->closed) luaL_error(L, "attempt to use a closed poller");
  return p;
}

/* Pushes table 'which' of the user value of the poller at index 1. */
static void aux_pushtable(lua_State *L, int which) {
  compat_getuservalue(L, 1);
  lua_rawgeti(L, -1, which);
  lua_remove(L, -2);
}

/* Makes room for 'need' ready events, or raises. */
static void aux_reserve(lua_State *L, lsock_Poller *p, size_t need) {
  size_t nc = p->cap ? p->cap : 16;
  poller_Event *r;
  if (need <= p->cap) return;
  while (nc < need) nc *= 2;
  r = (poller_Event *)lsock_poller_realloc(&p->b.alloc, p->ready, sizeof *r, p->cap, nc);
  if (r == NULL) luaL_error(L, "not enough memory");
  p->ready = r;
  p->cap = nc;
}

/* ------------------------------------------------------------------ life */

int lsock_poller_new(lua_State *L) {
  lsock_Poller *p;
  poller_Alloc a;
  int err;
  /* the user value first: a poller never exists without its tables, so
     __gc and close never meet a half-made one */
  lua_createtable(L, 3, 0);
  lua_newtable(L);
  lua_rawseti(L, -2, UV_OBJS);
  lua_newtable(L);
  lua_rawseti(L, -2, UV_DATA);
  lua_newtable(L);
  lua_rawseti(L, -2, UV_HELD);
  p = (lsock_Poller *)compat_newudata(L, sizeof *p);
  p->closed = 1;
  p->ready = NULL;
  p->cap = p->nready = p->pos = p->count = p->nheld = 0;
  lua_insert(L, -2);
  compat_setuservalue(L, -2);
  luaL_setmetatable(L, LSOCK_POLLER_METATABLE);
  a.f = lua_getallocf(L, &a.ud);
  if ((err = lsock_pollerb_create(&p->b, &a)) != 0) return lsock_result_fail(L, err);
  p->closed = 0;
  aux_reserve(L, p, 1);
  return 1;
}

/* Closes the backend and lets go of every registered object. */
static int aux_close(lua_State *L, lsock_Poller *p) {
  int err = lsock_pollerb_close(&p->b), i;
  p->closed = 1;
  p->ready = (poller_Event *)lsock_poller_realloc(&p->b.alloc, p->ready, sizeof *p->ready, p->cap, 0);
  p->cap = p->nready = p->pos = p->count = p->nheld = 0;
  /* no method reaches the tables of a closed poller: they can go */
  compat_getuservalue(L, 1);
  for (i = UV_OBJS; i <= UV_HELD; i++) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  lua_pop(L, 1);
  return err;
}

static int p_close(lua_State *L) {
  lsock_Poller *p = aux_check(L);
  int err = p->closed ? 0 : aux_close(L, p);
  if (err) return lsock_result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

/* __gc and __close: the poller is closed, its errors unheard. */
static int p_gc(lua_State *L) {
  lsock_Poller *p = aux_check(L);
  if (!p->closed) aux_close(L, p);
  return 0;
}

static int p_tostring(lua_State *L) {
  lsock_Poller *p = aux_check(L);
  int fd = p->closed ? -1 : lsock_pollerb_fd(&p->b);
  if (p->closed)
    lua_pushfstring(L, "<lsock.poller [closed] backend=%s>", lsock_poller_backend_name);
  else if (fd >= 0)
    lua_pushfstring(L, "<lsock.poller backend=%s, fd=%d, count=%d>", lsock_poller_backend_name,
                    fd, (int)p->count);
  else
    lua_pushfstring(L, "<lsock.poller backend=%s, count=%d>", lsock_poller_backend_name, (int)p->count);
  return 1;
}

static int p_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)aux_checkopen(L)->count);
  return 1;
}

/* ------------------------------------------------------------ the set */

/* The descriptor of the object at 'idx'; *held tells a handle that can
   hold data above the kernel. The object's own Lua (fileno) may run, and
   may close this poller: raises if it did. */
static sys_fd aux_getfd(lua_State *L, lsock_Poller *p, int idx, int *held) {
  lsock_Handle *h;
  sys_fd fd;
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER: case LUA_TUSERDATA: case LUA_TTABLE: break;
    default: compat_typeerror(L, idx, "socket, file, descriptor or object with fileno");
  }
  fd = lsock_select_getfd(L, idx, idx, &h);
  *held = h != NULL && h->cls->pending(h) >= 0;
  if (p->closed) luaL_error(L, "attempt to use a closed poller");
  return fd;
}

static int aux_checkevents(lua_State *L, int idx) {
  lua_Integer ev = luaL_checkinteger(L, idx);
  /* as Python's selectors: an empty or unknown mask is a mistake */
  luaL_argcheck(L, ev != 0 && (ev & ~(lua_Integer)POLLER_WANTED) == 0, idx,
                "events must be POLLIN, POLLOUT or both");
  return (int)ev;
}

static int aux_notregistered(lua_State *L, int fd) {
  return luaL_argerror(L, 2, lua_pushfstring(L, "descriptor %d is not registered", fd));
}

/* Entries of the iteration under way for 'fd' are not to be yielded. */
static void aux_forget(lsock_Poller *p, int fd) {
  size_t i;
  for (i = p->pos; i < p->nready; i++)
    if (p->ready[i].fd == fd) p->ready[i].fd = -1;
}

/* t[fd] = true, or no entry at all (setting nil never allocates). */
static void aux_setmark(lua_State *L, int t, sys_fd fd, int on) {
  if (on) lua_pushboolean(L, 1);
  else lua_pushnil(L);
  lua_rawseti(L, t, (int)fd);
}

/* The start of register and modify: reads obj (2), events (3) and data
   (4); pushes the objects (5), data (6) and held (7) tables, then the
   object registered for the fd now (8, nil if none). Returns the fd. */
static sys_fd aux_begin(lua_State *L, lsock_Poller *p, int *events, int *watchheld) {
  int held;
  sys_fd fd = aux_getfd(L, p, 2, &held);
  *events = aux_checkevents(L, 3);
  *watchheld = held && (*events & POLLIN);
  lua_settop(L, 4);
  aux_pushtable(L, UV_OBJS);
  aux_pushtable(L, UV_DATA);
  aux_pushtable(L, UV_HELD);
  lua_rawgeti(L, 5, (int)fd);
  return fd;
}

/* register(obj, events [, data]). The object's entry goes in last: until
   it is there the descriptor is not registered, whatever else a memory
   error left (entries of an unregistered fd are cleared first). */
static int p_register(lua_State *L) {
  lsock_Poller *p = aux_checkopen(L);
  int events, watchheld, err;
  sys_fd fd = aux_begin(L, p, &events, &watchheld);
  if (!lua_isnil(L, -1))
    return luaL_argerror(L, 2, lua_pushfstring(L, "descriptor %d is already registered", (int)fd));
  lua_pop(L, 1);
  aux_setmark(L, 6, fd, 0);
  aux_setmark(L, 7, fd, 0);
  aux_reserve(L, p, p->count + 2);
  lua_pushvalue(L, 4);
  lua_rawseti(L, 6, (int)fd);
  if (watchheld) aux_setmark(L, 7, fd, 1);
  lua_pushvalue(L, 2);
  lua_rawseti(L, 5, (int)fd);
  if ((err = lsock_pollerb_add(&p->b, fd, events)) != 0) {
    aux_setmark(L, 5, fd, 0);
    aux_setmark(L, 6, fd, 0);
    aux_setmark(L, 7, fd, 0);
    return lsock_result_fail(L, err);
  }
  p->count++;
  if (watchheld) p->nheld++;
  return lsock_result_ok(L);
}

/* modify(obj, events [, data]): as Python, an absent data is nil. The
   object registered first stays the one that wait yields. The new mark
   and data go in before the kernel hears of it; each step that raises
   leaves the old values, and putting them back allocates nothing. */
static int p_modify(lua_State *L) {
  lsock_Poller *p = aux_checkopen(L);
  int events, watchheld, err, washeld;
  sys_fd fd = aux_begin(L, p, &events, &watchheld);
  if (lua_isnil(L, -1)) return aux_notregistered(L, fd);
  lua_rawgeti(L, 6, (int)fd);       /* 9: the old data, to put back on failure */
  lua_rawgeti(L, 7, (int)fd);
  washeld = lua_toboolean(L, -1);
  lua_pop(L, 1);
  /* the mark's key first, as false (no mark): it may raise, changing nothing */
  if (watchheld && !washeld) {
    lua_pushboolean(L, 0);
    lua_rawseti(L, 7, (int)fd);
  }
  /* may raise when the old data was nil: the false mark means no mark */
  lua_pushvalue(L, 4);
  lua_rawseti(L, 6, (int)fd);
  if (watchheld && !washeld) aux_setmark(L, 7, fd, 1); /* the key exists: no allocation */
  if ((err = lsock_pollerb_mod(&p->b, fd, events)) != 0) {
    lua_pushvalue(L, 9);
    lua_rawseti(L, 6, (int)fd);
    if (watchheld && !washeld) aux_setmark(L, 7, fd, 0);
    return lsock_result_fail(L, err);
  }
  if (washeld && !watchheld) aux_setmark(L, 7, fd, 0);
  p->nheld = p->nheld - (size_t)washeld + (size_t)watchheld;
  return lsock_result_ok(L);
}

/* The descriptor under which the closed socket at 'idx' was registered:
   its own is gone, so the set is searched for the object itself (as
   Python's selectors do). */
static int aux_findobj(lua_State *L, int idx, int objs) {
  lua_pushnil(L);
  while (lua_next(L, objs)) {
    if (lua_rawequal(L, -1, idx)) {
      int fd = (int)lua_tointeger(L, -2);
      lua_pop(L, 2);
      return fd;
    }
    lua_pop(L, 1);
  }
  return luaL_argerror(L, 2, "closed socket is not registered");
}

/* unregister(obj) */
static int p_unregister(lua_State *L) {
  lsock_Poller *p = aux_checkopen(L);
  lsock_Socket *s = lsock_sock_test(L, 2);
  int held;
  sys_fd fd;
  lua_settop(L, 2);
  aux_pushtable(L, UV_OBJS);   /* 3 */
  fd = (s != NULL && s->closed) ? (sys_fd)aux_findobj(L, 2, 3) : aux_getfd(L, p, 2, &held);
  aux_pushtable(L, UV_DATA);   /* 4 */
  aux_pushtable(L, UV_HELD);   /* 5 */
  lua_rawgeti(L, 3, (int)fd);
  if (lua_isnil(L, -1)) return aux_notregistered(L, fd);
  /* as Python, the kernel's complaint (a descriptor already closed) is no
     reason to keep the object: it is forgotten whatever happens */
  (void)lsock_pollerb_del(&p->b, fd);
  aux_setmark(L, 3, fd, 0);
  aux_setmark(L, 4, fd, 0);
  lua_rawgeti(L, 5, (int)fd);
  if (lua_toboolean(L, -1)) p->nheld--;
  aux_setmark(L, 5, fd, 0);
  p->count--;
  aux_forget(p, fd);
  return lsock_result_ok(L);
}

/* ------------------------------------------------------------ waiting */

/* Puts the watched handles holding data above the kernel at the head of
   the ready array; returns how many. They must not wait for the kernel,
   which has already handed their data over. */
static size_t aux_held(lua_State *L, lsock_Poller *p) {
  size_t k = 0;
  aux_pushtable(L, UV_HELD);
  aux_pushtable(L, UV_OBJS);
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    sys_fd fd = (sys_fd)lua_tointeger(L, -2);
    lsock_Handle *h;
    int marked = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!marked) continue;
    lua_rawgeti(L, -2, (int)fd);
    h = lsock_handle_test(L, -1);
    if (h != NULL && h->cls->pending(h) == 1 && k + 1 < p->cap) {
      p->ready[k].fd = fd;
      p->ready[k].events = POLLIN;
      k++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return k;
}

/* Folds the kernel's events for held handles into their head entries. */
static void aux_merge(lsock_Poller *p, size_t nbuf, size_t n) {
  size_t i, j;
  for (i = nbuf; i < nbuf + n; i++) {
    for (j = 0; j < nbuf; j++) {
      if (p->ready[i].fd == p->ready[j].fd) {
        p->ready[j].events |= p->ready[i].events;
        p->ready[i].fd = -1;
        break;
      }
    }
  }
}

/* The iterator of wait: its state is the poller, nothing else. */
static int p_next(lua_State *L) {
  lsock_Poller *p = aux_check(L);
  while (!p->closed && p->pos < p->nready) {
    const poller_Event *e = &p->ready[p->pos++];
    if (e->fd < 0) continue;
    aux_pushtable(L, UV_OBJS);
    lua_rawgeti(L, -1, (int)e->fd);
    lua_remove(L, -2);
    if (lua_isnil(L, -1)) { /* cannot happen: unregister marks its entries */
      lua_pop(L, 1);
      continue;
    }
    lua_pushinteger(L, e->events);
    aux_pushtable(L, UV_DATA);
    lua_rawgeti(L, -1, (int)e->fd);
    lua_remove(L, -2);
    return 3;
  }
  return 0;
}

/* One round of the wait engine on the backend. */
typedef struct {
  lsock_Poller *p;
  size_t first; /* ready[0..first) were filled before the kernel was asked */
  size_t n;
} aux_Round;

static int aux_pollround(void *set, int ms, int *nready) {
  aux_Round *r = (aux_Round *)set;
  lsock_Poller *p = r->p;
  int err = lsock_pollerb_wait(&p->b, p->ready + r->first, p->cap - r->first, ms, &r->n);
  *nready = (int)r->n;
  return err;
}

/* Suspends the wait on the backend's own descriptor (readable when a
   registered one is ready) where it has one, else on the whole set as a
   table {[fd] = events}. */
static int aux_handoff(lua_State *L, lsock_Call *c, lsock_Poller *p) {
  sys_fd fd = lsock_pollerb_fd(&p->b);
  size_t i, n;
  if (fd != SYS_NOFD) return lsock_call_wait(L, c, NULL, fd, POLLIN, c->deadline);
  n = lsock_pollerb_list(&p->b, p->ready, p->cap);
  lua_createtable(L, 0, (int)n);
  for (i = 0; i < n; i++) {
    lua_pushinteger(L, p->ready[i].events);
    lua_rawseti(L, -2, (int)p->ready[i].fd);
  }
  return lsock_call_waitset(L, c, c->deadline);
}

/* wait([timeout]): the iterator (upvalue 1) and the poller. A new wait
   ends the iteration of the last one. A failure of the kernel's wait is
   nil, message, errno, as lsock.select gives it. A wait handed off polls
   at once, and again each time it resumes. */
static int p_wait_body(lua_State *L, lsock_Call *c) {
  lsock_Poller *p = aux_checkopen(L);
  aux_Round r;
  int err, n;
  if (!c->resumed) c->deadline = lsock_wait_deadline(lsock_check_timeout(L, 2));
  p->nready = p->pos = 0;
  r.p = p;
  r.first = p->nheld > 0 ? aux_held(L, p) : 0;
  r.n = 0;
  /* held data must not wait; the kernel still reports the rest */
  if (r.first > 0) err = lsock_wait_until(aux_pollround, &r, LSOCK_NOWAIT, &n);
  else if (!lsock_call_canhandoff(L)) err = lsock_wait_until(aux_pollround, &r, c->deadline, &n);
  else {
    err = lsock_wait_until(aux_pollround, &r, LSOCK_NOWAIT, &n);
    if (err == LSOCK_TIMEOUT && lsock_sys_now() < c->deadline) {
      p->nready = p->pos = 0;
      if ((err = aux_handoff(L, c, p)) == LSOCK_WOULDWAIT) return LSOCK_YIELD;
    }
  }
  if (err == LSOCK_TIMEOUT) r.n = 0;
  else if (err != 0) return lsock_result_fail(L, err);
  if (r.first > 0) aux_merge(p, r.first, r.n);
  p->nready = r.first + r.n;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  return 2;
}

static int p_wait(lua_State *L) {
  return lsock_call_run(L, 2, p_wait_body);
}

/* ---------------------------------------------------------------- open */

static const luaL_Reg poller_methods[] = {
  {"register", p_register},
  {"modify", p_modify},
  {"unregister", p_unregister},
  {"count", p_count},
  {"close", p_close},
  {NULL, NULL}
};

static const luaL_Reg poller_metamethods[] = {
  {"__gc", p_gc},
  {"__close", p_gc},
  {"__tostring", p_tostring},
  {NULL, NULL}
};

void lsock_poller_open_methods(lua_State *L) {
  compat_newmetatable(L, LSOCK_POLLER_METATABLE);
  luaL_setfuncs(L, poller_metamethods, 0);
  lua_newtable(L);
  luaL_setfuncs(L, poller_methods, 0);
  /* the iterator is made once, here: wait hands out the same function */
  lua_pushcfunction(L, p_next);
  lua_pushcclosure(L, p_wait, 1);
  lsock_call_wrap(L, -1, "wait", 1);
  lua_setfield(L, -2, "wait");
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}
