/* Guest-state digests (see rr_digest.h). */
#include "hv/rr/rr_digest.h"

#include "hash.h"
#include "hv/rr/dirty.h"
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

u64 rr_digest_memory(const u8 *ram, u64 npages, const u64 *dirty, u64 *prev,
		     struct rrlog_page_hash *changed, u64 *changed_count)
{
	u64 n = 0;

	for (u64 p = 0; p < npages; p++) {
		u64 h;

		if (dirty && !(dirty[p / 64] >> (p % 64) & 1))
			continue;
		h = hash64(ram + p * PAGE, PAGE, 0);
		if (h != prev[p]) {
			changed[n++] = (struct rrlog_page_hash){ p, (u32)h };
			prev[p] = h;
		}
	}
	*changed_count = n;
	/* The page hashes as little-endian u64, as the format says. */
	return hash64(prev, npages * sizeof(*prev), 0);
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
	d->memory_hash = rr_digest_memory(vm->ram, rr->npages, vm->dirty ? vm->dirty->bits : NULL,
					  rr->page_hash, rr->changed, &d->changed_count);
	dirty_clean_all(vm);
}
