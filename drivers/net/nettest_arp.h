/* Driver self-tests that need no TCP/IP stack (command line nettest=). */
#ifndef UNDERSTUDY_DRIVERS_NET_NETTEST_ARP_H
#define UNDERSTUDY_DRIVERS_NET_NETTEST_ARP_H

/*
 * On every registered network device: broadcasts an ARP request for
 * 10.0.2.2 from 10.0.2.15 and polls, for at most 2 s of TSC time, for the
 * reply; prints one "nettest:" line per device. Returns the exit code: 0
 * when every device got its reply, 1 otherwise (or with no device).
 */
int nettest_arp(void);

#endif
