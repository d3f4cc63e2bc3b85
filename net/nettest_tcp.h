/* Network self-tests over lwIP: a TCP transfer between two Understudy
 * instances (nettest=server / nettest=client, net/nettest_tcp.c). */
#ifndef UNDERSTUDY_NET_NETTEST_TCP_H
#define UNDERSTUDY_NET_NETTEST_TCP_H

struct config;

#define NETTEST_PORT 5001
#define NETTEST_EXIT_FAILED 1 /* the transfer failed or was incomplete */

/*
 * Runs nettest=server or nettest=client to the end, sleeping (hlt) between
 * polls; net_init() must have succeeded. Returns the exit code for
 * platform_halt(): 0 on success, NETTEST_EXIT_FAILED, or
 * PLATFORM_EXIT_CONFIG when the options do not allow the test.
 */
int nettest_run(const struct config *cfg);

#endif
