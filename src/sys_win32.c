/*
** sys_win32.c — the platform on Windows, over Winsock 2: sockets born not
** inheritable (WSA_FLAG_NO_HANDLE_INHERIT), WSAPoll for waiting, and
** WSAGetLastError() read at once and handed up as one of the lsock.E*
** numbers (sys.h defines them as CPython does on Windows). Windows has no
** SIGPIPE, so sends need no flag; it has no MSG_DONTWAIT either, so every
** socket in timeout mode is non-blocking underneath (FIONBIO), which the
** layers above do on every platform. socketpair is made of two loopback
** TCP sockets, as CPython makes it.
**
** Winsock must be started in each process that uses it: lsock_sys_start
** calls WSAStartup, which counts its calls, at each opening of the module,
** and the module's registry sentinel calls lsock_sys_stop (WSACleanup)
** when its state closes, so no C global tracks it.
*/
#if defined(_WIN32)

#include "sys.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

const int lsock_sys_sendflags = 0;
const int lsock_sys_dontwait = 0;
const int lsock_sys_serverreuse = 0;

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
