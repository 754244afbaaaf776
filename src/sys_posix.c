/*
** sys_posix.c — the platform on Linux and the BSDs (macOS included):
** descriptors born close-on-exec, writes that cannot raise SIGPIPE, errors
** read from errno at once and handed up as numbers. Where the system lacks
** SOCK_CLOEXEC or accept4, the flags are set right after creation; a host
** that forks from another thread in that instant is the only one that can
** see such a descriptor, which is the best those systems allow.
*/
#if !defined(_WIN32)

#if defined(__linux__)
#define _GNU_SOURCE /* accept4, and the GNU strerror_r */
#endif

#include "sys.h"

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>

#if defined(MSG_NOSIGNAL)
const int lsock_sys_sendflags = MSG_NOSIGNAL;
#else
const int lsock_sys_sendflags = 0; /* SO_NOSIGPIPE is set on each socket instead */
#endif

#if defined(MSG_DONTWAIT)
const int lsock_sys_dontwait = MSG_DONTWAIT;
#else
const int lsock_sys_dontwait = 0;
#endif

const int lsock_sys_serverreuse = 1;

/* ----------------------------------------------------------------- start */

int lsock_sys_start(void) {
  return 0; /* the sockets of POSIX need no starting */
}

void lsock_sys_stop(void) {}

/* ------------------------------------------------------------ descriptors */

int lsock_sys_setnonblocking(sys_fd fd, int on) {
  int fl = fcntl(fd, F_GETFL);
  if (fl == -1) return errno;
  if (((fl & O_NONBLOCK) != 0) == (on != 0)) return 0;
  if (fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK)) == -1) return errno;
  return 0;
}

int lsock_sys_adopt(sys_fd fd, int nonblocking) {
  int fl = fcntl(fd, F_GETFD);
  if (fl == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1) return errno;
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
  {
    int one = 1; /* fails harmlessly on descriptors that are not sockets */
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  }
#endif
  return lsock_sys_setnonblocking(fd, nonblocking);
}

int lsock_sys_socket(int family, int type, int proto, int nonblocking, sys_fd *fd) {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  int s = socket(family, type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), proto);
  if (s == -1) return errno;
#else
  int err, s = socket(family, type, proto);
  if (s == -1) return errno;
  if ((err = lsock_sys_adopt(s, nonblocking)) != 0) {
    close(s);
    return err;
  }
#endif
  *fd = s;
  return 0;
}

int lsock_sys_socketpair(int family, int type, int proto, int nonblocking, sys_fd fds[2]) {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  if (socketpair(family, type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), proto, fds) == -1)
    return errno;
#else
  int err;
  if (socketpair(family, type, proto, fds) == -1) return errno;
  if ((err = lsock_sys_adopt(fds[0], nonblocking)) != 0 ||
      (err = lsock_sys_adopt(fds[1], nonblocking)) != 0) {
    close(fds[0]);
    close(fds[1]);
    return err;
  }
#endif
  return 0;
}

int lsock_sys_dup(sys_fd fd, sys_fd *copy) {
  int c = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (c == -1) return errno;
  *copy = c;
  return 0;
}

int lsock_sys_close(sys_fd fd) {
  /* POSIX leaves the descriptor's state unspecified after EINTR; Linux and
     the BSDs have closed it already, so a retry could close another's fd */
  if (close(fd) == -1 && errno != EINTR) return errno;
  return 0;
}

int lsock_sys_validfd(double fd) {
  return fd >= 0 && fd <= (double)INT_MAX;
}

/* ----------------------------------------------------------- connections */

int lsock_sys_bind(sys_fd fd, const lsock_Addr *a) {
  return bind(fd, &a->u.sa, a->len) == -1 ? errno : 0;
}

int lsock_sys_listen(sys_fd fd, int backlog) {
  return listen(fd, backlog) == -1 ? errno : 0;
}

int lsock_sys_accept(sys_fd fd, lsock_Addr *peer, int nonblocking, sys_fd *conn) {
  int c;
  peer->len = sizeof peer->u;
#if defined(__linux__)
  c = accept4(fd, &peer->u.sa, &peer->len, SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
  if (c == -1) return errno;
#else
  {
    int err;
    c = accept(fd, &peer->u.sa, &peer->len);
    if (c == -1) return errno;
    /* accepted sockets may inherit O_NONBLOCK here: adopt sets it both ways */
    if ((err = lsock_sys_adopt(c, nonblocking)) != 0) {
      close(c);
      return err;
    }
  }
#endif
  *conn = c;
  return 0;
}

int lsock_sys_connect(sys_fd fd, const lsock_Addr *a) {
  return connect(fd, &a->u.sa, a->len) == -1 ? errno : 0;
}

int lsock_sys_connecterror(sys_fd fd, int *err) {
  socklen_t len = sizeof *err;
  *err = 0;
  return getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) == -1 ? errno : 0;
}

int lsock_sys_shutdown(sys_fd fd, int how) {
  return shutdown(fd, how) == -1 ? errno : 0;
}

