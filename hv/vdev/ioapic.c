/*
 * I/O APIC (see ioapic.h). Register and entry layouts: 82093AA datasheet,
 * 3.0 "Register Description": 3.1.1 IOREGSEL, 3.1.2 IOWIN, 3.2.1 IOAPICID,
 * 3.2.2 IOAPICVER, 3.2.3 IOAPICARB, 3.2.4 "IOREDTBL[23:0]—I/O Redirection
 * Table Registers".
 */
#include "hv/vdev/ioapic.h"

#include <string.h>

/* Direct registers (offsets in the page). */
#define OFF_IOREGSEL 0x00
#define OFF_IOWIN 0x10
#define OFF_EOI 0x40 /* version 20H: write a vector, end its level interrupts */

/* Indirect registers (IOREGSEL values). */
#define REG_ID 0x00
#define REG_VER 0x01
#define REG_ARB 0x02
#define REG_RTE0 0x10 /* RTE n: low dword 10H + 2n, high dword 11H + 2n */

#define ID_SHIFT 24
#define ID_MASK 0xFu
#define VER_MAX_RTE_SHIFT 16 /* IOAPICVER bits 23:16: entries - 1 */

/* Redirection table entry bits. */
#define RTE_VECTOR 0xFFULL
#define RTE_DM_SHIFT 8
#define RTE_DM_MASK (7ULL << 8)
#define RTE_LOGICAL (1ULL << 11)
#define RTE_DELIVERY_STATUS (1ULL << 12) /* read-only: always idle here */
#define RTE_ACTIVE_LOW (1ULL << 13)
#define RTE_REMOTE_IRR (1ULL << 14)      /* read-only */
#define RTE_LEVEL (1ULL << 15)
#define RTE_MASKED (1ULL << 16)
#define RTE_DEST_SHIFT 56
#define RTE_LOW_WRITABLE 0x0001AFFFULL   /* 16:13 but 14, 11:0 */
#define RTE_HIGH_WRITABLE 0xFFFF000000000000ULL /* destination 63:56, extended 55:48 */
#define RTE_RESET RTE_MASKED

void vioapic_init(struct vioapic *io, struct vioapic_ops ops)
{
	memset(io, 0, sizeof(*io));
	io->ops = ops;
	for (unsigned i = 0; i < VIOAPIC_PINS; i++)
		io->rte[i] = RTE_RESET;
}

static u8 rte_mode(u64 rte)
{
	return (u8)((rte & RTE_DM_MASK) >> RTE_DM_SHIFT);
}

/* Only fixed and lowest-priority entries are level-triggered; NMI, SMI,
 * INIT and ExtINT are edge (3.2.4, trigger mode). */
static bool is_level(u64 rte)
{
	u8 mode = rte_mode(rte);

	return (rte & RTE_LEVEL) && (mode == VLAPIC_DM_FIXED || mode == VLAPIC_DM_LOWEST);
}

/* The pin's input as its entry's polarity reads it. */
static bool pin_active(const struct vioapic *io, unsigned pin)
{
	bool level = io->levels & (1u << pin);

	return level != !!(io->rte[pin] & RTE_ACTIVE_LOW);
}

/* The pin signals: a message unless the pin is masked, a level interrupt
 * still awaits its EOI, or the entry is ExtINT (the 8259 is read through
 * INTA, vioapic_pin_extint). */
static void signal_pin(struct vioapic *io, unsigned pin)
{
	u64 rte = io->rte[pin];
	struct vlapic_msg m = {
		.vector = (u8)(rte & RTE_VECTOR),
		.mode = rte_mode(rte),
		.logical = rte & RTE_LOGICAL,
		.level = is_level(rte),
		.wide = false,
		.dest = (u32)(rte >> RTE_DEST_SHIFT),
	};

	if (rte & RTE_MASKED) {
		io->stats.masked++;
		return;
	}
	if (m.mode == VLAPIC_DM_EXTINT || (m.level && (rte & RTE_REMOTE_IRR)))
		return;
	if (m.level)
		io->rte[pin] |= RTE_REMOTE_IRR;
	io->stats.messages++;
	if (io->ops.deliver)
		io->ops.deliver(io->ops.ctx, &m);
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level)
{
	bool was;

	if (pin >= VIOAPIC_PINS)
		return;
	was = pin_active(io, pin);
	io->levels = level ? io->levels | (1u << pin) : io->levels & ~(1u << pin);
	if (!pin_active(io, pin))
		return;
	if (is_level(io->rte[pin]) || !was)
		signal_pin(io, pin);
}

