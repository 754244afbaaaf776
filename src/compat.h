/*
** compat.h — every difference between Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT
** that lsock meets, in one place. Nothing else tests LUA_VERSION_NUM.
*/
#ifndef LSOCK_COMPAT_H
#define LSOCK_COMPAT_H

#include <stdio.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#if LUA_VERSION_NUM < 502

#define lua_rawlen(L, i) lua_objlen(L, (i))
#define compat_absindex(L, i) \
  (((i) > 0 || (i) <= LUA_REGISTRYINDEX) ? (i) : lua_gettop(L) + (i) + 1)

/* luaL_setfuncs with upvalues, which 5.1 lacks. */
static inline void compat_setfuncs(lua_State *L, const luaL_Reg *l, int nup) {
  luaL_checkstack(L, nup + 1, "too many upvalues");
  for (; l->name != NULL; l++) {
    int i;
    for (i = 0; i < nup; i++) lua_pushvalue(L, -nup);
    lua_pushcclosure(L, l->func, nup);
    lua_setfield(L, -(nup + 2), l->name);
  }
  lua_pop(L, nup);
}
#define luaL_setfuncs(L, l, n) compat_setfuncs(L, l, n)

static inline void *compat_testudata(lua_State *L, int idx, const char *tname) {
  void *p = lua_touserdata(L, idx);
  if (p != NULL && lua_getmetatable(L, idx)) {
    int same;
    luaL_getmetatable(L, tname);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    if (same) return p;
  }
  return NULL;
}
#define luaL_testudata(L, i, t) compat_testudata(L, i, t)

static inline void compat_setmetatable(lua_State *L, const char *tname) {
  luaL_getmetatable(L, tname);
  lua_setmetatable(L, -2);
}
#define luaL_setmetatable(L, t) compat_setmetatable(L, t)

#define compat_newudata(L, sz) lua_newuserdata(L, (sz))

#else

#define compat_absindex(L, i) lua_absindex(L, (i))
#define compat_newudata(L, sz) lua_newuserdata(L, (sz))

#endif

#if LUA_VERSION_NUM >= 504
#undef compat_newudata
#define compat_newudata(L, sz) lua_newuserdatauv(L, (sz), 1)
#endif

/* Whether the value is of the integer subtype (5.3+), or before 5.3 a
   number with no fraction: how io decides to write "1" or "1.0". */
static inline int compat_isintegersubtype(lua_State *L, int idx) {
#if LUA_VERSION_NUM >= 503
  return lua_isinteger(L, idx);
#else
  lua_Number n = lua_tonumber(L, idx);
  return lua_type(L, idx) == LUA_TNUMBER && n == (lua_Number)(lua_Integer)n;
#endif
}

/* Whether the value is a number with an integer value (1 or 1.0, as
   luaL_checkinteger takes them; not the string "1"). */
static inline int compat_isinteger(lua_State *L, int idx) {
#if LUA_VERSION_NUM >= 503
  int ok = 0;
  if (lua_type(L, idx) == LUA_TNUMBER) (void)lua_tointegerx(L, idx, &ok);
  return ok;
#else
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Number n = lua_tonumber(L, idx);
    return n == (lua_Number)(lua_Integer)n;
  }
  return 0;
#endif
}

/* luaL_newmetatable, with __name (5.3 sets it itself). Returns as it does. */
static inline int compat_newmetatable(lua_State *L, const char *tname) {
  if (!luaL_newmetatable(L, tname)) return 0;
#if LUA_VERSION_NUM < 503
  lua_pushstring(L, tname);
  lua_setfield(L, -2, "__name");
#endif
  return 1;
}

/* Raises the standard "bad argument #n to 'f' (T expected, got U)". */
static inline int compat_typeerror(lua_State *L, int arg, const char *tname) {
  const char *msg = lua_pushfstring(L, "%s expected, got %s", tname,
                                    luaL_typename(L, arg));
  return luaL_argerror(L, arg, msg);
}

/*
** A scratch area for a string whose length is known only after a system
** call fills it: compat_scratch_start gives n writable bytes,
** compat_scratch_push pushes the first 'len' of them as a string. On 5.2+
** this is a luaL_Buffer (5.4 frees a large one at once); 5.1's luaL_Buffer
** cannot hold more than LUAL_BUFFERSIZE, so larger areas are a userdata.
*/
typedef struct compat_Scratch {
  luaL_Buffer b;
  int boxed;
} compat_Scratch;

static inline char *compat_scratch_start(lua_State *L, compat_Scratch *s, size_t n) {
#if LUA_VERSION_NUM >= 502
  s->boxed = 0;
  luaL_buffinit(L, &s->b);
  return luaL_prepbuffsize(&s->b, n);
#else
  if (n <= LUAL_BUFFERSIZE) {
    s->boxed = 0;
    luaL_buffinit(L, &s->b);
    return luaL_prepbuffer(&s->b);
  }
  s->boxed = 1;
  return (char *)lua_newuserdata(L, n);
#endif
}

static inline void compat_scratch_push(lua_State *L, compat_Scratch *s, size_t len) {
  if (s->boxed) {
    lua_pushlstring(L, (const char *)lua_touserdata(L, -1), len);
    lua_remove(L, -2);
  } else {
    luaL_addsize(&s->b, len);
    luaL_pushresult(&s->b);
  }
}

/* lua_stringtonumber: pushes the number 's' spells and returns 1, or
   pushes nothing and returns 0. */
