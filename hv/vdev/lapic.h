/*
 * The guest's local APIC: one CPU's xAPIC register page at 0xFEE00000 and
 * its x2APIC MSRs, with interrupt acceptance (IRR, ISR, TMR), task and
 * processor priorities, EOI, the local vector table, the timer (one-shot,
 * periodic, TSC-deadline), the error status register and IPIs this CPU
 * sends itself (fixed, lowest priority, NMI). There are no other CPUs: an
 * IPI that no CPU accepts is dropped, counted and reported through
 * ops.unsupported, as are INIT, SIPI and SMI. Pure code (host-tested): all
 * state lives in struct vlapic and time is read only through its vclock.
 *
 * References: Intel SDM Vol 3, chapter 11 "Advanced Programmable Interrupt
 * Controller (APIC)"; sections cited where each rule is applied.
 */
#ifndef UNDERSTUDY_HV_VDEV_LAPIC_H
#define UNDERSTUDY_HV_VDEV_LAPIC_H

#include "hv/io_bus.h"
#include "hv/vdev/vdev.h"
#include "types.h"

#define VLAPIC_BASE 0xFEE00000ULL /* default and only register page address */
#define VLAPIC_PAGE_SIZE 0x1000
/* Version register: version 14H (integrated xAPIC), max LVT entry 5: the
 * six LVTs timer, thermal, performance, LINT0, LINT1, error (no CMCI), as
 * QEMU's local APIC reports (SDM Vol 3, 11.4.8 "Local APIC Version
 * Register"). */
#define VLAPIC_VERSION 0x00050014
/* The timer's input clock before the divider: 1 GHz, one tick a
 * nanosecond, as QEMU's and KVM's (SDM Vol 3, 11.5.4 "APIC Timer": the bus
 * or core crystal clock, model specific). */
#define VLAPIC_TIMER_HZ 1000000000ULL
#define VLAPIC_NEVER UINT64_MAX

/* MSRs (SDM Vol 3, 11.12.1.2 "x2APIC Register Address Space", Table 11-6;
 * 11.5.4.1 "TSC-Deadline Mode"). */
#define VLAPIC_MSR_X2APIC_FIRST 0x800
#define VLAPIC_MSR_X2APIC_LAST 0x8FF
#define VLAPIC_MSR_TSC_DEADLINE 0x6E0

/* IA32_APIC_BASE MSR bits (SDM Vol 3, 11.4.4 "Local APIC Status and
 * Location", Figure 11-5; 11.12.1 "Detecting and Enabling x2APIC Mode"). */
#define VLAPIC_BASE_BSP (1ULL << 8)
#define VLAPIC_BASE_EXTD (1ULL << 10) /* x2APIC mode */
#define VLAPIC_BASE_EN (1ULL << 11)

#define VLAPIC_VECTOR_WORDS 8 /* IRR, ISR, TMR: 256 bits as eight registers */

enum vlapic_lvt {
	VLAPIC_LVT_TIMER,
	VLAPIC_LVT_THERMAL,
	VLAPIC_LVT_PERF,
	VLAPIC_LVT_LINT0,
	VLAPIC_LVT_LINT1,
	VLAPIC_LVT_ERROR,
	VLAPIC_LVT_COUNT,
};

/* Delivery modes of the ICR, the LVTs and IOAPIC redirection entries
 * (SDM Vol 3, Figure 11-8 "Local Vector Table (LVT)", Figure 11-12
 * "Interrupt Command Register (ICR)"). */
enum vlapic_delivery {
	VLAPIC_DM_FIXED = 0,
	VLAPIC_DM_LOWEST = 1,
	VLAPIC_DM_SMI = 2,
	VLAPIC_DM_NMI = 4,
	VLAPIC_DM_INIT = 5,
	VLAPIC_DM_STARTUP = 6,
	VLAPIC_DM_EXTINT = 7,
};

/* An interrupt message on the APIC bus: an IPI, or one an IOAPIC sends. */
struct vlapic_msg {
	u8 vector;
	u8 mode;        /* enum vlapic_delivery */
	bool logical;   /* destination mode */
	bool level;     /* trigger mode: level (sets TMR; EOI is broadcast) */
	bool wide;      /* dest is a 32-bit x2APIC destination, else 8 bits */
	u32 dest;
};

