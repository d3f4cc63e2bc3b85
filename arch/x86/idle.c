/* The host CPU asleep until a deadline (arch/x86/idle.h). */
#include "arch/x86/idle.h"

#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/time.h"
#include "arch/x86/trap.h"

#define LAPIC_COUNT_MAX 0xFFFFFFFFULL

static void wake_tick(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
}

void idle_install(void)
{
	trap_set_handler(VECTOR_LAPIC_TIMER, wake_tick);
}

/* STI; HLT in one asm statement: STI's one-instruction interrupt shadow
 * (SDM Vol 2B, "STI—Set Interrupt Flag") means an interrupt already
 * pending still wakes the HLT rather than arriving before it. */
u64 idle_until_tsc(u64 deadline_tsc, u64 max_ns)
{
	const struct clock_info *clk = time_clocks();
	u64 now = rdtsc(), max_tsc = time_ns_to_tsc(max_ns), wait, count;

	if (deadline_tsc <= now)
		return 0;
	wait = MIN(deadline_tsc - now, max_tsc);
	count = wait * clk->lapic_timer_hz / clk->tsc_hz;
	idle_install();
	lapic_timer_start_oneshot((u32)MIN(MAX(count, 1ULL), LAPIC_COUNT_MAX), VECTOR_LAPIC_TIMER);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	lapic_timer_stop();
	return rdtsc() - now;
}

u64 idle_until_ns(u64 deadline_ns, u64 max_ns)
{
	u64 now = time_now_ns();

	if (deadline_ns <= now)
		return 0;
	return idle_until_tsc(rdtsc() + time_ns_to_tsc(deadline_ns - now), max_ns);
}
