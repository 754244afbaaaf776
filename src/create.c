/*
** create.c — the module's constructors: socket, socketpair, fromfd, and
** Python's two conveniences, create_connection (try every address of a
** name in turn) and create_server (a bound, listening socket).
*/
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "private.h"
#include "sys.h"

static int aux_checktype(lua_State *L, int idx, int def) {
  lua_Integer t = luaL_optinteger(L, idx, def);
  if (t != SOCK_STREAM && t != SOCK_DGRAM && t != SOCK_RAW && t != SOCK_SEQPACKET)
    luaL_argerror(L, idx, "socket type must be SOCK_STREAM, SOCK_DGRAM, SOCK_RAW or SOCK_SEQPACKET");
  return (int)t;
}

static int c_socket(lua_State *L) {
  int family = addr_checkfamily(L, 1, AF_INET);
  int type = aux_checktype(L, 2, SOCK_STREAM);
  int proto = (int)luaL_optinteger(L, 3, 0);
  return sock_create(L, family, type, proto);
}

static int c_socketpair(lua_State *L) {
  int family = addr_checkfamily(L, 1, AF_UNIX);
  int type = aux_checktype(L, 2, SOCK_STREAM);
  int proto = (int)luaL_optinteger(L, 3, 0);
  double timeout = sock_getdefaulttimeout(L);
  lsock_Socket *a = sock_newclosed(L, family, type, proto);
  lsock_Socket *b = sock_newclosed(L, family, type, proto);
  int fds[2], err = sys_socketpair(family, type, proto, timeout >= 0, fds);
  if (err) return result_fail(L, err);
  sock_open(a, fds[0], timeout);
  sock_open(b, fds[1], timeout);
  return 2;
}

static int c_fromfd(lua_State *L) {
  lua_Integer fd = luaL_checkinteger(L, 1);
  int family = addr_checkfamily(L, 2, AF_INET);
  int type = aux_checktype(L, 3, SOCK_STREAM);
  int proto = (int)luaL_optinteger(L, 4, 0);
  double timeout = sock_getdefaulttimeout(L);
  lsock_Socket *s;
  int copy, err;
  luaL_argcheck(L, compat_isinteger(L, 1) && fd >= 0 && fd <= 0x7fffffff, 1, "invalid file descriptor");
  s = sock_newclosed(L, family, type, proto);
  if ((err = sys_dup((int)fd, &copy)) != 0) return result_fail(L, err);
  sock_open(s, copy, timeout);
  if ((err = sys_adopt(copy, timeout >= 0)) != 0) {
    sock_release(s);
    return result_fail(L, err);
  }
  return 1;
}

/* Pushes the port of 'port' as text, as getaddrinfo wants it. */
static const char *aux_service(lua_State *L, int idx, char *buf, size_t size) {
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Integer p = lua_tointeger(L, idx);
    if (p < 0 || p > 65535) return NULL;
    snprintf(buf, size, "%d", (int)p);
    return buf;
  }
  return lua_tostring(L, idx);
}

/* Reads {host, port} from the table at 'idx' onto the stack (host, port). */
static void aux_hostport(lua_State *L, int idx, const char *what) {
  if (lua_type(L, idx) != LUA_TTABLE) compat_typeerror(L, idx, what);
  lua_rawgeti(L, idx, 1);
  lua_rawgeti(L, idx, 2);
  if (!(lua_type(L, -2) == LUA_TSTRING || lua_isnil(L, -2)) ||
      !(lua_type(L, -1) == LUA_TNUMBER || lua_type(L, -1) == LUA_TSTRING))
    luaL_argerror(L, idx, "address must be a table {host, port}");
}

/* addr_check raises on a source address of the wrong shape; that must
   happen before getaddrinfo's list exists, or the error would leak it. */
static void aux_checksource(lua_State *L, int idx) {
  static const lua_Integer max[] = {65535, 0xfffff, 0xffffffff};
  int i;
  lua_rawgeti(L, idx, 1);
  luaL_argcheck(L, lua_type(L, -1) == LUA_TSTRING, idx, "source host must be a string");
  for (i = 0; i < 3; i++) {
    lua_rawgeti(L, idx, i + 2);
    luaL_argcheck(L, (i > 0 && lua_isnil(L, -1)) ||
                  (compat_isinteger(L, -1) && lua_tointeger(L, -1) >= 0 && lua_tointeger(L, -1) <= max[i]),
                  idx, i == 0 ? "source port must be 0-65535" : "source flowinfo or scope_id out of range");
  }
  lua_pop(L, 4);
}

