/*
** poller.c — lsock.poller(), the persistent set of watched descriptors
** (Python's selectors / select.epoll). The kernel side is poller.h's
** backend; this file is the Lua object around it.
**
** Lua holds what Lua values are involved: the poller's user value is a
** table of three tables keyed by descriptor — the registered objects, their
** data, and the makefile() files watched for reading (whose buffered data
** makes them readable without the kernel's word). C holds the numbers: the
** backend, and the ready array that a wait fills and its iterator walks,
** sized to the registered count and grown only by register, so that wait
** and the iteration allocate nothing.
**
** Prefixes: p_ methods, poller_ shared with other files, aux_ helpers.
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "private.h"
#include "poller.h"
#include "sys.h"

/* The tables in the user value. */
#define UV_OBJS 1
#define UV_DATA 2
#define UV_FILES 3

typedef struct lsock_Poller {
  poller_Backend b;
  int closed;
  poller_Event *ready; /* the last wait's results; fd < 0: skip it */
  size_t cap;          /* always more than 'count', so a wait has room */
  size_t nready, pos;  /* the iteration: ready[pos..nready) are to come */
  size_t count;        /* registered descriptors */
  size_t nfiles;       /* of which, files watched for POLLIN */
} lsock_Poller;

void *poller_realloc(const poller_Alloc *a, void *p, size_t size, size_t on, size_t nn) {
  void *np;
  if (nn > SIZE_MAX / size) return NULL;
  np = a->f(a->ud, p, p ? on * size : 0, nn * size);
  return nn == 0 ? NULL : np;
}

static lsock_Poller *aux_check(lua_State *L) {
  return (lsock_Poller *)luaL_checkudata(L, 1, POLLER_METATABLE);
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
  r = (poller_Event *)poller_realloc(&p->b.alloc, p->ready, sizeof *r, p->cap, nc);
  if (r == NULL) luaL_error(L, "not enough memory");
  p->ready = r;
  p->cap = nc;
}

/* ------------------------------------------------------------------ life */

int poller_new(lua_State *L) {
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
  lua_rawseti(L, -2, UV_FILES);
  p = (lsock_Poller *)compat_newudata(L, sizeof *p);
  p->closed = 1;
  p->ready = NULL;
  p->cap = p->nready = p->pos = p->count = p->nfiles = 0;
  lua_insert(L, -2);
  compat_setuservalue(L, -2);
  luaL_setmetatable(L, POLLER_METATABLE);
  a.f = lua_getallocf(L, &a.ud);
  if ((err = pollerb_create(&p->b, &a)) != 0) return result_fail(L, err);
  p->closed = 0;
  aux_reserve(L, p, 1);
  return 1;
}

/* Closes the backend and lets go of every registered object. */
static int aux_close(lua_State *L, lsock_Poller *p) {
  int err = pollerb_close(&p->b), i;
  p->closed = 1;
  p->ready = (poller_Event *)poller_realloc(&p->b.alloc, p->ready, sizeof *p->ready, p->cap, 0);
  p->cap = p->nready = p->pos = p->count = p->nfiles = 0;
  /* no method reaches the tables of a closed poller: they can go */
  compat_getuservalue(L, 1);
  for (i = UV_OBJS; i <= UV_FILES; i++) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  lua_pop(L, 1);
  return err;
}

static int p_close(lua_State *L) {
  lsock_Poller *p = aux_check(L);
  int err = p->closed ? 0 : aux_close(L, p);
  if (err) return result_fail(L, err);
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
  int fd = p->closed ? -1 : pollerb_fd(&p->b);
  if (p->closed)
    lua_pushfstring(L, "<lsock.poller [closed] backend=%s>", poller_backend_name);
  else if (fd >= 0)
    lua_pushfstring(L, "<lsock.poller backend=%s, fd=%d, count=%d>", poller_backend_name,
                    fd, (int)p->count);
  else
    lua_pushfstring(L, "<lsock.poller backend=%s, count=%d>", poller_backend_name, (int)p->count);
  return 1;
}

static int p_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)aux_checkopen(L)->count);
  return 1;
}

