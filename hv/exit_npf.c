/*
 * Nested page faults: an access to guest-physical memory stage 2 does not
 * map. Device memory (the local APIC and IOAPIC pages) is emulated by
 * decoding the instruction at the guest's RIP. An address that is neither
 * RAM nor a device answers as on a PC bus with nothing behind it: reads
 * give all ones, writes vanish, both counted (io_bus's unclaimed counters)
 * and the first ones logged; with strict_mmio=on, and always for an
 * instruction fetch, the guest is stopped with a report instead.
 */
#include "errno.h"
#include "hv/exits.h"
#include "hv/insn_fetch.h"
#include "hv/rr/rr.h"
#include "hv/vcpu_ops.h"
#include "log.h"

static void emulate_mmio(struct vcpu *v, const struct vexit *e)
{
	struct vm *vm = v->vm;
	struct insn insn;
	int err = vcpu_decode_mmio_insn(v, &insn);

	if (err) {
		vm_stop(vm, "cannot decode the instruction that touched device memory at %#llx (%d)",
			e->npf.gpa, err);
		return;
	}
	if (io_bus_flags(&vm->mmio, e->npf.gpa) & IO_TIMED)
		rr_advance_devices(vm); /* e.g. the local APIC timer's count */
	if (insn.is_write) {
		io_bus_write(&vm->mmio, e->npf.gpa, insn.size, insn_store_value(&insn, v->arch.gpr));
	} else {
		u64 value;
		u64 *reg = &v->arch.gpr[insn.reg & 15]; /* AH..BH: reg 0-3, high_byte set */

		io_bus_read(&vm->mmio, e->npf.gpa, insn.size, &value);
		*reg = insn_apply_load(&insn, *reg, value);
	}
	vcpu_complete_insn(v, insn.length);
}

#define UNCLAIMED_LOG_LIMIT 8 /* unclaimed accesses logged before they are only counted */

/* Says at the default level that an access hit nothing (the first few). */
static void report_unclaimed(struct vm *vm, const struct vexit *e)
{
	u64 n = vm->mmio.unclaimed_reads + vm->mmio.unclaimed_writes;

	if (n >= UNCLAIMED_LOG_LIMIT)
		return;
	pr_warn("npf: the guest %s guest-physical address %#llx, which is neither its RAM nor a "
		"device: %s, as on a PC bus%s", e->npf.write ? "wrote to" : "read", e->npf.gpa,
		e->npf.write ? "the write is dropped" : "it reads as all ones",
		n + 1 == UNCLAIMED_LOG_LIMIT ? " (further ones are only counted)" : "");
}

void exit_npf(struct vcpu *v, const struct vexit *e)
{
	struct vm *vm = v->vm;

	if (io_bus_find(&vm->mmio, e->npf.gpa)) {
		emulate_mmio(v, e);
		return;
	}
	if (e->npf.fetch || vm->strict_mmio) {
		vm_stop(vm, "the guest %s guest-physical address %#llx, which is neither its RAM "
			"(0-%#llx) nor a device%s",
			e->npf.fetch ? "executed at" : e->npf.write ? "wrote to" : "read", e->npf.gpa,
			vm->ram_size, e->npf.fetch ? "" : " (strict_mmio=on)");
		return;
	}
	report_unclaimed(vm, e);
	emulate_mmio(v, e);
}
