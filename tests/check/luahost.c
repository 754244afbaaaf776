/*
** luahost.c — a `lua` command with lsock linked in, for the checks of
** mk/check.mk: built with the sanitizers, it runs busted, the fuzzer and
** the specs' child processes exactly as lua5.4 would, while every line of
** lsock is instrumented. It takes what they use of lua.c's command line:
**   luahost [-e stat] [-l mod] [-v] [-E] [--] [script [args]] | -
** LUA_INIT is honoured, LUA_PATH/LUA_CPATH are read by the package library.
** require "lsock" finds the linked-in copy first (package.preload), so a
** stray uninstrumented ./lsock.so is never what is tested.
**
** Another host may #include this file after defining LUAHOST_NAME and the
** hooks LUAHOST_STATE(L) (the new state, before anything runs),
** LUAHOST_OPEN(L) (after the libraries) and LUAHOST_CLOSE(L) (before
** lua_close): tests/faults/allochost.c does, for its failing allocator.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

int luaopen_lsock(lua_State *L);

#ifndef LUAHOST_NAME
#define LUAHOST_NAME "luahost"
#define LUAHOST_STATE(L) ((void)(L))
#define LUAHOST_OPEN(L) ((void)(L))
#define LUAHOST_CLOSE(L) ((void)(L))
#endif

static int report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, LUAHOST_NAME ": %s\n", msg ? msg : "(error object is not a string)");
    fflush(stderr);
    lua_pop(L, 1);
  }
  return status;
}

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* As lua.c: SIGINT while a chunk runs makes the next Lua step raise
   "interrupted!" (the specs check that lsock waits through the EINTR). */
static lua_State *globalL;

static void setsignal(int sig, void (*handler)(int)) {
  struct sigaction sa;
  sa.sa_handler = handler;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void lstop(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void laction(int sig) {
  setsignal(sig, SIG_DFL);
  lua_sethook(globalL, lstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

static int docall(lua_State *L, int narg, int nres) {
  int status, base = lua_gettop(L) - narg;
  lua_pushcfunction(L, traceback);
  lua_insert(L, base);
  globalL = L;
  setsignal(SIGINT, laction);
  status = lua_pcall(L, narg, nres, base);
  setsignal(SIGINT, SIG_DFL);
  lua_remove(L, base);
  return status;
}

static int dostring(lua_State *L, const char *s, const char *name) {
  int status = luaL_loadbuffer(L, s, strlen(s), name);
  if (status == LUA_OK) status = docall(L, 0, 0);
  return report(L, status);
}

static int dolibrary(lua_State *L, const char *name) {
  int status;
  lua_getglobal(L, "require");
  lua_pushstring(L, name);
  status = docall(L, 1, 1);
  if (status == LUA_OK) lua_setglobal(L, name);
  return report(L, status);
}

static int doinit(lua_State *L) {
  const char *init = getenv("LUA_INIT_5_4");
  const char *name = "=LUA_INIT_5_4";
  if (init == NULL) {
    init = getenv("LUA_INIT");
    name = "=LUA_INIT";
  }
  if (init == NULL) return LUA_OK;
  if (init[0] == '@') return report(L, luaL_loadfile(L, init + 1) || docall(L, 0, 0));
  return dostring(L, init, name);
}

/* The global 'arg': script at 0, interpreter and options below it. */
static void createargtable(lua_State *L, char **argv, int argc, int script) {
  int i;
  lua_createtable(L, argc - script, script + 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

static int runscript(lua_State *L, char **argv, int argc, int script) {
  const char *fname = argv[script];
  int status, n, i;
  if (strcmp(fname, "-") == 0 && strcmp(argv[script - 1], "--") != 0) fname = NULL;
  status = luaL_loadfile(L, fname);
  if (status == LUA_OK) {
    n = argc - script - 1;
    luaL_checkstack(L, n + 3, "too many arguments to script");
    for (i = 1; i <= n; i++) lua_pushstring(L, argv[script + i]);
    status = docall(L, n, 0);
  }
  return report(L, status);
}

/* Runs in protected mode, as lua.c's pmain, so an error in setup is reported. */
static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int i, script = 0, noenv = 0, version = 0;
  luaL_checkversion(L);
  /* first pass: find the script and -E, as lua.c does */
  for (i = 1; i < argc; i++) {
    if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0) { script = i; break; }
    if (strcmp(argv[i], "--") == 0) { if (i + 1 < argc) script = i + 1; break; }
    if (strcmp(argv[i], "-E") == 0) noenv = 1;
    else if (strcmp(argv[i], "-v") == 0) version = 1;
    else if (strcmp(argv[i], "-e") == 0 || strcmp(argv[i], "-l") == 0) {
      if (++i >= argc) return luaL_error(L, "'%s' needs an argument", argv[i - 1]);
    } else if (strcmp(argv[i], "-W") != 0 && strcmp(argv[i], "-i") != 0) {
      return luaL_error(L, "unrecognized option '%s'", argv[i]);
    }
  }
  if (noenv) {
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
  }
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_lsock);
  lua_setfield(L, -2, "lsock");
  lua_pop(L, 1);
  createargtable(L, argv, argc, script);
  LUAHOST_OPEN(L);
  if (version) printf("%s (" LUAHOST_NAME ", lsock linked in)\n", LUA_RELEASE);
  if (!noenv && doinit(L) != LUA_OK) return 0;
  for (i = 1; i < argc && (script == 0 || i < script); i++) {
    if (strcmp(argv[i], "-e") == 0) {
      if (dostring(L, argv[++i], "=(command line)") != LUA_OK) return 0;
    } else if (strcmp(argv[i], "-l") == 0) {
      if (dolibrary(L, argv[++i]) != LUA_OK) return 0;
    }
  }
  if (script && runscript(L, argv, argc, script) != LUA_OK) return 0;
  lua_pushboolean(L, 1);
  return 1;
}

int main(int argc, char **argv) {
  int status, ok;
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    fprintf(stderr, LUAHOST_NAME ": cannot create state: not enough memory\n");
    return EXIT_FAILURE;
  }
  LUAHOST_STATE(L);
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, 0);
  ok = lua_toboolean(L, -1);
  report(L, status);
  LUAHOST_CLOSE(L);
  lua_close(L);
  return (ok && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
