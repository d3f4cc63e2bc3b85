/* Creating the VM: guest RAM, stage-2 tables, devices, the vCPU; and the
 * ways a run ends. */
#include "hv/vm.h"

#include <stdarg.h>
#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "fmt.h"
#include "hv/vm_devices.h"
#include "log.h"

#define GUEST_RAM_ALIGN_PAGES 512 /* 2 MiB */

static int s2_alloc_page(void *ctx, u64 *phys)
{
	(void)ctx;
	return page_alloc(1, 1, phys);
}

static void *s2_to_virt(void *ctx, u64 phys)
{
	(void)ctx;
	return phys_to_virt(phys);
}

static const struct pt_alloc stage2_alloc = { NULL, s2_alloc_page, s2_to_virt };

/* Guest RAM is one contiguous host range, mapped read/write/execute at
 * guest-physical 0 in 4 KiB pages. */
static int create_ram(struct vm *vm, u64 ram_size)
{
	int err = page_alloc(ram_size / PAGE_SIZE, GUEST_RAM_ALIGN_PAGES, &vm->ram_hpa);

	if (err) {
		pr_err("vm: cannot allocate %llu MiB of guest RAM (%llu MiB free)",
		       (ram_size >> 20),
		       (mm_free_pages() * PAGE_SIZE >> 20));
		return err;
	}
	vm->ram_size = ram_size;
	vm->ram = phys_to_virt(vm->ram_hpa);
	err = stage2_init(&vm->stage2, vm->hw->stage2_format, &stage2_alloc);
	if (!err)
		err = stage2_map(&vm->stage2, 0, vm->ram_hpa, ram_size, S2_RWX);
	if (err)
		pr_err("vm: cannot build %s tables (%d)", vm->hw->stage2_format->name, err);
	return err;
}

int vm_create(struct vm *vm, const struct virt_backend *hw, u64 ram_size)
{
	int err;

	memset(vm, 0, sizeof(*vm));
	vm->hw = hw;
	vm->state = VM_RUNNING;
	vm->vcpu.vm = vm;
	io_bus_init(&vm->pio);
	io_bus_init(&vm->mmio);
	err = create_ram(vm, ram_size);
	if (err)
		return err;
	err = vm_devices_create(vm);
	if (err) {
		pr_err("vm: cannot create the guest's devices (%d)", err);
		return err;
	}
	vm->vcpu.arch.stage2 = &vm->stage2;
	err = hw->vcpu_create(&vm->vcpu.arch);
	if (err)
		pr_err("vm: cannot create the vCPU (%d)", err);
	pr_info("vm: %llu MiB of guest RAM at host %#llx, %llu %s table pages",
		(ram_size >> 20), vm->ram_hpa,
		vm->stage2.table_pages, hw->stage2_format->name);
	return err;
}

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
