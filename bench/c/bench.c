/*
 * Raw C baseline for the lsock benchmarks (issue 7).
 *
 *   bench server WORKLOAD 0    PARAMS...   prints "PORT n", serves, exits
 *   bench client WORKLOAD PORT PARAMS...   prints "RESULT rate"
 *   bench single WORKLOAD 0    PARAMS...   both sides in one process (the
 *                                          tasks-* workloads), prints "RESULT rate"
 *
 * The workloads and their parameters are described in bench/README.md; the
 * Lua and Python programs beside this one implement the same protocol, so
 * every row of the table measures one implementation end to end.
 * All sockets are blocking, except in the single-process epoll loops; the
 * driver kills a pair that hangs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "bench.c: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long arg(char **argv, int i) { return strtol(argv[i], NULL, 10); }

static void result(double rate)
{
    printf("RESULT %.1f\n", rate);
    fflush(stdout);
}

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void nodelay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("setsockopt");
}

/* A socket of the given type bound to 127.0.0.1:0; prints its port. */
static int bound(int type)
{
    int fd = socket(AF_INET, type, 0), one = 1;
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (fd < 0) die("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (type == SOCK_STREAM && listen(fd, 4096) < 0) die("listen");
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) die("getsockname");
    printf("PORT %d\n", ntohs(a.sin_port));
    fflush(stdout);
    return fd;
}

static int accept_one(int lfd)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) die("accept");
    return fd;
}

static int dial(int port)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    return fd;
}

/* recv exactly n bytes; 0 at EOF before any byte. */
static size_t recv_exact(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r < 0) die("recv");
        if (r == 0) break;
        got += (size_t)r;
    }
    return got;
}

static void send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w < 0) die("send");
        buf += w;
        n -= (size_t)w;
    }
}

/* Echo one message on fd; 0 once the peer has closed. */
static int echo(int fd, char *buf, size_t size)
{
    size_t got = recv_exact(fd, buf, size);
    if (got == 0) return 0;
    send_all(fd, buf, got);
    return 1;
}

/* pingpong: N SIZE */
static void pingpong_server(char **argv)
{
    size_t size = (size_t)arg(argv, 1);
    char *buf = malloc(size);
    int lfd = bound(SOCK_STREAM), fd = accept_one(lfd);
    nodelay(fd);
    while (echo(fd, buf, size)) {}
}

static void pingpong_client(int port, char **argv)
{
    long n = arg(argv, 0);
    size_t size = (size_t)arg(argv, 1);
    char *msg = malloc(size), *buf = malloc(size);
    int fd = dial(port);
    memset(msg, 'x', size);
    nodelay(fd);
    double t0 = now();
    for (long i = 0; i < n; i++) {
        send_all(fd, msg, size);
        if (recv_exact(fd, buf, size) != size) die("short reply");
    }
    result((double)n / (now() - t0));
}

/* bulk: TOTAL CHUNK -- the client sends, the server acknowledges EOF.
 * BENCH_COLD_BUFFERS=n (an experiment, not used by make bench): receive into
 * n buffers in turn instead of one, so that with n * CHUNK beyond the caches
 * every recv writes cold memory, as a new garbage-collected string does. */
static void bulk_server(char **argv)
{
    size_t chunk = (size_t)arg(argv, 1), total = 0, k = 0;
    const char *cold = getenv("BENCH_COLD_BUFFERS");
    size_t nbufs = cold && atol(cold) > 0 ? (size_t)atol(cold) : 1;
    char **bufs = malloc(sizeof *bufs * nbufs);
    for (size_t i = 0; i < nbufs; i++) bufs[i] = malloc(chunk);
    int lfd = bound(SOCK_STREAM), fd = accept_one(lfd);
    for (;;) {
        char *buf = bufs[k++ % nbufs];
        ssize_t r = recv(fd, buf, chunk, 0);
        if (r < 0) die("recv");
        if (r == 0) break;
        total += (size_t)r;
    }
    send_all(fd, "k", 1);
    close(fd);
    (void)total;
}

