/*
** sys_win32.c — the platform on Windows, over Winsock 2: sockets born not
** inheritable (WSA_FLAG_NO_HANDLE_INHERIT), WSAPoll for waiting, and
** WSAGetLastError() read at once and handed up as one of the lsock.E*
** numbers (sys.h defines them as CPython does on Windows). Windows has no
** SIGPIPE, so sends need no flag; it has no MSG_DONTWAIT either, so every
** socket in timeout mode is non-blocking underneath (FIONBIO), which the
** layers above do on every platform. socketpair is made of two loopback
** TCP sockets, as CPython makes it. What Windows lacks is refused or
** absent, never faked: no descriptor passing (SCM_RIGHTS), no sendfile
** that suits a non-blocking socket (TransmitFile wants overlapped I/O, so
** sendfile reads and sends), no ancillary data on stream sockets.
**
** Winsock must be started in each process that uses it: lsock_sys_start
** calls WSAStartup, which counts its calls, at each opening of the module,
** and the module's registry sentinel calls lsock_sys_stop (WSACleanup)
** when its state closes, so no C global tracks it.
*/
#if defined(_WIN32)

#include "sys.h"

#include <io.h>
#include <iphlpapi.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int lsock_sys_sendflags = 0;
const int lsock_sys_dontwait = 0;
const int lsock_sys_serverreuse = 0;
const int lsock_sys_scmrights = 0;
const size_t lsock_sys_maxchunks = 1024;
const size_t lsock_sys_ifnamesize = IF_NAMESIZE;

/* The error number of a Winsock code: the C library's own number for the
   few that have one (WSAEINVAL is EINVAL), the WSAE* code itself for the
   rest, which sys.h makes the E* constants. */
static int aux_errnum(int w) {
  switch (w) {
    case 0: return 0;
    case WSAEINTR: return EINTR;
    case WSAEBADF: return EBADF;
    case WSAEACCES: return EACCES;
    case WSAEFAULT: return EFAULT;
    case WSAEINVAL: return EINVAL;
    case WSAEMFILE: return EMFILE;
    case WSAENAMETOOLONG: return ENAMETOOLONG;
    case WSA_NOT_ENOUGH_MEMORY: return ENOMEM;
    /* as on POSIX, where "would block" has one number (EAGAIN), and a
       send on a socket shut for writing fails with EPIPE */
    case WSAEWOULDBLOCK: return EAGAIN;
    case WSAESHUTDOWN: return EPIPE;
    default: return w;
  }
}

static int aux_err(void) {
  return aux_errnum(WSAGetLastError());
}

/* The error number of a Windows (not Winsock) error code, for files,
   handles and the interface functions. */
static int aux_winerr(DWORD e) {
  switch (e) {
    case ERROR_SUCCESS: return 0;
    case ERROR_INVALID_HANDLE: return EBADF;
    case ERROR_ACCESS_DENIED: return EACCES;
    case ERROR_NOT_ENOUGH_MEMORY: case ERROR_OUTOFMEMORY: return ENOMEM;
    case ERROR_INVALID_PARAMETER: return EINVAL;
    case ERROR_NOACCESS: return EFAULT;
    case ERROR_INSUFFICIENT_BUFFER: return ENOBUFS;
    case ERROR_NOT_FOUND: case ERROR_FILE_NOT_FOUND: return ENODEV;
    case ERROR_NOT_SUPPORTED: return EOPNOTSUPP;
    default: return EIO;
  }
}

/* Winsock's lengths are ints. */
static int aux_len(size_t len) {
  return len > (size_t)INT_MAX ? INT_MAX : (int)len;
}

/* ---------------------------------------------------------------- start */

int lsock_sys_start(void) {
  WSADATA data;
  int err = WSAStartup(MAKEWORD(2, 2), &data);
  if (err != 0) return aux_errnum(err);
  if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
    WSACleanup();
    return EOPNOTSUPP;
  }
  return 0;
}

void lsock_sys_stop(void) {
  WSACleanup();
}

/* ------------------------------------------------------------ descriptors */

int lsock_sys_setnonblocking(sys_fd fd, int on) {
  u_long mode = on ? 1 : 0;
  return ioctlsocket(fd, FIONBIO, &mode) == SOCKET_ERROR ? aux_err() : 0;
}

/* Clears the handle's inherit flag: for sockets from elsewhere, and the
   accepted ones, which Windows does not promise to make as their listener. */
static int aux_noinherit(sys_fd fd) {
  int type;
  size_t len = sizeof type;
  if (SetHandleInformation((HANDLE)fd, HANDLE_FLAG_INHERIT, 0)) return 0;
  /* a socket that is no kernel handle (a layered provider's) has no flag
     to clear; anything else is not a socket */
  return lsock_sys_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
}

int lsock_sys_nowait(sys_fd fd, int on) {
  /* Windows has no MSG_DONTWAIT: the descriptor's mode does it */
  return lsock_sys_setnonblocking(fd, on);
}

/* The error of a handle call on 'fd' that failed: the socket's own (a
   closed one is ENOTSOCK, as every other call says) when it is none. */
static int aux_handleerr(sys_fd fd) {
  DWORD e = GetLastError();
  int type;
  size_t len = sizeof type;
  int err = lsock_sys_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
  return err ? err : aux_winerr(e);
}

