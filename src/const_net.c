/*
** const_net.c — the rest of the constants of Python's socket module on
** Linux (protocol levels, options, message flags, address families and
** the Linux subsystems' groups: CAN, TIPC, netlink, packet, ALG, VSOCK),
** beyond the core ones of const.c. As there, each is compiled in only
** where the platform's headers define it, so a constant the system lacks
** is absent rather than a made-up number. The Linux headers below hold
** only numbers; no call to the system is made here.
*/
#if defined(__linux__)
#define _GNU_SOURCE /* EAI_ADDRFAMILY, EAI_NODATA, SCM_CREDENTIALS */
#endif

#include "private.h"

#if defined(__linux__)
#include <netinet/udp.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/can/bcm.h>
#include <linux/can/isotp.h>
#include <linux/can/j1939.h>
#include <linux/if_alg.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/tipc.h>
#include <linux/vm_sockets.h>
#include <net/ethernet.h>
#endif

typedef struct {
  const char *name;
  lua_Integer value;
} const_Entry;

static const const_Entry constants[] = {
#ifdef EAI_ADDRFAMILY
  {"EAI_ADDRFAMILY", EAI_ADDRFAMILY},
#endif
#ifdef EAI_NODATA
  {"EAI_NODATA", EAI_NODATA},
#endif
#ifdef AF_ALG
  {"AF_ALG", (lua_Integer)(AF_ALG)},
#endif
#ifdef AF_APPLETALK
  {"AF_APPLETALK", (lua_Integer)(AF_APPLETALK)},
#endif
#ifdef AF_ASH
  {"AF_ASH", (lua_Integer)(AF_ASH)},
#endif
#ifdef AF_ATMPVC
  {"AF_ATMPVC", (lua_Integer)(AF_ATMPVC)},
#endif
#ifdef AF_ATMSVC
  {"AF_ATMSVC", (lua_Integer)(AF_ATMSVC)},
#endif
#ifdef AF_AX25
  {"AF_AX25", (lua_Integer)(AF_AX25)},
#endif
#ifdef AF_BLUETOOTH
  {"AF_BLUETOOTH", (lua_Integer)(AF_BLUETOOTH)},
#endif
#ifdef AF_BRIDGE
  {"AF_BRIDGE", (lua_Integer)(AF_BRIDGE)},
#endif
#ifdef AF_CAN
  {"AF_CAN", (lua_Integer)(AF_CAN)},
#endif
#ifdef AF_ECONET
  {"AF_ECONET", (lua_Integer)(AF_ECONET)},
#endif
#ifdef AF_IPX
  {"AF_IPX", (lua_Integer)(AF_IPX)},
#endif
#ifdef AF_IRDA
  {"AF_IRDA", (lua_Integer)(AF_IRDA)},
#endif
#ifdef AF_KEY
  {"AF_KEY", (lua_Integer)(AF_KEY)},
#endif
#ifdef AF_LLC
  {"AF_LLC", (lua_Integer)(AF_LLC)},
#endif
#ifdef AF_NETBEUI
  {"AF_NETBEUI", (lua_Integer)(AF_NETBEUI)},
#endif
#ifdef AF_NETLINK
  {"AF_NETLINK", (lua_Integer)(AF_NETLINK)},
#endif
#ifdef AF_NETROM
  {"AF_NETROM", (lua_Integer)(AF_NETROM)},
#endif
#ifdef AF_PACKET
  {"AF_PACKET", (lua_Integer)(AF_PACKET)},
#endif
#ifdef AF_PPPOX
  {"AF_PPPOX", (lua_Integer)(AF_PPPOX)},
#endif
#ifdef AF_QIPCRTR
  {"AF_QIPCRTR", (lua_Integer)(AF_QIPCRTR)},
#endif
#ifdef AF_RDS
  {"AF_RDS", (lua_Integer)(AF_RDS)},
#endif
#ifdef AF_ROSE
  {"AF_ROSE", (lua_Integer)(AF_ROSE)},
#endif
#ifdef AF_ROUTE
  {"AF_ROUTE", (lua_Integer)(AF_ROUTE)},
#endif
#ifdef AF_SECURITY
  {"AF_SECURITY", (lua_Integer)(AF_SECURITY)},
#endif
#ifdef AF_SNA
  {"AF_SNA", (lua_Integer)(AF_SNA)},
#endif
#ifdef AF_TIPC
  {"AF_TIPC", (lua_Integer)(AF_TIPC)},
#endif
#ifdef AF_VSOCK
  {"AF_VSOCK", (lua_Integer)(AF_VSOCK)},
#endif
#ifdef AF_WANPIPE
  {"AF_WANPIPE", (lua_Integer)(AF_WANPIPE)},
#endif
#ifdef AF_X25
  {"AF_X25", (lua_Integer)(AF_X25)},
#endif
#ifdef ALG_OP_DECRYPT
  {"ALG_OP_DECRYPT", (lua_Integer)(ALG_OP_DECRYPT)},
#endif
#ifdef ALG_OP_ENCRYPT
  {"ALG_OP_ENCRYPT", (lua_Integer)(ALG_OP_ENCRYPT)},
#endif
#ifdef ALG_OP_SIGN
  {"ALG_OP_SIGN", (lua_Integer)(ALG_OP_SIGN)},
#endif
#ifdef ALG_OP_VERIFY
  {"ALG_OP_VERIFY", (lua_Integer)(ALG_OP_VERIFY)},
#endif
#ifdef ALG_SET_AEAD_ASSOCLEN
  {"ALG_SET_AEAD_ASSOCLEN", (lua_Integer)(ALG_SET_AEAD_ASSOCLEN)},
#endif
#ifdef ALG_SET_AEAD_AUTHSIZE
  {"ALG_SET_AEAD_AUTHSIZE", (lua_Integer)(ALG_SET_AEAD_AUTHSIZE)},
#endif
#ifdef ALG_SET_IV
  {"ALG_SET_IV", (lua_Integer)(ALG_SET_IV)},
#endif
#ifdef ALG_SET_KEY
  {"ALG_SET_KEY", (lua_Integer)(ALG_SET_KEY)},
#endif
#ifdef ALG_SET_OP
  {"ALG_SET_OP", (lua_Integer)(ALG_SET_OP)},
#endif
#ifdef ALG_SET_PUBKEY
  {"ALG_SET_PUBKEY", (lua_Integer)(ALG_SET_PUBKEY)},
#endif
#ifdef CAN_BCM
  {"CAN_BCM", (lua_Integer)(CAN_BCM)},
#endif
#ifdef CAN_BCM_CAN_FD_FRAME
  {"CAN_BCM_CAN_FD_FRAME", (lua_Integer)(CAN_BCM_CAN_FD_FRAME)},
#endif
#ifdef CAN_BCM_RX_ANNOUNCE_RESUME
  {"CAN_BCM_RX_ANNOUNCE_RESUME", (lua_Integer)(CAN_BCM_RX_ANNOUNCE_RESUME)},
#endif
#ifdef CAN_BCM_RX_CHANGED
  {"CAN_BCM_RX_CHANGED", (lua_Integer)(CAN_BCM_RX_CHANGED)},
#endif
#ifdef CAN_BCM_RX_CHECK_DLC
  {"CAN_BCM_RX_CHECK_DLC", (lua_Integer)(CAN_BCM_RX_CHECK_DLC)},
#endif
#ifdef CAN_BCM_RX_DELETE
  {"CAN_BCM_RX_DELETE", (lua_Integer)(CAN_BCM_RX_DELETE)},
#endif
#ifdef CAN_BCM_RX_FILTER_ID
  {"CAN_BCM_RX_FILTER_ID", (lua_Integer)(CAN_BCM_RX_FILTER_ID)},
#endif
#ifdef CAN_BCM_RX_NO_AUTOTIMER
  {"CAN_BCM_RX_NO_AUTOTIMER", (lua_Integer)(CAN_BCM_RX_NO_AUTOTIMER)},
#endif
#ifdef CAN_BCM_RX_READ
  {"CAN_BCM_RX_READ", (lua_Integer)(CAN_BCM_RX_READ)},
#endif
#ifdef CAN_BCM_RX_RTR_FRAME
  {"CAN_BCM_RX_RTR_FRAME", (lua_Integer)(CAN_BCM_RX_RTR_FRAME)},
#endif
#ifdef CAN_BCM_RX_SETUP
  {"CAN_BCM_RX_SETUP", (lua_Integer)(CAN_BCM_RX_SETUP)},
#endif
#ifdef CAN_BCM_RX_STATUS
  {"CAN_BCM_RX_STATUS", (lua_Integer)(CAN_BCM_RX_STATUS)},
#endif
#ifdef CAN_BCM_RX_TIMEOUT
  {"CAN_BCM_RX_TIMEOUT", (lua_Integer)(CAN_BCM_RX_TIMEOUT)},
#endif
#ifdef CAN_BCM_SETTIMER
  {"CAN_BCM_SETTIMER", (lua_Integer)(CAN_BCM_SETTIMER)},
#endif
#ifdef CAN_BCM_STARTTIMER
  {"CAN_BCM_STARTTIMER", (lua_Integer)(CAN_BCM_STARTTIMER)},
#endif
#ifdef CAN_BCM_TX_ANNOUNCE
  {"CAN_BCM_TX_ANNOUNCE", (lua_Integer)(CAN_BCM_TX_ANNOUNCE)},
#endif
#ifdef CAN_BCM_TX_COUNTEVT
  {"CAN_BCM_TX_COUNTEVT", (lua_Integer)(CAN_BCM_TX_COUNTEVT)},
#endif
#ifdef CAN_BCM_TX_CP_CAN_ID
  {"CAN_BCM_TX_CP_CAN_ID", (lua_Integer)(CAN_BCM_TX_CP_CAN_ID)},
#endif
#ifdef CAN_BCM_TX_DELETE
  {"CAN_BCM_TX_DELETE", (lua_Integer)(CAN_BCM_TX_DELETE)},
#endif
#ifdef CAN_BCM_TX_EXPIRED
  {"CAN_BCM_TX_EXPIRED", (lua_Integer)(CAN_BCM_TX_EXPIRED)},
#endif
#ifdef CAN_BCM_TX_READ
  {"CAN_BCM_TX_READ", (lua_Integer)(CAN_BCM_TX_READ)},
#endif
#ifdef CAN_BCM_TX_RESET_MULTI_IDX
  {"CAN_BCM_TX_RESET_MULTI_IDX", (lua_Integer)(CAN_BCM_TX_RESET_MULTI_IDX)},
#endif
#ifdef CAN_BCM_TX_SEND
  {"CAN_BCM_TX_SEND", (lua_Integer)(CAN_BCM_TX_SEND)},
#endif
#ifdef CAN_BCM_TX_SETUP
  {"CAN_BCM_TX_SETUP", (lua_Integer)(CAN_BCM_TX_SETUP)},
#endif
#ifdef CAN_BCM_TX_STATUS
  {"CAN_BCM_TX_STATUS", (lua_Integer)(CAN_BCM_TX_STATUS)},
#endif
#ifdef CAN_EFF_FLAG
  {"CAN_EFF_FLAG", (lua_Integer)(CAN_EFF_FLAG)},
#endif
#ifdef CAN_EFF_MASK
  {"CAN_EFF_MASK", (lua_Integer)(CAN_EFF_MASK)},
#endif
#ifdef CAN_ERR_FLAG
  {"CAN_ERR_FLAG", (lua_Integer)(CAN_ERR_FLAG)},
#endif
#ifdef CAN_ERR_MASK
  {"CAN_ERR_MASK", (lua_Integer)(CAN_ERR_MASK)},
#endif
#ifdef CAN_ISOTP
  {"CAN_ISOTP", (lua_Integer)(CAN_ISOTP)},
#endif
#ifdef CAN_J1939
  {"CAN_J1939", (lua_Integer)(CAN_J1939)},
#endif
#ifdef CAN_RAW
  {"CAN_RAW", (lua_Integer)(CAN_RAW)},
#endif
#ifdef CAN_RAW_FD_FRAMES
  {"CAN_RAW_FD_FRAMES", (lua_Integer)(CAN_RAW_FD_FRAMES)},
#endif
#ifdef CAN_RAW_FILTER
  {"CAN_RAW_FILTER", (lua_Integer)(CAN_RAW_FILTER)},
#endif
#ifdef CAN_RAW_JOIN_FILTERS
  {"CAN_RAW_JOIN_FILTERS", (lua_Integer)(CAN_RAW_JOIN_FILTERS)},
#endif
#ifdef CAN_RAW_LOOPBACK
  {"CAN_RAW_LOOPBACK", (lua_Integer)(CAN_RAW_LOOPBACK)},
#endif
#ifdef CAN_RAW_RECV_OWN_MSGS
  {"CAN_RAW_RECV_OWN_MSGS", (lua_Integer)(CAN_RAW_RECV_OWN_MSGS)},
#endif
#ifdef CAN_RTR_FLAG
  {"CAN_RTR_FLAG", (lua_Integer)(CAN_RTR_FLAG)},
#endif
#ifdef CAN_SFF_MASK
  {"CAN_SFF_MASK", (lua_Integer)(CAN_SFF_MASK)},
#endif
#ifdef ETH_P_ALL
  {"ETH_P_ALL", (lua_Integer)(ETH_P_ALL)},
#endif
#ifdef INADDR_ALLHOSTS_GROUP
  {"INADDR_ALLHOSTS_GROUP", (lua_Integer)(INADDR_ALLHOSTS_GROUP)},
#endif
#ifdef INADDR_MAX_LOCAL_GROUP
  {"INADDR_MAX_LOCAL_GROUP", (lua_Integer)(INADDR_MAX_LOCAL_GROUP)},
#endif
#ifdef INADDR_UNSPEC_GROUP
  {"INADDR_UNSPEC_GROUP", (lua_Integer)(INADDR_UNSPEC_GROUP)},
#endif
#ifdef IPPORT_RESERVED
  {"IPPORT_RESERVED", (lua_Integer)(IPPORT_RESERVED)},
#endif
#ifdef IPPORT_USERRESERVED
  {"IPPORT_USERRESERVED", (lua_Integer)(IPPORT_USERRESERVED)},
#endif
#ifdef IPPROTO_AH
  {"IPPROTO_AH", (lua_Integer)(IPPROTO_AH)},
#endif
#ifdef IPPROTO_BEETPH
  {"IPPROTO_BEETPH", (lua_Integer)(IPPROTO_BEETPH)},
#endif
#ifdef IPPROTO_COMP
  {"IPPROTO_COMP", (lua_Integer)(IPPROTO_COMP)},
#endif
#ifdef IPPROTO_DSTOPTS
  {"IPPROTO_DSTOPTS", (lua_Integer)(IPPROTO_DSTOPTS)},
#endif
#ifdef IPPROTO_EGP
  {"IPPROTO_EGP", (lua_Integer)(IPPROTO_EGP)},
#endif
#ifdef IPPROTO_ESP
  {"IPPROTO_ESP", (lua_Integer)(IPPROTO_ESP)},
#endif
#ifdef IPPROTO_ETHERNET
  {"IPPROTO_ETHERNET", (lua_Integer)(IPPROTO_ETHERNET)},
#endif
#ifdef IPPROTO_FRAGMENT
  {"IPPROTO_FRAGMENT", (lua_Integer)(IPPROTO_FRAGMENT)},
#endif
#ifdef IPPROTO_GRE
  {"IPPROTO_GRE", (lua_Integer)(IPPROTO_GRE)},
#endif
#ifdef IPPROTO_HOPOPTS
  {"IPPROTO_HOPOPTS", (lua_Integer)(IPPROTO_HOPOPTS)},
#endif
#ifdef IPPROTO_IDP
  {"IPPROTO_IDP", (lua_Integer)(IPPROTO_IDP)},
#endif
#ifdef IPPROTO_IGMP
  {"IPPROTO_IGMP", (lua_Integer)(IPPROTO_IGMP)},
#endif
#ifdef IPPROTO_IPIP
  {"IPPROTO_IPIP", (lua_Integer)(IPPROTO_IPIP)},
#endif
#ifdef IPPROTO_L2TP
  {"IPPROTO_L2TP", (lua_Integer)(IPPROTO_L2TP)},
#endif
#ifdef IPPROTO_MH
  {"IPPROTO_MH", (lua_Integer)(IPPROTO_MH)},
#endif
#ifdef IPPROTO_MPLS
  {"IPPROTO_MPLS", (lua_Integer)(IPPROTO_MPLS)},
#endif
#ifdef IPPROTO_MPTCP
  {"IPPROTO_MPTCP", (lua_Integer)(IPPROTO_MPTCP)},
#endif
#ifdef IPPROTO_NONE
  {"IPPROTO_NONE", (lua_Integer)(IPPROTO_NONE)},
#endif
#ifdef IPPROTO_PIM
  {"IPPROTO_PIM", (lua_Integer)(IPPROTO_PIM)},
#endif
#ifdef IPPROTO_PUP
  {"IPPROTO_PUP", (lua_Integer)(IPPROTO_PUP)},
#endif
#ifdef IPPROTO_ROUTING
  {"IPPROTO_ROUTING", (lua_Integer)(IPPROTO_ROUTING)},
#endif
#ifdef IPPROTO_RSVP
  {"IPPROTO_RSVP", (lua_Integer)(IPPROTO_RSVP)},
#endif
#ifdef IPPROTO_SCTP
  {"IPPROTO_SCTP", (lua_Integer)(IPPROTO_SCTP)},
#endif
#ifdef IPPROTO_TP
  {"IPPROTO_TP", (lua_Integer)(IPPROTO_TP)},
#endif
#ifdef IPPROTO_UDPLITE
  {"IPPROTO_UDPLITE", (lua_Integer)(IPPROTO_UDPLITE)},
#endif
#ifdef IPV6_ADDRFORM
  {"IPV6_ADDRFORM", (lua_Integer)(IPV6_ADDRFORM)},
#endif
#ifdef IPV6_CHECKSUM
  {"IPV6_CHECKSUM", (lua_Integer)(IPV6_CHECKSUM)},
#endif
#ifdef IPV6_DONTFRAG
  {"IPV6_DONTFRAG", (lua_Integer)(IPV6_DONTFRAG)},
#endif
#ifdef IPV6_DSTOPTS
  {"IPV6_DSTOPTS", (lua_Integer)(IPV6_DSTOPTS)},
#endif
#ifdef IPV6_FREEBIND
  {"IPV6_FREEBIND", (lua_Integer)(IPV6_FREEBIND)},
#endif
#ifdef IPV6_HOPLIMIT
  {"IPV6_HOPLIMIT", (lua_Integer)(IPV6_HOPLIMIT)},
#endif
#ifdef IPV6_HOPOPTS
  {"IPV6_HOPOPTS", (lua_Integer)(IPV6_HOPOPTS)},
#endif
#ifdef IPV6_MTU
  {"IPV6_MTU", (lua_Integer)(IPV6_MTU)},
#endif
#ifdef IPV6_MTU_DISCOVER
  {"IPV6_MTU_DISCOVER", (lua_Integer)(IPV6_MTU_DISCOVER)},
#endif
#ifdef IPV6_NEXTHOP
  {"IPV6_NEXTHOP", (lua_Integer)(IPV6_NEXTHOP)},
#endif
#ifdef IPV6_PATHMTU
  {"IPV6_PATHMTU", (lua_Integer)(IPV6_PATHMTU)},
#endif
#ifdef IPV6_PKTINFO
  {"IPV6_PKTINFO", (lua_Integer)(IPV6_PKTINFO)},
#endif
#ifdef IPV6_RECVDSTOPTS
  {"IPV6_RECVDSTOPTS", (lua_Integer)(IPV6_RECVDSTOPTS)},
#endif
#ifdef IPV6_RECVERR
  {"IPV6_RECVERR", (lua_Integer)(IPV6_RECVERR)},
#endif
#ifdef IPV6_RECVHOPLIMIT
  {"IPV6_RECVHOPLIMIT", (lua_Integer)(IPV6_RECVHOPLIMIT)},
#endif
#ifdef IPV6_RECVHOPOPTS
  {"IPV6_RECVHOPOPTS", (lua_Integer)(IPV6_RECVHOPOPTS)},
#endif
#ifdef IPV6_RECVORIGDSTADDR
  {"IPV6_RECVORIGDSTADDR", (lua_Integer)(IPV6_RECVORIGDSTADDR)},
#endif
#ifdef IPV6_RECVPATHMTU
  {"IPV6_RECVPATHMTU", (lua_Integer)(IPV6_RECVPATHMTU)},
#endif
#ifdef IPV6_RECVPKTINFO
  {"IPV6_RECVPKTINFO", (lua_Integer)(IPV6_RECVPKTINFO)},
#endif
#ifdef IPV6_RECVRTHDR
  {"IPV6_RECVRTHDR", (lua_Integer)(IPV6_RECVRTHDR)},
#endif
#ifdef IPV6_RECVTCLASS
  {"IPV6_RECVTCLASS", (lua_Integer)(IPV6_RECVTCLASS)},
#endif
#ifdef IPV6_RTHDR
  {"IPV6_RTHDR", (lua_Integer)(IPV6_RTHDR)},
#endif
#ifdef IPV6_RTHDRDSTOPTS
  {"IPV6_RTHDRDSTOPTS", (lua_Integer)(IPV6_RTHDRDSTOPTS)},
#endif
#ifdef IPV6_RTHDR_TYPE_0
  {"IPV6_RTHDR_TYPE_0", (lua_Integer)(IPV6_RTHDR_TYPE_0)},
#endif
#ifdef IPV6_TCLASS
  {"IPV6_TCLASS", (lua_Integer)(IPV6_TCLASS)},
#endif
#ifdef IPV6_TRANSPARENT
  {"IPV6_TRANSPARENT", (lua_Integer)(IPV6_TRANSPARENT)},
#endif
#ifdef IP_ADD_SOURCE_MEMBERSHIP
  {"IP_ADD_SOURCE_MEMBERSHIP", (lua_Integer)(IP_ADD_SOURCE_MEMBERSHIP)},
#endif
#ifdef IP_BIND_ADDRESS_NO_PORT
  {"IP_BIND_ADDRESS_NO_PORT", (lua_Integer)(IP_BIND_ADDRESS_NO_PORT)},
#endif
#ifdef IP_BLOCK_SOURCE
  {"IP_BLOCK_SOURCE", (lua_Integer)(IP_BLOCK_SOURCE)},
#endif
#ifdef IP_CHECKSUM
  {"IP_CHECKSUM", (lua_Integer)(IP_CHECKSUM)},
#endif
#ifdef IP_DEFAULT_MULTICAST_LOOP
  {"IP_DEFAULT_MULTICAST_LOOP", (lua_Integer)(IP_DEFAULT_MULTICAST_LOOP)},
#endif
#ifdef IP_DEFAULT_MULTICAST_TTL
  {"IP_DEFAULT_MULTICAST_TTL", (lua_Integer)(IP_DEFAULT_MULTICAST_TTL)},
#endif
#ifdef IP_DROP_SOURCE_MEMBERSHIP
  {"IP_DROP_SOURCE_MEMBERSHIP", (lua_Integer)(IP_DROP_SOURCE_MEMBERSHIP)},
#endif
#ifdef IP_FREEBIND
  {"IP_FREEBIND", (lua_Integer)(IP_FREEBIND)},
#endif
#ifdef IP_MAX_MEMBERSHIPS
  {"IP_MAX_MEMBERSHIPS", (lua_Integer)(IP_MAX_MEMBERSHIPS)},
#endif
#ifdef IP_MTU
  {"IP_MTU", (lua_Integer)(IP_MTU)},
#endif
#ifdef IP_MTU_DISCOVER
  {"IP_MTU_DISCOVER", (lua_Integer)(IP_MTU_DISCOVER)},
#endif
#ifdef IP_MULTICAST_ALL
  {"IP_MULTICAST_ALL", (lua_Integer)(IP_MULTICAST_ALL)},
#endif
#ifdef IP_OPTIONS
  {"IP_OPTIONS", (lua_Integer)(IP_OPTIONS)},
#endif
#ifdef IP_PASSSEC
  {"IP_PASSSEC", (lua_Integer)(IP_PASSSEC)},
#endif
#ifdef IP_PKTINFO
  {"IP_PKTINFO", (lua_Integer)(IP_PKTINFO)},
#endif
#ifdef IP_PMTUDISC_DO
  {"IP_PMTUDISC_DO", (lua_Integer)(IP_PMTUDISC_DO)},
#endif
#ifdef IP_PMTUDISC_DONT
  {"IP_PMTUDISC_DONT", (lua_Integer)(IP_PMTUDISC_DONT)},
#endif
#ifdef IP_PMTUDISC_PROBE
  {"IP_PMTUDISC_PROBE", (lua_Integer)(IP_PMTUDISC_PROBE)},
#endif
#ifdef IP_PMTUDISC_WANT
  {"IP_PMTUDISC_WANT", (lua_Integer)(IP_PMTUDISC_WANT)},
#endif
#ifdef IP_RECVERR
  {"IP_RECVERR", (lua_Integer)(IP_RECVERR)},
#endif
#ifdef IP_RECVOPTS
  {"IP_RECVOPTS", (lua_Integer)(IP_RECVOPTS)},
#endif
#ifdef IP_RECVORIGDSTADDR
  {"IP_RECVORIGDSTADDR", (lua_Integer)(IP_RECVORIGDSTADDR)},
#endif
#ifdef IP_RECVRETOPTS
  {"IP_RECVRETOPTS", (lua_Integer)(IP_RECVRETOPTS)},
#endif
#ifdef IP_RECVTOS
  {"IP_RECVTOS", (lua_Integer)(IP_RECVTOS)},
#endif
#ifdef IP_RETOPTS
  {"IP_RETOPTS", (lua_Integer)(IP_RETOPTS)},
#endif
#ifdef IP_ROUTER_ALERT
  {"IP_ROUTER_ALERT", (lua_Integer)(IP_ROUTER_ALERT)},
#endif
#ifdef IP_TRANSPARENT
  {"IP_TRANSPARENT", (lua_Integer)(IP_TRANSPARENT)},
#endif
#ifdef IP_UNBLOCK_SOURCE
  {"IP_UNBLOCK_SOURCE", (lua_Integer)(IP_UNBLOCK_SOURCE)},
#endif
#ifdef IP_UNICAST_IF
  {"IP_UNICAST_IF", (lua_Integer)(IP_UNICAST_IF)},
#endif
#ifdef J1939_EE_INFO_NONE
  {"J1939_EE_INFO_NONE", (lua_Integer)(J1939_EE_INFO_NONE)},
#endif
#ifdef J1939_EE_INFO_TX_ABORT
  {"J1939_EE_INFO_TX_ABORT", (lua_Integer)(J1939_EE_INFO_TX_ABORT)},
#endif
#ifdef J1939_FILTER_MAX
  {"J1939_FILTER_MAX", (lua_Integer)(J1939_FILTER_MAX)},
#endif
#ifdef J1939_IDLE_ADDR
  {"J1939_IDLE_ADDR", (lua_Integer)(J1939_IDLE_ADDR)},
#endif
#ifdef J1939_MAX_UNICAST_ADDR
  {"J1939_MAX_UNICAST_ADDR", (lua_Integer)(J1939_MAX_UNICAST_ADDR)},
#endif
#ifdef J1939_NLA_BYTES_ACKED
  {"J1939_NLA_BYTES_ACKED", (lua_Integer)(J1939_NLA_BYTES_ACKED)},
#endif
#ifdef J1939_NLA_PAD
  {"J1939_NLA_PAD", (lua_Integer)(J1939_NLA_PAD)},
#endif
#ifdef J1939_NO_ADDR
  {"J1939_NO_ADDR", (lua_Integer)(J1939_NO_ADDR)},
#endif
#ifdef J1939_NO_NAME
  {"J1939_NO_NAME", (lua_Integer)(J1939_NO_NAME)},
#endif
#ifdef J1939_NO_PGN
  {"J1939_NO_PGN", (lua_Integer)(J1939_NO_PGN)},
#endif
#ifdef J1939_PGN_ADDRESS_CLAIMED
  {"J1939_PGN_ADDRESS_CLAIMED", (lua_Integer)(J1939_PGN_ADDRESS_CLAIMED)},
#endif
#ifdef J1939_PGN_ADDRESS_COMMANDED
  {"J1939_PGN_ADDRESS_COMMANDED", (lua_Integer)(J1939_PGN_ADDRESS_COMMANDED)},
#endif
#ifdef J1939_PGN_MAX
  {"J1939_PGN_MAX", (lua_Integer)(J1939_PGN_MAX)},
#endif
#ifdef J1939_PGN_PDU1_MAX
  {"J1939_PGN_PDU1_MAX", (lua_Integer)(J1939_PGN_PDU1_MAX)},
#endif
#ifdef J1939_PGN_REQUEST
  {"J1939_PGN_REQUEST", (lua_Integer)(J1939_PGN_REQUEST)},
#endif
#ifdef MSG_CMSG_CLOEXEC
  {"MSG_CMSG_CLOEXEC", (lua_Integer)(MSG_CMSG_CLOEXEC)},
#endif
#ifdef MSG_CONFIRM
  {"MSG_CONFIRM", (lua_Integer)(MSG_CONFIRM)},
#endif
#ifdef MSG_ERRQUEUE
  {"MSG_ERRQUEUE", (lua_Integer)(MSG_ERRQUEUE)},
#endif
#ifdef MSG_FASTOPEN
  {"MSG_FASTOPEN", (lua_Integer)(MSG_FASTOPEN)},
#endif
#ifdef MSG_MORE
  {"MSG_MORE", (lua_Integer)(MSG_MORE)},
#endif
#ifdef MSG_ZEROCOPY
  {"MSG_ZEROCOPY", (lua_Integer)(MSG_ZEROCOPY)},
#endif
#ifdef NETLINK_CRYPTO
  {"NETLINK_CRYPTO", (lua_Integer)(NETLINK_CRYPTO)},
#endif
#ifdef NETLINK_DNRTMSG
  {"NETLINK_DNRTMSG", (lua_Integer)(NETLINK_DNRTMSG)},
#endif
#ifdef NETLINK_FIREWALL
  {"NETLINK_FIREWALL", (lua_Integer)(NETLINK_FIREWALL)},
#endif
#ifdef NETLINK_IP6_FW
  {"NETLINK_IP6_FW", (lua_Integer)(NETLINK_IP6_FW)},
#endif
#ifdef NETLINK_NFLOG
  {"NETLINK_NFLOG", (lua_Integer)(NETLINK_NFLOG)},
#endif
#ifdef NETLINK_ROUTE
  {"NETLINK_ROUTE", (lua_Integer)(NETLINK_ROUTE)},
#endif
#ifdef NETLINK_USERSOCK
  {"NETLINK_USERSOCK", (lua_Integer)(NETLINK_USERSOCK)},
#endif
#ifdef NETLINK_XFRM
  {"NETLINK_XFRM", (lua_Integer)(NETLINK_XFRM)},
#endif
#ifdef PACKET_BROADCAST
  {"PACKET_BROADCAST", (lua_Integer)(PACKET_BROADCAST)},
#endif
#ifdef PACKET_FASTROUTE
  {"PACKET_FASTROUTE", (lua_Integer)(PACKET_FASTROUTE)},
#endif
#ifdef PACKET_HOST
  {"PACKET_HOST", (lua_Integer)(PACKET_HOST)},
#endif
#ifdef PACKET_LOOPBACK
  {"PACKET_LOOPBACK", (lua_Integer)(PACKET_LOOPBACK)},
#endif
#ifdef PACKET_MULTICAST
  {"PACKET_MULTICAST", (lua_Integer)(PACKET_MULTICAST)},
#endif
#ifdef PACKET_OTHERHOST
  {"PACKET_OTHERHOST", (lua_Integer)(PACKET_OTHERHOST)},
#endif
#ifdef PACKET_OUTGOING
  {"PACKET_OUTGOING", (lua_Integer)(PACKET_OUTGOING)},
#endif
#ifdef PF_CAN
  {"PF_CAN", (lua_Integer)(PF_CAN)},
#endif
#ifdef PF_PACKET
  {"PF_PACKET", (lua_Integer)(PF_PACKET)},
#endif
#ifdef PF_RDS
  {"PF_RDS", (lua_Integer)(PF_RDS)},
#endif
#ifdef SCM_CREDENTIALS
  {"SCM_CREDENTIALS", (lua_Integer)(SCM_CREDENTIALS)},
#endif
#ifdef SCM_J1939_DEST_ADDR
  {"SCM_J1939_DEST_ADDR", (lua_Integer)(SCM_J1939_DEST_ADDR)},
#endif
#ifdef SCM_J1939_DEST_NAME
  {"SCM_J1939_DEST_NAME", (lua_Integer)(SCM_J1939_DEST_NAME)},
#endif
#ifdef SCM_J1939_ERRQUEUE
  {"SCM_J1939_ERRQUEUE", (lua_Integer)(SCM_J1939_ERRQUEUE)},
#endif
#ifdef SCM_J1939_PRIO
  {"SCM_J1939_PRIO", (lua_Integer)(SCM_J1939_PRIO)},
#endif
#ifdef SCM_RIGHTS
  {"SCM_RIGHTS", (lua_Integer)(SCM_RIGHTS)},
#endif
#ifdef SCM_TIMESTAMP
  {"SCM_TIMESTAMP", (lua_Integer)(SCM_TIMESTAMP)},
#endif
#ifdef SCM_TIMESTAMPNS
  {"SCM_TIMESTAMPNS", (lua_Integer)(SCM_TIMESTAMPNS)},
#endif
#ifdef SOCK_CLOEXEC
  {"SOCK_CLOEXEC", (lua_Integer)(SOCK_CLOEXEC)},
#endif
#ifdef SOCK_NONBLOCK
  {"SOCK_NONBLOCK", (lua_Integer)(SOCK_NONBLOCK)},
#endif
#ifdef SOCK_PACKET
  {"SOCK_PACKET", (lua_Integer)(SOCK_PACKET)},
#endif
#ifdef SOCK_RDM
  {"SOCK_RDM", (lua_Integer)(SOCK_RDM)},
#endif
#ifdef SOL_ALG
  {"SOL_ALG", (lua_Integer)(SOL_ALG)},
#endif
#ifdef SOL_CAN_BASE
  {"SOL_CAN_BASE", (lua_Integer)(SOL_CAN_BASE)},
#endif
#ifdef SOL_CAN_RAW
  {"SOL_CAN_RAW", (lua_Integer)(SOL_CAN_RAW)},
#endif
#ifdef SOL_IP
  {"SOL_IP", (lua_Integer)(SOL_IP)},
#endif
#ifdef SOL_IPV6
  {"SOL_IPV6", (lua_Integer)(SOL_IPV6)},
#endif
#ifdef SOL_PACKET
  {"SOL_PACKET", (lua_Integer)(SOL_PACKET)},
#endif
#ifdef SOL_RAW
  {"SOL_RAW", (lua_Integer)(SOL_RAW)},
#endif
#ifdef SOL_RDS
  {"SOL_RDS", (lua_Integer)(SOL_RDS)},
#endif
#ifdef SOL_TCP
  {"SOL_TCP", (lua_Integer)(SOL_TCP)},
#endif
#ifdef SOL_TIPC
  {"SOL_TIPC", (lua_Integer)(SOL_TIPC)},
#endif
#ifdef SOL_UDP
  {"SOL_UDP", (lua_Integer)(SOL_UDP)},
#endif
#ifdef SO_BINDTOIFINDEX
  {"SO_BINDTOIFINDEX", (lua_Integer)(SO_BINDTOIFINDEX)},
#endif
#ifdef SO_BUSY_POLL
  {"SO_BUSY_POLL", (lua_Integer)(SO_BUSY_POLL)},
#endif
#ifdef SO_COOKIE
  {"SO_COOKIE", (lua_Integer)(SO_COOKIE)},
#endif
#ifdef SO_DEBUG
  {"SO_DEBUG", (lua_Integer)(SO_DEBUG)},
#endif
#ifdef SO_DONTROUTE
  {"SO_DONTROUTE", (lua_Integer)(SO_DONTROUTE)},
#endif
#ifdef SO_INCOMING_CPU
  {"SO_INCOMING_CPU", (lua_Integer)(SO_INCOMING_CPU)},
#endif
#ifdef SO_J1939_ERRQUEUE
  {"SO_J1939_ERRQUEUE", (lua_Integer)(SO_J1939_ERRQUEUE)},
#endif
#ifdef SO_J1939_FILTER
  {"SO_J1939_FILTER", (lua_Integer)(SO_J1939_FILTER)},
#endif
#ifdef SO_J1939_PROMISC
  {"SO_J1939_PROMISC", (lua_Integer)(SO_J1939_PROMISC)},
#endif
#ifdef SO_J1939_SEND_PRIO
  {"SO_J1939_SEND_PRIO", (lua_Integer)(SO_J1939_SEND_PRIO)},
#endif
#ifdef SO_LOCK_FILTER
  {"SO_LOCK_FILTER", (lua_Integer)(SO_LOCK_FILTER)},
#endif
#ifdef SO_MARK
  {"SO_MARK", (lua_Integer)(SO_MARK)},
#endif
#ifdef SO_MAX_PACING_RATE
  {"SO_MAX_PACING_RATE", (lua_Integer)(SO_MAX_PACING_RATE)},
#endif
#ifdef SO_NOFCS
  {"SO_NOFCS", (lua_Integer)(SO_NOFCS)},
#endif
#ifdef SO_PASSCRED
  {"SO_PASSCRED", (lua_Integer)(SO_PASSCRED)},
#endif
#ifdef SO_PASSSEC
  {"SO_PASSSEC", (lua_Integer)(SO_PASSSEC)},
#endif
#ifdef SO_PEEK_OFF
  {"SO_PEEK_OFF", (lua_Integer)(SO_PEEK_OFF)},
#endif
#ifdef SO_PEERCRED
  {"SO_PEERCRED", (lua_Integer)(SO_PEERCRED)},
#endif
#ifdef SO_PEERSEC
  {"SO_PEERSEC", (lua_Integer)(SO_PEERSEC)},
#endif
#ifdef SO_PRIORITY
  {"SO_PRIORITY", (lua_Integer)(SO_PRIORITY)},
#endif
#ifdef SO_RCVBUFFORCE
  {"SO_RCVBUFFORCE", (lua_Integer)(SO_RCVBUFFORCE)},
#endif
#ifdef SO_RXQ_OVFL
  {"SO_RXQ_OVFL", (lua_Integer)(SO_RXQ_OVFL)},
#endif
#ifdef SO_SELECT_ERR_QUEUE
  {"SO_SELECT_ERR_QUEUE", (lua_Integer)(SO_SELECT_ERR_QUEUE)},
#endif
#ifdef SO_SNDBUFFORCE
  {"SO_SNDBUFFORCE", (lua_Integer)(SO_SNDBUFFORCE)},
#endif
#ifdef SO_TIMESTAMP
  {"SO_TIMESTAMP", (lua_Integer)(SO_TIMESTAMP)},
#endif
#ifdef SO_TIMESTAMPNS
  {"SO_TIMESTAMPNS", (lua_Integer)(SO_TIMESTAMPNS)},
#endif
#ifdef SO_TXTIME
  {"SO_TXTIME", (lua_Integer)(SO_TXTIME)},
#endif
#ifdef SO_VM_SOCKETS_BUFFER_MAX_SIZE
  {"SO_VM_SOCKETS_BUFFER_MAX_SIZE", (lua_Integer)(SO_VM_SOCKETS_BUFFER_MAX_SIZE)},
#endif
#ifdef SO_VM_SOCKETS_BUFFER_MIN_SIZE
  {"SO_VM_SOCKETS_BUFFER_MIN_SIZE", (lua_Integer)(SO_VM_SOCKETS_BUFFER_MIN_SIZE)},
#endif
#ifdef SO_VM_SOCKETS_BUFFER_SIZE
  {"SO_VM_SOCKETS_BUFFER_SIZE", (lua_Integer)(SO_VM_SOCKETS_BUFFER_SIZE)},
#endif
#ifdef SO_WIFI_STATUS
  {"SO_WIFI_STATUS", (lua_Integer)(SO_WIFI_STATUS)},
#endif
#ifdef SO_ZEROCOPY
  {"SO_ZEROCOPY", (lua_Integer)(SO_ZEROCOPY)},
#endif
#ifdef TCP_CC_INFO
  {"TCP_CC_INFO", (lua_Integer)(TCP_CC_INFO)},
#endif
#ifdef TCP_CONGESTION
  {"TCP_CONGESTION", (lua_Integer)(TCP_CONGESTION)},
#endif
#ifdef TCP_DEFER_ACCEPT
  {"TCP_DEFER_ACCEPT", (lua_Integer)(TCP_DEFER_ACCEPT)},
#endif
#ifdef TCP_FASTOPEN_CONNECT
  {"TCP_FASTOPEN_CONNECT", (lua_Integer)(TCP_FASTOPEN_CONNECT)},
#endif
#ifdef TCP_FASTOPEN_KEY
  {"TCP_FASTOPEN_KEY", (lua_Integer)(TCP_FASTOPEN_KEY)},
#endif
#ifdef TCP_FASTOPEN_NO_COOKIE
  {"TCP_FASTOPEN_NO_COOKIE", (lua_Integer)(TCP_FASTOPEN_NO_COOKIE)},
#endif
#ifdef TCP_INFO
  {"TCP_INFO", (lua_Integer)(TCP_INFO)},
#endif
#ifdef TCP_INQ
  {"TCP_INQ", (lua_Integer)(TCP_INQ)},
#endif
#ifdef TCP_LINGER2
  {"TCP_LINGER2", (lua_Integer)(TCP_LINGER2)},
#endif
#ifdef TCP_MD5SIG
  {"TCP_MD5SIG", (lua_Integer)(TCP_MD5SIG)},
#endif
#ifdef TCP_NOTSENT_LOWAT
  {"TCP_NOTSENT_LOWAT", (lua_Integer)(TCP_NOTSENT_LOWAT)},
#endif
#ifdef TCP_QUEUE_SEQ
  {"TCP_QUEUE_SEQ", (lua_Integer)(TCP_QUEUE_SEQ)},
#endif
#ifdef TCP_REPAIR
  {"TCP_REPAIR", (lua_Integer)(TCP_REPAIR)},
#endif
#ifdef TCP_REPAIR_OPTIONS
  {"TCP_REPAIR_OPTIONS", (lua_Integer)(TCP_REPAIR_OPTIONS)},
#endif
#ifdef TCP_REPAIR_QUEUE
  {"TCP_REPAIR_QUEUE", (lua_Integer)(TCP_REPAIR_QUEUE)},
#endif
#ifdef TCP_REPAIR_WINDOW
  {"TCP_REPAIR_WINDOW", (lua_Integer)(TCP_REPAIR_WINDOW)},
#endif
#ifdef TCP_SAVED_SYN
  {"TCP_SAVED_SYN", (lua_Integer)(TCP_SAVED_SYN)},
#endif
#ifdef TCP_SAVE_SYN
  {"TCP_SAVE_SYN", (lua_Integer)(TCP_SAVE_SYN)},
#endif
#ifdef TCP_SYNCNT
  {"TCP_SYNCNT", (lua_Integer)(TCP_SYNCNT)},
#endif
#ifdef TCP_THIN_DUPACK
  {"TCP_THIN_DUPACK", (lua_Integer)(TCP_THIN_DUPACK)},
#endif
#ifdef TCP_THIN_LINEAR_TIMEOUTS
  {"TCP_THIN_LINEAR_TIMEOUTS", (lua_Integer)(TCP_THIN_LINEAR_TIMEOUTS)},
#endif
#ifdef TCP_TIMESTAMP
  {"TCP_TIMESTAMP", (lua_Integer)(TCP_TIMESTAMP)},
#endif
#ifdef TCP_TX_DELAY
  {"TCP_TX_DELAY", (lua_Integer)(TCP_TX_DELAY)},
#endif
#ifdef TCP_ULP
  {"TCP_ULP", (lua_Integer)(TCP_ULP)},
#endif
#ifdef TCP_WINDOW_CLAMP
  {"TCP_WINDOW_CLAMP", (lua_Integer)(TCP_WINDOW_CLAMP)},
#endif
#ifdef TCP_ZEROCOPY_RECEIVE
  {"TCP_ZEROCOPY_RECEIVE", (lua_Integer)(TCP_ZEROCOPY_RECEIVE)},
#endif
#ifdef TIPC_ADDR_ID
  {"TIPC_ADDR_ID", (lua_Integer)(TIPC_ADDR_ID)},
#endif
#ifdef TIPC_ADDR_NAME
  {"TIPC_ADDR_NAME", (lua_Integer)(TIPC_ADDR_NAME)},
#endif
#ifdef TIPC_ADDR_NAMESEQ
  {"TIPC_ADDR_NAMESEQ", (lua_Integer)(TIPC_ADDR_NAMESEQ)},
#endif
#ifdef TIPC_CFG_SRV
  {"TIPC_CFG_SRV", (lua_Integer)(TIPC_CFG_SRV)},
#endif
#ifdef TIPC_CLUSTER_SCOPE
  {"TIPC_CLUSTER_SCOPE", (lua_Integer)(TIPC_CLUSTER_SCOPE)},
#endif
#ifdef TIPC_CONN_TIMEOUT
  {"TIPC_CONN_TIMEOUT", (lua_Integer)(TIPC_CONN_TIMEOUT)},
#endif
#ifdef TIPC_CRITICAL_IMPORTANCE
  {"TIPC_CRITICAL_IMPORTANCE", (lua_Integer)(TIPC_CRITICAL_IMPORTANCE)},
#endif
#ifdef TIPC_DEST_DROPPABLE
  {"TIPC_DEST_DROPPABLE", (lua_Integer)(TIPC_DEST_DROPPABLE)},
#endif
#ifdef TIPC_HIGH_IMPORTANCE
  {"TIPC_HIGH_IMPORTANCE", (lua_Integer)(TIPC_HIGH_IMPORTANCE)},
#endif
#ifdef TIPC_IMPORTANCE
  {"TIPC_IMPORTANCE", (lua_Integer)(TIPC_IMPORTANCE)},
#endif
#ifdef TIPC_LOW_IMPORTANCE
  {"TIPC_LOW_IMPORTANCE", (lua_Integer)(TIPC_LOW_IMPORTANCE)},
#endif
#ifdef TIPC_MEDIUM_IMPORTANCE
  {"TIPC_MEDIUM_IMPORTANCE", (lua_Integer)(TIPC_MEDIUM_IMPORTANCE)},
#endif
#ifdef TIPC_NODE_SCOPE
  {"TIPC_NODE_SCOPE", (lua_Integer)(TIPC_NODE_SCOPE)},
#endif
#ifdef TIPC_PUBLISHED
  {"TIPC_PUBLISHED", (lua_Integer)(TIPC_PUBLISHED)},
#endif
#ifdef TIPC_SRC_DROPPABLE
  {"TIPC_SRC_DROPPABLE", (lua_Integer)(TIPC_SRC_DROPPABLE)},
#endif
#ifdef TIPC_SUBSCR_TIMEOUT
  {"TIPC_SUBSCR_TIMEOUT", (lua_Integer)(TIPC_SUBSCR_TIMEOUT)},
#endif
#ifdef TIPC_SUB_CANCEL
  {"TIPC_SUB_CANCEL", (lua_Integer)(TIPC_SUB_CANCEL)},
#endif
#ifdef TIPC_SUB_PORTS
  {"TIPC_SUB_PORTS", (lua_Integer)(TIPC_SUB_PORTS)},
#endif
#ifdef TIPC_SUB_SERVICE
  {"TIPC_SUB_SERVICE", (lua_Integer)(TIPC_SUB_SERVICE)},
#endif
#ifdef TIPC_TOP_SRV
  {"TIPC_TOP_SRV", (lua_Integer)(TIPC_TOP_SRV)},
#endif
#ifdef TIPC_WAIT_FOREVER
  {"TIPC_WAIT_FOREVER", (lua_Integer)(TIPC_WAIT_FOREVER)},
#endif
#ifdef TIPC_WITHDRAWN
  {"TIPC_WITHDRAWN", (lua_Integer)(TIPC_WITHDRAWN)},
#endif
#ifdef TIPC_ZONE_SCOPE
  {"TIPC_ZONE_SCOPE", (lua_Integer)(TIPC_ZONE_SCOPE)},
#endif
#ifdef UDPLITE_RECV_CSCOV
  {"UDPLITE_RECV_CSCOV", (lua_Integer)(UDPLITE_RECV_CSCOV)},
#endif
#ifdef UDPLITE_SEND_CSCOV
  {"UDPLITE_SEND_CSCOV", (lua_Integer)(UDPLITE_SEND_CSCOV)},
#endif
#ifdef VMADDR_CID_ANY
  {"VMADDR_CID_ANY", (lua_Integer)(VMADDR_CID_ANY)},
#endif
#ifdef VMADDR_CID_HOST
  {"VMADDR_CID_HOST", (lua_Integer)(VMADDR_CID_HOST)},
#endif
#ifdef VMADDR_PORT_ANY
  {"VMADDR_PORT_ANY", (lua_Integer)(VMADDR_PORT_ANY)},
#endif
#ifdef VM_SOCKETS_INVALID_VERSION
  {"VM_SOCKETS_INVALID_VERSION", (lua_Integer)(VM_SOCKETS_INVALID_VERSION)},
#endif
#if defined(__linux__)
  /* enumerations of the Linux headers, which no #ifdef can test */
  {"CAN_BCM_TX_SETUP", (lua_Integer)(TX_SETUP)},
  {"CAN_BCM_TX_DELETE", (lua_Integer)(TX_DELETE)},
  {"CAN_BCM_TX_READ", (lua_Integer)(TX_READ)},
  {"CAN_BCM_TX_SEND", (lua_Integer)(TX_SEND)},
  {"CAN_BCM_RX_SETUP", (lua_Integer)(RX_SETUP)},
  {"CAN_BCM_RX_DELETE", (lua_Integer)(RX_DELETE)},
  {"CAN_BCM_RX_READ", (lua_Integer)(RX_READ)},
  {"CAN_BCM_TX_STATUS", (lua_Integer)(TX_STATUS)},
  {"CAN_BCM_TX_EXPIRED", (lua_Integer)(TX_EXPIRED)},
  {"CAN_BCM_RX_STATUS", (lua_Integer)(RX_STATUS)},
  {"CAN_BCM_RX_TIMEOUT", (lua_Integer)(RX_TIMEOUT)},
  {"CAN_BCM_RX_CHANGED", (lua_Integer)(RX_CHANGED)},
  {"CAN_RAW_FILTER", (lua_Integer)(CAN_RAW_FILTER)},
  {"CAN_RAW_ERR_FILTER", (lua_Integer)(CAN_RAW_ERR_FILTER)},
  {"CAN_RAW_LOOPBACK", (lua_Integer)(CAN_RAW_LOOPBACK)},
  {"CAN_RAW_RECV_OWN_MSGS", (lua_Integer)(CAN_RAW_RECV_OWN_MSGS)},
  {"CAN_RAW_FD_FRAMES", (lua_Integer)(CAN_RAW_FD_FRAMES)},
  {"CAN_RAW_JOIN_FILTERS", (lua_Integer)(CAN_RAW_JOIN_FILTERS)},
  {"J1939_NLA_PAD", (lua_Integer)(J1939_NLA_PAD)},
  {"J1939_NLA_BYTES_ACKED", (lua_Integer)(J1939_NLA_BYTES_ACKED)},
  {"J1939_EE_INFO_NONE", (lua_Integer)(J1939_EE_INFO_NONE)},
  {"J1939_EE_INFO_TX_ABORT", (lua_Integer)(J1939_EE_INFO_TX_ABORT)},
  {"SCM_J1939_DEST_ADDR", (lua_Integer)(SCM_J1939_DEST_ADDR)},
  {"SCM_J1939_DEST_NAME", (lua_Integer)(SCM_J1939_DEST_NAME)},
  {"SCM_J1939_PRIO", (lua_Integer)(SCM_J1939_PRIO)},
  {"SCM_J1939_ERRQUEUE", (lua_Integer)(SCM_J1939_ERRQUEUE)},
  {"SO_J1939_FILTER", (lua_Integer)(SO_J1939_FILTER)},
  {"SO_J1939_PROMISC", (lua_Integer)(SO_J1939_PROMISC)},
  {"SO_J1939_SEND_PRIO", (lua_Integer)(SO_J1939_SEND_PRIO)},
  {"SO_J1939_ERRQUEUE", (lua_Integer)(SO_J1939_ERRQUEUE)},
  {"TIPC_CLUSTER_SCOPE", (lua_Integer)(TIPC_CLUSTER_SCOPE)},
  {"TIPC_NODE_SCOPE", (lua_Integer)(TIPC_NODE_SCOPE)},
  {"IPPORT_USERRESERVED", (lua_Integer)(IPPORT_USERRESERVED)},
  /* the BCM flags, which the header names without the CAN_BCM_ prefix */
  {"CAN_BCM_SETTIMER", (lua_Integer)(SETTIMER)},
  {"CAN_BCM_STARTTIMER", (lua_Integer)(STARTTIMER)},
  {"CAN_BCM_TX_COUNTEVT", (lua_Integer)(TX_COUNTEVT)},
  {"CAN_BCM_TX_ANNOUNCE", (lua_Integer)(TX_ANNOUNCE)},
  {"CAN_BCM_TX_CP_CAN_ID", (lua_Integer)(TX_CP_CAN_ID)},
  {"CAN_BCM_RX_FILTER_ID", (lua_Integer)(RX_FILTER_ID)},
  {"CAN_BCM_RX_CHECK_DLC", (lua_Integer)(RX_CHECK_DLC)},
  {"CAN_BCM_RX_NO_AUTOTIMER", (lua_Integer)(RX_NO_AUTOTIMER)},
  {"CAN_BCM_RX_ANNOUNCE_RESUME", (lua_Integer)(RX_ANNOUNCE_RESUME)},
  {"CAN_BCM_TX_RESET_MULTI_IDX", (lua_Integer)(TX_RESET_MULTI_IDX)},
  {"CAN_BCM_RX_RTR_FRAME", (lua_Integer)(RX_RTR_FRAME)},
  {"CAN_BCM_CAN_FD_FRAME", (lua_Integer)(CAN_FD_FRAME)},
#endif
  {NULL, 0}
};

void lsock_const_open_net(lua_State *L) {
  const const_Entry *c;
  for (c = constants; c->name != NULL; c++) {
    lua_pushinteger(L, c->value);
    lua_setfield(L, -2, c->name);
  }
}