/* ------------------------------------------------------------ the set */

/* The descriptor of the object at 'idx'; *isfile tells a makefile() file. */
static int aux_getfd(lua_State *L, int idx, int *isfile) {
  int fd, buffered;
  if ((*isfile = file_getfd(L, idx, &fd, &buffered)) != 0) {
    if (fd < 0) luaL_error(L, "attempt to use a closed file");
    return fd;
  }
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER: case LUA_TUSERDATA: case LUA_TTABLE: break;
    default: compat_typeerror(L, idx, "socket, file, descriptor or object with fileno");
  }
  return select_getfd(L, idx, &buffered);
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

/* files[fd] = true, or no entry at all. */
static void aux_setmark(lua_State *L, int files, int fd, int on) {
  if (on) lua_pushboolean(L, 1);
  else lua_pushnil(L);
  lua_rawseti(L, files, fd);
}

/* The start of register and modify: reads obj (2), events (3) and data
   (4); pushes the objects (5), data (6) and files (7) tables, then the
   object registered for the fd now (8, nil if none). Returns the fd. */
static int aux_begin(lua_State *L, int *events, int *watchfile) {
  int isfile, fd = aux_getfd(L, 2, &isfile);
  *events = aux_checkevents(L, 3);
  *watchfile = isfile && (*events & POLLIN);
  lua_settop(L, 4);
  aux_pushtable(L, UV_OBJS);
  aux_pushtable(L, UV_DATA);
  aux_pushtable(L, UV_FILES);
  lua_rawgeti(L, 5, fd);
  return fd;
}

/* register(obj, events [, data]) */
static int p_register(lua_State *L) {
  lsock_Poller *p = aux_checkopen(L);
  int events, watchfile, err, fd = aux_begin(L, &events, &watchfile);
  if (!lua_isnil(L, -1))
    return luaL_argerror(L, 2, lua_pushfstring(L, "descriptor %d is already registered", fd));
  lua_pop(L, 1);
  /* everything that can raise comes before the kernel hears of it */
  aux_reserve(L, p, p->count + 2);
  lua_pushvalue(L, 2);
  lua_rawseti(L, 5, fd);
  lua_pushvalue(L, 4);
  lua_rawseti(L, 6, fd);
  if (watchfile) {
    lua_pushboolean(L, 1);
    lua_rawseti(L, 7, fd);
  }
  if ((err = pollerb_add(&p->b, fd, events)) != 0) {
    aux_setmark(L, 5, fd, 0);
    aux_setmark(L, 6, fd, 0);
    aux_setmark(L, 7, fd, 0);
    return result_fail(L, err);
  }
  p->count++;
  if (watchfile) p->nfiles++;
  lua_pushboolean(L, 1);
  return 1;
}

/* modify(obj, events [, data]): as Python, an absent data is nil. The
   object registered first stays the one that wait yields. */
static int p_modify(lua_State *L) {
  lsock_Poller *p = aux_checkopen(L);
  int events, watchfile, err, wasfile, fd = aux_begin(L, &events, &watchfile);
  if (lua_isnil(L, -1)) return aux_notregistered(L, fd);
  lua_rawgeti(L, 6, fd);       /* 9: the old data, to put back on failure */
  lua_rawgeti(L, 7, fd);
  wasfile = lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_pushvalue(L, 4);
  lua_rawseti(L, 6, fd);
  if (watchfile != wasfile) aux_setmark(L, 7, fd, watchfile);
  if ((err = pollerb_mod(&p->b, fd, events)) != 0) {
    /* the keys were live a moment ago, so putting back allocates nothing */
    lua_pushvalue(L, 9);
    lua_rawseti(L, 6, fd);
    if (watchfile != wasfile) aux_setmark(L, 7, fd, wasfile);
    return result_fail(L, err);
  }
  p->nfiles = p->nfiles - (size_t)wasfile + (size_t)watchfile;
  lua_pushboolean(L, 1);
  return 1;
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
  lsock_Socket *s = sock_test(L, 2);
  int isfile, fd;
  lua_settop(L, 2);
  aux_pushtable(L, UV_OBJS);   /* 3 */
  aux_pushtable(L, UV_DATA);   /* 4 */
  aux_pushtable(L, UV_FILES);  /* 5 */
  fd = (s != NULL && s->closed) ? aux_findobj(L, 2, 3) : aux_getfd(L, 2, &isfile);
  lua_rawgeti(L, 3, fd);
  if (lua_isnil(L, -1)) return aux_notregistered(L, fd);
  /* as Python, the kernel's complaint (a descriptor already closed) is no
     reason to keep the object: it is forgotten whatever happens */
  (void)pollerb_del(&p->b, fd);
  lua_pushnil(L);
  lua_rawseti(L, 3, fd);
  lua_pushnil(L);
  lua_rawseti(L, 4, fd);
  lua_rawgeti(L, 5, fd);
  if (lua_toboolean(L, -1)) p->nfiles--;
  lua_pushnil(L);
  lua_rawseti(L, 5, fd);
  p->count--;
  aux_forget(p, fd);
  lua_pushboolean(L, 1);
  return 1;
}

