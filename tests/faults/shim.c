/*
** tests/faults/shim.c — an LD_PRELOAD fault injector for `make faults`.
**
** It sits between lsock and libc and, at a given rate, makes the system
** calls misbehave in the ways the kernel is allowed to:
**   eintr   recv, send, accept (all forms), poll/ppoll/epoll_wait: EINTR
**           (a wait first sleeps part of its timeout, as a signal would
**           arrive mid-wait); a blocking connect is really made, then
**           reported as EINTR (it goes on in the background, as on Linux)
**   eagain  recv, send, accept (all forms) fail with EAGAIN, only when the call
**           could not block (O_NONBLOCK on the descriptor or MSG_DONTWAIT)
**   short   recv, send and the like on stream sockets get a smaller length
**   early   poll/ppoll/epoll_wait return 0 before their timeout
**   ready   poll/ppoll report the first descriptor ready (POLLIN/POLLOUT
**           as asked) when it is not; epoll_wait reports a registered
**           descriptor ready with the events it was registered for
**   close   close() of a socket really closes, then says EINTR (Linux)
** Data calls act on sockets only (fstat S_ISSOCK), so Lua's own files and
** the shell are left alone.
**
** Environment:
**   LSOCK_FAULTS        comma list of items kind[@call][:rate], e.g.
**                       "eintr,early:0.5,eagain@recv:1,ready@poll:1";
**                       call is recv recvfrom recvmsg send sendto sendmsg
**                       accept connect poll epoll_wait close, or a prefix
**                       ending in '*' ("recv*"); "all" means every kind
**   LSOCK_FAULTS_RATE   default rate (probability per call), 0.1
**   LSOCK_FAULTS_SEED   PRNG seed (default 1)
**   LSOCK_FAULTS_ARMED  0: start disarmed (see the control channel)
**   LSOCK_FAULTS_REPORT file appended at exit with one line of figures:
**                       calls, injected faults by kind, getaddrinfo lists
**                       not yet freed ("gai_outstanding="), poll timeouts
**   LSOCK_FAULTS_GAI    file that gets the count of getaddrinfo lists not
**                       yet freed at exit (a number and a newline)
** Control channel, from Lua: s:getsockopt(0x6c73, op) on any socket:
**   op 1 arms, 0 disarms (returns the previous state), 2 returns the
**   getaddrinfo lists not yet freed, 3 the largest poll/ppoll timeout seen
**   in ms (-1 if only infinite ones), 4 resets that record, 5 the number
**   of faults injected so far.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define CTL_LEVEL 0x6c73

enum { K_EINTR, K_EAGAIN, K_SHORT, K_EARLY, K_READY, K_CLOSE, K_N };
static const char *const kind_names[K_N] = {"eintr", "eagain", "short", "early", "ready", "close"};

#define MAX_ITEMS 32
typedef struct {
  int kind;
  char call[24]; /* "" = every call; trailing '*' = prefix */
  double rate;
} Item;

typedef ssize_t (*recv_fn)(int, void *, size_t, int);
typedef ssize_t (*recvfrom_fn)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
typedef ssize_t (*recvmsg_fn)(int, struct msghdr *, int);
typedef ssize_t (*send_fn)(int, const void *, size_t, int);
typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
typedef ssize_t (*sendmsg_fn)(int, const struct msghdr *, int);
typedef int (*accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*poll_fn)(struct pollfd *, nfds_t, int);
typedef int (*ppoll_fn)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
typedef int (*epoll_wait_fn)(int, struct epoll_event *, int, int);
typedef int (*epoll_ctl_fn)(int, int, int, struct epoll_event *);
typedef int (*close_fn)(int);
typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void (*freeaddrinfo_fn)(struct addrinfo *);
typedef int (*getsockopt_fn)(int, int, int, void *, socklen_t *);

static struct {
  recv_fn recv;
  recvfrom_fn recvfrom;
  recvmsg_fn recvmsg;
  send_fn send;
  sendto_fn sendto;
  sendmsg_fn sendmsg;
  accept_fn accept;
  accept4_fn accept4;
  connect_fn connect;
  poll_fn poll;
  ppoll_fn ppoll;
  epoll_wait_fn epoll_wait;
  epoll_ctl_fn epoll_ctl;
  close_fn close;
  getaddrinfo_fn getaddrinfo;
  freeaddrinfo_fn freeaddrinfo;
  getsockopt_fn getsockopt;
} real;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Item items[MAX_ITEMS];
static int nitems;
static double default_rate = 0.1;
static uint64_t rng = 1;
static int armed = 1;
static long gai_outstanding, gai_calls;
static unsigned long calls, injected[K_N];
static long long poll_ms_max = LLONG_MIN;
static unsigned long poll_ms_inf;

