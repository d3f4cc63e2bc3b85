/* The exit-statistics table printed when a guest run ends: VM exits by
 * reason and the hypervisor's average TSC cycles per exit of each kind. */
#include "hv/exit_stats.h"

#include "hv/exit_kinds.h"
#include "log.h"

void exit_stats_print(const struct vm *vm)
{
	const struct vm_stats *s = &vm->stats;
	u64 total = 0, total_cycles = 0;

	console_printf("exit statistics (%s):\n", vm->hw->name);
	console_printf("  %-20s %12s %14s\n", "reason", "exits", "avg cycles");
	for (int r = 0; r < VEXIT_COUNT; r++) {
		if (!s->exits[r])
			continue;
		total += s->exits[r];
		total_cycles += s->hv_cycles[r];
		console_printf("  %-20s %12llu %14llu\n", exit_reason_name((enum vexit_reason)r),
			       s->exits[r],
			       (s->hv_cycles[r] / s->exits[r]));
	}
	console_printf("  %-20s %12llu %14llu\n", "total", total,
		       (total ? total_cycles / total : 0));
	console_printf("  guest-caused exits %llu, interrupts injected %llu, NMIs injected %llu\n",
		       s->guest_caused_exits,
		       s->interrupts_injected, s->nmis_injected);
	console_printf("  TSC cycles: guest %llu, hypervisor %llu, halted %llu\n",
		       s->guest_cycles, total_cycles,
		       s->halted_cycles);
}
