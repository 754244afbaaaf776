/*
** lsock.c — the module entry, on top of everything else: luaopen_lsock
** makes the module table and calls each part's opener. No other file
** depends on this one.
*/
#include "private.h"

static const luaL_Reg module_functions[] = {
  {"select", lsock_select_select},
  {"poller", lsock_poller_new},
  {NULL, NULL}
};

/* The module's functions that may wait (wrapped on 5.1 and LuaJIT). */
static const char *const module_waiting[] = {"select", "create_connection", "getaddrinfo", "send_fds",
                                             "recv_fds", NULL};

/* The registry key of the sentinel whose collection ends this state's use
   of the system's sockets (lsock_sys_stop), begun at each opening. */
static const char SYSTEM_KEY[] = "lsock.system";

static int aux_stop(lua_State *L) {
  unsigned char *started = (unsigned char *)lua_touserdata(L, 1);
  if (*started) lsock_sys_stop();
  *started = 0;
  return 0;
}

/* The sentinel comes first, so that a memory error cannot leave a start
   that nothing will undo; an earlier opening's sentinel, replaced, undoes
   its own when collected. */
static void aux_start(lua_State *L) {
  unsigned char *started = (unsigned char *)lua_newuserdata(L, 1);
  int err;
  *started = 0;
  lua_newtable(L);
  lua_pushcfunction(L, aux_stop);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, SYSTEM_KEY);
  if ((err = lsock_sys_start()) != 0) {
    char buf[256];
    luaL_error(L, "lsock: the system's sockets cannot start: %s",
               lsock_sys_strerror(err, buf, sizeof buf));
  }
  *started = 1;
}

static int aux_hasipv6(void) {
  sys_fd fd;
  if (lsock_sys_socket(AF_INET6, SOCK_DGRAM, 0, 0, &fd) != 0) return 0;
  lsock_sys_close(fd);
  return 1;
}

LSOCK_API int luaopen_lsock(lua_State *L) {
  aux_start(L);
  lua_newtable(L);
  luaL_setfuncs(L, module_functions, 0);
  lsock_call_open(L);
  lsock_sock_open_methods(L);
  lsock_transfer_open(L);
  lsock_file_open_methods(L);
  lsock_poller_open_methods(L);
  lsock_create_open_functions(L);
  lsock_addr_open_functions(L);
  lsock_wait_open_functions(L);
  lsock_loop_open(L);
  lsock_buffer_open(L);
  lsock_msg_open_functions(L);
  lsock_names_open_functions(L);
  lsock_const_open(L);
  lsock_const_open_net(L);
  lsock_call_wrapfields(L, -1, module_waiting, 0);
  lua_pushboolean(L, aux_hasipv6());
  lua_setfield(L, -2, "has_ipv6");
  lua_pushliteral(L, LSOCK_VERSION);
  lua_setfield(L, -2, "_VERSION");
  return 1;
}
