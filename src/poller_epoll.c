/*
** poller_epoll.c — the poller on Linux's epoll: the kernel keeps the set,
** so a wait costs what is ready, not what is registered. The only file that
** includes <sys/epoll.h>.
*/
#include "poller.h"

#if defined(POLLER_BACKEND_EPOLL)

#include <unistd.h>
#include <sys/epoll.h>

const char lsock_poller_backend_name[] = "epoll";

int lsock_pollerb_create(poller_Backend *b, const poller_Alloc *a) {
  b->alloc = *a;
  b->evs = NULL;
  b->cap = b->n = 0;
  /* close-on-exec from birth: no window in which a fork could inherit it */
  b->epfd = epoll_create1(EPOLL_CLOEXEC);
  return b->epfd == -1 ? errno : 0;
}

static unsigned aux_toepoll(int events) {
  return ((events & POLLIN) ? EPOLLIN : 0u) | ((events & POLLOUT) ? EPOLLOUT : 0u);
}

static int aux_fromepoll(unsigned ev) {
  return ((ev & EPOLLIN) ? POLLIN : 0) | ((ev & EPOLLOUT) ? POLLOUT : 0) |
         ((ev & EPOLLERR) ? POLLERR : 0) | ((ev & EPOLLHUP) ? POLLHUP : 0);
}

static int aux_ctl(poller_Backend *b, int op, int fd, int events) {
  struct epoll_event ev;
  ev.events = aux_toepoll(events);
  ev.data.u64 = 0; /* the whole union: valgrind reads all of it */
  ev.data.fd = fd;
  return epoll_ctl(b->epfd, op, fd, &ev) == -1 ? errno : 0;
}

int lsock_pollerb_add(poller_Backend *b, int fd, int events) {
  int err;
  /* room to hear from every descriptor in one epoll_wait, made before the
     kernel knows the new one, so a failure here changes nothing */
  if (b->n + 1 > b->cap) {
    size_t nc = b->cap ? 2 * b->cap : 16;
    void *evs = lsock_poller_realloc(&b->alloc, b->evs, sizeof(struct epoll_event), b->cap, nc);
    if (evs == NULL) return ENOMEM;
    b->evs = evs;
    b->cap = nc;
  }
  if ((err = aux_ctl(b, EPOLL_CTL_ADD, fd, events)) != 0) return err;
  b->n++;
  return 0;
}

int lsock_pollerb_mod(poller_Backend *b, int fd, int events) {
  return aux_ctl(b, EPOLL_CTL_MOD, fd, events);
}

int lsock_pollerb_del(poller_Backend *b, int fd) {
  /* the count drops even when the kernel no longer knew the descriptor
     (closed before it was unregistered): the caller forgets it anyway */
  if (b->n > 0) b->n--;
  return aux_ctl(b, EPOLL_CTL_DEL, fd, 0);
}

int lsock_pollerb_wait(poller_Backend *b, poller_Event *out, size_t max, int ms, size_t *n) {
  struct epoll_event *evs = (struct epoll_event *)b->evs, one;
  int r, i;
  if (evs == NULL) { /* nothing was ever added: nothing to hear but time */
    evs = &one;
    max = 1;
  }
  if (max > b->cap && b->cap > 0) max = b->cap;
  if (max > 0x7fffffff) max = 0x7fffffff;
  *n = 0;
  r = epoll_wait(b->epfd, evs, (int)max, ms);
  if (r == -1) return errno;
  for (i = 0; i < r; i++) {
    out[i].fd = evs[i].data.fd;
    out[i].events = aux_fromepoll(evs[i].events);
  }
  *n = (size_t)r;
  return 0;
}

int lsock_pollerb_close(poller_Backend *b) {
  int err = 0;
  if (b->epfd >= 0) {
    /* as with sockets: close is never retried, the descriptor is gone */
    if (close(b->epfd) == -1 && errno != EINTR) err = errno;
    b->epfd = -1;
  }
  b->evs = lsock_poller_realloc(&b->alloc, b->evs, sizeof(struct epoll_event), b->cap, 0);
  b->cap = b->n = 0;
  return err;
}

int lsock_pollerb_fd(const poller_Backend *b) {
  return b->epfd;
}

size_t lsock_pollerb_list(const poller_Backend *b, poller_Event *out, size_t max) {
  (void)b; /* the kernel keeps the set: a waiter is given epfd instead */
  (void)out;
  (void)max;
  return 0;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int poller_epoll_unused;
#endif
