/*
** socket.c — the socket object: its life (created closed, then opened;
** closed by close, __gc or __close, or kept open for makefile files), its
** timeout mode and the state's default timeout, its options and names,
** the calls that set up a connection (bind, listen, accept, connect), and
** the one try/wait/retry loop every blocking call goes through. The data
** path is transfer.c; the bytes move through the socket's transport.
**
** Prefixes: s_ methods, lsock_sock_ shared with other files, aux_ helpers.
*/
#include <math.h>
#include <string.h>

#include "private.h"

/* ---------------------------------------------------------------- life */

static sys_fd aux_handlefd(lua_State *L, lsock_Handle *h) {
  lsock_Socket *s = (lsock_Socket *)h;
  if (s->closed) luaL_error(L, "attempt to use a closed socket");
  return s->fd;
}

static int aux_handlepending(lsock_Handle *h) {
  lsock_Socket *s = (lsock_Socket *)h;
  return s->transport->pending(s);
}

static const lsock_HandleClass socket_class = {aux_handlefd, aux_handlepending};

lsock_Socket *lsock_sock_newclosed(lua_State *L, int family, int type, int proto) {
  lsock_Socket *s = (lsock_Socket *)compat_newudata(L, sizeof *s);
  s->h.cls = &socket_class;
  s->h.watched = 0;
  s->fd = SYS_NOFD;
  s->family = family;
  s->type = type;
  s->proto = proto;
  s->timeout = -1;
  s->closed = 1;
  s->files = 0;
  s->transport = &lsock_transport_plain;
  s->tstate = NULL;
  s->stash = NULL;
  s->asked = 0;
  luaL_setmetatable(L, LSOCK_SOCKET_METATABLE);
  return s;
}

void lsock_sock_open(lsock_Socket *s, sys_fd fd, double timeout) {
  s->fd = fd;
  s->closed = 0;
  s->timeout = timeout;
}

int lsock_sock_create(lua_State *L, int family, int type, int proto) {
  double timeout = lsock_sock_defaulttimeout(L);
  lsock_Socket *s = lsock_sock_newclosed(L, family, type, proto);
  sys_fd fd;
  int err = lsock_sys_socket(family, type, proto, timeout >= 0, &fd);
  if (err) return lsock_result_fail(L, err);
  lsock_sock_open(s, fd, timeout);
  return 1;
}

static int aux_closefd(lua_State *L, lsock_Socket *s) {
  int err = 0;
  if (s->fd != SYS_NOFD) {
    if (s->h.watched) lsock_loop_forget(L, &s->h, s->fd);
    err = s->transport->close(s);
    s->fd = SYS_NOFD;
  }
  /* as Python: the peer having reset the connection is no failure of close */
  return err == ECONNRESET ? 0 : err;
}

int lsock_sock_release(lua_State *L, lsock_Socket *s) {
  s->closed = 1;
  return s->files > 0 ? 0 : aux_closefd(L, s);
}

int lsock_sock_unref(lua_State *L, lsock_Socket *s) {
  if (s->files > 0) s->files--;
  return (s->closed && s->files == 0) ? aux_closefd(L, s) : 0;
}

lsock_Socket *lsock_sock_test(lua_State *L, int idx) {
  return (lsock_Socket *)luaL_testudata(L, idx, LSOCK_SOCKET_METATABLE);
}

lsock_Socket *lsock_sock_checkopen(lua_State *L, int idx) {
  lsock_Socket *s = (lsock_Socket *)luaL_checkudata(L, idx, LSOCK_SOCKET_METATABLE);
  if (s->closed) luaL_error(L, "attempt to use a closed socket");
  return s;
}

static lsock_Socket *aux_check(lua_State *L) {
  return (lsock_Socket *)luaL_checkudata(L, 1, LSOCK_SOCKET_METATABLE);
}

/* Argument 1 of a method. The methods hold the metatable as upvalue 1, so
   the type check is one comparison rather than luaL_checkudata's registry
   lookup by name, which showed in profiles of small calls. */
static lsock_Socket *aux_self(lua_State *L, int must_be_open) {
  lsock_Socket *s = (lsock_Socket *)lua_touserdata(L, 1);
  if (s == NULL || !lua_getmetatable(L, 1) || !lua_rawequal(L, -1, lua_upvalueindex(1)))
    compat_typeerror(L, 1, LSOCK_SOCKET_METATABLE);
  lua_pop(L, 1);
  if (must_be_open && s->closed) luaL_error(L, "attempt to use a closed socket");
  return s;
}

