/*
** lsock.c — the module entry: luaopen_lsock, the module table, the default
** timeout of each Lua state, and the one helper that turns a failed call
** into nil, message, errno.
*/
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <unistd.h>

#include "private.h"
#include "sys.h"

int result_fail(lua_State *L, int err) {
  lua_pushnil(L);
  if (err == LSOCK_TIMEOUT) {
    lua_pushliteral(L, "timeout");
    lua_pushinteger(L, ETIMEDOUT);
  } else {
    char buf[256];
    lua_pushstring(L, sys_strerror(err, buf, sizeof buf));
    lua_pushinteger(L, err);
  }
  return 3;
}

int result_gaifail(lua_State *L, int code, int sys_errno) {
#if defined(EAI_SYSTEM)
  if (code == EAI_SYSTEM && sys_errno != 0) return result_fail(L, sys_errno);
#endif
  (void)sys_errno;
  lua_pushnil(L);
  lua_pushstring(L, gai_strerror(code));
  lua_pushinteger(L, code);
  return 3;
}

/* The default timeout lives in the registry, so each Lua state has its own. */
static const char DEFAULT_TIMEOUT_KEY[] = "lsock.defaulttimeout";

double sock_getdefaulttimeout(lua_State *L) {
  double t;
  lua_getfield(L, LUA_REGISTRYINDEX, DEFAULT_TIMEOUT_KEY);
  t = lua_isnumber(L, -1) ? (double)lua_tonumber(L, -1) : -1.0;
  lua_pop(L, 1);
  return t;
}

static int m_getdefaulttimeout(lua_State *L) {
  double t = sock_getdefaulttimeout(L);
  if (t < 0) lua_pushnil(L);
  else lua_pushnumber(L, (lua_Number)t);
  return 1;
}

static int m_setdefaulttimeout(lua_State *L) {
  double t = sock_checktimeout(L, 1);
  if (t < 0) lua_pushnil(L);
  else lua_pushnumber(L, (lua_Number)t);
  lua_setfield(L, LUA_REGISTRYINDEX, DEFAULT_TIMEOUT_KEY);
  lua_pushboolean(L, 1);
  return 1;
}

static int m_close(lua_State *L) {
  lua_Integer fd = luaL_checkinteger(L, 1);
  int err;
  /* 5.1's luaL_checkinteger truncates: close(1.5) must not close fd 1 */
  luaL_argcheck(L, compat_isinteger(L, 1) && fd >= 0 && fd <= INT_MAX, 1, "invalid file descriptor");
  err = sys_close((int)fd);
  if (err) return result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

static int m_gethostname(lua_State *L) {
  char name[1025];
  if (gethostname(name, sizeof name) == -1) return result_fail(L, errno);
  name[sizeof name - 1] = '\0';
  lua_pushstring(L, name);
  return 1;
}

static int probe_ipv6(void) {
  int fd;
  if (sys_socket(AF_INET6, SOCK_DGRAM, 0, 0, &fd) != 0) return 0;
  sys_close(fd);
  return 1;
}

static const luaL_Reg module_functions[] = {
  {"getdefaulttimeout", m_getdefaulttimeout},
  {"setdefaulttimeout", m_setdefaulttimeout},
  {"close", m_close},
  {"gethostname", m_gethostname},
  {"select", select_select},
  {"poller", poller_new},
  {NULL, NULL}
};

LSOCK_API int luaopen_lsock(lua_State *L) {
  lua_newtable(L);
  luaL_setfuncs(L, module_functions, 0);
  sock_open_methods(L);
  file_open_methods(L);
  poller_open_methods(L);
  create_open_functions(L);
  addr_open_functions(L);
  const_open(L);
  lua_pushboolean(L, probe_ipv6());
  lua_setfield(L, -2, "has_ipv6");
  lua_pushliteral(L, LSOCK_VERSION);
  lua_setfield(L, -2, "_VERSION");
  return 1;
}
