/*
 * Helpers for the device-model unit tests: a guest clock the test sets by
 * hand and an interrupt line that records what a device drives on it.
 * Header-only; everything is static inline.
 */
#ifndef UNDERSTUDY_TEST_UNIT_VDEV_HELPERS_H
#define UNDERSTUDY_TEST_UNIT_VDEV_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno.h"
#include "hv/io_bus.h"
#include "hv/vdev/vdev.h"
#include "types.h"

#define NS_PER_US 1000ULL
#define NS_PER_MS 1000000ULL
#define NS_PER_SEC 1000000000ULL

/* --- a guest clock that only moves when the test says so ---------------- */

struct fake_clock {
	u64 now;
	unsigned reads;
};

static inline u64 fake_clock_now(void *ctx)
{
	struct fake_clock *c = ctx;

	c->reads++;
	return c->now;
}

static inline struct vclock fake_vclock(struct fake_clock *c)
{
	struct vclock vc = { .now_ns = fake_clock_now, .ctx = c };

	return vc;
}

/* --- an interrupt line recorder (16 lines, ISA numbering) ---------------- */

#define IRQ_REC_LINES 16

struct irq_rec {
	bool level[IRQ_REC_LINES];
	unsigned rises[IRQ_REC_LINES]; /* 0 -> 1 transitions */
	unsigned falls[IRQ_REC_LINES]; /* 1 -> 0 transitions */
	unsigned sets[IRQ_REC_LINES];  /* every set() call */
};

static inline void irq_rec_set(void *ctx, unsigned irq, bool level)
{
	struct irq_rec *r = ctx;

	assert_true(irq < IRQ_REC_LINES);
	r->sets[irq]++;
	if (level && !r->level[irq])
		r->rises[irq]++;
	if (!level && r->level[irq])
		r->falls[irq]++;
	r->level[irq] = level;
}

static inline struct irq_line irq_rec_line(struct irq_rec *r, unsigned irq)
{
	struct irq_line l = { .set = irq_rec_set, .ctx = r, .irq = irq };

	return l;
}

/* --- port access shorthands through an io_bus ---------------------------- */

static inline u8 bus_inb(struct io_bus *bus, u16 port)
{
	u64 v;

	io_bus_read(bus, port, 1, &v);
	return (u8)v;
}

static inline u32 bus_in(struct io_bus *bus, u64 addr, u8 size)
{
	u64 v;

	io_bus_read(bus, addr, size, &v);
	return (u32)v;
}

static inline void bus_outb(struct io_bus *bus, u16 port, u8 value)
{
	io_bus_write(bus, port, 1, value);
}

static inline void bus_out(struct io_bus *bus, u64 addr, u8 size, u64 value)
{
	io_bus_write(bus, addr, size, value);
}

/* --- deterministic pseudo-random numbers (xorshift64*) ------------------ */

static inline u64 vdev_rand(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif
