/*
 * Guest 8259A pair. Command words: Intel 8259A datasheet, "Initialization
 * Command Words" and "Operation Command Words"; priority, EOI and polling:
 * "Interrupt Sequence", "The Special Fully Nested Mode", "Automatic
 * Rotation", "Special Mask Mode", "Poll Command"; edge/level control: Intel
 * 82371AB (PIIX4) datasheet, "ELCR1/ELCR2 - Edge/Level Control Registers".
 */
#include "hv/vdev/pic8259.h"

#include <string.h>

#include "compiler.h"

#define MASTER 0
#define SLAVE 1
#define IRQS_PER_CHIP 8
#define IR_MASK 7 /* IR number within a chip */

/* ICW1 (8259A datasheet, Initialization Command Words). */
#define ICW1_IC4 0x01  /* ICW4 needed */
#define ICW1_SNGL 0x02 /* single 8259A, no ICW3 */
#define ICW1_LTIM 0x08 /* level-triggered inputs */
#define ICW1_INIT 0x10 /* written to A0=0, marks ICW1 */
/* ICW2: vector bits T7-T3 (8086 mode). */
#define ICW2_VECTOR_MASK 0xF8
/* ICW4. */
#define ICW4_AEOI 0x02 /* automatic end of interrupt */
#define ICW4_SFNM 0x10 /* special fully nested mode */

/* OCW2 (8259A datasheet, Operation Command Words): R, SL, EOI in bits 7:5. */
#define OCW2_CMD_SHIFT 5
#define OCW2_LEVEL_MASK 0x07 /* L2-L0 */
enum ocw2_cmd {
	OCW2_CLEAR_ROTATE_AEOI = 0, /* rotate in automatic EOI mode (clear) */
	OCW2_NONSPECIFIC_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_SET_ROTATE_AEOI = 4, /* rotate in automatic EOI mode (set) */
	OCW2_ROTATE_NONSPECIFIC_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};
/* OCW3. */
#define OCW3_SELECT 0x08 /* D4=0, D3=1 marks OCW3 */
#define OCW3_RIS 0x01    /* read ISR (else IRR) */
#define OCW3_RR 0x02     /* RIS is valid */
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20  /* set special mask mode */
#define OCW3_ESMM 0x40 /* SMM is valid */
/* Poll word: I bit and the highest requesting level W2-W0. */
#define POLL_INTERRUPT 0x80

/* PIIX4 ELCR: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
#define ELCR1_WRITABLE 0xF8
#define ELCR2_WRITABLE 0xDE

#define SPURIOUS_IR 7 /* the IR a request that vanished is answered with */
#define ALL_INPUTS 0xFF
#define OPEN_BUS 0xFF /* a read nothing answers */
#define PORTS_PER_RANGE 2
#define LOWEST_PRIORITY 8 /* get_priority() of an empty mask */

static u8 bit(unsigned ir)
{
	return (u8)(1u << (ir & IR_MASK));
}

/* Inputs that are level-triggered: ELCR, or all of them with ICW1 LTIM. */
static u8 level_mask(const struct vpic_chip *c)
{
	return c->ltim ? ALL_INPUTS : c->elcr;
}

/* Priority rank (0 = highest) of the best request in mask, given the
 * current rotation; LOWEST_PRIORITY for an empty mask. */
static unsigned get_priority(const struct vpic_chip *c, u8 mask)
{
	unsigned p = 0;

	if (!mask)
		return LOWEST_PRIORITY;
	while (!(mask & bit(p + c->priority_add)))
		p++;
	return p;
}

/*
 * The IR the chip would interrupt for, or -1: the best unmasked request must
 * outrank everything in service. Special mask mode ignores masked in-service
 * levels; in special fully nested mode the master ignores its own in-service
 * cascade input so a higher slave request can nest.
 */