static void bulk_client(int port, char **argv)
{
    long total = arg(argv, 0), chunk = arg(argv, 1);
    char *buf = malloc((size_t)chunk), ack;
    int fd = dial(port);
    memset(buf, 'x', (size_t)chunk);
    double t0 = now();
    for (long sent = 0; sent < total; sent += chunk)
        send_all(fd, buf, (size_t)chunk);
    shutdown(fd, SHUT_WR);
    if (recv(fd, &ack, 1, 0) != 1) die("bulk ack");
    result((double)total / 1048576.0 / (now() - t0));
}

/* Receives to EOF in pieces of at most 'chunk' bytes into one static
 * buffer (what recv_into into one reused buffer does), then answers one
 * byte: the receiving side of bulk-into and sendfile. */
static void drain_and_ack(size_t chunk)
{
    static char buf[65536];
    if (chunk > sizeof buf) chunk = sizeof buf;
    int lfd = bound(SOCK_STREAM), fd = accept_one(lfd);
    for (;;) {
        ssize_t r = recv(fd, buf, chunk, 0);
        if (r < 0) die("recv");
        if (r == 0) break;
    }
    send_all(fd, "k", 1);
    close(fd);
}

/* bulk-into: TOTAL CHUNK -- bulk's client; the server receives into one
 * buffer. */
static void bulk_into_server(char **argv) { drain_and_ack((size_t)arg(argv, 1)); }

/* sendfile: PATH TOTAL -- the client sends the TOTAL-byte file at PATH
 * with sendfile(2); the server receives it as in bulk-into. */
static void sendfile_server(char **argv) { (void)argv; drain_and_ack(65536); }

static void sendfile_client(int port, char **argv)
{
    long total = arg(argv, 1);
    char ack;
    int in = open(argv[0], O_RDONLY | O_CLOEXEC), fd = dial(port);
    off_t offset = 0;
    if (in < 0) die(argv[0]);
    double t0 = now();
    while (offset < total) {
        ssize_t w = sendfile(fd, in, &offset, (size_t)(total - offset));
        if (w < 0) die("sendfile");
        if (w == 0) { fprintf(stderr, "bench.c: %s is short\n", argv[0]); exit(1); }
    }
    shutdown(fd, SHUT_WR);
    if (recv(fd, &ack, 1, 0) != 1) die("sendfile ack");
    result((double)total / 1048576.0 / (now() - t0));
    close(in);
}

/* udp: N SIZE WINDOW -- the server acks every WINDOW-th datagram. */
static void udp_server(char **argv)
{
    long n = arg(argv, 0), window = arg(argv, 2);
    char buf[2048];
    int fd = bound(SOCK_DGRAM);
    struct sockaddr_storage peer;
    for (long i = 1; i <= n; i++) {
        socklen_t len = sizeof peer;
        if (recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len) < 0) die("recvfrom");
        if (i % window == 0 && sendto(fd, "k", 1, 0, (struct sockaddr *)&peer, len) < 0) die("sendto");
    }
}

static void udp_client(int port, char **argv)
{
    long n = arg(argv, 0), size = arg(argv, 1), window = arg(argv, 2);
    char *msg = malloc((size_t)size), ack[16];
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    memset(msg, 'x', (size_t)size);
    double t0 = now();
    for (long i = 1; i <= n; i++) {
        if (send(fd, msg, (size_t)size, 0) < 0) die("send");
        if (i % window == 0 && recv(fd, ack, sizeof ack, 0) < 0) die("recv");
    }
    result((double)n / (now() - t0));
}

/* recvmsg: N SIZE WINDOW -- udp's client; the server receives with
 * recvmsg(2) (no control buffer), the sender's address in msg_name. */
static void recvmsg_server(char **argv)
{
    long n = arg(argv, 0), window = arg(argv, 2);
    char buf[2048];
    int fd = bound(SOCK_DGRAM);
    struct sockaddr_storage peer;
    struct iovec iov = {buf, sizeof buf};
    for (long i = 1; i <= n; i++) {
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_name = &peer;
        m.msg_namelen = sizeof peer;
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        if (recvmsg(fd, &m, 0) < 0) die("recvmsg");
        if (i % window == 0 && sendto(fd, "k", 1, 0, (struct sockaddr *)&peer, m.msg_namelen) < 0)
            die("sendto");
    }
}

