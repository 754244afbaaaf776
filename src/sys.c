/*
** sys.c — Linux and the BSDs (macOS included): descriptors born
** close-on-exec, writes that cannot raise SIGPIPE. Where the system lacks
** SOCK_CLOEXEC or accept4, the flags are set right after creation; a host
** that forks from another thread in that instant is the only one that can
** see such a descriptor, which is the best those systems allow.
*/
#if defined(__linux__)
#define _GNU_SOURCE /* accept4, and the GNU strerror_r */
#endif

#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#if defined(MSG_NOSIGNAL)
const int sys_sendflags = MSG_NOSIGNAL;
#else
const int sys_sendflags = 0; /* SO_NOSIGPIPE is set on each socket instead */
#endif

int sys_adopt(int fd, int nonblocking) {
  int fl = fcntl(fd, F_GETFD);
  if (fl == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1) return errno;
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
  {
    int one = 1; /* fails harmlessly on descriptors that are not sockets */
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  }
#endif
  return sys_setnonblocking(fd, nonblocking);
}

int sys_socket(int family, int type, int proto, int nonblocking, int *fd) {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  int s = socket(family, type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), proto);
  if (s == -1) return errno;
#else
  int err, s = socket(family, type, proto);
  if (s == -1) return errno;
  if ((err = sys_adopt(s, nonblocking)) != 0) {
    close(s);
    return err;
  }
#endif
  *fd = s;
  return 0;
}

int sys_socketpair(int family, int type, int proto, int nonblocking, int fds[2]) {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  if (socketpair(family, type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), proto, fds) == -1)
    return errno;
#else
  int err;
  if (socketpair(family, type, proto, fds) == -1) return errno;
  if ((err = sys_adopt(fds[0], nonblocking)) != 0 ||
      (err = sys_adopt(fds[1], nonblocking)) != 0) {
    close(fds[0]);
    close(fds[1]);
    return err;
  }
#endif
  return 0;
}

int sys_accept(int fd, struct sockaddr *sa, socklen_t *len, int nonblocking, int *conn) {
#if defined(__linux__)
  int c = accept4(fd, sa, len, SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
  if (c == -1) return errno;
#else
  int err, c = accept(fd, sa, len);
  if (c == -1) return errno;
  /* accepted sockets may inherit O_NONBLOCK here: sys_adopt sets it both ways */
  if ((err = sys_adopt(c, nonblocking)) != 0) {
    close(c);
    return err;
  }
#endif
  *conn = c;
  return 0;
}

int sys_dup(int fd, int *copy) {
  int c = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (c == -1) return errno;
  *copy = c;
  return 0;
}

int sys_setnonblocking(int fd, int on) {
  int fl = fcntl(fd, F_GETFL);
  if (fl == -1) return errno;
  if (((fl & O_NONBLOCK) != 0) == (on != 0)) return 0;
  if (fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK)) == -1) return errno;
  return 0;
}

int sys_close(int fd) {
  /* POSIX leaves the descriptor's state unspecified after EINTR; Linux and
     the BSDs have closed it already, so a retry could close another's fd */
  if (close(fd) == -1 && errno != EINTR) return errno;
  return 0;
}

int sys_pending(int fd, size_t *n) {
  int avail = 0;
  if (ioctl(fd, FIONREAD, &avail) == -1) return errno;
  *n = avail > 0 ? (size_t)avail : 0;
  return 0;
}

const char *sys_strerror(int err, char *buf, size_t size) {
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

double sys_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
