/*
** transport.c — the plain transport: a socket's bytes are its descriptor's,
** moved by the system's receive and send. In timeout and non-blocking
** modes every call also carries the system's "do not block" flag, so a
** call never blocks past its deadline even when another handle on the
** same open file (a dup, fromfd, another process) cleared O_NONBLOCK.
**
** Another transport (TLS) is another table of these functions; makefile,
** select, the poller and the data methods reach the bytes only through
** the table, so they work over it unchanged.
*/
#include "private.h"

int lsock_transport_flags(const lsock_Socket *s, int flags) {
  return s->timeout >= 0 ? flags | lsock_sys_dontwait : flags;
}

static int plain_recv(lsock_Socket *s, lsock_Io *io) {
  io->events = POLLIN;
  return lsock_sys_recv(s->fd, io->buf, io->len, lsock_transport_flags(s, io->flags), io->from, &io->done);
}

static int plain_send(lsock_Socket *s, lsock_Io *io) {
  io->events = POLLOUT;
  return lsock_sys_send(s->fd, io->buf, io->len, lsock_transport_flags(s, io->flags), io->to, &io->done);
}

static int plain_pending(lsock_Socket *s) {
  (void)s;
  return -1; /* the kernel holds every byte: its readiness says it all */
}

static int plain_shutdown(lsock_Socket *s, int how) {
  return lsock_sys_shutdown(s->fd, how);
}

static int plain_close(lsock_Socket *s) {
  return lsock_sys_close(s->fd);
}

const lsock_Transport lsock_transport_plain = {
  "plain", plain_recv, plain_send, plain_pending, plain_shutdown, plain_close
};
