/*
 * The local APIC timer (SDM Vol 3, 11.5.4 "APIC Timer"): one-shot and
 * periodic modes counting down from the initial count at the input clock
 * divided by the divide configuration, and TSC-deadline mode (11.5.4.1
 * "TSC-Deadline Mode") comparing the guest's TSC with IA32_TSC_DEADLINE.
 * The count is never ticked: it is computed from the guest time its
 * counting last started (base_ns, base_count), so reads and expiries are
 * functions of the clock alone.
 */
#include "hv/vdev/lapic_internal.h"

#include <string.h>

#define DIVIDE_SHIFT_BITS 7u /* the divider's log2 wraps: 111b is divide by 1 */
#define DCR_LOW_BITS 3u      /* divide configuration bits 1:0 ... */
#define DCR_HIGH_BIT 8u      /* ... and bit 3, the third bit of the value */
#define DCR_HIGH_SHIFT 1

static enum timer_mode mode(const struct vlapic *l)
{
	return (enum timer_mode)((l->lvt[VLAPIC_LVT_TIMER] & LVT_TIMER_MODE_MASK) >>
				 LVT_TIMER_MODE_SHIFT);
}

/* Log2 of the divider (Figure 11-10 "Divide Configuration Register"):
 * bits 3, 1, 0 as a number n give divide by 2^(n+1), 111b by 1. One tick
 * of the divided clock is then 1 << shift nanoseconds (VLAPIC_TIMER_HZ). */
static unsigned divide_shift(u32 dcr)
{
	u32 n = (dcr & DCR_LOW_BITS) | ((dcr & DCR_HIGH_BIT) >> DCR_HIGH_SHIFT);

	return (n + 1) & DIVIDE_SHIFT_BITS;
}

void vl_timer_reset(struct vlapic *l)
{
	memset(&l->timer, 0, sizeof(l->timer));
	l->timer.expire_ns = VLAPIC_NEVER;
}

/* The count at now, for one-shot and periodic modes; 0 when stopped. */
static u32 count_at(const struct vlapic *l, u64 now)
{
	const struct vlapic_timer *t = &l->timer;
	u64 ticks;

	if (!t->base_count || now < t->base_ns)
		return t->base_count;
	ticks = (now - t->base_ns) >> divide_shift(t->divide);
	return ticks >= t->base_count ? 0 : t->base_count - (u32)ticks;
}

/* Counting starts again from count at now (initial-count writes, divide
 * and mode changes); the count reaches 0 count ticks later. */
static void rebase(struct vlapic *l, u64 now, u32 count)
{
	struct vlapic_timer *t = &l->timer;

	t->base_ns = now;
	t->base_count = count;
	t->expire_ns = count ? now + ((u64)count << divide_shift(t->divide)) : VLAPIC_NEVER;
}

/* The count reached 0 (or the deadline passed): the LVT's interrupt, if
 * unmasked. */
static void fire(struct vlapic *l)
{
	if (lvt_masked(l, VLAPIC_LVT_TIMER)) {
		l->stats.timer_masked++;
		return;
	}
	l->stats.timer_fires++;
	vl_fire_lvt(l, VLAPIC_LVT_TIMER);
}

/* Periodic mode reloads the initial count when the count reaches 0;
 * expiries missed since are merged into this one. */
static void reload(struct vlapic *l, u64 now)
{
	struct vlapic_timer *t = &l->timer;
	u64 period = (u64)t->initial << divide_shift(t->divide);
	u64 missed = (now - t->expire_ns) / period;

	l->stats.timer_coalesced += missed;
	rebase(l, t->expire_ns + missed * period, t->initial);
}

static void deadline_update(struct vlapic *l, u64 now)
{
	struct vlapic_timer *t = &l->timer;

	if (!t->deadline || !l->tsc.tsc_at || l->tsc.tsc_at(l->tsc.ctx, now) < t->deadline)
		return;
	t->deadline = 0; /* the timer disarms itself when it fires */
	fire(l);
}

