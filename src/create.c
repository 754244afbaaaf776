/*
** create.c — the module's constructors: socket, socketpair, fromfd, and
** Python's two conveniences, create_connection (try every address of a
** name in turn) and create_server (a bound, listening socket).
*/
#include <stdio.h>
#include <string.h>

#include "private.h"

static int aux_checktype(lua_State *L, int idx, int def) {
  lua_Integer t = luaL_optinteger(L, idx, def);
  if (t != SOCK_STREAM && t != SOCK_DGRAM && t != SOCK_RAW && t != SOCK_SEQPACKET)
    luaL_argerror(L, idx, "socket type must be SOCK_STREAM, SOCK_DGRAM, SOCK_RAW or SOCK_SEQPACKET");
  return (int)t;
}

static int c_socket(lua_State *L) {
  int family = lsock_addr_checkfamily(L, 1, AF_INET);
  int type = aux_checktype(L, 2, SOCK_STREAM);
  int proto = lsock_opt_int(L, 3, 0);
  return lsock_sock_create(L, family, type, proto);
}

static int c_socketpair(lua_State *L) {
  int family = lsock_addr_checkfamily(L, 1, SYS_PAIRFAMILY);
  int type = aux_checktype(L, 2, SOCK_STREAM);
  int proto = lsock_opt_int(L, 3, 0);
  double timeout = lsock_sock_defaulttimeout(L);
  lsock_Socket *a = lsock_sock_newclosed(L, family, type, proto);
  lsock_Socket *b = lsock_sock_newclosed(L, family, type, proto);
  sys_fd fds[2];
  int err = lsock_sys_socketpair(family, type, proto, timeout >= 0, fds);
  if (err) return lsock_result_fail(L, err);
  lsock_sock_open(a, fds[0], timeout);
  lsock_sock_open(b, fds[1], timeout);
  return 2;
}

static int c_fromfd(lua_State *L) {
  lua_Integer fd = luaL_checkinteger(L, 1);
  int family = lsock_addr_checkfamily(L, 2, AF_INET);
  int type = aux_checktype(L, 3, SOCK_STREAM);
  int proto = lsock_opt_int(L, 4, 0);
  double timeout = lsock_sock_defaulttimeout(L);
  lsock_Socket *s;
  sys_fd copy;
  int err;
  luaL_argcheck(L, compat_isinteger(L, 1) && lsock_sys_validfd((double)fd), 1,
                "invalid file descriptor");
  s = lsock_sock_newclosed(L, family, type, proto);
  if ((err = lsock_sys_dup((sys_fd)fd, &copy)) != 0) return lsock_result_fail(L, err);
  lsock_sock_open(s, copy, timeout);
  if ((err = lsock_sys_adopt(copy, timeout >= 0)) != 0) {
    lsock_sock_release(L, s);
    return lsock_result_fail(L, err);
  }
  return 1;
}

/* Pushes the port of 'port' as text, as getaddrinfo wants it. */
static const char *aux_service(lua_State *L, int idx, char *buf, size_t size) {
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Integer p = lua_tointeger(L, idx);
    if (!compat_isinteger(L, idx) || p < 0 || p > 65535) return NULL;
    snprintf(buf, size, "%d", (int)p);
    return buf;
  }
  return lsock_check_text(L, idx, 1, "port");
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

/* Appends {message, errno, address} of a failed attempt to the list at
   'list' (all_errors). */
static void aux_noteerror(lua_State *L, int list, int err, const lsock_Addr *a) {
  lua_createtable(L, 3, 0);
  lsock_result_fail(L, err);
  lua_rawseti(L, -4, 2);
  lua_rawseti(L, -3, 1);
  lua_pop(L, 1);
  if (a != NULL) {
    lsock_addr_pushtable(L, a);
    lua_rawseti(L, -2, 3);
  }
  lua_rawseti(L, list, (int)lua_rawlen(L, list) + 1);
}

/* In a task the connect of one candidate may be suspended. What the call
   must keep across that lives in argument slots, which survive it: the
   socket being connected at CONNECTING, the all_errors list at ERRORS;
   c->progress is the candidate's place in the list, from which the call
   goes on when it resumes. */
#define CONNECTING 5
#define ERRORS 6

/* create_connection(address [, timeout [, source_address [, {all_errors =}]]]):
   as Python, every candidate is tried in turn, and one that fails (a
   source address of the other family included) only makes the next one
   be tried. With all_errors the failure's fourth value lists them all. */
