/* The SVM backend's internals, shared by the files of arch/x86/svm/. */
#ifndef UNDERSTUDY_ARCH_X86_SVM_SVM_H
#define UNDERSTUDY_ARCH_X86_SVM_SVM_H

#include "arch/x86/svm/vmcb.h"
#include "arch/x86/vcpu_debug.h"
#include "arch/x86/virt.h"

#define SVM_GUEST_ASID 1 /* ASID 0 is the host's */

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u64 iopm_pa, msrpm_pa;
	u64 timer_deadline; /* host TSC; 0 = none */
	bool window_requested;
	bool nmi_masked;    /* the guest runs an injected NMI's handler (until its IRET) */
	bool iret_seen;     /* its IRET exited and has not completed yet */
	u64 iret_rip;
	struct vcpu_debug dbg; /* breakpoint 0 and TF stepping */
};

/* The shared debug controls' view of the VMCB (svm_debug.c). */
extern const struct vcpu_debug_hooks svm_debug_hooks;

int svm_probe(void);
int svm_cpu_enable(void);
u64 svm_host_save_area(void); /* VMSAVE area holding the host's FS/GS/TR/... */
int svm_vcpu_create(struct vcpu_arch *v);

void svm_set_state(struct vcpu_arch *v, const struct vcpu_state *s);
void svm_get_state(struct vcpu_arch *v, struct vcpu_state *s);
u64 svm_get_rip(struct vcpu_arch *v);
void svm_set_rip(struct vcpu_arch *v, u64 rip);
void svm_advance_rip(struct vcpu_arch *v, u8 len);
u64 svm_get_rflags(struct vcpu_arch *v);
void svm_set_rflags(struct vcpu_arch *v, u64 rflags);
u64 svm_get_cr(struct vcpu_arch *v, int cr);
void svm_set_cr(struct vcpu_arch *v, int cr, u64 value);
u64 svm_get_efer(struct vcpu_arch *v);
void svm_set_efer(struct vcpu_arch *v, u64 efer);
void svm_get_segment(struct vcpu_arch *v, enum seg_reg s, struct segment *out);
int svm_state_msr(struct vcpu_arch *v, u32 msr, u64 *value, bool write);

int svm_run(struct vcpu_arch *v, struct vexit *exit);

bool svm_interruptible(struct vcpu_arch *v);
void svm_inject(struct vcpu_arch *v, const struct vevent *e);
bool svm_event_pending(struct vcpu_arch *v);
void svm_drop_events(struct vcpu_arch *v);
void svm_request_intr_window(struct vcpu_arch *v, bool on);
bool svm_nmi_blocked(struct vcpu_arch *v);
void svm_nmi_injected(struct vcpu_arch *v);
bool svm_request_nmi_window(struct vcpu_arch *v, bool on);
/* After every #VMEXIT: follows the IRET that ends NMI blocking. */
void svm_track_nmi_blocking(struct vcpu_arch *v, struct vexit *e, u64 rip);
void svm_set_timer(struct vcpu_arch *v, u64 tsc_deadline);
void svm_flush_guest_tlb(struct vcpu_arch *v);
void svm_dump(struct vcpu_arch *v);
void svm_set_breakpoint(struct vcpu_arch *v, u64 linear, bool on);
void svm_set_single_step(struct vcpu_arch *v, bool on);
void svm_raise_step_trap(struct vcpu_arch *v);
void svm_set_cr3_exiting(struct vcpu_arch *v, bool on);

/* The world switch (svm_entry.S): VMLOAD, VMRUN, VMSAVE of the guest's
 * VMCB, then VMLOAD of the host's save area; @pre GIF is clear. */
void svm_enter(struct vcpu_arch *v, u64 vmcb_pa, u64 host_save_pa);

static inline struct svm_vcpu *svm(struct vcpu_arch *v)
{
	return v->backend;
}

#endif