int lsock_sys_getinheritable(sys_fd fd, int *on) {
  DWORD flags;
  if (!GetHandleInformation((HANDLE)fd, &flags)) return aux_handleerr(fd);
  *on = (flags & HANDLE_FLAG_INHERIT) != 0;
  return 0;
}

int lsock_sys_setinheritable(sys_fd fd, int on) {
  if (!SetHandleInformation((HANDLE)fd, HANDLE_FLAG_INHERIT, on ? HANDLE_FLAG_INHERIT : 0))
    return aux_handleerr(fd);
  return 0;
}

int lsock_sys_adopt(sys_fd fd, int nonblocking) {
  int err = aux_noinherit(fd);
  return err ? err : lsock_sys_setnonblocking(fd, nonblocking);
}

/* A socket made as WSASocket makes it, from a protocol description
   (a dup) or from family, type and protocol; in the mode asked, or (-1)
   the one it has: a duplicate shares its original's, as POSIX's dup. */
static int aux_wsasocket(int family, int type, int proto, WSAPROTOCOL_INFOW *info, int nonblocking,
                         sys_fd *fd) {
  SOCKET s = WSASocketW(family, type, proto, info, 0,
                        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  int err;
  if (s == INVALID_SOCKET) return aux_err();
  if (nonblocking >= 0 && (err = lsock_sys_setnonblocking(s, nonblocking)) != 0) {
    closesocket(s);
    return err;
  }
  *fd = s;
  return 0;
}

int lsock_sys_socket(int family, int type, int proto, int nonblocking, sys_fd *fd) {
  return aux_wsasocket(family, type, proto, NULL, nonblocking, fd);
}

/* Whether two addresses are the same (family, address, port). */
static int aux_sameaddr(const lsock_Addr *a, const lsock_Addr *b) {
  return a->len == b->len && memcmp(&a->u, &b->u, (size_t)a->len) == 0;
}

/* A listener on the loopback address of 'family', port chosen by the
   system, its address in *a. */
static int aux_pairlistener(int family, sys_fd *l, lsock_Addr *a) {
  int err;
  memset(a, 0, sizeof *a);
  if (family == AF_INET) {
    a->u.in4.sin_family = AF_INET;
    a->u.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->len = sizeof a->u.in4;
  } else {
    a->u.in6.sin6_family = AF_INET6;
    a->u.in6.sin6_addr = in6addr_loopback;
    a->len = sizeof a->u.in6;
  }
  if ((err = lsock_sys_socket(family, SOCK_STREAM, 0, 0, l)) != 0) return err;
  if ((err = lsock_sys_bind(*l, a)) != 0 || (err = lsock_sys_listen(*l, 1)) != 0 ||
      (err = lsock_sys_getname(*l, 0, a)) != 0) {
    closesocket(*l);
    return err;
  }
  return 0;
}

int lsock_sys_socketpair(int family, int type, int proto, int nonblocking, sys_fd fds[2]) {
  sys_fd l, a = INVALID_SOCKET, b = INVALID_SOCKET;
  lsock_Addr at, peer, name;
  int err;
  if (family != AF_INET && family != AF_INET6) return EAFNOSUPPORT;
  if (type != SOCK_STREAM) return EOPNOTSUPP;
  if (proto != 0 && proto != IPPROTO_TCP) return EPROTONOSUPPORT;
  if ((err = aux_pairlistener(family, &l, &at)) != 0) return err;
  /* the connect completes in the listener's backlog; the accepted one
     must be the socket just connected, not a stranger that got in first */
  if ((err = lsock_sys_socket(family, SOCK_STREAM, 0, 0, &a)) == 0 &&
      (err = lsock_sys_connect(a, &at)) == 0 &&
      (err = lsock_sys_accept(l, &peer, 0, &b)) == 0 &&
      (err = lsock_sys_getname(a, 0, &name)) == 0 && !aux_sameaddr(&peer, &name))
    err = ECONNABORTED;
  if (err == 0 && (err = lsock_sys_setnonblocking(a, nonblocking)) == 0)
    err = lsock_sys_setnonblocking(b, nonblocking);
  closesocket(l);
  if (err != 0) {
    if (a != INVALID_SOCKET) closesocket(a);
    if (b != INVALID_SOCKET) closesocket(b);
    return err;
  }
  fds[0] = a;
  fds[1] = b;
  return 0;
}

int lsock_sys_dup(sys_fd fd, sys_fd *copy) {
  WSAPROTOCOL_INFOW info;
  u_long avail;
  int err;
  if (WSADuplicateSocketW(fd, GetCurrentProcessId(), &info) == SOCKET_ERROR) return aux_err();
  if ((err = aux_wsasocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, -1,
                           copy)) != 0)
    return err;
  /* the copy must be usable at once: an invalid duplicate says so here */
  if (ioctlsocket(*copy, FIONREAD, &avail) == SOCKET_ERROR) {
    err = aux_err();
    closesocket(*copy);
    return err;
  }
  return 0;
}

int lsock_sys_close(sys_fd fd) {
  return closesocket(fd) == SOCKET_ERROR ? aux_err() : 0;
}

int lsock_sys_validfd(double fd) {
  /* a SOCKET is a handle; Windows keeps handle values within 32 bits */
  return fd >= 0 && fd <= (double)INT_MAX;
}

/* ----------------------------------------------------------- connections */

int lsock_sys_bind(sys_fd fd, const lsock_Addr *a) {
  return bind(fd, &a->u.sa, a->len) == SOCKET_ERROR ? aux_err() : 0;
}

