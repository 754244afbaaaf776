/*
** transfer.c — the data path of the socket object: recv, recvfrom, send,
** sendall, sendto. Every call goes through sock_call, which tries the
** system call first and waits only when it would block, so a socket in
** timeout mode costs nothing extra while data flows.
*/
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "private.h"
#include "sys.h"

/* recv(n) with n above this asks the kernel how much is waiting, so a huge
   n allocates what arrived, not n bytes. */
#define RECV_DIRECT_MAX (64 * 1024)
/* Reads up to this size go through a buffer on the C stack. */
#define RECV_STACK_MAX 8192
/* A datagram cannot be read in pieces: when none is waiting yet, a large
   recv gets room for any datagram the default buffers let through. */
#define RECV_DGRAM_MAX (256 * 1024)

typedef struct {
  char *buf;
  size_t len;
  int flags;
  lsock_Addr *from; /* NULL for recv/send */
  const lsock_Addr *to;
  size_t done;
} io_Ctx;

static int io_recv(lsock_Socket *s, void *ctx) {
  io_Ctx *c = (io_Ctx *)ctx;
  ssize_t n;
  if (c->from) {
    c->from->len = sizeof c->from->u;
    n = recvfrom(s->fd, c->buf, c->len, c->flags, &c->from->u.sa, &c->from->len);
  } else {
    n = recv(s->fd, c->buf, c->len, c->flags);
  }
  if (n < 0) return errno;
  /* with MSG_TRUNC the kernel reports a datagram's real size: keep what fits */
  c->done = (size_t)n < c->len ? (size_t)n : c->len;
  return 0;
}

static int io_send(lsock_Socket *s, void *ctx) {
  io_Ctx *c = (io_Ctx *)ctx;
  int flags = c->flags | sys_sendflags;
  ssize_t n = c->to ? sendto(s->fd, c->buf, c->len, flags, &c->to->u.sa, c->to->len)
                    : send(s->fd, c->buf, c->len, flags);
  if (n < 0) return errno;
  c->done = (size_t)n;
  return 0;
}

static void aux_initctx(io_Ctx *c, const char *buf, size_t len, int flags) {
  c->buf = (char *)buf; /* only io_recv writes, and only into recv buffers */
  c->len = len;
  c->flags = flags;
  c->from = NULL;
  c->to = NULL;
  c->done = 0;
}

int sock_recv(lsock_Socket *s, char *buf, size_t len, int flags, double deadline, size_t *n) {
  io_Ctx c;
  int err;
  aux_initctx(&c, buf, len, flags);
  err = sock_call(s, POLLIN, deadline, io_recv, &c);
  *n = c.done;
  return err;
}

int sock_send(lsock_Socket *s, const char *buf, size_t len, int flags, double deadline, size_t *n) {
  io_Ctx c;
  int err;
  aux_initctx(&c, buf, len, flags);
  err = sock_call(s, POLLOUT, deadline, io_send, &c);
  *n = c.done;
  return err;
}

/* The buffer size for recv(n): n, or for a large n what is waiting
   (at least RECV_DIRECT_MAX, so a read that must wait still gets a chunk). */
static size_t aux_recvsize(lsock_Socket *s, lua_Integer n) {
  size_t pending, least = s->type == SOCK_STREAM ? RECV_DIRECT_MAX : RECV_DGRAM_MAX;
  if (n <= RECV_DIRECT_MAX) return (size_t)n;
  if (sys_pending(s->fd, &pending) != 0 || pending < least) pending = least;
  return pending < (size_t)n ? pending : (size_t)n;
}

static int aux_recv(lua_State *L, int withaddr) {
  lsock_Socket *s = sock_self(L);
  lua_Integer want = luaL_checkinteger(L, 2);
  int flags = (int)luaL_optinteger(L, 3, 0), err;
  compat_Scratch scratch;
  char onstack[RECV_STACK_MAX];
  lsock_Addr from;
  io_Ctx c;
  luaL_argcheck(L, want >= 0, 2, "negative buffersize");
  if (want == 0 && !withaddr) { /* as CPython: no system call, no wait */
    lua_pushliteral(L, "");
    return 1;
  }
  aux_initctx(&c, NULL, aux_recvsize(s, want), flags);
  c.from = withaddr ? &from : NULL;
  /* small reads (requests, datagrams) use the C stack: no allocation
     beyond the result string itself */
  c.buf = c.len <= RECV_STACK_MAX ? onstack : compat_scratch_start(L, &scratch, c.len);
  err = sock_call(s, POLLIN, sock_deadline(s, flags), io_recv, &c);
  if (err) return result_fail(L, err);
  if (c.buf == onstack) lua_pushlstring(L, onstack, c.done);
  else compat_scratch_push(L, &scratch, c.done);
  return withaddr ? 1 + addr_push(L, &from.u.sa, from.len) : 1;
}

static int t_recv(lua_State *L) {
  return aux_recv(L, 0);
}

static int t_recvfrom(lua_State *L) {
  return aux_recv(L, 1);
}

static int t_send(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  size_t len, n;
  const char *data = luaL_checklstring(L, 2, &len);
  int flags = (int)luaL_optinteger(L, 3, 0);
  int err = sock_send(s, data, len, flags, sock_deadline(s, flags), &n);
  if (err) return result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* sendall: one deadline for the whole call; on failure the fourth value
   says how much went out, so nothing is lost track of. */
static int t_sendall(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  size_t len, sent = 0, n;
  const char *data = luaL_checklstring(L, 2, &len);
  int flags = (int)luaL_optinteger(L, 3, 0);
  double deadline = sock_deadline(s, flags);
  while (sent < len) {
    int err = sock_send(s, data + sent, len - sent, flags, deadline, &n);
    if (err) {
      result_fail(L, err);
      lua_pushinteger(L, (lua_Integer)sent);
      return 4;
    }
    sent += n;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static int t_sendto(lua_State *L) {
  lsock_Socket *s = sock_self(L);
  size_t len;
  const char *data = luaL_checklstring(L, 2, &len);
  int flags = 0, addrarg = 3, next, err;
  lsock_Addr to;
  io_Ctx c;
  /* sendto(data, address) or sendto(data, flags, address): an address
     never starts with a number */
  if (lua_type(L, 3) == LUA_TNUMBER) {
    flags = (int)luaL_checkinteger(L, 3);
    addrarg = 4;
  }
  if (!addr_check(L, addrarg, s->family, s->type, &to, &next)) return 3;
  aux_initctx(&c, data, len, flags);
  c.to = &to;
  err = sock_call(s, POLLOUT, sock_deadline(s, flags), io_send, &c);
  if (err) return result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)c.done);
  return 1;
}

const luaL_Reg transfer_methods[] = {
  {"recv", t_recv},
  {"recvfrom", t_recvfrom},
  {"send", t_send},
  {"sendall", t_sendall},
  {"sendto", t_sendto},
  {NULL, NULL}
};
