/*
** poller.h — the kernel side of lsock.poller, behind one small interface.
** poller.c (the Lua object) knows only this header; each backend file
** implements it for one system call family and compiles to nothing when
** it is not the one selected below:
**
**   poller_epoll.c  epoll, Linux (the default there)
**   poller_poll.c   poll(), portable; forced with -DLSOCK_POLLER_POLL
**                   (make POLLER=poll), so CI can test it on Linux too
**
** kqueue (the BSDs, macOS) belongs in a poller_kqueue.c selected by a
** third branch below, with its fields in poller_Backend; nothing else
** needs to change.
**
** Events are poll.h's bits, whatever the backend: the caller asks for
** POLLIN and POLLOUT; a backend reports those plus POLLERR and POLLHUP.
** Every function returns 0 or an errno value and never touches Lua, but
** memory comes from Lua's allocator (poller_Alloc), so that a poller whose
** Lua object is collected frees it all through __gc.
*/
#ifndef LSOCK_POLLER_H
#define LSOCK_POLLER_H

#include <stddef.h>

#include "lua.h"
#include "sys.h"

#if defined(LSOCK_POLLER_POLL)
#define POLLER_BACKEND_POLL 1
#elif defined(__linux__)
#define POLLER_BACKEND_EPOLL 1
/* #elif defined(__APPLE__) || defined(__FreeBSD__) || ...: kqueue, later */
#else
#define POLLER_BACKEND_POLL 1
#endif

/* The events the caller may ask for; the others are only ever reported. */
#define POLLER_WANTED (POLLIN | POLLOUT)

/* One ready descriptor. fd < 0 marks an entry to skip. */
typedef struct poller_Event {
  int fd;
  int events;
} poller_Event;

/* Lua's allocator, as lua_getallocf gives it. */
typedef struct poller_Alloc {
  lua_Alloc f;
  void *ud;
} poller_Alloc;

/* Resizes block 'p' from 'on' to 'nn' elements of 'size' bytes, through
   Lua's allocator: the new block, or NULL (and 'p' untouched) when memory
   is short. nn == 0 frees it and gives NULL. */
void *lsock_poller_realloc(const poller_Alloc *a, void *p, size_t size, size_t on, size_t nn);

typedef struct poller_Backend {
  poller_Alloc alloc;
#if defined(POLLER_BACKEND_EPOLL)
  int epfd;                /* -1 once closed */
  void *evs;               /* struct epoll_event[cap], epoll_wait's buffer */
  size_t cap;
  size_t n;                /* descriptors in the kernel's set */
#else
  sys_pollfd *fds;      /* the set, in no particular order */
  size_t n, cap;
  int *slot;               /* slot[fd]: 1 + its index in fds, 0 if absent */
  size_t nslot;
#endif
} poller_Backend;

/* The backend's name, for __tostring. */
extern const char lsock_poller_backend_name[];

/* Makes an empty set; on failure 'b' holds nothing to free. */
int lsock_pollerb_create(poller_Backend *b, const poller_Alloc *a);
/* Adds 'fd' for 'events' (POLLER_WANTED bits); EEXIST if it is there. */
int lsock_pollerb_add(poller_Backend *b, int fd, int events);
/* Changes the events of 'fd'; ENOENT if it is not there. */
int lsock_pollerb_mod(poller_Backend *b, int fd, int events);
/* Removes 'fd'; ENOENT if it is not there, EBADF if it was closed. */
int lsock_pollerb_del(poller_Backend *b, int fd);
/* Waits up to 'ms' milliseconds (-1: forever) and stores at most 'max'
   (> 0) ready descriptors in out[], their count in *n. EINTR is returned
   as is: the caller owns the deadline. */
int lsock_pollerb_wait(poller_Backend *b, poller_Event *out, size_t max, int ms, size_t *n);
/* Frees everything; idempotent. 0 or close()'s errno. */
int lsock_pollerb_close(poller_Backend *b);
/* The descriptor the backend holds (-1: none), for __tostring, tests and
   a waiter: it is readable when a registered descriptor is ready. */
int lsock_pollerb_fd(const poller_Backend *b);
/* For a backend without such a descriptor: stores at most 'max'
   registered descriptors and their events in out[]; returns how many. */
size_t lsock_pollerb_list(const poller_Backend *b, poller_Event *out, size_t max);

#endif
