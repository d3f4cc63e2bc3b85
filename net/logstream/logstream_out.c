/*
 * The outgoing log stream (see logstream_out.h) on the log stream client.
 * While the collector is slow or away, the ring fills and its writer waits
 * in logstream_out_wait, which sleeps until the network's next deadline
 * and polls it: nothing is dropped.
 */
#include <string.h>

#include "lwip/ip_addr.h"

#include "arch/x86/cpu.h"
#include "arch/x86/idle.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "hash.h"
#include "log.h"
#include "net/logstream/logstream_client.h"
#include "net/logstream/logstream_out.h"
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

int logstream_out_open(struct byte_ring *ring, u32 ip, u16 port, const void *log_header,
		       u16 header_len)
{
	ip_addr_t server;
	int err;

	if (!net_device()) {
		pr_err("rr: rr_sink=tcp needs a network interface, and there is none");
		return -ENODEV;
	}
	IP_ADDR4(&server, ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF);
	err = ls_client_start(&client, ring, &server, port,
			      new_session_id(log_header, header_len), log_header, header_len,
			      time_now_ns());
	if (err) {
		pr_err("rr: cannot start the log stream (%d)", err);
		return err;
	}
	pr_info("rr: streaming the log to %s:%u (session %016llx)", ipaddr_ntoa(&server), port,
		client.session);
	return 0;
}

void logstream_out_poll(void)
{
	ls_client_poll(&client, time_now_ns());
}

void logstream_out_wait(void)
{
	idle_until_ns(net_next_deadline_ns(), WAIT_MAX_NS);
	net_poll();
}

void logstream_out_finish(void)
{
	ls_client_finish(&client);
}

int logstream_out_flushed(void)
{
	if (ls_client_failed(&client))
		return -EIO;
	return ls_client_done(&client);
}

u64 logstream_out_bytes(void)
{
	return client.ring ? client.ring->tail : 0;
}
