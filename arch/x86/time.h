/* Clocks: the TSC frequency and the LAPIC timer rate, calibrated once at
 * boot against the 8254 PIT (a clock of known frequency). */
#ifndef UNDERSTUDY_ARCH_X86_TIME_H
#define UNDERSTUDY_ARCH_X86_TIME_H

#include "types.h"

#define NS_PER_SEC 1000000000ULL

struct clock_info {
	u64 tsc_hz;
	u64 tsc_hz_measured; /* against the PIT */
	u64 tsc_hz_cpuid;    /* CPUID 15H, 0 when not given */
	u64 lapic_timer_hz;  /* after the divide-by-16 */
	bool tsc_invariant;
	const char *tsc_source;
};

/* Measures TSC and LAPIC timer rates; @pre lapic_init() succeeded. */
int time_init(void);
const struct clock_info *time_clocks(void);

/* Nanoseconds since time_init, from the TSC. */
u64 time_now_ns(void);
u64 time_tsc_to_ns(u64 cycles);
u64 time_ns_to_tsc(u64 ns);

#endif
