/*
** transfer.c — the data path of the socket object: recv, recvfrom, send,
** sendall, sendto, and the receive and send-all loops makefile shares.
** Every call goes through lsock_sock_call and the socket's transport: it
** tries first and waits only when it would block, so a socket in timeout
** mode costs nothing extra while data flows.
**
** Nothing taken from the kernel is lost: the result string is made in a
** protected call, and when memory runs out there the bytes go to the
** socket's stash, which the next receive returns first.
*/
#include <string.h>

#include "private.h"

/* recv(n) with n above this sizes its buffer by what is waiting, so a
   huge n allocates what arrived, not n bytes. */
#define RECV_DIRECT_MAX (64 * 1024)
/* Reads up to this size go through a buffer on the C stack. */
#define RECV_STACK_MAX 8192

static void aux_initio(lsock_Io *io, const char *buf, size_t len, int flags) {
  io->buf = (char *)buf; /* only receives write, and only into their buffers */
  io->len = len;
  io->flags = flags;
  io->from = NULL;
  io->to = NULL;
  io->done = 0;
  io->events = 0;
  io->receive = 0;
}

static int io_recv(lsock_Socket *s, lsock_Io *io) {
  return s->transport->recv(s, io);
}

static int io_send(lsock_Socket *s, lsock_Io *io) {
  return s->transport->send(s, io);
}

/* ------------------------------------------------------------ the stash */

static int aux_hasstash(const lsock_Socket *s) {
  return s->stash != NULL && s->stash->pos < s->stash->len;
}

static void aux_freestash(lua_State *L, lsock_Socket *s) {
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  alloc(ud, s->stash, offsetof(lsock_Stash, data) + s->stash->cap, 0);
  s->stash = NULL;
}

/* The socket's buffer for a receive of 'len' bytes, raising when memory
   is short (before anything is taken from the kernel). */
static lsock_Stash *aux_rxbuffer(lua_State *L, lsock_Socket *s, size_t len) {
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  lsock_Stash *st;
  if (s->stash != NULL) aux_freestash(L, s); /* a call that raised mid-way left it */
  st = (lsock_Stash *)alloc(ud, NULL, 0, offsetof(lsock_Stash, data) + len);
  if (st == NULL) luaL_error(L, "not enough memory");
  st->cap = len;
  st->len = st->pos = 0;
  st->hasfrom = 0;
  s->stash = st;
  return st;
}

/* Takes up to 'len' bytes from the stash into 'buf' (a datagram whole or
   cut, as the kernel would give it); returns the count. */
static size_t aux_unstash(lua_State *L, lsock_Socket *s, char *buf, size_t len, lsock_Addr *from) {
  lsock_Stash *st = s->stash;
  size_t n = st->len - st->pos;
  if (n > len) n = len;
  memcpy(buf, st->data + st->pos, n);
  if (from && st->hasfrom) *from = st->from;
  st->pos += n;
  if (st->pos >= st->len || s->type != SOCK_STREAM) aux_freestash(L, s);
  return n;
}

/* The registry key of the function that makes a result string. */
static const char PUSHBYTES_KEY = 0;

typedef struct {
  const char *p;
  size_t n;
} aux_Bytes;

static int aux_pushbytes(lua_State *L) {
  const aux_Bytes *b = (const aux_Bytes *)lua_touserdata(L, 1);
  lua_pushlstring(L, b->p, b->n);
  return 1;
}

/* Pushes p[0..n) in a protected call (the function was made at open, so
   fetching it allocates nothing): 0, or the error status with the error
   on top, for the caller to put the bytes somewhere safe first. */
static int aux_pushprotected(lua_State *L, const char *p, size_t n) {
  aux_Bytes b;
  b.p = p;
  b.n = n;
  lua_pushlightuserdata(L, (void *)&PUSHBYTES_KEY);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, &b);
  return lua_pcall(L, 1, 1, 0);
}

/* Pushes the bytes a receive took from the kernel as its result. Should
   memory run out, they are stashed and the error re-raised: bytes in the
   socket's buffer stay there, others are copied to a new stash, which
   only a second memory error can prevent. */
