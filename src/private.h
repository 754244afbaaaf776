/*
** private.h — what the files of lsock share, layer by layer from the
** bottom: results and argument checks (result.c), waiting (wait.c), the
** socket object and its transport (socket.c, transport.c, transfer.c),
** the selectable handle that select and the poller ask (select.c), then
** the objects built on them (file.c, poller.c) and the module's functions.
** The platform is sys.h, below all of it. Every name here carries the
** lsock_ prefix and the file that defines it, so that lsock links beside
** any other library (LuaSocket's sock_* included) in one static binary.
*/
#ifndef LSOCK_PRIVATE_H
#define LSOCK_PRIVATE_H

#include <stddef.h>

#include "lua.h"
#include "lauxlib.h"
#include "compat.h"
#include "lsock.h"
#include "sys.h"

#define LSOCK_SOCKET_METATABLE "lsock.socket"
#define LSOCK_FILE_METATABLE "lsock.file"
#define LSOCK_POLLER_METATABLE "lsock.poller"
#define LSOCK_BUFFER_METATABLE "lsock.buffer"

/* ------------------------------------------------- results and checks */

/* The internal code of an expired deadline; never a valid error number. */
#define LSOCK_TIMEOUT (-1)

/* Pushes nil, message, code for 'err' (an error number, or LSOCK_TIMEOUT
   for nil, "timeout", ETIMEDOUT) and returns 3. */
int lsock_result_fail(lua_State *L, int err);
/* Pushes nil, gai_strerror(code), code (the system's text for EAI_SYSTEM). */
int lsock_result_gaifail(lua_State *L, int code, int syserr);
/* Pushes true and returns 1. */
int lsock_result_ok(lua_State *L);

/* An integer argument for a C int: raises "bad argument" with the value
   given when it is not an integer or does not fit, never truncating it
   into another valid value. */
int lsock_check_int(lua_State *L, int idx);
int lsock_opt_int(lua_State *L, int idx, int def);
/* The value at 'idx' as a C int; raises against argument 'arg'. */
int lsock_check_intat(lua_State *L, int idx, int arg, const char *what);
/* Text that goes to the system: a string with no NUL byte, or a raised
   "bad argument" against 'arg' naming 'what'. */
const char *lsock_check_text(lua_State *L, int idx, int arg, const char *what);
/* A timeout argument: nil gives -1; negative, NaN or infinite raise. */
double lsock_check_timeout(lua_State *L, int idx);

/* --------------------------------------------------------------- waiting */

/* A deadline is an absolute time on lsock_sys_now()'s clock. LSOCK_NOWAIT
   (already past) means the call must not wait at all; HUGE_VAL, never. */
#define LSOCK_NOWAIT 0.0

/* The one deadline constructor: a timeout < 0 waits forever, 0 not at
   all, t > 0 seconds from now. */
double lsock_wait_deadline(double timeout);
/* Milliseconds left until 'deadline', for one poll: -1 when infinite,
   capped at INT_MAX (the wait engine waits again for the rest). */
int lsock_wait_remaining_ms(double deadline);

/* The wait engine: 'poll' waits at most 'ms' for its set and counts the
   ready entries. lsock_wait_until calls it until something is ready (0,
   the count in *nready), the deadline passes (LSOCK_TIMEOUT) or it fails
   (an error number). EINTR and early wake-ups wait again for what is left
   of the deadline, so a signal never shortens or stretches a wait. */
typedef int (*lsock_PollFn)(void *set, int ms, int *nready);
int lsock_wait_until(lsock_PollFn poll, void *set, double deadline, int *nready);
/* Waits until 'fd' is ready for 'events' (POLLIN/POLLOUT) or 'deadline'. */
int lsock_wait_fd(sys_fd fd, int events, double deadline);

/* Pushes the state's waiter (lsock.setwaiter) and returns 1 when there
   is one; else pushes nothing and returns 0. */
int lsock_wait_pushwaiter(lua_State *L);
void lsock_wait_open_functions(lua_State *L);

