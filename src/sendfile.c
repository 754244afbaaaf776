/*
** sendfile.c — s:sendfile(file [, offset [, count]]), as Python's
** socket.sendfile: a regular file goes to a stream socket with the
** system's sendfile(2), the kernel copying it; anything else (a pipe, a
** system without the call or refusing this pair) is read and sent. One deadline covers the whole call, every wait is
** lsock_sock_call's (lsock_sock_sendall's for the fallback), and a failure
** says how much went out, after which an io file's position is just past
** it, so the caller can go on from there and nothing is lost.
*/
#include <stdio.h>
#include <string.h>

#include "private.h"

/* The fallback's chunk: as large as a socket's send buffer takes at once. */
#define SENDFILE_CHUNK (64 * 1024)
/* One sendfile(2) call at most (Linux caps a call below 2 GiB). */
#define SENDFILE_MAX ((size_t)0x7ffff000)

typedef struct {
  sys_fd in;
  long long offset;
} aux_Source;

static int io_sendfile(lsock_Socket *s, lsock_Io *io) {
  aux_Source *src = (aux_Source *)(void *)io->buf;
  io->events = POLLOUT;
  return lsock_sys_sendfile(s->fd, src->in, &src->offset, io->len, &io->done);
}

/* How much to move next: the rest of 'count' (0: no limit) capped at 'max'. */
static size_t aux_next(long long count, long long sent, size_t max) {
  if (count == 0 || count - sent > (long long)max) return max;
  return (size_t)(count - sent);
}

/* Whether a failure of the first sendfile(2) means "not for this pair":
   the data must be read and sent instead. */
static int aux_refused(int err) {
  return err == EINVAL || err == ENOSYS || err == ENOTSUP || err == EOPNOTSUPP ||
         err == ESPIPE || err == EAFNOSUPPORT;
}

/* sendfile(2) from src->offset: 0, an error, or ENOTSUP when the kernel
   refused the pair before anything went out. *sent grows as bytes go. */
static int aux_kernelcopy(lua_State *L, lsock_Socket *s, aux_Source *src, long long count,
                          lsock_Call *c, double deadline, long long *sent) {
  for (;;) {
    lsock_Io io;
    int err;
    memset(&io, 0, sizeof io);
    io.buf = (char *)(void *)src;
    io.len = aux_next(count, *sent, SENDFILE_MAX);
    if (io.len == 0) return 0;
    err = lsock_sock_call(L, s, io_sendfile, &io, c, deadline);
    if (err == LSOCK_WOULDWAIT) return err;
    if (err) return (*sent == 0 && aux_refused(err)) ? ENOTSUP : err;
    if (io.done == 0) return 0; /* the end of the file */
    *sent += (long long)io.done;
  }
}

/* Reads and sends: at src->offset for a regular file (pread), from the
   file position otherwise. Only the first may be suspended: a suspended
   call reads again what it had read, which a pipe would not give twice,
   so from a pipe a task's sendfile waits in place. */
static int aux_readsend(lua_State *L, lsock_Socket *s, aux_Source *src, int seekable,
                        long long count, lsock_Call *c, double deadline, long long *sent) {
  char *chunk = (char *)lua_newuserdata(L, SENDFILE_CHUNK);
  for (;;) {
    size_t n, part, want = aux_next(count, *sent, SENDFILE_CHUNK);
    int err;
    if (want == 0) return 0;
    do err = lsock_sys_read(src->in, chunk, want, seekable ? src->offset + *sent : -1, &n);
    while (err == EINTR);
    if (err) return err;
    if (n == 0) return 0;
    if (c != NULL) c->progress = 0;
    err = lsock_sock_sendall(L, s, chunk, n, 0, seekable ? c : NULL, deadline, &part);
    *sent += (long long)part;
    if (err) return err;
  }
}

static long long aux_optcount(lua_State *L, int arg, const char *what) {
  lua_Integer n;
  if (lua_isnoneornil(L, arg)) return 0;
  n = luaL_checkinteger(L, arg);
  luaL_argcheck(L, compat_isinteger(L, arg), arg, lua_pushfstring(L, "%s must be an integer", what));
  luaL_argcheck(L, n >= 0, arg, lua_pushfstring(L, "%s must be non-negative", what));
  return (long long)n;
}

/* s:sendfile(file [, offset [, count]]). Suspended in a task, the count
   sent so far is c->sent and the way (1: the kernel's copy, 2: reading
   and sending) c->step. */
static int sf_sendfile_body(lua_State *L, lsock_Call *c) {
  lsock_Socket *s = lsock_sock_self(L);
  long long offset = aux_optcount(L, 3, "offset");
  long long count = aux_optcount(L, 4, "count"), sent = (long long)c->sent;
  double deadline;
  FILE *stream = NULL;
  lsock_FileInfo info;
  aux_Source src;
  int err;
  luaL_argcheck(L, s->type == SOCK_STREAM, 1, "only SOCK_STREAM type sockets are supported");
  if (compat_tostream(L, 2, &stream)) {
    if (stream == NULL) return luaL_argerror(L, 2, "attempt to use a closed file");
    if ((err = lsock_sys_streamfd(stream, &src.in)) != 0) return lsock_result_fail(L, err);
  } else {
    lua_Integer fd;
    if (!compat_isinteger(L, 2)) return compat_typeerror(L, 2, "io file or descriptor");
    fd = lua_tointeger(L, 2);
    luaL_argcheck(L, lsock_sys_validfd((double)fd), 2, "invalid file descriptor");
    src.in = (sys_fd)fd;
  }
  if ((err = lsock_sys_fileinfo(src.in, &info)) != 0) return lsock_result_fail(L, err);
  if (!c->resumed) c->deadline = lsock_sock_deadline(L, s, 0);
  deadline = c->deadline;
  /* as Python: a file that is not regular cannot start anywhere but here */
  if (!info.regular && offset != 0) return lsock_result_fail(L, ESPIPE);
  src.offset = offset + sent;
  err = ENOTSUP;
  if (info.regular && c->step != 2) {
    c->step = 1;
    err = aux_kernelcopy(L, s, &src, count, c, deadline, &sent);
  }
  if (err == ENOTSUP) {
    c->step = 2;
    src.offset = offset;
    err = aux_readsend(L, s, &src, info.regular, count, c, deadline, &sent);
  }
  c->sent = (double)sent;
  if (err == LSOCK_WOULDWAIT) return LSOCK_YIELD;
  /* the file's position ends after what was sent, success or not */
  if (info.regular) {
    int serr = stream ? lsock_sys_streamseek(stream, offset + sent)
                      : lsock_sys_seek(src.in, offset + sent);
    if (!err) err = serr;
  }
  if (err) {
    lsock_result_fail(L, err);
    lua_pushinteger(L, (lua_Integer)sent);
    return 4;
  }
  lua_pushinteger(L, (lua_Integer)sent);
  return 1;
}

static int sf_sendfile(lua_State *L) {
  return lsock_call_run(L, 4, sf_sendfile_body);
}

const luaL_Reg lsock_sendfile_methods[] = {
  {"sendfile", sf_sendfile},
  {NULL, NULL}
};
