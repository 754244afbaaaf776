/*
** addr.c — addresses and names: reading an address from Lua values
** (multiple values or one table), pushing one back as multiple values or a
** table, and the module's name functions (getaddrinfo, getnameinfo,
** gethostbyname, inet_pton/inet_ntop, htons and friends).
**
** Text that is not a valid address is data, not a programming error: it
** gives nil, message, code. A value of the wrong type or shape raises, and
** so does text the system would cut at a NUL byte.
**
** A getaddrinfo list is held by a userdata whose __gc frees it, since
** building Lua values from it can raise.
*/
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "private.h"

#define ADDRINFO_METATABLE "lsock.addrinfo"

/* ------------------------------------------------------ getaddrinfo lists */

static int aux_freeinfo(lua_State *L) {
  struct addrinfo **held = (struct addrinfo **)lua_touserdata(L, 1);
  if (*held != NULL) {
    lsock_sys_freeaddrinfo(*held);
    *held = NULL;
  }
  return 0;
}

/* ------------------------------------------------ resolving off the loop */

/* Where a call's waits are handed off (a task), a name is resolved on a
   thread of its own while the task waits for the job's descriptor. The
   job is kept per coroutine in a weak table, with its query: the call,
   run again once the job is done, finds it there and takes the list. A
   job whose coroutine is gone is let go by its holder's __gc. */
#define RESOLVING_KEY "lsock.resolving"
#define JOB_METATABLE "lsock.resolvejob"

static int aux_releasejob(lua_State *L) {
  lsock_Resolve **job = (lsock_Resolve **)lua_touserdata(L, 1);
  if (*job != NULL) lsock_sys_resolve_release(*job);
  *job = NULL;
  return 0;
}

/* Pushes the query as one string: two queries are the same job only when
   every part is equal. */
static void aux_pushquery(lua_State *L, const char *host, const char *service,
                          const struct addrinfo *h) {
  lua_pushfstring(L, "%s\n%s\n%d %d %d %d", host ? host : "", service ? service : "",
                  h->ai_family, h->ai_socktype, h->ai_protocol, h->ai_flags);
}

/* No job could start: resolve in place. Never an EAI code. */
#define RESOLVE_HERE (-0x7ffffff1)

/* 0 with the list in *held, an EAI code, LSOCK_WOULDWAIT (the call waits
   for the job), or RESOLVE_HERE. */
static int aux_offthread(lua_State *L, lsock_Call *c, const char *host, const char *service,
                         const struct addrinfo *hints, struct addrinfo **held, int *syserr) {
  lsock_Resolve **job;
  int code, top = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, RESOLVING_KEY);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, RESOLVING_KEY);
  }
  lua_pushthread(L);
  lua_rawget(L, -2);                  /* {query, holder} or nil */
  aux_pushquery(L, host, service, hints);
  if (lua_istable(L, -2)) {
    lua_rawgeti(L, -2, 1);
    if (lua_rawequal(L, -1, -2)) {
      lua_rawgeti(L, -3, 2);
      job = (lsock_Resolve **)lua_touserdata(L, -1);
      if (*job != NULL && lsock_sys_resolve_take(*job, held, &code, syserr)) {
        lua_pushthread(L);            /* done: the entry goes */
        lua_pushnil(L);
        lua_rawset(L, top + 1);
        lua_settop(L, top);
        return code;
      }
      if (*job != NULL) {
        sys_fd fd = lsock_sys_resolve_fd(*job);
        lua_settop(L, top);
        return lsock_call_wait(L, c, NULL, fd, POLLIN, HUGE_VAL);
      }
    }
    lua_settop(L, top + 3);
  }
  /* a new job, held before it starts */
  lua_createtable(L, 2, 0);
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, 1);
  job = (lsock_Resolve **)lua_newuserdata(L, sizeof *job);
  *job = NULL;
  luaL_setmetatable(L, JOB_METATABLE);
  lua_rawseti(L, -2, 2);
  if (lsock_sys_resolve_start(host, service, hints, job) != 0) {
    lua_settop(L, top);
    return RESOLVE_HERE;
  }
  lua_pushthread(L);
  lua_pushvalue(L, -2);
  lua_rawset(L, top + 1);
  {
    sys_fd fd = lsock_sys_resolve_fd(*job);
    lua_settop(L, top);
    return lsock_call_wait(L, c, NULL, fd, POLLIN, HUGE_VAL);
  }
}