/* ------------------------------------------------- calls that may wait */

/* An error code meaning "the call must wait, and its coroutine will be
   suspended for it": the body returns LSOCK_YIELD at once. Like
   LSOCK_TIMEOUT, never a valid error number. */
#define LSOCK_WOULDWAIT (-0x7ffffff0) /* far from EAI_* codes, which are negative */
/* What a body returns to be suspended (lsock_result_fail gives it for
   LSOCK_WOULDWAIT, so "return lsock_result_fail(L, err)" is always right). */
#define LSOCK_YIELD (-1)

typedef struct lsock_Handle lsock_Handle;
typedef struct lsock_Call lsock_Call;
/* The body of a method that may wait: it runs from its start on the first
   entry and again on each resumption (c->resumed), taking from 'c' what it
   had done: its deadline, c->step, c->progress. It returns its number of
   results, or LSOCK_YIELD with the wait noted in 'c'. */
typedef int (*lsock_Body)(lua_State *L, lsock_Call *c);
struct lsock_Call {
  lsock_Body body;
  int base;          /* the arguments are 1..base; the record, base + 1 */
  int resumed;       /* 0 on the first entry */
  int step;          /* how far the body had got: its own meaning */
  double progress;   /* a count the body keeps (a send-all's bytes sent) */
  double sent;       /* another, for a body that keeps two (sendfile) */
  double deadline;   /* the call's deadline, once the body set it */
  /* the wait asked for: one descriptor, or (waitset) the table that the
     body left on top of the stack, {[fd] = events} */
  lsock_Handle *h;   /* the object behind fd (a socket), or NULL */
  sys_fd fd;
  int events;
  int waitset;
  int loop;          /* the wait went to a loop */
};

/* Runs 'body' as the method called (nargs >= 0: the stack is cut to that
   many arguments first; -1: all of them). The entry of every method that
   may wait. */
int lsock_call_run(lua_State *L, int nargs, lsock_Body body);
/* The one place a call that must wait on one descriptor comes: past the
   deadline, LSOCK_TIMEOUT; where the running coroutine's waits are handed
   off, LSOCK_WOULDWAIT with the wait noted in 'c' (the body then returns
   LSOCK_YIELD and runs again later); else it blocks in the wait engine
   and returns 0 (or an error) for the caller to retry. 'c' NULL: block. */
int lsock_call_wait(lua_State *L, lsock_Call *c, lsock_Handle *h, sys_fd fd, int events,
                    double deadline);
/* Whether waits of the running coroutine are handed off (else they block). */
int lsock_call_canhandoff(lua_State *L);
/* A wait for the set {[fd] = events} on top of the stack: LSOCK_WOULDWAIT. */
int lsock_call_waitset(lua_State *L, lsock_Call *c, double deadline);
/* 5.1 and LuaJIT: replaces the function at 'idx', called 'name' (or the
   named fields of table 't'), by the trampoline that lets it suspend;
   'method': it is called as obj:name(...). Elsewhere nothing. */
void lsock_call_wrap(lua_State *L, int idx, const char *name, int method);
void lsock_call_wrapfields(lua_State *L, int t, const char *const names[], int methods);
void lsock_call_open(lua_State *L);

/* The loop (loop.c), as calls that wait see it. */
int lsock_loop_istask(lua_State *L);
/* Registers the wait noted in 'c' for the running task. */
void lsock_loop_wait(lua_State *L, lsock_Call *c);
/* A task resumed: raises "cancelled" if it was cancelled meanwhile. */
void lsock_loop_resumed(lua_State *L);
/* 5.1 and LuaJIT: the waiter that suspends a task (it yields). */
int lsock_loop_yield(lua_State *L);
/* The descriptor of a watched handle closes or leaves lsock: tasks
   waiting on it wake, and the loops forget it. */
void lsock_loop_forget(lua_State *L, lsock_Handle *h, sys_fd fd);
int lsock_loop_new(lua_State *L);
void lsock_loop_open(lua_State *L);