/* epoll registrations, for "ready" on epoll_wait: fd -> (epfd, event) */
#define EP_MAX 4096
static struct { int epfd; struct epoll_event ev; } ep_reg[EP_MAX];
static unsigned char ep_used[EP_MAX];

#define RESOLVE(name) (*(void **)&real.name = dlsym(RTLD_NEXT, #name))

static void parse_items(const char *spec) {
  char buf[1024], *save = NULL, *tok;
  size_t len = strlen(spec);
  if (len >= sizeof buf) len = sizeof buf - 1;
  memcpy(buf, spec, len);
  buf[len] = '\0';
  for (tok = strtok_r(buf, ", ", &save); tok != NULL && nitems < MAX_ITEMS;
       tok = strtok_r(NULL, ", ", &save)) {
    char *at = strchr(tok, '@'), *colon = strchr(tok, ':');
    double rate = -1;
    int k, all;
    if (colon) {
      *colon = '\0';
      rate = strtod(colon + 1, NULL);
    }
    if (at) *at = '\0';
    all = strcmp(tok, "all") == 0;
    for (k = 0; k < K_N; k++) {
      if (!all && strcmp(tok, kind_names[k]) != 0) continue;
      if (nitems >= MAX_ITEMS) break;
      items[nitems].kind = k;
      items[nitems].call[0] = '\0';
      if (at) {
        strncpy(items[nitems].call, at + 1, sizeof items[nitems].call - 1);
        items[nitems].call[sizeof items[nitems].call - 1] = '\0';
      }
      items[nitems].rate = rate;
      nitems++;
    }
  }
}

static void init(void) {
  const char *s;
  RESOLVE(recv); RESOLVE(recvfrom); RESOLVE(recvmsg);
  RESOLVE(send); RESOLVE(sendto); RESOLVE(sendmsg);
  RESOLVE(accept); RESOLVE(accept4); RESOLVE(connect);
  RESOLVE(poll); RESOLVE(ppoll); RESOLVE(epoll_wait); RESOLVE(epoll_ctl);
  RESOLVE(close); RESOLVE(getaddrinfo); RESOLVE(freeaddrinfo); RESOLVE(getsockopt);
  if ((s = getenv("LSOCK_FAULTS_RATE")) != NULL) default_rate = strtod(s, NULL);
  if ((s = getenv("LSOCK_FAULTS_SEED")) != NULL) rng = strtoull(s, NULL, 10);
  rng = rng * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
  if (rng == 0) rng = 1;
  if ((s = getenv("LSOCK_FAULTS_ARMED")) != NULL && strcmp(s, "0") == 0) armed = 0;
  if ((s = getenv("LSOCK_FAULTS")) != NULL) parse_items(s);
}

static void setup(void) {
  pthread_once(&once, init);
}

