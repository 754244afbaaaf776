/*
** msg.c — receiving into buffers and whole messages: recv_into,
** recvfrom_into, recvmsg, recvmsg_into, sendmsg, and descriptor passing
** (lsock.send_fds, lsock.recv_fds) over them, with CMSG_LEN/CMSG_SPACE.
**
** recv_into goes through the socket's transport (a TLS socket gets it
** unchanged); the message calls speak to the descriptor itself, as
** Python's, whose SSL socket refuses them. Every wait is lsock_sock_call's.
**
** Memory for a call (the piece list, control bytes, large data) is a
** userdata on the stack when it does not fit the C stack, so an error
** raised mid-call frees it. Every Lua value whose bytes a call uses stays
** on the stack until the call ends: a waiter running Lua cannot free them.
** Received descriptors are close-on-exec (the platform asks for it), and
** those lsock.recv_fds cannot return are closed, never left open.
**
** Prefixes: m_ methods, f_ module functions, aux_ helpers, io_ transfer
** functions for lsock_sock_call.
*/
#include <string.h>

#include "private.h"

/* Pieces and control bytes up to these sizes live on the C stack. */
#define MSG_STACK_CHUNKS 16
#define MSG_STACK_CONTROL 512
#define MSG_STACK_DATA 8192
/* The largest control buffer a receive may ask for. */
#define MSG_MAX_CONTROL ((lua_Integer)0x7fffffff)
/* The most descriptors one lsock.recv_fds may take (Linux passes 253). */
#define MSG_MAX_FDS 1024
#define MSG_MAX_BYTES ((lua_Integer)0x7fffffff)

/* Room for control bytes, aligned for their headers. */
typedef union {
  char bytes[MSG_STACK_CONTROL];
  size_t align_size;
  void *align_ptr;
  long long align_ll;
} aux_Control;

static int io_recvmsg(lsock_Socket *s, lsock_Io *io) {
  lsock_Msg *m = (lsock_Msg *)(void *)io->buf;
  io->events = POLLIN;
  return lsock_sys_recvmsg(s->fd, m, lsock_transport_flags(s, io->flags), &io->done);
}

static int io_sendmsg(lsock_Socket *s, lsock_Io *io) {
  const lsock_Msg *m = (const lsock_Msg *)(const void *)io->buf;
  io->events = POLLOUT;
  return lsock_sys_sendmsg(s->fd, m, lsock_transport_flags(s, io->flags), &io->done);
}

static void aux_initio(lsock_Io *io, lsock_Msg *m, int flags) {
  memset(io, 0, sizeof *io);
  io->buf = (char *)(void *)m;
  io->flags = flags;
}

/* 'n' bytes of scratch memory: 'onstack' when they fit, else a userdata
   pushed on the stack (freed by the collector whatever happens). */
static void *aux_scratch(lua_State *L, void *onstack, size_t room, size_t n) {
  if (n <= room) return onstack;
  return lua_newuserdata(L, n);
}

/* A size argument: an integer in 0..max, or 'def' when absent (required
   when 'def' is negative). */
static size_t aux_checksize(lua_State *L, int arg, lua_Integer def, lua_Integer max,
                            const char *what) {
  lua_Integer n;
  if (lua_isnoneornil(L, arg)) {
    if (def < 0) luaL_argerror(L, arg, lua_pushfstring(L, "%s expected", what));
    return (size_t)def;
  }
  n = luaL_checkinteger(L, arg);
  luaL_argcheck(L, compat_isinteger(L, arg), arg, lua_pushfstring(L, "%s must be an integer", what));
  if (n < 0) luaL_argerror(L, arg, lua_pushfstring(L, "negative %s", what));
  if (n > max) luaL_argerror(L, arg, lua_pushfstring(L, "%s too large", what));
  return (size_t)n;
}

/* The deadline of a call on 's', taken on its first run only. */
static double aux_deadline(lua_State *L, lsock_Call *c, lsock_Socket *s, int flags) {
  if (!c->resumed) c->deadline = lsock_sock_deadline(L, s, flags);
  return c->deadline;
}

