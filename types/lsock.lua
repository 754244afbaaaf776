---@meta lsock
-- Type definitions of lsock for lua-language-server (LuaCATS annotations).
--
-- Point the language server at this folder, e.g. in .luarc.json:
--     { "workspace.library": ["path/to/lsock/types"] }
--
-- Conventions used below (see docs/reference.md):
--   * An operating-system failure returns `nil, message, errno`: the
--     annotations spell it as optional returns `string? errmsg` and
--     `integer? errno` after the (optional) success value.
--   * A timeout returns `nil, "timeout", lsock.ETIMEDOUT`.
--   * Programmer errors (wrong types, closed socket, ...) raise.
--   * An address is given as separate values (`host, port` or a path) or as
--     one `lsock.address` table; it is returned as multiple values.
--   * A field marked `?` in the `lsock` class is a constant that a platform
--     may lack: one SPEC.md marks "where defined", one that is not POSIX,
--     or one the module gives beyond SPEC.md's list ("beyond SPEC").
--     It is then absent (nil), never a made-up number. Unmarked constants
--     are in SPEC.md's list and POSIX: every platform has them.
--     tests/check_types.lua relies on that mark.

---An address: `{host, port}`, `{host, port, flowinfo, scope_id}` for
---AF_INET6, or a path string for AF_UNIX (a leading `"\0"` is the Linux
---abstract namespace). `getaddrinfo` results' `addr` has this shape.
---@alias lsock.address {[1]: string, [2]: integer, [3]: integer?, [4]: integer?}|string

---A timeout: `nil` blocking, `0` non-blocking, `t > 0` seconds.
---@alias lsock.timeout number?

---What `lsock.select` and `poller:register` accept.
---@alias lsock.selectable lsock.socket|lsock.file|integer|{fileno: fun(self): integer}

---@alias lsock.filemode "r"|"w"|"rw"|"rb"|"wb"|"rwb"
---@alias lsock.readformat "l"|"L"|"a"|"n"|"*l"|"*L"|"*a"|"*n"|integer
---@alias lsock.vbufmode "no"|"full"|"line"

---One `lsock.getaddrinfo` result.
---@class lsock.addrinfo
---@field family integer `AF_INET`, `AF_INET6`, ...
---@field type integer `SOCK_STREAM`, `SOCK_DGRAM`, ...
---@field proto integer
---@field canonname string `""` unless `AI_CANONNAME` was asked for
---@field addr lsock.address `{host, port}` or `{host, port, flowinfo, scope_id}`

---Options of `lsock.create_server`.
---@class lsock.serveropts
---@field family? integer `AF_INET` (default) or `AF_INET6`
---@field backlog? integer `listen` backlog
---@field reuse_port? boolean set `SO_REUSEPORT`
---@field dualstack_ipv6? boolean an `AF_INET6` socket that also accepts IPv4

