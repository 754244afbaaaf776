/*
** file.c — makefile(): a buffered file over a socket, shaped like Lua's io
** handles (read with "l" "L" "a" "n" and counts, lines, write, flush,
** setvbuf, close), so a line protocol reads as a file does.
**
** Two promises shape the code. Nothing is lost to a timeout: a read works
** on a cursor into its buffer and consumes the bytes only once the whole
** call has succeeded, so a read that times out leaves every byte it
** received for the next one; a write keeps what it could not send in the
** write buffer for the next flush. And, as in Python, the descriptor lives
** on while a file uses it: the file holds a registry reference to its
** socket (so the socket's memory outlives the file, whatever order the
** collector finalizes them in) and counts itself in s->files; the
** descriptor closes when the socket is closed and the last file is done.
**
** Prefixes: f_ methods, g_ workers shared by several methods, r_ the read
** formats, w_ the write side, aux_ helpers, file_ shared with other files.
*/
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

/* Reads are refilled with one recv of up to this much: large enough that a
   stream of short lines costs one system call per many lines. */
#define FILE_READSIZE (64 * 1024)
/* The write buffer's size when makefile is given none (Python's). */
#define FILE_WRITESIZE 8192
/* The longest numeral "n" reads, as liolib's L_MAXLENNUM. */
#define FILE_MAXLENNUM 200

enum { WMODE_NO, WMODE_FULL, WMODE_LINE };

typedef struct lsock_File {
  lsock_Handle h;   /* first: select and the poller ask it */
  lsock_Socket *s;  /* NULL once the file is closed */
  int ref;          /* the registry reference that keeps 's' alive */
  int readable, writable;
  int wmode;        /* WMODE_*: when written data goes out */
  size_t wlimit;    /* buffer this much before sending (full/line modes) */
  char *rbuf;       /* unread bytes are rbuf[rpos .. rend) */
  size_t rsize, rpos, rend;
  char *wbuf;       /* unsent bytes are wbuf[0 .. wlen) */
  size_t wsize, wlen;
  int starved;      /* the last read wanted more than the buffer held */
} lsock_File;

/* ---------------------------------------------------------------- memory */

/* The buffers come from the state's allocator and hang off the userdata at
   once, so __gc frees them whatever error interrupts a call. */
static void *aux_realloc(lua_State *L, void *p, size_t osize, size_t nsize) {
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  void *q = alloc(ud, p, osize, nsize);
  if (q == NULL && nsize > 0) luaL_error(L, "not enough memory");
  return q;
}

static void aux_freebuffers(lua_State *L, lsock_File *f) {
  if (f->rbuf) aux_realloc(L, f->rbuf, f->rsize, 0);
  if (f->wbuf) aux_realloc(L, f->wbuf, f->wsize, 0);
  f->rbuf = f->wbuf = NULL;
  f->rsize = f->rpos = f->rend = 0;
  f->wsize = f->wlen = 0;
}

/* Moves the unread bytes to the front of the read buffer. */
static void aux_compact(lsock_File *f) {
  if (f->rpos == 0) return;
  memmove(f->rbuf, f->rbuf + f->rpos, f->rend - f->rpos);
  f->rend -= f->rpos;
  f->rpos = 0;
}

/* --------------------------------------------------------------- the file */

static lsock_File *aux_tofile(lua_State *L) {
  return (lsock_File *)luaL_checkudata(L, 1, LSOCK_FILE_METATABLE);
}

static lsock_File *aux_checkopen(lua_State *L) {
  lsock_File *f = aux_tofile(L);
  if (f->s == NULL) luaL_error(L, "attempt to use a closed file");
  return f;
}

/* Lets go of the socket: the descriptor closes here when the socket was
   closed before. 0 or the errno of that close. */
static int aux_release(lua_State *L, lsock_File *f) {
  lsock_Socket *s = f->s;
  aux_freebuffers(L, f);
  f->s = NULL;
  luaL_unref(L, LUA_REGISTRYINDEX, f->ref);
  f->ref = LUA_NOREF;
  return lsock_sock_unref(L, s);
}