/* ------------------------------------------------------- recv_into */

/* recv_into and recvfrom_into: into bytes 1..nbytes of a buffer, with
   Python's rules: nbytes absent or 0 means the whole buffer. */
static int aux_recvinto(lua_State *L, lsock_Call *c, int withaddr) {
  lsock_Socket *s = lsock_sock_self(L);
  size_t cap, want, n;
  char *buf = lsock_buffer_checkwritable(L, 2, &cap);
  lua_Integer nbytes = luaL_optinteger(L, 3, 0);
  int flags = lsock_opt_int(L, 4, 0), err;
  lsock_Addr from;
  luaL_argcheck(L, lua_isnoneornil(L, 3) || compat_isinteger(L, 3), 3, "nbytes must be an integer");
  luaL_argcheck(L, nbytes >= 0, 3, "negative buffersize");
  luaL_argcheck(L, (lua_Integer)cap >= nbytes, 3, "buffer too small for requested bytes");
  want = nbytes == 0 ? cap : (size_t)nbytes;
  from.len = 0;
  if (!c->resumed) c->deadline = lsock_sock_deadline(L, s, flags);
  err = lsock_sock_recvfrom(L, s, buf, want, flags, c, c->deadline, withaddr ? &from : NULL, &n);
  if (err) return lsock_result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)n);
  return withaddr ? 1 + lsock_addr_push(L, &from) : 1;
}

static int m_recv_into_body(lua_State *L, lsock_Call *c) {
  return aux_recvinto(L, c, 0);
}

static int m_recv_into(lua_State *L) {
  return lsock_call_run(L, 4, m_recv_into_body);
}

static int m_recvfrom_into_body(lua_State *L, lsock_Call *c) {
  return aux_recvinto(L, c, 1);
}

static int m_recvfrom_into(lua_State *L) {
  return lsock_call_run(L, 4, m_recvfrom_into_body);
}

/* ---------------------------------------------------------- recvmsg */

/* Pushes the list of {level, type, data} of the control bytes. */
static void aux_pushancdata(lua_State *L, const void *control, size_t len) {
  lsock_Cmsg c;
  size_t pos = 0;
  int i = 0;
  lua_newtable(L);
  while (lsock_sys_cmsgnext(control, len, &pos, &c)) {
    lua_createtable(L, 3, 0);
    lua_pushinteger(L, c.level);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, c.type);
    lua_rawseti(L, -2, 2);
    lua_pushlstring(L, (const char *)c.data, c.len);
    lua_rawseti(L, -2, 3);
    lua_rawseti(L, -2, ++i);
  }
}

/* The control buffer of a receive: 'size' bytes, aligned. */
static void *aux_control(lua_State *L, aux_Control *onstack, size_t size) {
  return size == 0 ? NULL : aux_scratch(L, onstack, sizeof *onstack, size);
}

/* Pushes what every message receive returns after its first value:
   ancdata, msg_flags, the address values. */
static int aux_pushmsgtail(lua_State *L, const lsock_Msg *m) {
  aux_pushancdata(L, m->control, m->controllen);
  lua_pushinteger(L, m->msgflags);
  return 2 + lsock_addr_push(L, m->addr);
}

/* Sets 'm' up for a receive into one piece of 'bufsize' bytes (the C
   stack's 'onstack' when it fits) with 'ancsize' control bytes, the
   sender into 'from'. */
static void aux_onepiece(lua_State *L, lsock_Msg *m, lsock_Chunk *chunk, char *onstack,
                         size_t bufsize, aux_Control *control, size_t ancsize, lsock_Addr *from) {
  chunk->p = aux_scratch(L, onstack, MSG_STACK_DATA, bufsize);
  chunk->len = bufsize;
  memset(m, 0, sizeof *m);
  m->chunks = chunk;
  m->nchunks = bufsize > 0;
  m->control = aux_control(L, control, ancsize);
  m->controllen = ancsize;
  m->addr = from;
}

