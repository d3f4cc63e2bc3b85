/* The TCP log sink: the record ring goes to a collector through the
 * network's outgoing log stream (net/logstream/logstream_out.h), inside
 * TLS with the pre-shared key when ft_key= is given (the collector is then
 * a backup with the same key: docs/fault-tolerance.md). */
#include "arch/x86/time.h"
#include "hv/config.h"
#include "hv/ft_witness.h"
#include "hv/rr/rr_sink.h"
#include "net/logstream/logstream_out.h"

/* A primary's collector is its backup: one away (silent, heartbeats
 * included) for ft_timeout_ms is gone, and the primary runs on without it
 * (hv/rr/rr_record.c). */
int rr_tcp_sink_open(const struct config *cfg, struct byte_ring *ring, const void *log_header,
		     u16 header_len)
{
	int err = logstream_out_open(LOGSTREAM_RR_LOG, ring, cfg->rr_collector_ip,
				     cfg->rr_collector_port, cfg->ft_key.len ? &cfg->ft_key : NULL,
				     log_header, header_len);

	if (!err && cfg->role == FT_ROLE_PRIMARY) {
		logstream_out_give_up_after(LOGSTREAM_RR_LOG, cfg->ft_timeout_ms);
		logstream_out_heartbeat(LOGSTREAM_RR_LOG, cfg->ft_heartbeat_ms);
	}
	return err;
}

static void tcp_pump(struct byte_ring *ring)
{
	logstream_out_set_lease(LOGSTREAM_RR_LOG, ft_witness_epoch()); /* named to a backup */
	logstream_out_poll(LOGSTREAM_RR_LOG);
}

static void tcp_finish(struct byte_ring *ring)
{
	logstream_out_finish(LOGSTREAM_RR_LOG);
}

static int tcp_flushed(const struct byte_ring *ring)
{
	return logstream_out_flushed(LOGSTREAM_RR_LOG);
}

static const char *tcp_why(void)
{
	return logstream_out_failure(LOGSTREAM_RR_LOG);
}

static u64 tcp_bytes(void)
{
	return logstream_out_bytes(LOGSTREAM_RR_LOG);
}

static bool tcp_ready(void)
{
	return logstream_out_streaming(LOGSTREAM_RR_LOG);
}

static bool tcp_resync_requested(u64 *landmark)
{
	return logstream_out_take_resync(LOGSTREAM_RR_LOG, landmark);
}

static void tcp_set_holds(u64 *hashes, u64 pages)
{
	logstream_out_set_holds(LOGSTREAM_RR_LOG, hashes, pages);
}

static u64 tcp_holds(void)
{
	return logstream_out_holds(LOGSTREAM_RR_LOG);
}

/* Waiting for the collector keeps the witness's lease renewed. */
static void tcp_wait(void)
{
	logstream_out_wait();
	ft_witness_poll(time_now_ns());
}

const struct rr_log_sink rr_tcp_sink = {
	.name = "tcp",
	.pump = tcp_pump,
	.wait = tcp_wait,
	.finish = tcp_finish,
	.flushed = tcp_flushed,
	.why = tcp_why,
	.bytes = tcp_bytes,
	.ready = tcp_ready,
	.resync_requested = tcp_resync_requested,
	.set_holds = tcp_set_holds,
	.holds = tcp_holds,
};
