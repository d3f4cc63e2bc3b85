/*
 * Running the guest to its next VM exit, and turning the exit into the
 * backend-neutral struct vexit (SDM Vol 3, 28 "VM Exits"; exit
 * qualifications in 28.2.1 "Basic VM-Exit Information", Tables 28-1..28-7).
 */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/cpu.h"
#include "arch/x86/exit_profile.h"
#include "arch/x86/time.h"
#include "arch/x86/trap.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"
#include "arch/x86/vmx/vmx_exit_reasons.h"
#include "errno.h"
#include "log.h"

STATIC_ASSERT(__builtin_offsetof(struct vcpu_arch, cr2) == 16 * 8,
	      "vmx_entry.S expects CR2 right after the 16 general registers");

/* 25.9.2 "Information for VM Exits Due to Vectored Events" */
#define INTR_INFO_VECTOR_MASK 0xFFu
#define INTR_INFO_TYPE_SHIFT 8
#define INTR_INFO_TYPE_MASK (7u << 8)
#define INTR_INFO_ERROR_CODE_VALID (1u << 11)
#define INTR_INFO_VALID (1u << 31)
#define INTR_INFO_NMI_UNBLOCKED (1u << 12) /* 28.2.3: an IRET unblocked NMIs, then faulted */
#define INTR_TYPE_NMI 2
#define INTR_TYPE_SOFT_INTR 4
#define INTR_TYPE_PRIV_SOFT_EXC 5
#define INTR_TYPE_SOFT_EXC 6


/* Table 28-3 "Exit Qualification for Control-Register Accesses" */
#define CRQ_CR(q) ((q) & 0xF)
#define CRQ_TYPE(q) (((q) >> 4) & 3)
#define CRQ_GPR(q) (((q) >> 8) & 0xF)
#define CRQ_LMSW(q) (((q) >> 16) & 0xFFFF)

/* Table 28-5 "Exit Qualification for I/O Instructions" */
#define IOQ_SIZE(q) (((q) & 7) + 1)
#define IOQ_IN (1u << 3)
#define IOQ_STRING (1u << 4)
#define IOQ_REP (1u << 5)
#define IOQ_PORT(q) (((q) >> 16) & 0xFFFF)

/* Table 28-7 "Exit Qualification for EPT Violations" */
#define EPTQ_READ (1u << 0)
#define EPTQ_WRITE (1u << 1)
#define EPTQ_FETCH (1u << 2)
#define EPTQ_GLA_VALID (1u << 7)
#define EPTQ_TRANSLATED (1u << 8)
#define EPTQ_NMI_UNBLOCKED (1u << 12)

/* Table 25-3 "Format of Interruptibility State" */
#define INTERRUPTIBILITY_NMI (1u << 3)
#define DOUBLE_FAULT_VECTOR 8

/* Table 28-12/28-13 "Format of the VM-Exit Instruction-Information Field
 * as Used for RDRAND and RDSEED" */
#define RDRAND_INFO_REG(i) (((i) >> 3) & 0xF)
#define RDRAND_INFO_SIZE(i) (((i) >> 11) & 3)

/* Reads the preemption-timer value for the deadline (25.5.1 "VMX-Preemption
 * Timer": it counts down at TSC >> IA32_VMX_MISC[4:0]). */
static void program_preemption_timer(struct vmx_vcpu *vx)
{
	u64 now = rdtsc(), ticks = 0xFFFFFFFFull;

	if (vx->timer_deadline) {
		ticks = vx->timer_deadline > now ? (vx->timer_deadline - now) >> vmx_timer_rate_shift() : 0;
		if (ticks > 0xFFFFFFFFull)
			ticks = 0xFFFFFFFFull;
	}
	vmcs_write32(VMCS_PREEMPTION_TIMER_VALUE, (u32)ticks);
}

static void set_nmi_blocking(bool on)
{
	u32 state = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	state = on ? state | INTERRUPTIBILITY_NMI : state & ~INTERRUPTIBILITY_NMI;
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, state);
}