/* s:recvmsg(bufsize [, ancbufsize [, flags]]) */
static int m_recvmsg_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_self(L);
  size_t bufsize = aux_checksize(L, 2, -1, MSG_MAX_BYTES, "buffer size");
  size_t ancsize = aux_checksize(L, 3, 0, MSG_MAX_CONTROL, "ancillary buffer size");
  int flags = lsock_opt_int(L, 4, 0), err;
  char onstack[MSG_STACK_DATA];
  aux_Control control;
  lsock_Chunk chunk;
  lsock_Addr from;
  lsock_Msg m;
  lsock_Io io;
  luaL_checkstack(L, 8, NULL);
  aux_onepiece(L, &m, &chunk, onstack, bufsize, &control, ancsize, &from);
  aux_initio(&io, &m, flags);
  if ((err = lsock_sock_call(L, s, io_recvmsg, &io, c, aux_deadline(L, c, s, flags))) != 0)
    return lsock_result_fail(L, err);
  lua_pushlstring(L, (const char *)chunk.p, io.done);
  return 1 + aux_pushmsgtail(L, &m);
}

static int m_recvmsg(lua_State *L) {
  return lsock_call_run(L, 4, m_recvmsg_body);
}

/* s:recvmsg_into(buffers [, ancbufsize [, flags]]): the buffers filled in
   order, as one scattered receive. */
static int m_recvmsg_into_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_self(L);
  size_t ancsize = aux_checksize(L, 3, 0, MSG_MAX_CONTROL, "ancillary buffer size");
  int flags = lsock_opt_int(L, 4, 0), err;
  lsock_Chunk onstack[MSG_STACK_CHUNKS], *chunks;
  aux_Control control;
  lsock_Addr from;
  lsock_Msg m;
  lsock_Io io;
  size_t n, i;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = lua_rawlen(L, 2);
  luaL_argcheck(L, n <= lsock_sys_maxchunks, 2, "too many buffers");
  lua_settop(L, 4);
  luaL_checkstack(L, (int)n + 8, "too many buffers");
  chunks = (lsock_Chunk *)aux_scratch(L, onstack, sizeof onstack, n * sizeof *chunks);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1); /* stays on the stack for the call */
    chunks[i].p = lsock_buffer_towritable(L, -1, &chunks[i].len);
    if (chunks[i].p == NULL)
      luaL_argerror(L, 2, lua_pushfstring(L, "buffers[%d] is not an lsock.buffer", (int)i + 1));
  }
  memset(&m, 0, sizeof m);
  m.chunks = chunks;
  m.nchunks = n;
  m.control = aux_control(L, &control, ancsize);
  m.controllen = ancsize;
  m.addr = &from;
  aux_initio(&io, &m, flags);
  if ((err = lsock_sock_call(L, s, io_recvmsg, &io, c, aux_deadline(L, c, s, flags))) != 0)
    return lsock_result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)io.done);
  return 1 + aux_pushmsgtail(L, &m);
}

static int m_recvmsg_into(lua_State *L) {
  return lsock_call_run(L, 4, m_recvmsg_into_body);
}

/* ---------------------------------------------------------- sendmsg */

/* The pieces of the list at 'arg' (strings or buffers), each left on the
   stack; the array is pushed too when it does not fit 'onstack'. */
static lsock_Chunk *aux_checkchunks(lua_State *L, int arg, lsock_Chunk *onstack, size_t *n) {
  lsock_Chunk *chunks;
  size_t i;
  if (lua_type(L, arg) != LUA_TTABLE) compat_typeerror(L, arg, "list of strings or buffers");
  *n = lua_rawlen(L, arg);
  luaL_argcheck(L, *n <= lsock_sys_maxchunks, arg, "too many buffers");
  luaL_checkstack(L, (int)*n + 8, "too many buffers");
  chunks = (lsock_Chunk *)aux_scratch(L, onstack, MSG_STACK_CHUNKS * sizeof *onstack,
                                      *n * sizeof *chunks);
  for (i = 0; i < *n; i++) {
    const char *p;
    lua_rawgeti(L, arg, (lua_Integer)i + 1);
    if ((p = lsock_buffer_tobytes(L, -1, &chunks[i].len)) == NULL)
      luaL_argerror(L, arg, lua_pushfstring(L, "buffers[%d] must be a string or buffer, not %s",
                                            (int)i + 1, luaL_typename(L, -1)));
    chunks[i].p = (void *)p; /* a send only reads them */
  }
  return chunks;
}

