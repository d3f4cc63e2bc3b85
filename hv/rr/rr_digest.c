/* Guest-state digests (see rr_digest.h). */
#include "hv/rr/rr_digest.h"

#include "hash.h"
#include "hv/rr/rr.h"

#define PAGE 4096

static const char *const reg_names[RRLOG_DIGEST_REGS] = {
	"RIP", "RFLAGS", "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "CR0", "CR3", "CR4", "EFER",
};

const char *rr_digest_reg_name(unsigned i)
{
	return i < RRLOG_DIGEST_REGS ? reg_names[i] : "?";
}

u64 rr_digest_memory(const u8 *ram, u64 npages, u64 *prev, struct rrlog_page_hash *changed,
		     u64 *changed_count)
{
	struct hash64_state all;
	u64 n = 0;

	hash64_begin(&all, 0);
	for (u64 p = 0; p < npages; p++) {
		u64 h = hash64(ram + p * PAGE, PAGE, 0);

		hash64_add(&all, &h, sizeof(h)); /* little-endian u64, as the format says */
		if (h != prev[p]) {
			changed[n++] = (struct rrlog_page_hash){ p, (u32)h };
			prev[p] = h;
		}
	}
	*changed_count = n;
	return hash64_end(&all);
}

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
	d->memory_hash = rr_digest_memory(vm->ram, rr->npages, rr->page_hash, rr->changed,
					  &d->changed_count);
}