/* ---------------------------------------------------- selectable handles */

/* Every object that select and the poller accept as their own begins with
   an lsock_Handle: they ask it, never its metatable, for the descriptor
   to wait on and for data it holds above the kernel (a file's buffer,
   decrypted bytes), which make it readable without waiting. */
typedef struct lsock_HandleClass {
  /* The descriptor to wait on; raises for a closed object. */
  sys_fd (*fd)(lua_State *L, lsock_Handle *h);
  /* 1 when a read can go ahead without waiting, 0 when not now, -1 when
     the object can never hold such bytes (nobody need ask again). */
  int (*pending)(lsock_Handle *h);
} lsock_HandleClass;
struct lsock_Handle {
  const lsock_HandleClass *cls;
  int watched;  /* a loop watches its descriptor: tell it of the close */
};

/* Marks the metatable on top of the stack as one of handles. */
void lsock_handle_mark(lua_State *L);
/* The handle at 'idx', or NULL when it is not one. */
lsock_Handle *lsock_handle_test(lua_State *L, int idx);
/* The descriptor of a selectable object at 'idx' (handle, integer, or
   anything with a fileno method), for argument 'arg'; *h the handle or
   NULL. May run the object's Lua (fileno, __index): callers re-check what
   it could have changed. Raises on misuse. */
sys_fd lsock_select_getfd(lua_State *L, int idx, int arg, lsock_Handle **h);
int lsock_select_select(lua_State *L);

/* -------------------------------------------------------- the socket */

typedef struct lsock_Socket lsock_Socket;

/* One transfer: the buffer, flags and address of a receive or send, and
   what it did. A transport that would block sets 'events' to what the
   call must wait for (a TLS read may need POLLOUT). */
typedef struct lsock_Io {
  char *buf;
  size_t len;
  int flags;
  lsock_Addr *from;       /* receive: the sender, when wanted */
  const lsock_Addr *to;   /* send: the destination, or NULL */
  size_t done;
  int events;
  int receive;            /* a receive of data (see 'asked') */
} lsock_Io;

/* A transport moves a socket's bytes: the plain one is the descriptor
   itself; TLS would be another table of these, with its state in
   s->tstate. Each returns 0 or an error number; EAGAIN when it would
   block, with io->events set. */
typedef struct lsock_Transport {
  const char *name;
  int (*recv)(lsock_Socket *s, lsock_Io *io);
  int (*send)(lsock_Socket *s, lsock_Io *io);
  /* Bytes readable without waiting: 1 some, 0 none now, -1 never held. */
  int (*pending)(lsock_Socket *s);
  int (*shutdown)(lsock_Socket *s, int how);
  /* Ends the transport's use of the descriptor and closes it. */
  int (*close)(lsock_Socket *s);
} lsock_Transport;

extern const lsock_Transport lsock_transport_plain;
/* The flags of one system call on 's': 'flags' plus "do not block" in
   timeout and non-blocking modes (for calls that bypass the transport:
   recvmsg, sendmsg). */
int lsock_transport_flags(const lsock_Socket *s, int flags);

/* Memory a socket owns for large receives: the buffer of a receive under
   way, or bytes taken from the kernel whose result string could not be
   made (a memory error), which the next receive returns first. It hangs
   off the socket, so an error raised mid-call cannot leak it. */
typedef struct lsock_Stash {
  size_t cap;          /* room in data */
  size_t len, pos;     /* stashed bytes are data[pos..len); none when equal */
  lsock_Addr from;
  int hasfrom;
  char data[];
} lsock_Stash;

struct lsock_Socket {
  lsock_Handle h;     /* first: select and the poller ask it */
  sys_fd fd;          /* SYS_NOFD once the descriptor is closed */
  int family, type, proto;
  double timeout;     /* < 0 blocking, 0 non-blocking, > 0 seconds */
  int closed;         /* close() or detach() called: Lua can no longer use it */
  int files;          /* open makefile() files, which keep 'fd' open */
  const lsock_Transport *transport;
  void *tstate;       /* the transport's own state */
  lsock_Stash *stash; /* from the state's allocator; freed by close and __gc */
  int asked;          /* it sent since it last received: an answer is awaited */
};