static void aux_pushresult(lua_State *L, lsock_Socket *s, const char *p, size_t n,
                           const lsock_Addr *from) {
  lsock_Stash *st = s->stash;
  int inbuffer = st != NULL && p == st->data;
  if (aux_pushprotected(L, p, n) == 0) {
    if (inbuffer) aux_freestash(L, s); /* at once: large buffers must not pile up */
    return;
  }
  if (!inbuffer) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    if (st != NULL) aux_freestash(L, s);
    st = (lsock_Stash *)alloc(ud, NULL, 0, offsetof(lsock_Stash, data) + n);
    if (st == NULL) lua_error(L);
    st->cap = n;
    memcpy(st->data, p, n);
    s->stash = st;
  }
  st->pos = 0;
  st->len = n;
  st->hasfrom = from != NULL;
  if (from) st->from = *from;
  lua_error(L);
}

/* Pushes up to 'len' stashed bytes as the result, consuming them only
   once the string exists (a stream keeps the rest for the next call). */
static void aux_pushstash(lua_State *L, lsock_Socket *s, size_t len, lsock_Addr *from) {
  lsock_Stash *st = s->stash;
  size_t n = st->len - st->pos;
  if (n > len) n = len;
  if (aux_pushprotected(L, st->data + st->pos, n) != 0) lua_error(L);
  if (from && st->hasfrom) *from = st->from;
  st->pos += n;
  if (st->pos >= st->len || s->type != SOCK_STREAM) aux_freestash(L, s);
}