/* Whether 'host' needs a resolver: a literal address does not. */
static int aux_isname(const char *host, const struct addrinfo *hints) {
  unsigned char bin[16];
  if (host == NULL || (hints->ai_flags & AI_NUMERICHOST)) return 0;
  return !lsock_sys_inet_pton(AF_INET, host, bin) && !lsock_sys_inet_pton(AF_INET6, host, bin);
}

int lsock_addr_getinfo(lua_State *L, lsock_Call *c, const char *host, const char *service,
                       const struct addrinfo *hints, struct addrinfo **res) {
  struct addrinfo **held = (struct addrinfo **)lua_newuserdata(L, sizeof *held);
  int code = RESOLVE_HERE, syserr = 0;
  *held = NULL;
  luaL_setmetatable(L, ADDRINFO_METATABLE);
  if (c != NULL && aux_isname(host, hints) && lsock_call_canhandoff(L)) {
    code = aux_offthread(L, c, host, service, hints, held, &syserr);
    if (code == LSOCK_WOULDWAIT) {
      lua_pop(L, 1);
      return code;
    }
  }
  if (code == RESOLVE_HERE) code = lsock_sys_getaddrinfo(host, service, hints, held, &syserr);
  if (code != 0) {
    lua_pop(L, 1);
    lsock_result_gaifail(L, code, syserr);
    return code;
  }
  *res = *held;
  return 0;
}

void lsock_addr_freeinfo(lua_State *L, int idx) {
  struct addrinfo **held = (struct addrinfo **)lua_touserdata(L, idx);
  if (*held != NULL) {
    lsock_sys_freeaddrinfo(*held);
    *held = NULL;
  }
  lua_remove(L, idx);
}

int lsock_addr_checkfamily(lua_State *L, int idx, int def) {
  lua_Integer f = luaL_optinteger(L, idx, def);
  if (f != AF_INET && f != AF_INET6 && f != AF_UNIX)
    luaL_argerror(L, idx, "address family must be AF_INET, AF_INET6 or AF_UNIX");
  return (int)f;
}

/* ------------------------------------------------------ reading addresses */

static int aux_checkport(lua_State *L, int idx, int argn) {
  lua_Integer port;
  if (!compat_isinteger(L, idx)) compat_typeerror(L, argn, "integer port");
  port = lua_tointeger(L, idx);
  if (port < 0 || port > 65535) luaL_argerror(L, argn, "port must be 0-65535");
  return (int)port;
}

/* Resolves 'host' for 'family': literals without a lookup, "" and "*" as
   the any-address, "<broadcast>" for IPv4 as Python does. */
static int aux_resolve(lua_State *L, lsock_Call *c, const char *host, int family, int type,
                       lsock_Addr *a) {
  int code;
  struct addrinfo hints, *res;
  if (host[0] == '\0' || strcmp(host, "*") == 0) {
    if (family == AF_INET) a->u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
    else a->u.in6.sin6_addr = in6addr_any;
    return 1;
  }
  if (family == AF_INET && strcmp(host, "<broadcast>") == 0) {
    a->u.in4.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    return 1;
  }
  if (family == AF_INET && lsock_sys_inet_pton(AF_INET, host, &a->u.in4.sin_addr)) return 1;
  if (family == AF_INET6 && lsock_sys_inet_pton(AF_INET6, host, &a->u.in6.sin6_addr)) return 1;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = type;
  if ((code = lsock_addr_getinfo(L, c, host, NULL, &hints, &res)) != 0)
    return code == LSOCK_WOULDWAIT ? -1 : 0;
  if (family == AF_INET) a->u.in4.sin_addr = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
  else {
    const struct sockaddr_in6 *r6 = (const struct sockaddr_in6 *)(void *)res->ai_addr;
    a->u.in6.sin6_addr = r6->sin6_addr;
    if (a->u.in6.sin6_scope_id == 0) a->u.in6.sin6_scope_id = r6->sin6_scope_id;
  }
  lsock_addr_freeinfo(L, -1);
  return 1;
}

