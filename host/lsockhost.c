/*
** lsockhost.c — the smallest host that embeds Lua 5.4 and lsock.
**
** Both are linked into this program (liblua5.4.a and lsock's objects):
** the module is registered with luaL_requiref, as a game or configuration
** engine registers its own libraries, so no shared object is loaded and
** package.cpath is never searched. Usage:
**
**     lsockhost script.lua [args...]
**
** The script's arguments are in the global 'arg' (arg[0] is the script),
** as the stand-alone lua interpreter sets them.
*/
#include <stdio.h>
#include <stdlib.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "lsock.h"

/* A message handler that adds a traceback, as lua.c does. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static int run(lua_State *L, int argc, char **argv) {
  int i, base;
  luaL_openlibs(L);
  luaL_requiref(L, "lsock", luaopen_lsock, 1); /* also sets package.loaded.lsock */
  lua_pop(L, 1);
  /* nothing may come from a shared object: require "lsock" finds package.loaded */
  lua_getglobal(L, "package");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);

  lua_createtable(L, argc, 1);
  for (i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - 1);
  }
  lua_setglobal(L, "arg");

  base = lua_gettop(L) + 1;
  lua_pushcfunction(L, msghandler);
  if (luaL_loadfile(L, argv[1]) != LUA_OK) return 0;
  for (i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
  return lua_pcall(L, argc - 2, 0, base) == LUA_OK;
}

int main(int argc, char **argv) {
  lua_State *L;
  int ok;
  if (argc < 2) {
    fprintf(stderr, "usage: %s script.lua [args...]\n", argv[0]);
    return 2;
  }
  L = luaL_newstate();
  if (L == NULL) {
    fprintf(stderr, "%s: cannot create a Lua state\n", argv[0]);
    return 1;
  }
  ok = run(L, argc, argv);
  if (!ok) fprintf(stderr, "%s: %s\n", argv[0], lua_tostring(L, -1));
  lua_close(L);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