int lsock_sys_getname(sys_fd fd, int peer, lsock_Addr *a) {
  int r;
  memset(a, 0, sizeof *a);
  a->len = sizeof a->u;
  r = peer ? getpeername(fd, &a->u.sa, &a->len) : getsockname(fd, &a->u.sa, &a->len);
  return r == -1 ? errno : 0;
}

int lsock_sys_getsockopt(sys_fd fd, int level, int option, void *value, size_t *len) {
  socklen_t l = (socklen_t)*len;
  if (getsockopt(fd, level, option, value, &l) == -1) return errno;
  *len = l;
  return 0;
}

int lsock_sys_setsockopt(sys_fd fd, int level, int option, const void *value, size_t len) {
  return setsockopt(fd, level, option, value, (socklen_t)len) == -1 ? errno : 0;
}

/* ------------------------------------------------------------------ data */

int lsock_sys_recv(sys_fd fd, void *buf, size_t len, int flags, lsock_Addr *from, size_t *n) {
  ssize_t r;
  if (from) {
    from->len = sizeof from->u;
    r = recvfrom(fd, buf, len, flags, &from->u.sa, &from->len);
  } else {
    r = recv(fd, buf, len, flags);
  }
  if (r < 0) return errno;
  /* with MSG_TRUNC the kernel reports a datagram's real size: keep what fits */
  *n = (size_t)r < len ? (size_t)r : len;
  return 0;
}

int lsock_sys_send(sys_fd fd, const void *buf, size_t len, int flags, const lsock_Addr *to,
                   size_t *n) {
  ssize_t r;
  flags |= lsock_sys_sendflags;
  r = to ? sendto(fd, buf, len, flags, &to->u.sa, to->len) : send(fd, buf, len, flags);
  if (r < 0) return errno;
  *n = (size_t)r;
  return 0;
}

int lsock_sys_nextsize(sys_fd fd, int flags, size_t *n) {
#if defined(MSG_TRUNC)
  char one;
  /* Linux returns the datagram's whole length with MSG_TRUNC */
  ssize_t r = recv(fd, &one, 0, flags | MSG_PEEK | MSG_TRUNC);
  if (r < 0) return errno;
  *n = (size_t)r;
  return 0;
#else
  (void)flags;
  return lsock_sys_pending(fd, n);
#endif
}

int lsock_sys_pending(sys_fd fd, size_t *n) {
  int avail = 0;
  if (ioctl(fd, FIONREAD, &avail) == -1) return errno;
  *n = avail > 0 ? (size_t)avail : 0;
  return 0;
}

/* --------------------------------------------------------------- waiting */

int lsock_sys_poll(sys_pollfd *fds, size_t n, int ms, int *nready) {
  int r = poll(fds, (nfds_t)n, ms);
  if (r == -1) return errno;
  *nready = r;
  return 0;
}

double lsock_sys_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int lsock_sys_sleep(double seconds) {
  struct timespec ts;
  if (!(seconds > 0)) return 0;
  ts.tv_sec = (time_t)floor(seconds);
  ts.tv_nsec = (long)((seconds - floor(seconds)) * 1e9);
  return nanosleep(&ts, NULL) == -1 ? errno : 0;
}

/* ----------------------------------------------------------------- names */

int lsock_sys_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                          struct addrinfo **res, int *syserr) {
  int code;
  errno = 0;
  code = getaddrinfo(host, service, hints, res);
  *syserr = errno;
  return code;
}

void lsock_sys_freeaddrinfo(struct addrinfo *res) {
  freeaddrinfo(res);
}

int lsock_sys_getnameinfo(const lsock_Addr *a, char *host, size_t hostlen, char *serv,
                          size_t servlen, int flags, int *syserr) {
  int code;
  errno = 0;
  code = getnameinfo(&a->u.sa, a->len, host, (socklen_t)hostlen, serv, (socklen_t)servlen, flags);
  *syserr = errno;
  return code;
}

int lsock_sys_gethostname(char *name, size_t size) {
  if (gethostname(name, size) == -1) return errno;
  name[size - 1] = '\0';
  return 0;
}

int lsock_sys_inet_pton(int family, const char *text, void *bin) {
  return inet_pton(family, text, bin) == 1;
}

int lsock_sys_inet_ntop(int family, const void *bin, char *text, size_t size) {
  return inet_ntop(family, bin, text, (socklen_t)size) == NULL ? errno : 0;
}

/* ---------------------------------------------------------------- errors */

const char *lsock_sys_strerror(int err, char *buf, size_t size) {
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
  return strerror_r(err, buf, size); /* GNU: may return a static string */
#else
  if (strerror_r(err, buf, size) != 0) {
    buf[0] = '\0';
    strncat(buf, "Unknown error", size - 1);
  }
  return buf;
#endif
}

const char *lsock_sys_gaistrerror(int code) {
  return gai_strerror(code);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int sys_posix_unused;
#endif