static int aux_unixaddr(lua_State *L, int idx, lsock_Addr *a) {
  size_t len;
  const char *path;
  if (lua_type(L, idx) != LUA_TSTRING) return compat_typeerror(L, idx, "string path");
  path = lua_tolstring(L, idx, &len);
  /* an abstract name (leading NUL) is bytes; a path is text for the system */
  if (len > 0 && path[0] != '\0') lsock_check_text(L, idx, idx, "path");
  if (len > sizeof a->u.un.sun_path) {
    lua_pushnil(L);
    lua_pushliteral(L, "AF_UNIX path too long");
    lua_pushinteger(L, ENAMETOOLONG);
    return 0;
  }
  a->u.un.sun_family = AF_UNIX;
  memcpy(a->u.un.sun_path, path, len);
  /* an abstract name (leading NUL) is exactly its bytes; a path is
     terminated when there is room */
  a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
  if (len > 0 && path[0] != '\0' && len < sizeof a->u.un.sun_path) {
    a->u.un.sun_path[len] = '\0';
    a->len++;
  }
  return 1;
}

int lsock_addr_check(lua_State *L, lsock_Call *c, int idx, int family, int type, lsock_Addr *a,
                     int *next) {
  int tidx = 0, hostidx, argn = idx, ok;
  lua_Integer flowinfo = 0, scope = 0;
  memset(a, 0, sizeof *a);
  if (family == AF_UNIX) {
    *next = idx + 1;
    return aux_unixaddr(L, idx, a);
  }
  if (lua_type(L, idx) == LUA_TTABLE) {
    /* one table {host, port [, flowinfo, scope_id]} */
    tidx = compat_absindex(L, idx);
    lua_rawgeti(L, tidx, 1);
    lua_rawgeti(L, tidx, 2);
    lua_rawgeti(L, tidx, 3);
    lua_rawgeti(L, tidx, 4);
    hostidx = lua_gettop(L) - 3;
    *next = idx + 1;
  } else {
    hostidx = idx;
    *next = idx + (family == AF_INET6 ? 4 : 2);
  }
  if (lua_type(L, hostidx) != LUA_TSTRING)
    compat_typeerror(L, argn, tidx ? "host string in address table" : "string host");
  lsock_check_text(L, hostidx, argn, "host");
  if (tidx && lua_isnil(L, hostidx + 1))
    luaL_argerror(L, argn, "address table needs {host, port}");
  a->len = 0;
  if (family == AF_INET6) {
    if (!lua_isnoneornil(L, hostidx + 2)) {
      flowinfo = luaL_checkinteger(L, hostidx + 2);
      luaL_argcheck(L, flowinfo >= 0 && flowinfo <= 0xfffff, tidx ? argn : hostidx + 2,
                    "flowinfo must be 0-1048575");
    }
    if (!lua_isnoneornil(L, hostidx + 3)) {
      scope = luaL_checkinteger(L, hostidx + 3);
      luaL_argcheck(L, scope >= 0 && scope <= (lua_Integer)UINT32_MAX, tidx ? argn : hostidx + 3,
                    "scope_id out of range");
    }
    a->u.in6.sin6_family = AF_INET6;
    a->u.in6.sin6_port = htons((uint16_t)aux_checkport(L, hostidx + 1, tidx ? argn : hostidx + 1));
    a->u.in6.sin6_flowinfo = htonl((uint32_t)flowinfo);
    a->u.in6.sin6_scope_id = (uint32_t)scope;
    a->len = sizeof a->u.in6;
  } else {
    a->u.in4.sin_family = AF_INET;
    a->u.in4.sin_port = htons((uint16_t)aux_checkport(L, hostidx + 1, tidx ? argn : hostidx + 1));
    a->len = sizeof a->u.in4;
  }
  ok = aux_resolve(L, c, lua_tostring(L, hostidx), family, type, a);
  if (tidx) {
    int i; /* drop the table's four fields, keeping any failure values */
    for (i = 0; i < 4; i++) lua_remove(L, hostidx);
  }
  return ok;
}

/* ------------------------------------------------------ pushing addresses */