/* connect: N -- the server accepts and closes; the client reads EOF, closes. */
static void connect_server(char **argv)
{
    long n = arg(argv, 0);
    int lfd = bound(SOCK_STREAM);
    for (long i = 0; i < n; i++) close(accept_one(lfd));
}

static void connect_client(int port, char **argv)
{
    long n = arg(argv, 0);
    char c;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        int fd = dial(port);
        if (recv(fd, &c, 1, 0) != 0) die("expected EOF");
        close(fd);
    }
    result((double)n / (now() - t0));
}

/* select / poller: IDLE N SIZE -- IDLE idle connections and one active. */
static int *accept_all(int lfd, int count)
{
    int *fds = malloc(sizeof *fds * (size_t)count);
    for (int i = 0; i < count; i++) {
        fds[i] = accept_one(lfd);
        nodelay(fds[i]);
    }
    return fds;
}

/* select(2) over descriptors of any number: an fd_set sized for maxfd. */
static void select_server(char **argv)
{
    int count = (int)arg(argv, 0) + 1, maxfd = 0;
    size_t size = (size_t)arg(argv, 2);
    char *buf = malloc(size);
    int lfd = bound(SOCK_STREAM), *fds = accept_all(lfd, count);
    for (int i = 0; i < count; i++) if (fds[i] > maxfd) maxfd = fds[i];
    size_t words = (size_t)maxfd / 64 + 1;
    uint64_t *all = calloc(words, 8), *ready = calloc(words, 8);
    for (int i = 0; i < count; i++) all[fds[i] / 64] |= 1ULL << (fds[i] % 64);
    for (;;) {
        memcpy(ready, all, words * 8);
        if (select(maxfd + 1, (fd_set *)ready, NULL, NULL, NULL) < 0) die("select");
        for (int i = 0; i < count; i++)
            if (ready[fds[i] / 64] & (1ULL << (fds[i] % 64)))
                if (!echo(fds[i], buf, size)) return;
    }
}

static void poller_server(char **argv)
{
    int count = (int)arg(argv, 0) + 1;
    size_t size = (size_t)arg(argv, 2);
    char *buf = malloc(size);
    int lfd = bound(SOCK_STREAM), *fds = accept_all(lfd, count);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev, events[64];
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < count; i++) {
        ev.events = EPOLLIN;
        ev.data.fd = fds[i];
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) die("epoll_ctl");
    }
    for (;;) {
        int k = epoll_wait(ep, events, 64, -1);
        if (k < 0) die("epoll_wait");
        for (int i = 0; i < k; i++)
            if (!echo(events[i].data.fd, buf, size)) return;
    }
}

/* The client of select and poller: open IDLE connections, then the active
 * one, warm up once, then time N round trips on the active one. */
static void many_client(int port, char **argv)
{
    int idle = (int)arg(argv, 0);
    long n = arg(argv, 1);
    size_t size = (size_t)arg(argv, 2);
    char *msg = malloc(size), *buf = malloc(size);
    memset(msg, 'x', size);
    for (int i = 0; i < idle; i++) dial(port);
    int fd = dial(port);
    nodelay(fd);
    send_all(fd, msg, size);
    if (recv_exact(fd, buf, size) != size) die("warm-up");
    double t0 = now();
    for (long i = 0; i < n; i++) {
        send_all(fd, msg, size);
        if (recv_exact(fd, buf, size) != size) die("short reply");
    }
    result((double)n / (now() - t0));
}

/* lines: COUNT LEN -- the server sends COUNT lines of LEN bytes ('\n'
 * included); the client reads them with getline over fdopen. */
static void lines_server(char **argv)
{
    long count = arg(argv, 0), len = arg(argv, 1);
    long per = 65536 / len;
    char *block = malloc((size_t)(per * len));
    for (long i = 0; i < per; i++) {
        memset(block + i * len, 'x', (size_t)len - 1);
        block[i * len + len - 1] = '\n';
    }
    int lfd = bound(SOCK_STREAM), fd = accept_one(lfd);
    for (long left = count; left > 0; left -= per)
        send_all(fd, block, (size_t)((left < per ? left : per) * len));
    close(fd);
}

