/*
** loop.c — lsock.loop(): tasks, coroutines whose every wait suspends only
** themselves, so code in a task is written in plain blocking style. A
** task's call that must wait comes here through call.c with what it waits
** for (a descriptor and events, a set of them, or only a deadline); the
** loop keeps it in the kernel's set (the poller's backend) and in a heap
** of deadlines, and step() resumes each task whose wait is over; the call
** then runs again and finds its data, its timeout or its closed socket.
**
** What waiting costs. A descriptor stays in the kernel's set between
** waits, keyed by the socket that waits on it, so a task that waits for
** the same thing again and again (a connection's reads) costs no system
** call beyond the wait itself; interest is dropped lazily, when the
** kernel reports what no task waits for any more. A socket tells the loops
** when its descriptor closes (lsock_loop_forget), so a descriptor number
** used again by another socket is never taken for the old one, and a task
** waiting on a socket that another task closes wakes up. Idle tasks cost
** nothing per step: a step touches what is ready and what has expired.
**
** Memory: tasks and the loop are userdata (the tasks hold their loop);
** their C parts (the descriptor table, the heap, a wait's links) come from
** Lua's allocator and are freed by __gc, which both have, so that neither
** is freed while a finalizer of the other (or of a socket) may look at it.
*/
#include <math.h>
#include <string.h>

#include "private.h"
#include "poller.h"

#define LOOP_METATABLE "lsock.loop"
#define TASK_METATABLE "lsock.task"

/* Registry: thread -> its task (weak), and the live loops. */
static const char TASKS_KEY[] = "lsock.tasks";
static const char LOOPS_KEY[] = "lsock.loops";
/* Registry: the loop whose step is running (a light userdata); its
   'current' is the task being resumed, which every wait asks for first:
   one lookup by address, not by thread. */
static const char CURRENT_KEY = 0;

enum { T_READY, T_RUNNING, T_WAITING, T_DONE };

typedef struct lsock_Loop lsock_Loop;
typedef struct lsock_Task lsock_Task;

/* One descriptor a waiting task waits on, linked into its slot. */
typedef struct aux_Link {
  lsock_Task *t;
  sys_fd fd;
  int events;
  struct aux_Link *prev, *next;
} aux_Link;

/* What the loop knows of one descriptor. */
typedef struct {
  lsock_Handle *h;  /* the object registered for it (NULL: a bare number) */
  int kernel;       /* the events in the kernel's set; -1: not in it */
  aux_Link *waits;
} aux_Slot;

struct lsock_Task {
  lsock_Loop *loop;
  lua_State *co;
  int state;
  int cancel;        /* cancel() asked; the next wait raises */
  int ok;            /* once done: finished (1) or failed (0) */
  int cancelled;     /* it ended by the "cancelled" error */
  size_t heap;       /* 1 + its place in the heap; 0: no deadline */
  double deadline;
  aux_Link one;      /* the link of a wait on one descriptor */
  aux_Link *links;   /* the links of a wait on a set */
  size_t nlinks, caplinks;
  lsock_Task *next;  /* in the ready queue */
  lsock_Task *joining, *joiners, *nextjoiner;
};

struct lsock_Loop {
  poller_Backend b;
  int closed;
  int running;       /* inside step */
  size_t count;      /* tasks not finished */
  size_t waitingfds; /* links in slots */
  aux_Slot *slots;
  size_t nslots;
  lsock_Task **heap;
  size_t nheap, capheap;
  lsock_Task *readyhead, *readytail;
  poller_Event *events;
  size_t capevents;
  int failedref;     /* the first failed task's error, for run() */
  lsock_Task *current; /* the task being resumed */
};

/* Resizes an array through the state's allocator; raises when short. */
static void *aux_grow(lua_State *L, void *p, size_t size, size_t on, size_t nn) {
  poller_Alloc a;
  void *q;
  a.f = lua_getallocf(L, &a.ud);
  q = lsock_poller_realloc(&a, p, size, on, nn);
  if (q == NULL && nn > 0) luaL_error(L, "not enough memory");
  return q;
}

/* ------------------------------------------------------------ the heap */

static void heap_set(lsock_Loop *lp, size_t i, lsock_Task *t) {
  lp->heap[i] = t;
  t->heap = i + 1;
}