static void aux_pushhost(lua_State *L, const struct sockaddr *sa) {
  char text[INET6_ADDRSTRLEN];
  if (sa->sa_family == AF_INET) {
    /* by hand: glibc's inet_ntop formats through vfprintf, which showed in
       profiles of recvfrom */
    const unsigned char *b = (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    char *p = text;
    int i;
    for (i = 0; i < 4; i++) {
      unsigned v = b[i];
      if (i) *p++ = '.';
      if (v >= 100) *p++ = (char)('0' + v / 100);
      if (v >= 10) *p++ = (char)('0' + v / 10 % 10);
      *p++ = (char)('0' + v % 10);
    }
    lua_pushlstring(L, text, (size_t)(p - text));
    return;
  }
  const void *bin = sa->sa_family == AF_INET
    ? (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr
    : (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
  if (lsock_sys_inet_ntop(sa->sa_family, bin, text, sizeof text) != 0) text[0] = '\0';
  lua_pushstring(L, text);
}

static void aux_pushpath(lua_State *L, const struct sockaddr_un *un, socklen_t len) {
  size_t n, off = offsetof(struct sockaddr_un, sun_path);
  if ((size_t)len <= off) {
    lua_pushliteral(L, ""); /* unnamed */
    return;
  }
  n = (size_t)len - off;
  if (n > sizeof un->sun_path) n = sizeof un->sun_path;
  if (un->sun_path[0] == '\0') lua_pushlstring(L, un->sun_path, n); /* abstract */
  else {
    const char *end = memchr(un->sun_path, '\0', n);
    lua_pushlstring(L, un->sun_path, end ? (size_t)(end - un->sun_path) : n);
  }
}

int lsock_addr_push(lua_State *L, const lsock_Addr *a) {
  const struct sockaddr *sa = &a->u.sa;
  socklen_t len = a->len;
  if (len == 0) {
    lua_pushnil(L);
    return 1;
  }
  switch (sa->sa_family) {
    case AF_INET: {
      const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)sa;
      aux_pushhost(L, sa);
      lua_pushinteger(L, ntohs(in4->sin_port));
      return 2;
    }
    case AF_INET6: {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
      aux_pushhost(L, sa);
      lua_pushinteger(L, ntohs(in6->sin6_port));
      lua_pushinteger(L, (lua_Integer)ntohl(in6->sin6_flowinfo));
      lua_pushinteger(L, (lua_Integer)in6->sin6_scope_id);
      return 4;
    }
    case AF_UNIX:
      aux_pushpath(L, (const struct sockaddr_un *)(const void *)sa, len);
      return 1;
    default:
      lua_pushnil(L);
      return 1;
  }
}

void lsock_addr_pushtable(lua_State *L, const lsock_Addr *a) {
  int n, i;
  if (a->u.sa.sa_family == AF_UNIX || a->len == 0) {
    lsock_addr_push(L, a);
    return;
  }
  lua_createtable(L, 4, 0);
  n = lsock_addr_push(L, a);
  for (i = n; i >= 1; i--) lua_rawseti(L, -(i + 1), i); /* the table is below the i values left */
}

void lsock_addr_addtext(luaL_Buffer *b, const lsock_Addr *a) {
  const struct sockaddr *sa = &a->u.sa;
  socklen_t len = a->len;
  if (len == 0) return;
  if (sa->sa_family == AF_UNIX) {
    const struct sockaddr_un *un = (const struct sockaddr_un *)(const void *)sa;
    size_t off = offsetof(struct sockaddr_un, sun_path), n;
    if ((size_t)len <= off) return;
    n = (size_t)len - off;
    if (un->sun_path[0] == '\0') {
      luaL_addchar(b, '@'); /* abstract names are shown as Linux tools show them */
      luaL_addlstring(b, un->sun_path + 1, n - 1);
    } else {
      const char *end = memchr(un->sun_path, '\0', n);
      luaL_addlstring(b, un->sun_path, end ? (size_t)(end - un->sun_path) : n);
    }
    return;
  }
  if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) return;
  {
    char text[INET6_ADDRSTRLEN], port[8];
    const void *bin = sa->sa_family == AF_INET
      ? (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr
      : (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    unsigned p = sa->sa_family == AF_INET
      ? ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port)
      : ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
    if (lsock_sys_inet_ntop(sa->sa_family, bin, text, sizeof text) != 0) text[0] = '\0';
    if (sa->sa_family == AF_INET6) luaL_addchar(b, '[');
    luaL_addstring(b, text);
    if (sa->sa_family == AF_INET6) luaL_addchar(b, ']');
    snprintf(port, sizeof port, ":%u", p);
    luaL_addstring(b, port);
  }
}

/* ------------------------------------------------------- name functions */

static int n_getaddrinfo_body(lua_State *L, lsock_Call *c) {
  const char *host = lua_isnoneornil(L, 1) ? NULL : lsock_check_text(L, 1, 1, "host");
  const char *port = NULL;
  char portbuf[32];
  struct addrinfo hints, *res, *ai;
  int i = 0, code, held;
  lua_Integer family = luaL_optinteger(L, 3, AF_UNSPEC);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lua_Integer p = luaL_checkinteger(L, 2);
    luaL_argcheck(L, p >= 0 && p <= 65535, 2, "port must be 0-65535");
    snprintf(portbuf, sizeof portbuf, "%d", (int)p);
    port = portbuf;
  } else if (!lua_isnoneornil(L, 2)) {
    port = lsock_check_text(L, 2, 2, "port");
  }
  luaL_argcheck(L, family == AF_UNSPEC || family == AF_INET || family == AF_INET6 ||
                family == AF_UNIX, 3, "address family must be AF_UNSPEC, AF_INET, AF_INET6 or AF_UNIX");
  memset(&hints, 0, sizeof hints);
  hints.ai_family = (int)family;
  hints.ai_socktype = lsock_opt_int(L, 4, 0);
  hints.ai_protocol = lsock_opt_int(L, 5, 0);
  hints.ai_flags = lsock_opt_int(L, 6, 0);
  if ((code = lsock_addr_getinfo(L, c, host, port, &hints, &res)) != 0)
    return code == LSOCK_WOULDWAIT ? LSOCK_YIELD : 3;
  held = lua_gettop(L);
  lua_newtable(L);
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    lsock_Addr a;
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, ai->ai_family);
    lua_setfield(L, -2, "family");
    lua_pushinteger(L, ai->ai_socktype);
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, ai->ai_protocol);
    lua_setfield(L, -2, "proto");
    lua_pushstring(L, ai->ai_canonname ? ai->ai_canonname : "");
    lua_setfield(L, -2, "canonname");
    memcpy(&a.u, ai->ai_addr, ai->ai_addrlen);
    a.len = (socklen_t)ai->ai_addrlen;
    lsock_addr_pushtable(L, &a);
    lua_setfield(L, -2, "addr");
    lua_rawseti(L, -2, ++i);
  }
  lsock_addr_freeinfo(L, held);
  return 1;
}