/* ------------------------------------------------------------ the handle */

static sys_fd aux_handlefd(lua_State *L, lsock_Handle *h) {
  lsock_File *f = (lsock_File *)h;
  if (f->s == NULL) luaL_error(L, "attempt to use a closed file");
  /* detach gave the descriptor away: there is nothing left to wait on */
  if (f->s->fd == SYS_NOFD) luaL_error(L, "attempt to use a file whose socket was detached (closed)");
  return f->s->fd;
}

/* Buffered, unread bytes make a file readable at once, unless the last
   read wanted more than them; then the socket's own answer counts. */
static int aux_handlepending(lsock_Handle *h) {
  lsock_File *f = (lsock_File *)h;
  if (f->s == NULL) return 0;
  if (f->rend > f->rpos && !f->starved) return 1;
  return f->s->transport->pending(f->s) == 1;
}

static const lsock_HandleClass file_class = {aux_handlefd, aux_handlepending};

int lsock_file_makefile(lua_State *L) {
  static const char *const modes[] = {"r", "w", "rw", "rb", "wb", "rwb", NULL};
  lsock_Socket *s = lsock_sock_checkopen(L, 1);
  int mode = luaL_checkoption(L, 2, "r", modes);
  lua_Integer buffering = luaL_optinteger(L, 3, FILE_WRITESIZE);
  lsock_File *f;
  luaL_argcheck(L, buffering >= 0, 3, "negative buffer size");
  lua_settop(L, 1);
  /* made closed, then opened: an error in between leaves nothing to undo */
  f = (lsock_File *)compat_newudata(L, sizeof *f);
  memset(f, 0, sizeof *f);
  f->h.cls = &file_class;
  f->s = NULL;
  f->ref = LUA_NOREF;
  f->rbuf = f->wbuf = NULL;
  luaL_setmetatable(L, LSOCK_FILE_METATABLE);
  f->readable = mode != 1 && mode != 4;
  f->writable = mode != 0 && mode != 3;
  /* Python's buffering: 0 unbuffered, 1 line-buffered, n a buffer of n */
  f->wmode = buffering == 0 ? WMODE_NO : buffering == 1 ? WMODE_LINE : WMODE_FULL;
  f->wlimit = buffering > 1 ? (size_t)buffering : FILE_WRITESIZE;
  lua_pushvalue(L, 1);
  f->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  f->s = s;
  s->files++;
  return 1;
}

/* ------------------------------------------------------------ the reader */

/* One read call: it uses the buffer through 'cur' (bytes past rpos) and
   consumes them only when it succeeds, so a timeout gives them back. */
typedef struct {
  lua_State *L;
  lsock_File *f;
  lsock_Call *c; /* its deadline, once computed: only when it must receive */
  size_t cur;
  int timed;
  int eof;
  int err;    /* 0, or the errno / LSOCK_TIMEOUT / LSOCK_WOULDWAIT that ends it */
} aux_Reader;

static size_t aux_avail(const aux_Reader *r) {
  return r->f->rend - r->f->rpos - r->cur;
}

static const char *aux_at(const aux_Reader *r) {
  /* before the first receive there is no buffer: NULL + 0 is undefined */
  return r->f->rbuf ? r->f->rbuf + r->f->rpos + r->cur : "";
}

/* Receives more bytes into the buffer (growing it when the call holds it
   all): 1 when some arrived, 0 at end of stream or on error (r->err). */