/* xorshift64*: one stream per process, under the lock. */
static uint64_t next_u64(void) {
  uint64_t x = rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static double next_unit(void) {
  return (double)(next_u64() >> 11) / 9007199254740992.0; /* [0, 1) */
}

/* A number in [lo, hi] (lo <= hi). */
static size_t pick(size_t lo, size_t hi) {
  size_t r;
  pthread_mutex_lock(&lock);
  r = lo + (size_t)(next_u64() % (uint64_t)(hi - lo + 1));
  pthread_mutex_unlock(&lock);
  return r;
}

static int call_matches(const char *pattern, const char *call) {
  size_t n = strlen(pattern);
  if (n == 0) return 1;
  if (pattern[n - 1] == '*') return strncmp(pattern, call, n - 1) == 0;
  return strcmp(pattern, call) == 0;
}

/* Whether to inject fault 'kind' into this call of 'call'. */
static int roll(int kind, const char *call) {
  int i, hit = 0;
  pthread_mutex_lock(&lock);
  if (armed) {
    for (i = 0; i < nitems && !hit; i++) {
      double rate;
      if (items[i].kind != kind || !call_matches(items[i].call, call)) continue;
      rate = items[i].rate >= 0 ? items[i].rate : default_rate;
      if (rate > 0 && (rate >= 1 || next_unit() < rate)) hit = 1;
    }
    if (hit) injected[kind]++;
  }
  pthread_mutex_unlock(&lock);
  return hit;
}

static void count_call(void) {
  pthread_mutex_lock(&lock);
  calls++;
  pthread_mutex_unlock(&lock);
}

static int is_socket(int fd) {
  struct stat st;
  return fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int is_stream(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  return real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
}

static int cannot_block(int fd, int flags) {
  int fl;
  if (flags & MSG_DONTWAIT) return 1;
  fl = fcntl(fd, F_GETFL);
  return fl != -1 && (fl & O_NONBLOCK);
}

/* The common faults of a data call: returns 1 with errno set when the
   call must fail without being made; may shrink *len. */
static int data_faults(const char *call, int fd, int flags, size_t *len) {
  if (!is_socket(fd)) return 0;
  count_call();
  if (roll(K_EINTR, call)) {
    errno = EINTR;
    return 1;
  }
  if (cannot_block(fd, flags) && roll(K_EAGAIN, call)) {
    errno = EAGAIN;
    return 1;
  }
  if (len && *len > 1 && is_stream(fd) && roll(K_SHORT, call)) *len = pick(1, *len - 1);
  return 0;
}

/* A shortened copy of msg's iovec: the first bytes only, of 'total'. */
#define IOV_MAX_COPY 64
static int shrink_msg(const char *call, int fd, int flags, const struct msghdr *msg,
                      struct msghdr *copy, struct iovec *iov) {
  size_t total = 0, want, i;
  if (!is_socket(fd)) return 0;
  count_call();
  if (roll(K_EINTR, call)) {
    errno = EINTR;
    return -1;
  }
  if (cannot_block(fd, flags) && roll(K_EAGAIN, call)) {
    errno = EAGAIN;
    return -1;
  }
  if (msg == NULL || msg->msg_iovlen == 0 || msg->msg_iovlen > IOV_MAX_COPY) return 0;
  for (i = 0; i < msg->msg_iovlen; i++) total += msg->msg_iov[i].iov_len;
  if (total < 2 || !is_stream(fd) || !roll(K_SHORT, call)) return 0;
  want = pick(1, total - 1);
  *copy = *msg;
  copy->msg_iov = iov;
  copy->msg_iovlen = 0;
  for (i = 0; i < msg->msg_iovlen && want > 0; i++) {
    iov[i] = msg->msg_iov[i];
    if (iov[i].iov_len > want) iov[i].iov_len = want;
    want -= iov[i].iov_len;
    copy->msg_iovlen = i + 1;
  }
  return 1;
}

/* ---------------------------------------------------------------- data */

ssize_t recv(int fd, void *buf, size_t len, int flags) {
  setup();
  if (data_faults("recv", fd, flags, &len)) return -1;
  return real.recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *sa, socklen_t *salen) {
  setup();
  if (data_faults("recvfrom", fd, flags, &len)) return -1;
  return real.recvfrom(fd, buf, len, flags, sa, salen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  struct msghdr copy;
  struct iovec iov[IOV_MAX_COPY];
  ssize_t r;
  int s;
  setup();
  s = shrink_msg("recvmsg", fd, flags, msg, &copy, iov);
  if (s < 0) return -1;
  if (s == 0) return real.recvmsg(fd, msg, flags);
  r = real.recvmsg(fd, &copy, flags);
  /* what the kernel wrote back into the header */
  msg->msg_namelen = copy.msg_namelen;
  msg->msg_controllen = copy.msg_controllen;
  msg->msg_flags = copy.msg_flags;
  return r;
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
  setup();
  if (data_faults("send", fd, flags, &len)) return -1;
  return real.send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *sa, socklen_t salen) {
  setup();
  if (data_faults("sendto", fd, flags, &len)) return -1;
  return real.sendto(fd, buf, len, flags, sa, salen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  struct msghdr copy;
  struct iovec iov[IOV_MAX_COPY];
  int s;
  setup();
  s = shrink_msg("sendmsg", fd, flags, msg, &copy, iov);
  if (s < 0) return -1;
  return real.sendmsg(fd, s ? &copy : msg, flags);
}

int accept(int fd, struct sockaddr *sa, socklen_t *len) {
  setup();
  if (data_faults("accept", fd, 0, NULL)) return -1;
  return real.accept(fd, sa, len);
}

int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags) {
  setup();
  if (data_faults("accept", fd, 0, NULL)) return -1;
  return real.accept4(fd, sa, len, flags);
}

int connect(int fd, const struct sockaddr *sa, socklen_t len) {
  int r;
  setup();
  int saved;
  r = real.connect(fd, sa, len);
  saved = errno;
  if (is_socket(fd)) {
    count_call();
    /* only a blocking connect can be interrupted; it then goes on */
    if (!cannot_block(fd, 0) && (r == 0 || saved == EINPROGRESS) && is_stream(fd) &&
        roll(K_EINTR, "connect")) {
      errno = EINTR;
      return -1;
    }
  }
  errno = saved;
  return r;
}

int close(int fd) {
  int sock, r, saved;
  setup();
  sock = is_socket(fd);
  r = real.close(fd);
  saved = errno;
  if (sock && r == 0) {
    count_call();
    if (roll(K_CLOSE, "close") || roll(K_EINTR, "close")) {
      errno = EINTR;
      return -1;
    }
  }
  errno = saved;
  return r;
}

/* --------------------------------------------------------------- waits */

static void record_ms(long long ms) {
  pthread_mutex_lock(&lock);
  if (ms < 0) poll_ms_inf++;
  else if (ms > poll_ms_max) poll_ms_max = ms;
  pthread_mutex_unlock(&lock);
}

/* A part of a timeout (ms; -1 is infinite): what a signal or an early
   wake-up leaves of it, at most 50 ms. */
static int part_of(int ms) {
  int cap = (ms < 0 || ms > 50) ? 50 : ms;
  return (int)pick(0, (size_t)cap);
}

static int any_socket(const struct pollfd *fds, nfds_t n) {
  nfds_t i;
  for (i = 0; i < n; i++)
    if (is_socket(fds[i].fd)) return 1;
  return 0;
}

/* poll with the faults; 'ms' -1 is infinite. */
static int faulty_poll(const char *call, struct pollfd *fds, nfds_t n, int ms,
                       int (*wait)(struct pollfd *, nfds_t, int, void *), void *ud) {
  int r;
  if (!any_socket(fds, n)) return wait(fds, n, ms, ud);
  count_call();
  record_ms(ms);
  if (n > 0 && fds[0].fd >= 0 && (fds[0].events & (POLLIN | POLLOUT)) &&
      is_socket(fds[0].fd) && roll(K_READY, call)) {
    r = wait(fds, n, 0, ud);
    if (r != 0) return r;
    fds[0].revents = (short)(fds[0].events & (POLLIN | POLLOUT));
    return 1;
  }
  if (ms != 0 && roll(K_EINTR, call)) {
    r = wait(fds, n, part_of(ms), ud);
    if (r != 0) return r;
    errno = EINTR;
    return -1;
  }
  if (ms != 0 && roll(K_EARLY, call)) return wait(fds, n, part_of(ms), ud);
  return wait(fds, n, ms, ud);
}

static int wait_poll(struct pollfd *fds, nfds_t n, int ms, void *ud) {
  (void)ud;
  return real.poll(fds, n, ms);
}

typedef struct { const sigset_t *mask; } PpollUd;

static int wait_ppoll(struct pollfd *fds, nfds_t n, int ms, void *ud) {
  struct timespec ts;
  if (ms < 0) return real.ppoll(fds, n, NULL, ((PpollUd *)ud)->mask);
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  return real.ppoll(fds, n, &ts, ((PpollUd *)ud)->mask);
}

int poll(struct pollfd *fds, nfds_t n, int ms) {
  setup();
  return faulty_poll("poll", fds, n, ms, wait_poll, NULL);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask) {
  PpollUd ud;
  long long ms;
  setup();
  ud.mask = mask;
  if (ts == NULL) return faulty_poll("poll", fds, n, -1, wait_ppoll, &ud);
  ms = (long long)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
  if (ms > INT_MAX) {
    /* too long for the fault path's int: only record and pass through */
    record_ms(ms);
    return real.ppoll(fds, n, ts, mask);
  }
  return faulty_poll("poll", fds, n, (int)ms, wait_ppoll, &ud);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) {
  int r;
  setup();
  int saved;
  r = real.epoll_ctl(epfd, op, fd, ev);
  saved = errno;
  if (r == 0 && fd >= 0 && fd < EP_MAX) {
    pthread_mutex_lock(&lock);
    if (op == EPOLL_CTL_DEL) {
      ep_used[fd] = 0;
    } else if (ev != NULL) {
      ep_used[fd] = 1;
      ep_reg[fd].epfd = epfd;
      ep_reg[fd].ev = *ev;
    }
    pthread_mutex_unlock(&lock);
  }
  errno = saved;
  return r;
}

/* A registered descriptor of 'epfd' (its event in *ev), or -1. */
static int ep_pick(int epfd, struct epoll_event *ev) {
  int fd, found = -1, start = (int)pick(0, EP_MAX - 1), i;
  pthread_mutex_lock(&lock);
  for (i = 0; i < EP_MAX && found < 0; i++) {
    fd = (start + i) % EP_MAX;
    if (ep_used[fd] && ep_reg[fd].epfd == epfd &&
        (ep_reg[fd].ev.events & (EPOLLIN | EPOLLOUT))) {
      found = fd;
      *ev = ep_reg[fd].ev;
      ev->events &= (EPOLLIN | EPOLLOUT);
    }
  }
  pthread_mutex_unlock(&lock);
  return found;
}

int epoll_wait(int epfd, struct epoll_event *evs, int max, int ms) {
  int r;
  struct epoll_event ev;
  setup();
  count_call();
  record_ms(ms);
  if (max > 0 && roll(K_READY, "epoll_wait") && ep_pick(epfd, &ev) >= 0) {
    r = real.epoll_wait(epfd, evs, max, 0);
    if (r != 0) return r;
    evs[0] = ev;
    return 1;
  }
  if (ms != 0 && roll(K_EINTR, "epoll_wait")) {
    r = real.epoll_wait(epfd, evs, max, part_of(ms));
    if (r != 0) return r;
    errno = EINTR;
    return -1;
  }
  if (ms != 0 && roll(K_EARLY, "epoll_wait")) return real.epoll_wait(epfd, evs, max, part_of(ms));
  return real.epoll_wait(epfd, evs, max, ms);
}

/* --------------------------------------------------------------- names */

int getaddrinfo(const char *host, const char *serv, const struct addrinfo *hints, struct addrinfo **res) {
  int r;
  setup();
  int saved;
  r = real.getaddrinfo(host, serv, hints, res);
  saved = errno; /* EAI_SYSTEM leaves its reason there */
  if (r == 0 && *res != NULL) {
    pthread_mutex_lock(&lock);
    gai_outstanding++;
    gai_calls++;
    pthread_mutex_unlock(&lock);
  }
  errno = saved;
  return r;
}

void freeaddrinfo(struct addrinfo *ai) {
  setup();
  if (ai != NULL) {
    pthread_mutex_lock(&lock);
    gai_outstanding--;
    pthread_mutex_unlock(&lock);
  }
  real.freeaddrinfo(ai);
}

/* ------------------------------------------------------------- control */

int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
  long long out;
  unsigned long total = 0;
  int k;
  setup();
  if (level != CTL_LEVEL) return real.getsockopt(fd, level, name, val, len);
  pthread_mutex_lock(&lock);
  switch (name) {
    case 0: case 1: out = armed; armed = name; break;
    case 2: out = gai_outstanding; break;
    case 3: out = poll_ms_max == LLONG_MIN ? -1 : poll_ms_max; break;
    case 4: out = 0; poll_ms_max = LLONG_MIN; poll_ms_inf = 0; break;
    case 5: for (k = 0; k < K_N; k++) total += injected[k]; out = (long long)total; break;
    default: out = -1; break;
  }
  pthread_mutex_unlock(&lock);
  if (val == NULL || len == NULL || *len < sizeof(int)) {
    errno = EINVAL;
    return -1;
  }
  *(int *)val = out > INT_MAX ? INT_MAX : (int)out;
  *len = sizeof(int);
  return 0;
}

/* ----------------------------------------------------------------- exit */

static void append_line(const char *path, const char *text) {
  FILE *f = fopen(path, "a");
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

__attribute__((destructor)) static void report(void) {
  const char *path;
  char line[512];
  int k, n;
  size_t off;
  if ((path = getenv("LSOCK_FAULTS_GAI")) != NULL) {
    snprintf(line, sizeof line, "%ld\n", gai_outstanding);
    append_line(path, line);
  }
  if ((path = getenv("LSOCK_FAULTS_REPORT")) != NULL) {
    n = snprintf(line, sizeof line, "pid=%ld calls=%lu", (long)getpid(), calls);
    off = n > 0 ? (size_t)n : 0;
    for (k = 0; k < K_N && off < sizeof line; k++) {
      n = snprintf(line + off, sizeof line - off, " %s=%lu", kind_names[k], injected[k]);
      if (n > 0) off += (size_t)n;
    }
    if (off < sizeof line)
      snprintf(line + off, sizeof line - off, " gai_calls=%ld gai_outstanding=%ld\n",
               gai_calls, gai_outstanding);
    append_line(path, line);
  }
}