/* A fault of an IRET that had already removed virtual-NMI blocking: the
 * blocking goes back before the guest resumes, unless the exit was during
 * event delivery or for a double fault (SDM Vol 3, 28.2.3 "Information
 * About NMI Unblocking Due to IRET"). */
static void restore_nmi_blocking(bool unblocked_by_iret, u8 vector)
{
	if (unblocked_by_iret && vector != DOUBLE_FAULT_VECTOR &&
	    !(vmcs_read32(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID))
		set_nmi_blocking(true);
}

/* An exit in the middle of delivering an event (IDT-vectoring information,
 * 28.2.4) leaves the event undelivered: inject it again at the next entry.
 * An NMI is injected again without the blocking its first delivery began
 * (an entry that injects an NMI under virtual-NMI blocking fails, 27.3.1.5
 * "Checks on Guest Non-Register State"). */
static void requeue_interrupted_event(void)
{
	u32 info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	u32 type;

	if (!(info & INTR_INFO_VALID))
		return;
	type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
	if (type == INTR_TYPE_NMI)
		set_nmi_blocking(false);
	vmcs_write32(VMCS_ENTRY_INTERRUPTION_INFO, info & ~(1u << 12));
	if (info & INTR_INFO_ERROR_CODE_VALID)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXC ||
	    type == INTR_TYPE_PRIV_SOFT_EXC)
		vmcs_write32(VMCS_ENTRY_INSTRUCTION_LENGTH, vmcs_read32(VMCS_EXIT_INSTRUCTION_LENGTH));
}

static void decode_exception(struct vexit *e)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTERRUPTION_INFO);

	if (((info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT) == INTR_TYPE_NMI) {
		e->reason = VEXIT_EXTINT; /* a host NMI: let the host take it */
		__asm__ volatile("int $2");
		return;
	}
	e->reason = VEXIT_EXCEPTION;
	e->raw_info = info;
	e->exception.vector = info & INTR_INFO_VECTOR_MASK;
	e->exception.has_error_code = info & INTR_INFO_ERROR_CODE_VALID;
	e->exception.error_code = e->exception.has_error_code
					  ? vmcs_read32(VMCS_EXIT_INTERRUPTION_ERROR_CODE) : 0;
	e->exception.cr2_or_dr6 = e->raw_qual;
	restore_nmi_blocking(info & INTR_INFO_NMI_UNBLOCKED, e->exception.vector);
	/* A #DB exit leaves DR6 untouched and puts its bits in the
	 * qualification (28.2.1): give the guest the DR6 it would have seen. */
	if (e->exception.vector == EXC_DB)
		__asm__ volatile("mov %0, %%dr6" : : "r"(e->raw_qual | DR6_RESET));
}

static void decode_io(struct vexit *e)
{
	u64 q = e->raw_qual;

	e->reason = VEXIT_IO;
	e->io.port = IOQ_PORT(q);
	e->io.size = IOQ_SIZE(q);
	e->io.in = q & IOQ_IN;
	e->io.string = q & IOQ_STRING;
	e->io.rep = q & IOQ_REP;
}

static void decode_cr(struct vexit *e)
{
	u64 q = e->raw_qual;

	e->reason = VEXIT_CR_ACCESS;
	e->cr.cr = CRQ_CR(q);
	e->cr.type = (enum cr_access_type)CRQ_TYPE(q);
	e->cr.gpr = CRQ_GPR(q);
	e->cr.gpr_valid = true;
	e->cr.lmsw_value = CRQ_LMSW(q);
}

static void decode_ept_violation(struct vexit *e)
{
	u64 q = e->raw_qual;

	e->reason = VEXIT_NPF;
	e->npf.gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	e->npf.read = q & EPTQ_READ;
	e->npf.write = q & EPTQ_WRITE;
	e->npf.fetch = q & EPTQ_FETCH;
	e->npf.translated = (q & EPTQ_GLA_VALID) && (q & EPTQ_TRANSLATED);
	restore_nmi_blocking(q & EPTQ_NMI_UNBLOCKED, 0);
}