/* The one try/wait/retry loop: calls fn(s, io) until it succeeds or fails
   with something other than EINTR or, before 'deadline', a would-block;
   waits in between through the waiter for the events the transport asked
   for (lsock_call_wait: LSOCK_WOULDWAIT when the call is to be suspended).
   Raises if Lua run meanwhile closed the socket. */
typedef int (*lsock_IoFn)(lsock_Socket *s, lsock_Io *io);
int lsock_sock_call(lua_State *L, lsock_Socket *s, lsock_IoFn fn, lsock_Io *io, lsock_Call *c,
                    double deadline);

/* The deadline of a call on 's' with these MSG_ flags. */
double lsock_sock_deadline(lua_State *L, const lsock_Socket *s, int flags);
/* Receives through the transport (a stash first): 0 or an error. */
int lsock_sock_recv(lua_State *L, lsock_Socket *s, char *buf, size_t len, int flags,
                    lsock_Call *c, double deadline, size_t *n);
/* The same, with the sender in *from when 'from' is not NULL. */
int lsock_sock_recvfrom(lua_State *L, lsock_Socket *s, char *buf, size_t len, int flags,
                        lsock_Call *c, double deadline, lsock_Addr *from, size_t *n);
/* Sends p[0..len) whole under one deadline: 0 or an error; the count
   sent in *sent either way. sendall and makefile's flush both use it. */
int lsock_sock_sendall(lua_State *L, lsock_Socket *s, const char *p, size_t len, int flags,
                       lsock_Call *c, double deadline, size_t *sent);

/* The open socket at 'idx', or a raised error (closed socket, wrong type). */
lsock_Socket *lsock_sock_checkopen(lua_State *L, int idx);
/* Argument 1 of a socket method (which holds the metatable as upvalue 1),
   open, or a raised error. Only for functions in the method table. */
lsock_Socket *lsock_sock_self(lua_State *L);
/* The socket at 'idx', open or not, or NULL. */
lsock_Socket *lsock_sock_test(lua_State *L, int idx);
/* Pushes a closed socket object, to be opened by lsock_sock_open. */
lsock_Socket *lsock_sock_newclosed(lua_State *L, int family, int type, int proto);
/* Gives 's' its descriptor in the given timeout mode. */
void lsock_sock_open(lsock_Socket *s, sys_fd fd, double timeout);
/* Makes a new socket object and its descriptor; pushes it and returns 1,
   or pushes nil, message, errno and returns 3. */
int lsock_sock_create(lua_State *L, int family, int type, int proto);
/* Forgets the socket's use from Lua; closes the descriptor when no file
   still uses it. 0 or an error from close. */
int lsock_sock_release(lua_State *L, lsock_Socket *s);
/* A file made by makefile() is done with the descriptor. */
int lsock_sock_unref(lua_State *L, lsock_Socket *s);
/* Python's default backlog: min(SOMAXCONN, 128). */
#define LSOCK_DEFAULT_BACKLOG (SOMAXCONN < 128 ? SOMAXCONN : 128)
/* listen with Python's handling of the backlog: 0 or an error. */
int lsock_sock_listen(lsock_Socket *s, lua_Integer backlog);
/* connect honouring the timeout: 0, LSOCK_TIMEOUT, LSOCK_WOULDWAIT or an
   error. A connect resumed (c->step) only waits for its outcome. */
