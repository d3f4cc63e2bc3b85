/* A guest on the fake backend and platform (see fake_vm.h). */
#include "fake_vm.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/mm.h"
#include "hv/guest_boot.h"
#include "hv/guest_console.h"
#include "hv/guest_input.h"
#include "hv/mb1_loader.h"
#include "hv/rr/rr.h"
#include "hv/rr/tbit.h"
#include "hv/vm_nic.h"
#include "hv/vm_nic_host.h"

#define GUEST_KERNEL_CMDLINE "guest" /* config's default guest= */

struct vm fake_vm;
struct config fake_cfg;
struct boot_info fake_bi;

/* The kernel image: an a.out-kludge Multiboot header at its start (its
 * address fields say where it loads), code after it. */
static u8 kernel[FAKE_KERNEL_SIZE];

static void build_kernel(void)
{
	struct mb1_header h = {
		.magic = MB1_HEADER_MAGIC,
		.flags = MB1_HDR_AOUT_KLUDGE,
		.header_addr = (u32)FAKE_KERNEL_LOAD,
		.load_addr = (u32)FAKE_KERNEL_LOAD,
		.load_end_addr = 0,
		.bss_end_addr = 0,
		.entry_addr = (u32)FAKE_KERNEL_ENTRY,
	};

	h.checksum = -(h.magic + h.flags);
	memset(kernel, 0, sizeof(kernel));
	memcpy(kernel, &h, MB1_HEADER_ADDR_SIZE);
}

void fake_vm_kernel_code(const u8 *code, size_t len)
{
	assert_true(FAKE_KERNEL_CODE + len <= sizeof(kernel));
	memcpy(kernel + FAKE_KERNEL_CODE, code, len);
}

void fake_vm_add_module(const char *cmdline, const void *data, size_t len)
{
	struct boot_module *m;

	assert_true(fake_bi.module_count < BOOT_MAX_MODULES);
	m = &fake_bi.modules[fake_bi.module_count++];
	m->start = virt_to_phys(data);
	m->end = m->start + len;
	m->cmdline = cmdline;
}

void fake_vm_prepare(void)
{
	fake_platform_reset();
	fake_reset();
	log_set_level(LOG_INFO);
	config_defaults(&fake_cfg);
	fake_cfg.guest_mem = FAKE_VM_RAM;
	fake_cfg.guest_console = GUEST_CONSOLE_COM2;
	memset(&fake_bi, 0, sizeof(fake_bi));
	build_kernel();
	fake_vm_add_module(GUEST_KERNEL_CMDLINE, kernel, sizeof(kernel));
}

int fake_vm_create(const struct virt_backend *hw)
{
	int err;

	guest_console_init(fake_cfg.guest_console);
	guest_input_init(&fake_cfg);
	err = vm_create(&fake_vm, hw, fake_cfg.guest_mem);
	err = err ? err : vm_nic_create(&fake_vm, &fake_cfg);
	err = err ? err : vm_nic_connect(&fake_vm, &fake_cfg);
	return err ? err : guest_boot(&fake_vm, &fake_bi, &fake_cfg);
}

int fake_vm_start(void)
{
	int err = rr_init(&fake_vm, &fake_bi, &fake_cfg);

	return err ? err : tbit_init(&fake_vm, &fake_cfg);
}

void fake_vm_boot(const struct virt_backend *hw)
{
	assert_int_equal(fake_vm_create(hw), 0);
	assert_int_equal(fake_vm_start(), 0);
}

struct snap_identity fake_vm_identity(void)
{
	struct snap_identity id;

	snapshot_identity(&fake_bi, &fake_cfg, &id);
	id.ram_size = fake_vm.ram_size;
	return id;
}

void fake_vm_run_script(const struct fake_step *script, unsigned n)
{
	fake_load_script(script, n);
	vm_run(&fake_vm);
	if (fake_vm.state != VM_EXITED)
		fail_msg("the run stopped: %s", fake_vm.stop_reason);
	fake_vm.state = VM_RUNNING;
}

u32 fake_vm_access(u64 gpa)
{
	u64 hpa;
	u32 prot;

	if (stage2_access(&fake_vm.stage2, gpa, &hpa, &prot))
		fail_msg("fake VM: %#llx is not mapped in stage 2", (unsigned long long)gpa);
	return prot;
}

void fake_vm_destroy(void)
{
	fake_platform_reset();
	memset(&fake_vm, 0, sizeof(fake_vm));
}