static int chip_best_irq(const struct vpic_chip *c, bool master)
{
	unsigned request, in_service;
	u8 isr = c->isr;

	if (c->init_step)
		return -1;
	request = get_priority(c, c->irr & ~c->imr);
	if (request == LOWEST_PRIORITY)
		return -1;
	if (c->special_mask)
		isr &= ~c->imr;
	if (c->special_fully_nested && master)
		isr &= ~bit(VPIC_CASCADE_IRQ);
	in_service = get_priority(c, isr);
	if (request >= in_service)
		return -1;
	return (request + c->priority_add) & IR_MASK;
}

/* An input changed level: latch an edge or follow a level into IRR. */
static void chip_set_input(struct vpic_chip *c, unsigned ir, bool level)
{
	u8 m = bit(ir);

	if (level_mask(c) & m) {
		c->irr = level ? c->irr | m : c->irr & ~m;
	} else if (level && !(c->lines & m)) {
		c->irr |= m;
	}
	c->lines = level ? c->lines | m : c->lines & ~m;
}

/* INTA (or poll) for ir: into service unless auto-EOI; an edge request is
 * consumed, a level request stays while its input is high. */
static void chip_intack(struct vpic_chip *c, unsigned ir)
{
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->priority_add = (ir + 1) & IR_MASK;
	} else {
		c->isr |= bit(ir);
	}
	if (!(level_mask(c) & bit(ir)))
		c->irr &= ~bit(ir);
}

/* ICW1 resets the chip (8259A datasheet, Initialization Command Words):
 * edge sense reset, IMR cleared, IR7 lowest priority, special mask mode off,
 * IRR selected for reads. ELCR and the input levels are not affected. */
static void chip_icw1(struct vpic_chip *c, u8 icw1)
{
	c->ltim = icw1 & ICW1_LTIM;
	c->irr = c->lines & level_mask(c);
	c->isr = 0;
	c->imr = 0;
	c->priority_add = 0;
	c->vector_base = 0;
	c->read_isr = false;
	c->special_mask = false;
	c->poll = false;
	c->auto_eoi = false;
	c->rotate_on_aeoi = false;
	c->special_fully_nested = false;
	c->icw4_needed = icw1 & ICW1_IC4;
	c->single = icw1 & ICW1_SNGL;
	c->init_step = 2;
}

/* The in-service IR a non-specific EOI ends: the highest-priority one. */
static int chip_highest_isr(const struct vpic_chip *c)
{
	unsigned p = get_priority(c, c->isr);

	if (p == LOWEST_PRIORITY)
		return -1;
	return (p + c->priority_add) & IR_MASK;
}

/* OCW2: end of interrupt, rotation and priority commands. */
static void chip_ocw2(struct vpic_chip *c, u8 value)
{
	unsigned level = value & OCW2_LEVEL_MASK;
	int ir;

	switch (value >> OCW2_CMD_SHIFT) {
	case OCW2_CLEAR_ROTATE_AEOI:
		c->rotate_on_aeoi = false;
		break;
	case OCW2_SET_ROTATE_AEOI:
		c->rotate_on_aeoi = true;
		break;
	case OCW2_NONSPECIFIC_EOI:
	case OCW2_ROTATE_NONSPECIFIC_EOI:
		ir = chip_highest_isr(c);
		if (ir < 0)
			break;
		c->isr &= ~bit(ir);
		if ((value >> OCW2_CMD_SHIFT) == OCW2_ROTATE_NONSPECIFIC_EOI)
			c->priority_add = (ir + 1) & IR_MASK;
		break;
	case OCW2_SPECIFIC_EOI:
		c->isr &= ~bit(level);
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->isr &= ~bit(level);
		c->priority_add = (level + 1) & IR_MASK;
		break;
	case OCW2_SET_PRIORITY: /* level becomes the lowest priority */
		c->priority_add = (level + 1) & IR_MASK;
		break;
	default: /* OCW2_NOP */
		break;
	}
}

static void chip_ocw3(struct vpic_chip *c, u8 value)
{
	if (value & OCW3_POLL)
		c->poll = true;
	if (value & OCW3_RR)
		c->read_isr = value & OCW3_RIS;
	if (value & OCW3_ESMM)
		c->special_mask = value & OCW3_SMM;
}

