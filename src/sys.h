/*
** sys.h — the platform behind one neutral interface. Only sys.c (and the
** poller backends) know which system they run on: how a descriptor is made
** close-on-exec and non-blocking at birth, how a write is kept from raising
** SIGPIPE, how the system's error text is fetched safely from any thread.
** Every function returns 0 or an errno value and never touches Lua.
*/
#ifndef LSOCK_SYS_H
#define LSOCK_SYS_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

/* Flags OR-ed into every send: MSG_NOSIGNAL where the system has it. */
extern const int sys_sendflags;

int sys_socket(int family, int type, int proto, int nonblocking, int *fd);
int sys_socketpair(int family, int type, int proto, int nonblocking, int fds[2]);
int sys_accept(int fd, struct sockaddr *sa, socklen_t *len, int nonblocking, int *conn);
int sys_dup(int fd, int *copy);
int sys_setnonblocking(int fd, int on);
/* Makes a descriptor from elsewhere close-on-exec, in the mode wanted. */
int sys_adopt(int fd, int nonblocking);
int sys_close(int fd);
/* Bytes waiting to be read (the next datagram's size for datagram sockets). */
int sys_pending(int fd, size_t *n);
/* The system's text for 'err', in 'buf', safe from any thread. */
const char *sys_strerror(int err, char *buf, size_t size);
/* The monotonic clock, in seconds. */
double sys_now(void);

#endif
