/* Host 16550 UART driver: the hypervisor's console and spare serial ports. */
#ifndef UNDERSTUDY_DRIVERS_UART16550_H
#define UNDERSTUDY_DRIVERS_UART16550_H

#include "types.h"

#define COM1_PORT 0x3F8
#define COM2_PORT 0x2F8
#define COM3_PORT 0x3E8
#define COM4_PORT 0x2E8

struct uart16550 {
	u16 base;
	bool present;
};

/* Programs 115200 8N1 with FIFOs; returns false when no UART answers at base
 * (scratch-register test). */
bool uart16550_init(struct uart16550 *u, u16 base);
void uart16550_putc(struct uart16550 *u, char c);
void uart16550_write(struct uart16550 *u, const char *buf, size_t len);

/* Raw bytes, filling the transmit FIFO once it is empty (fast bulk data). */
void uart16550_write_burst(struct uart16550 *u, const u8 *buf, size_t len);

/* Bytes per transmit FIFO load, and the time one byte takes on the wire
 * at 115200 8N1 (10 bits: PC16550D "FIFO Operation", "Line Control"). */
#define UART16550_FIFO_BYTES 16
#define UART16550_BYTE_NS 86806

/* Writes what the transmitter takes without waiting: a FIFO load when the
 * FIFO is empty, nothing while it still sends. Returns the bytes taken. */
size_t uart16550_write_nowait(struct uart16550 *u, const u8 *buf, size_t len);
/* Takes one received byte, if the receiver holds one; never waits. */
bool uart16550_getc_nowait(struct uart16550 *u, u8 *byte);

/* Waits (bounded) until the transmit FIFO is empty. */
void uart16550_wait_tx_room(struct uart16550 *u);

#endif