/* A0=0 write: ICW1, OCW3 or OCW2 by bits D4 and D3. */
static void chip_write_command(struct vpic_chip *c, u8 value)
{
	if (value & ICW1_INIT)
		chip_icw1(c, value);
	else if (value & OCW3_SELECT)
		chip_ocw3(c, value);
	else
		chip_ocw2(c, value);
}

/* A0=1 write: the next ICW of an initialization sequence, else OCW1. */
static void chip_write_data(struct vpic_chip *c, u8 value)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = value & ICW2_VECTOR_MASK;
		if (!c->single)
			c->init_step = 3;
		else
			c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 3:
		c->icw3 = value;
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = value & ICW4_AEOI;
		c->special_fully_nested = value & ICW4_SFNM;
		c->init_step = 0;
		break;
	default:
		c->imr = value;
		break;
	}
}

/* Poll command: the read acknowledges the best request like an INTA. */
static u8 chip_poll(struct vpic_chip *c, bool master)
{
	int ir = chip_best_irq(c, master);

	c->poll = false;
	if (ir < 0)
		return 0;
	chip_intack(c, ir);
	return POLL_INTERRUPT | ir;
}

static u8 chip_read(struct vpic_chip *c, bool master, unsigned a0)
{
	if (c->poll)
		return chip_poll(c, master);
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/* Re-derives the cascade (slave INT -> master IR2) and the INT output. */
static void update(struct vpic *pic)
{
	bool slave_int = chip_best_irq(&pic->chip[SLAVE], false) >= 0;
	bool level;

	chip_set_input(&pic->chip[MASTER], VPIC_CASCADE_IRQ, slave_int);
	level = vpic_pending_vector(pic) >= 0;
	if (level != pic->int_level) {
		pic->int_level = level;
		irq_line_set(&pic->intr, level);
	}
}

void vpic_init(struct vpic *pic, struct irq_line intr)
{
	memset(pic, 0, sizeof(*pic));
	pic->intr = intr;
	pic->chip[MASTER].imr = ALL_INPUTS;
	pic->chip[SLAVE].imr = ALL_INPUTS;
}

void vpic_set_irq(struct vpic *pic, unsigned irq, bool level)
{
	if (irq >= VPIC_NUM_IRQS || irq == VPIC_CASCADE_IRQ)
		return;
	chip_set_input(&pic->chip[irq / IRQS_PER_CHIP], irq % IRQS_PER_CHIP, level);
	update(pic);
}

int vpic_pending_vector(const struct vpic *pic)
{
	const struct vpic_chip *m = &pic->chip[MASTER], *s = &pic->chip[SLAVE];
	int ir = chip_best_irq(m, true), slave_ir;

	if (ir < 0)
		return -1;
	if (ir != VPIC_CASCADE_IRQ)
		return m->vector_base + ir;
	slave_ir = chip_best_irq(s, false);
	return s->vector_base + (slave_ir < 0 ? SPURIOUS_IR : slave_ir);
}

int vpic_ack(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[MASTER], *s = &pic->chip[SLAVE];
	int ir = chip_best_irq(m, true), slave_ir, vector;

	pic->stats.acks++;
	if (ir < 0) {
		pic->stats.spurious++;
		return m->vector_base + SPURIOUS_IR;
	}
	if (ir == VPIC_CASCADE_IRQ) {
		slave_ir = chip_best_irq(s, false);
		if (slave_ir >= 0) {
			chip_intack(s, slave_ir);
		} else {
			slave_ir = SPURIOUS_IR;
			pic->stats.spurious++;
		}
		vector = s->vector_base + slave_ir;
	} else {
		vector = m->vector_base + ir;
	}
	chip_intack(m, ir);
	update(pic);
	return vector;
}

static void line_set(void *ctx, unsigned irq, bool level)
{
	vpic_set_irq(ctx, irq, level);
}

struct irq_line vpic_irq_line(struct vpic *pic, unsigned irq)
{
	struct irq_line line = { .set = line_set, .ctx = pic, .irq = irq };

	return line;
}

/* ELCR write: only the PIIX4's writable bits; level inputs then follow
 * their line into IRR. */
static void write_elcr(struct vpic_chip *c, u8 value, u8 writable)
{
	u8 lm;

	c->elcr = value & writable;
	lm = level_mask(c);
	c->irr = (c->irr & ~lm) | (c->lines & lm);
}

u8 vpic_read(struct vpic *pic, u16 port)
{
	u8 value;

	switch (port) {
	case VPIC_MASTER_BASE:
	case VPIC_MASTER_BASE + 1:
		value = chip_read(&pic->chip[MASTER], true, port & 1);
		break;
	case VPIC_SLAVE_BASE:
	case VPIC_SLAVE_BASE + 1:
		value = chip_read(&pic->chip[SLAVE], false, port & 1);
		break;
	case VPIC_ELCR_BASE:
		return pic->chip[MASTER].elcr;
	case VPIC_ELCR_BASE + 1:
		return pic->chip[SLAVE].elcr;
	default:
		return OPEN_BUS;
	}
	update(pic); /* a poll read acknowledges */
	return value;
}

void vpic_write(struct vpic *pic, u16 port, u8 value)
{
	switch (port) {
	case VPIC_MASTER_BASE:
		chip_write_command(&pic->chip[MASTER], value);
		break;
	case VPIC_MASTER_BASE + 1:
		chip_write_data(&pic->chip[MASTER], value);
		break;
	case VPIC_SLAVE_BASE:
		chip_write_command(&pic->chip[SLAVE], value);
		break;
	case VPIC_SLAVE_BASE + 1:
		chip_write_data(&pic->chip[SLAVE], value);
		break;
	case VPIC_ELCR_BASE:
		write_elcr(&pic->chip[MASTER], value, ELCR1_WRITABLE);
		break;
	case VPIC_ELCR_BASE + 1:
		write_elcr(&pic->chip[SLAVE], value, ELCR2_WRITABLE);
		break;
	default:
		return;
	}
	update(pic);
}

/* Byte cycles at successive ports for a wider access (ISA bus sizing). */
static u64 io_read_bytes(struct vpic *pic, u16 base, u64 offset, u8 size)
{
	u64 value = 0;

	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 off = offset + i;
		u8 byte = off < PORTS_PER_RANGE ? vpic_read(pic, base + off) : OPEN_BUS;

		value |= (u64)byte << (8 * i);
	}
	return value;
}

