/*
 * Guest state in the VMCS (SDM Vol 3, 25.4 "Guest-State Area"): full loads
 * and saves for start-up and checkpoints, and the accessors used on exits.
 * Control-register writes track IA-32e mode and PAE PDPTEs, which the
 * hardware does not do for writes the hypervisor emulates.
 */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/cpu.h"
#include "arch/x86/debug_regs.h"
#include "arch/x86/fpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"

struct seg_fields {
	u32 selector, base, limit, ar;
};

/* Indexed by enum seg_reg (ES, CS, SS, DS, FS, GS, LDTR, TR). */
static const struct seg_fields seg_fields[SEG_COUNT] = {
	{ VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR },
	{ VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR },
	{ VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR },
	{ VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR },
	{ VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR },
	{ VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR },
	{ VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_LDTR_BASE, VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_AR },
	{ VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_BASE, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_AR },
};

#define PDPTE_COUNT 4
#define PAE_PDPT_ALIGN_MASK 0x1FULL /* SDM Vol 3, 4.4.1 "PDPTE Registers" */

/* The segment tables hold runtime encodings, so these use the unchecked
 * accessors; each entry's width is fixed by its group above. */
void vmx_get_segment(struct vcpu_arch *v, enum seg_reg s, struct segment *out)
{
	const struct seg_fields *f = &seg_fields[s];

	out->selector = (u16)__vmread(f->selector);
	out->base = __vmread(f->base);
	out->limit = (u32)__vmread(f->limit);
	out->ar = (u32)__vmread(f->ar);
}

/*
 * The hidden part of a loaded segment as the CPU holds it: loading a
 * code or data descriptor sets its accessed bit, LTR marks the TSS busy
 * (SDM Vol 3, 3.4.5.1 "Code- and Data-Segment Descriptor Types", 7.2.4
 * "Task Register"). VM entry insists on both (SDM Vol 3, 27.3.1.2 "Checks
 * on Guest Segment Registers"); SVM does not and may report either bit
 * clear, so a state taken there (a snapshot, a migration) gets them here.
 * On SVM the state stays as it came: a replay's state hash covers it.
 */
static u32 loaded_ar(enum seg_reg i, u32 ar)
{
	const u32 type_accessed = 1u << 0, tss_busy = 1u << 1, s_bit = 1u << 4;

	if (ar & SEG_AR_UNUSABLE)
		return ar;
	if (ar & s_bit)
		return ar | type_accessed;
	if (i == SEG_TR)
		return ar | tss_busy;
	return ar;
}

static void set_segment(enum seg_reg s, const struct segment *seg)
{
	const struct seg_fields *f = &seg_fields[s];

	__vmwrite(f->selector, seg->selector);
	__vmwrite(f->base, seg->base);
	__vmwrite(f->limit, seg->limit);
	__vmwrite(f->ar, loaded_ar(s, seg->ar));
}

u64 vmx_get_rip(struct vcpu_arch *v)
{
	return vmcs_readnat(VMCS_GUEST_RIP);
}

void vmx_set_rip(struct vcpu_arch *v, u64 rip)
{
	vmcs_writenat(VMCS_GUEST_RIP, rip);
}

/* Table 25-3 "Format of Interruptibility State" */
#define INTERRUPTIBILITY_SHADOW_MASK 3u /* blocking by STI (bit 0), by MOV SS (bit 1) */

void vmx_advance_rip(struct vcpu_arch *v, u8 len)
{
	u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	u64 rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);

	vmcs_writenat(VMCS_GUEST_RIP, vmcs_readnat(VMCS_GUEST_RIP) + len);
	if (rflags & RFLAGS_RF)
		vmcs_writenat(VMCS_GUEST_RFLAGS, rflags & ~RFLAGS_RF);
	if (intr & INTERRUPTIBILITY_SHADOW_MASK)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr & ~INTERRUPTIBILITY_SHADOW_MASK);
}

u64 vmx_get_rflags(struct vcpu_arch *v)
{
	return vmcs_readnat(VMCS_GUEST_RFLAGS);
}

void vmx_set_rflags(struct vcpu_arch *v, u64 rflags)
{
	vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
}

u64 vmx_get_efer(struct vcpu_arch *v)
{
	return vmcs_read64(VMCS_GUEST_IA32_EFER);
}

/* The "IA-32e mode guest" entry control must equal EFER.LMA (26.3.1.1
 * "Checks on Guest Control Registers, Debug Registers, and MSRs"). */
