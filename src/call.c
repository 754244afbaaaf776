/*
** call.c — calls that may wait, and how they suspend. A method that can
** wait (recv, sendall, accept, a makefile read, select, sleep, ...) is a
** body run by lsock_call_run. When it must wait inside a coroutine whose
** waits are handed off — a task of an lsock loop, or a coroutine of a
** state with a waiter (lsock.setwaiter) — it does not wait: it notes the
** wait in its call record and returns at once, and lsock_call_run
** suspends the coroutine. When the coroutine resumes, the body runs again
** from its start, with the record: its deadline, how far it had got (bytes
** sent, a connect under way). Nothing a suspended call needs lives on the
** C stack, so the C frames can go away while the coroutine is suspended.
**
** Bodies are written so that running again is safe: a read consumes its
** bytes only when it succeeds, a write records what went out, so the
** second run picks up exactly where the first stopped.
**
** The suspension itself depends on the Lua version (compat.h):
**   5.2+: lua_yieldk / lua_callk, whose continuation runs the body again;
**   5.1 and LuaJIT, which have no continuations: each such method is
**   wrapped in a small Lua function (the trampoline below); the body
**   returns the wait to it, it calls the waiter (which may yield, being
**   Lua), then calls the method again with the record.
*/
#include <math.h>
#include <string.h>

#include "private.h"

#define RECORD_METATABLE "lsock.call"

#if !COMPAT_CONTINUATIONS
/* Marks the first argument of a method run again by the trampoline. */
static const char RESUME_KEY = 0;
/* The registry key of the trampolines' makers; also the WAIT mark. */
static const char WRAP_KEY = 0;
/* Marks the proxy table a trampoline calls its method on. */
static const char PROXY_KEY = 0;
#endif

/* ------------------------------------------------------------- handoff */

enum { HANDOFF_NONE, HANDOFF_LOOP, HANDOFF_WAITER };

/* How waits of the running coroutine are made. */
static int aux_handoff(lua_State *L) {
  int ismain;
  if (lsock_loop_istask(L)) return COMPAT_YIELDABLE(L) ? HANDOFF_LOOP : HANDOFF_NONE;
  ismain = lua_pushthread(L);
  lua_pop(L, 1);
  if (ismain || !COMPAT_YIELDABLE(L)) return HANDOFF_NONE;
  if (lsock_wait_pushwaiter(L)) {
    lua_pop(L, 1);
    return HANDOFF_WAITER;
  }
  return HANDOFF_NONE;
}

int lsock_call_canhandoff(lua_State *L) {
  return aux_handoff(L) != HANDOFF_NONE;
}

int lsock_call_wait(lua_State *L, lsock_Call *c, lsock_Handle *h, sys_fd fd, int events,
                    double deadline) {
  /* on every round: a descriptor that looks ready while the call keeps
     saying it would block must not make the deadline unreachable */
  if (lsock_sys_now() >= deadline) return LSOCK_TIMEOUT;
  if (c == NULL || L == NULL || aux_handoff(L) == HANDOFF_NONE)
    return lsock_wait_fd(fd, events, deadline);
  c->h = h;
  c->fd = fd;
  c->events = events;
  c->deadline = deadline;
  c->waitset = 0;
  return LSOCK_WOULDWAIT;
}

int lsock_call_waitset(lua_State *L, lsock_Call *c, double deadline) {
  (void)L;
  c->h = NULL;
  c->fd = SYS_NOFD;
  c->events = 0;
  c->deadline = deadline;
  c->waitset = 1;
  return LSOCK_WOULDWAIT;
}

/* ------------------------------------------------------------ the record */

/* Cuts the stack back to the arguments and puts the record after them
   (with the wait set, if any, as its user value). */
static void aux_save(lua_State *L, const lsock_Call *c) {
  lsock_Call *rec;
  int top = lua_gettop(L);
  rec = (lsock_Call *)compat_newudata(L, sizeof *rec);
  *rec = *c;
  luaL_setmetatable(L, RECORD_METATABLE);
  if (c->waitset) {
    lua_pushvalue(L, top); /* the set the body left on top */
    compat_setuservalue(L, -2);
  }
  lua_insert(L, c->base + 1);
  lua_settop(L, c->base + 1);
}