static inline int compat_stringtonumber(lua_State *L, const char *s) {
#if LUA_VERSION_NUM >= 503
  return lua_stringtonumber(L, s) != 0;
#else
  lua_Number n;
  lua_pushstring(L, s);
  if (!lua_isnumber(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  n = lua_tonumber(L, -1);
  lua_pop(L, 1);
  lua_pushnumber(L, n);
  return 1;
#endif
}

/* The one user value of a userdata (on 5.1, its environment table, so it
   must be a table there), pushed or set from the top of the stack. */
#if LUA_VERSION_NUM < 502
#define compat_getuservalue(L, i) lua_getfenv(L, (i))
#define compat_setuservalue(L, i) ((void)lua_setfenv(L, (i)))
#elif LUA_VERSION_NUM < 504
#define compat_getuservalue(L, i) ((void)lua_getuservalue(L, (i)))
#define compat_setuservalue(L, i) lua_setuservalue(L, (i))
#else
#define compat_getuservalue(L, i) ((void)lua_getiuservalue(L, (i), 1))
#define compat_setuservalue(L, i) ((void)lua_setiuservalue(L, (i), 1))
#endif

/* Whether the value at 'idx' is a Lua io file; *f is its C stream, or
   NULL when the file is closed. 5.2+ hold a luaL_Stream; 5.1 and LuaJIT
   a FILE * first. */
static inline int compat_tostream(lua_State *L, int idx, FILE **f) {
#if LUA_VERSION_NUM >= 502
  luaL_Stream *p = (luaL_Stream *)luaL_testudata(L, idx, LUA_FILEHANDLE);
  if (p == NULL) return 0;
  *f = p->closef == NULL ? NULL : p->f;
#else
  FILE **p = (FILE **)luaL_testudata(L, idx, LUA_FILEHANDLE);
  if (p == NULL) return 0;
  *f = *p;
#endif
  return 1;
}

/* Lua 5.4's to-be-closed variables call __close; earlier versions ignore it. */
#if LUA_VERSION_NUM >= 504
#define COMPAT_HAS_CLOSE 1
#else
#define COMPAT_HAS_CLOSE 0
#endif

/*
** Suspending a C call. COMPAT_CONTINUATIONS: the version resumes a C
** function through a continuation (5.2+); the others (5.1, LuaJIT) need
** call.c's trampoline. COMPAT_KFUNCTION(name) defines a continuation with
** the parameters (L, status, ctx) whatever the version; ctx is an int.
*/
#if LUA_VERSION_NUM >= 503
#define COMPAT_CONTINUATIONS 1
#define COMPAT_KFUNCTION(name) static int name(lua_State *L, int status, lua_KContext ctx)
#define COMPAT_YIELDK(L, n, ctx, k) lua_yieldk(L, (n), (lua_KContext)(ctx), k)
#define COMPAT_CALLK(L, na, nr, ctx, k) lua_callk(L, (na), (nr), (lua_KContext)(ctx), k)
#define COMPAT_YIELDABLE(L) lua_isyieldable(L)
#elif LUA_VERSION_NUM == 502
#define COMPAT_CONTINUATIONS 1
#define COMPAT_KFUNCTION(name) \
  static int name##_k(lua_State *L, int status, int ctx); \
  static int name(lua_State *L) { \
    int ctx = 0, status = lua_getctx(L, &ctx); \
    return name##_k(L, status, ctx); \
  } \
  static int name##_k(lua_State *L, int status, int ctx)
#define COMPAT_YIELDK(L, n, ctx, k) lua_yieldk(L, (n), (ctx), k)
#define COMPAT_CALLK(L, na, nr, ctx, k) lua_callk(L, (na), (nr), (ctx), k)
/* 5.2 cannot tell: a wait that cannot yield raises Lua's own error */
#define COMPAT_YIELDABLE(L) 1
#else
#define COMPAT_CONTINUATIONS 0
#define COMPAT_YIELDABLE(L) 1
#endif

/* lua_resume with the count of results or yielded values in *nres. */
static inline int compat_resume(lua_State *co, lua_State *from, int nargs, int *nres) {
#if LUA_VERSION_NUM >= 504
  return lua_resume(co, from, nargs, nres);
#elif LUA_VERSION_NUM >= 502
  int status = lua_resume(co, from, nargs);
  *nres = lua_gettop(co);
  return status;
#else
  int status;
  (void)from;
  status = lua_resume(co, nargs);
  *nres = lua_gettop(co);
  return status;
#endif
}

/* After a coroutine failed: closes its pending to-be-closed variables. */
static inline void compat_closethread(lua_State *co, lua_State *from) {
#if LUA_VERSION_NUM >= 504 && LUA_VERSION_RELEASE_NUM >= 50406
  lua_closethread(co, from);
#elif LUA_VERSION_NUM >= 504
  (void)from;
  lua_resetthread(co);
#else
  (void)co;
  (void)from;
#endif
}

/* Pushes 'msg' with the traceback of coroutine 'co'. */
static inline void compat_traceback(lua_State *L, lua_State *co, const char *msg) {
#if LUA_VERSION_NUM >= 502 || defined(LUA_GCISRUNNING) /* LuaJIT has it */
  luaL_traceback(L, co, msg, 0);
#else
  lua_getglobal(L, "debug");
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "traceback");
    lua_remove(L, -2);
    if (lua_isfunction(L, -1)) {
      lua_pushthread(co);
      lua_xmove(co, L, 1);
      lua_pushstring(L, msg);
      if (lua_pcall(L, 2, 1, 0) == 0 && lua_isstring(L, -1)) return;
    }
  }
  lua_pop(L, 1);
  lua_pushstring(L, msg);
#endif
}

#endif