static int n_getaddrinfo(lua_State *L) {
  return lsock_call_run(L, 6, n_getaddrinfo_body);
}

static int n_getnameinfo(lua_State *L) {
  struct addrinfo hints, *res;
  char host[NI_MAXHOST], serv[NI_MAXSERV], portbuf[16];
  lua_Integer port, flowinfo = 0, scope = 0;
  int flags = lsock_check_int(L, 2), code, syserr;
  size_t nfields;
  lsock_Addr a;
  luaL_checktype(L, 1, LUA_TTABLE);
  nfields = lua_rawlen(L, 1);
  luaL_argcheck(L, nfields >= 2 && nfields <= 4, 1, "address table must be {host, port [, flowinfo, scope_id]}");
  lua_settop(L, 2);
  lua_rawgeti(L, 1, 1);
  lua_rawgeti(L, 1, 2);
  lua_rawgeti(L, 1, 3);
  lua_rawgeti(L, 1, 4);
  if (lua_type(L, 3) != LUA_TSTRING) luaL_argerror(L, 1, "host must be a string");
  lsock_check_text(L, 3, 1, "host");
  port = aux_checkport(L, 4, 1);
  if (!lua_isnil(L, 5)) flowinfo = luaL_checkinteger(L, 5);
  if (!lua_isnil(L, 6)) scope = luaL_checkinteger(L, 6);
  luaL_argcheck(L, flowinfo >= 0 && flowinfo <= 0xfffff, 1, "flowinfo must be 0-1048575");
  luaL_argcheck(L, scope >= 0 && scope <= (lua_Integer)UINT32_MAX, 1, "scope_id out of range");
  snprintf(portbuf, sizeof portbuf, "%d", (int)port);
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST; /* as Python: the host must be an address */
  if (lsock_addr_getinfo(L, NULL, lua_tostring(L, 3), portbuf, &hints, &res) != 0) return 3;
  if (res->ai_family == AF_INET && nfields != 2) luaL_argerror(L, 1, "IPv4 address must be {host, port}");
  memcpy(&a.u, res->ai_addr, res->ai_addrlen);
  a.len = (socklen_t)res->ai_addrlen;
  lsock_addr_freeinfo(L, -1);
  if (a.u.sa.sa_family == AF_INET6) {
    a.u.in6.sin6_flowinfo = htonl((uint32_t)flowinfo);
    if (scope) a.u.in6.sin6_scope_id = (uint32_t)scope;
  }
  code = lsock_sys_getnameinfo(&a, host, sizeof host, serv, sizeof serv, flags, &syserr);
  if (code != 0) return lsock_result_gaifail(L, code, syserr);
  lua_pushstring(L, host);
  lua_pushstring(L, serv);
  return 2;
}

