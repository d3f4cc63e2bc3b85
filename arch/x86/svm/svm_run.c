/*
 * Running the guest to its next #VMEXIT and turning the exit code into the
 * backend-neutral struct vexit (AMD64 APM Vol 2, 15.6 "#VMEXIT", Appendix C
 * "SVM Intercept Exit Codes"). Without NRIP save the instruction length is
 * left 0 and hv/ decodes it; without decode assists so is the register of a
 * control-register access.
 */
#include "arch/x86/svm/svm.h"

#include "arch/x86/cpu.h"
#include "arch/x86/deadline_timer.h"
#include "arch/x86/exit_profile.h"
#include "arch/x86/svm/svm_caps.h"
#include "arch/x86/trap.h"
#include "errno.h"
#include "log.h"


/* The guest's breakpoint is also enabled in the host's DR7 around VMRUN:
 * emulators that load DR7 from the VMCB without arming it (QEMU's TCG) then
 * still stop at it, and on hardware VMRUN switches DR7 anyway. A hit in the
 * host on that address is ignored by the host's #DB handler. */
static void host_dr7_write(u64 dr7)
{
	__asm__ volatile("mov %0, %%dr7" : : "r"(dr7));
}
#define EXIT_CR_COUNT 16

/* Exit codes that map one to one. */
static enum vexit_reason simple_exit(u64 code)
{
	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI: return VEXIT_EXTINT;
	case SVM_EXIT_INIT: return VEXIT_INIT;
	case SVM_EXIT_VINTR:
	case SVM_EXIT_IRET: return VEXIT_INTR_WINDOW; /* svm_track_nmi_blocking */
	case SVM_EXIT_RDTSC: return VEXIT_RDTSC;
	case SVM_EXIT_RDTSCP: return VEXIT_RDTSCP;
	case SVM_EXIT_RDPMC: return VEXIT_RDPMC;
	case SVM_EXIT_CPUID: return VEXIT_CPUID;
	case SVM_EXIT_HLT: return VEXIT_HLT;
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD: return VEXIT_INVD;
	case SVM_EXIT_XSETBV: return VEXIT_XSETBV;
	case SVM_EXIT_VMMCALL: return VEXIT_VMCALL;
	case SVM_EXIT_SHUTDOWN: return VEXIT_TRIPLE_FAULT;
	case SVM_EXIT_RSM:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND: return VEXIT_UNDEFINED;
	default:
		/* VMEXIT_INVALID is -1; some implementations store it 32 bits wide. */
		if ((u32)code == (u32)SVM_EXIT_INVALID)
			return VEXIT_ENTRY_FAILED;
		return VEXIT_UNHANDLED;
	}
}

static void decode_io(struct vexit *e, const struct vmcb_control *c, u64 rip)
{
	u64 q = c->exit_info1;

	e->reason = VEXIT_IO;
	e->io.port = (u16)(q >> SVM_IOIO_PORT_SHIFT);
	e->io.size = (q >> SVM_IOIO_SIZE_SHIFT) & 1 ? 1 : (q >> SVM_IOIO_SIZE_SHIFT) & 2 ? 2 : 4;
	e->io.in = q & SVM_IOIO_IN;
	e->io.string = q & SVM_IOIO_STRING;
	e->io.rep = q & SVM_IOIO_REP;
	e->insn_len = (u8)(c->exit_info2 - rip); /* EXITINFO2 is the next RIP */
}

static void decode_cr(struct vexit *e, const struct vmcb_control *c)
{
	bool write = c->exit_code >= SVM_EXIT_CR0_WRITE;

	e->reason = VEXIT_CR_ACCESS;
	e->cr.cr = (u8)(c->exit_code % EXIT_CR_COUNT);
	e->cr.type = write ? CR_MOV_TO : CR_MOV_FROM;
	e->cr.gpr_valid = c->exit_info1 & SVM_CR_GPR_VALID;
	e->cr.gpr = (u8)(c->exit_info1 & SVM_CR_GPR_MASK);
}

static void decode_exception(struct vexit *e, const struct vmcb_control *c, const struct vmcb_save *s)
{
	u8 vector = (u8)(c->exit_code - SVM_EXIT_EXCEPTION_BASE);

	e->reason = VEXIT_EXCEPTION;
	e->exception.vector = vector;
	e->exception.has_error_code = vector == EXC_AC || vector == EXC_PF || vector == EXC_GP;
	e->exception.error_code = (u32)c->exit_info1;
	e->exception.cr2_or_dr6 = vector == EXC_DB ? s->dr6 : c->exit_info2;
}

static void decode_npf(struct vexit *e, const struct vmcb_control *c)
{
	u64 q = c->exit_info1;

	e->reason = VEXIT_NPF;
	e->npf.gpa = c->exit_info2;
	e->npf.write = q & SVM_NPF_WRITE;
	e->npf.fetch = q & SVM_NPF_FETCH;
	e->npf.read = !e->npf.write && !e->npf.fetch;
	e->npf.translated = q & SVM_NPF_FINAL_TRANSLATION;
}