static void lines_client(int port, char **argv)
{
    long count = arg(argv, 0), got = 0;
    size_t cap = 0, bytes = 0;
    char *line = NULL;
    ssize_t len;
    FILE *f = fdopen(dial(port), "r");
    if (!f) die("fdopen");
    double t0 = now();
    while ((len = getline(&line, &cap, f)) > 0) {
        got++;
        bytes += (size_t)len;
    }
    double t = now() - t0;
    if (got != count) { fprintf(stderr, "lines: got %ld of %ld\n", got, count); exit(1); }
    result((double)bytes / 1048576.0 / t);
}


/* ---- single-process workloads: one epoll loop over many connections ----
 * What a C programmer writes for many conversations in one thread, the
 * baseline of lsock's tasks: non-blocking sockets, level-triggered EPOLLIN
 * kept registered, EPOLLOUT asked for only when a send would block. */

enum { READING, WRITING };

struct conn {
    int fd;
    int client;     /* sends first and counts round trips */
    int phase;      /* READING or WRITING */
    size_t done;    /* bytes of the current message received or sent */
    char *buf;      /* one message */
};

struct eloop {
    int ep;
    size_t size;
    long count;     /* round trips completed by the clients */
};

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

static void watch(struct eloop *lp, struct conn *c, int op, uint32_t events)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.ptr = c;
    if (epoll_ctl(lp->ep, op, c->fd, &ev) < 0) die("epoll_ctl");
}

/* A connected pair through the listening socket lfd, both ends
 * non-blocking and TCP_NODELAY. */
static void connect_pair(int lfd, int port, int *client, int *server)
{
    *client = dial(port);
    *server = accept_one(lfd);
    nodelay(*client);
    nodelay(*server);
    set_nonblocking(*client);
    set_nonblocking(*server);
}

static struct conn *new_conn(struct eloop *lp, int fd, int client)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c || !(c->buf = malloc(lp->size))) die("malloc");
    c->fd = fd;
    c->client = client;
    c->phase = client ? WRITING : READING;
    memset(c->buf, 'x', lp->size);
    watch(lp, c, EPOLL_CTL_ADD, EPOLLIN);
    return c;
}

/* Sends what is left of the message; when the socket is full, waits for
 * EPOLLOUT instead of EPOLLIN until it drains. */
static void pump_out(struct eloop *lp, struct conn *c)
{
    while (c->done < lp->size) {
        ssize_t w = send(c->fd, c->buf + c->done, lp->size - c->done, MSG_NOSIGNAL);
        if (w < 0 && errno == EAGAIN) {
            watch(lp, c, EPOLL_CTL_MOD, EPOLLOUT);
            return;
        }
        if (w < 0) die("send");
        c->done += (size_t)w;
    }
    c->phase = READING;
    c->done = 0;
}

static void on_event(struct eloop *lp, struct conn *c, uint32_t events)
{
    if (c->phase == WRITING) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        watch(lp, c, EPOLL_CTL_MOD, EPOLLIN);
        pump_out(lp, c);
        return;
    }
    ssize_t r = recv(c->fd, c->buf + c->done, lp->size - c->done, 0);
    if (r < 0 && errno == EAGAIN) return;
    if (r < 0) die("recv");
    if (r == 0) { fprintf(stderr, "bench.c: unexpected EOF\n"); exit(1); }
    c->done += (size_t)r;
    if (c->done < lp->size) return;
    if (c->client) lp->count++;
    c->phase = WRITING;
    c->done = 0;
    pump_out(lp, c);
}

/* Runs the loop for 'seconds'; returns round trips per second. */
static double run_for(struct eloop *lp, double seconds)
{
    struct epoll_event events[256];
    long start = lp->count;
    double t0 = now(), t = t0;
    while (t - t0 < seconds) {
        int k = epoll_wait(lp->ep, events, 256, 100);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        for (int i = 0; i < k; i++) on_event(lp, events[i].data.ptr, events[i].events);
        t = now();
    }
    return (double)(lp->count - start) / (t - t0);
}

/* The first send of every client: the loop then keeps them going. */
static void start_pair(struct eloop *lp, int port, int lfd)
{
    int cfd, sfd;
    connect_pair(lfd, port, &cfd, &sfd);
    new_conn(lp, sfd, 0);
    pump_out(lp, new_conn(lp, cfd, 1));
}

