/*
 * Guest state in the VMCB (AMD64 APM Vol 2, 15.5.1 "Basic Operation" and
 * Table B-2 "VMCB Layout, State Save Area"). The VMCB keeps the guest's own
 * CR0/CR4 (no read shadows); EFER carries SVME, which the guest never sees.
 * Emulated CR0/CR4/EFER writes track IA-32e mode and flush the guest's TLB
 * as the real instruction would have.
 */
#include "arch/x86/svm/svm.h"

#include "arch/x86/debug_regs.h"
#include "arch/x86/fpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/regs.h"

/* VMCB segment attributes pack the descriptor's access byte and flags into
 * 12 bits (Table B-2 note); the backend interface uses the VMX layout. */
#define VMCB_ATTR_ACCESS_MASK 0xFFu
#define VMCB_ATTR_FLAGS_MASK 0xF00u
#define VMX_AR_FLAGS_SHIFT 4
#define SEG_AR_PRESENT (1u << 7)
#define SEG_AR_DPL_SHIFT 5
#define CR0_TLB_BITS (CR0_PG | CR0_PE | CR0_WP)
#define CR4_TLB_BITS (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP | CR4_PCIDE)

static struct vmcb_seg *seg_slot(struct vmcb *vmcb, enum seg_reg s)
{
	struct vmcb_save *st = &vmcb->save;
	struct vmcb_seg *slots[SEG_COUNT] = {
		[SEG_ES] = &st->es, [SEG_CS] = &st->cs, [SEG_SS] = &st->ss, [SEG_DS] = &st->ds,
		[SEG_FS] = &st->fs, [SEG_GS] = &st->gs, [SEG_LDTR] = &st->ldtr, [SEG_TR] = &st->tr,
	};

	return slots[s];
}

void svm_get_segment(struct vcpu_arch *v, enum seg_reg s, struct segment *out)
{
	const struct vmcb_seg *g = seg_slot(svm(v)->vmcb, s);
	u32 ar = (g->attrib & VMCB_ATTR_ACCESS_MASK) |
		 ((g->attrib & VMCB_ATTR_FLAGS_MASK) << VMX_AR_FLAGS_SHIFT);

	*out = (struct segment){ g->selector, g->base, g->limit,
				 ar & SEG_AR_PRESENT ? ar : ar | SEG_AR_UNUSABLE };
}

static void set_segment(struct vmcb *vmcb, enum seg_reg s, const struct segment *seg)
{
	struct vmcb_seg *g = seg_slot(vmcb, s);
	u32 ar = seg->ar & SEG_AR_UNUSABLE ? 0 : seg->ar;

	g->selector = seg->selector;
	g->base = seg->base;
	g->limit = seg->limit;
	g->attrib = (u16)((ar & VMCB_ATTR_ACCESS_MASK) | ((ar >> VMX_AR_FLAGS_SHIFT) & VMCB_ATTR_FLAGS_MASK));
}

u64 svm_get_rip(struct vcpu_arch *v)
{
	return svm(v)->vmcb->save.rip;
}

void svm_set_rip(struct vcpu_arch *v, u64 rip)
{
	svm(v)->vmcb->save.rip = rip;
}

void svm_advance_rip(struct vcpu_arch *v, u8 len)
{
	svm(v)->vmcb->save.rip += len;
	svm(v)->vmcb->save.rflags &= ~RFLAGS_RF;
	svm(v)->vmcb->control.interrupt_shadow &= ~SVM_INTERRUPT_SHADOW;
}

u64 svm_get_rflags(struct vcpu_arch *v)
{
	return svm(v)->vmcb->save.rflags;
}

void svm_set_rflags(struct vcpu_arch *v, u64 rflags)
{
	svm(v)->vmcb->save.rflags = rflags;
}

u64 svm_get_efer(struct vcpu_arch *v)
{
	return svm(v)->vmcb->save.efer & ~(u64)EFER_SVME;
}

/* VMRUN refuses a guest EFER without SVME (15.5.1 "Canonicalization and
 * Consistency Checks"): it is set underneath, invisible to the guest. */
void svm_set_efer(struct vcpu_arch *v, u64 efer)
{
	svm(v)->vmcb->save.efer = efer | EFER_SVME;
}

u64 svm_get_cr(struct vcpu_arch *v, int cr)
{
	const struct vmcb_save *st = &svm(v)->vmcb->save;

	switch (cr) {
	case 0: return st->cr0;
	case 3: return st->cr3;
	case 4: return st->cr4;
	default: return 0;
	}
}

/* CR0.PG with EFER.LME activates IA-32e mode (APM Vol 2, 14.6 "Enabling and
 * Activating Long Mode"). */
static void update_long_mode(struct vcpu_arch *v, u64 cr0)
{
	u64 efer = svm_get_efer(v);

	if ((cr0 & CR0_PG) && (efer & EFER_LME))
		efer |= EFER_LMA;
	else
		efer &= ~(u64)EFER_LMA;
	svm_set_efer(v, efer);
}

