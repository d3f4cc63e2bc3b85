/*
 * The guest's I/O APIC at 0xFEC00000: 24 input pins, each with a
 * redirection table entry that turns the pin's signal into an interrupt
 * message for the local APICs (fixed, lowest priority, NMI, ...), edge- or
 * level-triggered (remote IRR until the EOI of its vector), either
 * polarity. Registers are reached through IOREGSEL/IOWIN and the version
 * 20H EOI register. Pure code (host-tested); all state lives in struct
 * vioapic.
 *
 * Reference: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC) datasheet, 3.0 "Register Description"; the version and the EOI
 * register are those of the ICH/PCH I/O APIC (and QEMU's), version 20H.
 */
#ifndef UNDERSTUDY_HV_VDEV_IOAPIC_H
#define UNDERSTUDY_HV_VDEV_IOAPIC_H

#include "hv/io_bus.h"
#include "hv/vdev/lapic.h"
#include "types.h"

#define VIOAPIC_BASE 0xFEC00000ULL
#define VIOAPIC_SIZE 0x1000
#define VIOAPIC_PINS 24
#define VIOAPIC_VERSION 0x20

struct vioapic_ops {
	/* An interrupt message for the local APICs. */
	void (*deliver)(void *ctx, const struct vlapic_msg *m);
	void *ctx;
};

struct vioapic_stats {
	u64 messages;       /* interrupt messages sent */
	u64 masked;         /* edges or levels that found their pin masked */
	u64 eois;           /* remote IRRs cleared by an EOI */
	u64 bad_accesses;   /* accesses outside IOREGSEL, IOWIN and EOI */
};

struct vioapic {
	u8 id;          /* IOAPIC ID, bits 27:24 of register 0 */
	u8 regsel;      /* IOREGSEL */
	u64 rte[VIOAPIC_PINS];
	u32 levels;     /* the pins' input levels, one bit each */
	struct vioapic_ops ops;
	struct vioapic_stats stats;
};

/* Power-up state: ID 0, every pin masked. */
void vioapic_init(struct vioapic *io, struct vioapic_ops ops);

/* Claims 0xFEC00000-0xFEC00FFF on an MMIO bus. */
int vioapic_attach(struct vioapic *io, struct io_bus *mmio);

/* Drives input pin (0-23) to level. */
void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level);

/* A local APIC's EOI of vector: the remote IRR of every level-triggered
 * pin with that vector clears, and a pin still asserted signals again. */
void vioapic_eoi(struct vioapic *io, u8 vector);

/* Is pin unmasked in ExtINT mode (an 8259 behind it, virtual wire)? */
bool vioapic_pin_extint(const struct vioapic *io, unsigned pin);

/* Is some pin unmasked in NMI delivery mode? */
bool vioapic_nmi_armed(const struct vioapic *io);

/* Register access by offset in the page: IOREGSEL at 0x00, IOWIN at 0x10
 * (32-bit), EOI at 0x40 (write-only). */
u64 vioapic_read(struct vioapic *io, u64 offset, u8 size);
void vioapic_write(struct vioapic *io, u64 offset, u8 size, u64 value);

/* The model's state in a snapshot (hv/vdev/ioapic_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vioapic_state_save(const struct vioapic *d, u8 *buf, size_t cap);
int vioapic_state_load(struct vioapic *d, const u8 *in, size_t len);

#endif
