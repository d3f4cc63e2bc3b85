/*
 * The snapshot's sinks (hv/snapshot_sink.h). COM3 takes bytes as they
 * come. The TCP sink puts them in a ring the log stream sends from; the
 * ring's offsets are the snapshot's, and a byte leaves it only when the
 * collector acknowledges it, so the guest, held while its snapshot is
 * written, waits whenever the ring is full and, at the end, until the
 * whole snapshot is on the collector's disk.
 */
#include "hv/snapshot_sink.h"

#include "arch/x86/time.h"
#include "byte_ring.h"
#include "drivers/serial/uart16550.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/rr/rr_sink.h"
#include "log.h"
#include "net/logstream/logstream_out.h"
#include "proto/logstream_proto.h"

#define RING_SIZE (256u << 10)            /* unacknowledged snapshot bytes held */
#define STALL_NS (60ULL * 1000000000ULL)  /* no acknowledgement for this long: give up */

static struct {
	enum snapshot_sink kind;
	u32 ip;
	u16 port;
	bool streaming;    /* the TCP stream was opened (at the first bytes) */
	u64 acked;         /* bytes acknowledged when last looked */
	u64 progress_ns;   /* when acked last moved */
} sink;

static u8 ring_buf[RING_SIZE];
static struct byte_ring ring;

int snapshot_sink_open(const struct config *cfg)
{
	sink.kind = cfg->snapshot_sink;
	sink.ip = cfg->rr_collector_ip;
	sink.port = cfg->rr_collector_port;
	sink.streaming = false;
	if (sink.kind == SNAPSHOT_SINK_TCP)
		return 0;
	if (!rr_serial_open(COM3_PORT)) {
		pr_err("snapshot: no UART at COM3 (%#x) to write the snapshot to", COM3_PORT);
		return -ENODEV;
	}
	return 0;
}

/* Opens the stream with the snapshot's first bytes (its header) as what
 * the HELLO names. */
static int stream_open(const void *first, size_t len)
{
	int err;

	byte_ring_init(&ring, ring_buf, RING_SIZE);
	err = logstream_out_open(LOGSTREAM_SNAPSHOT, &ring, sink.ip, sink.port, NULL, first,
				 (u16)MIN(len, (size_t)LS_LOG_HEADER_MAX));
	if (err)
		return err;
	sink.streaming = true;
	sink.acked = 0;
	sink.progress_ns = time_now_ns();
	return 0;
}

/* Moves the stream on once: 0, or -EIO when it failed for good or the
 * collector has acknowledged nothing for STALL_NS. */
static int stream_step(void)
{
	u64 acked, now = time_now_ns();

	logstream_out_poll(LOGSTREAM_SNAPSHOT);
	if (logstream_out_flushed(LOGSTREAM_SNAPSHOT) < 0) {
		pr_err("snapshot: the stream to the collector failed");
		return -EIO;
	}
	acked = logstream_out_bytes(LOGSTREAM_SNAPSHOT);
	if (acked != sink.acked) {
		sink.acked = acked;
		sink.progress_ns = now;
	} else if (now - sink.progress_ns > STALL_NS) {
		pr_err("snapshot: the collector acknowledged nothing for %llu s (%llu of %llu bytes delivered)",
		       STALL_NS / 1000000000ULL, acked, ring.head);
		return -EIO;
	}
	return 0;
}

static int tcp_write(const u8 *data, size_t len)
{
	int err = sink.streaming ? 0 : stream_open(data, len);

	while (!err && len) {
		u64 n = MIN((u64)len, byte_ring_free(&ring));

		if (n && byte_ring_put(&ring, data, n)) {
			data += n;
			len -= n;
			continue;
		}
		err = stream_step();
		if (!err)
			logstream_out_wait();
	}
	return err;
}

int snapshot_sink_write(void *ctx, const void *data, size_t len)
{
	if (sink.kind == SNAPSHOT_SINK_TCP)
		return tcp_write(data, len);
	rr_serial_write(data, len);
	return 0;
}

int snapshot_sink_finish(void)
{
	int err = 0;

	if (sink.kind != SNAPSHOT_SINK_TCP || !sink.streaming)
		return 0;
	logstream_out_finish(LOGSTREAM_SNAPSHOT);
	while (!err && logstream_out_flushed(LOGSTREAM_SNAPSHOT) != 1) {
		err = stream_step();
		if (!err)
			logstream_out_wait();
	}
	if (!err)
		pr_info("snapshot: the collector has all %llu bytes", ring.head);
	return err;
}