/* Builds the control bytes of 'n' items; pushes their buffer when it does
   not fit 'onstack'. */
static void aux_buildcontrol(lua_State *L, int arg, lsock_Msg *m, aux_Control *onstack,
                             const lsock_Cmsg *items, size_t n) {
  size_t i, size = 0, used;
  for (i = 0; i < n; i++) {
    size_t sp = lsock_sys_cmsgspace(items[i].len);
    if (sp == 0 || size + sp < size) luaL_argerror(L, arg, "ancillary data too large");
    size += sp;
  }
  m->control = aux_control(L, onstack, size);
  m->controllen = 0;
  if (size > 0 && lsock_sys_cmsgbuild(m->control, size, items, n, &used) == 0)
    m->controllen = used;
}

/* Sends the message: the pieces at 'bufarg', control items, flags, and
   the address at 'addrarg' (nil or absent for none). */
static int aux_sendmsg(lua_State *L, lsock_Call *c, lsock_Socket *s, lsock_Msg *m, int flags,
                       int addrarg) {
  lsock_Addr to;
  lsock_Io io;
  int err, next;
  m->addr = NULL;
  if (!lua_isnoneornil(L, addrarg)) {
    {
    int ok = lsock_addr_check(L, c, addrarg, s->family, s->type, &to, &next);
    if (ok <= 0) return ok < 0 ? LSOCK_YIELD : 3;
  }
    /* cppcheck-suppress autoVariables ; 'to' outlives every use of m */
    m->addr = &to;
  }
  aux_initio(&io, m, flags);
  if ((err = lsock_sock_call(L, s, io_sendmsg, &io, c, aux_deadline(L, c, s, flags))) != 0)
    return lsock_result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)io.done);
  return 1;
}

#define MSG_STACK_ITEMS 8

/* s:sendmsg(buffers [, ancdata [, flags [, address]]]) */
static int m_sendmsg_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_self(L);
  int flags = lsock_opt_int(L, 4, 0);
  lsock_Chunk onstack[MSG_STACK_CHUNKS];
  lsock_Cmsg itemstack[MSG_STACK_ITEMS], *items = itemstack;
  aux_Control control;
  lsock_Msg m;
  size_t nitems = 0, i;
  lua_settop(L, 5);
  memset(&m, 0, sizeof m);
  if (!lua_isnil(L, 3)) {
    if (lua_type(L, 3) != LUA_TTABLE) compat_typeerror(L, 3, "list of {level, type, data}");
    nitems = lua_rawlen(L, 3);
    luaL_argcheck(L, nitems <= 1024, 3, "too many ancillary items");
    luaL_checkstack(L, 3 * (int)nitems + 8, "too many ancillary items");
    items = (lsock_Cmsg *)aux_scratch(L, itemstack, sizeof itemstack, nitems * sizeof *items);
    for (i = 0; i < nitems; i++) {
      int item;
      lua_rawgeti(L, 3, (lua_Integer)i + 1);
      item = lua_gettop(L);
      if (lua_type(L, item) != LUA_TTABLE)
        luaL_argerror(L, 3, lua_pushfstring(L, "ancdata[%d] must be a table {level, type, data}", (int)i + 1));
      lua_rawgeti(L, item, 1);
      lua_rawgeti(L, item, 2);
      lua_rawgeti(L, item, 3); /* the data stays on the stack for the call */
      if (!compat_isinteger(L, -3) || !compat_isinteger(L, -2) ||
          lua_tointeger(L, -3) != (int)lua_tointeger(L, -3) ||
          lua_tointeger(L, -2) != (int)lua_tointeger(L, -2) ||
          (items[i].data = lsock_buffer_tobytes(L, -1, &items[i].len)) == NULL)
        luaL_argerror(L, 3, lua_pushfstring(L, "ancdata[%d] must be a table {level, type, data}", (int)i + 1));
      items[i].level = (int)lua_tointeger(L, -3);
      items[i].type = (int)lua_tointeger(L, -2);
    }
  }
  m.chunks = aux_checkchunks(L, 2, onstack, &m.nchunks);
  aux_buildcontrol(L, 3, &m, &control, items, nitems);
  return aux_sendmsg(L, c, s, &m, flags, 5);
}

