/*
** names.c — the name functions of Python's socket module beyond
** getaddrinfo's family (addr.c): services and protocols (getservbyname,
** getservbyport, getprotobyname), the host database (gethostbyname_ex,
** gethostbyaddr, getfqdn), network interfaces (if_nameindex,
** if_nametoindex, if_indextoname) and has_dualstack_ipv6.
**
** A name that is not found is data: nil, message, code. Memory the
** system hands out (the interface list) and the host database's buffer
** are held by userdata, so an error raised while Lua values are made
** from them cannot leak them.
*/
#include <string.h>

#include "private.h"

#define IFLIST_METATABLE "lsock.iflist"
/* The host database's buffer starts here and doubles up to the last. */
#define HOSTBUF_START 8192
#define HOSTBUF_MAX (1024 * 1024)

static int aux_notfound(lua_State *L, const char *message) {
  lua_pushnil(L);
  lua_pushstring(L, message);
  lua_pushinteger(L, ENOENT);
  return 3;
}

/* ------------------------------------------------- services, protocols */

static const char *aux_optproto(lua_State *L, int idx) {
  return lua_isnoneornil(L, idx) ? NULL : lsock_check_text(L, idx, idx, "protocol name");
}

static int n_getservbyname(lua_State *L) {
  const char *name = lsock_check_text(L, 1, 1, "service name");
  const char *proto = aux_optproto(L, 2);
  int port;
  if (lsock_sys_getservbyname(name, proto, &port) != 0)
    return aux_notfound(L, "service/proto not found");
  lua_pushinteger(L, port);
  return 1;
}

static int n_getservbyport(lua_State *L) {
  lua_Integer port = luaL_checkinteger(L, 1);
  const char *proto;
  char name[256];
  luaL_argcheck(L, compat_isinteger(L, 1) && port >= 0 && port <= 65535, 1,
                "port must be 0-65535");
  proto = aux_optproto(L, 2);
  if (lsock_sys_getservbyport((int)port, proto, name, sizeof name) != 0)
    return aux_notfound(L, "port/proto not found");
  lua_pushstring(L, name);
  return 1;
}

static int n_getprotobyname(lua_State *L) {
  const char *name = lsock_check_text(L, 1, 1, "protocol name");
  int proto;
  if (lsock_sys_getprotobyname(name, &proto) != 0) return aux_notfound(L, "protocol not found");
  lua_pushinteger(L, proto);
  return 1;
}

/* ------------------------------------------------------- host database */

/* Pushes nil, the resolver's text, its code. */
static int aux_hostfail(lua_State *L, int herr) {
  lua_pushnil(L);
  lua_pushstring(L, lsock_sys_hstrerror(herr));
  lua_pushinteger(L, herr);
  return 3;
}