int lsock_sock_connect(lua_State *L, lsock_Socket *s, const lsock_Addr *a, lsock_Call *c);
/* The state's default timeout, < 0 meaning none. */
double lsock_sock_defaulttimeout(lua_State *L);
void lsock_sock_open_methods(lua_State *L);
/* The data methods (transfer.c), merged into the socket's method table. */
extern const luaL_Reg lsock_transfer_methods[];
/* Run once at module open: what the data methods need made in advance. */
void lsock_transfer_open(lua_State *L);
/* The constructors (create.c): socket, socketpair, fromfd, create_*. */
void lsock_create_open_functions(lua_State *L);

/* ----------------------------------------------------- addresses and names */

/* Reads the address at 'idx' (values or one table) for 'family' into 'a';
   raises on a wrong shape; returns 1, or pushes nil, message, code and
   returns 0 when it is valid-looking text that does not resolve; -1 when
   the call 'c' (may be NULL) waits for the name to resolve off the loop
   (its body returns LSOCK_YIELD). *next is the first argument after. */
int lsock_addr_check(lua_State *L, lsock_Call *c, int idx, int family, int type, lsock_Addr *a,
                     int *next);
/* Pushes 'a' as multiple values; returns how many. */
int lsock_addr_push(lua_State *L, const lsock_Addr *a);
/* Pushes 'a' as one table {host, port, ...} (a string for AF_UNIX). */
void lsock_addr_pushtable(lua_State *L, const lsock_Addr *a);
/* Appends "host:port", "[v6]:port" or the path to 'b'. */
void lsock_addr_addtext(luaL_Buffer *b, const lsock_Addr *a);
/* Family codes lsock speaks; raises on any other. */
int lsock_addr_checkfamily(lua_State *L, int idx, int def);
/* getaddrinfo with its list held by a userdata pushed on the stack, whose
   __gc frees it: an error raised while the list is in use cannot leak it.
   0 with *res set, or pushes nil, message, code (nothing else) and
   returns the EAI code. In a task ('c' not NULL), a name is resolved on
   a thread of its own: LSOCK_WOULDWAIT, nothing pushed, while it runs.
   lsock_addr_freeinfo frees it early and pops. */
int lsock_addr_getinfo(lua_State *L, lsock_Call *c, const char *host, const char *service,
                       const struct addrinfo *hints, struct addrinfo **res);
void lsock_addr_freeinfo(lua_State *L, int idx);
void lsock_addr_open_functions(lua_State *L);

/* -------------------------------------------------------- makefile, poller */

int lsock_file_makefile(lua_State *L);
void lsock_file_open_methods(lua_State *L);
int lsock_poller_new(lua_State *L);
void lsock_poller_open_methods(lua_State *L);

/* --------------------------------------------------------------- buffers */

/* The bytes of a string (or number, as luaL_checklstring) or lsock.buffer
   at 'idx': what every function that sends or copies bytes accepts.
   Raises "string or buffer expected" otherwise. */
const char *lsock_buffer_checkbytes(lua_State *L, int idx, size_t *len);
/* The same for a string or buffer only, or NULL without raising. */
const char *lsock_buffer_tobytes(lua_State *L, int idx, size_t *len);
/* The writable bytes of the buffer (or view) at 'idx'; raises if it is not
   one. lsock_buffer_towritable gives NULL instead. */
char *lsock_buffer_checkwritable(lua_State *L, int idx, size_t *len);
char *lsock_buffer_towritable(lua_State *L, int idx, size_t *len);
void lsock_buffer_open(lua_State *L);

/* ------------------------------------------------- messages, files, names */

/* recv_into, recvmsg, sendmsg, descriptor passing (msg.c) and sendfile
   (sendfile.c): merged into the socket's method table. */
extern const luaL_Reg lsock_msg_methods[];
extern const luaL_Reg lsock_sendfile_methods[];
/* The module functions of msg.c (send_fds, recv_fds, CMSG_*) and names.c. */
void lsock_msg_open_functions(lua_State *L);
void lsock_names_open_functions(lua_State *L);
/* The constants of Python's socket module beyond const.c's (const_net.c). */
void lsock_const_open_net(lua_State *L);

/* ---------------------------------------------------------------- module */

void lsock_const_open(lua_State *L);

#endif
