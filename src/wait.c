/*
** wait.c — deadlines and the one way lsock waits for a descriptor.
** poll() rather than select(): it takes descriptors of any number, so there
** is no FD_SETSIZE ceiling. Deadlines are absolute times on the monotonic
** clock, so a signal that interrupts poll() (EINTR) is simply waited
** through with what is left, and a clock set by an administrator changes
** nothing.
*/
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>

#include "private.h"
#include "sys.h"

double wait_deadline(double timeout) {
  return timeout > 0 ? sys_now() + timeout : WAIT_NEVER;
}

int wait_remaining_ms(double deadline) {
  double left;
  if (isinf(deadline)) return -1;
  left = (deadline - sys_now()) * 1000.0;
  if (left <= 0) return 0;
  /* round up: waking a fraction of a millisecond early would spin */
  left = ceil(left);
  return left > (double)INT_MAX ? INT_MAX : (int)left;
}

int wait_fd(int fd, int events, double deadline) {
  struct pollfd p;
  p.fd = fd;
  p.events = (short)events;
  for (;;) {
    int ms = wait_remaining_ms(deadline), r;
    p.revents = 0;
    r = poll(&p, 1, ms);
    if (r > 0) {
      /* an error or hang-up makes the call itself report what happened */
      if (p.revents & POLLNVAL) return EBADF;
      return 0;
    }
    if (r == 0) {
      if (ms == 0 || sys_now() >= deadline) return LSOCK_TIMEOUT;
      continue; /* woke early: wait for the rest */
    }
    if (errno != EINTR && errno != EAGAIN) return errno;
  }
}
