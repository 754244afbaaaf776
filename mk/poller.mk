# The poller's backends side by side: `make POLLER=poll build/5.4-poll/lsock.so`
# links a library in the object directory of that LUA and POLLER, leaving
# ./lsock.so alone. tests/suite_poller_poll.sh uses it to run the poller
# spec on the portable poll() backend on Linux, where epoll is the default.
# `make rock` links the rock's library with it too (OBJDIR=build/rock).
$(OBJDIR)/lsock.so: $(OBJS)
	$(CC) $(LIBFLAG) -o $@ $(OBJS) $(LDFLAGS)
