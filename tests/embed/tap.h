/*
** tap.h — what the C tests of tests/embed/ share: TAP output, a Lua state
** with lsock registered from C (through package.preload, which every Lua
** version has), a monotonic clock for Lua, and running a chunk of Lua.
** Each test program prints "ok"/"not ok" lines; tests/suite_embed.sh
** numbers them.
*/
#ifndef LSOCK_TAP_H
#define LSOCK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "lsock.h"

/* Prints one TAP line; returns 'ok' so callers can chain. */
static inline int tap(int ok, const char *fmt, ...) {
  va_list ap;
  printf(ok ? "ok - " : "not ok - ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
  return ok;
}

static inline double tap_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int tap_lua_now(lua_State *L) {
  lua_pushnumber(L, (lua_Number)tap_now());
  return 1;
}

/* A new state with the standard libraries, lsock as package.preload.lsock
   and the global now() (monotonic seconds). */
static inline lua_State *tap_newstate(void) {
  lua_State *L = luaL_newstate();
  if (L == NULL) return NULL;
  luaL_openlibs(L);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_lsock);
  lua_setfield(L, -2, "lsock");
  lua_pop(L, 2);
  lua_pushcfunction(L, tap_lua_now);
  lua_setglobal(L, "now");
  return L;
}

/* Runs 'code' with 'nargs' arguments already on the stack, keeping
   'nres' results. On an error prints it as a TAP comment and returns 0
   (the stack then holds nothing of the call). */
static inline int tap_run(lua_State *L, const char *name, const char *code, int nargs, int nres) {
  if (luaL_loadbuffer(L, code, strlen(code), name) != 0) {
    printf("# %s: %s\n", name, lua_tostring(L, -1));
    lua_pop(L, 1 + nargs);
    return 0;
  }
  if (nargs > 0) lua_insert(L, -(nargs + 1));
  if (lua_pcall(L, nargs, nres, 0) != 0) {
    printf("# %s: %s\n", name, lua_tostring(L, -1));
    lua_pop(L, 1);
    return 0;
  }
  return 1;
}

#endif