/* What the model cannot emulate; reported through ops.unsupported. */
enum vlapic_unsupported {
	VLAPIC_UNSUP_IPI_NO_CPU,   /* an IPI to a CPU that does not exist */
	VLAPIC_UNSUP_IPI_OTHERS,   /* an IPI to all CPUs but this one: there are none */
	VLAPIC_UNSUP_INIT,         /* INIT to this CPU (it is not reset) */
	VLAPIC_UNSUP_STARTUP,      /* SIPI to this CPU */
	VLAPIC_UNSUP_SMI,          /* SMI (no SMM) */
	VLAPIC_UNSUP_BASE_MOVE,    /* IA32_APIC_BASE with another base (detail: the value) */
	VLAPIC_UNSUP_COUNT,
};

struct vlapic_ops {
	/* EOI of a level-triggered vector (TMR set): the IOAPICs' remote IRR
	 * (SDM Vol 3, 11.8.5 "Signaling Interrupt Servicing Completion"). */
	void (*eoi)(void *ctx, u8 vector);
	/* Something the guest asked for that is not emulated happened: the
	 * message concerned (NULL for BASE_MOVE) and a detail. */
	void (*unsupported)(void *ctx, enum vlapic_unsupported what, u64 detail,
			    const struct vlapic_msg *m);
	void *ctx;
};

/* The guest's time-stamp counter as a function of guest time, for
 * TSC-deadline mode: tsc_at(ns) is the TSC at guest time ns, cycles_to_ns a
 * TSC interval in nanoseconds (rounded up). */
struct vlapic_tsc {
	u64 (*tsc_at)(void *ctx, u64 ns);
	u64 (*cycles_to_ns)(void *ctx, u64 cycles);
	void *ctx;
};

/* The timer (SDM Vol 3, 11.5.4 "APIC Timer"). The count is a function of
 * time: base_count at base_ns, one tick every 1 << shift nanoseconds. */
struct vlapic_timer {
	u32 initial;     /* initial-count register */
	u32 divide;      /* divide-configuration register */
	u64 base_ns;
	u32 base_count;  /* 0: stopped (one-shot expired, or never started) */
	u64 expire_ns;   /* next time the count reaches 0, or VLAPIC_NEVER */
	u64 deadline;    /* IA32_TSC_DEADLINE; 0 when disarmed */
};

struct vlapic_stats {
	u64 accepted;        /* fixed interrupts set in IRR */
	u64 delivered;       /* vectors the CPU took (IRR to ISR) */
	u64 eois;
	u64 timer_fires;     /* timer expiries with the LVT unmasked */
	u64 timer_masked;    /* expiries while the LVT was masked */
	u64 timer_coalesced; /* periodic expiries merged into an earlier one */
	u64 ipis;            /* ICR writes */
	u64 self_ipis;       /* IPIs this CPU accepted from itself */
	u64 ipis_dropped;    /* IPIs no CPU accepted */
	u64 nmis;            /* NMIs accepted */
	u64 init_ipis, startup_ipis, smis;
	u64 discarded;       /* fixed interrupts refused while software-disabled */
	u64 errors;          /* ESR bits raised */
	u64 bad_accesses;    /* not an aligned 4-byte access at a 16-byte offset */
	u64 reserved_accesses; /* accesses to offsets with no register */
	u64 ignored_writes;  /* writes to read-only registers */
	u64 disabled_accesses; /* register page accesses while not decoded */
	u64 msr_faults;      /* x2APIC MSR accesses answered with #GP */
};

struct vlapic {
	u32 initial_id;      /* the APIC ID the hardware assigned (x2APIC ID) */
	u32 id, tpr, ldr, dfr, svr;
	u32 esr, esr_pending; /* ESR as last latched; errors since */
	u32 lvt[VLAPIC_LVT_COUNT];
	u32 icr_low, icr_high;
	u32 irr[VLAPIC_VECTOR_WORDS], isr[VLAPIC_VECTOR_WORDS], tmr[VLAPIC_VECTOR_WORDS];
	bool enabled;        /* IA32_APIC_BASE.EN */
	bool x2apic;         /* IA32_APIC_BASE.EXTD */
	bool nmi_pending;    /* an NMI accepted, not yet taken by the CPU */
	bool lint[2];        /* LINT0/LINT1 input levels (LINT_PINS) */
	struct vlapic_timer timer;
	struct vclock clock;
	struct vlapic_tsc tsc;
	struct vlapic_ops ops;
	struct vlapic_stats stats;
};