int lsock_sys_listen(sys_fd fd, int backlog) {
  return listen(fd, backlog) == SOCKET_ERROR ? aux_err() : 0;
}

int lsock_sys_accept(sys_fd fd, lsock_Addr *peer, int nonblocking, sys_fd *conn) {
  SOCKET c;
  int err;
  peer->len = sizeof peer->u;
  c = accept(fd, &peer->u.sa, &peer->len);
  if (c == INVALID_SOCKET) return aux_err();
  /* an accepted socket takes its listener's mode: adopt sets it both ways */
  if ((err = lsock_sys_adopt(c, nonblocking)) != 0) {
    closesocket(c);
    return err;
  }
  *conn = c;
  return 0;
}

int lsock_sys_connect(sys_fd fd, const lsock_Addr *a) {
  int err;
  if (connect(fd, &a->u.sa, a->len) != SOCKET_ERROR) return 0;
  /* Windows says "would block" where POSIX says "in progress" */
  err = aux_err();
  return err == EAGAIN ? EINPROGRESS : err;
}

int lsock_sys_connecterror(sys_fd fd, int *err) {
  size_t len = sizeof *err;
  *err = 0;
  return lsock_sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len);
}

int lsock_sys_shutdown(sys_fd fd, int how) {
  return shutdown(fd, how) == SOCKET_ERROR ? aux_err() : 0;
}

int lsock_sys_getname(sys_fd fd, int peer, lsock_Addr *a) {
  int r;
  memset(a, 0, sizeof *a);
  a->len = sizeof a->u;
  r = peer ? getpeername(fd, &a->u.sa, &a->len) : getsockname(fd, &a->u.sa, &a->len);
  return r == SOCKET_ERROR ? aux_err() : 0;
}

int lsock_sys_getsockopt(sys_fd fd, int level, int option, void *value, size_t *len) {
  int l = aux_len(*len);
  if (getsockopt(fd, level, option, (char *)value, &l) == SOCKET_ERROR) return aux_err();
  *len = (size_t)l;
  /* SO_ERROR holds a Winsock code: it leaves as the number lsock uses */
  if (level == SOL_SOCKET && option == SO_ERROR && l == (int)sizeof(int))
    *(int *)value = aux_errnum(*(int *)value);
  return 0;
}

int lsock_sys_setsockopt(sys_fd fd, int level, int option, const void *value, size_t len) {
  return setsockopt(fd, level, option, (const char *)value, aux_len(len)) == SOCKET_ERROR ? aux_err()
                                                                                        : 0;
}

/* ------------------------------------------------------------------ data */

int lsock_sys_recv(sys_fd fd, void *buf, size_t len, int flags, lsock_Addr *from, size_t *n) {
  int r, l = aux_len(len);
  if (from) {
    from->len = sizeof from->u;
    r = recvfrom(fd, (char *)buf, l, flags, &from->u.sa, &from->len);
  } else {
    r = recv(fd, (char *)buf, l, flags);
  }
  if (r == SOCKET_ERROR) {
    int err = aux_err();
    /* after shutdown(SHUT_RD) POSIX reads the end of the stream; a
       datagram longer than the buffer: Windows fills it and says so, POSIX
       gives what fits, which is what lsock promises */
    if (err == EPIPE) r = 0;
    else if (err != EMSGSIZE) return err;
    else r = l;
  }
  *n = (size_t)r;
  return 0;
}

int lsock_sys_send(sys_fd fd, const void *buf, size_t len, int flags, const lsock_Addr *to,
                   size_t *n) {
  int r, l = aux_len(len);
  r = to ? sendto(fd, (const char *)buf, l, flags, &to->u.sa, to->len)
         : send(fd, (const char *)buf, l, flags);
  if (r == SOCKET_ERROR) return aux_err();
  *n = (size_t)r;
  return 0;
}

int lsock_sys_nextsize(sys_fd fd, int flags, size_t *n) {
  char one;
  /* a one-byte peek waits (as the descriptor's mode says) for a datagram
     and leaves it there; then FIONREAD tells its size */
  if (recv(fd, &one, 1, flags | MSG_PEEK) == SOCKET_ERROR) {
    int err = aux_err();
    if (err != EMSGSIZE) return err;
  }
  return lsock_sys_pending(fd, n);
}

int lsock_sys_pending(sys_fd fd, size_t *n) {
  u_long avail = 0;
  if (ioctlsocket(fd, FIONREAD, &avail) == SOCKET_ERROR) return aux_err();
  *n = (size_t)avail;
  return 0;
}

/* ------------------------------------------------------------ messages */

/* The WSABUF array of a message: on the C stack for a few pieces. */
#define MSG_STACK_BUFS 16

/* Fills *w from 'm' (data and control; no address); *heap is the WSABUF
   array when it had to be allocated, for the caller to free. */
