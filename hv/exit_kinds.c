/* Names and causes of exit reasons (see exit_kinds.h). */
#include "hv/exit_kinds.h"

struct exit_kind {
	const char *name;
	bool guest_caused;
};

static const struct exit_kind exit_kinds[VEXIT_COUNT] = {
	[VEXIT_NONE] = { "none", false },
	[VEXIT_EXCEPTION] = { "exception", true },
	[VEXIT_EXTINT] = { "host interrupt", false },
	[VEXIT_TRIPLE_FAULT] = { "triple fault", true },
	[VEXIT_INTR_WINDOW] = { "interrupt window", false },
	[VEXIT_CPUID] = { "cpuid", true },
	[VEXIT_HLT] = { "hlt", true },
	[VEXIT_RDTSC] = { "rdtsc", true },
	[VEXIT_RDTSCP] = { "rdtscp", true },
	[VEXIT_RDRAND] = { "rdrand", true },
	[VEXIT_RDSEED] = { "rdseed", true },
	[VEXIT_RDPMC] = { "rdpmc", true },
	[VEXIT_IO] = { "io", true },
	[VEXIT_MSR_READ] = { "rdmsr", true },
	[VEXIT_MSR_WRITE] = { "wrmsr", true },
	[VEXIT_CR_ACCESS] = { "cr access", true },
	[VEXIT_XSETBV] = { "xsetbv", true },
	[VEXIT_NPF] = { "nested page fault", true },
	[VEXIT_TIMER] = { "timer", false },
	[VEXIT_VMCALL] = { "vmcall", true },
	[VEXIT_INVD] = { "invd/wbinvd", true },
	[VEXIT_UNDEFINED] = { "undefined insn", true },
	[VEXIT_MTF] = { "single step", false },
	[VEXIT_INIT] = { "INIT signal", false },
	[VEXIT_ENTRY_FAILED] = { "entry failed", false },
	[VEXIT_UNHANDLED] = { "unhandled", false },
	[VEXIT_PML_FULL] = { "PML full", false },
};

const char *exit_reason_name(enum vexit_reason r)
{
	return (unsigned)r < VEXIT_COUNT && exit_kinds[r].name ? exit_kinds[r].name : "?";
}

bool exit_is_guest_caused(enum vexit_reason r)
{
	return (unsigned)r < VEXIT_COUNT && exit_kinds[r].guest_caused;
}
