/* The log sink: raw bytes on a serial port, 16 at a time into its FIFO. */
#include "hv/rr/rr_sink.h"

#include "drivers/serial/uart16550.h"

static struct uart16550 port;
static u64 written;

bool rr_sink_open(u16 base)
{
	return uart16550_init(&port, base);
}

void rr_sink_write(const u8 *data, u64 len)
{
	uart16550_write_burst(&port, data, len);
	written += len;
}

u64 rr_sink_bytes(void)
{
	return written;
}
