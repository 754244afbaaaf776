/*
** lsock.h — the public header for programs that embed Lua and link lsock.
**
** A host needs only luaopen_lsock. Link lsock's objects (or lsock.so) into
** the program and register the module before running scripts:
**
**     #include "lsock.h"
**     luaL_requiref(L, "lsock", luaopen_lsock, 1);   (Lua 5.2+)
**     lua_pop(L, 1);
**
** On Lua 5.1 and LuaJIT, put it in package.preload instead:
**
**     lua_getglobal(L, "package");
**     lua_getfield(L, -1, "preload");
**     lua_pushcfunction(L, luaopen_lsock);
**     lua_setfield(L, -2, "lsock");
**     lua_pop(L, 2);
**
** Scripts then say require "lsock" as usual; no shared object is loaded.
**
** What a host may rely on:
**  - No mutable C globals. Every state is independent: the default timeout
**    (lsock.setdefaulttimeout) lives in the state's registry, so several
**    lua_States may use lsock at the same time, one thread each (Lua's own
**    rule: a state, and the threads made from it, is used by one OS thread
**    at a time).
**  - No process-wide settings: lsock never calls signal() or sigaction().
**    Writes use MSG_NOSIGNAL (SO_NOSIGPIPE where that is what the system
**    has), so a vanished peer gives EPIPE, not SIGPIPE, whatever the host's
**    disposition. A signal handler installed without SA_RESTART interrupts
**    nothing: lsock retries on EINTR and keeps its deadlines.
**  - Every descriptor lsock makes or adopts is close-on-exec.
**
** The two functions below let a host hand a descriptor it already owns to
** Lua, and look at the one behind a socket object, without going through
** lsock.fromfd (which dups). Neither needs require "lsock" to have run.
*/
#ifndef LSOCK_H
#define LSOCK_H

#ifdef __cplusplus
extern "C" {
#endif

#include "lua.h"

#define LSOCK_VERSION "lsock 0.1.0"

#if defined(_WIN32)
#define LSOCK_API __declspec(dllexport)
#elif defined(__GNUC__)
#define LSOCK_API __attribute__((visibility("default")))
#else
#define LSOCK_API
#endif

/*
** Opens the module: builds the module table (functions and constants),
** registers the metatables, and leaves the table on the stack (returns 1).
** It is a lua_CFunction, for luaL_requiref, package.preload or lua_call.
*/
LSOCK_API int luaopen_lsock(lua_State *L);

/*
** Pushes a new socket object that takes ownership of 'fd': from now on
** the object's close(), __gc and __close close it. family, type and proto
** are read from the descriptor (SO_DOMAIN, SO_TYPE, SO_PROTOCOL) when
** passed as -1. The descriptor is made close-on-exec and put in the mode
** of the state's default timeout (non-blocking underneath unless the
** default is nil), as Python's socket(fileno=...) does.
**
** Returns 1 with the socket on the stack. On failure (fd is not open, not
** a socket, or family/proto cannot be read on this system) it pushes
** nil, message, errno -- the shape of every lsock failure -- and returns 0;
** the descriptor then still belongs to the caller, who must close it.
** Raises only on memory errors, as any Lua API call may.
*/
LSOCK_API int lsock_pushfd(lua_State *L, int fd, int family, int type, int proto);

/*
** The descriptor of the lsock socket at stack index 'idx', or -1 when the
** value there is not an lsock socket or is closed (close(), detach()).
** Never raises. The descriptor is borrowed: it stays the socket's and is
** valid until the socket is closed or collected; do not close it. To take
** it over, call s:detach() from Lua, which hands over ownership.
*/
LSOCK_API int lsock_tofd(lua_State *L, int idx);

#ifdef __cplusplus
}
#endif

#endif