static int aux_fillmsg(WSAMSG *w, WSABUF *bufs, const lsock_Msg *m, WSABUF **heap) {
  size_t i;
  *heap = NULL;
  if (m->nchunks > lsock_sys_maxchunks) return EMSGSIZE;
  for (i = 0; i < m->nchunks; i++)
    if (m->chunks[i].len > (size_t)ULONG_MAX) return EMSGSIZE; /* a WSABUF's length */
  if (m->controllen > (size_t)ULONG_MAX) return EMSGSIZE;
  if (m->nchunks > MSG_STACK_BUFS) {
    if ((*heap = (WSABUF *)malloc(m->nchunks * sizeof *bufs)) == NULL) return ENOMEM;
    bufs = *heap;
  }
  for (i = 0; i < m->nchunks; i++) {
    bufs[i].buf = (CHAR *)m->chunks[i].p;
    bufs[i].len = (ULONG)m->chunks[i].len;
  }
  memset(w, 0, sizeof *w);
  w->lpBuffers = bufs;
  w->dwBufferCount = (DWORD)m->nchunks;
  w->Control.buf = m->controllen > 0 ? (CHAR *)m->control : NULL;
  w->Control.len = (ULONG)m->controllen;
  return 0;
}

/* Whether 'fd' is a stream socket: WSARecvMsg and WSASendMsg take only
   datagram and raw sockets, so a stream's message is a WSARecv/WSASend
   of its pieces, which carry no ancillary data on Windows. */
static int aux_isstream(sys_fd fd, int *stream) {
  int type;
  size_t len = sizeof type;
  int err = lsock_sys_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
  *stream = err == 0 && type == SOCK_STREAM;
  return err;
}

/* WSARecvMsg is an extension that each socket's provider gives. */
static int aux_recvmsgfn(sys_fd fd, LPFN_WSARECVMSG *fn) {
  GUID id = WSAID_WSARECVMSG;
  DWORD got = 0;
  if (WSAIoctl(fd, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, fn, sizeof *fn, &got, NULL,
               NULL) == SOCKET_ERROR)
    return aux_err();
  return *fn == NULL ? EOPNOTSUPP : 0;
}

static size_t aux_total(const lsock_Msg *m) {
  size_t i, total = 0;
  for (i = 0; i < m->nchunks; i++) total += m->chunks[i].len;
  return total;
}

/* The control room a receive gets at least: WSARecvMsg (as Wine has it)
   fails a message whose control bytes do not fit without saying how much
   data came, so they land here and what fits is copied out, MSG_CTRUNC
   set when something did not, as POSIX cuts them. */
#define MSG_SPARE_CONTROL 512

/* Hands the control bytes of a receive made with the spare room to 'm'. */
static void aux_givecontrol(lsock_Msg *m, WSAMSG *w, const char *spare) {
  size_t len = w->Control.len;
  if (len > m->controllen) {
    len = m->controllen;
    w->dwFlags |= MSG_CTRUNC;
  }
  if (len > 0) memcpy(m->control, spare, len);
  m->controllen = len;
}

int lsock_sys_recvmsg(sys_fd fd, lsock_Msg *m, int flags, size_t *n) {
  WSABUF bufs[MSG_STACK_BUFS], *heap;
  WSAMSG w;
  DWORD got = 0;
  LPFN_WSARECVMSG fn;
  union {
    char bytes[MSG_SPARE_CONTROL];
    WSACMSGHDR align;
  } spare;
  int stream, spared = m->controllen < sizeof spare.bytes, err = aux_isstream(fd, &stream);
  if (err || (err = aux_fillmsg(&w, bufs, m, &heap)) != 0) return err;
  if (stream) {
    DWORD inflags = (DWORD)flags;
    if (WSARecv(fd, w.lpBuffers, w.dwBufferCount, &got, &inflags, NULL, NULL) == SOCKET_ERROR) {
      err = aux_err();
      /* after shutdown(SHUT_RD): the end of the stream, as lsock_sys_recv */
      if (err == EPIPE) err = 0, got = 0;
    }
    m->controllen = 0;
    m->msgflags = 0;
    if (m->addr) memset(m->addr, 0, sizeof *m->addr);
  } else if ((err = aux_recvmsgfn(fd, &fn)) == 0) {
    if (m->addr) {
      memset(&m->addr->u, 0, sizeof m->addr->u);
      w.name = &m->addr->u.sa;
      w.namelen = (INT)sizeof m->addr->u;
    }
    w.dwFlags = (DWORD)flags;
    if (spared) {
      w.Control.buf = spare.bytes;
      w.Control.len = (ULONG)sizeof spare.bytes;
    }
    if (fn(fd, &w, &got, NULL, NULL) == SOCKET_ERROR) {
      err = aux_err();
      /* a datagram cut to the buffers is no failure on POSIX: the buffers
         are full. Control bytes beyond even the spare room (MSG_CTRUNC
         alone) come with no count: that stays EMSGSIZE, never a guess. */
      if (err == EMSGSIZE && ((w.dwFlags & MSG_TRUNC) || !(w.dwFlags & MSG_CTRUNC))) {
        err = 0;
        got = (DWORD)aux_total(m);
        w.dwFlags |= MSG_TRUNC;
      }
    }
    if (spared) aux_givecontrol(m, &w, spare.bytes);
    else m->controllen = w.Control.len;
    m->msgflags = (int)(w.dwFlags & (MSG_TRUNC | MSG_CTRUNC | MSG_BCAST | MSG_MCAST));
    if (m->addr) m->addr->len = w.namelen;
  }
  free(heap);
  if (err) return err;
  *n = (size_t)got;
  return 0;
}

