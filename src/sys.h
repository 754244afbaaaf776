/*
** sys.h — the platform, behind one neutral interface. This header and the
** platform file that implements it (sys_posix.c, or sys_win32.c on
** Windows) are the only places that know which system lsock runs on:
** they include the system's socket headers, make descriptors close-on-exec
** and non-blocking at birth, keep writes from raising SIGPIPE, and turn
** the system's error reporting into plain numbers. Above this line no file
** includes a platform header or reads errno.
**
** Every function returns 0 or an error number equal to one of the lsock.E*
** constants (errno's values on POSIX; on Windows, see below), never -1,
** and never touches Lua.
** The poller's kernel backends (poller_*.c) are platform files too.
*/
#ifndef LSOCK_SYS_H
#define LSOCK_SYS_H

#include <stddef.h>
#include <errno.h>

#if defined(_WIN32)
/* Winsock 2 as Windows Vista and later have it (WSAPoll, inet_pton). */
#if !defined(_WIN32_WINNT) || _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h> /* MSG_TRUNC, MSG_CTRUNC and WSARecvMsg */
#include <afunix.h>

/* A descriptor: a SOCKET, which is what fileno() gives on Windows. */
typedef SOCKET sys_fd;
#define SYS_NOFD INVALID_SOCKET
typedef WSAPOLLFD sys_pollfd;

/* shutdown's directions under their POSIX names, which lsock exports. */
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH

/* The error numbers, as CPython defines them on Windows: the socket errors
   are the WSAE* codes themselves (lsock.ECONNREFUSED == WSAECONNREFUSED ==
   10061, what WSAGetLastError says), and the C library's own numbers stay
   for the rest (EINVAL 22, EBADF 9, ENOMEM 12, EAGAIN 11, EPIPE 32). The C
   runtime's "POSIX supplement" values (100-140) are replaced, so that no
   error has two numbers. sys_win32.c turns WSAEINVAL, WSAEBADF and the
   other WSA twins of C library errors into those, and two more as POSIX
   code expects them: WSAEWOULDBLOCK is EAGAIN (EWOULDBLOCK == EAGAIN, as
   on Linux), WSAESHUTDOWN from a send is EPIPE. */
#undef EWOULDBLOCK
#define EWOULDBLOCK EAGAIN
#undef EINPROGRESS
#define EINPROGRESS WSAEINPROGRESS
#undef EALREADY
#define EALREADY WSAEALREADY
#undef ENOTSOCK
#define ENOTSOCK WSAENOTSOCK
#undef EDESTADDRREQ
#define EDESTADDRREQ WSAEDESTADDRREQ
#undef EMSGSIZE
#define EMSGSIZE WSAEMSGSIZE
#undef EPROTOTYPE
#define EPROTOTYPE WSAEPROTOTYPE
#undef ENOPROTOOPT
#define ENOPROTOOPT WSAENOPROTOOPT
#undef EPROTONOSUPPORT
#define EPROTONOSUPPORT WSAEPROTONOSUPPORT
#undef EOPNOTSUPP
#define EOPNOTSUPP WSAEOPNOTSUPP
#undef ENOTSUP
#define ENOTSUP EOPNOTSUPP /* one number, as on Linux */
#undef EAFNOSUPPORT
#define EAFNOSUPPORT WSAEAFNOSUPPORT
#undef EADDRINUSE
#define EADDRINUSE WSAEADDRINUSE
#undef EADDRNOTAVAIL
#define EADDRNOTAVAIL WSAEADDRNOTAVAIL
#undef ENETDOWN
#define ENETDOWN WSAENETDOWN
#undef ENETUNREACH
#define ENETUNREACH WSAENETUNREACH
#undef ENETRESET
#define ENETRESET WSAENETRESET
#undef ECONNABORTED
#define ECONNABORTED WSAECONNABORTED
#undef ECONNRESET
#define ECONNRESET WSAECONNRESET
#undef ENOBUFS
#define ENOBUFS WSAENOBUFS
#undef EISCONN
#define EISCONN WSAEISCONN
#undef ENOTCONN
#define ENOTCONN WSAENOTCONN
#undef ESHUTDOWN
#define ESHUTDOWN WSAESHUTDOWN
#undef ETIMEDOUT
#define ETIMEDOUT WSAETIMEDOUT
#undef ECONNREFUSED
#define ECONNREFUSED WSAECONNREFUSED
#undef ELOOP
#define ELOOP WSAELOOP
#undef EHOSTDOWN
#define EHOSTDOWN WSAEHOSTDOWN
#undef EHOSTUNREACH
#define EHOSTUNREACH WSAEHOSTUNREACH