/* Pushes the three values a waiter is called with. */
static void aux_pushwait(lua_State *L, const lsock_Call *c) {
  if (c->waitset) {
    compat_getuservalue(L, c->base + 1);
    lua_pushnil(L);
  } else {
    lua_pushinteger(L, (lua_Integer)c->fd);
    lua_pushinteger(L, c->events);
  }
  if (isinf(c->deadline)) lua_pushnil(L);
  else lua_pushnumber(L, (lua_Number)c->deadline);
}

static void aux_restore(lua_State *L, lsock_Call *c, int recidx) {
  lsock_Call *rec = (lsock_Call *)luaL_testudata(L, recidx, RECORD_METATABLE);
  if (rec == NULL) luaL_error(L, "lsock: a suspended call lost its record");
  *c = *rec;
  c->resumed = 1;
}

/* ------------------------------------------------------------- running */

static int aux_run(lua_State *L, lsock_Call *c);

/* The body ran to its end, or asked to wait. */
#if COMPAT_CONTINUATIONS
COMPAT_KFUNCTION(aux_continue) {
  lsock_Call c;
  (void)status;
  aux_restore(L, &c, (int)ctx + 1);
  lua_settop(L, c.base + 1);
  if (c.loop) lsock_loop_resumed(L);
  return aux_run(L, &c);
}
#endif

static int aux_run(lua_State *L, lsock_Call *c) {
  for (;;) {
    int n = c->body(L, c), how;
    if (n != LSOCK_YIELD) return n;
    how = aux_handoff(L);
    if (how == HANDOFF_NONE)  /* the body must not ask then: a bug */
      return luaL_error(L, "lsock: a call asked to wait where it cannot");
    c->loop = how == HANDOFF_LOOP;
    if (c->loop) {
      /* the loop registers the wait while the set is still on the stack */
      lsock_loop_wait(L, c);
      aux_save(L, c);
#if COMPAT_CONTINUATIONS
      return COMPAT_YIELDK(L, 0, c->base, aux_continue);
#else
      lua_pushcfunction(L, lsock_loop_yield);
#endif
    } else {
      aux_save(L, c);
#if COMPAT_CONTINUATIONS
      lsock_wait_pushwaiter(L);
      aux_pushwait(L, c);
      COMPAT_CALLK(L, 3, 0, c->base, aux_continue);
      /* the waiter returned without yielding: run again at once */
      aux_restore(L, c, c->base + 1);
      lua_settop(L, c->base + 1);
      continue;
#else
      lsock_wait_pushwaiter(L);
#endif
    }
#if !COMPAT_CONTINUATIONS
    /* for the trampoline: WAIT, the waiter and its three arguments, then
       what to call the method with again: RESUME, the record, its
       arguments. The waiter is on top; the record at base + 1. */
    aux_pushwait(L, c);          /* args, record, waiter, a, b, c */
    lua_pushvalue(L, -4);
    lua_remove(L, -5);           /* args, record, a, b, c, waiter */
    lua_insert(L, 1);            /* waiter, args, record, a, b, c */
    lua_insert(L, 2);
    lua_insert(L, 2);
    lua_insert(L, 2);            /* waiter, a, b, c, args, record */
    lua_pushlightuserdata(L, (void *)&RESUME_KEY);
    lua_insert(L, 5);            /* waiter, a, b, c, RESUME, args, record */
    lua_insert(L, 6);            /* waiter, a, b, c, RESUME, record, args */
    lua_pushlightuserdata(L, (void *)&WRAP_KEY); /* WAIT */
    lua_insert(L, 1);
    return lua_gettop(L);
#endif
  }
}

int lsock_call_run(lua_State *L, int nargs, lsock_Body body) {
  lsock_Call c;
#if !COMPAT_CONTINUATIONS
  if (lua_type(L, 1) == LUA_TTABLE) { /* the trampoline's proxy: not an argument */
    int proxy;
    lua_pushlightuserdata(L, (void *)&PROXY_KEY);
    lua_rawget(L, 1);
    proxy = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (proxy) lua_remove(L, 1);
  }
  if (lua_touserdata(L, 1) == (void *)&RESUME_KEY && lua_type(L, 1) == LUA_TLIGHTUSERDATA) {
    aux_restore(L, &c, 2);
    lua_remove(L, 1);
    lua_remove(L, 1);
    lua_settop(L, c.base);
    lua_pushnil(L); /* the record's slot */
    if (c.loop) lsock_loop_resumed(L);
    c.body = body;
    return aux_run(L, &c);
  }
#endif
  if (nargs >= 0) lua_settop(L, nargs);
  memset(&c, 0, sizeof c);
  c.body = body;
  c.base = lua_gettop(L);
  c.deadline = HUGE_VAL;
  c.fd = SYS_NOFD;
  return aux_run(L, &c);
}

