/*
** result.c — what every function of lsock returns when it fails, and how
** it rejects bad input: one helper turns a failed call into nil, message,
** errno (a timeout into nil, "timeout", ETIMEDOUT); the checks raise the
** usual "bad argument" for integers that do not fit a C int (never
** truncating them into another valid value), text with a NUL byte that
** the system would cut, and timeouts that are not one.
*/
#include <math.h>
#include <string.h>

#include "private.h"

int lsock_result_fail(lua_State *L, int err) {
  if (err == LSOCK_WOULDWAIT) return LSOCK_YIELD; /* no result yet: suspend */
  lua_pushnil(L);
  if (err == LSOCK_TIMEOUT) {
    lua_pushliteral(L, "timeout");
    lua_pushinteger(L, ETIMEDOUT);
  } else {
    char buf[256];
    lua_pushstring(L, lsock_sys_strerror(err, buf, sizeof buf));
    lua_pushinteger(L, err);
  }
  return 3;
}

int lsock_result_gaifail(lua_State *L, int code, int syserr) {
#if defined(EAI_SYSTEM)
  if (code == EAI_SYSTEM && syserr != 0) return lsock_result_fail(L, syserr);
#endif
  (void)syserr;
  lua_pushnil(L);
  lua_pushstring(L, lsock_sys_gaistrerror(code));
  lua_pushinteger(L, code);
  return 3;
}

int lsock_result_ok(lua_State *L) {
  lua_pushboolean(L, 1);
  return 1;
}

/* The value at 'idx' as the user wrote it, for an error message. */
static const char *aux_valuetext(lua_State *L, int idx) {
  if (compat_isintegersubtype(L, idx)) return lua_pushfstring(L, "%s", lua_tostring(L, idx));
  return lua_pushfstring(L, "%f", (double)lua_tonumber(L, idx));
}

int lsock_check_intat(lua_State *L, int idx, int arg, const char *what) {
  lua_Number n;
  if (lua_type(L, idx) != LUA_TNUMBER) return compat_typeerror(L, arg, what);
  n = lua_tonumber(L, idx);
  /* checked as a float first: on 5.1 and LuaJIT lua_tointeger truncates */
  if (!compat_isinteger(L, idx) || !(n >= -2147483648.0 && n <= 2147483647.0))
    return luaL_argerror(L, arg, lua_pushfstring(L, "%s out of range for a C int: %s", what,
                                                 aux_valuetext(L, idx)));
  return (int)lua_tointeger(L, idx);
}

int lsock_check_int(lua_State *L, int idx) {
  return lsock_check_intat(L, idx, idx, "integer");
}

int lsock_opt_int(lua_State *L, int idx, int def) {
  return lua_isnoneornil(L, idx) ? def : lsock_check_int(L, idx);
}

const char *lsock_check_text(lua_State *L, int idx, int arg, const char *what) {
  size_t len;
  const char *s;
  if (lua_type(L, idx) != LUA_TSTRING && lua_type(L, idx) != LUA_TNUMBER)
    compat_typeerror(L, arg, what);
  s = lua_tolstring(L, idx, &len);
  if (memchr(s, '\0', len) != NULL)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s contains a NUL byte", what));
  return s;
}

double lsock_check_timeout(lua_State *L, int idx) {
  lua_Number t;
  if (lua_isnoneornil(L, idx)) return -1;
  t = luaL_checknumber(L, idx);
  luaL_argcheck(L, !isnan(t), idx, "timeout must be a number, not NaN");
  luaL_argcheck(L, t >= 0, idx, "timeout must be non-negative");
  luaL_argcheck(L, isfinite(t), idx, "timeout out of range");
  return (double)t;
}