static int n_gethostbyname(lua_State *L) {
  const char *name = lsock_check_text(L, 1, 1, "host name");
  lsock_Addr a;
  char text[INET_ADDRSTRLEN];
  memset(&a, 0, sizeof a);
  if (!aux_resolve(L, NULL, name, AF_INET, 0, &a)) return 3;
  lsock_sys_inet_ntop(AF_INET, &a.u.in4.sin_addr, text, sizeof text);
  lua_pushstring(L, text);
  return 1;
}

static int n_gethostname(lua_State *L) {
  char name[1025];
  int err = lsock_sys_gethostname(name, sizeof name);
  if (err) return lsock_result_fail(L, err);
  lua_pushstring(L, name);
  return 1;
}

static int aux_checkipfamily(lua_State *L, int idx) {
  lua_Integer f = luaL_checkinteger(L, idx);
  luaL_argcheck(L, f == AF_INET || f == AF_INET6, idx, "address family must be AF_INET or AF_INET6");
  return (int)f;
}

static int n_inet_pton(lua_State *L) {
  int family = aux_checkipfamily(L, 1);
  const char *text = lsock_check_text(L, 2, 2, "address text");
  unsigned char bin[sizeof(struct in6_addr)];
  if (!lsock_sys_inet_pton(family, text, bin)) {
    lua_pushnil(L);
    lua_pushliteral(L, "illegal IP address string passed to inet_pton");
    lua_pushinteger(L, EINVAL);
    return 3;
  }
  lua_pushlstring(L, (const char *)bin, family == AF_INET ? 4 : 16);
  return 1;
}

static int n_inet_ntop(lua_State *L) {
  int family = aux_checkipfamily(L, 1);
  size_t len;
  const char *bin = luaL_checklstring(L, 2, &len);
  char text[INET6_ADDRSTRLEN];
  int err;
  if (family == AF_INET) luaL_argcheck(L, len == 4, 2, "packed IP wrong length for AF_INET");
  else luaL_argcheck(L, len == 16, 2, "packed IP wrong length for AF_INET6");
  if ((err = lsock_sys_inet_ntop(family, bin, text, sizeof text)) != 0) return lsock_result_fail(L, err);
  lua_pushstring(L, text);
  return 1;
}

static lua_Integer aux_checkunsigned(lua_State *L, int idx, lua_Integer max) {
  lua_Integer x;
  if (!compat_isinteger(L, idx)) compat_typeerror(L, idx, "integer");
  x = lua_tointeger(L, idx);
  luaL_argcheck(L, x >= 0 && x <= max, idx, max == 0xffff ? "value must be 0-65535" : "value must be 0-4294967295");
  return x;
}

static int n_htons(lua_State *L) {
  lua_pushinteger(L, htons((uint16_t)aux_checkunsigned(L, 1, 0xffff)));
  return 1;
}

static int n_ntohs(lua_State *L) {
  lua_pushinteger(L, ntohs((uint16_t)aux_checkunsigned(L, 1, 0xffff)));
  return 1;
}

static int n_htonl(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)htonl((uint32_t)aux_checkunsigned(L, 1, 0xffffffff)));
  return 1;
}

static int n_ntohl(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ntohl((uint32_t)aux_checkunsigned(L, 1, 0xffffffff)));
  return 1;
}

static const luaL_Reg name_functions[] = {
  {"getaddrinfo", n_getaddrinfo},
  {"getnameinfo", n_getnameinfo},
  {"gethostbyname", n_gethostbyname},
  {"gethostname", n_gethostname},
  {"inet_pton", n_inet_pton},
  {"inet_ntop", n_inet_ntop},
  {"htons", n_htons},
  {"ntohs", n_ntohs},
  {"htonl", n_htonl},
  {"ntohl", n_ntohl},
  {NULL, NULL}
};

static const luaL_Reg addrinfo_metamethods[] = {
  {"__gc", aux_freeinfo},
  {NULL, NULL}
};

void lsock_addr_open_functions(lua_State *L) {
  compat_newmetatable(L, JOB_METATABLE);
  lua_pushcfunction(L, aux_releasejob);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  luaL_newmetatable(L, ADDRINFO_METATABLE);
  luaL_setfuncs(L, addrinfo_metamethods, 0);
  lua_pop(L, 1);
  luaL_setfuncs(L, name_functions, 0);
}
