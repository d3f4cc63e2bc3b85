/* Taking a guest-state digest of the running VM (see rr_digest.h). */
#include "hv/rr/rr_digest.h"

#include "hv/rr/rr.h"
#include "hv/rr/write_window.h"


void rr_digest_take(struct vm *vm, struct rr_digest *d)
{
	const struct virt_backend *hw = vm->hw;
	struct vcpu_arch *a = &vm->vcpu.arch;
	struct rr_state *rr = vm->rr;

	d->regs[RR_REG_RIP] = hw->get_rip(a);
	d->regs[RR_REG_RFLAGS] = hw->get_rflags(a);
	for (int i = 0; i < GPR_COUNT; i++)
		d->regs[RR_REG_GPR0 + i] = a->gpr[i];
	d->regs[RR_REG_CR0] = hw->get_cr(a, 0);
	d->regs[RR_REG_CR3] = hw->get_cr(a, 3);
	d->regs[RR_REG_CR4] = hw->get_cr(a, 4);
	d->regs[RR_REG_EFER] = hw->get_efer(a);
	d->changed = rr->changed;
	d->memory_hash = rr_digest_memory(vm->ram, rr->npages, ww_dirty_bits(vm),
					  rr->page_hash, rr->changed, &d->changed_count);
	ww_digest_taken(vm);
}
