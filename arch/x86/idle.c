/* The host CPU asleep until a deadline (arch/x86/idle.h). */
#include "arch/x86/idle.h"

#include "arch/x86/cpu.h"
#include "arch/x86/deadline_timer.h"
#include "arch/x86/time.h"
#include "compiler.h"

void idle_install(void)
{
	deadline_timer_install();
}

/* STI; HLT in one asm statement: STI's one-instruction interrupt shadow
 * (SDM Vol 2B, "STI—Set Interrupt Flag") means an interrupt already
 * pending still wakes the HLT rather than arriving before it. The timer
 * stays armed after a wake-up by another interrupt: the next arming
 * replaces it. */
u64 idle_until_tsc(u64 deadline_tsc, u64 max_ns)
{
	u64 now = rdtsc(), max_tsc = time_ns_to_tsc(max_ns);

	if (deadline_tsc <= now)
		return 0;
	idle_install();
	deadline_timer_arm(now + MIN(deadline_tsc - now, max_tsc));
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	return rdtsc() - now;
}

u64 idle_until_ns(u64 deadline_ns, u64 max_ns)
{
	u64 now = time_now_ns();

	if (deadline_ns <= now)
		return 0;
	return idle_until_tsc(rdtsc() + time_ns_to_tsc(deadline_ns - now), max_ns);
}