/* Pushes hostname, aliases, addresses of a filled hostent. */
static int aux_pushhostent(lua_State *L, const struct hostent *h) {
  int i;
  lua_pushstring(L, h->h_name ? h->h_name : "");
  lua_newtable(L);
  for (i = 0; h->h_aliases && h->h_aliases[i]; i++) {
    lua_pushstring(L, h->h_aliases[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_newtable(L);
  for (i = 0; h->h_addr_list && h->h_addr_list[i]; i++) {
    char text[INET6_ADDRSTRLEN];
    if (lsock_sys_inet_ntop(h->h_addrtype, h->h_addr_list[i], text, sizeof text) != 0) continue;
    lua_pushstring(L, text);
    lua_rawseti(L, -2, (int)lua_rawlen(L, -2) + 1);
  }
  return 3;
}

typedef struct {
  const char *name;      /* by name */
  const void *addr;      /* or by address */
  size_t addrlen;
  int family;
} aux_HostQuery;

/* Asks the host database, growing its buffer (a userdata, left on the
   stack) while the system says it is too small. Pushes the three results,
   or nil, message, code. */
static int aux_hostquery(lua_State *L, const aux_HostQuery *q) {
  size_t size = HOSTBUF_START;
  for (;;) {
    char *buf = (char *)lua_newuserdata(L, size);
    struct hostent h;
    int herr = 0, r;
    r = q->name ? lsock_sys_gethostbyname(q->name, &h, buf, size, &herr)
                : lsock_sys_gethostbyaddr(q->addr, q->addrlen, q->family, &h, buf, size, &herr);
    if (r == 0) return aux_pushhostent(L, &h);
    if (r != ERANGE) return aux_hostfail(L, herr);
    if (size >= HOSTBUF_MAX) return lsock_result_fail(L, ERANGE);
    lua_pop(L, 1);
    size *= 2;
  }
}

/* Reads 'text' as an address (resolving a name, as Python does) into
   *a; pushes nil, message, code and returns 0 when it does not resolve. */
static int aux_hostaddr(lua_State *L, const char *text, int family, lsock_Addr *a) {
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  if (lsock_addr_getinfo(L, NULL, text, NULL, &hints, &res) != 0) return 0;
  memcpy(&a->u, res->ai_addr, res->ai_addrlen);
  a->len = (socklen_t)res->ai_addrlen;
  lsock_addr_freeinfo(L, -1);
  return 1;
}

/* gethostbyaddr of 'text': pushes the three results and returns 3, or
   nil, message, code. */
static int aux_byaddr(lua_State *L, const char *text) {
  aux_HostQuery q;
  lsock_Addr a;
  if (!aux_hostaddr(L, text, AF_UNSPEC, &a)) return 3;
  memset(&q, 0, sizeof q);
  q.family = a.u.sa.sa_family;
  if (q.family == AF_INET) {
    q.addr = &a.u.in4.sin_addr;
    q.addrlen = sizeof a.u.in4.sin_addr;
  } else if (q.family == AF_INET6) {
    q.addr = &a.u.in6.sin6_addr;
    q.addrlen = sizeof a.u.in6.sin6_addr;
  } else {
    return lsock_result_fail(L, EAFNOSUPPORT);
  }
  return aux_hostquery(L, &q);
}

static int n_gethostbyaddr(lua_State *L) {
  return aux_byaddr(L, lsock_check_text(L, 1, 1, "address"));
}

static int n_gethostbyname_ex(lua_State *L) {
  aux_HostQuery q;
  lsock_Addr a;
  memset(&q, 0, sizeof q);
  q.name = lsock_check_text(L, 1, 1, "host name");
  /* as Python: a name that does not resolve fails as getaddrinfo does */
  if (!aux_hostaddr(L, q.name, AF_INET, &a)) return 3;
  return aux_hostquery(L, &q);
}

/* getfqdn([name]): the first of gethostbyaddr's name and aliases that
   has a dot, else its name; the name itself when the lookup fails. */
static int n_getfqdn(lua_State *L) {
  const char *name;
  char host[1025];
  size_t len, i, n;
  int top;
  if (lua_isnoneornil(L, 1)) {
    lua_settop(L, 0);
    lua_pushliteral(L, "");
  } else {
    lsock_check_text(L, 1, 1, "name");
    lua_settop(L, 1);
  }
  /* Python strips the name's whitespace */
  name = lua_tolstring(L, 1, &len);
  while (len > 0 && strchr(" \t\r\n\f\v", name[0]) != NULL) name++, len--;
  while (len > 0 && strchr(" \t\r\n\f\v", name[len - 1]) != NULL) len--;
  lua_pushlstring(L, name, len);
  name = lua_tostring(L, -1);
  if (len == 0 || strcmp(name, "0.0.0.0") == 0 || strcmp(name, "::") == 0) {
    if (lsock_sys_gethostname(host, sizeof host) != 0) return 1;
    lua_pushstring(L, host);
    name = lua_tostring(L, -1);
  }
  top = lua_gettop(L);
  if (aux_byaddr(L, name) != 3 || lua_isnil(L, -3)) {
    lua_settop(L, top);
    return 1;
  }
  /* on top: hostname, aliases, addresses */
  if (strchr(lua_tostring(L, -3), '.') != NULL) {
    lua_pushvalue(L, -3);
    return 1;
  }
  n = lua_rawlen(L, -2);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, -2, (lua_Integer)i);
    if (lua_type(L, -1) == LUA_TSTRING && strchr(lua_tostring(L, -1), '.') != NULL) return 1;
    lua_pop(L, 1);
  }
  lua_pushvalue(L, -3);
  return 1;
}

/* ---------------------------------------------------------- interfaces */

static int aux_freeiflist(lua_State *L) {
  void **held = (void **)lua_touserdata(L, 1);
  if (*held != NULL) {
    lsock_sys_if_freelist(*held);
    *held = NULL;
  }
  return 0;
}

static int n_if_nameindex(lua_State *L) {
  void **held = (void **)lua_newuserdata(L, sizeof *held);
  unsigned index;
  const char *name;
  size_t i;
  int err;
  *held = NULL;
  luaL_setmetatable(L, IFLIST_METATABLE);
  if ((err = lsock_sys_if_list(held)) != 0) return lsock_result_fail(L, err);
  lua_newtable(L);
  for (i = 0; lsock_sys_if_entry(*held, i, &index, &name); i++) {
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)index);
    lua_rawseti(L, -2, 1);
    lua_pushstring(L, name);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (int)i + 1);
  }
  lsock_sys_if_freelist(*held);
  *held = NULL;
  return 1;
}