/* ----------------------------------------------------------- trampoline */

#if !COMPAT_CONTINUATIONS
/* The trampoline of one function, compiled once per name. It calls the
   function as P.NAME(...), or a method as P:NAME(...) on a proxy table P
   that lsock_call_run drops, so that argument errors read "bad argument
   #1 to 'NAME'", as when it is called directly. finish: the results, unless they are a wait, which
   is made (the waiter may yield: it is called from Lua) before the method
   is called again with the record that follows. */
static const char TRAMPOLINE[] =
  "local WAIT, PROXY = ...\n"
  "local finish\n"
  "local function again(P, _, waiter, a, b, c, ...)\n"
  "  waiter(a, b, c)\n"
  "  return finish(P, P@NAME(...))\n"
  "end\n"
  "finish = function(P, ...)\n"
  "  if (...) ~= WAIT then return ... end\n"
  "  return again(P, ...)\n"
  "end\n"
  "return function(cfn)\n"
  "  local P = {[PROXY] = true, NAME = cfn}\n"
  "  return function(...) return finish(P, P@NAME(...)) end\n"
  "end\n";

/* Pushes the wrapper maker for 'name' (made once, kept in the registry
   under "name" for a function, ":name" for a method). */
static void aux_pushmaker(lua_State *L, const char *name, int method) {
  lua_pushlightuserdata(L, (void *)&WRAP_KEY);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushfstring(L, "%s%s", method ? ":" : "", name);
  lua_rawget(L, -2);
  if (lua_isnil(L, -1)) {
    luaL_Buffer b;
    const char *p;
    lua_pop(L, 1);
    luaL_buffinit(L, &b);
    for (p = TRAMPOLINE; *p != '\0'; p++) {
      if (strncmp(p, "NAME", 4) == 0) {
        luaL_addstring(&b, name);
        p += 3;
      } else if (*p == '@') luaL_addchar(&b, method ? ':' : '.');
      else luaL_addchar(&b, *p);
    }
    luaL_pushresult(&b);
    if (luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=lsock") != 0) lua_error(L);
    lua_remove(L, -2);
    lua_pushlightuserdata(L, (void *)&WRAP_KEY);
    lua_pushlightuserdata(L, (void *)&PROXY_KEY);
    lua_call(L, 2, 1);
    lua_pushfstring(L, "%s%s", method ? ":" : "", name);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
  }
  lua_remove(L, -2);
}
#endif

void lsock_call_wrap(lua_State *L, int idx, const char *name, int method) {
#if COMPAT_CONTINUATIONS
  (void)L;
  (void)idx;
  (void)name;
  (void)method;
#else
  idx = compat_absindex(L, idx);
  aux_pushmaker(L, name, method);
  lua_pushvalue(L, idx);
  lua_call(L, 1, 1);
  lua_replace(L, idx);
#endif
}

void lsock_call_wrapfields(lua_State *L, int t, const char *const names[], int methods) {
#if COMPAT_CONTINUATIONS
  (void)L;
  (void)t;
  (void)names;
  (void)methods;
#else
  t = compat_absindex(L, t);
  for (; *names != NULL; names++) {
    lua_getfield(L, t, *names);
    if (lua_isnil(L, -1)) { /* absent on this platform */
      lua_pop(L, 1);
      continue;
    }
    lsock_call_wrap(L, -1, *names, methods);
    lua_setfield(L, t, *names);
  }
#endif
}

void lsock_call_open(lua_State *L) {
  compat_newmetatable(L, RECORD_METATABLE);
  lua_pushliteral(L, "a call record is not yours to change");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
#if !COMPAT_CONTINUATIONS
  lua_pushlightuserdata(L, (void *)&WRAP_KEY);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
#endif
}
