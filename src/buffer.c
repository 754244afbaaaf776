/*
** buffer.c — lsock.buffer: mutable memory for receives that must not make
** a new string per chunk (recv_into, recvmsg_into), as Python's bytearray
** and memoryview. A buffer owns its bytes; a view shares a range of
** another buffer's bytes and holds that buffer as its user value, so the
** memory lives as long as any view of it. Sizes never change, so a pointer
** into a buffer stays valid while the buffer is on the stack.
**
** Every function that takes bytes takes a string or a buffer, through
** lsock_buffer_checkbytes.
**
** Prefixes: b_ methods, lsock_buffer_ shared with other files, aux_ helpers.
*/
#include <string.h>

#include "private.h"

typedef struct lsock_Buffer {
  char *data;   /* the bytes: mem for a buffer, a parent's for a view */
  size_t len;
  char mem[];
} lsock_Buffer;

/* The largest buffer: Lua's own limit on a string, so any range of one
   can become a string. */
#define BUFFER_MAX ((size_t)0x7fffffff)

static lsock_Buffer *aux_test(lua_State *L, int idx) {
  return (lsock_Buffer *)luaL_testudata(L, idx, LSOCK_BUFFER_METATABLE);
}

static lsock_Buffer *aux_check(lua_State *L, int idx) {
  return (lsock_Buffer *)luaL_checkudata(L, idx, LSOCK_BUFFER_METATABLE);
}

const char *lsock_buffer_checkbytes(lua_State *L, int idx, size_t *len) {
  lsock_Buffer *b;
  /* strings first: the common case costs one type test */
  if (lua_type(L, idx) == LUA_TSTRING) return lua_tolstring(L, idx, len);
  if ((b = aux_test(L, idx)) != NULL) {
    *len = b->len;
    return b->data;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) return lua_tolstring(L, idx, len);
  compat_typeerror(L, idx, "string or buffer");
  return NULL;
}

const char *lsock_buffer_tobytes(lua_State *L, int idx, size_t *len) {
  lsock_Buffer *b;
  if (lua_type(L, idx) == LUA_TSTRING) return lua_tolstring(L, idx, len);
  if ((b = aux_test(L, idx)) != NULL) {
    *len = b->len;
    return b->data;
  }
  return NULL;
}

char *lsock_buffer_checkwritable(lua_State *L, int idx, size_t *len) {
  lsock_Buffer *b = aux_test(L, idx);
  if (b == NULL) {
    compat_typeerror(L, idx, "lsock.buffer");
    return NULL; /* not reached: it raises */
  }
  *len = b->len;
  return b->data;
}

char *lsock_buffer_towritable(lua_State *L, int idx, size_t *len) {
  lsock_Buffer *b = aux_test(L, idx);
  if (b == NULL) return NULL;
  *len = b->len;
  return b->data;
}

/* lsock.buffer(size): 'size' zero bytes. */
static int b_new(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  lsock_Buffer *b;
  luaL_argcheck(L, compat_isinteger(L, 1), 1, "size must be an integer");
  luaL_argcheck(L, n >= 0, 1, "size must be non-negative");
  luaL_argcheck(L, n <= (lua_Integer)BUFFER_MAX, 1, "size too large");
  b = (lsock_Buffer *)compat_newudata(L, offsetof(lsock_Buffer, mem) + (size_t)n);
  b->data = b->mem;
  b->len = (size_t)n;
  memset(b->mem, 0, (size_t)n);
  luaL_setmetatable(L, LSOCK_BUFFER_METATABLE);
  return 1;
}

/* string.sub's reading of a position: negative counts from the end. */
static size_t aux_posrelat(lua_Integer pos, size_t len) {
  if (pos >= 0) return (size_t)pos;
  if ((size_t)-pos > len) return 0;
  return len - (size_t)-pos + 1;
}

/* The range i..j (string.sub rules) of 'b', as a start offset and a
   count (0 when empty). */
static size_t aux_range(lua_State *L, lsock_Buffer *b, int iarg, lua_Integer jdef, size_t *count) {
  size_t i = aux_posrelat(luaL_checkinteger(L, iarg), b->len);
  size_t j = aux_posrelat(luaL_optinteger(L, iarg + 1, jdef), b->len);
  if (i < 1) i = 1;
  if (j > b->len) j = b->len;
  *count = i > j ? 0 : j - i + 1;
  return i > j ? 0 : i - 1;
}

/* b:tostring([i [, j]]) */
static int b_tostring(lua_State *L) {
  lsock_Buffer *b = aux_check(L, 1);
  size_t count, start;
  if (lua_isnoneornil(L, 2)) {
    lua_pushlstring(L, b->data, b->len);
    return 1;
  }
  start = aux_range(L, b, 2, -1, &count);
  lua_pushlstring(L, b->data + start, count);
  return 1;
}

/* b:view(i [, j]): a buffer over bytes i..j of b, which it keeps alive. */
static int b_view(lua_State *L) {
  lsock_Buffer *b = aux_check(L, 1), *v;
  size_t count, start = aux_range(L, b, 2, -1, &count);
  v = (lsock_Buffer *)compat_newudata(L, offsetof(lsock_Buffer, mem));
  v->data = b->data + start;
  v->len = count;
  luaL_setmetatable(L, LSOCK_BUFFER_METATABLE);
  /* a table holds the parent: on 5.1 the user value must be a table */
  lua_createtable(L, 1, 0);
  lua_pushvalue(L, 1);
  lua_rawseti(L, -2, 1);
  compat_setuservalue(L, -2);
  return 1;
}

/* b:put(i, data): copies data at byte i; raises when it does not fit. */
static int b_put(lua_State *L) {
  lsock_Buffer *b = aux_check(L, 1);
  lua_Integer pos = luaL_checkinteger(L, 2);
  size_t len, i;
  const char *p = lsock_buffer_checkbytes(L, 3, &len);
  i = aux_posrelat(pos, b->len);
  luaL_argcheck(L, i >= 1 && i <= b->len + 1, 2, "position out of range");
  if (len > b->len - (i - 1))
    return luaL_argerror(L, 3, lua_pushfstring(L, "%d bytes do not fit at byte %d of a buffer of %d",
                                               (int)len, (int)i, (int)b->len));
  memmove(b->data + i - 1, p, len); /* a view of the same buffer may overlap */
  lua_settop(L, 1);
  return 1;
}

static int b_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)aux_check(L, 1)->len);
  return 1;
}

static int b_tostr(lua_State *L) {
  lua_pushfstring(L, "lsock.buffer (size=%d)", (int)aux_check(L, 1)->len);
  return 1;
}

static const luaL_Reg buffer_methods[] = {
  {"tostring", b_tostring},
  {"view", b_view},
  {"put", b_put},
  {NULL, NULL}
};

static const luaL_Reg buffer_metamethods[] = {
  {"__len", b_len},
  {"__tostring", b_tostr},
  {NULL, NULL}
};

static const luaL_Reg module_functions[] = {
  {"buffer", b_new},
  {NULL, NULL}
};

void lsock_buffer_open(lua_State *L) {
  luaL_setfuncs(L, module_functions, 0);
  compat_newmetatable(L, LSOCK_BUFFER_METATABLE);
  luaL_setfuncs(L, buffer_metamethods, 0);
  lua_newtable(L);
  luaL_setfuncs(L, buffer_methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}
