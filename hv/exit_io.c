/*
 * Port I/O exits, routed through the VM's port bus: unclaimed reads return
 * all ones and unclaimed writes are dropped. Devices whose state follows
 * time are brought up to date first, and reads that depend on time or the
 * outside world go through record/replay. String I/O (INS/OUTS, REP) is
 * hv/exit_string_io.c's.
 */
#include "hv/exits.h"
#include "hv/rr/rr.h"
#include "hv/trace.h"
#include "hv/vcpu_ops.h"

static u64 size_mask(u8 size)
{
	return (1ULL << (size * 8)) - 1;
}

void exit_io(struct vcpu *v, const struct vexit *e)
{
	struct vm *vm = v->vm;
	u64 *rax = &v->arch.gpr[GPR_RAX];
	u64 value;
	u8 flags;

	if (e->io.string) {
		exit_string_io(v, e);
		return;
	}
	flags = io_bus_flags(&vm->pio, e->io.port);
	if (flags & IO_TIMED)
		rr_advance_devices(vm);
	if (e->io.in) {
		io_bus_read(&vm->pio, e->io.port, e->io.size, &value);
		if (flags & IO_NONDET)
			value = rr_io_in(v, e->io.port, e->io.size, (u32)value);
		/* IN to AL/AX keeps the rest of RAX; IN to EAX clears 63:32. */
		vcpu_write_gpr_sized(v, GPR_RAX, e->io.size, value);
	} else {
		value = *rax & size_mask(e->io.size);
		io_bus_write(&vm->pio, e->io.port, e->io.size, value);
	}
	trace_io(vm, e->io.in, e->io.port, e->io.size, (u32)value);
	vcpu_skip_insn(v, e);
}
