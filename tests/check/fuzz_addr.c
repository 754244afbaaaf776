/*
** fuzz_addr.c — a libFuzzer target for lsock's address code: reading an
** address from Lua values (lsock_addr_check: multiple values or a table, for
** AF_INET, AF_INET6, AF_UNIX), writing one back (lsock_addr_push, _pushtable,
** _addtext) from arbitrary sockaddr bytes and lengths, and the name
** functions that parse text (inet_pton, inet_ntop, getnameinfo,
** getaddrinfo, htons...). Built with -fsanitize=fuzzer,address,undefined by
** `make fuzz`. getaddrinfo is wrapped (-Wl,--wrap=getaddrinfo) to add
** AI_NUMERICHOST, so no input ever becomes a DNS query.
**
** Input: byte 0 picks the entry point, byte 1 its variant, the rest is
** split at '|' into fields (text, or integers read from the field's bytes).
*/
#include <netdb.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"
#include "../../src/private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __real_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res) {
  struct addrinfo h;
  if (hints) h = *hints;
  else {
    memset(&h, 0, sizeof h);
    h.ai_family = AF_UNSPEC;
  }
  h.ai_flags |= AI_NUMERICHOST;
  return __real_getaddrinfo(node, service, &h, res);
}

typedef struct {
  const uint8_t *p;
  size_t n;
} Field;

/* Splits the input at '|' into at most 8 fields. */
static int split(const uint8_t *p, size_t n, Field *f, int max) {
  int k = 0;
  size_t start = 0, i;
  for (i = 0; i <= n && k < max; i++) {
    if (i == n || p[i] == '|') {
      f[k].p = p + start;
      f[k].n = i - start;
      k++;
      start = i + 1;
    }
  }
  return k;
}

static lua_Integer toint(const Field *f) {
  lua_Integer v = 0;
  size_t i;
  if (f->n > 0 && f->p[0] == '-') { /* "-123": text, so ports and ranges get hit */
    for (i = 1; i < f->n && i < 19; i++) v = v * 10 + (f->p[i] % 10); /* 18 digits fit */
    return -v;
  }
  for (i = 0; i < f->n && i < 8; i++) v = (lua_Integer)(((uint64_t)v << 8) | f->p[i]);
  return v;
}

/* Pushes field 'f' as the kind of value 'kind' picks. */
static void pushfield(lua_State *L, const Field *f, int kind) {
  switch (kind & 3) {
    case 0: lua_pushlstring(L, (const char *)f->p, f->n); break;
    case 1: lua_pushinteger(L, toint(f)); break;
    case 2: lua_pushnumber(L, (lua_Number)toint(f) / 3.0); break;
    default: if (f->n == 0) lua_pushnil(L); else lua_pushlstring(L, (const char *)f->p, f->n); break;
  }
}

static const int families[] = {AF_INET, AF_INET6, AF_UNIX};

/* lsock_addr_check on fields as values or as one table, then the result back. */
static int fz_check(lua_State *L) {
  const uint8_t *p = (const uint8_t *)lua_touserdata(L, 1);
  size_t n = (size_t)lua_tointeger(L, 2);
  int variant = n > 0 ? p[0] : 0, family = families[(variant & 0x7f) % 3], nf, i, next, base;
  Field f[8];
  lsock_Addr a;
  luaL_Buffer b;
  nf = split(p + 1, n > 0 ? n - 1 : 0, f, 8);
  lua_settop(L, 0);
  if (variant & 0x80) {
    lua_createtable(L, nf, 0);
    for (i = 0; i < nf; i++) {
      pushfield(L, &f[i], i < nf - 1 && f[nf - 1].n > (size_t)i ? f[nf - 1].p[i] : (i == 1));
      lua_rawseti(L, -2, i + 1);
    }
  } else {
    for (i = 0; i < nf; i++) pushfield(L, &f[i], (i == 1 || i == 2) ? 1 : (variant >> 3) + i);
  }
  base = lua_gettop(L);
  if (!lsock_addr_check(L, 1, family, SOCK_STREAM, &a, &next)) return 0;
  if (lua_gettop(L) != base) __builtin_trap(); /* it must leave the stack as it found it */
  lsock_addr_push(L, &a);
  lsock_addr_pushtable(L, &a);
  luaL_buffinit(L, &b);
  lsock_addr_addtext(&b, &a);
  luaL_pushresult(&b);
  return 0;
}