/* A file (lsock_sys_fileinfo, lsock_sys_read, lsock_sys_seek; sendfile's
   source) is named by a C runtime descriptor (what _fileno gives), held
   in a sys_fd. */

/* The family socketpair() makes by default: Windows has no socketpair,
   and lsock's (sys_win32.c) joins two loopback TCP sockets, as CPython's. */
#define SYS_PAIRFAMILY AF_INET
#else
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <poll.h>

/* A descriptor: an int here, a SOCKET on Windows. */
typedef int sys_fd;
#define SYS_NOFD (-1)
/* What poll() takes, whatever the system calls it. */
typedef struct pollfd sys_pollfd;
/* The family socketpair() makes by default. */
#define SYS_PAIRFAMILY AF_UNIX
#endif

/* Room for an address of any family lsock speaks, and its length. */
typedef struct lsock_Addr {
  union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage ss;
  } u;
  socklen_t len;
} lsock_Addr;

/* Flags OR-ed into every send: MSG_NOSIGNAL where the system has it. */
extern const int lsock_sys_sendflags;
/* Whether create_server sets SO_REUSEADDR, so that a restarted server
   binds at once: 1 on POSIX; 0 on Windows, where it would let another
   socket bind the same port while this one listens (CPython's choice). */
extern const int lsock_sys_serverreuse;
/* The flag that makes one receive or send never block (MSG_DONTWAIT), or
   0 where the system has none; see lsock_sys_recv. */
extern const int lsock_sys_dontwait;
/* For a system where lsock_sys_dontwait is 0: makes a blocking 'fd'
   non-blocking (on 1) around one call that must not block, and blocking
   again (on 0). Nothing to do (0) where the flag exists. */
int lsock_sys_nowait(sys_fd fd, int on);

/* ----------------------------------------------------------------- start */

/* Makes the system's sockets usable in this process, once per opening of
   the module (Winsock counts them); lsock_sys_stop undoes one. 0 or an
   error number; nothing to do on POSIX. */
int lsock_sys_start(void);
void lsock_sys_stop(void);

/* ------------------------------------------------------------ descriptors */

int lsock_sys_socket(int family, int type, int proto, int nonblocking, sys_fd *fd);
int lsock_sys_socketpair(int family, int type, int proto, int nonblocking, sys_fd fds[2]);
int lsock_sys_dup(sys_fd fd, sys_fd *copy);
int lsock_sys_setnonblocking(sys_fd fd, int on);
/* Makes a descriptor from elsewhere close-on-exec, in the mode wanted. */
int lsock_sys_adopt(sys_fd fd, int nonblocking);
/* Closes 'fd' once: never retried, whatever it returns. */
int lsock_sys_close(sys_fd fd);
/* Whether 'fd' is passed to programs this process executes (not
   close-on-exec): get in *on, or set. */
int lsock_sys_getinheritable(sys_fd fd, int *on);
int lsock_sys_setinheritable(sys_fd fd, int on);
/* Whether 'fd' is in the range a Lua integer argument may name. */
int lsock_sys_validfd(double fd);

/* ----------------------------------------------------------- connections */

int lsock_sys_bind(sys_fd fd, const lsock_Addr *a);
int lsock_sys_listen(sys_fd fd, int backlog);
/* accept into *conn (close-on-exec, in the mode asked); the peer in *peer. */
int lsock_sys_accept(sys_fd fd, lsock_Addr *peer, int nonblocking, sys_fd *conn);
/* connect as the system does it: EINPROGRESS on a non-blocking socket. */
int lsock_sys_connect(sys_fd fd, const lsock_Addr *a);
/* The outcome of a connect in progress (SO_ERROR) in *err. */
int lsock_sys_connecterror(sys_fd fd, int *err);
int lsock_sys_shutdown(sys_fd fd, int how);
/* getsockname (peer 0) or getpeername (peer 1). */
int lsock_sys_getname(sys_fd fd, int peer, lsock_Addr *a);
int lsock_sys_getsockopt(sys_fd fd, int level, int option, void *value, size_t *len);
int lsock_sys_setsockopt(sys_fd fd, int level, int option, const void *value, size_t len);

/* ------------------------------------------------------------------ data */