int lsock_sys_sendmsg(sys_fd fd, const lsock_Msg *m, int flags, size_t *n) {
  WSABUF bufs[MSG_STACK_BUFS], *heap;
  WSAMSG w;
  DWORD sent = 0;
  int stream, r, err = aux_isstream(fd, &stream);
  if (err) return err;
  if (stream && m->controllen > 0) return EOPNOTSUPP;
  if ((err = aux_fillmsg(&w, bufs, m, &heap)) != 0) return err;
  if (stream) {
    r = WSASend(fd, w.lpBuffers, w.dwBufferCount, &sent, (DWORD)flags, NULL, NULL);
  } else {
    if (m->addr) {
      w.name = (struct sockaddr *)&m->addr->u.sa;
      w.namelen = m->addr->len;
    }
    r = WSASendMsg(fd, &w, (DWORD)flags, &sent, NULL, NULL);
  }
  err = r == SOCKET_ERROR ? aux_err() : 0;
  free(heap);
  if (err) return err;
  *n = (size_t)sent;
  return 0;
}

/* The largest data length a control message may say (Windows' lengths
   are ULONGs). */
#define CMSG_MAXDATA ((size_t)INT_MAX - WSA_CMSG_SPACE(0) - 64)

size_t lsock_sys_cmsglen(size_t len) {
  return len > CMSG_MAXDATA ? 0 : WSA_CMSG_LEN(len);
}

size_t lsock_sys_cmsgspace(size_t len) {
  return len > CMSG_MAXDATA ? 0 : WSA_CMSG_SPACE(len);
}

int lsock_sys_cmsgbuild(void *control, size_t size, const lsock_Cmsg *items, size_t n,
                        size_t *used) {
  char *base = (char *)control;
  size_t pos = 0, i;
  memset(control, 0, size);
  *used = 0;
  for (i = 0; i < n; i++) {
    WSACMSGHDR c;
    if (size - pos < WSA_CMSG_SPACE(items[i].len)) return ENOBUFS;
    c.cmsg_len = WSA_CMSG_LEN(items[i].len);
    c.cmsg_level = items[i].level;
    c.cmsg_type = items[i].type;
    memcpy(base + pos, &c, sizeof c);
    if (items[i].len > 0) memcpy(base + pos + WSA_CMSG_LEN(0), items[i].data, items[i].len);
    pos += WSA_CMSG_SPACE(items[i].len);
    *used = pos;
  }
  return 0;
}

int lsock_sys_cmsgnext(const void *control, size_t len, size_t *pos, lsock_Cmsg *out) {
  const char *base = (const char *)control;
  WSACMSGHDR c;
  size_t room, dlen;
  if (*pos + sizeof c > len) return 0;
  memcpy(&c, base + *pos, sizeof c);
  if (c.cmsg_len < WSA_CMSG_LEN(0)) return 0;
  room = len - *pos;
  dlen = c.cmsg_len < room ? c.cmsg_len : room;
  dlen = dlen > WSA_CMSG_LEN(0) ? dlen - WSA_CMSG_LEN(0) : 0;
  out->level = c.cmsg_level;
  out->type = c.cmsg_type;
  out->data = base + *pos + WSA_CMSG_LEN(0);
  out->len = dlen;
  *pos += c.cmsg_len < room ? WSA_CMSGHDR_ALIGN(c.cmsg_len) : room;
  return 1;
}

/* ------------------------------------------------------------- files */

/* The handle under a C runtime descriptor. */
static HANDLE aux_filehandle(sys_fd fd) {
  return (HANDLE)_get_osfhandle((int)fd);
}

int lsock_sys_fileinfo(sys_fd fd, lsock_FileInfo *info) {
  HANDLE h = aux_filehandle(fd);
  LARGE_INTEGER size;
  if (h == INVALID_HANDLE_VALUE) return EBADF;
  info->regular = GetFileType(h) == FILE_TYPE_DISK;
  info->size = 0;
  if (info->regular) {
    if (!GetFileSizeEx(h, &size)) return aux_winerr(GetLastError());
    info->size = (long long)size.QuadPart;
  }
  return 0;
}

int lsock_sys_sendfile(sys_fd out, sys_fd in, long long *offset, size_t count, size_t *n) {
  /* TransmitFile blocks a non-blocking socket's thread or needs overlapped
     I/O that the waiter does not speak: refused, so sendfile reads and
     sends, as CPython's does on Windows */
  (void)out; (void)in; (void)offset; (void)count;
  *n = 0;
  return ENOTSUP;
}

int lsock_sys_read(sys_fd fd, void *buf, size_t len, long long offset, size_t *n) {
  HANDLE h = aux_filehandle(fd);
  OVERLAPPED at, *pat = NULL;
  DWORD got = 0;
  if (h == INVALID_HANDLE_VALUE) return EBADF;
  /* the handle's bytes as they are (the C runtime's text mode would turn
     CR LF and Ctrl-Z into something else); at 'offset' as pread reads */
  if (offset >= 0) {
    memset(&at, 0, sizeof at);
    at.Offset = (DWORD)((unsigned long long)offset & 0xffffffffu);
    at.OffsetHigh = (DWORD)((unsigned long long)offset >> 32);
    pat = &at;
  }
  if (!ReadFile(h, buf, len > (size_t)MAXDWORD ? MAXDWORD : (DWORD)len, &got, pat)) {
    DWORD e = GetLastError();
    /* the end of the file, or of a pipe whose writer has gone */
    if (e != ERROR_HANDLE_EOF && e != ERROR_BROKEN_PIPE) return aux_winerr(e);
    got = 0;
  }
  *n = (size_t)got;
  return 0;
}