/* A full page-modification log (SDM Vol 3C, 29.3.6): the write that would
 * have logged has not happened; bit 12 of the qualification is the NMI
 * unblocking of Table 28-7's layout (28.2.1 "Basic VM-Exit Information"). */
static void decode_pml_full(struct vexit *e)
{
	e->reason = VEXIT_PML_FULL;
	restore_nmi_blocking(e->raw_qual & EPTQ_NMI_UNBLOCKED, 0);
}

static void decode_rdrand(struct vexit *e, enum vexit_reason r)
{
	u32 info = vmcs_read32(VMCS_EXIT_INSTRUCTION_INFO);

	e->reason = r;
	e->rdrand.reg = RDRAND_INFO_REG(info);
	e->rdrand.size = 2u << RDRAND_INFO_SIZE(info); /* 0: 16-bit, 1: 32, 2: 64 */
}

/* Exit reasons that map one to one. */
static const u8 simple_exits[VMX_EXIT_REASON_COUNT] = {
	[VMX_EXIT_EXTERNAL_INTERRUPT] = VEXIT_EXTINT,
	[VMX_EXIT_TRIPLE_FAULT] = VEXIT_TRIPLE_FAULT,
	[VMX_EXIT_INIT] = VEXIT_INIT,
	[VMX_EXIT_INTERRUPT_WINDOW] = VEXIT_INTR_WINDOW,
	[VMX_EXIT_NMI_WINDOW] = VEXIT_INTR_WINDOW,
	[VMX_EXIT_CPUID] = VEXIT_CPUID,
	[VMX_EXIT_HLT] = VEXIT_HLT,
	[VMX_EXIT_INVD] = VEXIT_INVD,
	[VMX_EXIT_WBINVD] = VEXIT_INVD,
	[VMX_EXIT_RDPMC] = VEXIT_RDPMC,
	[VMX_EXIT_RDTSC] = VEXIT_RDTSC,
	[VMX_EXIT_RDTSCP] = VEXIT_RDTSCP,
	[VMX_EXIT_VMCALL] = VEXIT_VMCALL,
	[VMX_EXIT_RDMSR] = VEXIT_MSR_READ,
	[VMX_EXIT_WRMSR] = VEXIT_MSR_WRITE,
	[VMX_EXIT_XSETBV] = VEXIT_XSETBV,
	[VMX_EXIT_PREEMPTION_TIMER] = VEXIT_TIMER,
	[VMX_EXIT_MONITOR_TRAP] = VEXIT_MTF,
	[VMX_EXIT_GETSEC] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMCLEAR] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMLAUNCH] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMPTRLD] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMPTRST] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMREAD] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMRESUME] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMWRITE] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMXOFF] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMXON] = VEXIT_UNDEFINED,
	[VMX_EXIT_INVEPT] = VEXIT_UNDEFINED,
	[VMX_EXIT_INVVPID] = VEXIT_UNDEFINED,
	[VMX_EXIT_INVPCID] = VEXIT_UNDEFINED,
	[VMX_EXIT_VMFUNC] = VEXIT_UNDEFINED,
	[VMX_EXIT_MWAIT] = VEXIT_UNDEFINED,
	[VMX_EXIT_MONITOR] = VEXIT_UNDEFINED,
	[VMX_EXIT_ENCLS] = VEXIT_UNDEFINED,
	[VMX_EXIT_XSAVES] = VEXIT_UNDEFINED,
	[VMX_EXIT_XRSTORS] = VEXIT_UNDEFINED,
};