static void heap_up(lsock_Loop *lp, size_t i) {
  lsock_Task *t = lp->heap[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (lp->heap[parent]->deadline <= t->deadline) break;
    heap_set(lp, i, lp->heap[parent]);
    i = parent;
  }
  heap_set(lp, i, t);
}

static void heap_down(lsock_Loop *lp, size_t i) {
  lsock_Task *t = lp->heap[i];
  for (;;) {
    size_t l = 2 * i + 1, m = l;
    if (l >= lp->nheap) break;
    if (l + 1 < lp->nheap && lp->heap[l + 1]->deadline < lp->heap[l]->deadline) m = l + 1;
    if (lp->heap[m]->deadline >= t->deadline) break;
    heap_set(lp, i, lp->heap[m]);
    i = m;
  }
  heap_set(lp, i, t);
}

static void heap_push(lua_State *L, lsock_Loop *lp, lsock_Task *t) {
  if (lp->nheap == lp->capheap) {
    size_t nc = lp->capheap ? 2 * lp->capheap : 64;
    lp->heap = (lsock_Task **)aux_grow(L, lp->heap, sizeof *lp->heap, lp->capheap, nc);
    lp->capheap = nc;
  }
  lp->heap[lp->nheap++] = t;
  heap_up(lp, lp->nheap - 1);
}

static void heap_remove(lsock_Loop *lp, lsock_Task *t) {
  size_t i = t->heap - 1;
  lsock_Task *last;
  t->heap = 0;
  last = lp->heap[--lp->nheap];
  if (i == lp->nheap) return;
  heap_set(lp, i, last);
  heap_up(lp, i);
  heap_down(lp, last->heap - 1);
}

/* ------------------------------------------------------- descriptors */

static aux_Slot *aux_slot(lua_State *L, lsock_Loop *lp, sys_fd fd) {
  size_t i = (size_t)fd;
  if (i >= lp->nslots) {
    size_t nn = lp->nslots ? lp->nslots : 64, k;
    while (nn <= i) nn *= 2;
    lp->slots = (aux_Slot *)aux_grow(L, lp->slots, sizeof *lp->slots, lp->nslots, nn);
    for (k = lp->nslots; k < nn; k++) {
      lp->slots[k].h = NULL;
      lp->slots[k].kernel = -1;
      lp->slots[k].waits = NULL;
    }
    lp->nslots = nn;
  }
  return &lp->slots[i];
}

/* The events the slot's waiting tasks want. */
static int aux_wanted(const aux_Slot *sl) {
  const aux_Link *k;
  int ev = 0;
  for (k = sl->waits; k != NULL; k = k->next) ev |= k->events;
  return ev & POLLER_WANTED;
}

/* Puts the slot's interest in the kernel: 0, or an error (the wait then
   ends at once, and the call finds out for itself). */
static int aux_arm(lsock_Loop *lp, aux_Slot *sl, sys_fd fd, lsock_Handle *h, int events) {
  int err;
  /* a handle registered before, with the events: nothing to do. A bare
     number may name another file than it did: always tell the kernel */
  if (h != NULL && sl->h == h && sl->kernel >= 0 && (sl->kernel & events) == events) return 0;
  events |= sl->kernel > 0 ? sl->kernel : 0;
  if (sl->kernel < 0) {
    err = lsock_pollerb_add(&lp->b, (int)fd, events);
    if (err == EEXIST) err = lsock_pollerb_mod(&lp->b, (int)fd, events);
  } else {
    err = lsock_pollerb_mod(&lp->b, (int)fd, events);
    if (err == ENOENT) err = lsock_pollerb_add(&lp->b, (int)fd, events);
  }
  if (err) {
    sl->kernel = -1;
    sl->h = NULL;
    return err;
  }
  sl->kernel = events;
  sl->h = h;
  if (h != NULL) h->watched = 1;
  return 0;
}

static void aux_unlink(lsock_Loop *lp, aux_Link *k) {
  aux_Slot *sl = &lp->slots[k->fd];
  if (k->prev) k->prev->next = k->next;
  else sl->waits = k->next;
  if (k->next) k->next->prev = k->prev;
  k->prev = k->next = NULL;
  lp->waitingfds--;
}

/* ------------------------------------------------------------- waking */

static void aux_pushready(lsock_Loop *lp, lsock_Task *t) {
  t->state = T_READY;
  t->next = NULL;
  if (lp->readytail) lp->readytail->next = t;
  else lp->readyhead = t;
  lp->readytail = t;
}

