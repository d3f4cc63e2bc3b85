/*
 * What guest device models share: the guest clock they read time from and
 * the interrupt lines they drive. Device models are pure code (host-tested):
 * all their state lives in their struct, they read time only through their
 * vclock (record/replay makes that clock's readings deterministic), and they
 * never touch host hardware.
 */
#ifndef UNDERSTUDY_HV_VDEV_VDEV_H
#define UNDERSTUDY_HV_VDEV_VDEV_H

#include "types.h"

/* Guest time in nanoseconds since the VM started; monotonic. */
struct vclock {
	u64 (*now_ns)(void *ctx);
	void *ctx;
};

static inline u64 vclock_now(const struct vclock *c)
{
	return c->now_ns(c->ctx);
}

/* An interrupt request line into the guest's interrupt controller. */
struct irq_line {
	void (*set)(void *ctx, unsigned irq, bool level);
	void *ctx;
	unsigned irq;
};

static inline void irq_line_set(const struct irq_line *l, bool level)
{
	if (l->set)
		l->set(l->ctx, l->irq, level);
}

#endif
