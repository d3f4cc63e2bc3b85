/* Landmarks of log and trace entries (see rr_landmark.h). */
#include "hv/rr/rr_landmark.h"

#include "arch/x86/regs.h"

void rr_current_regs(struct vm *vm, u64 regs[RRLOG_ASYNC_REGS])
{
	for (int i = 0; i < GPR_COUNT; i++)
		regs[i] = vm->vcpu.arch.gpr[i];
	regs[GPR_COUNT] = vm->hw->get_rflags(&vm->vcpu.arch) & ~(u64)RFLAGS_RF;
}

void rr_stamp_landmark(struct vm *vm, struct rrlog_entry *e, bool async)
{
	e->landmark = vm->stats.guest_caused_exits;
	e->rip = vm->hw->get_rip(&vm->vcpu.arch);
	e->async = async;
	e->has_branches = false;
	if (async)
		rr_current_regs(vm, e->regs);
}
