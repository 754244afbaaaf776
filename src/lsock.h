/*
** lsock.h — the public header for programs that embed Lua and link lsock.
**
** A host needs only luaopen_lsock:
**     luaL_requiref(L, "lsock", luaopen_lsock, 1); lua_pop(L, 1);
** The two helpers below let a host hand a descriptor it already owns to
** Lua, and take one back, without going through lsock.fromfd (which dups).
*/
#ifndef LSOCK_H
#define LSOCK_H

#include "lua.h"

#define LSOCK_VERSION "lsock 0.1.0"

#if defined(_WIN32)
#define LSOCK_API __declspec(dllexport)
#else
#define LSOCK_API __attribute__((visibility("default")))
#endif

/* Opens the module; leaves the module table on the stack. */
LSOCK_API int luaopen_lsock(lua_State *L);

/*
** Pushes a new socket object that owns 'fd' (it is closed by close/__gc).
** family, type and proto are read from the descriptor when passed as -1.
** The socket gets the state's default timeout, as Python's socket(fileno=)
** does. Returns 1, or pushes nil, message, errno and returns 0 (the
** descriptor is then left open and still belongs to the caller).
*/
LSOCK_API int lsock_pushfd(lua_State *L, int fd, int family, int type, int proto);

/* The descriptor of the socket at 'idx', or -1 if it is not an open lsock socket. */
LSOCK_API int lsock_tofd(lua_State *L, int idx);

#endif