static int m_sendmsg(lua_State *L) {
  return lsock_call_run(L, 5, m_sendmsg_body);
}

/* -------------------------------------------------- descriptor passing */

/* lsock.send_fds(s, buffers, fds [, flags [, address]]) */
static int f_send_fds_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_checkopen(L, 1);
  int flags = lsock_opt_int(L, 4, 0);
  lsock_Chunk onstack[MSG_STACK_CHUNKS];
  int fdstack[64], *fds;
  aux_Control control;
  lsock_Cmsg item;
  lsock_Msg m;
  size_t nfds, i;
  lua_settop(L, 5);
  luaL_checktype(L, 3, LUA_TTABLE);
  nfds = lua_rawlen(L, 3);
  luaL_argcheck(L, nfds <= MSG_MAX_FDS, 3, "too many descriptors");
  fds = (int *)aux_scratch(L, fdstack, sizeof fdstack, nfds * sizeof *fds);
  for (i = 0; i < nfds; i++) {
    lua_rawgeti(L, 3, (lua_Integer)i + 1);
    if (!compat_isinteger(L, -1) || !lsock_sys_validfd((double)lua_tonumber(L, -1)))
      luaL_argerror(L, 3, lua_pushfstring(L, "fds[%d] must be a descriptor (an integer 0..2147483647)",
                                          (int)i + 1));
    fds[i] = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  memset(&m, 0, sizeof m);
  m.chunks = aux_checkchunks(L, 2, onstack, &m.nchunks);
  item.level = SOL_SOCKET;
  item.type = lsock_sys_scmrights;
  item.data = fds;
  item.len = nfds * sizeof *fds;
  aux_buildcontrol(L, 3, &m, &control, &item, nfds > 0);
  return aux_sendmsg(L, c, s, &m, flags, 5);
}

static int f_send_fds(lua_State *L) {
  return lsock_call_run(L, 5, f_send_fds_body);
}

/* Walks the SCM_RIGHTS descriptors of the control bytes: the first 'max'
   go into the table at 'list' (made big enough in advance, so storing an
   integer cannot fail), the rest are closed (with 'closeall', every one).
   Returns how many were kept. */
static size_t aux_takefds(lua_State *L, int list, const void *control, size_t len, size_t max,
                          int closeall) {
  lsock_Cmsg c;
  size_t pos = 0, kept = 0;
  while (lsock_sys_cmsgnext(control, len, &pos, &c)) {
    size_t k;
    if (c.level != SOL_SOCKET || c.type != lsock_sys_scmrights) continue;
    for (k = 0; k + sizeof(int) <= c.len; k += sizeof(int)) {
      int fd;
      memcpy(&fd, (const char *)c.data + k, sizeof fd);
      if (!closeall && kept < max) {
        lua_pushinteger(L, fd);
        lua_rawseti(L, list, (lua_Integer)++kept);
      } else {
        lsock_sys_close(fd);
      }
    }
  }
  return kept;
}

static int aux_pushdata(lua_State *L) {
  const lsock_Chunk *c = (const lsock_Chunk *)lua_touserdata(L, 1);
  lua_pushlstring(L, (const char *)c->p, c->len);
  return 1;
}

/* lsock.recv_fds(s, bufsize, maxfds [, flags]): data, fds, msg_flags,
   address. Descriptors beyond maxfds, and any of a cut control message,
   are closed; the ones returned are close-on-exec. */
