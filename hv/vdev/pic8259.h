/*
 * The guest's cascaded 8259A interrupt controllers: the master at ports
 * 0x20-0x21 (IRQ 0-7), the slave at 0xA0-0xA1 (IRQ 8-15) on the master's
 * IRQ 2, and the PIIX edge/level control registers (ELCR) at 0x4D0-0x4D1.
 * Pure code (host-tested); all state lives in struct vpic.
 */
#ifndef UNDERSTUDY_HV_VDEV_PIC8259_H
#define UNDERSTUDY_HV_VDEV_PIC8259_H

#include "hv/io_bus.h"
#include "hv/vdev/vdev.h"
#include "types.h"

#define VPIC_MASTER_BASE 0x20 /* command port; data port is +1 */
#define VPIC_SLAVE_BASE 0xA0
#define VPIC_ELCR_BASE 0x4D0 /* ELCR1 (IRQ 0-7), ELCR2 (IRQ 8-15) at +1 */
#define VPIC_NUM_IRQS 16
#define VPIC_CASCADE_IRQ 2 /* master input the slave's INT drives */

/* One 8259A. Bits are IR inputs 0-7 of this chip. */
struct vpic_chip {
	u8 irr, isr, imr;
	u8 lines;        /* input levels, for edge detection */
	u8 elcr;         /* inputs that are level-triggered (ELCR) */
	u8 vector_base;  /* ICW2 bits 7:3 */
	u8 icw3;         /* stored; the PC's cascade wiring is fixed */
	u8 priority_add; /* rotation: IR priority_add has the highest priority */
	u8 init_step;    /* next initialization word: 0 none, 2-4 = ICW2-ICW4 */
	bool icw4_needed, single, ltim;
	bool auto_eoi, rotate_on_aeoi, special_fully_nested;
	bool read_isr, special_mask, poll;
};

struct vpic_stats {
	u64 acks;     /* INTA cycles */
	u64 spurious; /* INTA cycles answered with IRQ 7 or 15 */
};

struct vpic {
	struct vpic_chip chip[2]; /* master, slave */
	bool int_level;           /* level last driven on the INT output */
	struct irq_line intr;     /* INT output to the CPU; may be unset */
	struct vpic_stats stats;
};

/* Sets up the pair in its power-on state (all inputs masked until the guest
 * initializes them). intr, if its set callback is non-NULL, follows the
 * master's INT output: high while vpic_pending_vector() >= 0. */
void vpic_init(struct vpic *pic, struct irq_line intr);

/* Claims 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1 on bus. */
int vpic_attach(struct vpic *pic, struct io_bus *bus);

/* Drives input irq (0-15) to level: a rising edge requests an interrupt
 * unless ELCR (or ICW1 LTIM) makes the input level-triggered. IRQ 2 is the
 * cascade input and numbers >= 16 do not exist: both are ignored. */
void vpic_set_irq(struct vpic *pic, unsigned irq, bool level);

/* The vector the next INTA cycle would return, or -1 when no request can
 * be delivered (respecting IMR, in-service priority and the cascade). A
 * request on IRQ 2 whose slave request vanished gives the slave's IRQ 15. */
int vpic_pending_vector(const struct vpic *pic);

/* The INTA cycle: moves the highest request from IRR to ISR (unless in
 * auto-EOI) and returns its vector; with nothing deliverable, the master's
 * IRQ 7 vector (spurious) and no ISR change. */
int vpic_ack(struct vpic *pic);

/* An interrupt line a device model can drive to reach input irq. */
struct irq_line vpic_irq_line(struct vpic *pic, unsigned irq);

/* One port access (0x20/0x21, 0xA0/0xA1, 0x4D0/0x4D1); others read 0xFF. */
u8 vpic_read(struct vpic *pic, u16 port);
void vpic_write(struct vpic *pic, u16 port, u8 value);

/* The model's state in a snapshot (hv/vdev/pic8259_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vpic_state_save(const struct vpic *d, u8 *buf, size_t cap);
int vpic_state_load(struct vpic *d, const u8 *in, size_t len);

#endif