void vmx_set_efer(struct vcpu_arch *v, u64 efer)
{
	struct vmx_vcpu *vx = vmx(v);

	vmcs_write64(VMCS_GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		vx->entry_controls |= ENTRY_IA32E_MODE_GUEST;
	else
		vx->entry_controls &= ~ENTRY_IA32E_MODE_GUEST;
	vmcs_write32(VMCS_ENTRY_CONTROLS, vx->entry_controls);
}

/* The guest-visible value: owned bits from the register, the others from
 * the read shadow. */
u64 vmx_get_cr(struct vcpu_arch *v, int cr)
{
	struct vmx_vcpu *vx = vmx(v);

	switch (cr) {
	case 0:
		return (vmcs_readnat(VMCS_GUEST_CR0) & ~vx->cr0_mask) |
		       (vmcs_readnat(VMCS_CR0_READ_SHADOW) & vx->cr0_mask);
	case 3:
		return vmcs_readnat(VMCS_GUEST_CR3);
	case 4:
		return (vmcs_readnat(VMCS_GUEST_CR4) & ~vx->cr4_mask) |
		       (vmcs_readnat(VMCS_CR4_READ_SHADOW) & vx->cr4_mask);
	default:
		return 0;
	}
}

/* With EPT and PAE paging, VM entry loads the PDPTEs from the VMCS (26.3.2.4
 * "Loading Page-Directory-Pointer-Table Entries"), so emulated writes that
 * enter PAE paging or change CR3 under it must refresh them. */
static void load_pdptes(struct vcpu_arch *v)
{
	u64 cr3 = vmcs_readnat(VMCS_GUEST_CR3) & ~PAE_PDPT_ALIGN_MASK, hpa, pdpte[PDPTE_COUNT] = { 0 };
	u32 prot;

	if (!stage2_lookup(v->stage2, cr3, &hpa, &prot)) {
		const u64 *p = phys_to_virt(hpa);

		for (int i = 0; i < PDPTE_COUNT; i++)
			pdpte[i] = p[i];
	}
	vmcs_write64(VMCS_GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(VMCS_GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(VMCS_GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(VMCS_GUEST_PDPTE3, pdpte[3]);
}

static bool pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_LMA);
}

/* CR0.PG with EFER.LME activates IA-32e mode; clearing PG leaves it (SDM
 * Vol 3, 10.8.5 "Initializing IA-32e Mode"). */
static void update_long_mode(struct vcpu_arch *v, u64 cr0)
{
	u64 efer = vmx_get_efer(v);
	u64 want = (cr0 & CR0_PG) && (efer & EFER_LME) ? efer | EFER_LMA : efer & ~(u64)EFER_LMA;

	if (want != efer)
		vmx_set_efer(v, want);
}

/* Bits whose change makes MOV to CR0/CR4 flush the TLB (SDM Vol 3,
 * 4.10.4.1 "Operations that Invalidate TLBs and Paging-Structure Caches"). */
#define CR0_TLB_BITS (CR0_PG | CR0_PE | CR0_WP)
#define CR4_TLB_BITS (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP | CR4_PCIDE)

/* The guest's MOV to CR0/CR3/CR4 did not execute (it exited), so neither
 * did the TLB flush it implies: do it. A CR3 load always flushes. */
static void flush_if_changed(struct vcpu_arch *v, int cr, u64 old, u64 value)
{
	u64 bits = cr == 0 ? (u64)CR0_TLB_BITS : (u64)CR4_TLB_BITS;

	if (cr == 3 || ((old ^ value) & bits))
		vmx_flush_guest_tlb(v);
}

void vmx_set_cr(struct vcpu_arch *v, int cr, u64 value)
{
	const struct vmx_caps *c = vmx_caps();
	u64 cr0, cr4, old = vmx_get_cr(v, cr);

	switch (cr) {
	case 0:
		/* Unrestricted guest exempts PE and PG from the fixed-1 bits. */
		cr0 = (value | (c->cr0_fixed0 & ~(u64)(CR0_PE | CR0_PG))) & c->cr0_fixed1;
		vmcs_writenat(VMCS_GUEST_CR0, cr0);
		vmcs_writenat(VMCS_CR0_READ_SHADOW, value);
		update_long_mode(v, value);
		break;
	case 3:
		vmcs_writenat(VMCS_GUEST_CR3, value);
		break;
	case 4:
		cr4 = (value | c->cr4_fixed0) & c->cr4_fixed1;
		vmcs_writenat(VMCS_GUEST_CR4, cr4);
		vmcs_writenat(VMCS_CR4_READ_SHADOW, value);
		break;
	default:
		return;
	}
	if (pae_paging(vmx_get_cr(v, 0), vmx_get_cr(v, 4), vmx_get_efer(v)))
		load_pdptes(v);
	flush_if_changed(v, cr, old, value);
}

int vmx_state_msr(struct vcpu_arch *v, u32 msr, u64 *value, bool write)
{
	if (msr != MSR_IA32_PAT)
		return -1;
	if (write)
		vmcs_write64(VMCS_GUEST_IA32_PAT, *value);
	else
		*value = vmcs_read64(VMCS_GUEST_IA32_PAT);
	return 0;
}

/* The SYSCALL and SWAPGS MSRs pass through to the guest (vmx_vcpu.c), and
 * the hypervisor never uses them: the guest's values are in the CPU. */
static void set_syscall_msrs(const struct vcpu_state *s)
{
	wrmsr(MSR_STAR, s->star);
	wrmsr(MSR_LSTAR, s->lstar);
	wrmsr(MSR_CSTAR, s->cstar);
	wrmsr(MSR_SFMASK, s->sfmask);
	wrmsr(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
}

static void get_syscall_msrs(struct vcpu_state *s)
{
	s->star = rdmsr(MSR_STAR);
	s->lstar = rdmsr(MSR_LSTAR);
	s->cstar = rdmsr(MSR_CSTAR);
	s->sfmask = rdmsr(MSR_SFMASK);
	s->kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
}

void vmx_set_state(struct vcpu_arch *v, const struct vcpu_state *s)
{
	for (int i = 0; i < GPR_COUNT; i++)
		v->gpr[i] = s->gpr[i];
	v->cr2 = s->cr2;
	vmcs_writenat(VMCS_GUEST_RSP, s->gpr[GPR_RSP]);
	vmcs_writenat(VMCS_GUEST_RIP, s->rip);
	vmcs_writenat(VMCS_GUEST_RFLAGS, s->rflags);
	for (int i = 0; i < SEG_COUNT; i++)
		set_segment((enum seg_reg)i, &s->seg[i]);
	vmcs_writenat(VMCS_GUEST_GDTR_BASE, s->gdtr.base);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, s->gdtr.limit);
	vmcs_writenat(VMCS_GUEST_IDTR_BASE, s->idtr.base);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, s->idtr.limit);
	vmcs_writenat(VMCS_GUEST_DR7, s->dr7);
	debug_guest_drs_write(s->dr, vmx(v)->dbg.breakpoint_armed, &vmx(v)->dbg.saved_dr0);
	debug_dr6_write(s->dr6); /* the CPU's is the guest's (28.2.1) */
	vmcs_write64(VMCS_GUEST_IA32_PAT, s->pat);
	vmcs_write64(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, (u32)s->sysenter_cs);
	vmcs_writenat(VMCS_GUEST_SYSENTER_ESP, s->sysenter_esp);
	vmcs_writenat(VMCS_GUEST_SYSENTER_EIP, s->sysenter_eip);
	set_syscall_msrs(s);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, s->interruptibility);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, s->activity);
	vmcs_writenat(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	vmx_set_efer(v, s->efer);
	if (s->xcr0)
		fpu_set_xcr0(s->xcr0);
	vmx_set_cr(v, 4, s->cr4);
	vmx_set_cr(v, 3, s->cr3);
	vmx_set_cr(v, 0, s->cr0);
}

