/* The exit dispatch table (see exits.h). */
#include "hv/exits.h"

#include "compiler.h"

struct exit_kind {
	const char *name;
	exit_handler_fn handler;
	bool guest_caused;
};

static const struct exit_kind exit_kinds[VEXIT_COUNT] = {
	[VEXIT_NONE] = { "none", exit_unhandled, false },
	[VEXIT_EXCEPTION] = { "exception", exit_exception, true },
	[VEXIT_EXTINT] = { "host interrupt", exit_extint, false },
	[VEXIT_TRIPLE_FAULT] = { "triple fault", exit_triple_fault, true },
	[VEXIT_INTR_WINDOW] = { "interrupt window", exit_nothing, false },
	[VEXIT_CPUID] = { "cpuid", exit_cpuid, true },
	[VEXIT_HLT] = { "hlt", exit_hlt, true },
	[VEXIT_RDTSC] = { "rdtsc", exit_rdtsc, true },
	[VEXIT_RDTSCP] = { "rdtscp", exit_rdtscp, true },
	[VEXIT_RDRAND] = { "rdrand", exit_rdrand, true },
	[VEXIT_RDSEED] = { "rdseed", exit_rdrand, true },
	[VEXIT_RDPMC] = { "rdpmc", exit_gp, true },
	[VEXIT_IO] = { "io", exit_io, true },
	[VEXIT_MSR_READ] = { "rdmsr", exit_msr_read, true },
	[VEXIT_MSR_WRITE] = { "wrmsr", exit_msr_write, true },
	[VEXIT_CR_ACCESS] = { "cr access", exit_cr_access, true },
	[VEXIT_XSETBV] = { "xsetbv", exit_xsetbv, true },
	[VEXIT_NPF] = { "nested page fault", exit_npf, true },
	[VEXIT_TIMER] = { "timer", exit_nothing, false },
	[VEXIT_VMCALL] = { "vmcall", exit_undefined, true },
	[VEXIT_INVD] = { "invd/wbinvd", exit_skip, true },
	[VEXIT_UNDEFINED] = { "undefined insn", exit_undefined, true },
	[VEXIT_MTF] = { "single step", exit_nothing, false },
	[VEXIT_INIT] = { "INIT signal", exit_nothing, false },
	[VEXIT_ENTRY_FAILED] = { "entry failed", exit_entry_failed, false },
	[VEXIT_UNHANDLED] = { "unhandled", exit_unhandled, false },
};

const char *exit_reason_name(enum vexit_reason r)
{
	return (unsigned)r < VEXIT_COUNT && exit_kinds[r].name ? exit_kinds[r].name : "?";
}

bool exit_is_guest_caused(enum vexit_reason r)
{
	return (unsigned)r < VEXIT_COUNT && exit_kinds[r].guest_caused;
}

void exit_dispatch(struct vcpu *v, const struct vexit *e)
{
	if ((unsigned)e->reason >= VEXIT_COUNT || !exit_kinds[e->reason].handler) {
		exit_unhandled(v, e);
		return;
	}
	exit_kinds[e->reason].handler(v, e);
}
