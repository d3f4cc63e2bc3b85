/* The serial log sink: raw bytes on a spare UART, 16 at a time into its
 * FIFO; every byte written is delivered, so the ring empties at once. */
#include "hv/rr/rr_sink.h"

#include "drivers/serial/uart16550.h"

#define DRAIN_CHUNK 4096

static struct uart16550 port;
static u64 written;

bool rr_serial_open(u16 base)
{
	return uart16550_init(&port, base);
}

void rr_serial_write(const u8 *data, u64 len)
{
	uart16550_write_burst(&port, data, len);
	written += len;
}

/* Writes everything in the ring to the UART. */
static void serial_pump(struct byte_ring *ring)
{
	u8 chunk[DRAIN_CHUNK];

	while (byte_ring_used(ring)) {
		u64 n = byte_ring_peek(ring, chunk, sizeof(chunk));

		rr_serial_write(chunk, n);
		byte_ring_consume(ring, n);
	}
}

static void serial_finish(struct byte_ring *ring)
{
	serial_pump(ring);
}

static int serial_flushed(const struct byte_ring *ring)
{
	return byte_ring_used(ring) == 0;
}

static u64 serial_bytes(void)
{
	return written;
}

const struct rr_log_sink rr_serial_sink = {
	.name = "uart",
	.pump = serial_pump,
	.wait = NULL,
	.finish = serial_finish,
	.flushed = serial_flushed,
	.bytes = serial_bytes,
};
