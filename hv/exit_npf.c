/*
 * Nested page faults: an access to guest-physical memory stage 2 does not
 * map. Device memory (the local APIC page) is emulated by decoding the
 * instruction at the guest's RIP; anything else is memory the guest does not
 * have, and the guest is stopped with a report.
 */
#include "errno.h"
#include "hv/exits.h"
#include "hv/guest_walk.h"
#include "hv/insn_decode.h"
#include "hv/vcpu_ops.h"
#include "log.h"

static int read_guest_phys(void *ctx, u64 gpa, void *dst, size_t len)
{
	struct vm *vm = ctx;
	void *src = vm_gpa_to_hva(vm, gpa, len);

	if (!src)
		return -1;
	for (size_t i = 0; i < len; i++)
		((u8 *)dst)[i] = ((const u8 *)src)[i];
	return 0;
}

static enum insn_mode code_mode(struct vcpu *v, const struct segment *cs)
{
	if (vcpu_in_long_mode(v))
		return INSN_MODE_64;
	return cs->ar & SEG_AR_DB ? INSN_MODE_32 : INSN_MODE_16;
}

/* Fetches and decodes the instruction at CS:RIP; 0 or a negative errno. */
static int fetch_insn(struct vcpu *v, struct insn *insn)
{
	const struct virt_backend *hw = v->vm->hw;
	struct gw_cpu cpu = {
		.cr0 = hw->get_cr(&v->arch, 0),
		.cr3 = hw->get_cr(&v->arch, 3),
		.cr4 = hw->get_cr(&v->arch, 4),
		.efer = hw->get_efer(&v->arch),
		.phys_bits = 48,
		.read = read_guest_phys,
		.ctx = v->vm,
	};
	struct gw_result res;
	struct segment cs;
	u8 bytes[INSN_MAX_LEN];
	size_t done = 0;

	hw->get_segment(&v->arch, SEG_CS, &cs);
	gw_read_linear(&cpu, cs.base + hw->get_rip(&v->arch), bytes, sizeof(bytes),
		       GW_ACCESS_FETCH, &done, &res);
	if (done == 0)
		return -EFAULT;
	return insn_decode(bytes, done, code_mode(v, &cs), insn);
}

static void emulate_mmio(struct vcpu *v, const struct vexit *e)
{
	struct vm *vm = v->vm;
	struct insn insn;
	int err = fetch_insn(v, &insn);

	if (err) {
		vm_stop(vm, "cannot decode the instruction that touched device memory at %#llx (%d)",
			(unsigned long long)e->npf.gpa, err);
		return;
	}
	if (insn.is_write) {
		io_bus_write(&vm->mmio, e->npf.gpa, insn.size, insn_store_value(&insn, v->arch.gpr));
	} else {
		u64 value;
		u64 *reg = &v->arch.gpr[insn.reg & 15]; /* AH..BH: reg 0-3, high_byte set */

		io_bus_read(&vm->mmio, e->npf.gpa, insn.size, &value);
		*reg = insn_apply_load(&insn, *reg, value);
	}
	vm->hw->advance_rip(&v->arch, insn.length);
}

void exit_npf(struct vcpu *v, const struct vexit *e)
{
	struct vm *vm = v->vm;

	if (io_bus_find(&vm->mmio, e->npf.gpa)) {
		emulate_mmio(v, e);
		return;
	}
	vm_stop(vm, "the guest %s guest-physical address %#llx, which is neither its RAM (0-%#llx) "
		"nor a device", e->npf.fetch ? "executed at" : e->npf.write ? "wrote to" : "read",
		(unsigned long long)e->npf.gpa, (unsigned long long)vm->ram_size);
}