/* Power-up state (SDM Vol 3, 11.4.7.1 "Local APIC State After Power-Up or
 * Reset"): enabled in xAPIC mode, software-disabled (SVR 0xFF), every LVT
 * masked, ID = apic_id. ops and tsc may have NULL callbacks. */
void vlapic_init(struct vlapic *l, u32 apic_id, struct vclock clock, struct vlapic_tsc tsc,
		 struct vlapic_ops ops);

/* Claims the 4 KiB register page on an MMIO bus. */
int vlapic_attach(struct vlapic *l, struct io_bus *mmio);

/* xAPIC register access by page offset, as for an aligned 4-byte access;
 * an offset with no register reads 0, ignores writes and sets ESR's
 * illegal-register-address bit. */
u32 vlapic_read(struct vlapic *l, u32 offset);
void vlapic_write(struct vlapic *l, u32 offset, u32 value);

/* RDMSR/WRMSR of an APIC MSR (x2APIC 0x800-0x8FF, IA32_TSC_DEADLINE): 0,
 * -EINVAL when the access raises #GP, -ENOENT for another MSR. */
int vlapic_msr_read(struct vlapic *l, u32 index, u64 *value);
int vlapic_msr_write(struct vlapic *l, u32 index, u64 value);
bool vlapic_is_msr(u32 index);

/* IA32_APIC_BASE: 0xFEE00000 | BSP | EN | EXTD as set. */
u64 vlapic_apic_base(const struct vlapic *l);

/* A guest WRMSR to IA32_APIC_BASE (SDM Vol 3, 11.12.5 "x2APIC State
 * Transitions"): disabled, xAPIC and x2APIC modes with the transitions
 * hardware allows; -EINVAL (the caller's #GP) for reserved bits, EXTD
 * without EN, x2APIC back to xAPIC without going through disabled,
 * disabled straight to x2APIC, or another base (not emulated, reported).
 * The BSP bit is read-only. */
int vlapic_write_apic_base(struct vlapic *l, u64 value);

/* The task priority, for CR8 (= TPR[7:4]). */
u8 vlapic_tpr(const struct vlapic *l);
void vlapic_set_tpr(struct vlapic *l, u8 tpr);

/* Brings the timer up to the clock's time: an expiry that came due sets
 * its vector in IRR (unless the LVT is masked). */
void vlapic_update(struct vlapic *l);

/* Guest time (ns) the timer next expires with its LVT unmasked, or
 * VLAPIC_NEVER. */
u64 vlapic_next_event_ns(const struct vlapic *l);

/* The highest-priority vector in IRR the CPU may take now (its class above
 * the processor priority; SDM Vol 3, 11.8.3.1 "Task and Processor
 * Priorities"), or -1. Always -1 while the APIC is disabled. */
int vlapic_pending_vector(const struct vlapic *l);

/* The CPU takes the pending vector (INTA): IRR to ISR; returns it, or -1. */
int vlapic_ack(struct vlapic *l);

/* An NMI waits for the CPU; the CPU takes it. */
bool vlapic_nmi_pending(const struct vlapic *l);
void vlapic_ack_nmi(struct vlapic *l);

/* An interrupt message from the bus (an IOAPIC): accepted when it is for
 * this CPU. */
void vlapic_accept_msg(struct vlapic *l, const struct vlapic_msg *m);

/* Drives LINT0 (pin 0) or LINT1 (pin 1). */
void vlapic_set_lint(struct vlapic *l, unsigned pin, bool level);

/* Does the 8259's INTR reach the CPU through this APIC: LINT0 unmasked in
 * ExtINT mode, or the APIC disabled (its LINT0 pin is then the CPU's INTR;
 * SDM Vol 3, 11.4.3 "Enabling or Disabling the Local APIC")? */
bool vlapic_extint_open(const struct vlapic *l);

/* Would a rising edge on LINT pin (0 or 1) raise an NMI: the pin unmasked
 * in NMI delivery mode, or the APIC disabled and pin 1, which is then the
 * CPU's NMI pin? */
bool vlapic_lint_nmi(const struct vlapic *l, unsigned pin);

/* The model's state in a snapshot (hv/vdev/lapic_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vlapic_state_save(const struct vlapic *d, u8 *buf, size_t cap);
int vlapic_state_load(struct vlapic *d, const u8 *in, size_t len);

#endif
