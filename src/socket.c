/*
** socket.c — the socket object: its life (created closed, then opened;
** closed by close, __gc or __close, or kept open for makefile files), its
** timeout mode, its options and names, and the calls that set up a
** connection (bind, listen, accept, connect). The data path is transfer.c.
**
** Prefixes: s_ methods, sock_ shared with other files, aux_ helpers.
*/
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <netinet/in.h>

#include "private.h"
#include "sys.h"

/* ---------------------------------------------------------------- life */

lsock_Socket *sock_newclosed(lua_State *L, int family, int type, int proto) {
  lsock_Socket *s = (lsock_Socket *)compat_newudata(L, sizeof *s);
  s->fd = -1;
  s->family = family;
  s->type = type;
  s->proto = proto;
  s->timeout = -1;
  s->closed = 1;
  s->files = 0;
  luaL_setmetatable(L, SOCK_METATABLE);
  return s;
}

int sock_open(lsock_Socket *s, int fd, double timeout) {
  s->fd = fd;
  s->closed = 0;
  s->timeout = timeout;
  return 0;
}

int sock_create(lua_State *L, int family, int type, int proto) {
  double timeout = sock_getdefaulttimeout(L);
  lsock_Socket *s = sock_newclosed(L, family, type, proto);
  int fd, err = sys_socket(family, type, proto, timeout >= 0, &fd);
  if (err) return result_fail(L, err);
  sock_open(s, fd, timeout);
  return 1;
}

static int aux_closefd(lsock_Socket *s) {
  int err = 0;
  if (s->fd >= 0) {
    err = sys_close(s->fd);
    s->fd = -1;
  }
  /* as Python: the peer having reset the connection is no failure of close */
  return err == ECONNRESET ? 0 : err;
}

int sock_release(lsock_Socket *s) {
  s->closed = 1;
  return s->files > 0 ? 0 : aux_closefd(s);
}

int sock_unref(lsock_Socket *s) {
  if (s->files > 0) s->files--;
  return (s->closed && s->files == 0) ? aux_closefd(s) : 0;
}

lsock_Socket *sock_test(lua_State *L, int idx) {
  return (lsock_Socket *)luaL_testudata(L, idx, SOCK_METATABLE);
}

lsock_Socket *sock_checkopen(lua_State *L, int idx) {
  lsock_Socket *s = (lsock_Socket *)luaL_checkudata(L, idx, SOCK_METATABLE);
  if (s->closed) luaL_error(L, "attempt to use a closed socket");
  return s;
}

static lsock_Socket *aux_check(lua_State *L) {
  return (lsock_Socket *)luaL_checkudata(L, 1, SOCK_METATABLE);
}

/* Argument 1 of a method. The methods hold the metatable as upvalue 1, so
   the type check is one comparison rather than luaL_checkudata's registry
   lookup by name, which showed in profiles of small calls. */
static lsock_Socket *aux_self(lua_State *L, int must_be_open) {
  lsock_Socket *s = (lsock_Socket *)lua_touserdata(L, 1);
  if (s == NULL || !lua_getmetatable(L, 1) || !lua_rawequal(L, -1, lua_upvalueindex(1)))
    compat_typeerror(L, 1, SOCK_METATABLE);
  lua_pop(L, 1);
  if (must_be_open && s->closed) luaL_error(L, "attempt to use a closed socket");
  return s;
}

lsock_Socket *sock_self(lua_State *L) {
  return aux_self(L, 1);
}