/* create_connection(address [, timeout [, source_address]]) */
static int c_create_connection(lua_State *L) {
  char portbuf[16];
  const char *host, *service;
  double timeout;
  struct addrinfo hints, *res, *ai;
  int code, err = 0, top;
  lua_settop(L, 3);
  aux_hostport(L, 1, "table {host, port}");
  timeout = lua_isnoneornil(L, 2) ? sock_getdefaulttimeout(L) : sock_checktimeout(L, 2);
  if (!lua_isnoneornil(L, 3)) {
    aux_hostport(L, 3, "table {host, port}");
    aux_checksource(L, 3);
  }
  host = lua_tostring(L, lua_isnoneornil(L, 3) ? -2 : -4);
  service = aux_service(L, lua_isnoneornil(L, 3) ? -1 : -3, portbuf, sizeof portbuf);
  luaL_argcheck(L, service != NULL, 1, "port must be 0-65535");
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  code = getaddrinfo(host, service, &hints, &res);
  if (code != 0) return result_gaifail(L, code, errno);
  top = lua_gettop(L);
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    lsock_Socket *s;
    lsock_Addr a;
    int fd;
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    lua_settop(L, top);
    s = sock_newclosed(L, ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if ((err = sys_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol, timeout >= 0, &fd)) != 0)
      continue;
    sock_open(s, fd, timeout);
    if (!lua_isnoneornil(L, 3)) {
      int next;
      lua_pushvalue(L, 3);
      if (!addr_check(L, lua_gettop(L), s->family, SOCK_STREAM, &a, &next)) {
        freeaddrinfo(res);
        return 3; /* the source address does not resolve: that is final */
      }
      if (bind(fd, &a.u.sa, a.len) == -1) {
        err = errno;
        sock_release(s);
        continue;
      }
    }
    memcpy(&a.u, ai->ai_addr, ai->ai_addrlen);
    a.len = ai->ai_addrlen;
    err = sock_connect(s, &a);
    if (err == 0) {
      freeaddrinfo(res);
      lua_pushvalue(L, top + 1);
      return 1;
    }
    sock_release(s);
  }
  freeaddrinfo(res);
  if (err == 0) err = EADDRNOTAVAIL; /* no address of a family lsock speaks */
  return result_fail(L, err);
}

static int aux_setint(int fd, int level, int option, int value) {
  return setsockopt(fd, level, option, &value, sizeof value) == -1 ? errno : 0;
}

/* create_server(address [, {family=, backlog=, reuse_port=, dualstack_ipv6=}]) */
static int c_create_server(lua_State *L) {
  int family = AF_INET, reuse_port = 0, dualstack = 0, err, next;
  lua_Integer backlog = SOCK_DEFAULT_BACKLOG;
  lsock_Socket *s;
  lsock_Addr a;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    /* a bad option is an error in argument #2, the table */
    lua_getfield(L, 2, "family");
    if (!lua_isnil(L, -1)) {
      family = (int)lua_tointeger(L, -1);
      luaL_argcheck(L, compat_isinteger(L, -1) &&
                    (family == AF_INET || family == AF_INET6 || family == AF_UNIX), 2,
                    "family must be AF_INET, AF_INET6 or AF_UNIX");
    }
    lua_getfield(L, 2, "backlog");
    if (!lua_isnil(L, -1)) {
      luaL_argcheck(L, compat_isinteger(L, -1), 2, "backlog must be an integer");
      backlog = lua_tointeger(L, -1);
    }
    lua_getfield(L, 2, "reuse_port");
    reuse_port = lua_toboolean(L, -1);
    lua_getfield(L, 2, "dualstack_ipv6");
    dualstack = lua_toboolean(L, -1);
    lua_pop(L, 4);
  }
  if (dualstack && family != AF_INET6)
    luaL_argerror(L, 2, "dualstack_ipv6 requires family = AF_INET6");
#if !defined(SO_REUSEPORT)
  if (reuse_port) luaL_argerror(L, 2, "reuse_port is not supported on this platform");
#endif
  if (family == AF_UNIX) luaL_checkstring(L, 1);
  else luaL_checktype(L, 1, LUA_TTABLE);
  if (sock_create(L, family, SOCK_STREAM, 0) != 1) return 3;
  s = (lsock_Socket *)lua_touserdata(L, -1);
  err = family == AF_UNIX ? 0 : aux_setint(s->fd, SOL_SOCKET, SO_REUSEADDR, 1);
#if defined(SO_REUSEPORT)
  if (!err && reuse_port) err = aux_setint(s->fd, SOL_SOCKET, SO_REUSEPORT, 1);
#endif
#if defined(IPV6_V6ONLY)
  if (!err && family == AF_INET6) err = aux_setint(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, !dualstack);
#endif
  if (err) {
    sock_release(s);
    return result_fail(L, err);
  }
  if (!addr_check(L, 1, family, SOCK_STREAM, &a, &next)) {
    sock_release(s);
    return 3;
  }
  err = bind(s->fd, &a.u.sa, a.len) == -1 ? errno : sock_listen(s, backlog);
  if (err) {
    sock_release(s);
    return result_fail(L, err);
  }
  return 1;
}

static const luaL_Reg create_functions[] = {
  {"socket", c_socket},
  {"socketpair", c_socketpair},
  {"fromfd", c_fromfd},
  {"create_connection", c_create_connection},
  {"create_server", c_create_server},
  {NULL, NULL}
};

void create_open_functions(lua_State *L) {
  luaL_setfuncs(L, create_functions, 0);
}