lsock_Socket *lsock_sock_self(lua_State *L) {
  return aux_self(L, 1);
}

static void aux_freestash(lua_State *L, lsock_Socket *s) {
  if (s->stash != NULL) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    alloc(ud, s->stash, offsetof(lsock_Stash, data) + s->stash->cap, 0);
    s->stash = NULL;
  }
}

static int s_close(lua_State *L) {
  lsock_Socket *s = aux_self(L, 0);
  int err = s->closed ? 0 : lsock_sock_release(L, s);
  aux_freestash(L, s);
  if (err) return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

/* __gc and __close: a collected socket is closed, its errors unheard. */
static int s_gc(lua_State *L) {
  lsock_Socket *s = aux_check(L);
  if (!s->closed) lsock_sock_release(L, s);
  aux_freestash(L, s);
  return 0;
}

static int s_detach(lua_State *L) {
  lsock_Socket *s = aux_self(L, 0);
  sys_fd fd = SYS_NOFD;
  /* once closed, the descriptor (if makefile files still hold it) is
     theirs to close: forgetting it here would leak it */
  if (!s->closed) {
    fd = s->fd;
    if (s->h.watched && fd != SYS_NOFD) lsock_loop_forget(L, &s->h, fd);
    s->closed = 1;
    s->fd = SYS_NOFD; /* the caller owns it now: nothing here may close it */
  }
  lua_pushinteger(L, (lua_Integer)fd);
  return 1;
}

static int s_fileno(lua_State *L) {
  lsock_Socket *s = aux_self(L, 0);
  lua_pushinteger(L, s->closed ? -1 : (lua_Integer)s->fd);
  return 1;
}

static int s_dup(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  lsock_Socket *c = lsock_sock_newclosed(L, s->family, s->type, s->proto);
  sys_fd fd;
  int err = lsock_sys_dup(s->fd, &fd);
  if (err) return lsock_result_fail(L, err);
  /* O_NONBLOCK belongs to the open file, which the copy shares */
  lsock_sock_open(c, fd, s->timeout);
  return 1;
}

static int s_get_inheritable(lua_State *L) {
  int on, err = lsock_sys_getinheritable(lsock_sock_self(L)->fd, &on);
  if (err) return lsock_result_fail(L, err);
  lua_pushboolean(L, on);
  return 1;
}

static int s_set_inheritable(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  int err;
  luaL_checktype(L, 2, LUA_TBOOLEAN);
  if ((err = lsock_sys_setinheritable(s->fd, lua_toboolean(L, 2))) != 0)
    return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

/* An integer argument that names a descriptor. */
static sys_fd aux_checkfd(lua_State *L, int idx) {
  lua_Integer fd = luaL_checkinteger(L, idx);
  /* 5.1's luaL_checkinteger truncates: close(1.5) must not close fd 1 */
  luaL_argcheck(L, compat_isinteger(L, idx) && lsock_sys_validfd((double)fd), idx,
                "invalid file descriptor");
  return (sys_fd)fd;
}

/* lsock.dup(fd): a close-on-exec copy of a bare descriptor. */
static int m_dup(lua_State *L) {
  sys_fd copy;
  int err = lsock_sys_dup(aux_checkfd(L, 1), &copy);
  if (err) return lsock_result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)copy);
  return 1;
}

