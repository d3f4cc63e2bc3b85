/*
 * A local APIC under test: a clock the test moves, a guest TSC that runs
 * at 3 cycles a nanosecond from an offset the test sets, and recorders for
 * what the APIC tells its surroundings (EOI broadcasts, unsupported
 * requests). Header-only, for test_vlapic*.c.
 */
#ifndef UNDERSTUDY_TEST_UNIT_VLAPIC_FIXTURE_H
#define UNDERSTUDY_TEST_UNIT_VLAPIC_FIXTURE_H

#include "vdev_helpers.h"

#include "compiler.h"
#include "hv/vdev/lapic.h"

#define TSC_PER_NS 3
#define MAX_EOIS 16

/* xAPIC register offsets (SDM Vol 3, Table 11-1), as the guest uses them. */
enum {
	ID = 0x020, VER = 0x030, TPR = 0x080, APR = 0x090, PPR = 0x0A0, EOI = 0x0B0,
	LDR = 0x0D0, DFR = 0x0E0, SVR = 0x0F0, ISR0 = 0x100, TMR0 = 0x180, IRR0 = 0x200,
	ESR = 0x280, ICR_LO = 0x300, ICR_HI = 0x310, LVT_TIMER = 0x320, LVT_THERMAL = 0x330,
	LVT_PERF = 0x340, LVT_LINT0 = 0x350, LVT_LINT1 = 0x360, LVT_ERROR = 0x370,
	TMICT = 0x380, TMCCT = 0x390, TDCR = 0x3E0,
};

/* Register bits used by the tests. */
#define MASKED 0x10000u
#define SW_ENABLE 0x100u
#define DM_NMI 0x400u
#define DM_EXTINT 0x700u
#define DM_INIT 0x500u
#define DM_SIPI 0x600u
#define DM_SMI 0x200u
#define DM_LOWEST 0x100u
#define LOGICAL 0x800u
#define LEVEL 0x8000u
#define ASSERT 0x4000u
#define SH_SELF (1u << 18)
#define SH_ALL (2u << 18)
#define SH_OTHERS (3u << 18)
#define PERIODIC (1u << 17)
#define TSC_DEADLINE (2u << 17)
#define DIV_1 0xB
#define DIV_2 0x0
#define DIV_16 0x3
#define DIV_128 0xA

struct lapic_fix {
	struct vlapic l;
	struct io_bus mmio;
	struct fake_clock clock;
	u64 tsc_offset;
	u8 eois[MAX_EOIS];
	unsigned neoi;
	unsigned unsupported[VLAPIC_UNSUP_COUNT];
	u64 last_detail;
};

static inline void fix_eoi(void *ctx, u8 vector)
{
	struct lapic_fix *f = ctx;

	assert_true(f->neoi < MAX_EOIS);
	f->eois[f->neoi++] = vector;
}

static inline void fix_unsupported(void *ctx, enum vlapic_unsupported what, u64 detail,
				   const struct vlapic_msg *m)
{
	struct lapic_fix *f = ctx;

	(void)m;
	f->unsupported[what]++;
	f->last_detail = detail;
}

static inline u64 fix_tsc_at(void *ctx, u64 ns)
{
	return ns * TSC_PER_NS + ((struct lapic_fix *)ctx)->tsc_offset;
}

static inline u64 fix_cycles_to_ns(void *ctx, u64 cycles)
{
	(void)ctx;
	return (cycles + TSC_PER_NS - 1) / TSC_PER_NS;
}

/* A fresh APIC (ID apic_id) in its power-up state, its page on f->mmio. */
static inline void fix_init(struct lapic_fix *f, u32 apic_id)
{
	struct vlapic_tsc tsc = { fix_tsc_at, fix_cycles_to_ns, f };
	struct vlapic_ops ops = { fix_eoi, fix_unsupported, f };

	memset(f, 0, sizeof(*f));
	io_bus_init(&f->mmio);
	vlapic_init(&f->l, apic_id, fake_vclock(&f->clock), tsc, ops);
	assert_int_equal(vlapic_attach(&f->l, &f->mmio), 0);
}

static inline int fix_setup(void **state)
{
	struct lapic_fix *f = test_calloc(1, sizeof(*f));

	fix_init(f, 0);
	*state = f;
	return 0;
}

static inline int fix_teardown(void **state)
{
	test_free(*state);
	return 0;
}

static inline u32 rd(struct lapic_fix *f, u32 reg)
{
	return bus_in(&f->mmio, VLAPIC_BASE + reg, 4);
}

static inline void wr(struct lapic_fix *f, u32 reg, u32 value)
{
	bus_out(&f->mmio, VLAPIC_BASE + reg, 4, value);
}

/* Software-enables the APIC (SVR) with spurious vector 0xFF. */
static inline void sw_enable(struct lapic_fix *f)
{
	wr(f, SVR, SW_ENABLE | 0xFF);
}

/* A fixed IPI to itself through the self shorthand. */
static inline void self_ipi(struct lapic_fix *f, u8 vector)
{
	wr(f, ICR_LO, SH_SELF | vector);
}

static inline bool irr_has(struct lapic_fix *f, u8 v)
{
	return rd(f, IRR0 + (v / 32) * 0x10) & (1u << (v % 32));
}

static inline bool isr_has(struct lapic_fix *f, u8 v)
{
	return rd(f, ISR0 + (v / 32) * 0x10) & (1u << (v % 32));
}

static inline bool tmr_has(struct lapic_fix *f, u8 v)
{
	return rd(f, TMR0 + (v / 32) * 0x10) & (1u << (v % 32));
}

#endif