static int f_recv_fds_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_checkopen(L, 1);
  size_t bufsize = aux_checksize(L, 2, -1, MSG_MAX_BYTES, "buffer size");
  size_t maxfds = aux_checksize(L, 3, -1, MSG_MAX_FDS, "maxfds");
  int flags = lsock_opt_int(L, 4, 0), err, list, fn;
  char onstack[MSG_STACK_DATA];
  aux_Control control;
  lsock_Chunk chunk;
  lsock_Addr from;
  lsock_Msg m;
  lsock_Io io;
  lua_settop(L, 4);
  luaL_checkstack(L, 12, NULL);
  /* everything that allocates is made before a descriptor can arrive */
  lua_createtable(L, (int)maxfds, 0);
  list = lua_gettop(L);
  lua_pushcfunction(L, aux_pushdata);
  fn = lua_gettop(L);
  aux_onepiece(L, &m, &chunk, onstack, bufsize, &control,
               lsock_sys_cmsgspace(maxfds * sizeof(int)), &from);
  aux_initio(&io, &m, flags);
  if ((err = lsock_sock_call(L, s, io_recvmsg, &io, c, aux_deadline(L, c, s, flags))) != 0)
    return lsock_result_fail(L, err);
  aux_takefds(L, list, m.control, m.controllen, maxfds, 0);
  /* the data string made in a protected call: should memory run out, the
     descriptors are closed before the error goes on */
  chunk.len = io.done;
  lua_pushvalue(L, fn);
  lua_pushlightuserdata(L, &chunk);
  if (lua_pcall(L, 1, 1, 0) != 0) {
    size_t i, n = lua_rawlen(L, list);
    for (i = 1; i <= n; i++) {
      lua_rawgeti(L, list, (lua_Integer)i);
      lsock_sys_close((sys_fd)lua_tointeger(L, -1));
      lua_pop(L, 1);
    }
    return lua_error(L);
  }
  lua_pushvalue(L, list);
  lua_pushinteger(L, m.msgflags);
  return 3 + lsock_addr_push(L, &from);
}

static int f_recv_fds(lua_State *L) {
  return lsock_call_run(L, 4, f_recv_fds_body);
}

/* lsock.CMSG_LEN(n), lsock.CMSG_SPACE(n) */
static int aux_cmsgsize(lua_State *L, size_t (*fn)(size_t)) {
  lua_Integer n = luaL_checkinteger(L, 1);
  size_t r;
  luaL_argcheck(L, compat_isinteger(L, 1) && n >= 0 && n <= MSG_MAX_CONTROL, 1, "argument out of range");
  r = fn((size_t)n);
  luaL_argcheck(L, r != 0, 1, "argument out of range");
  lua_pushinteger(L, (lua_Integer)r);
  return 1;
}

static int f_cmsg_len(lua_State *L) {
  return aux_cmsgsize(L, lsock_sys_cmsglen);
}

static int f_cmsg_space(lua_State *L) {
  return aux_cmsgsize(L, lsock_sys_cmsgspace);
}

const luaL_Reg lsock_msg_methods[] = {
  {"recv_into", m_recv_into},
  {"recvfrom_into", m_recvfrom_into},
  {"recvmsg", m_recvmsg},
  {"recvmsg_into", m_recvmsg_into},
  {"sendmsg", m_sendmsg},
  {NULL, NULL}
};

static const luaL_Reg msg_functions[] = {
  {"CMSG_LEN", f_cmsg_len},
  {"CMSG_SPACE", f_cmsg_space},
  {NULL, NULL}
};

/* Absent where the system passes no descriptors (lsock_sys_scmrights 0). */
static const luaL_Reg fds_functions[] = {
  {"send_fds", f_send_fds},
  {"recv_fds", f_recv_fds},
  {NULL, NULL}
};

void lsock_msg_open_functions(lua_State *L) {
  luaL_setfuncs(L, msg_functions, 0);
  if (lsock_sys_scmrights != 0) luaL_setfuncs(L, fds_functions, 0);
}
