/*
 * The guest's 16550A UART (COM1): the register set of the National
 * Semiconductor PC16550D with its 16-byte receive FIFO. Transmission is
 * instantaneous (every byte written to THR goes straight to the output
 * callback, untranslated), so LSR THRE and TEMT always read as set. Pure
 * code (host-tested); all state lives in struct vuart.
 */
#ifndef UNDERSTUDY_HV_VDEV_UART16550_H
#define UNDERSTUDY_HV_VDEV_UART16550_H

#include "hv/io_bus.h"
#include "hv/vdev/vdev.h"
#include "types.h"

#define VUART_COM1_BASE 0x3F8 /* PC I/O base of COM1 */
#define VUART_COM1_IRQ 4      /* PC ISA IRQ of COM1 */
#define VUART_NUM_REGS 8      /* ports claimed from the base */
#define VUART_FIFO_SIZE 16    /* PC16550D, "FIFO Operation": 16-byte FIFOs */

typedef void (*vuart_output_fn)(void *ctx, u8 byte);

struct vuart_stats {
	u64 tx_bytes;   /* bytes the guest sent (output callback calls) */
	u64 rx_bytes;   /* bytes queued for the guest */
	u64 rx_dropped; /* bytes lost to a full FIFO (overrun) or loopback */
};

struct vuart {
	/* registers (PC16550D, "Register Description") */
	u8 ier, lcr, mcr, scr, dll, dlm;
	u8 lsr_err;   /* LSR error bits (OE, PE, FE, BI), cleared when LSR is read */
	u8 fcr;       /* FCR's persistent bits (enable, DMA mode, trigger level) */
	u8 msr_delta; /* MSR bits 3:0, cleared when MSR is read */
	u8 rbr;       /* last byte handed to the guest (RBR of an empty FIFO) */

	/* receive FIFO, a ring */
	u8 rx_fifo[VUART_FIFO_SIZE];
	u8 rx_head, rx_count;

	bool thre_pending; /* THR empty interrupt latched (cleared by IIR read/THR write) */
	bool irq_level;    /* level last driven on the interrupt line */

	struct irq_line irq;
	vuart_output_fn output;
	void *output_ctx;
	struct vuart_stats stats;
};

/* Sets up a UART in its reset state, raising interrupts on irq and sending
 * transmitted bytes to output(ctx, byte). output may be NULL. */
void vuart_init(struct vuart *u, struct irq_line irq, vuart_output_fn output, void *ctx);

/* The datasheet's master reset; the callbacks and statistics are kept. */
void vuart_reset(struct vuart *u);

/* Claims the eight registers at base on bus. */
int vuart_attach(struct vuart *u, struct io_bus *bus, u16 base);

/* One register access by offset from the base (0-7); others read 0xFF. */
u8 vuart_read(struct vuart *u, unsigned reg);
void vuart_write(struct vuart *u, unsigned reg, u8 value);

/* Queues a byte arriving on the serial line. Returns false when it was lost:
 * the FIFO was full (LSR overrun error set) or loopback mode disconnects the
 * line. */
bool vuart_receive(struct vuart *u, u8 byte);

/* Bytes the receiver takes now without an overrun, for a caller that
 * paces its input: the FIFO's free space, or in 16450 mode (FIFOs off)
 * one while its receiver buffer is empty (PC16550D, "FIFO Control
 * Register" bit 0). */
unsigned vuart_rx_room(const struct vuart *u);

/* The model's state in a snapshot (hv/vdev/uart16550_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vuart_state_save(const struct vuart *d, u8 *buf, size_t cap);
int vuart_state_load(struct vuart *d, const u8 *in, size_t len);

#endif