/* lsock.close(fd): a bare descriptor, from detach say. */
static int m_close(lua_State *L) {
  int err = lsock_sys_close(aux_checkfd(L, 1));
  if (err) return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

/* ------------------------------------------------------------- timeouts */

/* The default timeout lives in the registry, so each Lua state has its own. */
static const char DEFAULT_TIMEOUT_KEY[] = "lsock.defaulttimeout";

double lsock_sock_defaulttimeout(lua_State *L) {
  double t;
  lua_getfield(L, LUA_REGISTRYINDEX, DEFAULT_TIMEOUT_KEY);
  t = lua_isnumber(L, -1) ? (double)lua_tonumber(L, -1) : -1.0;
  lua_pop(L, 1);
  return t;
}

static int aux_pushtimeout(lua_State *L, double t) {
  if (t < 0) lua_pushnil(L);
  else lua_pushnumber(L, (lua_Number)t);
  return 1;
}

static int m_getdefaulttimeout(lua_State *L) {
  return aux_pushtimeout(L, lsock_sock_defaulttimeout(L));
}

static int m_setdefaulttimeout(lua_State *L) {
  aux_pushtimeout(L, lsock_check_timeout(L, 1));
  lua_setfield(L, LUA_REGISTRYINDEX, DEFAULT_TIMEOUT_KEY);
  return lsock_result_ok(L);
}

static int aux_settimeout(lua_State *L, lsock_Socket *s, double timeout) {
  int err = 0;
  /* only a change between blocking and the other two touches the descriptor */
  if ((s->timeout < 0) != (timeout < 0)) err = lsock_sys_setnonblocking(s->fd, timeout >= 0);
  if (err) return lsock_result_fail(L, err);
  s->timeout = timeout;
  return lsock_result_ok(L);
}

double lsock_sock_deadline(lua_State *L, const lsock_Socket *s, int flags) {
  if (s->timeout == 0 || (flags & lsock_sys_dontwait)) return LSOCK_NOWAIT;
  if (s->timeout > 0) return lsock_wait_deadline(s->timeout);
  /* blocking: the kernel waits, unless the running coroutine's waits are
     handed off (a task): then the call never blocks, and waits forever */
  return L != NULL && lsock_call_canhandoff(L) ? HUGE_VAL : LSOCK_NOWAIT;
}

/* One try of a blocking socket's call that must not block: with the
   system's flag, or (where it has none) the descriptor non-blocking for
   this try only, so nobody else ever sees it changed, even while the call
   waits. What the try moved is reported even if the mode cannot be put
   back: the next call on the socket reports that. */
static int aux_trynowait(lsock_Socket *s, lsock_IoFn fn, lsock_Io *io) {
  int err = lsock_sys_nowait(s->fd, 1);
  if (err) return err;
  err = fn(s, io);
  (void)lsock_sys_nowait(s->fd, 0);
  return err;
}

int lsock_sock_call(lua_State *L, lsock_Socket *s, lsock_IoFn fn, lsock_Io *io, lsock_Call *c,
                    double deadline) {
  /* a blocking socket whose call is to be handed off must not block */
  int nowait = s->timeout < 0 && deadline != LSOCK_NOWAIT;
  if (nowait) io->flags |= lsock_sys_dontwait;
  /* in a task, a receive right after the socket's own send (a request,
     an echo) would almost always find nothing yet: the task waits first,
     as the loop's level-triggered set reports at once what is there
     already, and the system call that would fail is saved */
  if (io->receive && s->asked && c != NULL && !c->resumed && deadline != LSOCK_NOWAIT &&
      s->transport->pending(s) != 1 && lsock_call_canhandoff(L)) {
    int err = lsock_call_wait(L, c, &s->h, s->fd, POLLIN, deadline);
    if (err) return err;
  }
  for (;;) {
    int err = nowait ? aux_trynowait(s, fn, io) : fn(s, io);
    if (err == 0) {
      s->asked = !io->receive;
      return 0;
    }
    if (err == EINTR) continue;
    if ((err != EAGAIN && err != EWOULDBLOCK) || deadline == LSOCK_NOWAIT) return err;
    err = lsock_call_wait(L, c, &s->h, s->fd, io->events ? io->events : POLLIN, deadline);
    if (err) return err;
    /* a waiter runs Lua, which may have closed the socket meanwhile */
    if (s->closed) return luaL_error(L, "attempt to use a closed socket");
  }
}

static int s_settimeout(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  return aux_settimeout(L, s, lsock_check_timeout(L, 2));
}

static int s_gettimeout(lua_State *L) {
  return aux_pushtimeout(L, aux_self(L, 0)->timeout);
}

static int s_setblocking(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  int on;
  /* numbers as Python's setblocking(0)/setblocking(1), which tutorials use */
  if (lua_type(L, 2) == LUA_TNUMBER) on = lua_tonumber(L, 2) != 0;
  else {
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    on = lua_toboolean(L, 2);
  }
  return aux_settimeout(L, s, on ? -1.0 : 0.0);
}

static int s_getblocking(lua_State *L) {
  lua_pushboolean(L, aux_self(L, 0)->timeout != 0);
  return 1;
}

/* ------------------------------------------------------------- options */

static int s_setsockopt(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  int level = lsock_check_int(L, 2);
  int option = lsock_check_int(L, 3);
  int ivalue, err;
  const void *value = &ivalue;
  size_t len = sizeof ivalue;
  switch (lua_type(L, 4)) {
    case LUA_TBOOLEAN: ivalue = lua_toboolean(L, 4); break;
    case LUA_TNUMBER: ivalue = lsock_check_intat(L, 4, 4, "value"); break;
    case LUA_TSTRING: value = lua_tolstring(L, 4, &len); break;
    default: return compat_typeerror(L, 4, "integer, boolean or string");
  }
  if ((err = lsock_sys_setsockopt(s->fd, level, option, value, len)) != 0)
    return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

static int s_getsockopt(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  int level = lsock_check_int(L, 2);
  int option = lsock_check_int(L, 3), err;
  if (lua_isnoneornil(L, 4)) {
    int v = 0;
    size_t len = sizeof v;
    if ((err = lsock_sys_getsockopt(s->fd, level, option, &v, &len)) != 0)
      return lsock_result_fail(L, err);
    lua_pushinteger(L, v);
  } else {
    char buf[1024];
    lua_Integer want = luaL_checkinteger(L, 4);
    size_t len;
    luaL_argcheck(L, want > 0 && want <= (lua_Integer)sizeof buf, 4, "buflen must be 1-1024");
    len = (size_t)want;
    if ((err = lsock_sys_getsockopt(s->fd, level, option, buf, &len)) != 0)
      return lsock_result_fail(L, err);
    lua_pushlstring(L, buf, len);
  }
  return 1;
}

/* ------------------------------------------------------- names and setup */

static int aux_pushname(lua_State *L, sys_fd fd, int peer) {
  lsock_Addr a;
  int err = lsock_sys_getname(fd, peer, &a);
  if (err) return lsock_result_fail(L, err);
  return lsock_addr_push(L, &a);
}

static int s_getsockname(lua_State *L) {
  return aux_pushname(L, lsock_sock_self(L)->fd, 0);
}

static int s_getpeername(lua_State *L) {
  return aux_pushname(L, lsock_sock_self(L)->fd, 1);
}

static int s_bind(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  lsock_Addr a;
  int next, err;
  if (lsock_addr_check(L, NULL, 2, s->family, s->type, &a, &next) <= 0) return 3;
  if ((err = lsock_sys_bind(s->fd, &a)) != 0) return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

int lsock_sock_listen(lsock_Socket *s, lua_Integer backlog) {
  /* as Python: a negative backlog counts as 0 */
  if (backlog < 0) backlog = 0;
  if (backlog > 65535) backlog = 65535;
  return lsock_sys_listen(s->fd, (int)backlog);
}

static int s_listen(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  int err = lsock_sock_listen(s, luaL_optinteger(L, 2, LSOCK_DEFAULT_BACKLOG));
  if (err) return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

/* accept takes no "do not block" flag: in timeout mode it waits for
   readiness first, so another handle clearing O_NONBLOCK cannot make it
   block past the deadline. io->buf carries the accept state. */
typedef struct {
  lsock_Addr peer;
  int nonblocking;
  int waitfirst;
  sys_fd conn;
} aux_Accept;

static int io_accept(lsock_Socket *s, lsock_Io *io) {
  aux_Accept *c = (aux_Accept *)(void *)io->buf;
  io->events = POLLIN;
  if (c->waitfirst) {
    c->waitfirst = 0;
    return EAGAIN;
  }
  return lsock_sys_accept(s->fd, &c->peer, c->nonblocking, &c->conn);
}

static int s_accept_body(lua_State *L, lsock_Call *call) {
  lsock_Socket *s = lsock_sock_self(L);
  double timeout = lsock_sock_defaulttimeout(L);
  lsock_Socket *conn;
  aux_Accept c;
  lsock_Io io;
  int err;
  if (!call->resumed) call->deadline = lsock_sock_deadline(L, s, 0);
  conn = lsock_sock_newclosed(L, s->family, s->type, s->proto);
  memset(&io, 0, sizeof io);
  io.buf = (char *)(void *)&c;
  c.nonblocking = timeout >= 0;
  /* a resumed accept was woken by readiness: it tries first */
  c.waitfirst = s->timeout != 0 && call->deadline != LSOCK_NOWAIT && !call->resumed;
  err = lsock_sock_call(L, s, io_accept, &io, call, call->deadline);
  if (err) return lsock_result_fail(L, err);
  lsock_sock_open(conn, c.conn, timeout);
  return 1 + lsock_addr_push(L, &c.peer);
}

static int s_accept(lua_State *L) {
  return lsock_call_run(L, 1, s_accept_body);
}

/* Whether a connect that reported no error has really completed: a
   spurious POLLOUT leaves SO_ERROR at 0 while the handshake is pending. */
static int aux_connected(sys_fd fd) {
  lsock_Addr a;
  return lsock_sys_getname(fd, 1, &a) != ENOTCONN;
}

/* The outcome of a connect, with a blocking socket made blocking again
   when the connect had to be made non-blocking ('restore'). */
static int aux_connectdone(lsock_Socket *s, int restore, int err) {
  int e2 = restore ? lsock_sys_setnonblocking(s->fd, 0) : 0;
  return err ? err : e2;
}

/* connect as Python does it: in timeout mode (or after a signal in
   blocking mode, when connect cannot be called again) wait until the
   socket is writable, then read the outcome from SO_ERROR. */
int lsock_sock_connect(lua_State *L, lsock_Socket *s, const lsock_Addr *a, lsock_Call *c) {
  double deadline;
  int err, wait;
  if (c == NULL || c->step == 0) {
    /* a blocking socket in a task connects as if it had no timeout, but
       without blocking: non-blocking until the outcome is known */
    int handoff = s->timeout < 0 && c != NULL && lsock_call_canhandoff(L);
    deadline = s->timeout > 0 ? lsock_wait_deadline(s->timeout) : HUGE_VAL;
    /* connect takes no "do not block" flag: the descriptor must be
       non-blocking, whatever another handle on the open file did to it */
    if ((s->timeout > 0 || handoff) && (err = lsock_sys_setnonblocking(s->fd, 1)) != 0)
      return err;
    err = lsock_sys_connect(s->fd, a);
    if (err == EINPROGRESS && handoff) err = EINTR; /* wait, as for a signal */
    else if (handoff) return aux_connectdone(s, 1, err);
    if (err == 0) return 0;
    if (!(err == EINTR || (err == EINPROGRESS && s->timeout > 0))) return err;
    if (err == EINTR && s->timeout == 0) return EINPROGRESS;
    if (c != NULL) {
      /* from here on, running again only waits for the outcome */
      c->step = handoff ? 2 : 1;
      c->deadline = deadline;
    }
  } else deadline = c->deadline;
  /* resumed, the socket was reported writable: look before waiting */
  for (wait = !(c != NULL && c->resumed && c->step > 0);; wait = 1) {
    int result, restore = c != NULL && c->step == 2;
    err = wait ? lsock_call_wait(L, c, &s->h, s->fd, POLLOUT, deadline) : 0;
    if (err == LSOCK_WOULDWAIT) return err;
    if (s->closed) return luaL_error(L, "attempt to use a closed socket");
    if (err) return aux_connectdone(s, restore, err);
    if ((err = lsock_sys_connecterror(s->fd, &result)) != 0) return aux_connectdone(s, restore, err);
    if (result != 0) return aux_connectdone(s, restore, result);
    if (aux_connected(s->fd)) return aux_connectdone(s, restore, 0);
  }
}

/* connect and connect_ex: the address at 2, then the connect. Returns 1
   with its outcome in *err, or 0 when the address did not resolve (nil,
   message, code pushed). */
static int aux_connectarg(lua_State *L, lsock_Call *c, int *err) {
  lsock_Socket *s = lsock_sock_self(L);
  lsock_Addr a;
  int next;
  /* resumed after connect(): only the outcome is left to wait for */
  if (c->step == 0) {
    int ok = lsock_addr_check(L, c, 2, s->family, s->type, &a, &next);
    if (ok < 0) {
      *err = LSOCK_WOULDWAIT; /* the name resolves off the loop */
      return 1;
    }
    if (ok == 0) return 0;
  }
  *err = lsock_sock_connect(L, s, &a, c);
  return 1;
}

static int s_connect_body(lua_State *L, lsock_Call *c) {
  int err;
  if (!aux_connectarg(L, c, &err)) return 3;
  if (err) return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

static int s_connect(lua_State *L) {
  return lsock_call_run(L, -1, s_connect_body);
}

static int s_connect_ex_body(lua_State *L, lsock_Call *c) {
  int err;
  if (!aux_connectarg(L, c, &err)) return 3;
  if (err == LSOCK_WOULDWAIT) return LSOCK_YIELD;
  lua_pushinteger(L, err == LSOCK_TIMEOUT ? ETIMEDOUT : err);
  return 1;
}

static int s_connect_ex(lua_State *L) {
  return lsock_call_run(L, -1, s_connect_ex_body);
}

static int s_shutdown(lua_State *L) {
  lsock_Socket *s = lsock_sock_self(L);
  lua_Integer how = luaL_checkinteger(L, 2);
  int err;
  luaL_argcheck(L, how == SHUT_RD || how == SHUT_WR || how == SHUT_RDWR, 2,
                "must be SHUT_RD, SHUT_WR or SHUT_RDWR");
  if ((err = s->transport->shutdown(s, (int)how)) != 0) return lsock_result_fail(L, err);
  return lsock_result_ok(L);
}

/* ------------------------------------------------------- fields and text */

static const char *aux_familyname(int f) {
  switch (f) {
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_UNIX: return "AF_UNIX";
    default: return NULL;
  }
}

static const char *aux_typename(int t) {
  switch (t) {
    case SOCK_STREAM: return "SOCK_STREAM";
    case SOCK_DGRAM: return "SOCK_DGRAM";
    case SOCK_RAW: return "SOCK_RAW";
    case SOCK_SEQPACKET: return "SOCK_SEQPACKET";
    default: return NULL;
  }
}

static void aux_addname(lua_State *L, luaL_Buffer *b, const char *name, int value) {
  if (name) luaL_addstring(b, name);
  else {
    lua_pushfstring(L, "%d", value);
    luaL_addvalue(b);
  }
}

/* Appends ", laddr=..." or ", raddr=..." when the socket has that name. */
static void aux_addaddr(luaL_Buffer *b, sys_fd fd, int peer) {
  lsock_Addr a;
  if (lsock_sys_getname(fd, peer, &a) != 0 ||
      (a.u.sa.sa_family == AF_UNIX && (size_t)a.len <= offsetof(struct sockaddr_un, sun_path)))
    return;
  luaL_addstring(b, peer ? ", raddr=" : ", laddr=");
  lsock_addr_addtext(b, &a);
}

static int s_tostring(lua_State *L) {
  lsock_Socket *s = aux_check(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "<lsock.socket ");
  if (s->closed) luaL_addstring(&b, "[closed] ");
  lua_pushfstring(L, "fd=%d, family=", s->closed ? -1 : (int)s->fd);
  luaL_addvalue(&b);
  aux_addname(L, &b, aux_familyname(s->family), s->family);
  luaL_addstring(&b, ", type=");
  aux_addname(L, &b, aux_typename(s->type), s->type);
  lua_pushfstring(L, ", proto=%d", s->proto);
  luaL_addvalue(&b);
  if (!s->closed) {
    aux_addaddr(&b, s->fd, 0);
    aux_addaddr(&b, s->fd, 1);
  }
  luaL_addchar(&b, '>');
  luaL_pushresult(&b);
  return 1;
}

/* __index: the methods (upvalue 1), then the read-only fields. */
static int s_index(lua_State *L) {
  const char *key;
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1) || lua_type(L, 2) != LUA_TSTRING) return 1;
  key = lua_tostring(L, 2);
  {
    lsock_Socket *s = aux_check(L);
    if (strcmp(key, "family") == 0) lua_pushinteger(L, s->family);
    else if (strcmp(key, "type") == 0) lua_pushinteger(L, s->type);
    else if (strcmp(key, "proto") == 0) lua_pushinteger(L, s->proto);
    else if (strcmp(key, "timeout") == 0) aux_pushtimeout(L, s->timeout);
    else lua_pushnil(L);
  }
  return 1;
}

/* The methods that may wait, which 5.1 and LuaJIT must wrap to suspend. */
static const char *const socket_waiting[] = {
  "accept", "connect", "connect_ex", "recv", "recvfrom", "send", "sendall", "sendto",
  "recv_into", "recvfrom_into", "recvmsg", "recvmsg_into", "sendmsg", "sendfile", NULL};

static const luaL_Reg socket_methods[] = {
  {"close", s_close},
  {"detach", s_detach},
  {"fileno", s_fileno},
  {"makefile", lsock_file_makefile},
  {"dup", s_dup},
  {"get_inheritable", s_get_inheritable},
  {"set_inheritable", s_set_inheritable},
  {"settimeout", s_settimeout},
  {"gettimeout", s_gettimeout},
  {"setblocking", s_setblocking},
  {"getblocking", s_getblocking},
  {"setsockopt", s_setsockopt},
  {"getsockopt", s_getsockopt},
  {"getsockname", s_getsockname},
  {"getpeername", s_getpeername},
  {"bind", s_bind},
  {"listen", s_listen},
  {"accept", s_accept},
  {"connect", s_connect},
  {"connect_ex", s_connect_ex},
  {"shutdown", s_shutdown},
  {NULL, NULL}
};

static const luaL_Reg socket_metamethods[] = {
  {"__gc", s_gc},
#if COMPAT_HAS_CLOSE
  {"__close", s_gc},
#endif
  {"__tostring", s_tostring},
  {NULL, NULL}
};

static const luaL_Reg module_functions[] = {
  {"close", m_close},
  {"dup", m_dup},
  {"getdefaulttimeout", m_getdefaulttimeout},
  {"setdefaulttimeout", m_setdefaulttimeout},
  {NULL, NULL}
};

void lsock_sock_open_methods(lua_State *L) {
  luaL_setfuncs(L, module_functions, 0);
  compat_newmetatable(L, LSOCK_SOCKET_METATABLE);
  lsock_handle_mark(L);
  luaL_setfuncs(L, socket_metamethods, 0);
  lua_newtable(L);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, socket_methods, 1); /* the metatable is each method's upvalue */
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, lsock_transfer_methods, 1);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, lsock_msg_methods, 1);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, lsock_sendfile_methods, 1);
  lsock_call_wrapfields(L, -1, socket_waiting, 1);
  lua_pushcclosure(L, s_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

/* ------------------------------------------------------------- host API */

/* An integer socket option of a descriptor the host handed over. */
static int aux_getint(sys_fd fd, int option, int *value) {
  size_t len = sizeof *value;
  return lsock_sys_getsockopt(fd, SOL_SOCKET, option, value, &len);
}

LSOCK_API int lsock_pushfd(lua_State *L, int fd, int family, int type, int proto) {
  double timeout = lsock_sock_defaulttimeout(L);
  lsock_Socket *s;
  int err;
  /* a host may hand over a descriptor before any script required lsock:
     the socket's metatable must exist all the same */
  luaL_getmetatable(L, LSOCK_SOCKET_METATABLE);
  if (lua_isnil(L, -1)) {
    lua_pushcfunction(L, luaopen_lsock);
    lua_call(L, 0, 0);
  }
  lua_pop(L, 1);
#if defined(SO_DOMAIN)
  if (family < 0 && (err = aux_getint(fd, SO_DOMAIN, &family)) != 0) return lsock_result_fail(L, err), 0;
#endif
  if (type < 0 && (err = aux_getint(fd, SO_TYPE, &type)) != 0) return lsock_result_fail(L, err), 0;
#if defined(SO_PROTOCOL)
  if (proto < 0 && (err = aux_getint(fd, SO_PROTOCOL, &proto)) != 0) return lsock_result_fail(L, err), 0;
#endif
  if (family < 0 || proto < 0) {
    lua_pushnil(L);
    lua_pushliteral(L, "family and proto must be given on this system");
    lua_pushinteger(L, EINVAL);
    return 0;
  }
  s = lsock_sock_newclosed(L, family, type, proto);
  /* the host's descriptor may be in either mode, and inheritable */
  if ((err = lsock_sys_adopt(fd, timeout >= 0)) != 0) {
    lua_pop(L, 1);
    return lsock_result_fail(L, err), 0;
  }
  lsock_sock_open(s, fd, timeout);
  return 1;
}

LSOCK_API int lsock_tofd(lua_State *L, int idx) {
  lsock_Socket *s = lsock_sock_test(L, idx);
  return (s == NULL || s->closed) ? -1 : (int)s->fd;
}