void lsock_transfer_open(lua_State *L) {
  lua_pushlightuserdata(L, (void *)&PUSHBYTES_KEY);
  lua_pushcfunction(L, aux_pushbytes);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

/* ------------------------------------------------------------- receive */

int lsock_sock_recv(lua_State *L, lsock_Socket *s, char *buf, size_t len, int flags,
                    lsock_Call *c, double deadline, size_t *n) {
  return lsock_sock_recvfrom(L, s, buf, len, flags, c, deadline, NULL, n);
}

int lsock_sock_recvfrom(lua_State *L, lsock_Socket *s, char *buf, size_t len, int flags,
                        lsock_Call *c, double deadline, lsock_Addr *from, size_t *n) {
  lsock_Io io;
  int err;
  if (aux_hasstash(s) && !(flags & MSG_PEEK)) {
    *n = aux_unstash(L, s, buf, len, from);
    return 0;
  }
  aux_initio(&io, buf, len, flags);
  io.from = from;
  io.receive = 1;
  err = lsock_sock_call(L, s, io_recv, &io, c, deadline);
  *n = io.done;
  return err;
}

/* The size of the next datagram, waiting for one as the call may. */
static int io_nextsize(lsock_Socket *s, lsock_Io *io) {
  io->events = POLLIN;
  return lsock_sys_nextsize(s->fd, s->timeout >= 0 ? io->flags | lsock_sys_dontwait : io->flags,
                            &io->done);
}

/* The buffer size for recv(n) on a stream: n, or for a large n what is
   waiting (at least RECV_DIRECT_MAX, so a read that must wait still gets
   a chunk). MSG_WAITALL asks for all n, as the system will wait for it. */
static size_t aux_streamsize(lsock_Socket *s, lua_Integer n, int flags) {
  size_t pending;
  if (n <= RECV_DIRECT_MAX) return (size_t)n;
  if (flags & MSG_WAITALL) return RECV_DIRECT_MAX; /* aux_recvall grows it */
  if (lsock_sys_pending(s->fd, &pending) != 0 || pending < RECV_DIRECT_MAX)
    pending = RECV_DIRECT_MAX;
  return pending < (size_t)n ? pending : (size_t)n;
}

/* MSG_WAITALL on a stream wants all 'want' bytes, as the system waits for
   them, but memory follows what arrives: the socket's buffer doubles each
   time a receive fills it. The bytes already in it are marked stashed
   before it grows, so a memory error there loses nothing. Returns 0 with
   the count in io->done, or an error with nothing received. */
static int aux_recvall(lua_State *L, lsock_Socket *s, lsock_Io *io, size_t want, lsock_Call *c) {
  lsock_Stash *st;
  size_t done = 0;
  if (c->step == 1 && s->stash != NULL) {
    /* resumed: the bytes so far were marked stashed while it waited */
    st = s->stash;
    done = st->len - st->pos;
    memmove(st->data, st->data + st->pos, done);
    st->len = st->pos = 0;
  } else st = aux_rxbuffer(L, s, io->len);
  c->step = 0;
  for (;;) {
    int err;
    io->buf = st->data + done;
    io->len = st->cap - done;
    io->receive = 1;
    err = lsock_sock_call(L, s, io_recv, io, c, c->deadline);
    if (err == LSOCK_WOULDWAIT && done > 0) {
      /* suspended: what arrived is kept as stashed bytes, which the next
         receive returns first should this call never resume */
      st->pos = 0;
      st->len = done;
      c->step = 1;
      return err;
    }
    if (err && done == 0) return err;
    if (err) break; /* what arrived is the result, as the system gives it */
    done += io->done;
    if (io->done == 0 || done == want) break;
    if (done == st->cap) {
      void *ud;
      lua_Alloc alloc = lua_getallocf(L, &ud);
      size_t ncap = st->cap > want / 2 ? want : 2 * st->cap;
      lsock_Stash *nst;
      st->len = done;
      nst = (lsock_Stash *)alloc(ud, st, offsetof(lsock_Stash, data) + st->cap,
                                 offsetof(lsock_Stash, data) + ncap);
      if (nst == NULL) luaL_error(L, "not enough memory"); /* the bytes stay stashed */
      nst->len = 0;
      nst->cap = ncap;
      s->stash = st = nst;
    }
  }
  io->buf = st->data;
  io->done = done;
  return 0;
}

/* recv and recvfrom. A datagram cannot be read in pieces, so a large
   receive on a datagram socket first learns the next one's size (after
   waiting for it, if it must) and only then makes room. */
static int aux_recv(lua_State *L, lsock_Call *c, int withaddr) {
  lsock_Socket *s = lsock_sock_self(L);
  lua_Integer want = luaL_checkinteger(L, 2);
  int flags = lsock_opt_int(L, 3, 0), err;
  double deadline;
  char onstack[RECV_STACK_MAX];
  lsock_Addr from;
  lsock_Io io;
  luaL_argcheck(L, want >= 0, 2, "negative buffersize");
  if (want == 0 && !withaddr) { /* as CPython: no system call, no wait */
    lua_pushliteral(L, "");
    return 1;
  }
  luaL_checkstack(L, 8, NULL); /* before any byte is taken */
  if (!c->resumed) c->deadline = lsock_sock_deadline(L, s, flags);
  deadline = c->deadline;
  from.len = 0;
  aux_initio(&io, onstack, (size_t)want, flags);
  io.from = withaddr ? &from : NULL;
  if (aux_hasstash(s) && !(flags & MSG_PEEK) && c->step == 0) {
    /* what a memory error left behind comes first, with its sender */
    aux_pushstash(L, s, io.len, withaddr ? &from : NULL);
    return withaddr ? 1 + lsock_addr_push(L, &from) : 1;
  }
  for (;;) {
    int sized = 0;
    io.buf = onstack;
    if (s->type == SOCK_STREAM) io.len = aux_streamsize(s, want, flags);
    else if (want > RECV_DIRECT_MAX) {
      io.len = (size_t)want;
      if ((err = lsock_sock_call(L, s, io_nextsize, &io, c, deadline)) != 0)
        return lsock_result_fail(L, err);
      io.len = io.done < (size_t)want ? io.done : (size_t)want;
      if (io.len == 0) io.len = 1; /* an empty datagram still needs a receive */
      sized = 1;
    }
    if (s->type == SOCK_STREAM && (flags & MSG_WAITALL) && want > RECV_DIRECT_MAX) {
      err = aux_recvall(L, s, &io, (size_t)want, c);
      break;
    }
    /* small reads (requests, datagrams) use the C stack: no allocation
       beyond the result string itself */
    if (io.len > RECV_STACK_MAX) io.buf = aux_rxbuffer(L, s, io.len)->data;
    /* a sized datagram is there now: no wait, unless another reader took it */
    io.receive = 1;
    err = lsock_sock_call(L, s, io_recv, &io, c, sized ? LSOCK_NOWAIT : deadline);
    if (!(sized && (err == EAGAIN || err == EWOULDBLOCK) && deadline != LSOCK_NOWAIT)) break;
  }
  if (err) return lsock_result_fail(L, err);
  aux_pushresult(L, s, io.buf, io.done, withaddr ? &from : NULL);
  return withaddr ? 1 + lsock_addr_push(L, &from) : 1;
}

static int t_recv_body(lua_State *L, lsock_Call *c) {
  return aux_recv(L, c, 0);
}

static int t_recv(lua_State *L) {
  return lsock_call_run(L, 3, t_recv_body);
}

static int t_recvfrom_body(lua_State *L, lsock_Call *c) {
  return aux_recv(L, c, 1);
}

static int t_recvfrom(lua_State *L) {
  return lsock_call_run(L, 3, t_recvfrom_body);
}

/* ---------------------------------------------------------------- send */

/* Sends p[0..len) whole. With a call record, the count sent so far is
   c->progress, so a send-all resumed after a suspension goes on from
   there; p is always the whole of the data. */
int lsock_sock_sendall(lua_State *L, lsock_Socket *s, const char *p, size_t len, int flags,
                       lsock_Call *c, double deadline, size_t *sent) {
  lsock_Io io;
  *sent = c != NULL ? (size_t)c->progress : 0;
  while (*sent < len) {
    int err;
    aux_initio(&io, p + *sent, len - *sent, flags);
    err = lsock_sock_call(L, s, io_send, &io, c, deadline);
    if (err) return err;
    *sent += io.done;
    if (c != NULL) c->progress = (double)*sent;
  }
  return 0;
}

static int t_send_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_self(L);
  size_t len;
  const char *data = lsock_buffer_checkbytes(L, 2, &len);
  int flags = lsock_opt_int(L, 3, 0), err;
  lsock_Io io;
  if (!c->resumed) c->deadline = lsock_sock_deadline(L, s, flags);
  aux_initio(&io, data, len, flags);
  if ((err = lsock_sock_call(L, s, io_send, &io, c, c->deadline)) != 0)
    return lsock_result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)io.done);
  return 1;
}

