/*
** poller_poll.c — the poller on POSIX poll(), for systems with neither
** epoll nor kqueue, and for testing on any of them (make POLLER=poll).
** The set lives here, not in the kernel: an array of pollfd that poll()
** scans whole on every wait, plus an index by descriptor so that add,
** modify and remove cost O(1) (removal moves the last entry into the hole).
*/
#include "poller.h"

#if defined(POLLER_BACKEND_POLL)

const char lsock_poller_backend_name[] = "poll";

int lsock_pollerb_create(poller_Backend *b, const poller_Alloc *a) {
  b->alloc = *a;
  b->fds = NULL;
  b->n = b->cap = 0;
  b->slot = NULL;
  b->nslot = 0;
  return 0;
}

/* The index in fds of 'fd', or -1. */
static long aux_find(const poller_Backend *b, int fd) {
  if (fd < 0 || (size_t)fd >= b->nslot) return -1;
  return (long)b->slot[fd] - 1;
}

int lsock_pollerb_add(poller_Backend *b, int fd, int events) {
  if (fd < 0) return EBADF;
  if (aux_find(b, fd) >= 0) return EEXIST;
  /* both arrays grow before anything changes, so ENOMEM leaves the set as
     it was */
  if ((size_t)fd >= b->nslot) {
    size_t ns = b->nslot ? b->nslot : 64, i;
    int *slot;
    while (ns <= (size_t)fd) ns *= 2;
    slot = (int *)lsock_poller_realloc(&b->alloc, b->slot, sizeof *slot, b->nslot, ns);
    if (slot == NULL) return ENOMEM;
    for (i = b->nslot; i < ns; i++) slot[i] = 0;
    b->slot = slot;
    b->nslot = ns;
  }
  if (b->n == b->cap) {
    size_t nc = b->cap ? 2 * b->cap : 16;
    sys_pollfd *fds = (sys_pollfd *)lsock_poller_realloc(&b->alloc, b->fds, sizeof *fds, b->cap, nc);
    if (fds == NULL) return ENOMEM;
    b->fds = fds;
    b->cap = nc;
  }
  b->fds[b->n].fd = fd;
  b->fds[b->n].events = (short)(events & POLLER_WANTED);
  b->fds[b->n].revents = 0;
  b->slot[fd] = (int)++b->n;
  return 0;
}

int lsock_pollerb_mod(poller_Backend *b, int fd, int events) {
  long i = aux_find(b, fd);
  if (i < 0) return ENOENT;
  b->fds[i].events = (short)(events & POLLER_WANTED);
  return 0;
}

int lsock_pollerb_del(poller_Backend *b, int fd) {
  long i = aux_find(b, fd);
  if (i < 0) return ENOENT;
  b->slot[fd] = 0;
  if ((size_t)i != --b->n) {
    b->fds[i] = b->fds[b->n];
    b->slot[b->fds[i].fd] = (int)i + 1;
  }
  return 0;
}

int lsock_pollerb_wait(poller_Backend *b, poller_Event *out, size_t max, int ms, size_t *n) {
  size_t i, k = 0;
  int r = 0, err = lsock_sys_poll(b->fds, b->n, ms, &r);
  *n = 0;
  if (err) return err;
  for (i = 0; i < b->n && k < max && r > 0; i++) {
    int rev = b->fds[i].revents;
    if (rev == 0) continue;
    r--;
    out[k].fd = b->fds[i].fd;
    /* POLLNVAL: the descriptor was closed while registered. epoll would
       have dropped it silently; here it would be reported on every wait,
       so it is reported as the error it is */
    out[k].events = (rev & (POLLIN | POLLOUT | POLLERR | POLLHUP)) |
                    ((rev & POLLNVAL) ? POLLERR : 0);
    k++;
  }
  *n = k;
  return 0;
}

int lsock_pollerb_close(poller_Backend *b) {
  b->fds = (sys_pollfd *)lsock_poller_realloc(&b->alloc, b->fds, sizeof *b->fds, b->cap, 0);
  b->slot = (int *)lsock_poller_realloc(&b->alloc, b->slot, sizeof *b->slot, b->nslot, 0);
  b->n = b->cap = b->nslot = 0;
  return 0;
}

int lsock_pollerb_fd(const poller_Backend *b) {
  (void)b;
  return -1;
}

size_t lsock_pollerb_list(const poller_Backend *b, poller_Event *out, size_t max) {
  size_t i;
  for (i = 0; i < b->n && i < max; i++) {
    out[i].fd = b->fds[i].fd;
    out[i].events = b->fds[i].events;
  }
  return i;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int poller_poll_unused;
#endif