/* One receive: from a connected socket, or with the sender in *from when
   'from' is not NULL. The count in *n; a datagram longer than 'len' is cut
   to 'len' (*n never exceeds it). */
int lsock_sys_recv(sys_fd fd, void *buf, size_t len, int flags, lsock_Addr *from, size_t *n);
/* One send, to 'to' when it is not NULL; lsock_sys_sendflags are added. */
int lsock_sys_send(sys_fd fd, const void *buf, size_t len, int flags, const lsock_Addr *to,
                   size_t *n);
/* The size of the next datagram, without taking it (blocking as the
   descriptor and 'flags' say): how a receive learns how much room a
   datagram needs before it is taken. */
int lsock_sys_nextsize(sys_fd fd, int flags, size_t *n);
/* Bytes waiting to be read (the next datagram's size for datagram sockets). */
int lsock_sys_pending(sys_fd fd, size_t *n);

/* ------------------------------------------------------------ messages */

/* One piece of a gathered send or scattered receive. */
typedef struct lsock_Chunk {
  void *p;
  size_t len;
} lsock_Chunk;

/* A message for lsock_sys_sendmsg / lsock_sys_recvmsg, in neutral terms:
   the data as pieces, the control (ancillary) bytes, and an address. A
   receive sets 'controllen' to what the control bytes use, 'addr' (when
   not NULL; len 0 when the system gave none) and 'msgflags'. The control
   buffer must be aligned as lsock_sys_msgalign says. */
typedef struct lsock_Msg {
  lsock_Chunk *chunks;
  size_t nchunks;
  void *control;
  size_t controllen;
  lsock_Addr *addr;     /* send: the destination or NULL; receive: the sender or NULL */
  int msgflags;
} lsock_Msg;

/* One control message: its level, type and data. */
typedef struct lsock_Cmsg {
  int level, type;
  const void *data;
  size_t len;
} lsock_Cmsg;

/* The most pieces one message may have (IOV_MAX). */
extern const size_t lsock_sys_maxchunks;
/* recvmsg: the count in *n (what landed in the chunks). Descriptors that
   arrive (SCM_RIGHTS) are close-on-exec where the system can say so at
   once. ENOTSUP where the system has no recvmsg. */
int lsock_sys_recvmsg(sys_fd fd, lsock_Msg *m, int flags, size_t *n);
/* sendmsg; lsock_sys_sendflags are added. */
int lsock_sys_sendmsg(sys_fd fd, const lsock_Msg *m, int flags, size_t *n);
/* CMSG_LEN and CMSG_SPACE of 'len' data bytes; 0 when 'len' is too large
   for the system's control message length. */
size_t lsock_sys_cmsglen(size_t len);
size_t lsock_sys_cmsgspace(size_t len);
/* Writes 'n' control messages into 'control' (room 'size', which is at
   least the sum of their lsock_sys_cmsgspace); the bytes used in *used. */
int lsock_sys_cmsgbuild(void *control, size_t size, const lsock_Cmsg *items, size_t n,
                        size_t *used);
/* The control message after position *pos of the received control bytes
   (start with *pos = 0): 1 with *c filled (its data cut to what is
   present when the bytes were truncated), 0 when there is none. */
int lsock_sys_cmsgnext(const void *control, size_t len, size_t *pos, lsock_Cmsg *c);
/* The level and type of descriptors passed in a message (SCM_RIGHTS), or
   0 where the system passes none (Windows): lsock.send_fds and
   lsock.recv_fds are then absent. */
extern const int lsock_sys_scmrights;

/* ------------------------------------------------------------- files */

/* What lsock_sys_fileinfo tells. */
typedef struct lsock_FileInfo {
  int regular;          /* a regular file (sendfile(2) can read it) */
  long long size;
} lsock_FileInfo;

int lsock_sys_fileinfo(sys_fd fd, lsock_FileInfo *info);
/* sendfile(2): up to 'count' bytes of 'in' from *offset to socket 'out',
   *offset moved past them, the count in *n (0 at the end of the file).
   ENOTSUP where the system has no such call. */
int lsock_sys_sendfile(sys_fd out, sys_fd in, long long *offset, size_t count, size_t *n);
/* One read at 'offset' (pread), or at the file position when offset < 0. */
int lsock_sys_read(sys_fd fd, void *buf, size_t len, long long offset, size_t *n);
/* Moves the file position of 'fd' to 'offset' from the start. */
int lsock_sys_seek(sys_fd fd, long long offset);
/* The descriptor of a C stream (a FILE *), after the stream's pending
   output is written; and the stream's position set to 'offset' from the
   start (which drops what the stream had read ahead). */
