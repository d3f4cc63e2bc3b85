/* Replay from a live log (see rr_live.h). */
#include "hv/rr/rr_live.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/ft_witness.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_sink.h"
#include "drivers/serial/uart16550.h"
#include "log.h"
#include "net/logstream/logstream_in.h"
#include "net/net.h"

#define LIVE_BUFFER_BYTES (64ULL << 20) /* the log received and not yet replayed, at most */
#define NS_PER_SEC 1000000000ULL
#define NS_PER_MS 1000000ULL
#define LOST_WAIT_NS (30 * NS_PER_SEC) /* for a lost recorder to come back */

static struct {
	u8 *buf;
	u64 base;       /* the log's offset of buf[0] */
	bool over;      /* nothing more will come */
	bool lost;      /* ... because the recorder is gone (no END) */
	u64 lost_wait_ns; /* for a lost recorder to come back */
	bool copy;      /* rr_live_copy=: every byte also to COM3 */
} live;

/* Moves the bytes not yet replayed to the buffer's start. */
static void compact(struct rr_state *rr)
{
	u64 keep = rr->source_len - rr->source_pos;

	memmove(live.buf, live.buf + rr->source_pos, keep);
	live.base += rr->source_pos;
	rr->source_len = keep;
	rr->source_pos = 0;
}

/* The stream's next bytes, appended to what the replay reads. */
static int deliver(void *ctx, u64 offset, const u8 *data, size_t len)
{
	struct rr_state *rr = ctx;

	if (rr->source_len + len > LIVE_BUFFER_BYTES)
		compact(rr);
	if (rr->source_len + len > LIVE_BUFFER_BYTES) {
		pr_err("rr: the replay fell behind the live log by more than %llu MiB",
		       LIVE_BUFFER_BYTES >> 20);
		return -1;
	}
	memcpy(live.buf + rr->source_len, data, len);
	rr->source_len += len;
	if (live.copy)
		rr_serial_write(data, len); /* the log as it came, to replay it again */
	return 0;
}

/* One turn of the wait loops: the network, then the stream. It polls
 * without sleeping, as the migration's destination does (a NIC without
 * interrupts, Bochs' clock skipping idle time). */
static void poll_once(struct vm *vm)
{
	net_poll();
	rr_live_pump(vm);
	ft_witness_poll(time_now_ns());
	cpu_relax();
}

/* The stream's turn; the backup's heartbeats say how far the replay is. */
void rr_live_pump(struct vm *vm)
{
	if (vm->rr && vm->rr->live)
		logstream_in_note_replayed(rr_live_replayed_bytes(vm),
					   vm->stats.guest_caused_exits);
	logstream_in_poll();
	ft_witness_primary_named(logstream_in_lease_epoch()); /* witness=: its epoch now */
}

/* No recording came within the wait: say so, and what came instead. */
static void report_none(const struct config *cfg)
{
	const char *why;
	u32 refused = logstream_in_refused(&why);

	if (!refused) {
		pr_err("rr: no recording streamed its log to port %u within %u s", cfg->rr_live_port,
		       cfg->rr_live_wait);
		return;
	}
	pr_err("rr: no recording streamed its log to port %u within %u s: %u connection%s "
	       "refused, the last: %s", cfg->rr_live_port, cfg->rr_live_wait, refused,
	       refused == 1 ? "" : "s", why);
}

