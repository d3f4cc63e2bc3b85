/*
 * Polled driver for the host's 16550 UARTs. Register layout: National
 * Semiconductor PC16550D datasheet, "Register Description" (Table II).
 */
#include "drivers/serial/uart16550.h"

#include "arch/x86/cpu.h"

enum uart_reg {
	UART_THR = 0, /* transmit holding (DLAB=0, write) */
	UART_RBR = 0, /* receiver buffer (DLAB=0, read) */
	UART_DLL = 0, /* divisor latch low (DLAB=1) */
	UART_IER = 1, /* interrupt enable (DLAB=0) */
	UART_DLM = 1, /* divisor latch high (DLAB=1) */
	UART_FCR = 2, /* FIFO control (write) */
	UART_LCR = 3, /* line control */
	UART_MCR = 4, /* modem control */
	UART_LSR = 5, /* line status */
	UART_SCR = 7, /* scratch */
};

#define LCR_8N1 0x03  /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB 0x80 /* divisor latch access */
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs, clear RX and TX */
#define MCR_DTR_RTS_OUT2 0x0B
#define LSR_DR 0x01   /* data ready: the receiver holds a byte (PC16550D, LSR bit 0) */
#define LSR_THRE 0x20 /* transmit holding register empty */
#define UART_CLOCK_DIVISOR_115200 1 /* 1.8432 MHz / 16 / 115200 */
#define UART_TX_SPIN_LIMIT 100000
#define UART_FIFO_BYTES UART16550_FIFO_BYTES

bool uart16550_init(struct uart16550 *u, u16 base)
{
	u->base = base;
	outb(base + UART_SCR, 0x5A);
	u->present = inb(base + UART_SCR) == 0x5A;
	if (!u->present)
		return false;
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, UART_CLOCK_DIVISOR_115200);
	outb(base + UART_DLM, 0);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	return true;
}

/* Waits, bounded so a wedged UART cannot hang the hypervisor, for the
 * transmitter to empty. */
static void wait_tx_empty(struct uart16550 *u)
{
	for (int i = 0; i < UART_TX_SPIN_LIMIT; i++) {
		if (inb(u->base + UART_LSR) & LSR_THRE)
			return;
		cpu_relax();
	}
}

/* Sends one byte once the transmitter has room. */
void uart16550_putc(struct uart16550 *u, char c)
{
	if (!u->present)
		return;
	wait_tx_empty(u);
	outb(u->base + UART_THR, (u8)c);
}

void uart16550_write_burst(struct uart16550 *u, const u8 *buf, size_t len)
{
	if (!u->present)
		return;
	while (len) {
		size_t n = len < UART_FIFO_BYTES ? len : UART_FIFO_BYTES;

		wait_tx_empty(u);
		for (size_t i = 0; i < n; i++)
			outb(u->base + UART_THR, buf[i]);
		buf += n;
		len -= n;
	}
}

size_t uart16550_write_nowait(struct uart16550 *u, const u8 *buf, size_t len)
{
	size_t n = len < UART_FIFO_BYTES ? len : UART_FIFO_BYTES;

	if (!u->present)
		return len; /* nothing to wait for: the bytes go nowhere */
	if (!(inb(u->base + UART_LSR) & LSR_THRE))
		return 0;
	for (size_t i = 0; i < n; i++)
		outb(u->base + UART_THR, buf[i]);
	return n;
}

bool uart16550_getc_nowait(struct uart16550 *u, u8 *byte)
{
	if (!u->present || !(inb(u->base + UART_LSR) & LSR_DR))
		return false;
	*byte = inb(u->base + UART_RBR);
	return true;
}

void uart16550_wait_tx_room(struct uart16550 *u)
{
	if (u->present)
		wait_tx_empty(u);
}

void uart16550_write(struct uart16550 *u, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		uart16550_putc(u, buf[i]);
}
