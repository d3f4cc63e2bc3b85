/*
 * What each MSR is to the guest, by CPU vendor: emulated by Understudy
 * (hv/exit_msr.c), read as zero with writes ignored (a resource the CPU
 * has but whose effect the guest cannot observe, such as a performance
 * counter that never counts), or absent (#GP, logged). The table is
 * documented in docs/guest-platform.md. Pure code (host-tested).
 */
#ifndef UNDERSTUDY_HV_MSR_POLICY_H
#define UNDERSTUDY_HV_MSR_POLICY_H

#include "types.h"

enum msr_vendor {
	MSR_VENDOR_INTEL = 1u << 0,
	MSR_VENDOR_AMD = 1u << 1,  /* AuthenticAMD and HygonGenuine */
	MSR_VENDOR_ANY = MSR_VENDOR_INTEL | MSR_VENDOR_AMD,
};

enum msr_action {
	MSR_ABSENT,   /* RDMSR and WRMSR raise #GP */
	MSR_EMULATED, /* hv/exit_msr.c emulates it */
	MSR_ZERO,     /* reads 0; writes are accepted and ignored */
};

struct msr_rule {
	u32 first, last;  /* an index range, inclusive */
	u8 vendors;       /* enum msr_vendor bits it applies to */
	u8 action;        /* enum msr_action */
	bool read_only;   /* WRMSR raises #GP */
	const char *name;
};

/* The vendor a CPUID leaf 0 vendor string (EBX, EDX, ECX) names. */
enum msr_vendor msr_policy_vendor(u32 ebx, u32 edx, u32 ecx);

/* The rule for index on a vendor's CPU; an MSR no rule names is absent
 * (an ABSENT rule with a NULL name is returned). Never NULL. */
const struct msr_rule *msr_policy_find(u32 index, enum msr_vendor vendor);

/* The table itself, for the documentation check in the host test. */
const struct msr_rule *msr_policy_table(unsigned *count);

#endif