int rr_live_open(struct vm *vm, const struct config *cfg, u8 *header, u16 *len)
{
	struct rr_state *rr = vm->rr;
	u64 deadline = time_now_ns() + (u64)cfg->rr_live_wait * NS_PER_SEC;
	const struct ft_psk *key = cfg->ft_key.len ? &cfg->ft_key : NULL;
	const u8 *h = NULL;

	memset(&live, 0, sizeof(live));
	/* taken once per VM: a replay started again (ft=auto) keeps it (hv/rr/rr.c) */
	if (!rr->live_buf)
		rr->live_buf = page_alloc_bytes(LIVE_BUFFER_BYTES);
	live.buf = rr->live_buf;
	if (!live.buf) {
		pr_err("rr: no memory for the live log's %llu MiB buffer", LIVE_BUFFER_BYTES >> 20);
		return -ENOMEM;
	}
	if (cfg->rr_live_copy) {
		live.copy = rr_serial_open(COM3_PORT);
		if (!live.copy) {
			pr_err("rr: no UART at COM3 for rr_live_copy= (the emulator needs a serial port there)");
			return -ENODEV;
		}
		pr_info("rr: the live log is copied to COM3 as it comes");
	}
	/* before listening: DATA may follow HELLO within the same poll */
	rr->source = live.buf;
	rr->source_len = 0;
	if (logstream_in_listen(cfg->rr_live_port, key, deliver, rr))
		return -EBUSY;
	/* A backup whose primary agreed to heartbeats loses it once it has
	 * been silent for ft_timeout_ms (the stream then fails); without
	 * them it detects a dead primary within ft_timeout_ms by keepalive
	 * and waits as long again for it to reconnect. A plain live replay
	 * is patient. */
	live.lost_wait_ns = LOST_WAIT_NS;
	if (cfg->role == FT_ROLE_BACKUP) {
		logstream_in_set_timeout(cfg->ft_timeout_ms);
		logstream_in_set_heartbeat(cfg->ft_heartbeat_ms);
		live.lost_wait_ns = cfg->ft_timeout_ms * NS_PER_MS;
	}
	while (!(h = logstream_in_header(len)) && time_now_ns() < deadline &&
	       logstream_in_state() != LOGSTREAM_IN_FAILED)
		poll_once(vm);
	if (!h) {
		report_none(cfg);
		return -ETIMEDOUT;
	}
	memcpy(header, h, *len);
	ft_witness_learn_primary(); /* witness=: the epoch of the primary's lease now */
	return 0;
}

bool rr_live_over(const struct vm *vm)
{
	return live.over;
}

bool rr_live_lost(const struct vm *vm)
{
	return live.lost;
}

u64 rr_live_received_bytes(const struct vm *vm)
{
	return live.base + vm->rr->source_len;
}

/* What left the buffer for the ring, less what the ring still holds. */
u64 rr_live_replayed_bytes(const struct vm *vm)
{
	const struct rr_state *rr = vm->rr;

	return live.base + rr->source_pos - byte_ring_used(&rr->ring);
}

bool rr_live_wait_ended(struct vm *vm)
{
	u64 lost_at = 0;

	while (logstream_in_state() != LOGSTREAM_IN_ENDED && logstream_in_state() != LOGSTREAM_IN_FAILED) {
		poll_once(vm);
		if (logstream_in_state() != LOGSTREAM_IN_LISTENING) {
			lost_at = 0;
			continue;
		}
		lost_at = lost_at ? lost_at : time_now_ns();
		if (time_now_ns() - lost_at > live.lost_wait_ns)
			break;
	}
	return logstream_in_state() == LOGSTREAM_IN_ENDED;
}

bool rr_live_wait(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 have = live.base + rr->source_len, lost_at = 0;

	while (!live.over && live.base + rr->source_len == have) {
		enum logstream_in_state st;

		poll_once(vm);
		st = logstream_in_state();
		if (st == LOGSTREAM_IN_ENDED || st == LOGSTREAM_IN_FAILED) {
			live.over = true; /* what came in this turn is still returned */
			live.lost = st == LOGSTREAM_IN_FAILED;
		} else if (st == LOGSTREAM_IN_LISTENING) {
			lost_at = lost_at ? lost_at : time_now_ns();
			if (time_now_ns() - lost_at > live.lost_wait_ns) {
				pr_err("rr: the recording's log stopped at byte %llu: its recorder is gone",
				       logstream_in_bytes());
				live.over = live.lost = true;
				/* a recorder coming back now must not be acknowledged */
				logstream_in_stop("the replay ends where it stopped");
			}
		} else {
			lost_at = 0;
		}
	}
	return live.base + rr->source_len != have;
}
