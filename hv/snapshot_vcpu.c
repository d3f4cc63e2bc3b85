/*
 * The vCPU to and from a snapshot's VCPU record. The backend's vcpu_state
 * keeps segment access rights in the VMX layout (arch/x86/virt.h), which
 * proto/snapshot.h's helpers turn into the neutral packing; the MSRs the
 * guest reaches through exits that hv/ emulates itself (TSC_AUX, the TSC
 * offset) come from struct vcpu; XCR0, DR0-3 and DR6, which the guest may
 * change without an exit (QEMU's TCG does not honour SVM's XSETBV
 * intercept), are the CPU's as the backend reads them (arch/x86/fpu.h,
 * arch/x86/debug_regs.h); CR8 and IA32_APIC_BASE are the local APIC
 * model's, whose DEVICE section restores them.
 */
#include "hv/snapshot_vcpu.h"

#include <string.h>

#include "errno.h"
#include "hv/guest_cpuid.h"
#include "hv/vcpu_ops.h"
#include "hv/vm_devices.h"
#include "log.h"
#include "proto/snapshot_xsave.h"

/* Interruptibility state bits 0 (STI) and 1 (MOV SS) (SDM Vol 3, 24.4.2
 * "Guest Non-Register State", Table 24-3) are SNAP_INTR_STI and
 * SNAP_INTR_MOV_SS; SVM's interrupt shadow reports as bit 0. */
#define VMX_INTR_SHADOWS (SNAP_INTR_STI | SNAP_INTR_MOV_SS)
#define SEG_ATTR_BITS 0x1FFFu         /* the neutral packing: bits 0-11 and unusable */

bool snap_vcpu_quiescent(struct vm *vm)
{
	struct vcpu_arch *a = &vm->vcpu.arch;

	return !vm->hw->event_pending(a) && !vm->hw->nmi_blocked(a);
}

static void save_segments(const struct vcpu_state *s, struct snap_vcpu *o)
{
	STATIC_ASSERT((int)SNAP_SEGS == (int)SEG_COUNT, "the same segment order");
	for (int i = 0; i < SEG_COUNT; i++) {
		o->seg_sel[i] = s->seg[i].selector;
		o->seg_attr[i] = snap_seg_attr_from_vmx(s->seg[i].ar);
		o->seg_limit[i] = s->seg[i].limit;
		o->seg_base[i] = s->seg[i].base;
	}
	o->gdtr_base = s->gdtr.base;
	o->gdtr_limit = s->gdtr.limit;
	o->idtr_base = s->idtr.base;
	o->idtr_limit = s->idtr.limit;
}

static void save_msrs(struct vm *vm, const struct vcpu_state *s, struct snap_vcpu *o)
{
	o->msr[SNAP_MSR_STAR] = s->star;
	o->msr[SNAP_MSR_LSTAR] = s->lstar;
	o->msr[SNAP_MSR_CSTAR] = s->cstar;
	o->msr[SNAP_MSR_SFMASK] = s->sfmask;
	o->msr[SNAP_MSR_KERNEL_GS_BASE] = s->kernel_gs_base;
	o->msr[SNAP_MSR_SYSENTER_CS] = s->sysenter_cs;
	o->msr[SNAP_MSR_SYSENTER_ESP] = s->sysenter_esp;
	o->msr[SNAP_MSR_SYSENTER_EIP] = s->sysenter_eip;
	o->msr[SNAP_MSR_PAT] = s->pat;
	o->msr[SNAP_MSR_TSC_AUX] = vm->vcpu.tsc_aux;
	o->msr[SNAP_MSR_APIC_BASE] = vm_devices_apic_base(vm);
	o->msr[SNAP_MSR_MISC_ENABLE] = vm->vcpu.misc_enable;
}

void snap_vcpu_save(struct vm *vm, struct snap_vcpu *o)
{
	struct vcpu *v = &vm->vcpu;
	struct vcpu_state s;

	memset(o, 0, sizeof(*o));
	vm->hw->get_state(&v->arch, &s);
	STATIC_ASSERT(sizeof(o->gpr) == sizeof(s.gpr), "the same general registers");
	memcpy(o->gpr, s.gpr, sizeof(o->gpr));
	o->rip = s.rip;
	o->rflags = s.rflags;
	save_segments(&s, o);
	o->cr0 = s.cr0;
	o->cr2 = s.cr2;
	o->cr3 = s.cr3;
	o->cr4 = s.cr4;
	o->cr8 = vm_devices_tpr(vm) >> 4; /* CR8 is TPR[7:4] (SDM Vol 3, 11.8.6) */
	o->xcr0 = s.xcr0; /* the CPU's: SVM need not intercept XSETBV */
	o->efer = s.efer;
	for (int i = 0; i < 4; i++)
		o->dr[SNAP_DR0 + i] = s.dr[i];
	o->dr[SNAP_DR6] = s.dr6;
	o->dr[SNAP_DR7] = s.dr7;
	save_msrs(vm, &s, o);
	o->tsc = vcpu_guest_tsc(v);
	o->interruptibility = (u8)(s.interruptibility & VMX_INTR_SHADOWS);
	o->activity = v->halted ? SNAP_HALTED : SNAP_ACTIVE;
}

/* DR6 and DR7 with bits 63:32 set, which MOV DR, VM entry and VMRUN all
 * refuse (SDM Vol 2B, "MOV—Move to/from Debug Registers"; SDM Vol 3,
 * 27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and MSRs";
 * APM Vol 2, 15.5.1 "Basic Operation"); an XCR0 XSETBV would refuse here
 * (0 or x87 alone, the reset value, always go: a CPU without XSAVE has
 * that). */