static int t_send(lua_State *L) {
  return lsock_call_run(L, 3, t_send_body);
}

/* sendall: one deadline for the whole call; on failure the fourth value
   says how much went out, so nothing is lost track of. */
static int t_sendall_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_self(L);
  size_t len, sent;
  const char *data = lsock_buffer_checkbytes(L, 2, &len);
  int flags = lsock_opt_int(L, 3, 0), err;
  if (!c->resumed) c->deadline = lsock_sock_deadline(L, s, flags);
  err = lsock_sock_sendall(L, s, data, len, flags, c, c->deadline, &sent);
  if (err == LSOCK_WOULDWAIT) return LSOCK_YIELD;
  if (err) {
    lsock_result_fail(L, err);
    lua_pushinteger(L, (lua_Integer)sent);
    return 4;
  }
  return lsock_result_ok(L);
}

static int t_sendall(lua_State *L) {
  return lsock_call_run(L, 3, t_sendall_body);
}

static int t_sendto_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_self(L);
  size_t len;
  const char *data = lsock_buffer_checkbytes(L, 2, &len);
  int flags = 0, addrarg = 3, next, err;
  lsock_Addr to;
  lsock_Io io;
  /* sendto(data, address) or sendto(data, flags, address): an address
     never starts with a number */
  if (lua_type(L, 3) == LUA_TNUMBER) {
    flags = lsock_check_int(L, 3);
    addrarg = 4;
  }
  {
    int ok = lsock_addr_check(L, c, addrarg, s->family, s->type, &to, &next);
    if (ok <= 0) return ok < 0 ? LSOCK_YIELD : 3;
  }
  if (!c->resumed) c->deadline = lsock_sock_deadline(L, s, flags);
  aux_initio(&io, data, len, flags);
  io.to = &to;
  if ((err = lsock_sock_call(L, s, io_send, &io, c, c->deadline)) != 0)
    return lsock_result_fail(L, err);
  lua_pushinteger(L, (lua_Integer)io.done);
  return 1;
}

static int t_sendto(lua_State *L) {
  return lsock_call_run(L, -1, t_sendto_body);
}

const luaL_Reg lsock_transfer_methods[] = {
  {"recv", t_recv},
  {"recvfrom", t_recvfrom},
  {"send", t_send},
  {"sendall", t_sendall},
  {"sendto", t_sendto},
  {NULL, NULL}
};
