/*
 * Debug controls both backends share, over vendor hooks (in the style of
 * Jailhouse's vcpu_vendor_*): an execute breakpoint in DR0 for finding
 * asynchronous landmarks, and single-stepping with RFLAGS.TF for a CPU
 * without a monitor trap flag (SVM always, VMX where MTF is missing).
 * Pure logic over the hooks: the host tests it.
 */
#ifndef UNDERSTUDY_ARCH_X86_VCPU_DEBUG_H
#define UNDERSTUDY_ARCH_X86_VCPU_DEBUG_H

#include "arch/x86/virt.h"

/* Where a backend keeps the guest state the shared code changes. */
struct vcpu_debug_hooks {
	u64 (*get_rflags)(struct vcpu_arch *v);
	void (*set_rflags)(struct vcpu_arch *v, u64 rflags);
	u64 (*get_dr7)(struct vcpu_arch *v);
	void (*set_dr7)(struct vcpu_arch *v, u64 dr7);
	u32 (*get_exception_intercepts)(struct vcpu_arch *v);
	void (*set_exception_intercepts)(struct vcpu_arch *v, u32 bitmap);
	/* An event is queued for injection at the next entry. */
	bool (*injecting_event)(struct vcpu_arch *v);
	/* The step's #DB was ours: clear DR6.BS where the backend keeps the
	 * guest's DR6 (SVM's VMCB); NULL where the exit left DR6 alone. */
	void (*clear_step_status)(struct vcpu_arch *v);
	/* Reads and loads DR0 (the host's DR0 is the guest's while it runs). */
	u64 (*get_dr0)(void);
	void (*set_dr0)(u64 linear);
};

/* A backend's per-vCPU debug state. */
struct vcpu_debug {
	bool breakpoint_armed;
	u64 saved_dr7;        /* the guest's own DR7 while ours is armed */
	u64 saved_dr0;        /* and its own DR0 */
	bool stepping;        /* TF set by us, every exception intercepted */
	u64 guest_tf;         /* the guest's own RFLAGS.TF meanwhile */
	u32 saved_intercepts; /* the exception intercepts before stepping */
};

/* Arms (on) an execute breakpoint at linear in DR0, or puts the guest's
 * DR0 and DR7 back (off); hits exit as #DB with DR6.B0 set. */
void vcpu_debug_set_breakpoint(struct vcpu_debug *d, const struct vcpu_debug_hooks *h,
			       struct vcpu_arch *v, u64 linear, bool on);

/* The DR7 that enables breakpoint 0 (execute, 1 byte) on top of the guest's
 * other breakpoints (SDM Vol 3, 18.2.4 "Debug Control Register (DR7)"). */
u64 vcpu_debug_dr7_with_bp0(u64 guest_dr7);

/* Starts or ends TF single-stepping. No step starts on an entry that
 * injects an event: the frame the event pushes would show our TF. */
void vcpu_debug_set_tf_step(struct vcpu_debug *d, const struct vcpu_debug_hooks *h,
			    struct vcpu_arch *v, bool on);

/* After an exit while stepping: our step's #DB trap becomes VEXIT_MTF, an
 * exception intercepted only for the step is marked step_intercepted, and
 * the step ends (any exit ends it; the guest's TF comes back). */
void vcpu_debug_finish_tf_step(struct vcpu_debug *d, const struct vcpu_debug_hooks *h,
			       struct vcpu_arch *v, struct vexit *e);

#endif