int lsock_sys_streamfd(void *stream, sys_fd *fd);
int lsock_sys_streamseek(void *stream, long long offset);

/* --------------------------------------------------------------- waiting */

/* poll() once for at most 'ms' milliseconds (-1: no limit): the number of
   ready entries in *nready. EINTR is returned as it is: the caller owns
   the deadline (wait.c). */
int lsock_sys_poll(sys_pollfd *fds, size_t n, int ms, int *nready);
/* The monotonic clock, in seconds. */
double lsock_sys_now(void);
/* Sleeps for 'seconds' at most (EINTR ends it early). */
int lsock_sys_sleep(double seconds);

/* ----------------------------------------------------------------- names */

/* getaddrinfo: 0 or an EAI_* code; *syserr is the error number behind
   EAI_SYSTEM. The list is freed with lsock_sys_freeaddrinfo. */
int lsock_sys_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                          struct addrinfo **res, int *syserr);
void lsock_sys_freeaddrinfo(struct addrinfo *res);
/* getaddrinfo on a thread of its own, so that a slow resolver stalls no
   loop: *job's descriptor (lsock_sys_resolve_fd) is readable once it is
   done; lsock_sys_resolve_take then gives its outcome (1) or says it is
   not done yet (0). The owner lets go with lsock_sys_resolve_release,
   done or not. ENOTSUP where the system has no threads for it. */
typedef struct lsock_Resolve lsock_Resolve;
int lsock_sys_resolve_start(const char *host, const char *service, const struct addrinfo *hints,
                            lsock_Resolve **job);
sys_fd lsock_sys_resolve_fd(const lsock_Resolve *job);
int lsock_sys_resolve_take(lsock_Resolve *job, struct addrinfo **res, int *code, int *syserr);
void lsock_sys_resolve_release(lsock_Resolve *job);
/* getnameinfo: 0 or an EAI_* code, as getaddrinfo. */
int lsock_sys_getnameinfo(const lsock_Addr *a, char *host, size_t hostlen, char *serv,
                          size_t servlen, int flags, int *syserr);
int lsock_sys_gethostname(char *name, size_t size);
/* inet_pton: 1 when 'text' is an address of 'family', else 0. */
int lsock_sys_inet_pton(int family, const char *text, void *bin);
/* inet_ntop into 'text'; 0 or an error number. */
int lsock_sys_inet_ntop(int family, const void *bin, char *text, size_t size);

/* Services and protocols (getservbyname_r and friends): 0, or ENOENT
   when the database has no such entry. The port is in host order; the
   name is copied into 'name'. */
int lsock_sys_getservbyname(const char *name, const char *proto, int *port);
int lsock_sys_getservbyport(int port, const char *proto, char *name, size_t size);
int lsock_sys_getprotobyname(const char *name, int *proto);
/* gethostbyname_r (IPv4) and gethostbyaddr_r into *h, its strings in
   buf[0..size): 0, ERANGE when 'buf' is too small (call again with a
   larger one), or -1 with the resolver's code (h_errno) in *herr. */
int lsock_sys_gethostbyname(const char *name, struct hostent *h, char *buf, size_t size,
                            int *herr);
int lsock_sys_gethostbyaddr(const void *addr, size_t len, int family, struct hostent *h,
                            char *buf, size_t size, int *herr);
/* The text of a resolver code (h_errno). */
const char *lsock_sys_hstrerror(int herr);
/* Network interfaces: the index of a name (ENODEV when none), the name of
   an index into 'name' (room at least lsock_sys_ifnamesize), and the list,
   freed with lsock_sys_if_freelist; entry i of it by lsock_sys_if_entry
   (0 once past the end). */
extern const size_t lsock_sys_ifnamesize;
int lsock_sys_if_nametoindex(const char *name, unsigned *index);
int lsock_sys_if_indextoname(unsigned index, char *name);
int lsock_sys_if_list(void **list);
int lsock_sys_if_entry(const void *list, size_t i, unsigned *index, const char **name);
void lsock_sys_if_freelist(void *list);

/* ---------------------------------------------------------------- errors */

/* The system's text for error number 'err', in 'buf', safe from any thread. */
const char *lsock_sys_strerror(int err, char *buf, size_t size);
/* The text of an EAI_* code. */
const char *lsock_sys_gaistrerror(int code);

#endif