static void decode_exit(struct vexit *e, u32 raw)
{
	u32 basic = raw & VMX_EXIT_REASON_BASIC_MASK;

	e->raw_reason = raw;
	e->raw_qual = vmcs_readnat(VMCS_EXIT_QUALIFICATION);
	e->insn_len = 0;
	e->step_intercepted = false;
	if (raw & VMX_EXIT_REASON_ENTRY_FAILURE) {
		e->reason = VEXIT_ENTRY_FAILED;
		return;
	}
	switch (basic) {
	case VMX_EXIT_EXCEPTION_NMI: decode_exception(e); return;
	case VMX_EXIT_IO: decode_io(e); break;
	case VMX_EXIT_CR_ACCESS: decode_cr(e); break;
	case VMX_EXIT_EPT_VIOLATION: decode_ept_violation(e); return;
	case VMX_EXIT_PML_FULL: decode_pml_full(e); return;
	case VMX_EXIT_RDRAND: decode_rdrand(e, VEXIT_RDRAND); break;
	case VMX_EXIT_RDSEED: decode_rdrand(e, VEXIT_RDSEED); break;
	default:
		e->reason = basic < VMX_EXIT_REASON_COUNT && simple_exits[basic]
				    ? (enum vexit_reason)simple_exits[basic] : VEXIT_UNHANDLED;
		if (e->reason == VEXIT_EXTINT || e->reason == VEXIT_TIMER ||
		    e->reason == VEXIT_INTR_WINDOW || e->reason == VEXIT_UNHANDLED ||
		    e->reason == VEXIT_TRIPLE_FAULT || e->reason == VEXIT_INIT ||
		    e->reason == VEXIT_MTF)
			return;
		break;
	}
	e->insn_len = (u8)vmcs_read32(VMCS_EXIT_INSTRUCTION_LENGTH);
}

/* 27.8 "VM-Entry Failures During or After Loading Guest State": the basic
 * reason says what failed, the qualification narrows invalid guest state. */
static void report_entry_failure(const struct vexit *e)
{
	static const char *const qualifications[] = {
		[0] = "see SDM 27.3.1 'Checks on the Guest State Area'",
		[2] = "the PAE PDPTEs could not be loaded",
		[3] = "NMI injection with blocking by NMI",
		[4] = "invalid VMCS link pointer",
	};
	u32 basic = e->raw_reason & VMX_EXIT_REASON_BASIC_MASK;
	const char *what = basic == VMX_EXIT_INVALID_GUEST_STATE ? "invalid guest state" :
			   basic == VMX_EXIT_MSR_LOADING ? "MSR loading" :
			   basic == VMX_EXIT_MACHINE_CHECK ? "machine check during entry" : "unknown";
	const char *detail = e->raw_qual < ARRAY_SIZE(qualifications) && qualifications[e->raw_qual]
				     ? qualifications[e->raw_qual] : "unknown qualification";

	pr_err("vmx: VM entry failed: %s (exit reason %u, qualification %llu: %s)", what, basic,
	       e->raw_qual, basic == VMX_EXIT_INVALID_GUEST_STATE ? detail : "-");
}

static void report_entry_error(int rc)
{
	u32 err = rc == 2 ? vmcs_read32(VMCS_VM_INSTRUCTION_ERROR) : 0;

	pr_err("vmx: VM entry instruction failed (%s): VM-instruction error %u (%s)",
	       rc == 1 ? "VMfailInvalid: no current VMCS" : "VMfailValid", err,
	       vmx_instruction_error_name(err));
}

int vmx_run(struct vcpu_arch *v, struct vexit *e)
{
	struct vmx_vcpu *vx = vmx(v);
	int rc;

	vmcs_writenat(VMCS_GUEST_RSP, v->gpr[GPR_RSP]);
	EXIT_PROFILED(EXIT_STAGE_TIMER, program_preemption_timer(vx));
	EXIT_PROFILE_SWITCH();
	rc = vmx_enter(v, vx->launched);
	EXIT_PROFILE_SET(EXIT_STAGE_DECODE);
	if (rc) {
		report_entry_error(rc);
		return -EIO;
	}
	vx->launched = true;
	v->gpr[GPR_RSP] = vmcs_readnat(VMCS_GUEST_RSP);
	decode_exit(e, vmcs_read32(VMCS_EXIT_REASON));
	if (e->reason == VEXIT_ENTRY_FAILED)
		report_entry_failure(e);
	else
		requeue_interrupted_event();
	vcpu_debug_finish_tf_step(&vx->dbg, &vmx_debug_hooks, v, e);
	return 0;
}