void vmx_get_state(struct vcpu_arch *v, struct vcpu_state *s)
{
	for (int i = 0; i < GPR_COUNT; i++)
		s->gpr[i] = v->gpr[i];
	s->cr2 = v->cr2;
	s->rip = vmx_get_rip(v);
	s->rflags = vmx_get_rflags(v);
	for (int i = 0; i < SEG_COUNT; i++)
		vmx_get_segment(v, (enum seg_reg)i, &s->seg[i]);
	s->gdtr.base = vmcs_readnat(VMCS_GUEST_GDTR_BASE);
	s->gdtr.limit = (u16)vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	s->idtr.base = vmcs_readnat(VMCS_GUEST_IDTR_BASE);
	s->idtr.limit = (u16)vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	s->dr7 = vmx(v)->dbg.breakpoint_armed ? vmx(v)->dbg.saved_dr7 : vmcs_readnat(VMCS_GUEST_DR7);
	debug_guest_drs_read(s->dr, vmx(v)->dbg.breakpoint_armed, vmx(v)->dbg.saved_dr0);
	s->dr6 = debug_dr6_read();
	s->pat = vmcs_read64(VMCS_GUEST_IA32_PAT);
	s->sysenter_cs = vmcs_read32(VMCS_GUEST_SYSENTER_CS);
	s->sysenter_esp = vmcs_readnat(VMCS_GUEST_SYSENTER_ESP);
	s->sysenter_eip = vmcs_readnat(VMCS_GUEST_SYSENTER_EIP);
	get_syscall_msrs(s);
	s->interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	s->activity = vmcs_read32(VMCS_GUEST_ACTIVITY_STATE);
	s->efer = vmx_get_efer(v);
	s->xcr0 = fpu_get_xcr0(); /* the guest's: VMX leaves XCR0 alone */
	s->cr0 = vmx_get_cr(v, 0);
	s->cr3 = vmx_get_cr(v, 3);
	s->cr4 = vmx_get_cr(v, 4);
}