---The module: `local lsock = require "lsock"`.
---@class lsock
---@field _VERSION string `"lsock X.Y.Z"`
---@field has_ipv6 boolean whether IPv6 is supported
-- Address families.
---@field AF_INET integer
---@field AF_INET6 integer
---@field AF_UNIX integer
---@field AF_UNSPEC integer
-- Socket types.
---@field SOCK_STREAM integer
---@field SOCK_DGRAM integer
---@field SOCK_RAW integer
---@field SOCK_SEQPACKET integer
-- Socket options (level SOL_SOCKET).
---@field SOL_SOCKET integer
---@field SO_REUSEADDR integer
---@field SO_REUSEPORT? integer platform-specific
---@field SO_KEEPALIVE integer
---@field SO_BROADCAST integer
---@field SO_LINGER integer
---@field SO_RCVBUF integer
---@field SO_SNDBUF integer
---@field SO_RCVLOWAT integer
---@field SO_SNDLOWAT integer
---@field SO_ERROR integer
---@field SO_TYPE integer
---@field SO_RCVTIMEO? integer beyond SPEC; a struct timeval (lsock times out by itself)
---@field SO_SNDTIMEO? integer beyond SPEC; a struct timeval
---@field SO_ACCEPTCONN? integer beyond SPEC
---@field SO_DOMAIN? integer beyond SPEC; platform-specific (Linux)
---@field SO_PROTOCOL? integer beyond SPEC; platform-specific (Linux)
---@field SO_OOBINLINE? integer beyond SPEC
---@field SO_BINDTODEVICE? integer beyond SPEC; platform-specific (Linux): an interface name string
-- Protocols and their options.
---@field IPPROTO_IP integer
---@field IPPROTO_IPV6 integer
---@field IPPROTO_TCP integer
---@field IPPROTO_UDP integer
---@field IPPROTO_ICMP? integer beyond SPEC
---@field IPPROTO_ICMPV6? integer beyond SPEC
---@field IPPROTO_RAW? integer beyond SPEC
---@field TCP_NODELAY integer
---@field TCP_KEEPIDLE? integer platform-specific
---@field TCP_KEEPINTVL? integer platform-specific
---@field TCP_KEEPCNT? integer platform-specific
---@field TCP_MAXSEG? integer beyond SPEC
---@field TCP_QUICKACK? integer beyond SPEC; platform-specific (Linux)
---@field TCP_USER_TIMEOUT? integer beyond SPEC; platform-specific (Linux)
---@field TCP_FASTOPEN? integer beyond SPEC; platform-specific
---@field TCP_CORK? integer beyond SPEC; platform-specific (Linux)
---@field IP_TTL integer
---@field IP_TOS? integer beyond SPEC
---@field IP_MULTICAST_TTL integer
---@field IP_MULTICAST_LOOP integer
---@field IP_ADD_MEMBERSHIP integer
---@field IP_DROP_MEMBERSHIP integer
---@field IP_MULTICAST_IF? integer beyond SPEC
---@field IP_HDRINCL? integer beyond SPEC; for SOCK_RAW
---@field IPV6_V6ONLY integer
---@field IPV6_JOIN_GROUP? integer platform-specific
---@field IPV6_LEAVE_GROUP? integer platform-specific
---@field IPV6_MULTICAST_HOPS? integer beyond SPEC
---@field IPV6_MULTICAST_LOOP? integer beyond SPEC
---@field IPV6_MULTICAST_IF? integer beyond SPEC
---@field IPV6_UNICAST_HOPS? integer beyond SPEC
---@field INADDR_ANY integer
---@field INADDR_LOOPBACK integer
---@field INADDR_BROADCAST? integer beyond SPEC; host byte order
---@field INADDR_NONE? integer beyond SPEC; host byte order
-- Flags of recv/send.
---@field MSG_PEEK integer
---@field MSG_WAITALL integer
---@field MSG_DONTWAIT? integer platform-specific
---@field MSG_OOB integer
---@field MSG_TRUNC? integer platform-specific
---@field MSG_CTRUNC? integer beyond SPEC
---@field MSG_DONTROUTE? integer beyond SPEC
---@field MSG_EOR? integer beyond SPEC
---@field MSG_NOSIGNAL? integer beyond SPEC; platform-specific (lsock already sends with it)
-- shutdown(how).
---@field SHUT_RD integer
---@field SHUT_WR integer
---@field SHUT_RDWR integer
-- getaddrinfo / getnameinfo flags.
---@field AI_PASSIVE integer
---@field AI_CANONNAME integer
---@field AI_NUMERICHOST integer
---@field AI_NUMERICSERV integer
---@field AI_ADDRCONFIG? integer beyond SPEC
---@field AI_V4MAPPED? integer beyond SPEC
---@field AI_ALL? integer beyond SPEC
---@field NI_NUMERICHOST integer
---@field NI_NUMERICSERV integer
---@field NI_NAMEREQD? integer beyond SPEC
---@field NI_DGRAM? integer beyond SPEC
---@field NI_NOFQDN? integer beyond SPEC
---@field NI_MAXHOST? integer beyond SPEC; platform-specific: a buffer size, not a flag
---@field NI_MAXSERV? integer beyond SPEC; platform-specific: a buffer size, not a flag
---@field SOMAXCONN integer
-- Poller events.
---@field POLLIN integer
---@field POLLOUT integer
---@field POLLERR integer
---@field POLLHUP integer
---@field POLLPRI? integer beyond SPEC: urgent data (lsock.select's xlist)
-- errno values the module returns (the third result of a failure).
---@field EAGAIN integer
---@field EWOULDBLOCK integer
---@field EINPROGRESS integer
---@field EALREADY integer
---@field EISCONN integer
---@field ENOTCONN integer
---@field ECONNREFUSED integer
---@field ECONNRESET integer
---@field ECONNABORTED integer
---@field EPIPE integer
---@field ETIMEDOUT integer
---@field EADDRINUSE integer
---@field EADDRNOTAVAIL integer
---@field EINTR integer
---@field EBADF integer
---@field EINVAL integer
---@field EMSGSIZE integer
---@field ENETUNREACH integer
---@field EHOSTUNREACH integer
---@field ENETDOWN? integer beyond SPEC
---@field EHOSTDOWN? integer beyond SPEC
---@field EACCES? integer beyond SPEC
---@field EPERM? integer beyond SPEC
---@field ENOENT? integer beyond SPEC
---@field ENOTSOCK? integer beyond SPEC
---@field EAFNOSUPPORT? integer beyond SPEC
---@field EPROTONOSUPPORT? integer beyond SPEC
---@field EPROTOTYPE? integer beyond SPEC
---@field ENOPROTOOPT? integer beyond SPEC
---@field EOPNOTSUPP? integer beyond SPEC
---@field ENOBUFS? integer beyond SPEC
---@field ENOMEM? integer beyond SPEC
---@field EMFILE? integer beyond SPEC
---@field ENFILE? integer beyond SPEC
---@field ENAMETOOLONG? integer beyond SPEC
---@field EFAULT? integer beyond SPEC
---@field EDESTADDRREQ? integer beyond SPEC
---@field ESHUTDOWN? integer beyond SPEC
---@field ENOTDIR? integer beyond SPEC
---@field EEXIST? integer beyond SPEC
-- Name-resolution failure codes (the third result of a getaddrinfo failure).
---@field EAI_AGAIN integer
---@field EAI_BADFLAGS integer
---@field EAI_FAIL integer
---@field EAI_FAMILY integer
---@field EAI_MEMORY integer
---@field EAI_NONAME integer
---@field EAI_SERVICE integer
---@field EAI_SOCKTYPE integer
---@field EAI_SYSTEM? integer where defined
---@field EAI_OVERFLOW? integer where defined
---@field EAI_NODATA? integer beyond SPEC; platform-specific
---@field EAI_ADDRFAMILY? integer beyond SPEC; platform-specific
-- The rest of Python's socket module constants on Linux (absent where the
-- platform's headers lack them).
---@field AF_ALG? integer beyond SPEC; platform-specific
---@field AF_APPLETALK? integer beyond SPEC; platform-specific
---@field AF_ASH? integer beyond SPEC; platform-specific
---@field AF_ATMPVC? integer beyond SPEC; platform-specific
---@field AF_ATMSVC? integer beyond SPEC; platform-specific
---@field AF_AX25? integer beyond SPEC; platform-specific
---@field AF_BLUETOOTH? integer beyond SPEC; platform-specific
---@field AF_BRIDGE? integer beyond SPEC; platform-specific
---@field AF_CAN? integer beyond SPEC; platform-specific
---@field AF_ECONET? integer beyond SPEC; platform-specific
---@field AF_IPX? integer beyond SPEC; platform-specific
---@field AF_IRDA? integer beyond SPEC; platform-specific
---@field AF_KEY? integer beyond SPEC; platform-specific
---@field AF_LLC? integer beyond SPEC; platform-specific
---@field AF_NETBEUI? integer beyond SPEC; platform-specific
---@field AF_NETLINK? integer beyond SPEC; platform-specific
---@field AF_NETROM? integer beyond SPEC; platform-specific
---@field AF_PACKET? integer beyond SPEC; platform-specific
---@field AF_PPPOX? integer beyond SPEC; platform-specific
---@field AF_QIPCRTR? integer beyond SPEC; platform-specific
---@field AF_RDS? integer beyond SPEC; platform-specific
---@field AF_ROSE? integer beyond SPEC; platform-specific
---@field AF_ROUTE? integer beyond SPEC; platform-specific
---@field AF_SECURITY? integer beyond SPEC; platform-specific
---@field AF_SNA? integer beyond SPEC; platform-specific
---@field AF_TIPC? integer beyond SPEC; platform-specific
---@field AF_VSOCK? integer beyond SPEC; platform-specific
---@field AF_WANPIPE? integer beyond SPEC; platform-specific
---@field AF_X25? integer beyond SPEC; platform-specific
---@field ALG_OP_DECRYPT? integer beyond SPEC; platform-specific
---@field ALG_OP_ENCRYPT? integer beyond SPEC; platform-specific
---@field ALG_SET_AEAD_ASSOCLEN? integer beyond SPEC; platform-specific
---@field ALG_SET_AEAD_AUTHSIZE? integer beyond SPEC; platform-specific
---@field ALG_SET_IV? integer beyond SPEC; platform-specific
---@field ALG_SET_KEY? integer beyond SPEC; platform-specific
---@field ALG_SET_OP? integer beyond SPEC; platform-specific
---@field CAN_BCM? integer beyond SPEC; platform-specific
---@field CAN_BCM_CAN_FD_FRAME? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_ANNOUNCE_RESUME? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_CHANGED? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_CHECK_DLC? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_DELETE? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_FILTER_ID? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_NO_AUTOTIMER? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_READ? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_RTR_FRAME? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_SETUP? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_STATUS? integer beyond SPEC; platform-specific
---@field CAN_BCM_RX_TIMEOUT? integer beyond SPEC; platform-specific
---@field CAN_BCM_SETTIMER? integer beyond SPEC; platform-specific
---@field CAN_BCM_STARTTIMER? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_ANNOUNCE? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_COUNTEVT? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_CP_CAN_ID? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_DELETE? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_EXPIRED? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_READ? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_RESET_MULTI_IDX? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_SEND? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_SETUP? integer beyond SPEC; platform-specific
---@field CAN_BCM_TX_STATUS? integer beyond SPEC; platform-specific
---@field CAN_EFF_FLAG? integer beyond SPEC; platform-specific
---@field CAN_EFF_MASK? integer beyond SPEC; platform-specific
---@field CAN_ERR_FLAG? integer beyond SPEC; platform-specific
---@field CAN_ERR_MASK? integer beyond SPEC; platform-specific
---@field CAN_ISOTP? integer beyond SPEC; platform-specific
---@field CAN_J1939? integer beyond SPEC; platform-specific
---@field CAN_RAW? integer beyond SPEC; platform-specific
---@field CAN_RAW_ERR_FILTER? integer beyond SPEC; platform-specific
---@field CAN_RAW_FD_FRAMES? integer beyond SPEC; platform-specific
---@field CAN_RAW_FILTER? integer beyond SPEC; platform-specific
---@field CAN_RAW_JOIN_FILTERS? integer beyond SPEC; platform-specific
---@field CAN_RAW_LOOPBACK? integer beyond SPEC; platform-specific
---@field CAN_RAW_RECV_OWN_MSGS? integer beyond SPEC; platform-specific
---@field CAN_RTR_FLAG? integer beyond SPEC; platform-specific
---@field CAN_SFF_MASK? integer beyond SPEC; platform-specific
---@field ETH_P_ALL? integer beyond SPEC; platform-specific
---@field INADDR_ALLHOSTS_GROUP? integer beyond SPEC; platform-specific
---@field INADDR_MAX_LOCAL_GROUP? integer beyond SPEC; platform-specific
---@field INADDR_UNSPEC_GROUP? integer beyond SPEC; platform-specific
---@field IPPORT_RESERVED? integer beyond SPEC; platform-specific
---@field IPPORT_USERRESERVED? integer beyond SPEC; platform-specific
---@field IPPROTO_AH? integer beyond SPEC; platform-specific
---@field IPPROTO_BEETPH? integer beyond SPEC; platform-specific
---@field IPPROTO_COMP? integer beyond SPEC; platform-specific
---@field IPPROTO_DSTOPTS? integer beyond SPEC; platform-specific
---@field IPPROTO_EGP? integer beyond SPEC; platform-specific
---@field IPPROTO_ESP? integer beyond SPEC; platform-specific
---@field IPPROTO_ETHERNET? integer beyond SPEC; platform-specific
---@field IPPROTO_FRAGMENT? integer beyond SPEC; platform-specific
---@field IPPROTO_GRE? integer beyond SPEC; platform-specific
---@field IPPROTO_HOPOPTS? integer beyond SPEC; platform-specific
---@field IPPROTO_IDP? integer beyond SPEC; platform-specific
---@field IPPROTO_IGMP? integer beyond SPEC; platform-specific
---@field IPPROTO_IPIP? integer beyond SPEC; platform-specific
---@field IPPROTO_MH? integer beyond SPEC; platform-specific
---@field IPPROTO_MPLS? integer beyond SPEC; platform-specific
---@field IPPROTO_MPTCP? integer beyond SPEC; platform-specific
---@field IPPROTO_NONE? integer beyond SPEC; platform-specific
---@field IPPROTO_PIM? integer beyond SPEC; platform-specific
---@field IPPROTO_PUP? integer beyond SPEC; platform-specific
---@field IPPROTO_ROUTING? integer beyond SPEC; platform-specific
---@field IPPROTO_RSVP? integer beyond SPEC; platform-specific
---@field IPPROTO_SCTP? integer beyond SPEC; platform-specific
---@field IPPROTO_TP? integer beyond SPEC; platform-specific
---@field IPPROTO_UDPLITE? integer beyond SPEC; platform-specific
---@field IPV6_ADDRFORM? integer beyond SPEC; platform-specific
---@field IPV6_CHECKSUM? integer beyond SPEC; platform-specific
---@field IPV6_DONTFRAG? integer beyond SPEC; platform-specific
---@field IPV6_DSTOPTS? integer beyond SPEC; platform-specific
---@field IPV6_FREEBIND? integer beyond SPEC; platform-specific
---@field IPV6_HOPLIMIT? integer beyond SPEC; platform-specific
---@field IPV6_HOPOPTS? integer beyond SPEC; platform-specific
---@field IPV6_MTU? integer beyond SPEC; platform-specific
---@field IPV6_MTU_DISCOVER? integer beyond SPEC; platform-specific
---@field IPV6_NEXTHOP? integer beyond SPEC; platform-specific
---@field IPV6_PATHMTU? integer beyond SPEC; platform-specific
---@field IPV6_PKTINFO? integer beyond SPEC; platform-specific
---@field IPV6_RECVDSTOPTS? integer beyond SPEC; platform-specific
---@field IPV6_RECVERR? integer beyond SPEC; platform-specific
---@field IPV6_RECVHOPLIMIT? integer beyond SPEC; platform-specific
---@field IPV6_RECVHOPOPTS? integer beyond SPEC; platform-specific
---@field IPV6_RECVORIGDSTADDR? integer beyond SPEC; platform-specific
---@field IPV6_RECVPATHMTU? integer beyond SPEC; platform-specific
---@field IPV6_RECVPKTINFO? integer platform-specific
---@field IPV6_RECVRTHDR? integer beyond SPEC; platform-specific
---@field IPV6_RECVTCLASS? integer beyond SPEC; platform-specific
---@field IPV6_RTHDR? integer beyond SPEC; platform-specific
---@field IPV6_RTHDRDSTOPTS? integer beyond SPEC; platform-specific
---@field IPV6_RTHDR_TYPE_0? integer beyond SPEC; platform-specific
---@field IPV6_TCLASS? integer beyond SPEC; platform-specific
---@field IPV6_TRANSPARENT? integer beyond SPEC; platform-specific
---@field IP_ADD_SOURCE_MEMBERSHIP? integer beyond SPEC; platform-specific
---@field IP_BIND_ADDRESS_NO_PORT? integer beyond SPEC; platform-specific
---@field IP_BLOCK_SOURCE? integer beyond SPEC; platform-specific
---@field IP_CHECKSUM? integer beyond SPEC; platform-specific
---@field IP_DEFAULT_MULTICAST_LOOP? integer beyond SPEC; platform-specific
---@field IP_DEFAULT_MULTICAST_TTL? integer beyond SPEC; platform-specific
---@field IP_DROP_SOURCE_MEMBERSHIP? integer beyond SPEC; platform-specific
---@field IP_FREEBIND? integer beyond SPEC; platform-specific
---@field IP_MAX_MEMBERSHIPS? integer beyond SPEC; platform-specific
---@field IP_MTU? integer beyond SPEC; platform-specific
---@field IP_MTU_DISCOVER? integer beyond SPEC; platform-specific
---@field IP_MULTICAST_ALL? integer platform-specific
---@field IP_OPTIONS? integer beyond SPEC; platform-specific
---@field IP_PASSSEC? integer beyond SPEC; platform-specific
---@field IP_PKTINFO? integer platform-specific
---@field IP_PMTUDISC_DO? integer beyond SPEC; platform-specific
---@field IP_PMTUDISC_DONT? integer beyond SPEC; platform-specific
---@field IP_PMTUDISC_PROBE? integer beyond SPEC; platform-specific
---@field IP_PMTUDISC_WANT? integer beyond SPEC; platform-specific
---@field IP_RECVERR? integer beyond SPEC; platform-specific
---@field IP_RECVOPTS? integer beyond SPEC; platform-specific
---@field IP_RECVORIGDSTADDR? integer beyond SPEC; platform-specific
---@field IP_RECVRETOPTS? integer beyond SPEC; platform-specific
---@field IP_RECVTOS? integer beyond SPEC; platform-specific
---@field IP_RETOPTS? integer beyond SPEC; platform-specific
---@field IP_ROUTER_ALERT? integer beyond SPEC; platform-specific
---@field IP_TRANSPARENT? integer beyond SPEC; platform-specific
---@field IP_UNBLOCK_SOURCE? integer beyond SPEC; platform-specific
---@field IP_UNICAST_IF? integer beyond SPEC; platform-specific
---@field J1939_EE_INFO_NONE? integer beyond SPEC; platform-specific
---@field J1939_EE_INFO_TX_ABORT? integer beyond SPEC; platform-specific
---@field J1939_FILTER_MAX? integer beyond SPEC; platform-specific
---@field J1939_IDLE_ADDR? integer beyond SPEC; platform-specific
---@field J1939_MAX_UNICAST_ADDR? integer beyond SPEC; platform-specific
---@field J1939_NLA_BYTES_ACKED? integer beyond SPEC; platform-specific
---@field J1939_NLA_PAD? integer beyond SPEC; platform-specific
---@field J1939_NO_ADDR? integer beyond SPEC; platform-specific
---@field J1939_NO_NAME? integer beyond SPEC; platform-specific
---@field J1939_NO_PGN? integer beyond SPEC; platform-specific
---@field J1939_PGN_ADDRESS_CLAIMED? integer beyond SPEC; platform-specific
---@field J1939_PGN_ADDRESS_COMMANDED? integer beyond SPEC; platform-specific
---@field J1939_PGN_MAX? integer beyond SPEC; platform-specific
---@field J1939_PGN_PDU1_MAX? integer beyond SPEC; platform-specific
---@field J1939_PGN_REQUEST? integer beyond SPEC; platform-specific
---@field MSG_CMSG_CLOEXEC? integer beyond SPEC; platform-specific
---@field MSG_CONFIRM? integer beyond SPEC; platform-specific
---@field MSG_ERRQUEUE? integer beyond SPEC; platform-specific
---@field MSG_FASTOPEN? integer beyond SPEC; platform-specific
---@field MSG_MORE? integer beyond SPEC; platform-specific
---@field MSG_ZEROCOPY? integer beyond SPEC; platform-specific
---@field NETLINK_CRYPTO? integer beyond SPEC; platform-specific
---@field NETLINK_DNRTMSG? integer beyond SPEC; platform-specific
---@field NETLINK_FIREWALL? integer beyond SPEC; platform-specific
---@field NETLINK_IP6_FW? integer beyond SPEC; platform-specific
---@field NETLINK_NFLOG? integer beyond SPEC; platform-specific
---@field NETLINK_ROUTE? integer beyond SPEC; platform-specific
---@field NETLINK_USERSOCK? integer beyond SPEC; platform-specific
---@field NETLINK_XFRM? integer beyond SPEC; platform-specific
---@field PACKET_BROADCAST? integer beyond SPEC; platform-specific
---@field PACKET_FASTROUTE? integer beyond SPEC; platform-specific
---@field PACKET_HOST? integer beyond SPEC; platform-specific
---@field PACKET_LOOPBACK? integer beyond SPEC; platform-specific
---@field PACKET_MULTICAST? integer beyond SPEC; platform-specific
---@field PACKET_OTHERHOST? integer beyond SPEC; platform-specific
---@field PACKET_OUTGOING? integer beyond SPEC; platform-specific
---@field PF_CAN? integer beyond SPEC; platform-specific
---@field PF_PACKET? integer beyond SPEC; platform-specific
---@field PF_RDS? integer beyond SPEC; platform-specific
---@field SCM_CREDENTIALS? integer beyond SPEC; platform-specific
---@field SCM_J1939_DEST_ADDR? integer beyond SPEC; platform-specific
---@field SCM_J1939_DEST_NAME? integer beyond SPEC; platform-specific
---@field SCM_J1939_ERRQUEUE? integer beyond SPEC; platform-specific
---@field SCM_J1939_PRIO? integer beyond SPEC; platform-specific
---@field SCM_RIGHTS? integer beyond SPEC; platform-specific
---@field SCM_TIMESTAMP? integer beyond SPEC; platform-specific
---@field SCM_TIMESTAMPNS? integer beyond SPEC; platform-specific
---@field SOCK_CLOEXEC? integer platform-specific
---@field SOCK_NONBLOCK? integer platform-specific
---@field SOCK_PACKET? integer beyond SPEC; platform-specific
---@field SOCK_RDM? integer beyond SPEC; platform-specific
---@field SOL_ALG? integer beyond SPEC; platform-specific
---@field SOL_CAN_BASE? integer beyond SPEC; platform-specific
---@field SOL_CAN_RAW? integer beyond SPEC; platform-specific
---@field SOL_IP? integer beyond SPEC; platform-specific
---@field SOL_IPV6? integer beyond SPEC; platform-specific
---@field SOL_PACKET? integer beyond SPEC; platform-specific
---@field SOL_RAW? integer beyond SPEC; platform-specific
---@field SOL_RDS? integer beyond SPEC; platform-specific
---@field SOL_TCP? integer beyond SPEC; platform-specific
---@field SOL_TIPC? integer beyond SPEC; platform-specific
---@field SOL_UDP? integer beyond SPEC; platform-specific
---@field SO_BINDTOIFINDEX? integer beyond SPEC; platform-specific
---@field SO_BUSY_POLL? integer beyond SPEC; platform-specific
---@field SO_COOKIE? integer beyond SPEC; platform-specific
---@field SO_DEBUG? integer beyond SPEC; platform-specific
---@field SO_DONTROUTE? integer beyond SPEC; platform-specific
---@field SO_INCOMING_CPU? integer beyond SPEC; platform-specific
---@field SO_J1939_ERRQUEUE? integer beyond SPEC; platform-specific
---@field SO_J1939_FILTER? integer beyond SPEC; platform-specific
---@field SO_J1939_PROMISC? integer beyond SPEC; platform-specific
---@field SO_J1939_SEND_PRIO? integer beyond SPEC; platform-specific
---@field SO_LOCK_FILTER? integer beyond SPEC; platform-specific
---@field SO_MARK? integer beyond SPEC; platform-specific
---@field SO_MAX_PACING_RATE? integer beyond SPEC; platform-specific
---@field SO_NOFCS? integer beyond SPEC; platform-specific
---@field SO_PASSCRED? integer beyond SPEC; platform-specific
---@field SO_PASSSEC? integer beyond SPEC; platform-specific
---@field SO_PEEK_OFF? integer beyond SPEC; platform-specific
---@field SO_PEERCRED? integer beyond SPEC; platform-specific
---@field SO_PEERSEC? integer beyond SPEC; platform-specific
---@field SO_PRIORITY? integer beyond SPEC; platform-specific
---@field SO_RCVBUFFORCE? integer beyond SPEC; platform-specific
---@field SO_RXQ_OVFL? integer beyond SPEC; platform-specific
---@field SO_SELECT_ERR_QUEUE? integer beyond SPEC; platform-specific
---@field SO_SNDBUFFORCE? integer beyond SPEC; platform-specific
---@field SO_TIMESTAMP? integer beyond SPEC; platform-specific
---@field SO_TIMESTAMPNS? integer beyond SPEC; platform-specific
---@field SO_TXTIME? integer beyond SPEC; platform-specific
---@field SO_VM_SOCKETS_BUFFER_MAX_SIZE? integer beyond SPEC; platform-specific
---@field SO_VM_SOCKETS_BUFFER_MIN_SIZE? integer beyond SPEC; platform-specific
---@field SO_VM_SOCKETS_BUFFER_SIZE? integer beyond SPEC; platform-specific
---@field SO_WIFI_STATUS? integer beyond SPEC; platform-specific
---@field SO_ZEROCOPY? integer beyond SPEC; platform-specific
---@field TCP_CC_INFO? integer beyond SPEC; platform-specific
---@field TCP_CONGESTION? integer beyond SPEC; platform-specific
---@field TCP_DEFER_ACCEPT? integer beyond SPEC; platform-specific
---@field TCP_FASTOPEN_CONNECT? integer beyond SPEC; platform-specific
---@field TCP_FASTOPEN_KEY? integer beyond SPEC; platform-specific
---@field TCP_FASTOPEN_NO_COOKIE? integer beyond SPEC; platform-specific
---@field TCP_INFO? integer beyond SPEC; platform-specific
---@field TCP_INQ? integer beyond SPEC; platform-specific
---@field TCP_LINGER2? integer beyond SPEC; platform-specific
---@field TCP_MD5SIG? integer beyond SPEC; platform-specific
---@field TCP_NOTSENT_LOWAT? integer beyond SPEC; platform-specific
---@field TCP_QUEUE_SEQ? integer beyond SPEC; platform-specific
---@field TCP_REPAIR? integer beyond SPEC; platform-specific
---@field TCP_REPAIR_OPTIONS? integer beyond SPEC; platform-specific
---@field TCP_REPAIR_QUEUE? integer beyond SPEC; platform-specific
---@field TCP_REPAIR_WINDOW? integer beyond SPEC; platform-specific
---@field TCP_SAVED_SYN? integer beyond SPEC; platform-specific
---@field TCP_SAVE_SYN? integer beyond SPEC; platform-specific
---@field TCP_SYNCNT? integer beyond SPEC; platform-specific
---@field TCP_THIN_DUPACK? integer beyond SPEC; platform-specific
---@field TCP_THIN_LINEAR_TIMEOUTS? integer beyond SPEC; platform-specific
---@field TCP_TIMESTAMP? integer beyond SPEC; platform-specific
---@field TCP_TX_DELAY? integer beyond SPEC; platform-specific
---@field TCP_ULP? integer beyond SPEC; platform-specific
---@field TCP_WINDOW_CLAMP? integer beyond SPEC; platform-specific
---@field TCP_ZEROCOPY_RECEIVE? integer beyond SPEC; platform-specific
---@field TIPC_ADDR_ID? integer beyond SPEC; platform-specific
---@field TIPC_ADDR_NAME? integer beyond SPEC; platform-specific
---@field TIPC_ADDR_NAMESEQ? integer beyond SPEC; platform-specific
---@field TIPC_CFG_SRV? integer beyond SPEC; platform-specific
---@field TIPC_CLUSTER_SCOPE? integer beyond SPEC; platform-specific
---@field TIPC_CONN_TIMEOUT? integer beyond SPEC; platform-specific
---@field TIPC_CRITICAL_IMPORTANCE? integer beyond SPEC; platform-specific
---@field TIPC_DEST_DROPPABLE? integer beyond SPEC; platform-specific
---@field TIPC_HIGH_IMPORTANCE? integer beyond SPEC; platform-specific
---@field TIPC_IMPORTANCE? integer beyond SPEC; platform-specific
---@field TIPC_LOW_IMPORTANCE? integer beyond SPEC; platform-specific
---@field TIPC_MEDIUM_IMPORTANCE? integer beyond SPEC; platform-specific
---@field TIPC_NODE_SCOPE? integer beyond SPEC; platform-specific
---@field TIPC_PUBLISHED? integer beyond SPEC; platform-specific
---@field TIPC_SRC_DROPPABLE? integer beyond SPEC; platform-specific
---@field TIPC_SUBSCR_TIMEOUT? integer beyond SPEC; platform-specific
---@field TIPC_SUB_CANCEL? integer beyond SPEC; platform-specific
---@field TIPC_SUB_PORTS? integer beyond SPEC; platform-specific
---@field TIPC_SUB_SERVICE? integer beyond SPEC; platform-specific
---@field TIPC_TOP_SRV? integer beyond SPEC; platform-specific
---@field TIPC_WAIT_FOREVER? integer beyond SPEC; platform-specific
---@field TIPC_WITHDRAWN? integer beyond SPEC; platform-specific
---@field TIPC_ZONE_SCOPE? integer beyond SPEC; platform-specific
---@field VMADDR_CID_ANY? integer beyond SPEC; platform-specific
---@field VMADDR_CID_HOST? integer beyond SPEC; platform-specific
---@field VMADDR_PORT_ANY? integer beyond SPEC; platform-specific
---@field VM_SOCKETS_INVALID_VERSION? integer beyond SPEC; platform-specific
---@field IPPROTO_L2TP? integer beyond SPEC; platform-specific (Windows)
---@field send_fds? function absent where the system passes no descriptors (Windows)
---@field recv_fds? function absent where the system passes no descriptors (Windows)
local lsock = {}

---A new socket. Defaults: `AF_INET`, `SOCK_STREAM`, protocol 0. It takes
---`lsock.getdefaulttimeout()`.
---
---```lua
---local s = assert(lsock.socket(lsock.AF_INET, lsock.SOCK_DGRAM))
---```
---@param family? integer `AF_INET` (default), `AF_INET6` or `AF_UNIX`
---@param type? integer `SOCK_STREAM` (default), `SOCK_DGRAM`, ...
---@param proto? integer default 0
---@return lsock.socket? sock
---@return string? errmsg
---@return integer? errno
function lsock.socket(family, type, proto) end

---Two connected sockets. Default `AF_UNIX`, `SOCK_STREAM`.
---
---```lua
---local a, b = assert(lsock.socketpair())
---```
---@param family? integer
---@param type? integer
---@param proto? integer
---@return lsock.socket? sock1 the first socket, or nil
---@return lsock.socket|string sock2_or_errmsg the second socket, or the message
---@return integer? errno
function lsock.socketpair(family, type, proto) end

---A socket over a `dup` of the descriptor `fd`.
---@param fd integer
---@param family integer
---@param type integer
---@param proto? integer
---@return lsock.socket? sock
---@return string? errmsg
---@return integer? errno
function lsock.fromfd(fd, family, type, proto) end

---Closes a bare descriptor (one from `s:detach()`, say).
---@param fd integer
---@return true? ok
---@return string? errmsg
---@return integer? errno
function lsock.close(fd) end

---A close-on-exec duplicate of a bare descriptor.
---@param fd integer
---@return integer? fd
---@return string? errmsg
---@return integer? errno
function lsock.dup(fd) end

---A mutable buffer of `size` zero bytes, for `recv_into` and friends;
---`#b` is its size.
---
---```lua
---local b = lsock.buffer(65536)
---local n = assert(s:recv_into(b))
---print(b:tostring(1, n))
---```
---@param size integer
---@return lsock.buffer
function lsock.buffer(size) end

---Sends `buffers` (strings or buffers, gathered) and the descriptors
---`fds` (`SCM_RIGHTS`) in one message; returns the byte count.
---@param s lsock.socket
---@param buffers (string|lsock.buffer)[]
---@param fds integer[]
---@param flags? integer
---@param address? lsock.address
---@return integer? sent
---@return string? errmsg
---@return integer? errno
function lsock.send_fds(s, buffers, fds, flags, address) end

---Receives at most `bufsize` bytes and `maxfds` descriptors:
---`data, fds, msg_flags, address...`. The descriptors are close-on-exec;
---any beyond `maxfds`, or in a cut control message, are closed.
---@param s lsock.socket
---@param bufsize integer
---@param maxfds integer
---@param flags? integer
---@return string? data
---@return integer[]|string fds_or_errmsg
---@return integer? msg_flags_or_errno
---@return string|integer|nil ... the sender's address
function lsock.recv_fds(s, bufsize, maxfds, flags) end

---`CMSG_LEN(n)`: the length of a control message with `n` data bytes.
---@param n integer
---@return integer
function lsock.CMSG_LEN(n) end

---`CMSG_SPACE(n)`: the room a control message with `n` data bytes takes.
---@param n integer
---@return integer
function lsock.CMSG_SPACE(n) end

---The port of a service: `getservbyname("http")` is 80. Failure:
---`nil, "service/proto not found", ENOENT`.
---@param name string
---@param proto? string `"tcp"`, `"udp"`
---@return integer? port
---@return string? errmsg
---@return integer? errno
function lsock.getservbyname(name, proto) end

---The service name of a port (0-65535).
---@param port integer
---@param proto? string
---@return string? name
---@return string? errmsg
---@return integer? errno
function lsock.getservbyport(port, proto) end

---The number of a protocol: `getprotobyname("tcp")` is 6.
---@param name string
---@return integer? proto
---@return string? errmsg
---@return integer? errno
function lsock.getprotobyname(name) end

---The host database's entry for an address (or a name, resolved first):
---`hostname, aliases, addresses`.
---@param ip string
---@return string? hostname
---@return string[]|string aliases_or_errmsg
---@return string[]|integer|nil addresses_or_code
function lsock.gethostbyaddr(ip) end

---The host database's IPv4 entry for a name: `hostname, aliases, addresses`.
---@param name string
---@return string? hostname
---@return string[]|string aliases_or_errmsg
---@return string[]|integer|nil addresses_or_code
function lsock.gethostbyname_ex(name) end

---A fully qualified name for `name` (default: this host), as Python's.
---@param name? string
---@return string
function lsock.getfqdn(name) end

---The network interfaces: a list of `{index, name}`.
---@return {[1]: integer, [2]: string}[]? list
---@return string? errmsg
---@return integer? errno
function lsock.if_nameindex() end

---The index of a network interface (for IPv6 scope ids, multicast).
---@param name string
---@return integer? index
---@return string? errmsg
---@return integer? errno
function lsock.if_nametoindex(name) end

---The name of a network interface.
---@param index integer
---@return string? name
---@return string? errmsg
---@return integer? errno
function lsock.if_indextoname(index) end

---Whether an IPv6 socket can also accept IPv4 connections.
---@return boolean
function lsock.has_dualstack_ipv6() end

---Tries every `getaddrinfo` result for `address` in order and returns the
---first connected socket.
---
---```lua
---local c = assert(lsock.create_connection({"localhost", 8080}, 5))
---```
---@param address {[1]: string, [2]: integer|string} `{host, port}`
---@param timeout? number seconds; `nil` uses the default timeout
---@param source_address? {[1]: string, [2]: integer} `{host, port}` to bind first
---@return lsock.socket? sock
---@return string? errmsg
---@return integer? errno
---@param options? {all_errors: boolean?} with `all_errors`, a failure's fourth
---value is the list of every attempt's `{message, errno, address}`
---@return {[1]: string, [2]: integer, [3]: lsock.address}[]? errors
function lsock.create_connection(address, timeout, source_address, options) end

---A bound, listening socket (`SO_REUSEADDR` set on POSIX).
---
---```lua
---local srv = assert(lsock.create_server({"127.0.0.1", 0}, {backlog = 16}))
---```
---@param address {[1]: string, [2]: integer} `{host, port}`
---@param opts? lsock.serveropts
---@return lsock.socket? sock
---@return string? errmsg
---@return integer? errno
function lsock.create_server(address, opts) end

---Python's `select.select`. Returns three new lists of the ready objects
---(three empty lists on timeout). `timeout` `nil` waits forever.
---
---```lua
---local r, w = lsock.select({srv, conn}, {}, nil, 1.0)
---```
---@param rlist lsock.selectable[]
---@param wlist lsock.selectable[]
---@param xlist? lsock.selectable[]
---@param timeout? number seconds
---@return lsock.selectable[]? readable
---@return lsock.selectable[]|string writable_or_errmsg
---@return lsock.selectable[]|integer exceptional_or_errno
function lsock.select(rlist, wlist, xlist, timeout) end

---Resolves `host` and `port` into a list of address records.
---
---```lua
---for _, ai in ipairs(assert(lsock.getaddrinfo("localhost", 80, nil, lsock.SOCK_STREAM))) do
---  print(ai.family, ai.addr[1], ai.addr[2])
---end
---```
---@param host string?
---@param port integer|string|nil a number or a service name
---@param family? integer default `AF_UNSPEC`
---@param type? integer default 0 (any)
---@param proto? integer default 0
---@param flags? integer `AI_*` flags, or-ed
---@return lsock.addrinfo[]? results
---@return string? errmsg
---@return integer? code an `lsock.EAI_*` code
function lsock.getaddrinfo(host, port, family, type, proto, flags) end

---The host and service names of an address.
---@param address {[1]: string, [2]: integer, [3]: integer?, [4]: integer?}
---@param flags integer `NI_*` flags, or-ed
---@return string? host
---@return string service_or_errmsg
---@return integer? code an `lsock.EAI_*` code
function lsock.getnameinfo(address, flags) end

---The machine's host name.
---@return string? name
---@return string? errmsg
---@return integer? errno
function lsock.gethostname() end

---The IPv4 address of `name`, as text.
---@param name string
---@return string? address
---@return string? errmsg
---@return integer? code
function lsock.gethostbyname(name) end

---Text address to packed bytes (4 bytes for AF_INET, 16 for AF_INET6).
---Invalid text is data: `nil, message, errno`.
---@param family integer
---@param text string
---@return string? packed
---@return string? errmsg
---@return integer? errno
function lsock.inet_pton(family, text) end

---Packed bytes to a text address; a `packed` of the wrong length raises.
---@param family integer
---@param packed string
---@return string? text
---@return string? errmsg
---@return integer? errno
function lsock.inet_ntop(family, packed) end

---16-bit host to network byte order.
---@param x integer
---@return integer
function lsock.htons(x) end

---16-bit network to host byte order.
---@param x integer
---@return integer
function lsock.ntohs(x) end

---32-bit host to network byte order.
---@param x integer
---@return integer
function lsock.htonl(x) end

---32-bit network to host byte order.
---@param x integer
---@return integer
function lsock.ntohl(x) end

---The timeout new sockets get (`nil`: blocking), per Lua state.
---@return number?
function lsock.getdefaulttimeout() end

---Sets the timeout new sockets get: `nil` blocking, `0` non-blocking,
---`t > 0` seconds.
---@param timeout lsock.timeout
---@return true
function lsock.setdefaulttimeout(timeout) end

---Seconds on the monotonic clock, the clock of every deadline (a float).
---@return number
function lsock.monotonic() end

---Installs a waiter for a foreign scheduler: inside any coroutine of this
---Lua state, a call that would wait calls `fn(fd, events, deadline)`
---instead and retries when it returns. `events` is `lsock.POLLIN` and/or
---`lsock.POLLOUT`; `deadline` is absolute on `lsock.monotonic()`'s clock,
---or `nil` for none. A wait on several descriptors (`select`, a poller
---without a descriptor of its own) passes a table `{[fd] = events}` as
---`fd` and `nil` as `events`; `lsock.sleep` passes `-1, 0, deadline`. The
---waiter may yield; the call runs again when the coroutine resumes (blocking
---sockets included, which then never block the thread). Tasks of an
---`lsock.loop` wait through their loop, not the waiter. `nil` removes the
---waiter. Outside coroutines calls wait as before.
---@param fn fun(fd: integer|table<integer, integer>, events: integer?, deadline: number?)?
---@return true
function lsock.setwaiter(fn) end

---A new loop of coroutine tasks. Inside a task every call that would wait
---(accept, connect, recv*, send*, sendall, sendfile, makefile reads and
---writes, `lsock.select`, `p:wait`, `lsock.sleep`, `task:join`, and name
---resolution, which runs on a thread of its own) suspends only that task.
---
---```lua
---local loop = lsock.loop()
---loop:spawn(function() local c = srv:accept() ... end)
---loop:run()            -- or loop:step(0) once per frame
---```
---@return lsock.loop? loop
---@return string? errmsg
---@return integer? errno
function lsock.loop() end

---The running task, or `nil` outside any task.
---@return lsock.task?
function lsock.current() end

---Inside a task (or a coroutine with a waiter) suspends it `t` seconds;
---`sleep(0)` lets the other ready tasks run first. Elsewhere sleeps the
---thread.
---@param t number seconds, >= 0
function lsock.sleep(t) end

---A new poller: a persistent set of descriptors kept by the kernel (epoll,
---kqueue, or poll).
---
---```lua
---local p = lsock.poller()
---p:register(srv, lsock.POLLIN)
---for obj, ev in p:wait(1.0) do ... end
---```
---@return lsock.poller? poller
---@return string? errmsg
---@return integer? errno
function lsock.poller() end

---A socket: Python's `socket.socket` in Lua's shapes.
---`tostring(s)` gives `<lsock.socket fd=3, family=AF_INET, ...>`; `__gc` and
---`__close` close it.
---@class lsock.socket
---@field family integer read-only: `AF_INET`, `AF_INET6` or `AF_UNIX`
---@field type integer read-only: `SOCK_STREAM`, `SOCK_DGRAM`, ...
---@field proto integer read-only
---@field timeout? number read-only: as `gettimeout()` (nil when blocking)
local socket = {}

---The descriptor; `-1` once closed.
---@return integer fd
function socket:fileno() end

---The local address as multiple values: `host, port` (AF_INET),
---`host, port, flowinfo, scope_id` (AF_INET6) or `path` (AF_UNIX).
---
---```lua
---local host, port = s:getsockname()
---```
---@return string? host_or_path
---@return integer|string|nil port_or_errmsg
---@return integer? flowinfo_or_errno
---@return integer? scope_id
function socket:getsockname() end

---The peer's address as multiple values (as `getsockname`).
---@return string? host_or_path
---@return integer|string|nil port_or_errmsg
---@return integer? flowinfo_or_errno
---@return integer? scope_id
function socket:getpeername() end

---Sets an option: an integer, a boolean, or a string of raw bytes
---(`string.pack`, as Python uses `struct.pack`).
---
---```lua
---s:setsockopt(lsock.SOL_SOCKET, lsock.SO_REUSEADDR, true)
---```
---@param level integer
---@param option integer
---@param value integer|boolean|string
---@return true? ok
---@return string? errmsg
---@return integer? errno
function socket:setsockopt(level, option, value) end

---Reads an option: an integer; with `buflen`, a string of at most
---`buflen` raw bytes.
---@param level integer
---@param option integer
---@param buflen? integer
---@return integer|string|nil value
---@return string? errmsg
---@return integer? errno
function socket:getsockopt(level, option, buflen) end

---Binds the socket to an address.
---
---```lua
---assert(s:bind("127.0.0.1", 0))
---```
---@param host string a name, `""`/`"*"` (any address) or a literal; a path for AF_UNIX
---@param port? integer
---@param flowinfo? integer AF_INET6 only
---@param scope_id? integer AF_INET6 only
---@return true? ok
---@return string? errmsg
---@return integer? errno
---@overload fun(self: lsock.socket, address: lsock.address): true?, string?, integer?
function socket:bind(host, port, flowinfo, scope_id) end

---Listens; default backlog `min(SOMAXCONN, 128)`; negative counts as 0.
---@param backlog? integer
---@return true? ok
---@return string? errmsg
---@return integer? errno
function socket:listen(backlog) end

---Accepts a connection: `conn, host, port...`. `conn` gets the default timeout.
---
---```lua
---local conn, host, port = srv:accept()
---```
---@return lsock.socket? conn
---@return string host_or_errmsg
---@return integer? port_or_errno
---@return integer? flowinfo
---@return integer? scope_id
function socket:accept() end

---Connects; honours the timeout. Non-blocking: `nil, msg, lsock.EINPROGRESS`.
---
---```lua
---assert(s:connect("127.0.0.1", port))
---```
---@param host string
---@param port? integer
---@param flowinfo? integer
---@param scope_id? integer
---@return true? ok
---@return string? errmsg
---@return integer? errno
---@overload fun(self: lsock.socket, address: lsock.address): true?, string?, integer?
function socket:connect(host, port, flowinfo, scope_id) end

---Connects and returns `0` or the errno (`lsock.ETIMEDOUT` on timeout);
---never `nil` for an OS failure.
---@param host string
---@param port? integer
---@param flowinfo? integer
---@param scope_id? integer
---@return integer errno
---@overload fun(self: lsock.socket, address: lsock.address): integer
function socket:connect_ex(host, port, flowinfo, scope_id) end

---Receives at most `bufsize` bytes; `""` at end of stream.
---
---```lua
---local data, err, code = conn:recv(4096)
---```
---@param bufsize integer
---@param flags? integer `MSG_*` flags
---@return string? data
---@return string? errmsg
---@return integer? errno
function socket:recv(bufsize, flags) end

---Receives a datagram: `data, host, port...`.
---
---```lua
---local data, host, port = udp:recvfrom(2048)
---```
---@param bufsize integer
---@param flags? integer
---@return string? data
---@return string host_or_errmsg
---@return integer? port_or_errno
---@return integer? flowinfo
---@return integer? scope_id
function socket:recvfrom(bufsize, flags) end

---Sends what it can and returns the count of bytes sent.
---@param data string|lsock.buffer
---@param flags? integer
---@return integer? sent
---@return string? errmsg
---@return integer? errno
function socket:send(data, flags) end

---Sends every byte; the timeout bounds the whole call. On failure, the
---fourth result is how many bytes were sent.
---@param data string|lsock.buffer
---@param flags? integer
---@return true? ok
---@return string? errmsg
---@return integer? errno
---@return integer? sent
function socket:sendall(data, flags) end

---Sends a datagram to an address.
---
---```lua
---udp:sendto("ping", "127.0.0.1", port)
---```
---@param data string|lsock.buffer
---@param host string
---@param port? integer
---@param flowinfo? integer
---@param scope_id? integer
---@return integer? sent
---@return string? errmsg
---@return integer? errno
---@overload fun(self: lsock.socket, data: string, address: lsock.address): integer?, string?, integer?
---@overload fun(self: lsock.socket, data: string, flags: integer, host: string, port?: integer, flowinfo?: integer, scope_id?: integer): integer?, string?, integer?
---@overload fun(self: lsock.socket, data: string, flags: integer, address: lsock.address): integer?, string?, integer?
function socket:sendto(data, host, port, flowinfo, scope_id) end

---Shuts down one or both halves: `lsock.SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`.
---@param how integer
---@return true? ok
---@return string? errmsg
---@return integer? errno
function socket:shutdown(how) end

---Closes the socket; idempotent. Files from `makefile` keep the
---descriptor open until they are closed too.
---@return true? ok
---@return string? errmsg
---@return integer? errno
function socket:close() end

---The descriptor; the object is then closed without closing it.
---@return integer fd
function socket:detach() end

---A new socket over a duplicate descriptor, with the same timeout.
---@return lsock.socket? sock
---@return string? errmsg
---@return integer? errno
function socket:dup() end

---Receives at most `nbytes` (absent or 0: `#buffer`) into `buffer` from
---byte 1, with one system call and no new string; returns the count.
---@param buffer lsock.buffer
---@param nbytes? integer
---@param flags? integer
---@return integer? count
---@return string? errmsg
---@return integer? errno
function socket:recv_into(buffer, nbytes, flags) end

---As `recv_into`, then the sender's address as values.
---@param buffer lsock.buffer
---@param nbytes? integer
---@param flags? integer
---@return integer? count
---@return string host_or_errmsg
---@return integer? port_or_errno
---@return integer? flowinfo
---@return integer? scope_id
function socket:recvfrom_into(buffer, nbytes, flags) end

---Receives one message: `data, ancdata, msg_flags, address...`; `ancdata`
---a list of `{level, type, data}`, `msg_flags` shows `MSG_TRUNC`/`MSG_CTRUNC`.
---@param bufsize integer
---@param ancbufsize? integer default 0
---@param flags? integer
---@return string? data
---@return {[1]: integer, [2]: integer, [3]: string}[]|string ancdata_or_errmsg
---@return integer? msg_flags_or_errno
---@return string|integer|nil ... the sender's address
function socket:recvmsg(bufsize, ancbufsize, flags) end

---As `recvmsg`, scattering the data over `buffers` in order:
---`nbytes, ancdata, msg_flags, address...`.
---@param buffers lsock.buffer[]
---@param ancbufsize? integer
---@param flags? integer
---@return integer? nbytes
---@return {[1]: integer, [2]: integer, [3]: string}[]|string ancdata_or_errmsg
---@return integer? msg_flags_or_errno
---@return string|integer|nil ... the sender's address
function socket:recvmsg_into(buffers, ancbufsize, flags) end

---Sends `buffers` (strings or buffers) gathered into one message, with
---ancillary items `{level, type, data}`, to `address` (one table or path)
---if given; returns the count.
---@param buffers (string|lsock.buffer)[]
---@param ancdata? {[1]: integer, [2]: integer, [3]: string|lsock.buffer}[]
---@param flags? integer
---@param address? lsock.address
---@return integer? sent
---@return string? errmsg
---@return integer? errno
function socket:sendmsg(buffers, ancdata, flags, address) end

---Sends a regular file (an `io` file or a descriptor) from `offset`
---(default 0), `count` bytes (default: to the end), with `sendfile(2)`
---where it can, else by reading and sending. The timeout bounds the whole
---call; an `io` file's position ends after what was sent. Failure:
---`nil, message, errno, sent`.
---@param file file*|integer
---@param offset? integer
---@param count? integer
---@return integer? sent
---@return string? errmsg
---@return integer? errno
---@return integer? sent_on_failure
function socket:sendfile(file, offset, count) end

---Whether a program this process executes inherits the descriptor
---(`false` by default: close-on-exec).
---@return boolean? inheritable
---@return string? errmsg
---@return integer? errno
function socket:get_inheritable() end

---Sets whether programs this process executes inherit the descriptor.
---@param flag boolean
---@return true? ok
---@return string? errmsg
---@return integer? errno
function socket:set_inheritable(flag) end

---Sets the mode: `nil` blocking, `0` non-blocking, `t > 0` seconds.
---@param timeout lsock.timeout
---@return true
function socket:settimeout(timeout) end

---The timeout: `nil` (blocking), `0` (non-blocking) or seconds.
---@return number?
function socket:gettimeout() end

---`setblocking(true)` is `settimeout(nil)`; `false` is `settimeout(0)`.
---@param flag boolean
---@return true
function socket:setblocking(flag) end

---`gettimeout() ~= 0`.
---@return boolean
function socket:getblocking() end

---A buffered file object shaped like Lua's `io` handles.
---
---```lua
---local f = conn:makefile("rw")
---for line in f:lines() do f:write(line, "\n"):flush() end
---```
---@param mode? lsock.filemode default `"r"`
---@param buffering? integer write buffer size (default 8192; 0 unbuffered; 1 line-buffered)
---@return lsock.file? file
---@return string? errmsg
---@return integer? errno
function socket:makefile(mode, buffering) end

---A buffered file over a socket, from `s:makefile()`; shaped like `io`'s.
---`tostring(f)` gives `lsock.file (0x...)` or `lsock.file (closed)`.
---@class lsock.file
local file = {}

---Reads by formats, as `io.read`: `"l"`, `"L"`, `"a"`, `"n"` or a byte
---count. A timeout returns `nil, "timeout", lsock.ETIMEDOUT` and keeps the
---bytes already received for the next read.
---
---```lua
---local line = f:read("l")
---```
---@param ... lsock.readformat
---@return string|number|nil ...
function file:read(...) end

---An iterator over reads with the given formats (default `"l"`).
---@param ... lsock.readformat
---@return fun(): string|number|nil
function file:lines(...) end

---Writes strings or numbers; returns the file.
---@param ... string|number|lsock.buffer
---@return lsock.file? file
---@return string? errmsg
---@return integer? errno
function file:write(...) end

---Sends the write buffer. On timeout, what could not be sent stays buffered.
---@return true? ok
---@return string? errmsg
---@return integer? errno
function file:flush() end

---Closes the file (the socket's descriptor closes once the socket and all
---its files are closed).
---@return true? ok
---@return string? errmsg
---@return integer? errno
function file:close() end

---Sets the write buffering, as `io`: `"no"`, `"full"` or `"line"`.
---@param mode lsock.vbufmode
---@param size? integer
---@return true? ok
---@return string? errmsg
---@return integer? errno
function file:setvbuf(mode, size) end

---The socket's descriptor.
---@return integer fd
function file:fileno() end

---A persistent set of watched descriptors, from `lsock.poller()`.
---`tostring(p)` gives `<lsock.poller backend=epoll, fd=3, count=0>`.
---@class lsock.poller
local poller = {}

---Watches `obj` for `events` (`lsock.POLLIN`, `lsock.POLLOUT` or both,
---or-ed); `data` is handed back by `wait`. Registering an fd twice raises.
---@param obj lsock.selectable
---@param events integer
---@param data? any
---@return true? ok
---@return string? errmsg
---@return integer? errno
function poller:register(obj, events, data) end

---Changes the events or data of a registered object.
---@param obj lsock.selectable
---@param events integer
---@param data? any
---@return true? ok
---@return string? errmsg
---@return integer? errno
function poller:modify(obj, events, data) end

---Forgets `obj`; unregister before closing it.
---@param obj lsock.selectable
---@return true? ok
---@return string? errmsg
---@return integer? errno
function poller:unregister(obj) end

---Waits and returns an iterator over the ready objects:
---`for obj, events, data in p:wait(1.0) do ... end`. Yields nothing on
---timeout; `events` may include `lsock.POLLERR` and `lsock.POLLHUP`.
---@param timeout? number seconds; `nil` waits forever
---@return fun(): lsock.selectable?, integer?, any
function poller:wait(timeout) end

---How many objects are registered.
---@return integer
function poller:count() end

---Closes the poller; idempotent.
---@return true? ok
function poller:close() end

---A loop of tasks (`lsock.loop()`). `tostring(l)` gives
---`lsock.loop (N tasks)`.
---@class lsock.loop
local loop = {}

---A task running `fn(...)` in a coroutine; it starts at the next `step`
---or `run`.
---@param fn function
---@param ... any
---@return lsock.task
function loop:spawn(fn, ...) end

---Runs every task that is ready, waiting at most `timeout` seconds
---(default 0: never waits) for one to become ready; returns the number of
---tasks not yet finished.
---@param timeout? number
---@return integer
function loop:step(timeout) end

---Steps until every task has finished; then raises the first failed
---task's error (with its traceback), if any.
---@return true
function loop:run() end

---The number of tasks not yet finished.
---@return integer
function loop:count() end

---Closes the loop's kernel set; its tasks are not resumed any more.
function loop:close() end

---A task of a loop (`loop:spawn`).
---@class lsock.task
local task = {}

---Whether the task has finished.
---@return boolean
function task:done() end

---`true, results...` or `false, error` once finished; raises before.
---@return boolean ok
---@return any ...
function task:result() end

---Waits for the task (inside another task: suspending only that one;
---outside: running the loop), then as `result()`; `nil, "timeout",
---ETIMEDOUT` when `timeout` passes first.
---@param timeout? number
---@return boolean? ok
---@return any ...
function task:join(timeout) end

---The task's current (or next) wait raises the error `"cancelled"`;
---nothing for a finished task.
function task:cancel() end

---Mutable bytes: `lsock.buffer(size)`, or a view sharing another
---buffer's bytes (which it keeps alive). `#b` is the size;
---`tostring(b)` gives `lsock.buffer (size=N)`.
---@class lsock.buffer
local buffer = {}

---A copy of bytes `i..j` as a string (`string.sub` rules; all by default).
---@param i? integer
---@param j? integer
---@return string
function buffer:tostring(i, j) end

---A buffer sharing bytes `i..j` of this one (`string.sub` rules).
---@param i integer
---@param j? integer
---@return lsock.buffer
function buffer:view(i, j) end

---Copies `data` into the buffer at byte `i`; raises if it does not fit.
---@param i integer
---@param data string|lsock.buffer
---@return lsock.buffer self
function buffer:put(i, data) end

return lsock
