/*
** const.c — the constants of the module table. Each is compiled in only
** where the platform defines it, so a constant the system lacks is absent
** rather than a made-up number. INADDR_* are integers in host order, as
** Python gives them. The values come from the platform's headers, which
** sys.h includes.
*/
#include "private.h"

typedef struct {
  const char *name;
  lua_Integer value;
} const_Entry;

static const const_Entry constants[] = {
#ifdef AF_INET
  {"AF_INET", AF_INET},
#endif
#ifdef AF_INET6
  {"AF_INET6", AF_INET6},
#endif
#ifdef AF_UNIX
  {"AF_UNIX", AF_UNIX},
#endif
#ifdef AF_UNSPEC
  {"AF_UNSPEC", AF_UNSPEC},
#endif
#ifdef SOCK_STREAM
  {"SOCK_STREAM", SOCK_STREAM},
#endif
#ifdef SOCK_DGRAM
  {"SOCK_DGRAM", SOCK_DGRAM},
#endif
#ifdef SOCK_RAW
  {"SOCK_RAW", SOCK_RAW},
#endif
#ifdef SOCK_SEQPACKET
  {"SOCK_SEQPACKET", SOCK_SEQPACKET},
#endif
#ifdef SOL_SOCKET
  {"SOL_SOCKET", SOL_SOCKET},
#endif
#ifdef SO_REUSEADDR
  {"SO_REUSEADDR", SO_REUSEADDR},
#endif
#ifdef SO_REUSEPORT
  {"SO_REUSEPORT", SO_REUSEPORT},
#endif
#ifdef SO_KEEPALIVE
  {"SO_KEEPALIVE", SO_KEEPALIVE},
#endif
#ifdef SO_BROADCAST
  {"SO_BROADCAST", SO_BROADCAST},
#endif
#ifdef SO_LINGER
  {"SO_LINGER", SO_LINGER},
#endif
#ifdef SO_RCVBUF
  {"SO_RCVBUF", SO_RCVBUF},
#endif
#ifdef SO_SNDBUF
  {"SO_SNDBUF", SO_SNDBUF},
#endif
#ifdef SO_RCVLOWAT
  {"SO_RCVLOWAT", SO_RCVLOWAT},
#endif
#ifdef SO_SNDLOWAT
  {"SO_SNDLOWAT", SO_SNDLOWAT},
#endif
#ifdef SO_ERROR
  {"SO_ERROR", SO_ERROR},
#endif
#ifdef SO_TYPE
  {"SO_TYPE", SO_TYPE},
#endif
#ifdef SO_RCVTIMEO
  {"SO_RCVTIMEO", SO_RCVTIMEO},
#endif
#ifdef SO_SNDTIMEO
  {"SO_SNDTIMEO", SO_SNDTIMEO},
#endif
#ifdef SO_ACCEPTCONN
  {"SO_ACCEPTCONN", SO_ACCEPTCONN},
#endif
#ifdef SO_DOMAIN
  {"SO_DOMAIN", SO_DOMAIN},
#endif
#ifdef SO_PROTOCOL
  {"SO_PROTOCOL", SO_PROTOCOL},
#endif
#ifdef SO_OOBINLINE
  {"SO_OOBINLINE", SO_OOBINLINE},
#endif
#ifdef SO_BINDTODEVICE
  {"SO_BINDTODEVICE", SO_BINDTODEVICE},
#endif
#ifdef IPPROTO_IP
  {"IPPROTO_IP", IPPROTO_IP},
#endif
#ifdef IPPROTO_IPV6
  {"IPPROTO_IPV6", IPPROTO_IPV6},
#endif
#ifdef IPPROTO_TCP
  {"IPPROTO_TCP", IPPROTO_TCP},
#endif
#ifdef IPPROTO_UDP
  {"IPPROTO_UDP", IPPROTO_UDP},
#endif
#ifdef IPPROTO_ICMP
  {"IPPROTO_ICMP", IPPROTO_ICMP},
#endif
#ifdef IPPROTO_ICMPV6
  {"IPPROTO_ICMPV6", IPPROTO_ICMPV6},
#endif
#ifdef IPPROTO_RAW
  {"IPPROTO_RAW", IPPROTO_RAW},
#endif
#ifdef TCP_NODELAY
  {"TCP_NODELAY", TCP_NODELAY},
#endif
#ifdef TCP_KEEPIDLE
  {"TCP_KEEPIDLE", TCP_KEEPIDLE},
#endif
#ifdef TCP_KEEPINTVL
  {"TCP_KEEPINTVL", TCP_KEEPINTVL},
#endif
#ifdef TCP_KEEPCNT
  {"TCP_KEEPCNT", TCP_KEEPCNT},
#endif
#ifdef TCP_MAXSEG
  {"TCP_MAXSEG", TCP_MAXSEG},
#endif
#ifdef TCP_QUICKACK
  {"TCP_QUICKACK", TCP_QUICKACK},
#endif
#ifdef TCP_USER_TIMEOUT
  {"TCP_USER_TIMEOUT", TCP_USER_TIMEOUT},
#endif
#ifdef TCP_FASTOPEN
  {"TCP_FASTOPEN", TCP_FASTOPEN},
#endif
#ifdef TCP_CORK
  {"TCP_CORK", TCP_CORK},
#endif
#ifdef IP_TTL
  {"IP_TTL", IP_TTL},
#endif
#ifdef IP_TOS
  {"IP_TOS", IP_TOS},
#endif
#ifdef IP_MULTICAST_TTL
  {"IP_MULTICAST_TTL", IP_MULTICAST_TTL},
#endif
#ifdef IP_MULTICAST_LOOP
  {"IP_MULTICAST_LOOP", IP_MULTICAST_LOOP},
#endif
#ifdef IP_MULTICAST_IF
  {"IP_MULTICAST_IF", IP_MULTICAST_IF},
#endif
#ifdef IP_ADD_MEMBERSHIP
  {"IP_ADD_MEMBERSHIP", IP_ADD_MEMBERSHIP},
#endif
#ifdef IP_DROP_MEMBERSHIP
  {"IP_DROP_MEMBERSHIP", IP_DROP_MEMBERSHIP},
#endif
#ifdef IP_HDRINCL
  {"IP_HDRINCL", IP_HDRINCL},
#endif
#ifdef IPV6_V6ONLY
  {"IPV6_V6ONLY", IPV6_V6ONLY},
#endif
#ifdef IPV6_JOIN_GROUP
  {"IPV6_JOIN_GROUP", IPV6_JOIN_GROUP},
#endif
#ifdef IPV6_LEAVE_GROUP
  {"IPV6_LEAVE_GROUP", IPV6_LEAVE_GROUP},
#endif
#ifdef IPV6_MULTICAST_HOPS
  {"IPV6_MULTICAST_HOPS", IPV6_MULTICAST_HOPS},
#endif
#ifdef IPV6_MULTICAST_LOOP
  {"IPV6_MULTICAST_LOOP", IPV6_MULTICAST_LOOP},
#endif
#ifdef IPV6_MULTICAST_IF
  {"IPV6_MULTICAST_IF", IPV6_MULTICAST_IF},
#endif
#ifdef IPV6_UNICAST_HOPS
  {"IPV6_UNICAST_HOPS", IPV6_UNICAST_HOPS},
#endif
#ifdef MSG_PEEK
  {"MSG_PEEK", MSG_PEEK},
#endif
#ifdef MSG_WAITALL
  {"MSG_WAITALL", MSG_WAITALL},
#endif
#ifdef MSG_DONTWAIT
  {"MSG_DONTWAIT", MSG_DONTWAIT},
#endif
#ifdef MSG_OOB
  {"MSG_OOB", MSG_OOB},
#endif
#ifdef MSG_TRUNC
  {"MSG_TRUNC", MSG_TRUNC},
#endif
#ifdef MSG_CTRUNC
  {"MSG_CTRUNC", MSG_CTRUNC},
#endif
#ifdef MSG_DONTROUTE
  {"MSG_DONTROUTE", MSG_DONTROUTE},
#endif
#ifdef MSG_EOR
  {"MSG_EOR", MSG_EOR},
#endif
#ifdef MSG_NOSIGNAL
  {"MSG_NOSIGNAL", MSG_NOSIGNAL},
#endif
#ifdef SHUT_RD
  {"SHUT_RD", SHUT_RD},
#endif
#ifdef SHUT_WR
  {"SHUT_WR", SHUT_WR},
#endif
#ifdef SHUT_RDWR
  {"SHUT_RDWR", SHUT_RDWR},
#endif
#ifdef AI_PASSIVE
  {"AI_PASSIVE", AI_PASSIVE},
#endif
#ifdef AI_CANONNAME
  {"AI_CANONNAME", AI_CANONNAME},
#endif
#ifdef AI_NUMERICHOST
  {"AI_NUMERICHOST", AI_NUMERICHOST},
#endif
#ifdef AI_NUMERICSERV
  {"AI_NUMERICSERV", AI_NUMERICSERV},
#endif
#ifdef AI_ADDRCONFIG
  {"AI_ADDRCONFIG", AI_ADDRCONFIG},
#endif
#ifdef AI_V4MAPPED
  {"AI_V4MAPPED", AI_V4MAPPED},
#endif
#ifdef AI_ALL
  {"AI_ALL", AI_ALL},
#endif
#ifdef NI_NUMERICHOST
  {"NI_NUMERICHOST", NI_NUMERICHOST},
#endif
#ifdef NI_NUMERICSERV
  {"NI_NUMERICSERV", NI_NUMERICSERV},
#endif
#ifdef NI_NAMEREQD
  {"NI_NAMEREQD", NI_NAMEREQD},
#endif
#ifdef NI_DGRAM
  {"NI_DGRAM", NI_DGRAM},
#endif
#ifdef NI_NOFQDN
  {"NI_NOFQDN", NI_NOFQDN},
#endif
#ifdef NI_MAXHOST
  {"NI_MAXHOST", NI_MAXHOST},
#endif
#ifdef NI_MAXSERV
  {"NI_MAXSERV", NI_MAXSERV},
#endif
#ifdef SOMAXCONN
  {"SOMAXCONN", SOMAXCONN},
#endif
#ifdef EAGAIN
  {"EAGAIN", EAGAIN},
#endif
#ifdef EWOULDBLOCK
  {"EWOULDBLOCK", EWOULDBLOCK},
#endif
#ifdef EINPROGRESS
  {"EINPROGRESS", EINPROGRESS},
#endif
#ifdef EALREADY
  {"EALREADY", EALREADY},
#endif
#ifdef EISCONN
  {"EISCONN", EISCONN},
#endif
#ifdef ENOTCONN
  {"ENOTCONN", ENOTCONN},
#endif
#ifdef ECONNREFUSED
  {"ECONNREFUSED", ECONNREFUSED},
#endif
#ifdef ECONNRESET
  {"ECONNRESET", ECONNRESET},
#endif
#ifdef ECONNABORTED
  {"ECONNABORTED", ECONNABORTED},
#endif
#ifdef EPIPE
  {"EPIPE", EPIPE},
#endif
#ifdef ETIMEDOUT
  {"ETIMEDOUT", ETIMEDOUT},
#endif
#ifdef EADDRINUSE
  {"EADDRINUSE", EADDRINUSE},
#endif
#ifdef EADDRNOTAVAIL
  {"EADDRNOTAVAIL", EADDRNOTAVAIL},
#endif
#ifdef EINTR
  {"EINTR", EINTR},
#endif
#ifdef EBADF
  {"EBADF", EBADF},
#endif
#ifdef EINVAL
  {"EINVAL", EINVAL},
#endif
#ifdef EMSGSIZE
  {"EMSGSIZE", EMSGSIZE},
#endif
#ifdef ENETUNREACH
  {"ENETUNREACH", ENETUNREACH},
#endif
#ifdef EHOSTUNREACH
  {"EHOSTUNREACH", EHOSTUNREACH},
#endif
#ifdef ENETDOWN
  {"ENETDOWN", ENETDOWN},
#endif
#ifdef EHOSTDOWN
  {"EHOSTDOWN", EHOSTDOWN},
#endif
#ifdef EACCES
  {"EACCES", EACCES},
#endif
#ifdef EPERM
  {"EPERM", EPERM},
#endif
#ifdef ENOENT
  {"ENOENT", ENOENT},
#endif
#ifdef ENOTSOCK
  {"ENOTSOCK", ENOTSOCK},
#endif
#ifdef EAFNOSUPPORT
  {"EAFNOSUPPORT", EAFNOSUPPORT},
#endif
#ifdef EPROTONOSUPPORT
  {"EPROTONOSUPPORT", EPROTONOSUPPORT},
#endif
#ifdef EPROTOTYPE
  {"EPROTOTYPE", EPROTOTYPE},
#endif
#ifdef ENOPROTOOPT
  {"ENOPROTOOPT", ENOPROTOOPT},
#endif
#ifdef EOPNOTSUPP
  {"EOPNOTSUPP", EOPNOTSUPP},
#endif
#ifdef ENOBUFS
  {"ENOBUFS", ENOBUFS},
#endif
#ifdef ENOMEM
  {"ENOMEM", ENOMEM},
#endif
#ifdef EMFILE
  {"EMFILE", EMFILE},
#endif
#ifdef ENFILE
  {"ENFILE", ENFILE},
#endif
#ifdef ENAMETOOLONG
  {"ENAMETOOLONG", ENAMETOOLONG},
#endif
#ifdef EFAULT
  {"EFAULT", EFAULT},
#endif
#ifdef EDESTADDRREQ
  {"EDESTADDRREQ", EDESTADDRREQ},
#endif
#ifdef ESHUTDOWN
  {"ESHUTDOWN", ESHUTDOWN},
#endif
#ifdef ENOTDIR
  {"ENOTDIR", ENOTDIR},
#endif
#ifdef EEXIST
  {"EEXIST", EEXIST},
#endif
#ifdef EAI_AGAIN
  {"EAI_AGAIN", EAI_AGAIN},
#endif
#ifdef EAI_BADFLAGS
  {"EAI_BADFLAGS", EAI_BADFLAGS},
#endif
#ifdef EAI_FAIL
  {"EAI_FAIL", EAI_FAIL},
#endif
#ifdef EAI_FAMILY
  {"EAI_FAMILY", EAI_FAMILY},
#endif
#ifdef EAI_MEMORY
  {"EAI_MEMORY", EAI_MEMORY},
#endif
#ifdef EAI_NONAME
  {"EAI_NONAME", EAI_NONAME},
#endif
#ifdef EAI_SERVICE
  {"EAI_SERVICE", EAI_SERVICE},
#endif
#ifdef EAI_SOCKTYPE
  {"EAI_SOCKTYPE", EAI_SOCKTYPE},
#endif
#ifdef EAI_SYSTEM
  {"EAI_SYSTEM", EAI_SYSTEM},
#endif
#ifdef EAI_OVERFLOW
  {"EAI_OVERFLOW", EAI_OVERFLOW},
#endif
#ifdef EAI_NODATA
  {"EAI_NODATA", EAI_NODATA},
#endif
#ifdef EAI_ADDRFAMILY
  {"EAI_ADDRFAMILY", EAI_ADDRFAMILY},
#endif
  {"INADDR_ANY", (lua_Integer)INADDR_ANY},
  {"INADDR_LOOPBACK", (lua_Integer)INADDR_LOOPBACK},
  {"INADDR_BROADCAST", (lua_Integer)INADDR_BROADCAST},
  {"INADDR_NONE", (lua_Integer)INADDR_NONE},
  {"POLLIN", POLLIN},
  {"POLLOUT", POLLOUT},
  {"POLLERR", POLLERR},
  {"POLLHUP", POLLHUP},
  {"POLLPRI", POLLPRI},
  {NULL, 0}
};

void lsock_const_open(lua_State *L) {
  const const_Entry *c;
  for (c = constants; c->name != NULL; c++) {
    lua_pushinteger(L, c->value);
    lua_setfield(L, -2, c->name);
  }
}