int lsock_sys_seek(sys_fd fd, long long offset) {
  return _lseeki64((int)fd, offset, SEEK_SET) == -1 ? errno : 0;
}

int lsock_sys_streamfd(void *stream, sys_fd *fd) {
  FILE *f = (FILE *)stream;
  int d;
  if (fflush(f) != 0) return errno;
  if ((d = _fileno(f)) < 0) return EBADF;
  *fd = (sys_fd)d;
  return 0;
}

int lsock_sys_streamseek(void *stream, long long offset) {
  return _fseeki64((FILE *)stream, offset, SEEK_SET) != 0 ? errno : 0;
}

/* --------------------------------------------------------------- waiting */

/* After a WSAPoll that refused the set for a socket that is not open:
   each such entry gets POLLNVAL, as poll() reports it, and the others
   nothing this round. Returns how many. */
static int aux_pollnval(sys_pollfd *fds, size_t n) {
  size_t i;
  int bad = 0;
  for (i = 0; i < n; i++) {
    int type;
    size_t len = sizeof type;
    fds[i].revents = 0;
    if (lsock_sys_getsockopt(fds[i].fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
      fds[i].revents = POLLNVAL;
      bad++;
    }
  }
  return bad;
}

int lsock_sys_poll(sys_pollfd *fds, size_t n, int ms, int *nready) {
  size_t i;
  int r;
  if (n == 0) {
    /* WSAPoll refuses an empty set; poll() just sleeps */
    Sleep(ms < 0 ? INFINITE : (DWORD)ms);
    *nready = 0;
    return 0;
  }
  if (n > (size_t)ULONG_MAX) return EINVAL;
  /* WSAPoll refuses POLLPRI: urgent data is POLLRDBAND there */
  for (i = 0; i < n; i++)
    if (fds[i].events & POLLPRI) fds[i].events = (short)((fds[i].events & ~POLLPRI) | POLLRDBAND);
  r = WSAPoll(fds, (ULONG)n, ms);
  if (r == SOCKET_ERROR) {
    int err = aux_err();
    if (err != ENOTSOCK || (r = aux_pollnval(fds, n)) == 0) return err;
  }
  /* the events as the caller asked for them: POLLIN is two bits on
     Windows (normal and priority data), and either one reports it whole */
  for (i = 0; i < n; i++) {
    short ev = fds[i].events, rev = fds[i].revents;
    if ((ev & POLLRDBAND) && !(ev & POLLRDNORM)) {
      ev = (short)((ev & ~POLLRDBAND) | POLLPRI);
      if (rev & POLLRDBAND) rev = (short)((rev & ~POLLRDBAND) | POLLPRI);
    } else if (rev & (POLLRDNORM | POLLRDBAND)) {
      rev |= POLLIN;
    }
    fds[i].events = ev;
    fds[i].revents = rev;
  }
  *nready = r;
  return 0;
}

double lsock_sys_now(void) {
  LARGE_INTEGER count, freq;
  QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&count);
  return (double)count.QuadPart / (double)freq.QuadPart;
}

int lsock_sys_sleep(double seconds) {
  double ms;
  if (!(seconds > 0)) return 0;
  ms = seconds * 1000.0;
  /* round up: never wake before the time asked */
  Sleep(ms >= (double)(INFINITE - 1) ? INFINITE - 1 : (DWORD)ms + ((double)(DWORD)ms < ms));
  return 0;
}

/* ----------------------------------------------------------------- names */

int lsock_sys_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                          struct addrinfo **res, int *syserr) {
  int code = getaddrinfo(host, service, hints, res);
  struct addrinfo *ai;
  *syserr = code ? aux_err() : 0;
  /* Windows may leave the protocol 0 where POSIX systems name it */
  for (ai = code ? NULL : *res; ai != NULL; ai = ai->ai_next)
    if (ai->ai_protocol == 0 && (ai->ai_family == AF_INET || ai->ai_family == AF_INET6))
      ai->ai_protocol = ai->ai_socktype == SOCK_STREAM ? IPPROTO_TCP
                        : ai->ai_socktype == SOCK_DGRAM ? IPPROTO_UDP : 0;
  return code;
}

void lsock_sys_freeaddrinfo(struct addrinfo *res) {
  freeaddrinfo(res);
}

/* Resolving on a thread of its own needs a descriptor WSAPoll can wait on
   for the thread's answer; until that is written, a task resolves in
   place (the call, not the loop, waits), as lsock_sys_resolve_start's
   ENOTSUP tells the layers above. */
int lsock_sys_resolve_start(const char *host, const char *service, const struct addrinfo *hints,
                            lsock_Resolve **job) {
  (void)host;
  (void)service;
  (void)hints;
  *job = NULL;
  return ENOTSUP;
}

sys_fd lsock_sys_resolve_fd(const lsock_Resolve *job) {
  (void)job;
  return SYS_NOFD;
}

int lsock_sys_resolve_take(lsock_Resolve *job, struct addrinfo **res, int *code, int *syserr) {
  (void)job;
  (void)res;
  (void)code;
  (void)syserr;
  return 0;
}

void lsock_sys_resolve_release(lsock_Resolve *job) {
  (void)job;
}

int lsock_sys_getnameinfo(const lsock_Addr *a, char *host, size_t hostlen, char *serv,
                          size_t servlen, int flags, int *syserr) {
  int code = getnameinfo(&a->u.sa, a->len, host, (DWORD)hostlen, serv, (DWORD)servlen, flags);
  *syserr = code ? aux_err() : 0;
  return code;
}