static bool is_instruction_exit(enum vexit_reason r)
{
	switch (r) {
	case VEXIT_CPUID: case VEXIT_HLT: case VEXIT_RDTSC: case VEXIT_RDTSCP:
	case VEXIT_RDPMC: case VEXIT_MSR_READ: case VEXIT_MSR_WRITE: case VEXIT_XSETBV:
	case VEXIT_VMCALL: case VEXIT_INVD: case VEXIT_CR_ACCESS: case VEXIT_UNDEFINED:
		return true;
	default:
		return false;
	}
}

static void decode_exit(struct vexit *e, const struct vmcb *vmcb, u64 rip)
{
	const struct vmcb_control *c = &vmcb->control;
	u64 code = c->exit_code;

	e->raw_reason = (u32)code;
	e->raw_qual = c->exit_info1;
	e->raw_info = c->exit_info2;
	e->insn_len = 0;
	e->step_intercepted = false;
	if (code < SVM_EXIT_EXCEPTION_BASE) /* CR0..CR15 reads and writes */
		decode_cr(e, c);
	else if (code >= SVM_EXIT_EXCEPTION_BASE && code < SVM_EXIT_INTR)
		decode_exception(e, c, &vmcb->save);
	else if (code == SVM_EXIT_IOIO)
		decode_io(e, c, rip);
	else if (code == SVM_EXIT_NPF)
		decode_npf(e, c);
	else if (code == SVM_EXIT_MSR)
		e->reason = c->exit_info1 ? VEXIT_MSR_WRITE : VEXIT_MSR_READ;
	else
		e->reason = simple_exit(code);
	if (svm_has_nrips() && is_instruction_exit(e->reason) && c->next_rip > rip)
		e->insn_len = (u8)(c->next_rip - rip);
}

/* An exit while delivering an event leaves it in EXITINTINFO: deliver it
 * again (15.7.2 "Intercepts During IDT Interrupt Delivery"). A software
 * interrupt is instead re-executed from its INTn. */
static void requeue_interrupted_event(struct vmcb_control *c)
{
	u64 info = c->exit_int_info;
	u64 type = (info >> SVM_EVTINJ_TYPE_SHIFT) & 7;

	c->event_inj = 0;
	if ((info & SVM_EVTINJ_VALID) && type != SVM_EVTINJ_TYPE_SOFT_INT)
		c->event_inj = info;
}

/* SVM has no preemption timer: the host LAPIC timer interrupts the guest at
 * the deadline, and the physical interrupt exits (INTR intercept). It
 * stays armed across exits (arch/x86/deadline_timer.c). */
int svm_run(struct vcpu_arch *v, struct vexit *e)
{
	struct svm_vcpu *sv = svm(v);
	struct vmcb *vmcb = sv->vmcb;
	u64 rip;

	vmcb->save.rax = v->gpr[GPR_RAX];
	vmcb->save.rsp = v->gpr[GPR_RSP];
	vmcb->save.cr2 = v->cr2;
	EXIT_PROFILED(EXIT_STAGE_TIMER, deadline_timer_arm(sv->timer_deadline));
	/* GIF holds interrupts until the guest runs; with host IF set, physical
	 * interrupts then cause #VMEXIT(INTR) (15.17 "Global Interrupt Flag"). */
	__asm__ volatile("clgi; sti" ::: "memory");
	if (sv->dbg.breakpoint_armed)
		host_dr7_write(vmcb->save.dr7);
	EXIT_PROFILE_SWITCH();
	svm_enter(v, sv->vmcb_pa, svm_host_save_area());
	EXIT_PROFILE_SET(EXIT_STAGE_DECODE);
	if (sv->dbg.breakpoint_armed)
		host_dr7_write(DR7_RESET);
	__asm__ volatile("cli; stgi" ::: "memory");
	v->gpr[GPR_RAX] = vmcb->save.rax;
	v->gpr[GPR_RSP] = vmcb->save.rsp;
	v->cr2 = vmcb->save.cr2;
	rip = vmcb->save.rip;
	vmcb->control.tlb_control = SVM_TLB_CONTROL_NONE;
	decode_exit(e, vmcb, rip);
	if (e->reason == VEXIT_ENTRY_FAILED)
		pr_err("svm: VMRUN refused the VMCB (#VMEXIT(INVALID): a consistency check of "
		       "APM Vol 2, 15.5.1 \"Basic Operation\" failed)");
	requeue_interrupted_event(&vmcb->control);
	vcpu_debug_finish_tf_step(&sv->dbg, &svm_debug_hooks, v, e);
	svm_track_nmi_blocking(v, e, rip);
	return 0;
}