static int aux_fill(lua_State *L, aux_Reader *r) {
  lsock_File *f = r->f;
  size_t n;
  if (r->eof || r->err) return 0;
  aux_compact(f);
  if (f->rend == f->rsize) {
    size_t nsize = f->rsize ? 2 * f->rsize : FILE_READSIZE;
    f->rbuf = (char *)aux_realloc(L, f->rbuf, f->rsize, nsize);
    f->rsize = nsize;
  }
  if (!r->timed) {
    r->c->deadline = lsock_sock_deadline(L, f->s, 0);
    r->timed = 1;
  }
  r->err = lsock_sock_recv(L, f->s, f->rbuf + f->rend, f->rsize - f->rend, 0, r->c,
                           r->c->deadline, &n);
  /* the receive may have run a waiter, which may have closed the file */
  if (r->f->s == NULL) luaL_error(L, "attempt to use a closed file");
  if (r->err) return 0;
  if (n == 0) {
    r->eof = 1;
    return 0;
  }
  f->rend += n;
  return 1;
}

/* The call succeeded: its bytes are consumed. A buffer that a long line or
   read("a") grew is given back once it is mostly unused. */
static void aux_consume(lua_State *L, aux_Reader *r) {
  lsock_File *f = r->f;
  f->rpos += r->cur;
  if (f->rpos == f->rend) f->rpos = f->rend = 0;
  if (f->rsize > FILE_READSIZE && f->rend - f->rpos <= FILE_READSIZE / 2) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    void *p;
    aux_compact(f);
    p = alloc(ud, f->rbuf, f->rsize, FILE_READSIZE);
    if (p != NULL) { /* a failed shrink keeps the larger buffer */
      f->rbuf = (char *)p;
      f->rsize = FILE_READSIZE;
    }
  }
}

static void aux_take(lua_State *L, aux_Reader *r, size_t len, size_t push) {
  lua_pushlstring(L, aux_at(r), push);
  r->cur += len;
}

/* "l" and "L": up to and including the next newline; what is left at end
   of stream is the last line. */
static int r_line(lua_State *L, aux_Reader *r, int chop) {
  size_t scanned = 0; /* bytes past cur known to hold no newline */
  size_t avail;
  for (;;) {
    const char *p = aux_at(r), *nl;
    avail = aux_avail(r);
    nl = (const char *)memchr(p + scanned, '\n', avail - scanned);
    if (nl != NULL) {
      size_t len = (size_t)(nl - p) + 1;
      aux_take(L, r, len, chop ? len - 1 : len);
      return 1;
    }
    scanned = avail;
    if (!aux_fill(L, r)) break;
  }
  if (r->err) return 0;
  avail = aux_avail(r);
  aux_take(L, r, avail, avail);
  return avail > 0;
}

/* "a": everything up to the end of the stream; "" when there is nothing. */
static int r_all(lua_State *L, aux_Reader *r) {
  size_t avail;
  while (aux_fill(L, r)) {}
  if (r->err) return 0;
  avail = aux_avail(r);
  aux_take(L, r, avail, avail);
  return 1;
}

/* A count: n bytes, fewer only at end of stream, nil when there are none. */
static int r_chars(lua_State *L, aux_Reader *r, size_t n) {
  size_t avail;
  while (aux_avail(r) < n && aux_fill(L, r)) {}
  if (r->err) return 0;
  avail = aux_avail(r);
  if (avail > n) avail = n;
  aux_take(L, r, avail, avail);
  return avail > 0;
}

/* read(0): "" unless the stream has ended, as io's test_eof. */
static int r_eof(lua_State *L, aux_Reader *r) {
  int more = aux_avail(r) > 0 || aux_fill(L, r);
  if (r->err) return 0;
  lua_pushliteral(L, "");
  return more;
}

/* "n", after liolib's read_number: the longest prefix that may be a
   numeral, then lua_stringtonumber decides. 'c' is the next byte, not yet
   consumed (EOF at end of stream). */
typedef struct {
  aux_Reader *r;
  lua_State *L;
  int c;
  int n;
  char buff[FILE_MAXLENNUM + 1];
} aux_Numeral;

static int aux_peek(aux_Numeral *rn) {
  aux_Reader *r = rn->r;
  if (aux_avail(r) == 0 && !aux_fill(rn->L, r)) return EOF;
  return (unsigned char)*aux_at(r);
}

