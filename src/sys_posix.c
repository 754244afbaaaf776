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
#include <pthread.h>
#include <signal.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#if defined(__linux__)
#include <sys/sendfile.h>
#endif

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

int lsock_sys_nowait(sys_fd fd, int on) {
#if defined(MSG_DONTWAIT)
  (void)fd;
  (void)on;
  return 0; /* the flag on the call does it */
#else
  return lsock_sys_setnonblocking(fd, on);
#endif
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

int lsock_sys_getinheritable(sys_fd fd, int *on) {
  int fl = fcntl(fd, F_GETFD);
  if (fl == -1) return errno;
  *on = (fl & FD_CLOEXEC) == 0;
  return 0;
}

int lsock_sys_setinheritable(sys_fd fd, int on) {
  int fl = fcntl(fd, F_GETFD);
  if (fl == -1) return errno;
  fl = on ? (fl & ~FD_CLOEXEC) : (fl | FD_CLOEXEC);
  return fcntl(fd, F_SETFD, fl) == -1 ? errno : 0;
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

/* ------------------------------------------------------------ messages */

const int lsock_sys_scmrights = SCM_RIGHTS;

/* The iovec array of a message: on the C stack for a few pieces. */
#define MSG_STACK_IOV 16

#if defined(IOV_MAX)
const size_t lsock_sys_maxchunks = IOV_MAX;
#else
const size_t lsock_sys_maxchunks = 1024;
#endif

/* Fills *h from 'm'; *heap is the iovec array when it had to be
   allocated (more pieces than 'iov' holds), for the caller to free. */
static int aux_fillmsg(struct msghdr *h, struct iovec *iov, const lsock_Msg *m,
                       struct iovec **heap) {
  size_t i;
  *heap = NULL;
  if (m->nchunks > lsock_sys_maxchunks) return EMSGSIZE;
  if (m->nchunks > MSG_STACK_IOV) {
    if ((*heap = (struct iovec *)malloc(m->nchunks * sizeof *iov)) == NULL) return ENOMEM;
    iov = *heap;
  }
  for (i = 0; i < m->nchunks; i++) {
    iov[i].iov_base = m->chunks[i].p;
    iov[i].iov_len = m->chunks[i].len;
  }
  memset(h, 0, sizeof *h);
  h->msg_iov = iov;
  h->msg_iovlen = m->nchunks;
  h->msg_control = m->controllen > 0 ? m->control : NULL;
  h->msg_controllen = m->controllen;
  return 0;
}

int lsock_sys_recvmsg(sys_fd fd, lsock_Msg *m, int flags, size_t *n) {
  struct iovec iov[MSG_STACK_IOV];
  struct msghdr h;
  size_t total = 0, i;
  ssize_t r;
  struct iovec *heap;
  int err = aux_fillmsg(&h, iov, m, &heap);
  if (err) return err;
  if (m->addr) {
    memset(&m->addr->u, 0, sizeof m->addr->u);
    h.msg_name = &m->addr->u;
    h.msg_namelen = sizeof m->addr->u;
  }
#if defined(MSG_CMSG_CLOEXEC)
  flags |= MSG_CMSG_CLOEXEC;
#endif
  r = recvmsg(fd, &h, flags);
  err = errno;
  free(heap);
  if (r < 0) return err;
  m->controllen = h.msg_controllen;
  m->msgflags = h.msg_flags;
#if defined(MSG_CMSG_CLOEXEC)
  m->msgflags &= ~MSG_CMSG_CLOEXEC; /* Linux echoes the flag lsock added */
#endif
  if (m->addr) m->addr->len = h.msg_namelen;
#if !defined(MSG_CMSG_CLOEXEC)
  {
    struct cmsghdr *c;
    for (c = CMSG_FIRSTHDR(&h); c != NULL; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        size_t k, nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (k = 0; k < nfd; k++) {
          int d;
          memcpy(&d, CMSG_DATA(c) + k * sizeof d, sizeof d);
          (void)fcntl(d, F_SETFD, FD_CLOEXEC);
        }
      }
    }
  }
#endif
  for (i = 0; i < m->nchunks; i++) total += m->chunks[i].len;
  /* with MSG_TRUNC Linux reports a datagram's real size: keep what fits */
  *n = (size_t)r < total ? (size_t)r : total;
  return 0;
}

int lsock_sys_sendmsg(sys_fd fd, const lsock_Msg *m, int flags, size_t *n) {
  struct iovec iov[MSG_STACK_IOV];
  struct msghdr h;
  ssize_t r;
  struct iovec *heap;
  int err = aux_fillmsg(&h, iov, m, &heap);
  if (err) return err;
  if (m->addr) {
    h.msg_name = (void *)&m->addr->u;
    h.msg_namelen = m->addr->len;
  }
  /* cppcheck-suppress badBitmaskCheck ; lsock_sys_sendflags is 0 where there is no MSG_NOSIGNAL */
  r = sendmsg(fd, &h, flags | lsock_sys_sendflags);
  err = errno;
  free(heap);
  if (r < 0) return err;
  *n = (size_t)r;
  return 0;
}

size_t lsock_sys_cmsglen(size_t len) {
  if (len > (size_t)INT_MAX - CMSG_SPACE(0) - 64) return 0;
  return CMSG_LEN(len);
}

size_t lsock_sys_cmsgspace(size_t len) {
  if (len > (size_t)INT_MAX - CMSG_SPACE(0) - 64) return 0;
  return CMSG_SPACE(len);
}

int lsock_sys_cmsgbuild(void *control, size_t size, const lsock_Cmsg *items, size_t n,
                        size_t *used) {
  struct msghdr h;
  struct cmsghdr *c;
  size_t i;
  memset(control, 0, size);
  memset(&h, 0, sizeof h);
  h.msg_control = control;
  h.msg_controllen = size;
  *used = 0;
  for (i = 0, c = CMSG_FIRSTHDR(&h); i < n; i++) {
    if (c == NULL || (char *)c + CMSG_SPACE(items[i].len) > (char *)control + size) return ENOBUFS;
    c->cmsg_level = items[i].level;
    c->cmsg_type = items[i].type;
    c->cmsg_len = CMSG_LEN(items[i].len);
    if (items[i].len > 0) memcpy(CMSG_DATA(c), items[i].data, items[i].len);
    *used = (size_t)((char *)c - (char *)control) + CMSG_SPACE(items[i].len);
    c = CMSG_NXTHDR(&h, c);
  }
  return 0;
}

int lsock_sys_cmsgnext(const void *control, size_t len, size_t *pos, lsock_Cmsg *out) {
  const char *base = (const char *)control;
  struct cmsghdr c;
  size_t room, dlen;
  /* each header starts aligned, at a multiple of CMSG_ALIGN from the start */
  if (*pos + sizeof c > len) return 0;
  memcpy(&c, base + *pos, sizeof c);
  if (c.cmsg_len < CMSG_LEN(0)) return 0;
  room = len - *pos;
  dlen = (c.cmsg_len < room ? c.cmsg_len : room);
  dlen = dlen > CMSG_LEN(0) ? dlen - CMSG_LEN(0) : 0;
  out->level = c.cmsg_level;
  out->type = c.cmsg_type;
  out->data = base + *pos + CMSG_LEN(0);
  out->len = dlen;
  *pos += c.cmsg_len < room ? CMSG_ALIGN(c.cmsg_len) : room;
  return 1;
}

/* ------------------------------------------------------------- files */

int lsock_sys_fileinfo(sys_fd fd, lsock_FileInfo *info) {
  struct stat st;
  if (fstat(fd, &st) == -1) return errno;
  info->regular = S_ISREG(st.st_mode) != 0;
  info->size = (long long)st.st_size;
  return 0;
}

int lsock_sys_sendfile(sys_fd out, sys_fd in, long long *offset, size_t count, size_t *n) {
#if defined(__linux__)
  off_t off = (off_t)*offset;
  ssize_t r;
  if (count > 0x7ffff000) count = 0x7ffff000; /* Linux's cap for one call */
  r = sendfile(out, in, &off, count);
  if (r < 0) return errno;
  *offset = (long long)off;
  *n = (size_t)r;
  return 0;
#else
  (void)out; (void)in; (void)offset; (void)count;
  *n = 0;
  return ENOTSUP;
#endif
}

int lsock_sys_read(sys_fd fd, void *buf, size_t len, long long offset, size_t *n) {
  ssize_t r = offset < 0 ? read(fd, buf, len) : pread(fd, buf, len, (off_t)offset);
  if (r < 0) return errno;
  *n = (size_t)r;
  return 0;
}

int lsock_sys_seek(sys_fd fd, long long offset) {
  return lseek(fd, (off_t)offset, SEEK_SET) == (off_t)-1 ? errno : 0;
}

int lsock_sys_streamfd(void *stream, sys_fd *fd) {
  FILE *f = (FILE *)stream;
  int d;
  if (fflush(f) != 0) return errno;
  if ((d = fileno(f)) == -1) return errno;
  *fd = d;
  return 0;
}

int lsock_sys_streamseek(void *stream, long long offset) {
  return fseeko((FILE *)stream, (off_t)offset, SEEK_SET) != 0 ? errno : 0;
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

/* A resolution on a thread of its own. The job is shared by the thread
   and its owner in Lua, each holding a reference; the last to let go
   frees it. The thread writes one byte to the pipe when it is done. */
struct lsock_Resolve {
  pthread_mutex_t lock;
  int refs;
  int done;
  char *host, *service;
  struct addrinfo hints;
  struct addrinfo *res;
  int code, syserr;
  int pipe[2];
};

static void aux_resolve_unref(lsock_Resolve *job) {
  int last;
  pthread_mutex_lock(&job->lock);
  last = --job->refs == 0;
  pthread_mutex_unlock(&job->lock);
  if (!last) return;
  if (job->res != NULL) freeaddrinfo(job->res);
  close(job->pipe[0]);
  close(job->pipe[1]);
  pthread_mutex_destroy(&job->lock);
  free(job->host);
  free(job->service);
  free(job);
}

static void *aux_resolve_thread(void *arg) {
  lsock_Resolve *job = (lsock_Resolve *)arg;
  struct addrinfo *res = NULL;
  sigset_t all;
  int code, syserr;
  ssize_t w;
  /* signals are for the threads of the program, never this one */
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  errno = 0;
  code = getaddrinfo(job->host, job->service, &job->hints, &res);
  syserr = errno;
  pthread_mutex_lock(&job->lock);
  job->res = res;
  job->code = code;
  job->syserr = syserr;
  job->done = 1;
  pthread_mutex_unlock(&job->lock);
  do w = write(job->pipe[1], "", 1);
  while (w < 0 && errno == EINTR);
  aux_resolve_unref(job);
  return NULL;
}

static char *aux_strdup(const char *s) {
  char *d;
  if (s == NULL) return NULL;
  d = (char *)malloc(strlen(s) + 1);
  if (d != NULL) strcpy(d, s);
  return d;
}

int lsock_sys_resolve_start(const char *host, const char *service, const struct addrinfo *hints,
                            lsock_Resolve **out) {
  lsock_Resolve *job = (lsock_Resolve *)calloc(1, sizeof *job);
  pthread_attr_t attr;
  pthread_t tid;
  int err;
  if (job == NULL) return ENOMEM;
  job->host = aux_strdup(host);
  job->service = aux_strdup(service);
  if ((host && !job->host) || (service && !job->service)) {
    free(job->host);
    free(job->service);
    free(job);
    return ENOMEM;
  }
  job->hints = *hints;
  job->hints.ai_addr = NULL;
  job->hints.ai_canonname = NULL;
  job->hints.ai_next = NULL;
  if (pipe2(job->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    err = errno;
    free(job->host);
    free(job->service);
    free(job);
    return err;
  }
  pthread_mutex_init(&job->lock, NULL);
  job->refs = 2;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  err = pthread_create(&tid, &attr, aux_resolve_thread, job);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    job->refs = 1;
    aux_resolve_unref(job);
    return err;
  }
  *out = job;
  return 0;
}

sys_fd lsock_sys_resolve_fd(const lsock_Resolve *job) {
  return job->pipe[0];
}

int lsock_sys_resolve_take(lsock_Resolve *job, struct addrinfo **res, int *code, int *syserr) {
  int done;
  pthread_mutex_lock(&job->lock);
  done = job->done;
  if (done) {
    *res = job->res;
    *code = job->code;
    *syserr = job->syserr;
    job->res = NULL;
  }
  pthread_mutex_unlock(&job->lock);
  return done;
}

void lsock_sys_resolve_release(lsock_Resolve *job) {
  aux_resolve_unref(job);
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

/* The buffer the *_r database calls fill; their entries are small. */
#define DB_BUFSIZE 4096

int lsock_sys_getservbyname(const char *name, const char *proto, int *port) {
  struct servent se, *res = NULL;
  char buf[DB_BUFSIZE];
  if (getservbyname_r(name, proto, &se, buf, sizeof buf, &res) != 0 || res == NULL) return ENOENT;
  *port = ntohs((unsigned short)res->s_port);
  return 0;
}

int lsock_sys_getservbyport(int port, const char *proto, char *name, size_t size) {
  struct servent se, *res = NULL;
  char buf[DB_BUFSIZE];
  if (getservbyport_r(htons((unsigned short)port), proto, &se, buf, sizeof buf, &res) != 0 ||
      res == NULL)
    return ENOENT;
  name[0] = '\0';
  strncat(name, res->s_name, size - 1);
  return 0;
}

int lsock_sys_getprotobyname(const char *name, int *proto) {
  struct protoent pe, *res = NULL;
  char buf[DB_BUFSIZE];
  if (getprotobyname_r(name, &pe, buf, sizeof buf, &res) != 0 || res == NULL) return ENOENT;
  *proto = res->p_proto;
  return 0;
}

int lsock_sys_gethostbyname(const char *name, struct hostent *h, char *buf, size_t size,
                            int *herr) {
  struct hostent *res = NULL;
  int r = gethostbyname_r(name, h, buf, size, &res, herr);
  if (r == ERANGE) return ERANGE;
  return res == NULL ? -1 : 0;
}

int lsock_sys_gethostbyaddr(const void *addr, size_t len, int family, struct hostent *h,
                            char *buf, size_t size, int *herr) {
  struct hostent *res = NULL;
  int r = gethostbyaddr_r(addr, (socklen_t)len, family, h, buf, size, &res, herr);
  if (r == ERANGE) return ERANGE;
  return res == NULL ? -1 : 0;
}

const char *lsock_sys_hstrerror(int herr) {
  return hstrerror(herr);
}

const size_t lsock_sys_ifnamesize = IF_NAMESIZE;

int lsock_sys_if_nametoindex(const char *name, unsigned *index) {
  unsigned i;
  errno = 0;
  i = if_nametoindex(name);
  if (i == 0) return errno ? errno : ENODEV;
  *index = i;
  return 0;
}

int lsock_sys_if_indextoname(unsigned index, char *name) {
  return if_indextoname(index, name) == NULL ? errno : 0;
}

int lsock_sys_if_list(void **list) {
  struct if_nameindex *l = if_nameindex();
  if (l == NULL) return errno;
  *list = l;
  return 0;
}

int lsock_sys_if_entry(const void *list, size_t i, unsigned *index, const char **name) {
  const struct if_nameindex *l = (const struct if_nameindex *)list;
  size_t k;
  for (k = 0; k <= i; k++) /* the list ends with an entry of index 0 */
    if (l[k].if_index == 0) return 0;
  *index = l[i].if_index;
  *name = l[i].if_name;
  return 1;
}

void lsock_sys_if_freelist(void *list) {
  if_freenameindex((struct if_nameindex *)list);
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
