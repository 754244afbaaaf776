/*
** private.h — what the files of lsock share: the socket object's layout,
** the wait machinery, addresses, results. Each group is prefixed by the
** file that defines it (sock_ socket.c, wait_ wait.c, addr_ addr.c,
** result_ lsock.c, select_ select.c, file_ file.c, poller_ poller.c).
*/
#ifndef LSOCK_PRIVATE_H
#define LSOCK_PRIVATE_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include "lua.h"
#include "lauxlib.h"
#include "compat.h"
#include "lsock.h"

#define SOCK_METATABLE "lsock.socket"
#define FILE_METATABLE "lsock.file"
#define POLLER_METATABLE "lsock.poller"

/* ---------------------------------------------------------------- results */

/* The internal code of an expired deadline; never a valid errno. */
#define LSOCK_TIMEOUT (-1)

/* Pushes nil, message, code for 'err' (an errno, or LSOCK_TIMEOUT for
   nil, "timeout", ETIMEDOUT) and returns 3. */
int result_fail(lua_State *L, int err);
/* Pushes nil, gai_strerror(code), code (errno's text for EAI_SYSTEM). */
int result_gaifail(lua_State *L, int code, int sys_errno);

/* ---------------------------------------------------------------- waiting */

/* A deadline is an absolute time on sys_now()'s clock; WAIT_NEVER means
   the call must not wait at all (blocking and non-blocking modes). */
#define WAIT_NEVER 0.0

/* The deadline for a call starting now on a socket with 'timeout'. */
double wait_deadline(double timeout);
/* Waits until 'fd' is ready for 'events' (POLLIN/POLLOUT) or 'deadline'
   passes: 0, LSOCK_TIMEOUT, or an errno. EINTR never cuts it short. */
int wait_fd(int fd, int events, double deadline);
/* Milliseconds left until 'deadline', for poll(); -1 when it is infinite. */
int wait_remaining_ms(double deadline);

/* -------------------------------------------------------- the socket object */

typedef struct lsock_Addr {
  union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage ss;
  } u;
  socklen_t len;
} lsock_Addr;


typedef struct lsock_Socket {
  int fd;          /* -1 once the descriptor is closed */
  int family, type, proto;
  double timeout;  /* < 0 blocking, 0 non-blocking, > 0 seconds */
  int closed;      /* close() or detach() called: Lua can no longer use it */
  int files;       /* open makefile() files, which keep 'fd' open */
} lsock_Socket;

/* The one try/wait/retry loop: calls io(s, ctx) until it succeeds or fails
   with something other than EINTR or, before 'deadline', EAGAIN; waits
   for 'events' in between. io returns 0 or an errno. */
typedef int (*sock_IoFn)(lsock_Socket *s, void *ctx);
int sock_call(lsock_Socket *s, int events, double deadline, sock_IoFn io, void *ctx);

/* The deadline of a call on 's' with these MSG_ flags. */
double sock_deadline(const lsock_Socket *s, int flags);
/* recv/send through sock_call: 0 or an error; the count in *n. */
int sock_recv(lsock_Socket *s, char *buf, size_t len, int flags, double deadline, size_t *n);
int sock_send(lsock_Socket *s, const char *buf, size_t len, int flags, double deadline, size_t *n);

/* The open socket at 'idx', or a raised error (closed socket, wrong type). */
lsock_Socket *sock_checkopen(lua_State *L, int idx);
/* Argument 1 of a socket method (which holds the metatable as upvalue 1),
   open, or a raised error. Only for functions in the method table. */
lsock_Socket *sock_self(lua_State *L);
/* The socket at 'idx', open or not, or NULL. */
lsock_Socket *sock_test(lua_State *L, int idx);
/* Pushes a closed socket object, to be opened by setting its fd. */
lsock_Socket *sock_newclosed(lua_State *L, int family, int type, int proto);
/* Gives 's' its descriptor in the given timeout mode: 0 or an errno (the
   descriptor is then closed). */
int sock_open(lsock_Socket *s, int fd, double timeout);
/* Makes a new socket object and its descriptor; pushes it and returns 1,
   or pushes nil, message, errno and returns 3. */
int sock_create(lua_State *L, int family, int type, int proto);
/* Forgets the socket's use from Lua; closes the descriptor when no file
   still uses it. 0 or an errno from close(). */
int sock_release(lsock_Socket *s);
/* A file made by makefile() is done with the descriptor. */
int sock_unref(lsock_Socket *s);
/* Python's default backlog: min(SOMAXCONN, 128). */
#define SOCK_DEFAULT_BACKLOG (SOMAXCONN < 128 ? SOMAXCONN : 128)
/* listen with Python's handling of the backlog: 0 or an errno. */
int sock_listen(lsock_Socket *s, lua_Integer backlog);
/* connect honouring the timeout: 0, LSOCK_TIMEOUT or an errno. */
int sock_connect(lsock_Socket *s, const lsock_Addr *a);
/* Sets the timeout mode, switching O_NONBLOCK as needed. */
int sock_settimeout(lsock_Socket *s, double timeout);
void sock_open_methods(lua_State *L);
/* The data methods (transfer.c), merged into the socket's method table. */
extern const luaL_Reg transfer_methods[];
/* The constructors (create.c): socket, socketpair, fromfd, create_*. */
void create_open_functions(lua_State *L);

/* The state's default timeout (registry), < 0 meaning none. */
double sock_getdefaulttimeout(lua_State *L);
/* Checks a timeout argument: nil gives -1; negative or NaN raise. */
double sock_checktimeout(lua_State *L, int idx);

/* ----------------------------------------------------- addresses and names */


/* Reads the address at 'idx' (values or one table) for 'family' into 'a';
   raises on a wrong shape; returns 1, or pushes nil, message, code and
   returns 0 when it is valid-looking text that does not resolve. *next is
   the first argument after the address. */
int addr_check(lua_State *L, int idx, int family, int type, lsock_Addr *a, int *next);
/* Pushes 'sa' as multiple values; returns how many. */
int addr_push(lua_State *L, const struct sockaddr *sa, socklen_t len);
/* Pushes 'sa' as one table {host, port, ...} (a string for AF_UNIX). */
void addr_pushtable(lua_State *L, const struct sockaddr *sa, socklen_t len);
/* Appends "host:port", "[v6]:port" or the path to 'b'. */
void addr_addtext(luaL_Buffer *b, const struct sockaddr *sa, socklen_t len);
/* Family codes lsock speaks; raises on any other. */
int addr_checkfamily(lua_State *L, int idx, int def);
void addr_open_functions(lua_State *L);

/* ---------------------------------------------------------- select and co. */

/* The descriptor of a selectable object at 'idx': socket, makefile file,
   integer, or anything with a fileno method. *ready is set when it holds
   buffered data, so it is readable without waiting. Raises on misuse. */
int select_getfd(lua_State *L, int idx, int *ready);
int select_select(lua_State *L);

/* -------------------------------------------------------- makefile, poller */

/* For select_getfd: the file at 'idx' or NULL; its fd and buffered state. */
int file_getfd(lua_State *L, int idx, int *fd, int *buffered);
int file_makefile(lua_State *L);
void file_open_methods(lua_State *L);
int poller_new(lua_State *L);
void poller_open_methods(lua_State *L);

/* ---------------------------------------------------------------- module */

void const_open(lua_State *L);

#endif
