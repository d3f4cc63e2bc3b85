/*
 * The record log's TCP sink (hv/rr/rr_sink.h) on the log stream client:
 * the ring's bytes go to hvcollect and leave the ring when it acknowledges
 * them. While the collector is slow or away, the ring fills and the record
 * path waits in rr_tcp_sink.wait, which sleeps until the network's next
 * deadline and polls it: the guest pauses, nothing is dropped.
 */
#include <string.h>

#include "lwip/ip_addr.h"

#include "arch/x86/cpu.h"
#include "arch/x86/idle.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/rr/rr_sink.h"
#include "log.h"
#include "net/logstream/logstream_client.h"
#include "net/net.h"

#define WAIT_MAX_NS 10000000ULL /* re-check at least every 10 ms */

static struct ls_client client;

/* Random per record run and never 0: it tells the collector's sessions
 * apart (docs/log-stream.md, "Sessions"). */
static u64 new_session_id(const void *log_header, u16 len)
{
	u64 id = ((u64)LWIP_RAND() << 32) | LWIP_RAND();

	id ^= hash64(log_header, len, rdtsc());
	return id ? id : 1;
}

int rr_tcp_sink_open(const struct config *cfg, struct rr_ring *ring, const void *log_header,
		     u16 header_len)
{
	ip_addr_t server;
	int err;

	if (!net_device()) {
		pr_err("rr: rr_sink=tcp needs a network interface, and there is none");
		return -ENODEV;
	}
	IP_ADDR4(&server, cfg->rr_collector_ip >> 24, (cfg->rr_collector_ip >> 16) & 0xFF,
		 (cfg->rr_collector_ip >> 8) & 0xFF, cfg->rr_collector_ip & 0xFF);
	err = ls_client_start(&client, ring, &server, cfg->rr_collector_port,
			      new_session_id(log_header, header_len), log_header, header_len,
			      time_now_ns());
	if (err) {
		pr_err("rr: cannot start the log stream (%d)", err);
		return err;
	}
	pr_info("rr: streaming the log to %s:%u (session %016llx)", ipaddr_ntoa(&server),
		cfg->rr_collector_port, client.session);
	return 0;
}

static void tcp_pump(struct rr_ring *ring)
{
	ls_client_poll(&client, time_now_ns());
}

static void tcp_wait(void)
{
	idle_until_ns(net_next_deadline_ns(), WAIT_MAX_NS);
	net_poll();
}

static void tcp_finish(struct rr_ring *ring)
{
	ls_client_finish(&client);
}

static int tcp_flushed(const struct rr_ring *ring)
{
	if (ls_client_failed(&client))
		return -EIO;
	return ls_client_done(&client);
}

static u64 tcp_bytes(void)
{
	return client.ring ? client.ring->tail : 0;
}

const struct rr_log_sink rr_tcp_sink = {
	.name = "tcp",
	.pump = tcp_pump,
	.wait = tcp_wait,
	.finish = tcp_finish,
	.flushed = tcp_flushed,
	.bytes = tcp_bytes,
};