int lsock_sys_gethostname(char *name, size_t size) {
  if (gethostname(name, aux_len(size)) == SOCKET_ERROR) return aux_err();
  name[size - 1] = '\0';
  return 0;
}

int lsock_sys_inet_pton(int family, const char *text, void *bin) {
  return inet_pton(family, text, bin) == 1;
}

int lsock_sys_inet_ntop(int family, const void *bin, char *text, size_t size) {
  return inet_ntop(family, bin, text, size) == NULL ? aux_err() : 0;
}

/* Services and protocols: Winsock's calls keep their answer in storage
   of the calling thread, copied out at once. */
int lsock_sys_getservbyname(const char *name, const char *proto, int *port) {
  struct servent *se = getservbyname(name, proto);
  if (se == NULL) return ENOENT;
  *port = ntohs((unsigned short)se->s_port);
  return 0;
}

int lsock_sys_getservbyport(int port, const char *proto, char *name, size_t size) {
  struct servent *se = getservbyport((int)htons((unsigned short)port), proto);
  if (se == NULL) return ENOENT;
  name[0] = '\0';
  strncat(name, se->s_name, size - 1);
  return 0;
}

int lsock_sys_getprotobyname(const char *name, int *proto) {
  struct protoent *pe = getprotobyname(name);
  if (pe == NULL) return ENOENT;
  *proto = pe->p_proto;
  return 0;
}

/* 'n' bytes of buf[*used..size) aligned for 'align', or NULL when full. */
static void *aux_take(char *buf, size_t size, size_t *used, size_t n, size_t align) {
  uintptr_t p = (uintptr_t)(buf + *used);
  size_t at = *used + (size_t)((align - p % align) % align);
  if (at > size || size - at < n) return NULL;
  *used = at + n;
  return buf + at;
}

static char *aux_takestr(char *buf, size_t size, size_t *used, const char *s) {
  size_t n = strlen(s) + 1;
  char *p = (char *)aux_take(buf, size, used, n, 1);
  if (p != NULL) memcpy(p, s, n);
  return p;
}

/* Copies Winsock's thread-owned hostent into *h and buf, as the *_r
   calls of POSIX fill them: 0, or ERANGE when buf is too small. */
static int aux_copyhost(const struct hostent *src, struct hostent *h, char *buf, size_t size) {
  size_t na = 0, nd = 0, i, used = 0;
  char **aliases, **addrs;
  while (src->h_aliases != NULL && src->h_aliases[na] != NULL) na++;
  while (src->h_addr_list != NULL && src->h_addr_list[nd] != NULL) nd++;
  aliases = (char **)aux_take(buf, size, &used, (na + 1) * sizeof *aliases, sizeof(char *));
  addrs = (char **)aux_take(buf, size, &used, (nd + 1) * sizeof *addrs, sizeof(char *));
  if (aliases == NULL || addrs == NULL) return ERANGE;
  if ((h->h_name = aux_takestr(buf, size, &used, src->h_name ? src->h_name : "")) == NULL)
    return ERANGE;
  for (i = 0; i < na; i++)
    if ((aliases[i] = aux_takestr(buf, size, &used, src->h_aliases[i])) == NULL) return ERANGE;
  aliases[na] = NULL;
  for (i = 0; i < nd; i++) {
    if ((addrs[i] = (char *)aux_take(buf, size, &used, (size_t)src->h_length, 8)) == NULL)
      return ERANGE;
    memcpy(addrs[i], src->h_addr_list[i], (size_t)src->h_length);
  }
  addrs[nd] = NULL;
  h->h_aliases = aliases;
  h->h_addr_list = addrs;
  h->h_addrtype = src->h_addrtype;
  h->h_length = src->h_length;
  return 0;
}

/* The outcome of a Winsock host database call, as lsock_sys_gethostbyname
   reports it; the resolver's code is the WSA* one. */
static int aux_hostresult(const struct hostent *src, struct hostent *h, char *buf, size_t size,
                          int *herr) {
  if (src == NULL) {
    *herr = WSAGetLastError();
    return -1;
  }
  return aux_copyhost(src, h, buf, size);
}

int lsock_sys_gethostbyname(const char *name, struct hostent *h, char *buf, size_t size,
                            int *herr) {
  return aux_hostresult(gethostbyname(name), h, buf, size, herr);
}

int lsock_sys_gethostbyaddr(const void *addr, size_t len, int family, struct hostent *h,
                            char *buf, size_t size, int *herr) {
  return aux_hostresult(gethostbyaddr((const char *)addr, aux_len(len), family), h, buf, size,
                        herr);
}

const char *lsock_sys_hstrerror(int herr) {
  /* hstrerror's texts, for the WSA codes that stand for h_errno's */
  switch (herr) {
    case WSAHOST_NOT_FOUND: return "Unknown host";
    case WSATRY_AGAIN: return "Host name lookup failure";
    case WSANO_RECOVERY: return "Unknown server error";
    case WSANO_DATA: return "No address associated with name";
    default: return "Resolver internal error";
  }
}

/* Network interfaces (iphlpapi): the list is an array of these, ended by
   an entry of index 0, as POSIX's if_nameindex. */
typedef struct {
  unsigned index;
  char name[IF_NAMESIZE + 1];
} aux_Iface;

