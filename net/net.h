/*
 * The hypervisor's own networking: lwIP (NO_SYS) on the first network
 * device PCI found, configured from the command line (ip=, netmask=, gw=,
 * mac=, or ip=dhcp). NO_SYS means the hypervisor drives it: net_poll() from
 * the run loop (after exits, while a guest is halted) receives frames and
 * runs lwIP's timers; nothing in the network stack ever spins.
 */
#ifndef UNDERSTUDY_NET_NET_H
#define UNDERSTUDY_NET_NET_H

#include "types.h"

#define NET_MAC_LEN 6

/* How the interface is configured (from the command line: ip=, netmask=,
 * gw=, mac=). */
struct net_config {
	bool dhcp;             /* else the static address below */
	u32 ip, netmask, gw;   /* IPv4, host order (a.b.c.d = a << 24 | ...); gw 0: none */
	u8 mac[NET_MAC_LEN];   /* all zero: the NIC's own address */
};

/* Brings the interface up on the first registered network device; 0,
 * -ENODEV when there is no NIC, or another negative errno, each with a
 * message. Returns before DHCP completes. */
int net_init(const struct net_config *nc);

/* True once the interface has an address (static at once, DHCP later). */
bool net_ready(void);

/* Receives pending frames and runs due lwIP timers. Cheap when idle. */
void net_poll(void);

/* The cost of receiving (test/bench/net.sh): frames handed to lwIP and the
 * TSC cycles from the driver's poll through lwIP and the application's
 * callbacks; polls that found nothing and their cycles. */
struct net_stats {
	u64 polls;
	u64 rx_frames, rx_cycles;
	u64 empty_polls, empty_poll_cycles;
};
const struct net_stats *net_stats(void);

/* When net_poll should run next, on the time_now_ns() clock (host TSC,
 * not guest time): now while received frames wait in the ring, else the
 * next lwIP timer or the next receive poll (1 ms away while frames arrive,
 * backing off to 8 ms on a quiet link); UINT64_MAX without an interface.
 * The run loop arms an exit or a sleep for it. */
u64 net_next_deadline_ns(void);

/* Address as a.b.c.d ("0.0.0.0" before DHCP answers, "none" without an
 * interface), for reports. */
const char *net_address(void);

/* The device in use (its name, MAC and counters, for /status and
 * /metrics), or NULL. lwIP's own counters are in lwip_stats (lwip/stats.h). */
struct netdev;
struct netdev *net_device(void);

#endif
