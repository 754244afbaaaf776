/*
** t_signals.c — lsock in a host that keeps the signals' defaults: SIGPIPE
** at SIG_DFL (a write to a vanished peer must give EPIPE, not kill the
** process), and a SIGALRM every 10 ms installed without SA_RESTART, so
** every slow system call sees EINTR: timeouts must still be exact, and a
** blocking read must go on waiting. The module itself never calls
** signal(); this program sets the dispositions.
*/
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sys/time.h>

#include "tap.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

static int l_alarms(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)alarms);
  return 1;
}

typedef struct Later {
  int fd, ms;
  char data[64];
} Later;

/* The writer thread blocks SIGALRM, so every alarm lands on the thread
   that sits in recv. */
static void *write_later_thread(void *arg) {
  Later *w = (Later *)arg;
  sigset_t set;
  struct timespec ts;
  sigemptyset(&set);
  sigaddset(&set, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  ts.tv_sec = w->ms / 1000;
  ts.tv_nsec = (long)(w->ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
  if (write(w->fd, w->data, strlen(w->data)) < 0) perror("write");
  free(w);
  return NULL;
}

/* write_later(fd, ms, data): writes data to fd from another thread. */
static int l_write_later(lua_State *L) {
  Later *w = (Later *)malloc(sizeof *w);
  pthread_t th;
  if (w == NULL) return luaL_error(L, "out of memory");
  w->fd = (int)luaL_checkinteger(L, 1);
  w->ms = (int)luaL_checkinteger(L, 2);
  snprintf(w->data, sizeof w->data, "%s", luaL_checkstring(L, 3));
  if (pthread_create(&th, NULL, write_later_thread, w) != 0) {
    free(w);
    return luaL_error(L, "pthread_create failed");
  }
  pthread_detach(th);
  return 0;
}

static const char EPIPE_CODE[] =
  "local lsock = require 'lsock'\n"
  "local function broken(err, code)\n"
  "  return err and (code == lsock.EPIPE or code == lsock.ECONNRESET)\n"
  "end\n"
  "-- a Unix socketpair whose other end is closed: the first send fails\n"
  "local a, b = assert(lsock.socketpair())\n"
  "b:close()\n"
  "local n, err, code = a:send('x')\n"
  "assert(n == nil and broken(err, code), ('socketpair send: %s %s %s'):format(tostring(n), tostring(err), tostring(code)))\n"
  "local ok, err2, code2, sent = a:sendall(('y'):rep(100000))\n"
  "assert(ok == nil and broken(err2, code2) and sent == 0, 'socketpair sendall')\n"
  "a:close()\n"
  "-- TCP: the peer closes; writes go on until the system reports it\n"
  "local server = assert(lsock.create_server({'127.0.0.1', 0}))\n"
  "local c = assert(lsock.create_connection({server:getsockname()}, 2))\n"
  "local conn = assert(server:accept())\n"
  "conn:close(); server:close()\n"
  "local tries, tcode = 0\n"
  "repeat\n"
  "  tries = tries + 1\n"
  "  local r, e, k = c:send(('z'):rep(1000))\n"
  "  if r == nil then assert(broken(e, k), 'tcp send: ' .. tostring(e)); tcode = k end\n"
  "  if not tcode then lsock.select({}, {}, {}, 0.01) end\n"
  "until tcode or tries > 200\n"
  "assert(tcode, 'TCP send never failed')\n"
  "-- and once more, after the reset\n"
  "local r, e, k = c:send('again')\n"
  "assert(r == nil and broken(e, k), 'tcp send after reset')\n"
  "c:close()\n"
  "return code, tcode\n";

static const char TIMEOUT_CODE[] =
  "local lsock = require 'lsock'\n"
  "local a, b = assert(lsock.socketpair())\n"
  "a:settimeout(0.5)\n"
  "local before = alarms()\n"
  "local t0 = now()\n"
  "local data, err, code = a:recv(100)\n"
  "local took = now() - t0\n"
  "local got = alarms() - before\n"
  "a:close(); b:close()\n"
  "return data, err, code, took, got, lsock.ETIMEDOUT\n";

static const char MORE_TIMEOUTS_CODE[] =
  "local lsock = require 'lsock'\n"
  "local results = {}\n"
  "local function timed(what, fn)\n"
  "  local t0 = now()\n"
  "  local r, err, code = fn()\n"
  "  local took = now() - t0\n"
  "  assert(r == nil and err == 'timeout' and code == lsock.ETIMEDOUT,\n"
  "    what .. ': ' .. tostring(r) .. ' ' .. tostring(err) .. ' ' .. tostring(code))\n"
  "  assert(took > 0.15 and took < 0.45, what .. (' took %.3f s'):format(took))\n"
  "end\n"
  "local server = assert(lsock.create_server({'127.0.0.1', 0}))\n"
  "server:settimeout(0.3)\n"
  "timed('accept', function() return server:accept() end)\n"
  "local c = assert(lsock.create_connection({server:getsockname()}, 2))\n"
  "local conn = assert(server:accept())\n"
  "c:settimeout(0.3)\n"
  "timed('recvfrom', function() return c:recvfrom(10) end)\n"
  "-- fill the send buffer: sendall times out, having sent part of it\n"
  "local big = ('x'):rep(8 * 1024 * 1024)\n"
  "local t0 = now()\n"
  "local ok, err, code, sent = c:sendall(big)\n"
  "local took = now() - t0\n"
  "assert(ok == nil and err == 'timeout' and code == lsock.ETIMEDOUT, 'sendall: ' .. tostring(err))\n"
  "assert(sent > 0 and sent < #big, 'sendall sent ' .. tostring(sent))\n"
  "assert(took > 0.15 and took < 0.45, ('sendall took %.3f s'):format(took))\n"
  "c:close(); conn:close(); server:close()\n"
  "return true\n";

static const char BLOCKING_CODE[] =
  "local lsock = require 'lsock'\n"
  "local a, b = assert(lsock.socketpair())\n"
  "a:settimeout(nil)\n"
  "write_later(b:fileno(), 300, 'hello')\n"
  "local before = alarms()\n"
  "local t0 = now()\n"
  "local data, err, code = a:recv(5)\n"
  "local took = now() - t0\n"
  "local got = alarms() - before\n"
  "a:close(); b:close()\n"
  "return data, err, code, took, got\n";

int main(void) {
  struct sigaction sa;
  struct itimerval it;
  lua_State *L;
  double took;
  int ok;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, NULL);

  L = tap_newstate();
  if (L == NULL) return tap(0, "a Lua state"), 1;
  lua_pushcfunction(L, l_alarms);
  lua_setglobal(L, "alarms");
  lua_pushcfunction(L, l_write_later);
  lua_setglobal(L, "write_later");

  ok = tap_run(L, "=epipe", EPIPE_CODE, 0, 2);
  if (ok) {
    printf("# socketpair: errno %d, TCP: errno %d\n", (int)lua_tointeger(L, -2), (int)lua_tointeger(L, -1));
    lua_pop(L, 2);
  }
  tap(ok, "SIGPIPE at SIG_DFL: send/sendall to a closed peer give EPIPE/ECONNRESET, the process lives");

  /* SIGALRM every 10 ms, no SA_RESTART: slow calls are interrupted */
  sa.sa_handler = on_alarm;
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  it.it_interval.tv_sec = 0;
  it.it_interval.tv_usec = 10000;
  it.it_value = it.it_interval;
  setitimer(ITIMER_REAL, &it, NULL);

  ok = tap_run(L, "=timeout", TIMEOUT_CODE, 0, 6);
  if (ok) {
    int is_timeout = lua_isnil(L, -6) && lua_type(L, -5) == LUA_TSTRING &&
                     strcmp(lua_tostring(L, -5), "timeout") == 0 &&
                     lua_tointeger(L, -4) == lua_tointeger(L, -1);
    took = (double)lua_tonumber(L, -3);
    printf("# recv returned %s, %s after %.3f s; %d alarms meanwhile\n",
           luaL_typename(L, -6), lua_tostring(L, -5) ? lua_tostring(L, -5) : "?", took,
           (int)lua_tointeger(L, -2));
    ok = is_timeout && took >= 0.35 && took <= 0.65 && lua_tointeger(L, -2) >= 10;
    lua_pop(L, 6);
  }
  tap(ok, "SIGALRM every 10 ms without SA_RESTART: recv with timeout 0.5 s gives \"timeout\" after 0.5 s (+-0.15 s), never EINTR");

  ok = tap_run(L, "=more timeouts", MORE_TIMEOUTS_CODE, 0, 0);
  tap(ok, "under the same alarms: accept, recvfrom and sendall time out after 0.3 s");

  ok = tap_run(L, "=blocking", BLOCKING_CODE, 0, 5);
  if (ok) {
    const char *data = lua_tostring(L, -5);
    took = (double)lua_tonumber(L, -2);
    printf("# blocking recv returned %s after %.3f s; %d alarms meanwhile\n",
           data ? data : lua_tostring(L, -4) ? lua_tostring(L, -4) : "nil", took,
           (int)lua_tointeger(L, -1));
    ok = data != NULL && strcmp(data, "hello") == 0 && took >= 0.25 && lua_tointeger(L, -1) >= 5;
    lua_pop(L, 5);
  }
  tap(ok, "a blocking recv interrupted by the alarms keeps waiting, then gets its data");

  memset(&it, 0, sizeof it);
  setitimer(ITIMER_REAL, &it, NULL);
  lua_close(L);
  return 0;
}