/* ------------------------------------------------------------ waiting */

/* Puts the watched files holding buffered data at the head of the ready
   array; returns how many. They must not wait for the kernel, which has
   already handed their data over. */
static size_t aux_buffered(lua_State *L, lsock_Poller *p) {
  size_t k = 0;
  aux_pushtable(L, UV_FILES);
  aux_pushtable(L, UV_OBJS);
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    int fd = (int)lua_tointeger(L, -2), ffd, buffered;
    lua_pop(L, 1);
    lua_rawgeti(L, -2, fd);
    if (file_getfd(L, lua_gettop(L), &ffd, &buffered) && buffered && k + 1 < p->cap) {
      p->ready[k].fd = fd;
      p->ready[k].events = POLLIN;
      k++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return k;
}

/* Folds the kernel's events for buffered files into their head entries. */
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
    lua_rawgeti(L, -1, e->fd);
    lua_remove(L, -2);
    if (lua_isnil(L, -1)) { /* cannot happen: unregister marks its entries */
      lua_pop(L, 1);
      continue;
    }
    lua_pushinteger(L, e->events);
    aux_pushtable(L, UV_DATA);
    lua_rawgeti(L, -1, e->fd);
    lua_remove(L, -2);
    return 3;
  }
  return 0;
}

/* wait([timeout]): the iterator (upvalue 1) and the poller. A new wait
   ends the iteration of the last one. */
static int p_wait(lua_State *L) {
  lsock_Poller *p = aux_checkopen(L);
  double timeout = sock_checktimeout(L, 2);
  double deadline = timeout < 0 ? INFINITY : sys_now() + timeout;
  size_t nbuf = 0, n = 0;
  lua_settop(L, 1);
  p->nready = p->pos = 0;
  if (p->nfiles > 0) nbuf = aux_buffered(L, p);
  for (;;) {
    /* buffered data must not wait; EINTR waits again for what is left of
       the deadline; an early wake-up (rounding) waits for the rest */
    int ms = nbuf ? 0 : wait_remaining_ms(deadline);
    int err = pollerb_wait(&p->b, p->ready + nbuf, p->cap - nbuf, ms, &n);
    if (err == 0 && (n > 0 || ms == 0 || sys_now() >= deadline)) break;
    if (err != 0 && err != EINTR) {
      char buf[256];
      return luaL_error(L, "poller wait failed: %s", sys_strerror(err, buf, sizeof buf));
    }
  }
  if (nbuf > 0) aux_merge(p, nbuf, n);
  p->nready = nbuf + n;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  return 2;
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

void poller_open_methods(lua_State *L) {
  compat_newmetatable(L, POLLER_METATABLE);
  luaL_setfuncs(L, poller_metamethods, 0);
  lua_newtable(L);
  luaL_setfuncs(L, poller_methods, 0);
  /* the iterator is made once, here: wait hands out the same function */
  lua_pushcfunction(L, p_next);
  lua_pushcclosure(L, p_wait, 1);
  lua_setfield(L, -2, "wait");
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}
