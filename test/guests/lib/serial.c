#include "serial.h"
#include "io.h"

#define UART_THR 0 /* transmit holding register (DLAB=0) */
#define UART_IER 1
#define UART_DLL 0 /* divisor latch, DLAB=1 */
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20 /* transmit holding register empty */

/* 115200 8N1, FIFOs on, interrupts off: what a real kernel would set, so the
 * virtual 16550 sees ordinary programming (the output itself is polled). */
void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);
	outb(COM1 + UART_DLL, 0x01);
	outb(COM1 + UART_DLM, 0x00);
	outb(COM1 + UART_LCR, 0x03);
	outb(COM1 + UART_FCR, 0xC7);
	outb(COM1 + UART_MCR, 0x03);
}

/* Waits (boundedly, so a missing UART cannot hang us) for THR empty, then
 * writes one byte. Only "\n" ends a line: the guests never send "\r". */
void serial_putc(char c)
{
	for (u32 i = 0; i < 1000000; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (u8)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}
