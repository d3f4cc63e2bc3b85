/* The VMX backend's internals, shared by the files of arch/x86/vmx/. */
#ifndef UNDERSTUDY_ARCH_X86_VMX_VMX_H
#define UNDERSTUDY_ARCH_X86_VMX_VMX_H

#include "arch/x86/vcpu_debug.h"
#include "arch/x86/virt.h"
#include "types.h"

#define VMX_VPID 1 /* the one guest's VPID; 0 is the host's */

/* SDM Vol 3C, 29.3.5 "Accessed and Dirty Flags for EPT": EPTP bit 6 makes
 * the CPU set the A/D flags of EPT entries (29.3.2 "EPT Translation
 * Mechanism" lists the EPTP fields). */
#define EPTP_AD_ENABLE (1ULL << 6)

struct vmx_vcpu {
	u64 vmcs_pa;
	u64 msr_bitmap_pa;
	u64 eptp;
	u64 pml_hpa;         /* the page-modification log; 0: off */
	bool launched;
	u32 proc_controls;   /* primary processor-based controls, cached */
	u32 entry_controls;  /* cached for IA-32e mode switches */
	u64 cr0_mask, cr4_mask;
	u64 timer_deadline;  /* host TSC; 0 = none */
	struct vcpu_debug dbg; /* breakpoint 0; TF stepping where there is no MTF */
};

static inline struct vmx_vcpu *vmx(struct vcpu_arch *v)
{
	return v->backend;
}

/* The shared debug controls' view of the VMCS (vmx_debug.c). */
extern const struct vcpu_debug_hooks vmx_debug_hooks;

int vmx_probe(void);
int vmx_cpu_enable(void);
int vmx_vcpu_create(struct vcpu_arch *v);

void vmx_set_state(struct vcpu_arch *v, const struct vcpu_state *s);
void vmx_get_state(struct vcpu_arch *v, struct vcpu_state *s);
u64 vmx_get_rip(struct vcpu_arch *v);
void vmx_set_rip(struct vcpu_arch *v, u64 rip);
void vmx_advance_rip(struct vcpu_arch *v, u8 len);
u64 vmx_get_rflags(struct vcpu_arch *v);
void vmx_set_rflags(struct vcpu_arch *v, u64 rflags);
u64 vmx_get_cr(struct vcpu_arch *v, int cr);
void vmx_set_cr(struct vcpu_arch *v, int cr, u64 value);
u64 vmx_get_efer(struct vcpu_arch *v);
void vmx_set_efer(struct vcpu_arch *v, u64 efer);
void vmx_get_segment(struct vcpu_arch *v, enum seg_reg s, struct segment *out);
int vmx_state_msr(struct vcpu_arch *v, u32 msr, u64 *value, bool write);

int vmx_run(struct vcpu_arch *v, struct vexit *exit);

bool vmx_interruptible(struct vcpu_arch *v);
void vmx_inject(struct vcpu_arch *v, const struct vevent *e);
bool vmx_event_pending(struct vcpu_arch *v);
void vmx_drop_events(struct vcpu_arch *v);
void vmx_request_intr_window(struct vcpu_arch *v, bool on);
bool vmx_nmi_blocked(struct vcpu_arch *v);
bool vmx_request_nmi_window(struct vcpu_arch *v, bool on);
void vmx_set_timer(struct vcpu_arch *v, u64 tsc_deadline);
void vmx_flush_guest_tlb(struct vcpu_arch *v);
void vmx_stage2_flush(struct vcpu_arch *v);
void vmx_dump(struct vcpu_arch *v);
void vmx_set_breakpoint(struct vcpu_arch *v, u64 linear, bool on);
void vmx_set_single_step(struct vcpu_arch *v, bool on);
void vmx_raise_step_trap(struct vcpu_arch *v);
void vmx_set_cr3_exiting(struct vcpu_arch *v, bool on);
bool vmx_stage2_has_ad(void);
bool vmx_has_pml_logging(void);
void vmx_stage2_set_ad(struct vcpu_arch *v, bool on);
void vmx_pml_set(struct vcpu_arch *v, u64 log_hpa, bool on);
u32 vmx_pml_drain(struct vcpu_arch *v, u64 *gpas);

/* The world switch (vmx_entry.S): 0 after a VM exit, 1 on VMfailInvalid,
 * 2 on VMfailValid. */
int vmx_enter(struct vcpu_arch *v, bool launched);
void vmx_exit_stub(void);

#endif
