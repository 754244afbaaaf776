/*
** tests/faults/allochost.c — a `lua` command with lsock and Lua 5.4 linked
** in (as tests/check/luahost.c, without the sanitizers) whose allocator
** can be told from Lua to fail, for the allocation-failure runs of
** `make faults` and spec/faults_inject_spec.lua. It takes what busted and
** the workloads use of lua.c's command line:
**   allochost [-e stat] [-l mod] [-v] [-E] [--] [script [args]] | -
** LUA_INIT is honoured; require "lsock" finds the linked-in copy first.
**
** The global table `faults`:
**   faults.fail_after(n)  the n-th allocation from now fails (once)
**   faults.fail_every(n)  every n-th allocation from now fails (0: stop)
**   faults.off()          no more failures
**   faults.count()        allocations so far, failures injected so far
** An "allocation" is a request for a new block or a larger one; freeing
** and shrinking never fail (Lua relies on that). Lua 5.4 answers a failed
** allocation with an emergency collection and one retry of the same
** request: the retry fails too, so that the failure reaches the caller.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

int luaopen_lsock(lua_State *L);

/* ------------------------------------------------------------ allocator */

typedef struct {
  lua_Alloc f;       /* the allocator luaL_newstate gave */
  void *ud;
  long long n;       /* allocations so far */
  long long fail_at; /* the allocation that fails, or -1 */
  long long every;   /* every 'every'-th fails, 0: none */
  long long failures;
  int retry;         /* the last request failed: its retry fails too */
  const void *retry_ptr;
  size_t retry_size;
} FaultAlloc;

static void *fault_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  FaultAlloc *a = (FaultAlloc *)ud;
  int fail;
  if (nsize == 0 || (ptr != NULL && nsize <= osize)) return a->f(a->ud, ptr, osize, nsize);
  if (a->retry) {
    a->retry = 0;
    if (ptr == a->retry_ptr && nsize == a->retry_size) return NULL;
  }
  a->n++;
  fail = (a->fail_at >= 0 && a->n == a->fail_at) || (a->every > 0 && a->n % a->every == 0);
  if (fail) {
    if (a->n == a->fail_at) a->fail_at = -1;
    a->failures++;
    a->retry = 1;
    a->retry_ptr = ptr;
    a->retry_size = nsize;
    return NULL;
  }
  return a->f(a->ud, ptr, osize, nsize);
}

static FaultAlloc *getfa(lua_State *L) {
  return (FaultAlloc *)lua_touserdata(L, lua_upvalueindex(1));
}

static lua_Integer checkcount(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_argcheck(L, n >= 0, 1, "must be >= 0");
  return n;
}

static int f_fail_after(lua_State *L) {
  FaultAlloc *a = getfa(L);
  lua_Integer n = checkcount(L);
  a->retry = 0;
  a->fail_at = n > 0 ? a->n + n : -1;
  return 0;
}

static int f_fail_every(lua_State *L) {
  FaultAlloc *a = getfa(L);
  lua_Integer n = checkcount(L);
  a->retry = 0;
  a->n = 0; /* counts from now */
  a->fail_at = -1;
  a->every = n;
  return 0;
}

static int f_off(lua_State *L) {
  FaultAlloc *a = getfa(L);
  a->fail_at = -1;
  a->every = 0;
  a->retry = 0;
  return 0;
}

static int f_count(lua_State *L) {
  FaultAlloc *a = getfa(L);
  lua_pushinteger(L, (lua_Integer)a->n);
  lua_pushinteger(L, (lua_Integer)a->failures);
  return 2;
}

static const luaL_Reg fault_funcs[] = {
  {"fail_after", f_fail_after},
  {"fail_every", f_fail_every},
  {"off", f_off},
  {"count", f_count},
  {NULL, NULL}
};

static void openfaults(lua_State *L, FaultAlloc *a) {
  lua_newtable(L);
  lua_pushlightuserdata(L, a);
  luaL_setfuncs(L, fault_funcs, 1);
  lua_setglobal(L, "faults");
}

/* ---------------------------------------------- lua.c's command line */

static int report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "allochost: %s\n", msg ? msg : "(error object is not a string)");
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

static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  FaultAlloc *a = (FaultAlloc *)lua_touserdata(L, 3);
  int i, script = 0, noenv = 0, version = 0;
  luaL_checkversion(L);
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
  openfaults(L, a);
  createargtable(L, argv, argc, script);
  if (version) printf("%s (allochost, lsock linked in, failing allocator)\n", LUA_RELEASE);
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
  static FaultAlloc fa;
  int status, ok;
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    fprintf(stderr, "allochost: cannot create state: not enough memory\n");
    return EXIT_FAILURE;
  }
  fa.f = lua_getallocf(L, &fa.ud);
  fa.fail_at = -1;
  lua_setallocf(L, fault_alloc, &fa);
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  lua_pushlightuserdata(L, &fa);
  status = lua_pcall(L, 3, 1, 0);
  ok = lua_toboolean(L, -1);
  report(L, status);
  fa.fail_at = -1;
  fa.every = 0;
  lua_close(L);
  return (ok && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
