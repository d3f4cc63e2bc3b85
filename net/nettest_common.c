/* What the network self-tests share (see nettest_common.h). */
#include "net/nettest_common.h"

#include "arch/x86/idle.h"
#include "arch/x86/time.h"
#include "log.h"
#include "net/net.h"

#define ADDRESS_TIMEOUT_NS (30 * 1000000000ULL) /* DHCP */
#define SLEEP_MAX_NS 10000000ULL                 /* wake at least every 10 ms */

int nettest_check_config(const struct nettest_config *cfg)
{
	if (!cfg->server && !cfg->peer) {
		pr_err("nettest: the client needs nettest_peer=a.b.c.d (the server's address)");
		return -1;
	}
	if (!net_device()) {
		pr_err("nettest: no network interface (is there a NIC?)");
		return -1;
	}
	return 0;
}

void nettest_sleep_until(u64 deadline_ns)
{
	idle_until_ns(deadline_ns, SLEEP_MAX_NS);
}

bool nettest_wait_for_address(void)
{
	u64 deadline = time_now_ns() + ADDRESS_TIMEOUT_NS;

	while (!net_ready()) {
		if (time_now_ns() > deadline)
			return false;
		net_poll();
		nettest_sleep_until(net_next_deadline_ns());
	}
	return true;
}

void nettest_rate(u64 bytes, u64 ns, u64 *ms, u64 *mbit_x100)
{
	if (!ns)
		ns = 1;
	*ms = ns / 1000000;
	*mbit_x100 = bytes * 800000 / ns; /* bytes * 8 bits * 100 / (ns / 1000) */
}

void nettest_report_costs(void)
{
	const struct net_stats *st = net_stats();

	console_printf("nettest: received %llu frames in %llu polls: %llu TSC cycles per received "
		       "frame (driver, lwIP, test), %llu per empty poll\n",
		       st->rx_frames, st->polls,
		       (st->rx_frames ? st->rx_cycles / st->rx_frames : 0),
		       (st->empty_polls ? st->empty_poll_cycles / st->empty_polls : 0));
}