void vlapic_update(struct vlapic *l)
{
	struct vlapic_timer *t = &l->timer;
	u64 now = vl_now(l);

	if (mode(l) == TIMER_TSC_DEADLINE) {
		deadline_update(l, now);
		return;
	}
	if (t->expire_ns > now)
		return;
	fire(l);
	if (mode(l) == TIMER_PERIODIC && t->initial)
		reload(l, now);
	else
		rebase(l, t->expire_ns, 0); /* one-shot: stays at 0 */
}

/* In TSC-deadline mode: when the guest's TSC reaches the deadline,
 * computed from TSC intervals only (a TSC the guest moved stays exact). */
static u64 deadline_ns(const struct vlapic *l)
{
	u64 now, tsc, ns;

	if (!l->timer.deadline || !l->tsc.tsc_at)
		return VLAPIC_NEVER;
	now = vl_now(l);
	tsc = l->tsc.tsc_at(l->tsc.ctx, now);
	if (l->timer.deadline <= tsc)
		return now;
	ns = l->tsc.cycles_to_ns(l->tsc.ctx, l->timer.deadline - tsc);
	return ns > VLAPIC_NEVER - now ? VLAPIC_NEVER : now + ns;
}

u64 vlapic_next_event_ns(const struct vlapic *l)
{
	if (!l->enabled || lvt_masked(l, VLAPIC_LVT_TIMER))
		return VLAPIC_NEVER; /* masked expiries are caught up at the next access */
	return mode(l) == TIMER_TSC_DEADLINE ? deadline_ns(l) : l->timer.expire_ns;
}

/* The current-count register: 0 in TSC-deadline mode (11.5.4.1). */
u32 vl_timer_current(struct vlapic *l)
{
	vlapic_update(l);
	return mode(l) == TIMER_TSC_DEADLINE ? 0 : count_at(l, vl_now(l));
}

/* Writing the initial count starts counting from it (0 stops the timer);
 * ignored in TSC-deadline mode. */
void vl_timer_write_initial(struct vlapic *l, u32 value)
{
	vlapic_update(l);
	if (mode(l) == TIMER_TSC_DEADLINE)
		return;
	l->timer.initial = value;
	rebase(l, vl_now(l), value);
}

/* A new divider applies from now on to the count as it stands. */
void vl_timer_write_divide(struct vlapic *l, u32 value)
{
	u64 now = vl_now(l);
	u32 count;

	vlapic_update(l);
	count = count_at(l, now);
	l->timer.divide = value & TIMER_DIVIDE_BITS;
	if (mode(l) != TIMER_TSC_DEADLINE)
		rebase(l, now, count);
}

/* A mode change to or from TSC-deadline disarms the timer (11.5.4.1:
 * initial count and deadline cleared); between one-shot and periodic the
 * count goes on under the new mode. */
void vl_timer_lvt_changed(struct vlapic *l, u32 old)
{
	enum timer_mode was = (enum timer_mode)((old & LVT_TIMER_MODE_MASK) >> LVT_TIMER_MODE_SHIFT);
	enum timer_mode now_mode = mode(l);
	u64 now = vl_now(l);

	if (was == now_mode)
		return;
	if (was == TIMER_TSC_DEADLINE || now_mode == TIMER_TSC_DEADLINE) {
		l->timer.initial = 0;
		l->timer.deadline = 0;
		rebase(l, now, 0);
		return;
	}
	rebase(l, now, count_at(l, now));
}

/* IA32_TSC_DEADLINE reads 0 and ignores writes outside TSC-deadline mode;
 * a deadline already passed fires at once, 0 disarms (11.5.4.1). */
u64 vl_timer_read_deadline(struct vlapic *l)
{
	vlapic_update(l);
	return mode(l) == TIMER_TSC_DEADLINE ? l->timer.deadline : 0;
}

void vl_timer_write_deadline(struct vlapic *l, u64 value)
{
	vlapic_update(l);
	if (mode(l) != TIMER_TSC_DEADLINE)
		return;
	l->timer.deadline = value;
	vlapic_update(l);
}
