/*
** t_threads.c — four threads, each with its own lua_State, use lsock at
** the same time: TCP exchanges over loopback, and a default timeout that
** each state sets for itself (it lives in the state, not in a C global).
*/
#include <pthread.h>

#include "tap.h"

#define NTHREADS 4
#define BARRIERS 3 /* start, middle, end */

typedef struct Job {
  int id;
  pthread_barrier_t *barrier;
  int waits;  /* barriers this thread has passed, of BARRIERS */
  int ok;
  double bytes, start, end;
  char error[512];
} Job;

static int l_barrier(lua_State *L) {
  Job *job = (Job *)lua_touserdata(L, lua_upvalueindex(1));
  pthread_barrier_wait(job->barrier);
  job->waits++;
  return 0;
}

static const char WORK[] =
  "local id, barrier = ...\n"
  "local lsock = require 'lsock'\n"
  "local mine = id > 1 and id * 0.75 or nil -- the first state keeps none\n"
  "lsock.setdefaulttimeout(mine)\n"
  "barrier() -- every state has set its own default\n"
  "local start = now()\n"
  "local met = false -- whether this state reached the barrier in the middle\n"
  "local function work()\n"
  "  local server = assert(lsock.create_server({'127.0.0.1', 0}))\n"
  "  local host, port = server:getsockname()\n"
  "  local bytes = 0\n"
  "  for round = 1, 60 do\n"
  "    local c = assert(lsock.create_connection({host, port}, 5))\n"
  "    local conn = assert(server:accept())\n"
  "    assert(conn:gettimeout() == mine, 'accept did not use this state\\'s default')\n"
  "    conn:settimeout(5)\n"
  "    local msg = ('thread %d round %d; '):format(id, round):rep(round * 40)\n"
  "    local function pump(from, to, data)\n"
  "      assert(from:sendall(data))\n"
  "      local got, n = {}, 0\n"
  "      while n < #data do\n"
  "        local d = assert(to:recv(65536))\n"
  "        assert(d ~= '', 'early end of stream')\n"
  "        got[#got + 1] = d; n = n + #d\n"
  "      end\n"
  "      assert(table.concat(got) == data, 'data mismatch')\n"
  "      bytes = bytes + n\n"
  "    end\n"
  "    pump(c, conn, msg)\n"
  "    pump(conn, c, msg:upper())\n"
  "    if round == 30 then\n"
  "      -- every state stops here with a connection open: they all are\n"
  "      -- in the middle of their exchanges at the same moment\n"
  "      met = true; barrier()\n"
  "      pump(c, conn, 'still connected after the barrier')\n"
  "    end\n"
  "    c:close(); conn:close()\n"
  "    if round % 10 == 0 then\n"
  "      local d = lsock.getdefaulttimeout()\n"
  "      assert(d == mine, ('default timeout changed under us: %s'):format(tostring(d)))\n"
  "    end\n"
  "  end\n"
  "  server:close()\n"
  "  return bytes\n"
  "end\n"
  "local ok, bytes = pcall(work)\n"
  "if not met then barrier() end -- failed early: do not leave the others waiting\n"
  "local stop = now()\n"
  "barrier() -- every state is done: none may have changed another's default\n"
  "if not ok then error(bytes, 0) end\n"
  "local s = assert(lsock.socket())\n"
  "local t = s:gettimeout(); s:close()\n"
  "assert(lsock.getdefaulttimeout() == mine and t == mine,\n"
  "  ('state %d: default %s, new socket %s, expected %s'):format(id,\n"
  "    tostring(lsock.getdefaulttimeout()), tostring(t), tostring(mine)))\n"
  "return bytes, start, stop\n";

static void *run_job(void *arg) {
  Job *job = (Job *)arg;
  lua_State *L = tap_newstate();
  job->ok = 0;
  if (L == NULL) {
    snprintf(job->error, sizeof job->error, "no Lua state");
    for (; job->waits < BARRIERS; job->waits++) pthread_barrier_wait(job->barrier);
    return NULL;
  }
  lua_pushinteger(L, job->id);
  lua_pushlightuserdata(L, job);
  lua_pushcclosure(L, l_barrier, 1);
  if (luaL_loadbuffer(L, WORK, sizeof WORK - 1, "=thread") != 0 ||
      (lua_insert(L, -3), lua_pcall(L, 2, 3, 0)) != 0) {
    snprintf(job->error, sizeof job->error, "%s", lua_tostring(L, -1));
    /* failed early: do not leave the other threads waiting */
    for (; job->waits < BARRIERS; job->waits++) pthread_barrier_wait(job->barrier);
  } else {
    job->ok = 1;
    job->bytes = (double)lua_tonumber(L, -3);
    job->start = (double)lua_tonumber(L, -2);
    job->end = (double)lua_tonumber(L, -1);
  }
  lua_close(L);
  return NULL;
}

int main(void) {
  pthread_t th[NTHREADS];
  Job jobs[NTHREADS];
  pthread_barrier_t barrier;
  int i, all = 1;
  double last_start = 0, first_end = 1e300;
  pthread_barrier_init(&barrier, NULL, NTHREADS);
  for (i = 0; i < NTHREADS; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    jobs[i].id = i + 1;
    jobs[i].barrier = &barrier;
    if (pthread_create(&th[i], NULL, run_job, &jobs[i]) != 0) {
      tap(0, "pthread_create");
      return 1;
    }
  }
  for (i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
  pthread_barrier_destroy(&barrier);
  for (i = 0; i < NTHREADS; i++) {
    Job *j = &jobs[i];
    if (!j->ok) printf("# thread %d: %s\n", j->id, j->error);
    all &= tap(j->ok, "thread %d, own lua_State: 60 TCP connections, %.0f bytes echoed",
               j->id, j->bytes);
    if (j->ok && j->start > last_start) last_start = j->start;
    if (j->ok && j->end < first_end) first_end = j->end;
  }
  tap(all, "setdefaulttimeout in one state leaves the others' default alone "
           "(nil, 1.5, 2.25, 3 kept through all the exchanges)");
  tap(all, "the four states were in the middle of their exchanges at the same moment "
           "(a barrier at round 30, connections open)");
  if (all) printf("# the exchanges overlapped in time for %.3f s\n", first_end - last_start);
  return 0;
}