/* Ends a task's wait, whatever it was: its links, deadline and join. */
static void aux_endwait(lsock_Loop *lp, lsock_Task *t) {
  size_t i;
  if (t->one.t != NULL) {
    aux_unlink(lp, &t->one);
    t->one.t = NULL;
  }
  for (i = 0; i < t->nlinks; i++) aux_unlink(lp, &t->links[i]);
  t->nlinks = 0;
  if (t->heap) heap_remove(lp, t);
  if (t->joining != NULL) {
    lsock_Task **p = &t->joining->joiners;
    while (*p != NULL && *p != t) p = &(*p)->nextjoiner;
    if (*p == t) *p = t->nextjoiner;
    t->joining = NULL;
  }
}

/* Ends a waiting task's wait and makes it ready. */
static void aux_wake(lsock_Loop *lp, lsock_Task *t) {
  if (t->state != T_WAITING) return;
  aux_endwait(lp, t);
  aux_pushready(lp, t);
}

/* The kernel reports 'revents' for 'fd'. */
static void aux_ready(lsock_Loop *lp, sys_fd fd, int revents) {
  aux_Slot *sl;
  aux_Link *k, *next;
  int spurious;
  if ((size_t)fd >= lp->nslots) return;
  sl = &lp->slots[fd];
  /* what nobody waited for when it was reported leaves the kernel's set;
     what woke a task stays, for the task will most likely wait again */
  spurious = revents & ~aux_wanted(sl) & POLLER_WANTED;
  for (k = sl->waits; k != NULL; k = next) {
    next = k->next;
    if ((k->events & revents) || (revents & (POLLERR | POLLHUP | POLLNVAL))) {
      /* waking unlinks every link of the task: 'next' may go too */
      lsock_Task *t = k->t;
      while (next != NULL && next->t == t) next = next->next;
      aux_wake(lp, t);
    }
  }
  if (sl->kernel < 0) return;
  if ((revents & (POLLERR | POLLHUP | POLLNVAL)) && sl->waits == NULL) {
    /* reported whatever the interest: only leaving the set stops it */
    lsock_pollerb_del(&lp->b, (int)fd);
    sl->kernel = -1;
    sl->h = NULL;
  } else if (spurious & sl->kernel) {
    int keep = sl->kernel & ~spurious;
    if (lsock_pollerb_mod(&lp->b, (int)fd, keep) == 0) sl->kernel = keep;
  }
}

void lsock_loop_forget(lua_State *L, lsock_Handle *h, sys_fd fd) {
  lua_getfield(L, LUA_REGISTRYINDEX, LOOPS_KEY);
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lsock_Loop *lp = (lsock_Loop *)luaL_testudata(L, -2, LOOP_METATABLE);
      lua_pop(L, 1);
      if (lp != NULL && !lp->closed && (size_t)fd < lp->nslots) {
        aux_Slot *sl = &lp->slots[fd];
        while (sl->waits != NULL) aux_wake(lp, sl->waits->t);
        if (sl->kernel >= 0 && (sl->h == h || sl->h == NULL)) {
          lsock_pollerb_del(&lp->b, (int)fd);
          sl->kernel = -1;
          sl->h = NULL;
        }
      }
    }
  }
  lua_pop(L, 1);
  h->watched = 0;
}

/* --------------------------------------------------------- the waits */

/* The task whose coroutine is running, or NULL (the main thread, or a
   coroutine that is no task, even one a task started). */
