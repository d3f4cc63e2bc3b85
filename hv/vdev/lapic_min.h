/*
 * A minimal local APIC for the guest's one CPU: the xAPIC register page at
 * 0xFEE00000 with its registers stored and answered, but no interrupt
 * delivery, no timer and no other CPUs (IPIs, INIT and SIPI included, are
 * accepted and counted). IA32_APIC_BASE can disable and re-enable the APIC
 * at its fixed base; moving it or x2APIC mode is refused. Pure code
 * (host-tested); all state lives in struct vlapic.
 */
#ifndef UNDERSTUDY_HV_VDEV_LAPIC_MIN_H
#define UNDERSTUDY_HV_VDEV_LAPIC_MIN_H

#include "hv/io_bus.h"
#include "types.h"

#define VLAPIC_BASE 0xFEE00000ULL /* default and only register page address */
#define VLAPIC_PAGE_SIZE 0x1000
#define VLAPIC_VERSION 0x00050014 /* version 0x14, max LVT entry 5 */

/* IA32_APIC_BASE MSR bits (Intel SDM Vol 3, 11.4.4 Local APIC Status and
 * Location, Figure 11-5). */
#define VLAPIC_BASE_BSP (1ULL << 8)
#define VLAPIC_BASE_EXTD (1ULL << 10) /* x2APIC mode */
#define VLAPIC_BASE_EN (1ULL << 11)

enum vlapic_lvt {
	VLAPIC_LVT_CMCI,
	VLAPIC_LVT_TIMER,
	VLAPIC_LVT_THERMAL,
	VLAPIC_LVT_PERF,
	VLAPIC_LVT_LINT0,
	VLAPIC_LVT_LINT1,
	VLAPIC_LVT_ERROR,
	VLAPIC_LVT_COUNT,
};

struct vlapic_stats {
	u64 eoi_writes;
	u64 ipis;              /* ICR low writes: every IPI sent */
	u64 init_ipis;         /* of which INIT (assert or de-assert) */
	u64 startup_ipis;      /* of which SIPI */
	u64 bad_accesses;      /* not an aligned 4-byte access at a 16-byte offset */
	u64 reserved_accesses; /* aligned accesses at offsets with no register */
	u64 ignored_writes;    /* writes to read-only registers */
	u64 disabled_accesses; /* register page accesses while IA32_APIC_BASE.EN = 0 */
};

struct vlapic {
	u32 initial_id; /* APIC ID the hardware assigned (reset value of ID) */
	u32 id, tpr, ldr, dfr, svr, esr;
	u32 lvt[VLAPIC_LVT_COUNT];
	u32 icr_low, icr_high;
	u32 timer_initial, timer_divide;
	bool enabled; /* IA32_APIC_BASE.EN */
	struct vlapic_stats stats;
};

/* Power-up state: enabled in IA32_APIC_BASE, software-disabled (SVR 0xFF),
 * every LVT masked, ID = apic_id. */
void vlapic_init(struct vlapic *l, u8 apic_id);

/* Claims the 4 KiB register page on an MMIO bus. */
int vlapic_attach(struct vlapic *l, struct io_bus *mmio);

/* Register access by page offset, as for an aligned 4-byte access; an
 * offset with no register reads 0 and ignores writes. */
u32 vlapic_read(struct vlapic *l, u32 offset);
void vlapic_write(struct vlapic *l, u32 offset, u32 value);

/* The task priority, for keeping CR8 (= TPR[7:4]) and the TPR in step. */
u8 vlapic_tpr(const struct vlapic *l);
void vlapic_set_tpr(struct vlapic *l, u8 tpr);

/* IA32_APIC_BASE: 0xFEE00000 | EN | BSP. */
u64 vlapic_apic_base(const struct vlapic *l);

/* A guest WRMSR to IA32_APIC_BASE: EN may be cleared (the APIC returns to
 * its power-up state) and set again; -EINVAL (the caller's #GP) for another
 * base, x2APIC mode or reserved bits. The BSP bit is read-only. */
int vlapic_write_apic_base(struct vlapic *l, u64 value);

#endif
