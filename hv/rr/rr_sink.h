/*
 * Where a record run's log bytes leave the machine: a spare serial port the
 * emulator writes to a file (COM3 or COM4), or a TCP connection to a log
 * collector (net/logstream/, docs/log-stream.md). A replay's trace uses
 * the serial port alone.
 *
 * The record path puts whole frames into its ring; a sink takes bytes out.
 * The serial sink consumes what the UART takes, paced by its line speed
 * while the guest runs; the TCP sink consumes only what
 * the collector has acknowledged, so the ring is also the resend buffer.
 */
#ifndef UNDERSTUDY_HV_RR_SINK_H
#define UNDERSTUDY_HV_RR_SINK_H

#include "byte_ring.h"
#include "types.h"

struct config;

struct rr_log_sink {
	const char *name; /* for messages: "uart", "tcp" */
	/* Moves ring bytes toward their destination and consumes the ones
	 * delivered. Never waits. */
	void (*pump)(struct byte_ring *ring);
	/* Sleeps until pump may make progress (bytes acknowledged, a
	 * reconnect due); NULL when pump always empties the ring. */
	void (*wait)(void);
	/* The ring holds the whole log: nothing more will be put in it. */
	void (*finish)(struct byte_ring *ring);
	/* 1 when every byte reached its destination, 0 while under way,
	 * negative when some never can (the sink has said why). */
	int (*flushed)(const struct byte_ring *ring);
	/* When pump can move bytes again (the ring is pumped before the
	 * entry after it); NULL: once the ring is half full. */
	u64 (*next_pump_tsc)(const struct byte_ring *ring);
	/* Why flushed is negative (NULL: not said). */
	const char *(*why)(void);
	/* Bytes delivered so far. */
	u64 (*bytes)(void);
	/* The destination takes bytes now (a collector connected and
	 * welcoming); NULL: always. */
	bool (*ready)(void);
	/* The destination (a backup) asked for a checkpoint since the last
	 * call, its replay having diverged at *landmark; NULL: never asks. */
	bool (*resync_requested)(u64 *landmark);
	/* Where the backup's page hashes that follow its request go (pages
	 * of them at most), and how many came since the request. */
	void (*set_holds)(u64 *hashes, u64 pages);
	u64 (*holds)(void);
};

/* The serial sink: opens the UART at port (false when none answers). */
bool rr_serial_open(u16 port);
/* Writes bytes straight to the UART (the trace's path). */
void rr_serial_write(const u8 *data, u64 len);
extern const struct rr_log_sink rr_serial_sink;

/* The TCP sink: connects to cfg's rr_collector (the network must be up)
 * and will send the ring from its first byte, the log header, which it
 * also names in its HELLO. 0 or a negative errno, with a message. */
int rr_tcp_sink_open(const struct config *cfg, struct byte_ring *ring, const void *log_header,
		     u16 header_len);
extern const struct rr_log_sink rr_tcp_sink;

#endif
