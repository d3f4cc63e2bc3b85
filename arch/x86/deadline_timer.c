/*
 * The host LAPIC timer as a TSC deadline (arch/x86/deadline_timer.h).
 *
 * SVM has no preemption timer: its guest leaves at a deadline because this
 * timer interrupts it. Started before every VMRUN and stopped after, it
 * cost four APIC register writes an exit, 5,000 to 22,000 TSC cycles of
 * QEMU's TCG each time (docs/exit-path.md), while most exits re-enter with
 * the deadline unchanged. So the armed deadline is remembered and the timer
 * left counting: an interrupt that fires while the hypervisor runs stays
 * pending (interrupts are off there) and ends the next guest run at once,
 * which is what its deadline asked for; the handler, run at the next
 * interrupt window, forgets the deadline so that the next arming writes the
 * timer again. A pending interrupt of an older deadline only ends one run
 * early: a host interrupt exit, which no guest state depends on.
 */
#include "arch/x86/deadline_timer.h"

#include "arch/x86/lapic.h"
#include "arch/x86/time.h"
#include "arch/x86/trap.h"
#include "arch/x86/cpu.h"
#include "compiler.h"

#define LAPIC_COUNT_MAX 0xFFFFFFFFULL /* SDM Vol 3, 11.5.4 "APIC Timer": a 32-bit count */

static u64 armed_tsc; /* the deadline counting now; 0: none */

static void on_timer(struct trap_frame *f)
{
	(void)f;
	armed_tsc = 0;
	lapic_eoi();
}

void deadline_timer_install(void)
{
	trap_set_handler(VECTOR_LAPIC_TIMER, on_timer);
}

/* The timer's count from now to tsc: at least 1 (0 would stop it), at most
 * its 32 bits (a later deadline fires early and is armed again). */
static u32 count_until(u64 tsc)
{
	const struct clock_info *clk = time_clocks();
	u64 now = rdtsc();
	u64 count = tsc > now ? (tsc - now) * clk->lapic_timer_hz / clk->tsc_hz : 0;

	return (u32)MIN(MAX(count, 1ULL), LAPIC_COUNT_MAX);
}

void deadline_timer_arm(u64 tsc)
{
	if (tsc == armed_tsc)
		return;
	if (tsc)
		lapic_timer_start_oneshot(count_until(tsc), VECTOR_LAPIC_TIMER);
	else
		lapic_timer_stop();
	armed_tsc = tsc;
}
