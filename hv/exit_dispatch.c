/* The exit dispatch table (see exits.h). */
#include "hv/exits.h"

static const exit_handler_fn exit_handlers[VEXIT_COUNT] = {
	[VEXIT_NONE] = exit_unhandled,
	[VEXIT_EXCEPTION] = exit_exception,
	[VEXIT_EXTINT] = exit_extint,
	[VEXIT_TRIPLE_FAULT] = exit_triple_fault,
	[VEXIT_INTR_WINDOW] = exit_nothing,
	[VEXIT_CPUID] = exit_cpuid,
	[VEXIT_HLT] = exit_hlt,
	[VEXIT_RDTSC] = exit_rdtsc,
	[VEXIT_RDTSCP] = exit_rdtscp,
	[VEXIT_RDRAND] = exit_rdrand,
	[VEXIT_RDSEED] = exit_rdrand,
	[VEXIT_RDPMC] = exit_gp,
	[VEXIT_IO] = exit_io,
	[VEXIT_MSR_READ] = exit_msr_read,
	[VEXIT_MSR_WRITE] = exit_msr_write,
	[VEXIT_CR_ACCESS] = exit_cr_access,
	[VEXIT_XSETBV] = exit_xsetbv,
	[VEXIT_NPF] = exit_npf,
	[VEXIT_TIMER] = exit_nothing,
	[VEXIT_VMCALL] = exit_undefined,
	[VEXIT_INVD] = exit_skip,
	[VEXIT_UNDEFINED] = exit_undefined,
	[VEXIT_MTF] = exit_nothing,
	[VEXIT_INIT] = exit_nothing,
	[VEXIT_ENTRY_FAILED] = exit_entry_failed,
	[VEXIT_UNHANDLED] = exit_unhandled,
};

void exit_dispatch(struct vcpu *v, const struct vexit *e)
{
	if ((unsigned)e->reason >= VEXIT_COUNT || !exit_handlers[e->reason]) {
		exit_unhandled(v, e);
		return;
	}
	exit_handlers[e->reason](v, e);
}