static int listener(int *port)
{
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (lfd < 0) die("socket");
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4096) < 0) die("listen");
    if (getsockname(lfd, (struct sockaddr *)&a, &len) < 0) die("getsockname");
    *port = ntohs(a.sin_port);
    return lfd;
}

static struct eloop new_eloop(size_t size)
{
    struct eloop lp = {epoll_create1(EPOLL_CLOEXEC), size, 0};
    if (lp.ep < 0) die("epoll_create1");
    return lp;
}

/* tasks-pingpong: PAIRS SIZE MILLISECONDS */
static void tasks_pingpong(char **argv)
{
    long pairs = arg(argv, 0);
    struct eloop lp = new_eloop((size_t)arg(argv, 1));
    int port, lfd = listener(&port);
    for (long i = 0; i < pairs; i++) start_pair(&lp, port, lfd);
    result(run_for(&lp, (double)arg(argv, 2) / 1000.0));
}

/* BENCH_HOLDER PORT N: the program that makes and holds N idle connections
 * to our listening socket (bench/tools/holder.py; see there why). */
static FILE *start_holder(int port, long n)
{
    const char *holder = getenv("BENCH_HOLDER");
    char cmd[4096];
    if (!holder) { fprintf(stderr, "bench.c: BENCH_HOLDER is not set\n"); exit(1); }
    snprintf(cmd, sizeof cmd, "%s %d %ld", holder, port, n);
    FILE *h = popen(cmd, "r");
    if (!h) die("popen");
    return h;
}

/* tasks-idle: IDLE SIZE MILLISECONDS -- one active pair, measured first
 * alone, then with IDLE idle connections (from the holder) registered for
 * EPOLLIN too. Prints "RESULT rate-with-idle BASE rate-alone". */
static void tasks_idle(char **argv)
{
    long idle = arg(argv, 0);
    double seconds = (double)arg(argv, 2) / 1000.0;
    struct eloop lp = new_eloop((size_t)arg(argv, 1));
    int port, lfd = listener(&port);
    start_pair(&lp, port, lfd);
    run_for(&lp, seconds / 4); /* warm-up */
    double alone = run_for(&lp, seconds);
    FILE *h = start_holder(port, idle);
    int *fds = malloc(sizeof *fds * (size_t)idle);
    for (long i = 0; i < idle; i++) {
        fds[i] = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fds[i] < 0) die("accept4");
        new_conn(&lp, fds[i], 0); /* waits for a message that never comes */
    }
    double crowded = run_for(&lp, seconds);
    printf("RESULT %.1f BASE %.1f\n", crowded, alone);
    fflush(stdout);
    for (long i = 0; i < idle; i++) shutdown(fds[i], SHUT_WR);
    pclose(h);
}

struct workload {
    const char *name;
    void (*server)(char **argv);
    void (*client)(int port, char **argv);
    void (*single)(char **argv);
};

static const struct workload workloads[] = {
    {"pingpong", pingpong_server, pingpong_client, NULL},
    {"bulk", bulk_server, bulk_client, NULL},
    {"bulk-into", bulk_into_server, bulk_client, NULL},
    {"sendfile", sendfile_server, sendfile_client, NULL},
    {"udp", udp_server, udp_client, NULL},
    {"recvmsg", recvmsg_server, udp_client, NULL},
    {"connect", connect_server, connect_client, NULL},
    {"select", select_server, many_client, NULL},
    {"poller", poller_server, many_client, NULL},
    {"lines", lines_server, lines_client, NULL},
    {"tasks-pingpong", NULL, NULL, tasks_pingpong},
    {"tasks-idle", NULL, NULL, tasks_idle},
};

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench server|client WORKLOAD PORT PARAMS...\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof workloads / sizeof *workloads; i++) {
        if (strcmp(argv[2], workloads[i].name) != 0) continue;
        if (workloads[i].single) {
            if (strcmp(argv[1], "single") != 0) break;
            workloads[i].single(argv + 4);
        } else if (strcmp(argv[1], "server") == 0) {
            workloads[i].server(argv + 4);
        } else {
            workloads[i].client((int)arg(argv, 3), argv + 4);
        }
        return 0;
    }
    fprintf(stderr, "bench.c: unknown workload %s\n", argv[2]);
    return 2;
}