/* lsock_addr_push, _pushtable and _addtext on raw bytes of any length. */
static int fz_push(lua_State *L) {
  const uint8_t *p = (const uint8_t *)lua_touserdata(L, 1);
  size_t n = (size_t)lua_tointeger(L, 2), copy;
  lsock_Addr a;
  luaL_Buffer b;
  socklen_t len;
  if (n < 2) return 0;
  memset(&a, 0, sizeof a);
  copy = n - 2 < sizeof a.u ? n - 2 : sizeof a.u;
  memcpy(&a.u, p + 2, copy);
  a.u.sa.sa_family = (sa_family_t)(p[0] < 200 ? families[p[0] % 3] : p[0]);
  /* a length the kernel could give back: never more than the storage */
  len = (socklen_t)(p[1] % (sizeof a.u + 1));
  a.len = len;
  lsock_addr_push(L, &a);
  lsock_addr_pushtable(L, &a);
  luaL_buffinit(L, &b);
  lsock_addr_addtext(&b, &a);
  luaL_pushresult(&b);
  return 0;
}

/* The module's text functions, called as Lua calls them. */
static int fz_names(lua_State *L) {
  static const char *const names[] = {"inet_pton", "inet_ntop", "getnameinfo", "getaddrinfo",
                                      "htons", "ntohl", "gethostbyname"};
  const uint8_t *p = (const uint8_t *)lua_touserdata(L, 1);
  size_t n = (size_t)lua_tointeger(L, 2);
  int variant = n > 0 ? p[0] : 0, nf, i;
  Field f[8];
  nf = split(p + 1, n > 0 ? n - 1 : 0, f, 8);
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.lsock");
  lua_getfield(L, -1, names[(variant & 0x7f) % 7]);
  if (strcmp(names[(variant & 0x7f) % 7], "getnameinfo") == 0) {
    lua_createtable(L, nf, 0);
    for (i = 0; i + 1 < nf; i++) {
      pushfield(L, &f[i], i == 0 ? 0 : 1);
      lua_rawseti(L, -2, i + 1);
    }
    lua_pushinteger(L, nf > 0 ? toint(&f[nf - 1]) & 0xff : 0);
    lua_call(L, 2, LUA_MULTRET);
    return 0;
  }
  if (variant & 0x80) lua_pushinteger(L, families[(variant >> 1) % 2]);
  for (i = 0; i < nf; i++) pushfield(L, &f[i], (variant >> 2) + i);
  lua_call(L, lua_gettop(L) - 4, LUA_MULTRET);
  return 0;
}

static lua_State *state;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned long runs;
  static const lua_CFunction entries[] = {fz_check, fz_push, fz_names};
  if (state == NULL) {
    state = luaL_newstate();
    luaL_openlibs(state);
    luaL_requiref(state, "lsock", luaopen_lsock, 1);
    lua_setfield(state, LUA_REGISTRYINDEX, "fuzz.lsock");
  }
  if (size == 0) return 0;
  lua_settop(state, 0);
  lua_pushcfunction(state, entries[data[0] % 3]);
  lua_pushlightuserdata(state, (void *)(data + 1));
  lua_pushinteger(state, (lua_Integer)(size - 1));
  /* a raised Lua error is a correct answer to bad input; a crash is not */
  (void)lua_pcall(state, 2, 0, 0);
  lua_settop(state, 0);
  if (++runs % 4096 == 0) lua_gc(state, LUA_GCCOLLECT, 0);
  return 0;
}