static int check_dr_xcr0(struct vm *vm, const struct snap_vcpu *in)
{
	struct guest_cpuid_ctx ctx;

	if ((in->dr[SNAP_DR6] | in->dr[SNAP_DR7]) >> 32) {
		pr_err("snapshot refused: VCPU DR6 %#llx or DR7 %#llx has bits 63:32 set",
		       in->dr[SNAP_DR6], in->dr[SNAP_DR7]);
		return -EINVAL;
	}
	vcpu_cpuid_ctx(&vm->vcpu, &ctx);
	if ((in->xcr0 & ~SNAP_XCR0_X87) && !guest_cpuid_xcr0_valid(&ctx, in->xcr0)) {
		pr_err("snapshot refused: VCPU XCR0 %#llx is not one this CPU lets the guest set "
		       "(allowed %#llx)", in->xcr0, guest_cpuid_xcr0_allowed(&ctx));
		return -EINVAL;
	}
	return 0;
}

int snap_vcpu_check(struct vm *vm, const struct snap_vcpu *in)
{
	for (int i = 0; i < SNAP_SEGS; i++)
		if (in->seg_attr[i] & ~SEG_ATTR_BITS) {
			pr_err("snapshot refused: VCPU segment %d has attribute bits %#x no CPU has", i,
			       in->seg_attr[i]);
			return -EINVAL;
		}
	if (in->interruptibility & ~VMX_INTR_SHADOWS) {
		pr_err("snapshot refused: VCPU blocks NMIs (an NMI handler running): not resumable");
		return -EINVAL;
	}
	if (in->activity > SNAP_HALTED) {
		pr_err("snapshot refused: VCPU activity state %u unknown", in->activity);
		return -EINVAL;
	}
	if (in->event_valid && in->event_type != SNAP_EVENT_EXT_INT &&
	    in->event_type != SNAP_EVENT_NMI && in->event_type != SNAP_EVENT_HW_EXCEPTION &&
	    in->event_type != SNAP_EVENT_SW_INT) {
		pr_err("snapshot refused: VCPU pending event type %u cannot be injected", in->event_type);
		return -EINVAL;
	}
	return check_dr_xcr0(vm, in);
}

static void load_state(const struct snap_vcpu *in, struct vcpu_state *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->gpr, in->gpr, sizeof(s->gpr));
	s->rip = in->rip;
	s->rflags = in->rflags;
	for (int i = 0; i < SEG_COUNT; i++)
		s->seg[i] = (struct segment){ in->seg_sel[i], in->seg_base[i], in->seg_limit[i],
					      snap_seg_attr_to_vmx(in->seg_attr[i]) };
	s->gdtr = (struct dtable){ in->gdtr_base, in->gdtr_limit };
	s->idtr = (struct dtable){ in->idtr_base, in->idtr_limit };
	s->cr0 = in->cr0;
	s->cr2 = in->cr2;
	s->cr3 = in->cr3;
	s->cr4 = in->cr4;
	s->efer = in->efer;
	s->xcr0 = in->xcr0;
	s->dr7 = in->dr[SNAP_DR7];
	for (int i = 0; i < 4; i++)
		s->dr[i] = in->dr[SNAP_DR0 + i];
	s->dr6 = in->dr[SNAP_DR6];
	s->pat = in->msr[SNAP_MSR_PAT];
	s->sysenter_cs = in->msr[SNAP_MSR_SYSENTER_CS];
	s->sysenter_esp = in->msr[SNAP_MSR_SYSENTER_ESP];
	s->sysenter_eip = in->msr[SNAP_MSR_SYSENTER_EIP];
	s->star = in->msr[SNAP_MSR_STAR];
	s->lstar = in->msr[SNAP_MSR_LSTAR];
	s->cstar = in->msr[SNAP_MSR_CSTAR];
	s->sfmask = in->msr[SNAP_MSR_SFMASK];
	s->kernel_gs_base = in->msr[SNAP_MSR_KERNEL_GS_BASE];
	s->interruptibility = in->interruptibility;
	s->activity = 0; /* hv/ emulates HLT: a halted vCPU is not entered */
}

/* The pending event of a record, as the backend injects it. */
static void inject_event(struct vm *vm, const struct snap_vcpu *in)
{
	struct vevent e = { VEVENT_EXTINT, in->event_vector, in->event_has_error != 0,
			    in->event_error };

	if (in->event_type == SNAP_EVENT_NMI)
		e.type = VEVENT_NMI;
	else if (in->event_type == SNAP_EVENT_HW_EXCEPTION)
		e.type = VEVENT_EXCEPTION;
	else if (in->event_type == SNAP_EVENT_SW_INT)
		e.type = VEVENT_SOFTINT;
	vm->hw->inject(&vm->vcpu.arch, &e);
}

int snap_vcpu_load(struct vm *vm, const struct snap_vcpu *in)
{
	struct vcpu *v = &vm->vcpu;
	struct vcpu_state s;
	int err = snap_vcpu_check(vm, in);

	if (err)
		return err;
	load_state(in, &s);
	vm->hw->set_state(&v->arch, &s);
	v->xcr0 = in->xcr0;
	v->tsc_aux = in->msr[SNAP_MSR_TSC_AUX];
	v->misc_enable = in->msr[SNAP_MSR_MISC_ENABLE];
	v->halted = in->activity == SNAP_HALTED;
	vm->resume_tsc = in->tsc;
	vm->resumed = true;
	if (in->event_valid)
		inject_event(vm, in);
	return 0;
}
