/*
** wait.c — deadlines, the one wait engine, and the waiter of each Lua
** state. Deadlines are absolute times on the monotonic clock, so a signal
** that interrupts a wait (EINTR) is simply waited through with what is
** left, a poll that wakes early waits again for the rest, and a clock set
** by an administrator changes nothing. lsock_wait_until is the only loop
** that waits: single descriptors (lsock_wait_fd), lsock.select and the
** poller all call it with their own "poll once" function.
**
** The waiter is a state's hook for a foreign scheduler (lsock.setwaiter):
** inside a coroutine, a call that must wait hands (descriptor, events,
** deadline) to it, which may yield, and retries when it returns. call.c
** decides, for each wait, whether to block here, go to the waiter or to a
** loop, and suspends the call.
*/
#include <limits.h>
#include <math.h>

#include "private.h"

/* The registry key of the state's waiter. */
static const char WAITER_KEY[] = "lsock.waiter";

double lsock_wait_deadline(double timeout) {
  if (timeout < 0) return HUGE_VAL;
  if (timeout == 0) return LSOCK_NOWAIT;
  return lsock_sys_now() + timeout;
}

int lsock_wait_remaining_ms(double deadline) {
  double left;
  if (isinf(deadline)) return -1;
  left = (deadline - lsock_sys_now()) * 1000.0;
  if (left <= 0) return 0;
  /* round up: waking a fraction of a millisecond early would spin */
  left = ceil(left);
  return left > (double)INT_MAX ? INT_MAX : (int)left;
}

int lsock_wait_until(lsock_PollFn poll, void *set, double deadline, int *nready) {
  for (;;) {
    int n = 0, err = poll(set, lsock_wait_remaining_ms(deadline), &n);
    if (err == 0 && n > 0) {
      *nready = n;
      return 0;
    }
    /* EAGAIN: some systems' poll lacks memory for a moment */
    if (err != 0 && err != EINTR && err != EAGAIN) return err;
    if (lsock_sys_now() >= deadline) {
      *nready = 0;
      return LSOCK_TIMEOUT;
    }
  }
}

static int aux_pollone(void *set, int ms, int *nready) {
  return lsock_sys_poll((sys_pollfd *)set, 1, ms, nready);
}

int lsock_wait_fd(sys_fd fd, int events, double deadline) {
  sys_pollfd p;
  int n, err;
  p.fd = fd;
  p.events = (short)events;
  p.revents = 0;
  if ((err = lsock_wait_until(aux_pollone, &p, deadline, &n)) != 0) return err;
  /* an error or hang-up makes the call itself report what happened */
  return (p.revents & POLLNVAL) ? EBADF : 0;
}

/* --------------------------------------------------------------- waiter */

int lsock_wait_pushwaiter(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, WAITER_KEY);
  if (lua_isfunction(L, -1)) return 1;
  lua_pop(L, 1);
  return 0;
}

/* lsock.setwaiter(fn): fn, or nil to remove it. */
static int w_setwaiter(lua_State *L) {
  if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, WAITER_KEY);
  return lsock_result_ok(L);
}

static int w_monotonic(lua_State *L) {
  lua_pushnumber(L, (lua_Number)lsock_sys_now());
  return 1;
}

static const luaL_Reg wait_functions[] = {
  {"setwaiter", w_setwaiter},
  {"monotonic", w_monotonic},
  {NULL, NULL}
};

void lsock_wait_open_functions(lua_State *L) {
  luaL_setfuncs(L, wait_functions, 0);
}
