/*
 * The outgoing log stream (see logstream_out.h) on the log stream client.
 * While the collector is slow or away, the ring fills and its writer waits
 * in logstream_out_wait, which sleeps until the network's next deadline
 * and polls it: nothing is dropped.
 */
#include <string.h>

#include "lwip/arch.h" /* LWIP_RAND */

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

static struct ls_client clients[LOGSTREAM_COUNT];

/* The prefix of a stream's messages. */
static const char *const stream_names[LOGSTREAM_COUNT] = {
	[LOGSTREAM_RR_LOG] = "rr",
	[LOGSTREAM_SNAPSHOT] = "snapshot",
	[LOGSTREAM_FT_EPOCHS] = "ft",
};

/* Random per record run and never 0: it tells the collector's sessions
 * apart (docs/log-stream.md, "Sessions"). */
static u64 new_session_id(const void *log_header, u16 len)
{
	u64 id = ((u64)LWIP_RAND() << 32) | LWIP_RAND();

	id ^= hash64(log_header, len, rdtsc());
	return id ? id : 1;
}

int logstream_out_open(enum logstream_out_id id, struct byte_ring *ring, u32 ip, u16 port,
		       const struct ft_psk *key, const void *log_header, u16 header_len)
{
	struct ls_client *c = &clients[id];
	const char *name = stream_names[id];
	int err;

	if (!net_device()) {
		pr_err("%s: the TCP sink needs a network interface, and there is none", name);
		return -ENODEV;
	}
	err = ls_client_start(c, ring, __builtin_bswap32(ip), port, key,
			      new_session_id(log_header, header_len), log_header, header_len,
			      time_now_ns());
	if (err) {
		pr_err("%s: cannot start the stream to the collector (%d)", name, err);
		return err;
	}
	pr_info("%s: streaming to %u.%u.%u.%u:%u%s (session %016llx)", name, ip >> 24,
		(ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF, port,
		key ? " over TLS with the pre-shared key" : "", c->session);
	return 0;
}

void logstream_out_give_up_after(enum logstream_out_id id, u32 ms)
{
	ls_client_give_up_after(&clients[id], (u64)ms * 1000000ULL);
}

void logstream_out_heartbeat(enum logstream_out_id id, u32 ms)
{
	ls_client_heartbeat(&clients[id], (u64)ms * 1000000ULL);
}

void logstream_out_set_lease(enum logstream_out_id id, u64 epoch)
{
	ls_client_set_lease(&clients[id], epoch);
}

bool logstream_out_beat_status(enum logstream_out_id id, struct ls_beat_status *st,
			       struct ls_replayed *replayed)
{
	const struct ls_client *c = &clients[id];

	ls_client_beat_status(c, st);
	*replayed = c->replayed;
	return c->replayed_known;
}

void logstream_out_poll(enum logstream_out_id id)
{
	ls_client_poll(&clients[id], time_now_ns());
}

void logstream_out_wait(void)
{
	idle_until_ns(net_next_deadline_ns(), WAIT_MAX_NS);
	net_poll();
}

void logstream_out_finish(enum logstream_out_id id)
{
	ls_client_finish(&clients[id]);
}

int logstream_out_flushed(enum logstream_out_id id)
{
	if (ls_client_failed(&clients[id]))
		return -EIO;
	return ls_client_done(&clients[id]);
}

const char *logstream_out_failure(enum logstream_out_id id)
{
	return ls_client_failed(&clients[id]) ? clients[id].failure : NULL;
}

bool logstream_out_streaming(enum logstream_out_id id)
{
	return clients[id].state == LSC_STREAMING;
}

u64 logstream_out_bytes(enum logstream_out_id id)
{
	return clients[id].ring ? clients[id].ring->tail : 0;
}

bool logstream_out_take_resync(enum logstream_out_id id, u64 *landmark)
{
	return ls_client_take_resync(&clients[id], landmark);
}

void logstream_out_set_holds(enum logstream_out_id id, u64 *hashes, u64 pages)
{
	ls_client_set_holds(&clients[id], hashes, pages);
}

u64 logstream_out_holds(enum logstream_out_id id)
{
	return ls_client_holds(&clients[id]);
}