int lsock_sys_if_nametoindex(const char *name, unsigned *index) {
  NET_IFINDEX i = if_nametoindex(name);
  if (i == 0) return ENODEV;
  *index = (unsigned)i;
  return 0;
}

int lsock_sys_if_indextoname(unsigned index, char *name) {
  return if_indextoname((NET_IFINDEX)index, name) == NULL ? ENXIO : 0;
}

int lsock_sys_if_list(void **list) {
  PMIB_IF_TABLE2 table = NULL;
  aux_Iface *l;
  ULONG i, k = 0;
  DWORD r = GetIfTable2(&table);
  if (r != NO_ERROR) return aux_winerr(r);
  l = (aux_Iface *)calloc((size_t)table->NumEntries + 1, sizeof *l);
  if (l == NULL) {
    FreeMibTable(table);
    return ENOMEM;
  }
  /* the names if_indextoname gives (CPython lists them the same way) */
  for (i = 0; i < table->NumEntries; i++) {
    const MIB_IF_ROW2 *row = &table->Table[i];
    if (row->InterfaceIndex == 0 ||
        ConvertInterfaceLuidToNameA(&row->InterfaceLuid, l[k].name, sizeof l[k].name) != NO_ERROR)
      continue;
    l[k++].index = (unsigned)row->InterfaceIndex;
  }
  FreeMibTable(table);
  *list = l;
  return 0;
}

int lsock_sys_if_entry(const void *list, size_t i, unsigned *index, const char **name) {
  const aux_Iface *l = (const aux_Iface *)list;
  size_t k;
  for (k = 0; k <= i; k++)
    if (l[k].index == 0) return 0;
  *index = l[i].index;
  *name = l[i].name;
  return 1;
}

void lsock_sys_if_freelist(void *list) {
  free(list);
}

/* ---------------------------------------------------------------- errors */

/* The system's text for a Windows error code, without its line end. */
static const char *aux_message(DWORD code, char *buf, size_t size) {
  DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                           MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), buf,
                           size > 0xFFFF ? 0xFFFF : (DWORD)size, NULL);
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
  if (n == 0) {
    snprintf(buf, size, "Unknown error %lu", (unsigned long)code);
    return buf;
  }
  buf[n] = '\0';
  return buf;
}

/* The texts of the socket errors, as POSIX systems word them: the same on
   every Windows and under Wine (whose system has no texts for them). */
static const struct {
  int err;
  const char *text;
} wsa_texts[] = {
  {EINPROGRESS, "Operation now in progress"},
  {EALREADY, "Operation already in progress"},
  {ENOTSOCK, "Socket operation on non-socket"},
  {EDESTADDRREQ, "Destination address required"},
  {EMSGSIZE, "Message too long"},
  {EPROTOTYPE, "Protocol wrong type for socket"},
  {ENOPROTOOPT, "Protocol not available"},
  {EPROTONOSUPPORT, "Protocol not supported"},
  {WSAESOCKTNOSUPPORT, "Socket type not supported"},
  {EOPNOTSUPP, "Operation not supported"},
  {WSAEPFNOSUPPORT, "Protocol family not supported"},
  {EAFNOSUPPORT, "Address family not supported by protocol"},
  {EADDRINUSE, "Address already in use"},
  {EADDRNOTAVAIL, "Cannot assign requested address"},
  {ENETDOWN, "Network is down"},
  {ENETUNREACH, "Network is unreachable"},
  {ENETRESET, "Network dropped connection on reset"},
  {ECONNABORTED, "Software caused connection abort"},
  {ECONNRESET, "Connection reset by peer"},
  {ENOBUFS, "No buffer space available"},
  {EISCONN, "Transport endpoint is already connected"},
  {ENOTCONN, "Transport endpoint is not connected"},
  {ESHUTDOWN, "Cannot send after transport endpoint shutdown"},
  {ETIMEDOUT, "Connection timed out"},
  {ECONNREFUSED, "Connection refused"},
  {ELOOP, "Too many levels of symbolic links"},
  {EHOSTDOWN, "Host is down"},
  {EHOSTUNREACH, "No route to host"},
  {WSANOTINITIALISED, "Winsock is not started (WSAStartup)"},
  {0, NULL}
};

const char *lsock_sys_strerror(int err, char *buf, size_t size) {
  size_t i;
  if (size == 0) return "";
  for (i = 0; wsa_texts[i].text != NULL; i++)
    if (wsa_texts[i].err == err) return wsa_texts[i].text;
  /* the Winsock codes, and their C library twins: Winsock's wording */
  switch (err) {
    case EINTR: case EBADF: case EACCES: case EFAULT: case EINVAL: case EMFILE:
      return aux_message((DWORD)(WSABASEERR + err), buf, size);
    default: break;
  }
  if (err >= WSABASEERR) return aux_message((DWORD)err, buf, size);
  if (strerror_s(buf, size, err) != 0) snprintf(buf, size, "Unknown error %d", err);
  return buf;
}

const char *lsock_sys_gaistrerror(int code) {
  /* gai_strerror is an inline function with one static buffer for every
     thread: these are fixed texts instead */
  switch (code) {
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_BADFLAGS: return "Invalid value for ai_flags";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_NONAME: return "Name or service not known";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_NODATA: return "No address associated with hostname";
    default: return "Unknown name resolution error";
  }
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int sys_win32_unused;
#endif
