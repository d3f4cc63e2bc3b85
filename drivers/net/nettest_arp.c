/*
 * nettest=arp: proves each NIC's transmit and receive paths with one ARP
 * exchange against QEMU's (or Bochs') user-mode network, whose gateway
 * 10.0.2.2 answers. A test mode, so it may poll in a loop: bounded by
 * NETTEST_TIMEOUT_NS of TSC time, resending the request now and then in
 * case the first went out before the link or the far end was ready. (QEMU's
 * e1000 holds received frames for 1 s after RCTL is written, so its reply
 * takes about that long after boot; virtio-net and Bochs answer at once.)
 */
#include "drivers/net/nettest_arp.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "drivers/net/arp.h"
#include "drivers/net/netdev.h"
#include "log.h"

#define NETTEST_ARP_SENDER_IP IPV4(10, 0, 2, 15) /* QEMU user networking's guest */
#define NETTEST_ARP_TARGET_IP IPV4(10, 0, 2, 2)  /* and its gateway */
#define NETTEST_TIMEOUT_NS 2000000000ull /* 2 s */
#define NETTEST_RESEND_NS 250000000ull   /* a new request every 250 ms */
#define NETTEST_POLL_BUDGET 16

struct arp_wait {
	const u8 *mac;       /* ours */
	u32 asked_ip;
	bool answered;
	u8 answer[ETH_ALEN];
	unsigned frames;     /* everything received meanwhile */
};

static void on_frame(void *ctx, const void *frame, size_t len)
{
	struct arp_wait *w = ctx;

	w->frames++;
	if (!w->answered && arp_parse_reply(frame, len, w->asked_ip, w->mac, w->answer))
		w->answered = true;
}

static void print_counters(struct netdev *nd, u64 elapsed_ns, unsigned requests)
{
	const struct netdev_stats *s = &nd->stats;

	if (nd->ops->refresh_stats)
		nd->ops->refresh_stats(nd);
	pr_info("nettest: %s counters: rx %llu frames %llu bytes (%llu dropped, %llu errors), "
		"tx %llu frames %llu bytes (%llu dropped, %llu errors); %u request%s, %llu ms",
		nd->name, s->rx_packets, s->rx_bytes,
		s->rx_dropped, s->rx_errors,
		s->tx_packets, s->tx_bytes,
		s->tx_dropped, s->tx_errors, requests,
		requests == 1 ? "" : "s", (elapsed_ns / 1000000));
}

/* Sends the request every NETTEST_RESEND_NS and polls until the reply
 * comes or NETTEST_TIMEOUT_NS pass; returns the number of requests sent. */
static unsigned exchange(struct netdev *nd, struct arp_wait *w, u64 start)
{
	u8 frame[ARP_FRAME_LEN];
	size_t len = arp_build_request(frame, nd->mac, NETTEST_ARP_SENDER_IP, w->asked_ip);
	u64 deadline = start + time_ns_to_tsc(NETTEST_TIMEOUT_NS);
	u64 resend = time_ns_to_tsc(NETTEST_RESEND_NS), next_send = start;
	unsigned requests = 0;

	while (!w->answered && rdtsc() < deadline) {
		if (rdtsc() >= next_send) {
			if (nd->ops->send(nd, frame, len) == 0)
				requests++;
			next_send += resend;
		}
		nd->ops->poll(nd, on_frame, w, NETTEST_POLL_BUDGET);
		cpu_relax();
	}
	return requests;
}

/* One device: the exchange, then its result and counters. */
static bool arp_one(struct netdev *nd)
{
	struct arp_wait w = { .mac = nd->mac, .asked_ip = NETTEST_ARP_TARGET_IP };
	char mac[NETDEV_MAC_STR_LEN], answer[NETDEV_MAC_STR_LEN], ip[16];
	const char *link = nd->ops->link_up(nd) ? "up" : "down";
	u64 start = rdtsc();
	unsigned requests = exchange(nd, &w, start);

	netdev_mac_str(nd->mac, mac);
	ipv4_str(w.asked_ip, ip);
	if (w.answered)
		pr_info("nettest: %s %s link %s: ARP reply from %s is at %s", nd->name, mac, link,
			ip, netdev_mac_str(w.answer, answer));
	else
		pr_info("nettest: %s %s link %s: no ARP reply from %s within %llu ms "
			"(%u frames received)", nd->name, mac, link, ip,
			NETTEST_TIMEOUT_NS / 1000000, w.frames);
	print_counters(nd, time_tsc_to_ns(rdtsc() - start), requests);
	return w.answered;
}

int nettest_arp(void)
{
	unsigned n = netdev_count(), failed = 0;
	char from[16], to[16];

	if (!n) {
		pr_info("nettest: no network device to test");
		return 1;
	}
	pr_info("nettest: ARP for %s from %s on %u device%s",
		ipv4_str(NETTEST_ARP_TARGET_IP, to), ipv4_str(NETTEST_ARP_SENDER_IP, from), n,
		n == 1 ? "" : "s");
	for (unsigned i = 0; i < n; i++)
		if (!arp_one(netdev_get(i)))
			failed++;
	pr_info("nettest: %u of %u device%s passed", n - failed, n, n == 1 ? "" : "s");
	return failed ? 1 : 0;
}