static int aux_nextc(aux_Numeral *rn) {
  if (rn->n >= FILE_MAXLENNUM) {
    rn->buff[0] = '\0'; /* too long: invalidate the numeral */
    return 0;
  }
  rn->buff[rn->n++] = (char)rn->c;
  rn->r->cur++;
  rn->c = aux_peek(rn);
  return 1;
}

static int aux_test2(aux_Numeral *rn, const char *set) {
  if (rn->c != EOF && (rn->c == set[0] || rn->c == set[1])) return aux_nextc(rn);
  return 0;
}

static int aux_readdigits(aux_Numeral *rn, int hex) {
  int count = 0;
  while (rn->c != EOF && (hex ? isxdigit(rn->c) : isdigit(rn->c)) && aux_nextc(rn)) count++;
  return count;
}

static int r_number(lua_State *L, aux_Reader *r) {
  aux_Numeral rn = {0}; /* all of it, buff included */
  int count = 0, hex = 0;
  rn.r = r;
  rn.L = L;
  rn.n = 0;
  while ((rn.c = aux_peek(&rn)) != EOF && isspace(rn.c)) r->cur++;
  aux_test2(&rn, "-+");
  if (aux_test2(&rn, "00")) {
    if (aux_test2(&rn, "xX")) hex = 1;
    else count = 1;
  }
  count += aux_readdigits(&rn, hex);
  if (aux_test2(&rn, "..")) count += aux_readdigits(&rn, hex);
  if (count > 0 && aux_test2(&rn, hex ? "pP" : "eE")) {
    aux_test2(&rn, "-+");
    aux_readdigits(&rn, 0);
  }
  if (r->err) return 0;
  rn.buff[rn.n] = '\0';
  if (compat_stringtonumber(L, rn.buff)) return 1;
  lua_pushnil(L);
  return 0;
}

/* The 'nargs' formats from 'first' on, as io's g_read: the results up to
   the first that fails (nil). A failed receive returns nil, message,
   errno and consumes nothing, not even what earlier formats of the call
   read; so a read suspended to wait runs again from its start. */
static int g_read(lua_State *L, lsock_File *f, int first, int nargs, lsock_Call *c) {
  int n, success = 1;
  aux_Reader r;
  if (!f->readable) return lsock_result_fail(L, EBADF);
  r.L = L;
  r.f = f;
  r.c = c;
  r.cur = 0;
  r.timed = c->resumed;
  r.eof = 0;
  r.err = 0;
  if (nargs <= 0) {
    success = r_line(L, &r, 1);
    n = first + 1;
  } else {
    luaL_checkstack(L, nargs + LUA_MINSTACK, "too many arguments");
    for (n = first; nargs-- && success; n++) {
      if (lua_type(L, n) == LUA_TNUMBER) {
        lua_Integer l = luaL_checkinteger(L, n);
        luaL_argcheck(L, l >= 0, n, "negative count");
        success = l == 0 ? r_eof(L, &r) : r_chars(L, &r, (size_t)l);
      } else {
        const char *p = luaL_checkstring(L, n);
        if (*p == '*') p++; /* Lua 5.1-5.3 spell the formats "*l" */
        switch (*p) {
          case 'n': success = r_number(L, &r); break;
          case 'l': success = r_line(L, &r, 1); break;
          case 'L': success = r_line(L, &r, 0); break;
          case 'a': success = r_all(L, &r); break;
          default: return luaL_argerror(L, n, "invalid format");
        }
      }
      if (r.err) break;
    }
  }
  /* a read that failed on buffered bytes must not make select report them
     ready again and again: until more arrive, select waits on the socket */
  f->starved = r.err != 0;
  if (r.err) return lsock_result_fail(L, r.err);
  aux_consume(L, &r);
  if (!success) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  return n - first;
}

static int f_read_body(lua_State *L, lsock_Call *c) {
  return g_read(L, aux_checkopen(L), 2, c->base - 1, c);
}

static int f_read(lua_State *L) {
  return lsock_call_run(L, -1, f_read_body);
}