static void io_write_bytes(struct vpic *pic, u16 base, u64 offset, u8 size, u64 value)
{
	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 off = offset + i;

		if (off < PORTS_PER_RANGE)
			vpic_write(pic, base + off, value >> (8 * i));
	}
}

static u64 master_io_read(void *dev, u64 offset, u8 size)
{
	return io_read_bytes(dev, VPIC_MASTER_BASE, offset, size);
}

static void master_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	io_write_bytes(dev, VPIC_MASTER_BASE, offset, size, value);
}

static u64 slave_io_read(void *dev, u64 offset, u8 size)
{
	return io_read_bytes(dev, VPIC_SLAVE_BASE, offset, size);
}

static void slave_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	io_write_bytes(dev, VPIC_SLAVE_BASE, offset, size, value);
}

static u64 elcr_io_read(void *dev, u64 offset, u8 size)
{
	return io_read_bytes(dev, VPIC_ELCR_BASE, offset, size);
}

static void elcr_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	io_write_bytes(dev, VPIC_ELCR_BASE, offset, size, value);
}

int vpic_attach(struct vpic *pic, struct io_bus *bus)
{
	const struct io_range ranges[] = {
		{ .base = VPIC_MASTER_BASE, .len = PORTS_PER_RANGE, .dev = pic, .read = master_io_read, .write = master_io_write, .name = "pic-master" },
		{ .base = VPIC_SLAVE_BASE, .len = PORTS_PER_RANGE, .dev = pic, .read = slave_io_read, .write = slave_io_write, .name = "pic-slave" },
		{ .base = VPIC_ELCR_BASE, .len = PORTS_PER_RANGE, .dev = pic, .read = elcr_io_read, .write = elcr_io_write, .name = "elcr" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(ranges); i++) {
		int err = io_bus_register(bus, &ranges[i]);

		if (err)
			return err;
	}
	return 0;
}