static lsock_Task *aux_current(lua_State *L) {
  lsock_Loop *lp;
  lsock_Task *t;
  lua_pushlightuserdata(L, (void *)&CURRENT_KEY);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lp = (lsock_Loop *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (lp == NULL || lp->closed || (t = lp->current) == NULL) return NULL;
  return t->co == L && t->state == T_RUNNING ? t : NULL;
}

/* Makes 'lp' the loop whose step runs; pushes the one it replaces. */
static void aux_setrunning(lua_State *L, lsock_Loop *lp) {
  lua_pushlightuserdata(L, (void *)&CURRENT_KEY);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, (void *)&CURRENT_KEY);
  lua_pushlightuserdata(L, lp);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

/* Puts back the loop pushed by aux_setrunning, and pops it. */
static void aux_restorerunning(lua_State *L) {
  lua_pushlightuserdata(L, (void *)&CURRENT_KEY);
  lua_insert(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

int lsock_loop_istask(lua_State *L) {
  return aux_current(L) != NULL;
}

static void aux_raisecancel(lua_State *L, lsock_Task *t) {
  t->cancel = 0;
  lua_pushliteral(L, "cancelled");
  lua_error(L);
}

void lsock_loop_resumed(lua_State *L) {
  lsock_Task *t = aux_current(L);
  if (t != NULL && t->cancel) aux_raisecancel(L, t);
}

static void aux_link(lua_State *L, lsock_Task *t, aux_Link *k, lsock_Handle *h, sys_fd fd,
                     int events) {
  lsock_Loop *lp = t->loop;
  aux_Slot *sl = aux_slot(L, lp, fd);
  k->t = t;
  k->fd = fd;
  k->events = events;
  k->prev = NULL;
  k->next = sl->waits;
  if (sl->waits) sl->waits->prev = k;
  sl->waits = k;
  lp->waitingfds++;
  if (aux_arm(lp, sl, fd, h, aux_wanted(sl)) != 0) {
    /* not pollable (a regular file) or gone: the call, run again, will
       find out what it is; meanwhile the task is ready */
    aux_wake(lp, t);
  }
}

void lsock_loop_wait(lua_State *L, lsock_Call *c) {
  lsock_Task *t = aux_current(L);
  lsock_Loop *lp;
  if (t == NULL) luaL_error(L, "lsock: no task to suspend");
  if (t->cancel) aux_raisecancel(L, t);
  lp = t->loop;
  t->state = T_WAITING;
  t->nlinks = 0;
  t->one.t = NULL;
  if (c->waitset) {
    size_t n = 0, i;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      n++;
    }
    if (n > t->caplinks) {
      t->links = (aux_Link *)aux_grow(L, t->links, sizeof *t->links, t->caplinks, n);
      t->caplinks = n;
    }
    /* the set first, then the links: linking may end the wait at once */
    lua_pushnil(L);
    for (i = 0; i < n && lua_next(L, -2); i++) {
      t->links[i].fd = (sys_fd)lua_tointeger(L, -2);
      t->links[i].events = (int)lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    if (i == n && n > 0) lua_pop(L, 1); /* the key lua_next left */
    for (i = 0; i < n && t->state == T_WAITING; i++) {
      t->nlinks = i + 1;
      aux_link(L, t, &t->links[i], NULL, t->links[i].fd, t->links[i].events);
    }
  } else if (c->fd != SYS_NOFD) {
    aux_link(L, t, &t->one, c->h, c->fd, c->events);
  }
  if (t->state == T_WAITING && !isinf(c->deadline)) {
    t->deadline = c->deadline;
    heap_push(L, lp, t);
  }
}

int lsock_loop_yield(lua_State *L) {
  return lua_yield(L, 0);
}

/* ----------------------------------------------------------- running */

static lsock_Loop *aux_checkloop(lua_State *L, int idx) {
  lsock_Loop *lp = (lsock_Loop *)luaL_checkudata(L, idx, LOOP_METATABLE);
  if (lp->closed) luaL_error(L, "attempt to use a closed loop");
  return lp;
}

static lsock_Task *aux_checktask(lua_State *L, int idx) {
  return (lsock_Task *)luaL_checkudata(L, idx, TASK_METATABLE);
}

/* The task's user value: {thread, loop, results...}. */
enum { UV_THREAD = 1, UV_LOOP = 2, UV_RESULT = 3 };

/* Pushes the loop's table of unfinished tasks. */
static void aux_pushtasks(lua_State *L, int loopidx) {
  compat_getuservalue(L, loopidx);
}

/* A task's coroutine returned or failed: keep what it gave, let it go. */
static void aux_finish(lua_State *L, int loopidx, lsock_Task *t, int status, int nres) {
  lsock_Loop *lp = t->loop;
  lua_State *co = t->co;
  int i, taskidx;
  /* the task's object, which the loop's table keeps under its address */
  aux_pushtasks(L, loopidx);
  lua_pushlightuserdata(L, t);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  taskidx = lua_gettop(L);
  compat_getuservalue(L, taskidx);
  lua_createtable(L, nres > 0 ? nres : 1, 1);
  if (status == 0) {
    t->ok = 1;
    luaL_checkstack(L, nres + LUA_MINSTACK, "too many results");
    lua_xmove(co, L, nres);
    for (i = nres; i >= 1; i--) lua_rawseti(L, -(i + 1), i);
  } else {
    int cancelled;
    t->ok = 0;
    lua_xmove(co, L, 1); /* the error */
    cancelled = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "cancelled") == 0;
    t->cancelled = cancelled;
    if (lua_type(L, -1) == LUA_TSTRING && !cancelled) {
      /* its traceback, as run() will raise it */
      compat_traceback(L, co, lua_tostring(L, -1));
      lua_replace(L, -2);
    }
    lua_rawseti(L, -2, 1);
    nres = 1;
    if (!cancelled && lp->failedref == LUA_NOREF) {
      lua_rawgeti(L, -1, 1);
      lp->failedref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
  }
  lua_pushinteger(L, nres);
  lua_setfield(L, -2, "n");
  lua_rawseti(L, -2, UV_RESULT);
  lua_pop(L, 1);
  compat_closethread(co, L); /* a failed task's <close> variables close */
  /* a task can end while a wait is registered: its waiter failed */
  aux_endwait(lp, t);
  t->state = T_DONE;
  lp->count--;
  while (t->joiners != NULL) {
    lsock_Task *j = t->joiners;
    t->joiners = j->nextjoiner;
    j->joining = NULL;
    aux_wake(lp, j);
  }
  /* the loop no longer keeps it */
  aux_pushtasks(L, loopidx);
  lua_pushlightuserdata(L, t);
  lua_pushnil(L);
  lua_rawset(L, -3);
  lua_pop(L, 2);
}

/* Resumes one ready task. */
static void aux_resume(lua_State *L, int loopidx, lsock_Task *t) {
  int status, nres = 0, top = lua_gettop(L);
  lua_State *co = t->co;
  t->state = T_RUNNING;
  t->loop->current = t;
  status = compat_resume(co, L, lua_status(co) == 0 ? lua_gettop(co) - 1 : 0, &nres);
  t->loop->current = NULL;
  if (status == LUA_YIELD) {
    lua_pop(co, nres);
    /* a plain coroutine.yield in a task: it goes on at the next step (a
       wait of the loop's own, during the resume, changed the state) */
    /* cppcheck-suppress knownConditionTrueFalse */
    if (t->state == T_RUNNING) aux_pushready(t->loop, t);
  } else aux_finish(L, loopidx, t, status, nres);
  lua_settop(L, top);
}

/* One step: what the kernel and the clock say is ready, then every task
   that is ready now (those made ready meanwhile wait for the next step). */
static size_t aux_step(lua_State *L, int loopidx, lsock_Loop *lp, double timeout) {
  lsock_Task *run;
  size_t n, i;
  int ms, err;
  if (lp->running) luaL_error(L, "loop:step called from inside the loop's own step");
  if (lp->readyhead != NULL) ms = 0;
  else {
    double until = timeout < 0 ? HUGE_VAL : lsock_sys_now() + timeout;
    if (lp->nheap > 0 && lp->heap[0]->deadline < until) until = lp->heap[0]->deadline;
    ms = lsock_wait_remaining_ms(until);
  }
  if (lp->capevents == 0) {
    lp->events = (poller_Event *)aux_grow(L, NULL, sizeof *lp->events, 0, 256);
    lp->capevents = 256;
  }
  if (lp->waitingfds > 0 || lp->b.n > 0 || ms != 0) {
    if (lp->b.n == 0 && lp->waitingfds == 0) {
      if (ms != 0) lsock_sys_sleep(ms < 0 ? 1.0 : ms / 1000.0);
      n = 0;
    } else {
      err = lsock_pollerb_wait(&lp->b, lp->events, lp->capevents, ms, &n);
      if (err != 0 && err != EINTR) {
        char buf[256];
        luaL_error(L, "loop: %s", lsock_sys_strerror(err, buf, sizeof buf));
      }
      if (err) n = 0;
    }
    for (i = 0; i < n; i++)
      if (lp->events[i].fd >= 0) aux_ready(lp, (sys_fd)lp->events[i].fd, lp->events[i].events);
  }
  if (lp->nheap > 0) {
    double now = lsock_sys_now();
    while (lp->nheap > 0 && lp->heap[0]->deadline <= now) aux_wake(lp, lp->heap[0]);
  }
  run = lp->readyhead;
  lp->readyhead = lp->readytail = NULL;
  lp->running = 1;
  aux_setrunning(L, lp);
  while (run != NULL) {
    lsock_Task *t = run;
    run = t->next;
    t->next = NULL;
    if (t->state == T_READY) aux_resume(L, loopidx, t);
  }
  aux_restorerunning(L);
  lp->running = 0;
  return lp->count;
}

/* ------------------------------------------------------------ methods */

/* loop:spawn(fn, ...) */
static int l_spawn(lua_State *L) {
  lsock_Loop *lp = aux_checkloop(L, 1);
  int nargs = lua_gettop(L) - 2;
  lsock_Task *t;
  lua_State *co;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  t = (lsock_Task *)compat_newudata(L, sizeof *t);
  memset(t, 0, sizeof *t);
  t->state = T_DONE; /* until it is in the loop */
  luaL_setmetatable(L, TASK_METATABLE);
  lua_createtable(L, 3, 0);
  co = lua_newthread(L);
  lua_rawseti(L, -2, UV_THREAD);
  lua_pushvalue(L, 1);
  lua_rawseti(L, -2, UV_LOOP);
  compat_setuservalue(L, -2);
  /* the function and its arguments wait on the coroutine's stack */
  lua_pushvalue(L, 2);
  lua_xmove(L, co, 1);
  luaL_checkstack(co, nargs + LUA_MINSTACK, "too many arguments");
  {
    int i;
    for (i = 3; i < 3 + nargs; i++) lua_pushvalue(L, i);
    lua_xmove(L, co, nargs);
  }
  lua_getfield(L, LUA_REGISTRYINDEX, TASKS_KEY);
  lua_pushthread(co);
  lua_xmove(co, L, 1);
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  /* an unfinished task lives in its loop's table, under its address */
  aux_pushtasks(L, 1);
  lua_pushlightuserdata(L, t);
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  t->loop = lp;
  t->co = co;
  t->joining = t->joiners = NULL;
  lp->count++;
  aux_pushready(lp, t);
  return 1;
}

static int l_step(lua_State *L) {
  lsock_Loop *lp = aux_checkloop(L, 1);
  double timeout = lua_isnoneornil(L, 2) ? 0 : lsock_check_timeout(L, 2);
  lua_settop(L, 1);
  lua_pushinteger(L, (lua_Integer)aux_step(L, 1, lp, timeout));
  return 1;
}

/* Raises the first failed task's error once, as run() reports it. */
static void aux_raisefailed(lua_State *L, lsock_Loop *lp) {
  if (lp->failedref == LUA_NOREF) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, lp->failedref);
  luaL_unref(L, LUA_REGISTRYINDEX, lp->failedref);
  lp->failedref = LUA_NOREF;
  lua_error(L);
}

static int l_run(lua_State *L) {
  lsock_Loop *lp = aux_checkloop(L, 1);
  lua_settop(L, 1);
  while (lp->count > 0) {
    if (lp->readyhead == NULL && lp->nheap == 0 && lp->waitingfds == 0)
      return luaL_error(L, "loop:run() would wait forever: %d tasks wait on nothing that can "
                        "wake them", (int)lp->count);
    aux_step(L, 1, lp, -1);
  }
  aux_raisefailed(L, lp);
  return lsock_result_ok(L);
}

static int l_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)aux_checkloop(L, 1)->count);
  return 1;
}

