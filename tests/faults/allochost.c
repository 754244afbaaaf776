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
#include "lua.h"
#include "lauxlib.h"

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

/* ---------------------------------------------------------- the host */

/* The host's one allocator state (a test program, not part of lsock). */
static FaultAlloc fault_state;

static void host_state(lua_State *L) {
  fault_state.f = lua_getallocf(L, &fault_state.ud);
  fault_state.fail_at = -1;
  lua_setallocf(L, fault_alloc, &fault_state);
}

static void host_close(lua_State *L) {
  (void)L;
  fault_state.fail_at = -1; /* closing the state must not fail */
  fault_state.every = 0;
}

/* The rest is the sanitizer host's `lua` command, with these hooks. */
#define LUAHOST_NAME "allochost"
#define LUAHOST_STATE(L) host_state(L)
#define LUAHOST_OPEN(L) openfaults((L), &fault_state)
#define LUAHOST_CLOSE(L) host_close(L)
#include "../check/luahost.c"