static int n_if_nametoindex(lua_State *L) {
  const char *name = lsock_check_text(L, 1, 1, "interface name");
  unsigned index;
  int err = lsock_sys_if_nametoindex(name, &index);
  if (err) return lsock_result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)index);
  return 1;
}

static int n_if_indextoname(lua_State *L) {
  lua_Integer index = luaL_checkinteger(L, 1);
  char *name;
  int err;
  luaL_argcheck(L, compat_isinteger(L, 1) && index >= 0 && index <= (lua_Integer)0xffffffff, 1,
                "index must be 0-4294967295");
  name = (char *)lua_newuserdata(L, lsock_sys_ifnamesize + 1);
  if ((err = lsock_sys_if_indextoname((unsigned)index, name)) != 0) return lsock_result_fail(L, err);
  lua_pushstring(L, name);
  return 1;
}

/* has_dualstack_ipv6(): as Python, whether an IPv6 socket can accept
   IPv4 too (IPV6_V6ONLY can be turned off). */
static int n_has_dualstack_ipv6(lua_State *L) {
  int ok = 0;
#if defined(IPV6_V6ONLY)
  sys_fd fd;
  if (lsock_sys_socket(AF_INET6, SOCK_STREAM, 0, 0, &fd) == 0) {
    int off = 0;
    ok = lsock_sys_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == 0;
    lsock_sys_close(fd);
  }
#endif
  lua_pushboolean(L, ok);
  return 1;
}

static const luaL_Reg names_functions[] = {
  {"getservbyname", n_getservbyname},
  {"getservbyport", n_getservbyport},
  {"getprotobyname", n_getprotobyname},
  {"gethostbyaddr", n_gethostbyaddr},
  {"gethostbyname_ex", n_gethostbyname_ex},
  {"getfqdn", n_getfqdn},
  {"if_nameindex", n_if_nameindex},
  {"if_nametoindex", n_if_nametoindex},
  {"if_indextoname", n_if_indextoname},
  {"has_dualstack_ipv6", n_has_dualstack_ipv6},
  {NULL, NULL}
};

void lsock_names_open_functions(lua_State *L) {
  luaL_setfuncs(L, names_functions, 0);
  luaL_newmetatable(L, IFLIST_METATABLE);
  lua_pushcfunction(L, aux_freeiflist);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
}