static int l_close(lua_State *L) {
  lsock_Loop *lp = (lsock_Loop *)luaL_checkudata(L, 1, LOOP_METATABLE);
  if (!lp->closed) {
    lp->closed = 1;
    lsock_pollerb_close(&lp->b);
    lp->slots = (aux_Slot *)aux_grow(L, lp->slots, sizeof *lp->slots, lp->nslots, 0);
    lp->heap = (lsock_Task **)aux_grow(L, lp->heap, sizeof *lp->heap, lp->capheap, 0);
    lp->events = (poller_Event *)aux_grow(L, lp->events, sizeof *lp->events, lp->capevents, 0);
    lp->nslots = lp->capheap = lp->nheap = lp->capevents = 0;
    if (lp->failedref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, lp->failedref);
    lp->failedref = LUA_NOREF;
  }
  return 0;
}

static int l_tostring(lua_State *L) {
  lsock_Loop *lp = (lsock_Loop *)luaL_checkudata(L, 1, LOOP_METATABLE);
  if (lp->closed) lua_pushliteral(L, "lsock.loop (closed)");
  else lua_pushfstring(L, "lsock.loop (%d tasks)", (int)lp->count);
  return 1;
}

int lsock_loop_new(lua_State *L) {
  lsock_Loop *lp = (lsock_Loop *)compat_newudata(L, sizeof *lp);
  poller_Alloc a;
  int err;
  memset(lp, 0, sizeof *lp);
  lp->closed = 1;
  lp->failedref = LUA_NOREF;
  luaL_setmetatable(L, LOOP_METATABLE);
  lua_newtable(L);
  compat_setuservalue(L, -2);
  a.f = lua_getallocf(L, &a.ud);
  if ((err = lsock_pollerb_create(&lp->b, &a)) != 0) return lsock_result_fail(L, err);
  lp->closed = 0;
  lua_getfield(L, LUA_REGISTRYINDEX, LOOPS_KEY);
  lua_pushvalue(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  return 1;
}

/* ------------------------------------------------------------- tasks */

static int k_done(lua_State *L) {
  lua_pushboolean(L, aux_checktask(L, 1)->state == T_DONE);
  return 1;
}

/* Pushes true, results... or false, error; returns the count. */
static int aux_pushresult(lua_State *L, int idx, lsock_Task *t) {
  int i, n;
  compat_getuservalue(L, idx);
  lua_rawgeti(L, -1, UV_RESULT);
  lua_getfield(L, -1, "n");
  n = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  luaL_checkstack(L, n + 1, "too many results");
  lua_pushboolean(L, t->ok);
  for (i = 1; i <= n; i++) lua_rawgeti(L, -1 - i, i);
  return n + 1;
}

static int k_result(lua_State *L) {
  lsock_Task *t = aux_checktask(L, 1);
  if (t->state != T_DONE) return luaL_error(L, "the task has not finished");
  return aux_pushresult(L, 1, t);
}

static int k_join_body(lua_State *L, lsock_Call *c) {
  lsock_Task *t = aux_checktask(L, 1), *self;
  if (!c->resumed) c->deadline = lsock_wait_deadline(lsock_check_timeout(L, 2));
  for (;;) {
    if (t->state == T_DONE) return aux_pushresult(L, 1, t);
    if (lsock_sys_now() >= c->deadline) return lsock_result_fail(L, LSOCK_TIMEOUT);
    self = aux_current(L);
    if (self == NULL) {
      /* outside any task: run its loop until it is done */
      double left;
      if (t->loop == NULL || t->loop->closed) return luaL_error(L, "attempt to use a closed loop");
      if (t->loop->running) return luaL_error(L, "task:join outside a task, inside its loop's step");
      if (t->loop->readyhead == NULL && t->loop->nheap == 0 && t->loop->waitingfds == 0)
        return luaL_error(L, "task:join would wait forever: the task waits on nothing that can "
                          "wake it");
      compat_getuservalue(L, 1);
      lua_rawgeti(L, -1, UV_LOOP);
      left = isinf(c->deadline) ? -1 : c->deadline - lsock_sys_now();
      aux_step(L, lua_gettop(L), t->loop, left < 0 && !isinf(c->deadline) ? 0 : left);
      lua_pop(L, 2);
      continue;
    }
    if (self == t) return luaL_error(L, "a task cannot join itself");
    if (self->loop != t->loop) return luaL_error(L, "a task can only join a task of its own loop");
    self->joining = t;
    self->nextjoiner = t->joiners;
    t->joiners = self;
    c->fd = SYS_NOFD;
    c->waitset = 0;
    c->h = NULL;
    return LSOCK_YIELD;
  }
}

static int k_join(lua_State *L) {
  return lsock_call_run(L, 2, k_join_body);
}

static int k_cancel(lua_State *L) {
  lsock_Task *t = aux_checktask(L, 1);
  if (t->state != T_DONE && t->loop != NULL && !t->loop->closed) {
    t->cancel = 1;
    aux_wake(t->loop, t);
  }
  return 0;
}

static int k_gc(lua_State *L) {
  lsock_Task *t = (lsock_Task *)luaL_checkudata(L, 1, TASK_METATABLE);
  if (t->loop != NULL && !t->loop->closed && t->state == T_WAITING) {
    aux_wake(t->loop, t);
    /* out of the ready queue as well: it will never run */
    {
      lsock_Loop *lp = t->loop;
      lsock_Task **p = &lp->readyhead, *prev = NULL;
      while (*p != NULL && *p != t) prev = *p, p = &(*p)->next;
      if (*p == t) {
        *p = t->next;
        if (lp->readytail == t) lp->readytail = prev;
      }
    }
  }
  t->links = (aux_Link *)aux_grow(L, t->links, sizeof *t->links, t->caplinks, 0);
  t->caplinks = 0;
  t->loop = NULL;
  return 0;
}

static int k_tostring(lua_State *L) {
  lsock_Task *t = aux_checktask(L, 1);
  static const char *const states[] = {"ready", "running", "waiting", "done"};
  lua_pushfstring(L, "lsock.task (%s)", states[t->state]);
  return 1;
}

/* ------------------------------------------------------ module functions */

static int m_current(lua_State *L) {
  if (aux_current(L) == NULL) {
    lua_pushnil(L);
    return 1;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, TASKS_KEY);
  lua_pushthread(L);
  lua_rawget(L, -2);
  return 1;
}

/* lsock.sleep(t): in a task (or a coroutine with a waiter) suspends it,
   with sleep(0) letting the others that are ready run first; elsewhere
   sleeps the thread, through signals. */
static int m_sleep_body(lua_State *L, lsock_Call *c) {
  if (!c->resumed) {
    double t = (double)luaL_checknumber(L, 1);
    luaL_argcheck(L, t >= 0 && t == t && !isinf(t), 1, "must be a non-negative number");
    c->deadline = lsock_sys_now() + t;
  }
  if (lsock_call_canhandoff(L)) {
    /* sleep(0) too goes once round the loop */
    if (c->step == 1 && lsock_sys_now() >= c->deadline) return 0;
    c->step = 1;
    c->fd = SYS_NOFD;
    c->waitset = 0;
    c->h = NULL;
    return LSOCK_YIELD;
  }
  for (;;) {
    double left = c->deadline - lsock_sys_now();
    if (left <= 0) return 0;
    lsock_sys_sleep(left);
  }
}

static int m_sleep(lua_State *L) {
  return lsock_call_run(L, 1, m_sleep_body);
}

static const luaL_Reg loop_methods[] = {
  {"spawn", l_spawn},
  {"step", l_step},
  {"run", l_run},
  {"count", l_count},
  {"close", l_close},
  {NULL, NULL}
};

static const luaL_Reg task_methods[] = {
  {"done", k_done},
  {"result", k_result},
  {"join", k_join},
  {"cancel", k_cancel},
  {NULL, NULL}
};

static const char *const task_waiting[] = {"join", NULL};

static const luaL_Reg loop_functions[] = {
  {"loop", lsock_loop_new},
  {"current", m_current},
  {"sleep", m_sleep},
  {NULL, NULL}
};

static void aux_weaktable(lua_State *L, const char *key, const char *mode) {
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushstring(L, mode);
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, key);
}

/* A metatable with __gc, __tostring and its methods ('waiting': those
   that may wait). */
static void aux_newclass(lua_State *L, const char *name, lua_CFunction gc, lua_CFunction tostr,
                         const luaL_Reg *methods, const char *const waiting[]) {
  compat_newmetatable(L, name);
  lua_pushcfunction(L, gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, tostr);
  lua_setfield(L, -2, "__tostring");
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  if (waiting != NULL) lsock_call_wrapfields(L, -1, waiting, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

void lsock_loop_open(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, TASKS_KEY);
  if (!lua_istable(L, -1)) {
    /* weak values too: 5.1's weak keys are no ephemerons, and a task
       holds its thread */
    aux_weaktable(L, TASKS_KEY, "kv");
    aux_weaktable(L, LOOPS_KEY, "k");
  }
  lua_pop(L, 1);
  aux_newclass(L, LOOP_METATABLE, l_close, l_tostring, loop_methods, NULL);
  aux_newclass(L, TASK_METATABLE, k_gc, k_tostring, task_methods, task_waiting);
  luaL_setfuncs(L, loop_functions, 0);
  lua_getfield(L, -1, "sleep");
  lsock_call_wrap(L, -1, "sleep", 0);
  lua_setfield(L, -2, "sleep");
}
