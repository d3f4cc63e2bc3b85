/* Creating the VM: guest RAM, stage-2 tables, devices, the vCPU. */
#include "hv/vm.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "errno.h"
#include "hv/guest_cpu.h"
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
	vm->vcpu.misc_enable = VCPU_MISC_ENABLE_RESET;
	io_bus_init(&vm->pio);
	io_bus_init(&vm->mmio);
	guest_cpu_create(vm);
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