/* The iterator of f:lines(...): upvalues are the file, the number of
   formats, then the formats. As io's, it raises on a failed read — a
   timeout included, since a for loop would take nil for the end of the
   stream; the bytes received stay buffered for a later read. */
static int aux_readline_body(lua_State *L, lsock_Call *c) {
  lsock_File *f = (lsock_File *)lua_touserdata(L, lua_upvalueindex(1));
  int i, n = (int)lua_tointeger(L, lua_upvalueindex(2)), first = lua_gettop(L) + 1;
  if (f->s == NULL) return luaL_error(L, "file is already closed");
  luaL_checkstack(L, n, "too many arguments");
  for (i = 1; i <= n; i++) lua_pushvalue(L, lua_upvalueindex(2 + i));
  n = g_read(L, f, first, n, c);
  if (n == LSOCK_YIELD) return n;
  if (lua_toboolean(L, -n)) return n;
  if (n > 1 && lua_isstring(L, -n + 1)) return luaL_error(L, "%s", lua_tostring(L, -n + 1));
  return 0;
}

static int aux_readline(lua_State *L) {
  return lsock_call_run(L, 0, aux_readline_body);
}

static int f_lines(lua_State *L) {
  int n;
  aux_checkopen(L);
  n = lua_gettop(L) - 1;
  /* as io: the formats travel as upvalues, of which a closure has 255 */
  luaL_argcheck(L, n <= 250, 252, "too many arguments");
  lua_pushinteger(L, n);
  lua_insert(L, 2);
  lua_pushcclosure(L, aux_readline, 2 + n);
  lsock_call_wrap(L, -1, "lines", 0);
  return 1;
}

/* --------------------------------------------------------- the write side */

/* One write call: its deadline (in the call record, or here without
   one), taken when it first must send. */
typedef struct {
  lua_State *L;
  lsock_File *f;
  lsock_Call *c;
  double deadline;
  int timed;
  int flags;
} aux_Writer;

/* Sends p[0..len) until done or failed: 0 or an error, the count in *sent. */
static int w_send(aux_Writer *w, const char *p, size_t len, size_t *sent) {
  lsock_Socket *s = w->f->s;
  int err;
  if (!w->timed) {
    w->deadline = lsock_sock_deadline(w->L, s, w->flags);
    if (w->c != NULL) w->c->deadline = w->deadline;
    w->timed = 1;
  }
  /* each send-all starts from 0: what a suspended one sent is already out
     of the buffer, and the rest is in it */
  if (w->c != NULL) w->c->progress = 0;
  err = lsock_sock_sendall(w->L, s, p, len, w->flags, w->c, w->deadline, sent);
  /* the send may have run a waiter, which may have closed the file */
  if (w->f->s == NULL) luaL_error(w->L, "attempt to use a closed file");
  return err;
}

/* Appends to the write buffer, growing it past wlimit when it must hold
   what could not be sent. */
static void w_append(lua_State *L, lsock_File *f, const char *p, size_t len) {
  if (len == 0) return; /* wbuf may still be NULL: NULL + 0 is undefined */
  if (f->wlen + len > f->wsize) {
    /* grown to what it holds, never to wlimit at once: makefile("w", 2^60)
       is a policy for flushing, not a request for that much memory */
    size_t need = f->wlen + len, nsize = f->wsize ? f->wsize : FILE_WRITESIZE;
    while (nsize < need) nsize = nsize > need / 2 ? need : nsize * 2;
    f->wbuf = (char *)aux_realloc(L, f->wbuf, f->wsize, nsize);
    f->wsize = nsize;
  }
  memcpy(f->wbuf + f->wlen, p, len);
  f->wlen += len;
}

/* Sends the write buffer; what does not go out stays at its front. */
static int w_flush(aux_Writer *w) {
  lsock_File *f = w->f;
  size_t sent;
  int err;
  if (f->wlen == 0) return 0;
  err = w_send(w, f->wbuf, f->wlen, &sent);
  memmove(f->wbuf, f->wbuf + sent, f->wlen - sent);
  f->wlen -= sent;
  return err;
}

