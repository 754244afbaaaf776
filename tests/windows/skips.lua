-- tests/windows/skips.lua — what the spec files test that Windows (or
-- Wine, which runs them in CI) does not have: { file, name-or-nil, reason }.
-- A nil name skips the whole file; otherwise each test whose full name
-- contains the text. Tests that start child processes skip themselves
-- (tests/windows/runner.lua: no POSIX shell). Everything else must pass.
local UNIX = "AF_UNIX: Wine 8 refuses AF_UNIX sockets (Windows 10 has them)"
local NOTSOCK = "Windows reports a socket handle that is not open as ENOTSOCK (WSAENOTSOCK), not EBADF"
local TCPPAIR = "socketpair is loopback TCP on Windows: its buffers hold what an AF_UNIX pair's cannot"
return {
  { "spec/unix_spec.lua", nil, UNIX },
  { "spec/correctness_spec.lua", nil, "child processes need a POSIX shell (sh, timeout, env)" },
  { "spec/faults_inject_spec.lua", nil, "an LD_PRELOAD shim of libc: Linux only" },
  { "spec/create_spec.lua", "makes each family and type lsock speaks", UNIX },
  { "spec/create_spec.lua", "create_server returns a bound, listening socket with SO_REUSEADDR",
    "create_server sets no SO_REUSEADDR on Windows, where it would let another socket take the port" },
  { "spec/create_spec.lua", "reuse_port", "SO_REUSEPORT: Windows has none" },
  { "spec/create_spec.lua", "socketpair returns two connected sockets with the given family and type", UNIX },
  { "spec/create_spec.lua", "EBADF", NOTSOCK },
  { "spec/errors_spec.lua", "addresses of the wrong shape", UNIX },
  { "spec/errors_spec.lua", "EBADF from lsock.close", NOTSOCK },
  { "spec/errors_spec.lua", "missing Unix path", UNIX },
  { "spec/errors_spec.lua", "over-long Unix path", UNIX },
  { "spec/errors_spec.lua", "errno constants match the system's values",
    "the values are Linux's: on Windows the socket errors are the WSAE* codes" },
  { "spec/faults_spec.lua", "reports EBADF", NOTSOCK },
  { "spec/fdlimit_spec.lua", "times out on a full buffer", TCPPAIR },
  { "spec/makefile_spec.lua", "a write times out, keeps what it could not send", TCPPAIR },
  { "spec/makefile_spec.lua", "a write fails with EAGAIN and keeps the rest", TCPPAIR },
  { "spec/names_spec.lua", "every constant SPEC.md lists is present",
    "Linux has them all: Windows lacks SO_REUSEPORT, MSG_DONTWAIT, MSG_NOSIGNAL and others" },
  { "spec/object_spec.lua", "and Unix", UNIX },
  { "spec/object_spec.lua", "a Unix socket's path", UNIX },
  { "spec/tcp_spec.lua", "port 0 picks a port",
    "getsockname of an unbound socket fails on Windows (WSAEINVAL) where Linux gives 0.0.0.0:0" },
  { "spec/tcp_spec.lua", "integers and booleans in, integers out", "TCP_KEEPIDLE: MinGW's headers lack it" },
  { "spec/tcp_spec.lua", "SO_LINGER as two native ints", "struct linger is two u_shorts on Windows" },
  { "spec/tcp_spec.lua", "changed no signal disposition", "POSIX signals: Windows has none" },
  { "spec/timeout_spec.lua", "blocking mode really blocks",
    "SO_RCVTIMEO is a DWORD of milliseconds on Windows, not a struct timeval" },
  { "spec/timeout_spec.lua", "MSG_DONTWAIT never waits", "MSG_DONTWAIT: Windows has none" },
  { "spec/names_spec.lua", "has the values everybody knows",
    "glibc's EAI_* codes are negative; Windows' are the WSA codes (EAI_NONAME is 11001)" },
  { "spec/names_spec.lua", "without a type it lists several",
    "Windows' getaddrinfo gives one entry of type 0 when no type is asked" },
  { "spec/faults_spec.lua", "a reset mid-transfer (SO_LINGER 0)",
    "Wine reads a reset that follows data as the end of the stream" },
  { "spec/makefile_spec.lua", "a write to a vanished peer fails with EPIPE",
    "Wine's send to a peer that closed succeeds until the reset arrives" },
  { "spec/poller_spec.lua", "(EINTR)", "POSIX signals: Windows has none" },
  { "spec/poller_spec.lua", "reports POLLOUT, POLLHUP and POLLERR",
    "WSAPoll under Wine reports a reset peer as POLLHUP without POLLERR" },
  { "spec/tcp_spec.lua", "no socket descriptor reaches a child process",
    "no descriptor listing on Windows (sockets are made with WSA_FLAG_NO_HANDLE_INHERIT)" },
}
