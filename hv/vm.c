/* The VM's state as the rest of hv/ changes it: the ways a run ends, guest
 * time, single-step requests, guest RAM addresses, and the guest report. */
#include "hv/vm.h"

#include <stdarg.h>
#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "fmt.h"
#include "log.h"

void vm_request_single_step(struct vm *vm, u8 who, bool on)
{
	struct vcpu *v = &vm->vcpu;

	v->step_requests = on ? v->step_requests | who : v->step_requests & ~who;
}

void *vm_gpa_to_hva(struct vm *vm, u64 gpa, u64 len)
{
	if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

void vm_start_clock(struct vm *vm)
{
	u64 now = rdtsc();

	if (!vm->resumed) {
		vm->start_tsc = now;
		return;
	}
	/* Unsigned arithmetic wraps: a host TSC below the resumed time (Bochs
	 * starts its TSC at 0) still gives the right differences. */
	vm->start_tsc = now - time_ns_to_tsc(vm->dev_time_ns);
	vm->vcpu.tsc_adjust = vm->resume_tsc - (now - vm->start_tsc);
}

u64 vm_guest_ns(struct vm *vm)
{
	return time_tsc_to_ns(rdtsc() - vm->start_tsc);
}

void vm_guest_exit(struct vm *vm, u32 code)
{
	if (vm->state != VM_RUNNING)
		return;
	vm->state = VM_EXITED;
	vm->exit_code = code;
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	if (vm->state != VM_RUNNING)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	vm->state = VM_STOPPED;
}

void vm_resume(struct vm *vm)
{
	if (vm->state != VM_STOPPED)
		return;
	vm->stop_reason[0] = '\0';
	vm->state = VM_RUNNING;
}

void vm_dump_guest(struct vm *vm)
{
	const struct virt_backend *hw = vm->hw;
	struct vcpu_state s;
	static const char *const names[GPR_COUNT] = {
		"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
		"R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
	};

	hw->get_state(&vm->vcpu.arch, &s);
	console_printf("  guest RIP %016llx  RFLAGS %016llx  CS %04x (base %llx, ar %x)\n",
		       s.rip, s.rflags, s.seg[SEG_CS].selector,
		       s.seg[SEG_CS].base, s.seg[SEG_CS].ar);
	for (int i = 0; i < GPR_COUNT; i += 4)
		console_printf("  %s %016llx  %s %016llx  %s %016llx  %s %016llx\n", names[i],
			       s.gpr[i], names[i + 1], s.gpr[i + 1],
			       names[i + 2], s.gpr[i + 2], names[i + 3],
			       s.gpr[i + 3]);
	console_printf("  CR0 %016llx  CR2 %016llx  CR3 %016llx  CR4 %016llx  EFER %llx\n",
		       s.cr0, s.cr2, s.cr3,
		       s.cr4, s.efer);
	console_printf("  GDTR %llx/%x  IDTR %llx/%x  interruptibility %x  activity %x\n",
		       s.gdtr.base, s.gdtr.limit, s.idtr.base,
		       s.idtr.limit, s.interruptibility, s.activity);
}
