/*
 * lwIP 2.1 options for Understudy (third_party/lwip/src/include/lwip/opt.h
 * documents each one). NO_SYS: no threads, no sequential or socket API; the
 * hypervisor calls lwIP from one CPU, never from an interrupt handler, so no
 * locking either. IPv4 only: ARP, ICMP (it answers ping), DHCP, UDP, TCP.
 */
#ifndef UNDERSTUDY_NET_LWIPOPTS_H
#define UNDERSTUDY_NET_LWIPOPTS_H

/* --- system ---------------------------------------------------------------- */
#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

/* --- memory ---------------------------------------------------------------- */
/*
 * The heap (PBUF_RAM pbufs: TCP send data, ICMP replies) is lwIP's own
 * allocator over MEM_SIZE bytes that net_init() takes from page_alloc before
 * lwip_init(); the pools (PCBs, segments, PBUF_POOL receive buffers) are
 * lwIP's fixed arrays in .bss, so each kind has a hard limit that a flood of
 * one kind cannot raise.
 */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_USE_POOLS 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (2 * 1024 * 1024)
extern unsigned char *net_ram_heap; /* net/net.c */
#define LWIP_RAM_HEAP_POINTER net_ram_heap

/* Sized for a few dozen TCP connections. */
#define MEMP_NUM_TCP_PCB 40
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_TCP_SEG 512
#define MEMP_NUM_PBUF 64          /* PBUF_ROM/REF: fragments, zero-copy writes */
#define MEMP_NUM_REASSDATA 8
#define MEMP_NUM_FRAG_PBUF 16
#define MEMP_NUM_ARP_QUEUE 32
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8) /* + the port's and nettest's */
#define PBUF_POOL_SIZE 128        /* receive buffers, one whole frame each */

/* --- network interface ------------------------------------------------------- */
#define LWIP_ETHERNET 1
#define LWIP_ARP 1
#define ETH_PAD_SIZE 0
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0

/* --- protocols ----------------------------------------------------------------- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_DHCP 1
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1

/* --- TCP ------------------------------------------------------------------------ */
#define TCP_MSS 1460
#define TCP_WND (44 * TCP_MSS) /* 64240: the largest without window scaling */
#define TCP_SND_BUF (44 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 1
/* Listeners say how many handshakes they may have in progress
 * (tcp_listen_with_backlog), so a SYN flood on the control endpoint cannot
 * take every PCB from the record log's connection. */
#define TCP_LISTEN_BACKLOG 1
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
/* A listener that closed a connection itself (a refused peer) listens on
 * that port again at once: the closed connection's pcb waits in TIME_WAIT
 * for 2 minutes, and only SOF_REUSEADDR on both lets a listener bind
 * beside it (net/tcp_link.c). */
#define SO_REUSE 1
/* Random initial sequence numbers (RFC 6528 asks that they be unguessable;
 * lwIP's default is a counter). */
unsigned int net_port_tcp_isn(void); /* net/sys_arch.c */
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
	((void)(local_ip), (void)(local_port), (void)(remote_ip), (void)(remote_port), \
	 net_port_tcp_isn())

/* --- checksums (in software: the drivers offload nothing) ---------------------- */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
#define LWIP_CHKSUM_ALGORITHM 3
#define LWIP_CHECKSUM_ON_COPY 1

/* --- statistics (for /metrics) ---------------------------------------------------- */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MIB2_STATS 0

/* --- debugging: `make LWIP_DEBUG=1` turns lwIP's messages on (to the console) --- */
#ifdef UNDERSTUDY_LWIP_DEBUG
#define LWIP_DEBUG 1
#define LWIP_DBG_MIN_LEVEL LWIP_DBG_LEVEL_ALL
#define LWIP_DBG_TYPES_ON LWIP_DBG_ON
#define NETIF_DEBUG LWIP_DBG_ON
#define DHCP_DEBUG LWIP_DBG_ON
#define TCP_DEBUG LWIP_DBG_ON
#define ETHARP_DEBUG LWIP_DBG_ON
#define ICMP_DEBUG LWIP_DBG_ON
#endif

#endif
