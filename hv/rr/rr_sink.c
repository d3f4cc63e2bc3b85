/*
 * The serial log sink: raw bytes on a spare UART. The guest runs while the
 * UART sends: each pump gives the transmit FIFO what it takes without
 * waiting (all of it where the UART is instant, as under QEMU; a FIFO load
 * per FIFO-time on a UART that sends at its baud rate, as on hardware and
 * under Bochs), and says when the next load fits. Waiting for every byte
 * at each pump would stop the guest for the whole transmission while
 * device time ran on: a guest whose log outgrew the line would then see
 * its timer come due at every entry and never get anything done.
 */
#include "hv/rr/rr_sink.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "drivers/serial/uart16550.h"

#define DRAIN_CHUNK 4096
#define RETRY_BYTES 4 /* a FIFO still sending is looked at again after this many byte-times */

static struct uart16550 port;
static u64 written;
static u64 next_load_tsc; /* when the FIFO will have room again */

bool rr_serial_open(u16 base)
{
	return uart16550_init(&port, base);
}

void rr_serial_write(const u8 *data, u64 len)
{
	uart16550_write_burst(&port, data, len);
	written += len;
}

/* Gives the UART what it takes now. */
static void serial_pump(struct byte_ring *ring)
{
	u8 chunk[UART16550_FIFO_BYTES];
	u64 n, sent;

	while ((n = byte_ring_peek(ring, chunk, sizeof(chunk))) != 0) {
		sent = uart16550_write_nowait(&port, chunk, n);
		if (!sent) { /* slower than its nominal speed: look again soon */
			next_load_tsc = rdtsc() + time_ns_to_tsc(RETRY_BYTES * UART16550_BYTE_NS);
			break;
		}
		byte_ring_consume(ring, sent);
		written += sent;
		next_load_tsc = rdtsc() + time_ns_to_tsc(sent * UART16550_BYTE_NS);
	}
}

static void serial_wait(void)
{
	uart16550_wait_tx_room(&port);
}

/* Writes everything left, waiting for the UART. */
static void serial_finish(struct byte_ring *ring)
{
	u8 chunk[DRAIN_CHUNK];

	while (byte_ring_used(ring)) {
		u64 n = byte_ring_peek(ring, chunk, sizeof(chunk));

		rr_serial_write(chunk, n);
		byte_ring_consume(ring, n);
	}
}

static int serial_flushed(const struct byte_ring *ring)
{
	return byte_ring_used(ring) == 0;
}

static u64 serial_next_pump_tsc(const struct byte_ring *ring)
{
	return byte_ring_used(ring) ? next_load_tsc : UINT64_MAX;
}

static u64 serial_bytes(void)
{
	return written;
}

const struct rr_log_sink rr_serial_sink = {
	.name = "uart",
	.pump = serial_pump,
	.wait = serial_wait,
	.finish = serial_finish,
	.flushed = serial_flushed,
	.next_pump_tsc = serial_next_pump_tsc,
	.bytes = serial_bytes,
};