static int c_create_connection_body(lua_State *L, lsock_Call *c) {
  char portbuf[16];
  const char *host, *service;
  double timeout;
  struct addrinfo hints, *res, *ai;
  int err = 0, top, hassource, errors, index = 0, code;
  if (!c->resumed) {
    lua_pushnil(L);
    lua_replace(L, CONNECTING);
    lua_pushnil(L);
    if (!lua_isnil(L, 4)) {
      luaL_checktype(L, 4, LUA_TTABLE);
      lua_getfield(L, 4, "all_errors");
      if (lua_toboolean(L, -1)) lua_newtable(L);
      else lua_pushnil(L);
      lua_replace(L, -3);
      lua_pop(L, 1);
    }
    lua_replace(L, ERRORS);
  }
  errors = lua_isnil(L, ERRORS) ? 0 : ERRORS;
  hassource = !lua_isnil(L, 3);
  aux_hostport(L, 1, "table {host, port}");
  timeout = lua_isnil(L, 2) ? lsock_sock_defaulttimeout(L) : lsock_check_timeout(L, 2);
  if (hassource) {
    aux_hostport(L, 3, "table {host, port}");
    aux_checksource(L, 3);
  }
  host = lsock_check_text(L, hassource ? -4 : -2, 1, "host");
  service = aux_service(L, hassource ? -3 : -1, portbuf, sizeof portbuf);
  luaL_argcheck(L, service != NULL, 1, "port must be 0-65535");
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if ((code = lsock_addr_getinfo(L, c, host, service, &hints, &res)) != 0)
    return code == LSOCK_WOULDWAIT ? LSOCK_YIELD : 3;
  top = lua_gettop(L); /* the list's holder */
  for (ai = res; ai != NULL; ai = ai->ai_next, index++) {
    lsock_Socket *s;
    lsock_Addr a, dst;
    sys_fd fd;
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    lua_settop(L, top);
    memcpy(&dst.u, ai->ai_addr, ai->ai_addrlen);
    dst.len = (socklen_t)ai->ai_addrlen;
    if (c->step > 0) {
      /* resumed: skip to the candidate whose connect was under way */
      if (index < (int)c->progress) continue;
      s = lsock_sock_test(L, CONNECTING);
      if (s == NULL || s->closed) return luaL_error(L, "attempt to use a closed socket");
      lua_pushvalue(L, CONNECTING);
      err = lsock_sock_connect(L, s, NULL, c);
    } else {
      s = lsock_sock_newclosed(L, ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if ((err = lsock_sys_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol, timeout >= 0,
                                  &fd)) == 0) {
        lsock_sock_open(s, fd, timeout);
        if (hassource) {
          int next;
          lua_pushvalue(L, 3);
          /* a source that does not resolve for this family: the next one may */
          if (lsock_addr_check(L, NULL, lua_gettop(L), s->family, SOCK_STREAM, &a, &next) <= 0)
            err = EADDRNOTAVAIL;
          else err = lsock_sys_bind(fd, &a);
          lua_settop(L, top + 1);
        }
        if (err == 0) err = lsock_sock_connect(L, s, &dst, c);
      } else s = NULL;
    }
    if (err == LSOCK_WOULDWAIT) {
      lua_replace(L, CONNECTING);
      c->progress = index;
      return LSOCK_YIELD; /* the list's holder frees it when collected */
    }
    c->step = 0;
    if (err == 0) {
      lua_settop(L, top + 1);
      lsock_addr_freeinfo(L, top);
      return 1;
    }
    if (s != NULL) lsock_sock_release(L, s);
    if (errors) {
      lua_settop(L, top);
      aux_noteerror(L, errors, err, &dst);
    }
  }
  lsock_addr_freeinfo(L, top);
  if (err == 0) err = EADDRNOTAVAIL; /* no address of a family lsock speaks */
  lsock_result_fail(L, err);
  if (!errors) return 3;
  lua_pushvalue(L, errors);
  return 4;
}

static int c_create_connection(lua_State *L) {
  return lsock_call_run(L, ERRORS, c_create_connection_body);
}

static int aux_setint(sys_fd fd, int level, int option, int value) {
  return lsock_sys_setsockopt(fd, level, option, &value, sizeof value);
}

/* create_server(address [, {family=, backlog=, reuse_port=, dualstack_ipv6=}]) */
static int c_create_server(lua_State *L) {
  int family = AF_INET, reuse_port = 0, dualstack = 0, err, next;
  lua_Integer backlog = LSOCK_DEFAULT_BACKLOG;
  lsock_Socket *s;
  lsock_Addr a;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    /* a bad option is an error in argument #2, the table */
    lua_getfield(L, 2, "family");
    if (!lua_isnil(L, -1)) {
      family = lsock_check_intat(L, -1, 2, "family");
      luaL_argcheck(L, family == AF_INET || family == AF_INET6 || family == AF_UNIX, 2,
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
  if (lsock_sock_create(L, family, SOCK_STREAM, 0) != 1) return 3;
  s = (lsock_Socket *)lua_touserdata(L, -1);
  err = family == AF_UNIX || !lsock_sys_serverreuse ? 0
                                                    : aux_setint(s->fd, SOL_SOCKET, SO_REUSEADDR, 1);
#if defined(SO_REUSEPORT)
  if (!err && reuse_port) err = aux_setint(s->fd, SOL_SOCKET, SO_REUSEPORT, 1);
#endif
#if defined(IPV6_V6ONLY)
  if (!err && family == AF_INET6) err = aux_setint(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, !dualstack);
#endif
  if (err) {
    lsock_sock_release(L, s);
    return lsock_result_fail(L, err);
  }
  if (lsock_addr_check(L, NULL, 1, family, SOCK_STREAM, &a, &next) <= 0) {
    lsock_sock_release(L, s);
    return 3;
  }
  err = lsock_sys_bind(s->fd, &a);
  if (err == 0) err = lsock_sock_listen(s, backlog);
  if (err) {
    lsock_sock_release(L, s);
    return lsock_result_fail(L, err);
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

void lsock_create_open_functions(lua_State *L) {
  luaL_setfuncs(L, create_functions, 0);
}
