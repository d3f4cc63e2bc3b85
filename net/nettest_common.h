/* What the network self-tests share (net/nettest_tcp.c, net/nettest_tls.c):
 * waiting for an address, sleeping between polls, their figures. */
#ifndef UNDERSTUDY_NET_NETTEST_COMMON_H
#define UNDERSTUDY_NET_NETTEST_COMMON_H

#include "net/nettest_tcp.h"
#include "types.h"

/* The options allow the test and there is a NIC; else says why. 0 or -1. */
int nettest_check_config(const struct nettest_config *cfg);

/* Waits (polling and sleeping) until the interface has an address: true,
 * or false after 30 s. */
bool nettest_wait_for_address(void);

/* Sleeps until deadline_ns (time_now_ns clock), at most 10 ms; any
 * interrupt wakes it too. */
void nettest_sleep_until(u64 deadline_ns);

/* "T ms (X.YY Mbit/s)" figures for bytes moved in ns. */
void nettest_rate(u64 bytes, u64 ns, u64 *ms, u64 *mbit_x100);

/* The hypervisor's cost of receiving, for test/bench/net.sh. */
void nettest_report_costs(void);

#endif