/* Writes one piece as Python's BufferedWriter: into the buffer when it
   fits, else after what is buffered, at once; whatever cannot be sent is
   buffered for the next flush. */
static int w_put(lua_State *L, aux_Writer *w, const char *p, size_t len) {
  lsock_File *f = w->f;
  size_t sent;
  int err, buffered = f->wmode != WMODE_NO;
  if (buffered && f->wlen + len <= f->wlimit) {
    w_append(L, f, p, len);
    return 0;
  }
  if ((err = w_flush(w)) != 0) {
    w_append(L, f, p, len);
    return err;
  }
  if (buffered && len < f->wlimit) {
    w_append(L, f, p, len);
    return 0;
  }
  if ((err = w_send(w, p, len, &sent)) != 0) w_append(L, f, p + sent, len - sent);
  return err;
}

static void w_init(lua_State *L, aux_Writer *w, lsock_File *f, int flags, lsock_Call *c) {
  w->L = L;
  w->f = f;
  w->c = c;
  w->timed = c != NULL && c->resumed;
  w->deadline = w->timed ? c->deadline : LSOCK_NOWAIT;
  w->flags = flags;
}

/* The text of the number at 'arg' as io writes it (floats with
   LUA_NUMBER_FMT, so 1.0 is "1"); 'num' is large enough for any. */
static const char *aux_numtext(lua_State *L, int arg, char *num, size_t size, size_t *len) {
  int k;
  if (compat_isintegersubtype(L, arg)) return lua_tolstring(L, arg, len);
  k = snprintf(num, size, LUA_NUMBER_FMT, (double)lua_tonumber(L, arg));
  *len = k < 0 ? 0 : (size_t)k < size ? (size_t)k : size - 1;
  return num;
}

/* A write that must wait to send is suspended with every byte it has not
   sent in the write buffer (as after a failure); resumed (step 1), all
   that is left to do is to flush it. */
static int g_write(lua_State *L, lsock_File *f, int arg, int nargs, lsock_Call *c) {
  int err = 0, newline = 0;
  aux_Writer w;
  if (!f->writable) return lsock_result_fail(L, EBADF);
  w_init(L, &w, f, 0, c);
  if (c->step == 1) nargs = 0, newline = 1;
  for (; nargs-- > 0; arg++) {
    char num[64];
    size_t len;
    const char *p = lua_type(L, arg) == LUA_TNUMBER ? aux_numtext(L, arg, num, sizeof num, &len)
                                                    : lsock_buffer_checkbytes(L, arg, &len);
    if (f->wmode == WMODE_LINE && memchr(p, '\n', len) != NULL) newline = 1;
    /* after a failure the rest is kept, in order, for the next flush */
    if (err) w_append(L, f, p, len);
    else err = w_put(L, &w, p, len);
  }
  if (!err && newline) err = w_flush(&w);
  if (err == LSOCK_WOULDWAIT) c->step = 1;
  if (err) return lsock_result_fail(L, err);
  lua_pushvalue(L, 1);
  return 1;
}

static int f_write_body(lua_State *L, lsock_Call *c) {
  return g_write(L, aux_checkopen(L), 2, c->base - 1, c);
}

static int f_write(lua_State *L) {
  return lsock_call_run(L, -1, f_write_body);
}

