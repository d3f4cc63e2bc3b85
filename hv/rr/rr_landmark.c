/* Landmarks of log and trace entries (see rr_landmark.h). */
#include "hv/rr/rr_landmark.h"

#include <string.h>

#include "arch/x86/fpu.h"
#include "arch/x86/regs.h"
#include "compiler.h"
#include "hash.h"
#include "hv/rr/write_window.h"
#include "log.h"

static u8 fpu_area[FPU_AREA_MAX] __aligned(FPU_AREA_ALIGN);

void rr_current_regs(struct vm *vm, u64 regs[RRLOG_ASYNC_REGS])
{
	for (int i = 0; i < GPR_COUNT; i++)
		regs[i] = vm->vcpu.arch.gpr[i];
	regs[GPR_COUNT] = vm->hw->get_rflags(&vm->vcpu.arch) & ~(u64)RFLAGS_RF;
}

static void add_u64(struct hash64_state *h, u64 v)
{
	hash64_add(h, &v, sizeof(v));
}

static void add_segment(struct hash64_state *h, const struct segment *s)
{
	add_u64(h, s->selector);
	add_u64(h, s->base);
	add_u64(h, s->limit);
	add_u64(h, s->ar);
}

/* Every field of the guest's architectural state but the registers an
 * async entry carries itself (the GPRs, RIP and RFLAGS), with NMI blocking
 * (which SVM keeps in the hypervisor, not in the VMCB: an IRET that ends
 * it changes no register, so a teleport must not cross it). */
static void add_cpu_state(struct hash64_state *h, struct vm *vm)
{
	struct vcpu_state s;

	memset(&s, 0, sizeof(s));
	vm->hw->get_state(&vm->vcpu.arch, &s);
	const u64 values[] = {
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer, s.xcr0, s.dr7, s.pat, s.sysenter_cs,
		s.sysenter_esp, s.sysenter_eip, s.star, s.lstar, s.cstar, s.sfmask,
		s.kernel_gs_base, s.gdtr.base, s.gdtr.limit, s.idtr.base, s.idtr.limit,
		s.interruptibility, s.activity,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(values); i++)
		add_u64(h, values[i]);
	for (int i = 0; i < SEG_COUNT; i++)
		add_segment(h, &s.seg[i]);
	add_u64(h, vm->hw->event_pending(&vm->vcpu.arch));
	add_u64(h, vm->hw->nmi_blocked(&vm->vcpu.arch));
}

u64 rr_state_hash_fpu(struct vm *vm, const u64 regs[RRLOG_ASYNC_REGS], u64 rip, const u8 *fpu,
		      size_t fpu_len)
{
	struct hash64_state h;

	hash64_begin(&h, rip);
	hash64_add(&h, regs, RRLOG_ASYNC_REGS * sizeof(regs[0]));
	add_cpu_state(&h, vm);
	if (!fpu) {
		fpu_len = fpu_save_canonical(fpu_area);
		fpu = fpu_area;
	}
	hash64_add(&h, fpu, fpu_len);
	return hash64_end(&h);
}

u64 rr_state_hash(struct vm *vm, const u64 regs[RRLOG_ASYNC_REGS], u64 rip)
{
	return rr_state_hash_fpu(vm, regs, rip, NULL, 0);
}

u64 rr_memory_hash(struct vm *vm)
{
	return ww_contents_hash(vm);
}

void rr_stamp_landmark(struct vm *vm, struct rrlog_entry *e, bool async)
{
	e->landmark = vm->stats.guest_caused_exits;
	e->rip = vm->hw->get_rip(&vm->vcpu.arch);
	e->async = async;
	e->has_branches = false;
	if (async) {
		rr_current_regs(vm, e->regs);
		e->state_hash = rr_state_hash(vm, e->regs, e->rip);
		e->memory_hash = rr_memory_hash(vm);
	}
}