void svm_set_cr(struct vcpu_arch *v, int cr, u64 value)
{
	struct vmcb_save *st = &svm(v)->vmcb->save;
	u64 changed = 0;

	switch (cr) {
	case 0:
		changed = (st->cr0 ^ value) & CR0_TLB_BITS;
		st->cr0 = value;
		update_long_mode(v, value);
		break;
	case 3:
		st->cr3 = value;
		changed = 1;
		break;
	case 4:
		changed = (st->cr4 ^ value) & CR4_TLB_BITS;
		st->cr4 = value;
		break;
	default:
		return;
	}
	if (changed)
		svm_flush_guest_tlb(v);
}

/* PAT lives in the VMCB (G_PAT) with nested paging; the guest's PAT MSR
 * accesses are emulated through it. */
int svm_state_msr(struct vcpu_arch *v, u32 msr, u64 *value, bool write)
{
	struct vmcb_save *st = &svm(v)->vmcb->save;

	if (msr != MSR_IA32_PAT)
		return -1;
	if (write)
		st->g_pat = *value;
	else
		*value = st->g_pat;
	return 0;
}

void svm_set_state(struct vcpu_arch *v, const struct vcpu_state *s)
{
	struct vmcb *vmcb = svm(v)->vmcb;
	struct vmcb_save *st = &vmcb->save;

	for (int i = 0; i < GPR_COUNT; i++)
		v->gpr[i] = s->gpr[i];
	v->cr2 = s->cr2;
	st->rip = s->rip;
	st->rflags = s->rflags;
	for (int i = 0; i < SEG_COUNT; i++)
		set_segment(vmcb, (enum seg_reg)i, &s->seg[i]);
	st->gdtr = (struct vmcb_seg){ 0, 0, s->gdtr.limit, s->gdtr.base };
	st->idtr = (struct vmcb_seg){ 0, 0, s->idtr.limit, s->idtr.base };
	st->cpl = (st->ss.attrib >> SEG_AR_DPL_SHIFT) & 3;
	st->dr7 = s->dr7;
	st->dr6 = s->dr6;
	debug_guest_drs_write(s->dr, svm(v)->dbg.breakpoint_armed, &svm(v)->dbg.saved_dr0);
	st->g_pat = s->pat;
	st->sysenter_cs = s->sysenter_cs;
	st->sysenter_esp = s->sysenter_esp;
	st->sysenter_eip = s->sysenter_eip;
	st->star = s->star;
	st->lstar = s->lstar;
	st->cstar = s->cstar;
	st->sfmask = s->sfmask;
	st->kernel_gs_base = s->kernel_gs_base;
	vmcb->control.interrupt_shadow = s->interruptibility ? SVM_INTERRUPT_SHADOW : 0;
	svm_set_efer(v, s->efer);
	if (s->xcr0)
		fpu_set_xcr0(s->xcr0);
	st->cr4 = s->cr4;
	st->cr3 = s->cr3;
	svm_set_cr(v, 0, s->cr0);
	svm_flush_guest_tlb(v);
}

void svm_get_state(struct vcpu_arch *v, struct vcpu_state *s)
{
	struct vmcb *vmcb = svm(v)->vmcb;
	const struct vmcb_save *st = &vmcb->save;

	for (int i = 0; i < GPR_COUNT; i++)
		s->gpr[i] = v->gpr[i];
	s->cr2 = v->cr2;
	s->rip = st->rip;
	s->rflags = st->rflags;
	for (int i = 0; i < SEG_COUNT; i++)
		svm_get_segment(v, (enum seg_reg)i, &s->seg[i]);
	s->gdtr = (struct dtable){ st->gdtr.base, (u16)st->gdtr.limit };
	s->idtr = (struct dtable){ st->idtr.base, (u16)st->idtr.limit };
	s->dr7 = svm(v)->dbg.breakpoint_armed ? svm(v)->dbg.saved_dr7 : st->dr7;
	s->dr6 = st->dr6;
	debug_guest_drs_read(s->dr, svm(v)->dbg.breakpoint_armed, svm(v)->dbg.saved_dr0);
	s->pat = st->g_pat;
	s->sysenter_cs = st->sysenter_cs;
	s->sysenter_esp = st->sysenter_esp;
	s->sysenter_eip = st->sysenter_eip;
	s->star = st->star;
	s->lstar = st->lstar;
	s->cstar = st->cstar;
	s->sfmask = st->sfmask;
	s->kernel_gs_base = st->kernel_gs_base;
	s->interruptibility = vmcb->control.interrupt_shadow & SVM_INTERRUPT_SHADOW;
	s->activity = 0;
	s->efer = svm_get_efer(v);
	s->xcr0 = fpu_get_xcr0(); /* the guest's: VMRUN leaves XCR0 alone */
	s->cr0 = st->cr0;
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
}