static int s_close(lua_State *L) {
  lsock_Socket *s = aux_self(L, 0);
  int err = s->closed ? 0 : sock_release(s);
  if (err) return result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

/* __gc and __close: a collected socket is closed, its errors unheard. */
static int s_gc(lua_State *L) {
  lsock_Socket *s = aux_check(L);
  if (!s->closed) sock_release(s);
  return 0;
}

static int s_detach(lua_State *L) {
  lsock_Socket *s = aux_self(L, 0);
  int fd = -1;
  /* once closed, the descriptor (if makefile files still hold it) is
     theirs to close: forgetting it here would leak it */
  if (!s->closed) {
    fd = s->fd;
    s->closed = 1;
    s->fd = -1; /* the caller owns it now: nothing here may close it */
  }
  lua_pushinteger(L, fd);
  return 1;
}

static int s_fileno(lua_State *L) {
  lsock_Socket *s = aux_self(L, 0);
  lua_pushinteger(L, s->closed ? -1 : s->fd);
  return 1;
}

static int s_dup(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  lsock_Socket *c = sock_newclosed(L, s->family, s->type, s->proto);
  int fd, err = sys_dup(s->fd, &fd);
  if (err) return result_fail(L, err);
  /* O_NONBLOCK belongs to the open file, which the copy shares */
  sock_open(c, fd, s->timeout);
  return 1;
}

/* ------------------------------------------------------------- timeouts */

double sock_checktimeout(lua_State *L, int idx) {
  lua_Number t;
  if (lua_isnoneornil(L, idx)) return -1;
  t = luaL_checknumber(L, idx);
  luaL_argcheck(L, !isnan(t), idx, "timeout must be a number, not NaN");
  luaL_argcheck(L, t >= 0, idx, "timeout must be non-negative");
  luaL_argcheck(L, isfinite(t), idx, "timeout out of range");
  return (double)t;
}

int sock_settimeout(lsock_Socket *s, double timeout) {
  int err = 0;
  /* only a change between blocking and the other two touches the descriptor */
  if ((s->timeout < 0) != (timeout < 0)) err = sys_setnonblocking(s->fd, timeout >= 0);
  if (err == 0) s->timeout = timeout;
  return err;
}

double sock_deadline(const lsock_Socket *s, int flags) {
  if (s->timeout <= 0 || (flags & MSG_DONTWAIT)) return WAIT_NEVER;
  return wait_deadline(s->timeout);
}

int sock_call(lsock_Socket *s, int events, double deadline, sock_IoFn io, void *ctx) {
  for (;;) {
    int err = io(s, ctx);
    if (err == 0) return 0;
    if (err == EINTR) continue;
    if ((err == EAGAIN || err == EWOULDBLOCK) && deadline != WAIT_NEVER) {
      err = wait_fd(s->fd, events, deadline);
      if (err) return err;
      continue;
    }
    return err;
  }
}

static int aux_pushtimeout(lua_State *L, double t) {
  if (t < 0) lua_pushnil(L);
  else lua_pushnumber(L, (lua_Number)t);
  return 1;
}

static int aux_settimeout(lua_State *L, lsock_Socket *s, double t) {
  int err = sock_settimeout(s, t);
  if (err) return result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

static int s_settimeout(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  return aux_settimeout(L, s, sock_checktimeout(L, 2));
}

static int s_gettimeout(lua_State *L) {
  return aux_pushtimeout(L, aux_self(L, 0)->timeout);
}

static int s_setblocking(lua_State *L) {
  lsock_Socket *s = sock_self(L);
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
  lsock_Socket *s = sock_self(L);
  int level = (int)luaL_checkinteger(L, 2);
  int option = (int)luaL_checkinteger(L, 3);
  int ivalue;
  const void *value = &ivalue;
  size_t len = sizeof ivalue;
  switch (lua_type(L, 4)) {
    case LUA_TBOOLEAN: ivalue = lua_toboolean(L, 4); break;
    case LUA_TNUMBER: {
      lua_Integer v;
      if (!compat_isinteger(L, 4)) return compat_typeerror(L, 4, "integer");
      v = lua_tointeger(L, 4);
      luaL_argcheck(L, v >= -2147483647 - 1 && v <= 2147483647, 4, "value out of range for a C int");
      ivalue = (int)v;
      break;
    }
    case LUA_TSTRING: value = lua_tolstring(L, 4, &len); break;
    default: return compat_typeerror(L, 4, "integer, boolean or string");
  }
  if (setsockopt(s->fd, level, option, value, (socklen_t)len) == -1) return result_fail(L, errno);
  lua_pushboolean(L, 1);
  return 1;
}

static int s_getsockopt(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  int level = (int)luaL_checkinteger(L, 2);
  int option = (int)luaL_checkinteger(L, 3);
  if (lua_isnoneornil(L, 4)) {
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(s->fd, level, option, &v, &len) == -1) return result_fail(L, errno);
    lua_pushinteger(L, v);
  } else {
    char buf[1024];
    lua_Integer want = luaL_checkinteger(L, 4);
    socklen_t len;
    luaL_argcheck(L, want > 0 && want <= (lua_Integer)sizeof buf, 4, "buflen must be 1-1024");
    len = (socklen_t)want;
    if (getsockopt(s->fd, level, option, buf, &len) == -1) return result_fail(L, errno);
    lua_pushlstring(L, buf, len);
  }
  return 1;
}

/* ------------------------------------------------------- names and setup */

/* getsockname or getpeername into 'a': 0 or an errno. */
static int aux_getname(int fd, int peer, lsock_Addr *a) {
  int r;
  a->len = sizeof a->u;
  memset(&a->u, 0, sizeof a->u);
  r = peer ? getpeername(fd, &a->u.sa, &a->len) : getsockname(fd, &a->u.sa, &a->len);
  return r == -1 ? errno : 0;
}

static int aux_pushname(lua_State *L, int fd, int peer) {
  lsock_Addr a;
  int err = aux_getname(fd, peer, &a);
  if (err) return result_fail(L, err);
  return addr_push(L, &a.u.sa, a.len);
}

static int s_getsockname(lua_State *L) {
  return aux_pushname(L, sock_self(L)->fd, 0);
}

static int s_getpeername(lua_State *L) {
  return aux_pushname(L, sock_self(L)->fd, 1);
}

static int s_bind(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  lsock_Addr a;
  int next;
  if (!addr_check(L, 2, s->family, s->type, &a, &next)) return 3;
  if (bind(s->fd, &a.u.sa, a.len) == -1) return result_fail(L, errno);
  lua_pushboolean(L, 1);
  return 1;
}

int sock_listen(lsock_Socket *s, lua_Integer backlog) {
  /* as Python: a negative backlog counts as 0 */
  if (backlog < 0) backlog = 0;
  if (backlog > 65535) backlog = 65535;
  return listen(s->fd, (int)backlog) == -1 ? errno : 0;
}

static int s_listen(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  int err = sock_listen(s, luaL_optinteger(L, 2, SOCK_DEFAULT_BACKLOG));
  if (err) return result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

typedef struct {
  lsock_Addr peer;
  int nonblocking;
  int conn;
} aux_AcceptCtx;

static int io_accept(lsock_Socket *s, void *ctx) {
  aux_AcceptCtx *c = (aux_AcceptCtx *)ctx;
  c->peer.len = sizeof c->peer.u;
  return sys_accept(s->fd, &c->peer.u.sa, &c->peer.len, c->nonblocking, &c->conn);
}

static int s_accept(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  double timeout = sock_getdefaulttimeout(L);
  lsock_Socket *conn = sock_newclosed(L, s->family, s->type, s->proto);
  aux_AcceptCtx c;
  int err;
  c.nonblocking = timeout >= 0;
  err = sock_call(s, POLLIN, sock_deadline(s, 0), io_accept, &c);
  if (err) return result_fail(L, err);
  sock_open(conn, c.conn, timeout);
  return 1 + addr_push(L, &c.peer.u.sa, c.peer.len);
}

/* connect as Python does it: in timeout mode (or after a signal in
   blocking mode, when connect cannot be called again) wait until the
   socket is writable, then read the outcome from SO_ERROR. */
static int aux_connect(lsock_Socket *s, const lsock_Addr *a) {
  double deadline = s->timeout > 0 ? wait_deadline(s->timeout) : INFINITY;
  int err;
  socklen_t len = sizeof err;
  if (connect(s->fd, &a->u.sa, a->len) == 0) return 0;
  err = errno;
  if (!(err == EINTR || (err == EINPROGRESS && s->timeout > 0))) return err;
  if (err == EINTR && s->timeout == 0) return EINPROGRESS;
  err = wait_fd(s->fd, POLLOUT, deadline);
  if (err) return err;
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) return errno;
  return err;
}

static int s_connect(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  lsock_Addr a;
  int next, err;
  if (!addr_check(L, 2, s->family, s->type, &a, &next)) return 3;
  err = aux_connect(s, &a);
  if (err) return result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

static int s_connect_ex(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  lsock_Addr a;
  int next, err;
  if (!addr_check(L, 2, s->family, s->type, &a, &next)) return 3;
  err = aux_connect(s, &a);
  lua_pushinteger(L, err == LSOCK_TIMEOUT ? ETIMEDOUT : err);
  return 1;
}

int sock_connect(lsock_Socket *s, const lsock_Addr *a) {
  return aux_connect(s, a);
}

static int s_shutdown(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  lua_Integer how = luaL_checkinteger(L, 2);
  luaL_argcheck(L, how == SHUT_RD || how == SHUT_WR || how == SHUT_RDWR, 2,
                "must be SHUT_RD, SHUT_WR or SHUT_RDWR");
  if (shutdown(s->fd, (int)how) == -1) return result_fail(L, errno);
  lua_pushboolean(L, 1);
  return 1;
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
static void aux_addaddr(luaL_Buffer *b, int fd, int peer) {
  lsock_Addr a;
  if (aux_getname(fd, peer, &a) != 0 || (a.u.sa.sa_family == AF_UNIX && a.len <= offsetof(struct sockaddr_un, sun_path)))
    return;
  luaL_addstring(b, peer ? ", raddr=" : ", laddr=");
  addr_addtext(b, &a.u.sa, a.len);
}

static int s_tostring(lua_State *L) {
  lsock_Socket *s = aux_check(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "<lsock.socket ");
  if (s->closed) luaL_addstring(&b, "[closed] ");
  lua_pushfstring(L, "fd=%d, family=", s->closed ? -1 : s->fd);
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
    else lua_pushnil(L);
  }
  return 1;
}

static const luaL_Reg socket_methods[] = {
  {"close", s_close},
  {"detach", s_detach},
  {"fileno", s_fileno},
  {"makefile", file_makefile},
  {"dup", s_dup},
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

void sock_open_methods(lua_State *L) {
  compat_newmetatable(L, SOCK_METATABLE);
  luaL_setfuncs(L, socket_metamethods, 0);
  lua_newtable(L);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, socket_methods, 1); /* the metatable is each method's upvalue */
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, transfer_methods, 1);
  lua_pushcclosure(L, s_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

/* ------------------------------------------------------------- host API */

LSOCK_API int lsock_pushfd(lua_State *L, int fd, int family, int type, int proto) {
  socklen_t len = sizeof(int);
  double timeout = sock_getdefaulttimeout(L);
  lsock_Socket *s;
  int err;
  /* a host may hand over a descriptor before any script required lsock:
     the socket's metatable must exist all the same */
  luaL_getmetatable(L, SOCK_METATABLE);
  if (lua_isnil(L, -1)) {
    lua_pushcfunction(L, luaopen_lsock);
    lua_call(L, 0, 0);
  }
  lua_pop(L, 1);
#if defined(SO_DOMAIN)
  if (family < 0 && getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len) == -1) return result_fail(L, errno), 0;
  len = sizeof(int);
#endif
  if (type < 0 && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1) return result_fail(L, errno), 0;
  len = sizeof(int);
#if defined(SO_PROTOCOL)
  if (proto < 0 && getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == -1) return result_fail(L, errno), 0;
#endif
  if (family < 0 || proto < 0) {
    lua_pushnil(L);
    lua_pushliteral(L, "family and proto must be given on this system");
    lua_pushinteger(L, EINVAL);
    return 0;
  }
  s = sock_newclosed(L, family, type, proto);
  /* the host's descriptor may be in either mode, and inheritable */
  if ((err = sys_adopt(fd, timeout >= 0)) != 0) {
    lua_pop(L, 1);
    return result_fail(L, err), 0;
  }
  sock_open(s, fd, timeout);
  return 1;
}

LSOCK_API int lsock_tofd(lua_State *L, int idx) {
  lsock_Socket *s = sock_test(L, idx);
  return (s == NULL || s->closed) ? -1 : s->fd;
}