static int f_flush_body(lua_State *L, lsock_Call *c) {
  lsock_File *f = aux_checkopen(L);
  aux_Writer w;
  int err;
  w_init(L, &w, f, 0, c);
  if ((err = w_flush(&w)) != 0) return lsock_result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

static int f_flush(lua_State *L) {
  return lsock_call_run(L, 1, f_flush_body);
}

/* setvbuf sends what is buffered first (as Python's reconfigure), so the
   new mode governs only what is written after it. */
static int f_setvbuf_body(lua_State *L, lsock_Call *c) {
  static const char *const modenames[] = {"no", "full", "line", NULL};
  static const int modes[] = {WMODE_NO, WMODE_FULL, WMODE_LINE};
  lsock_File *f = aux_checkopen(L);
  int op = luaL_checkoption(L, 2, NULL, modenames);
  lua_Integer size = luaL_optinteger(L, 3, FILE_WRITESIZE);
  aux_Writer w;
  int err;
  luaL_argcheck(L, size > 0, 3, "size must be positive");
  w_init(L, &w, f, 0, c);
  if ((err = w_flush(&w)) != 0) return lsock_result_fail(L, err);
  f->wmode = modes[op];
  f->wlimit = (size_t)size;
  if (f->wbuf != NULL && f->wsize != f->wlimit) {
    aux_realloc(L, f->wbuf, f->wsize, 0);
    f->wbuf = NULL;
    f->wsize = 0;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static int f_setvbuf(lua_State *L) {
  return lsock_call_run(L, 3, f_setvbuf_body);
}

/* ----------------------------------------------------------------- close */

/* As Python's close: the pending bytes are sent, and the file is closed
   even when that fails (the failure is returned). */
static int aux_close(lua_State *L, lsock_File *f, int flags, lsock_Call *c) {
  aux_Writer w;
  int err, cerr;
  w_init(L, &w, f, flags, c);
  err = w_flush(&w);
  if (err == LSOCK_WOULDWAIT) return err; /* closed once the flush is done */
  cerr = aux_release(L, f);
  return err ? err : cerr;
}

static int f_close_body(lua_State *L, lsock_Call *c) {
  int err = aux_close(L, aux_checkopen(L), 0, c);
  if (err) return lsock_result_fail(L, err);
  lua_pushboolean(L, 1);
  return 1;
}

static int f_close(lua_State *L) {
  return lsock_call_run(L, 1, f_close_body);
}

/* __gc: a finalizer must not block, so the last flush only sends what the
   kernel takes at once (where the system has a flag for it: on Windows
   only a socket in timeout mode, non-blocking underneath, cannot block). */
static int f_gc(lua_State *L) {
  lsock_File *f = aux_tofile(L);
  if (f->s != NULL) aux_close(L, f, lsock_sys_dontwait, NULL);
  return 0;
}

#if COMPAT_HAS_CLOSE
/* __close: leaving the scope is an explicit close, flush and all. */
static int f_toclose(lua_State *L) {
  lsock_File *f = aux_tofile(L);
  if (f->s != NULL) aux_close(L, f, 0, NULL);
  return 0;
}
#endif

static int f_fileno(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)aux_checkopen(L)->s->fd);
  return 1;
}

static int f_tostring(lua_State *L) {
  lsock_File *f = aux_tofile(L);
  if (f->s == NULL) lua_pushliteral(L, "lsock.file (closed)");
  else lua_pushfstring(L, "lsock.file (%p)", (void *)f);
  return 1;
}

static const luaL_Reg file_methods[] = {
  {"read", f_read},
  {"lines", f_lines},
  {"write", f_write},
  {"flush", f_flush},
  {"setvbuf", f_setvbuf},
  {"close", f_close},
  {"fileno", f_fileno},
  {NULL, NULL}
};

/* The methods that may wait, which 5.1 and LuaJIT must wrap to suspend. */
static const char *const file_waiting[] = {"read", "write", "flush", "setvbuf", "close", NULL};

static const luaL_Reg file_metamethods[] = {
  {"__gc", f_gc},
#if COMPAT_HAS_CLOSE
  {"__close", f_toclose},
#endif
  {"__tostring", f_tostring},
  {NULL, NULL}
};

void lsock_file_open_methods(lua_State *L) {
  compat_newmetatable(L, LSOCK_FILE_METATABLE);
  lsock_handle_mark(L);
  luaL_setfuncs(L, file_metamethods, 0);
  lua_newtable(L);
  luaL_setfuncs(L, file_methods, 0);
  lsock_call_wrapfields(L, -1, file_waiting, 1);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "a file's metatable is not yours to change");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}