void vioapic_eoi(struct vioapic *io, u8 vector)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		u64 *rte = &io->rte[pin];

		if (!(*rte & RTE_REMOTE_IRR) || (*rte & RTE_VECTOR) != vector)
			continue;
		*rte &= ~RTE_REMOTE_IRR;
		io->stats.eois++;
		if (is_level(*rte) && pin_active(io, pin))
			signal_pin(io, pin);
	}
}

bool vioapic_pin_extint(const struct vioapic *io, unsigned pin)
{
	return pin < VIOAPIC_PINS && !(io->rte[pin] & RTE_MASKED) &&
	       rte_mode(io->rte[pin]) == VLAPIC_DM_EXTINT;
}

bool vioapic_nmi_armed(const struct vioapic *io)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		if (!(io->rte[pin] & RTE_MASKED) && rte_mode(io->rte[pin]) == VLAPIC_DM_NMI)
			return true;
	return false;
}

static u32 read_register(const struct vioapic *io, u8 reg)
{
	unsigned pin = (reg - REG_RTE0) / 2;

	switch (reg) {
	case REG_ID:
	case REG_ARB: /* loaded from the ID whenever the ID is written (3.2.3) */
		return (u32)io->id << ID_SHIFT;
	case REG_VER:
		return VIOAPIC_VERSION | (VIOAPIC_PINS - 1) << VER_MAX_RTE_SHIFT;
	default:
		if (reg < REG_RTE0 || pin >= VIOAPIC_PINS)
			return 0; /* reserved */
		return (u32)(reg & 1 ? io->rte[pin] >> 32 : io->rte[pin]);
	}
}

/* An entry write. Switching to edge ends a remote IRR; a level pin that is
 * asserted and now unmasked signals at once. */
static void write_rte(struct vioapic *io, unsigned pin, bool high, u32 value)
{
	u64 *rte = &io->rte[pin];

	if (high)
		*rte = (*rte & ~RTE_HIGH_WRITABLE) | (((u64)value << 32) & RTE_HIGH_WRITABLE);
	else
		*rte = (*rte & ~RTE_LOW_WRITABLE) | (value & RTE_LOW_WRITABLE);
	if (!is_level(*rte))
		*rte &= ~RTE_REMOTE_IRR;
	else if (pin_active(io, pin))
		signal_pin(io, pin);
}

static void write_register(struct vioapic *io, u8 reg, u32 value)
{
	unsigned pin = (reg - REG_RTE0) / 2;

	if (reg == REG_ID)
		io->id = (value >> ID_SHIFT) & ID_MASK;
	else if (reg >= REG_RTE0 && pin < VIOAPIC_PINS)
		write_rte(io, pin, reg & 1, value);
	/* VER and ARB are read-only; other indexes are reserved */
}

u64 vioapic_read(struct vioapic *io, u64 offset, u8 size)
{
	if (offset == OFF_IOREGSEL)
		return io->regsel;
	if (offset == OFF_IOWIN && size == 4)
		return read_register(io, io->regsel);
	io->stats.bad_accesses++;
	return 0;
}

void vioapic_write(struct vioapic *io, u64 offset, u8 size, u64 value)
{
	if (offset == OFF_IOREGSEL)
		io->regsel = (u8)value;
	else if (offset == OFF_IOWIN && size == 4)
		write_register(io, io->regsel, (u32)value);
	else if (offset == OFF_EOI)
		vioapic_eoi(io, (u8)value);
	else
		io->stats.bad_accesses++;
}

static u64 ioapic_mmio_read(void *dev, u64 offset, u8 size)
{
	return vioapic_read(dev, offset, size);
}

static void ioapic_mmio_write(void *dev, u64 offset, u8 size, u64 value)
{
	vioapic_write(dev, offset, size, value);
}

int vioapic_attach(struct vioapic *io, struct io_bus *mmio)
{
	struct io_range range = {
		.base = VIOAPIC_BASE,
		.len = VIOAPIC_SIZE,
		.dev = io,
		.read = ioapic_mmio_read,
		.write = ioapic_mmio_write,
		.name = "ioapic",
	};

	return io_bus_register(mmio, &range);
}
