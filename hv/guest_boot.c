/* Guest start-up: the firmware tables, then a Multiboot kernel by the
 * Multiboot Specification 0.6.96 (3.2 "Machine state": 32-bit protected
 * mode, paging off, flat segments, EAX = magic, EBX = boot information), or
 * anything else as a Linux kernel (hv/guest_boot_linux.c). */
#include "hv/guest_boot.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "errno.h"
#include "hv/entry_state.h"
#include "hv/linux_load.h"
#include "hv/mb1_loader.h"
#include "hv/vm_devices.h"
#include "log.h"

#define AR_CODE32 0xC09B /* execute/read, accessed, present, 32-bit, 4 KiB granular */
#define AR_DATA32 0xC093 /* read/write, accessed, present, 32-bit, 4 KiB granular */
#define AR_TSS32_BUSY 0x008B
#define FLAT_LIMIT 0xFFFFFFFFu
#define PAT_RESET 0x0007040600070406ULL /* SDM Vol 3, 13.12.4 "Programming the PAT" */

static void flat_segment(struct segment *s, u16 selector, u32 ar)
{
	*s = (struct segment){ selector, 0, FLAT_LIMIT, ar };
}

/* The Multiboot machine state (3.2), with the flat GDT a loader leaves
 * behind (the specification lets GDTR be invalid; GRUB's and QEMU's are
 * not, and kernels take interrupts before they load their own): CS and DS
 * are its selectors. */
static void initial_state(struct vcpu_state *s, const struct mb1_load_result *r,
			  const struct dtable *gdtr)
{
	memset(s, 0, sizeof(*s));
	s->gpr[GPR_RAX] = MB1_BOOTLOADER_MAGIC;
	s->gpr[GPR_RBX] = r->info_gpa;
	s->rip = r->entry;
	s->rflags = 2; /* reserved bit 1; IF and VM clear */
	s->cr0 = 0x11;  /* PE and ET */
	s->dr7 = DR7_RESET;
	s->dr6 = DR6_RESET;
	s->pat = PAT_RESET;
	s->gdtr = *gdtr;
	flat_segment(&s->seg[SEG_CS], ENTRY_SEL_CODE32, AR_CODE32);
	for (int i = 0; i < SEG_COUNT; i++)
		if (i != SEG_CS && i != SEG_LDTR && i != SEG_TR)
			flat_segment(&s->seg[i], ENTRY_SEL_DATA32, AR_DATA32);
	s->seg[SEG_TR] = (struct segment){ 0, 0, 0xFFFF, AR_TSS32_BUSY };
	s->seg[SEG_LDTR] = (struct segment){ 0, 0, 0, SEG_AR_UNUSABLE };
}

static int boot_multiboot(struct vm *vm, const struct boot_info *bi, const struct config *cfg,
			  const struct boot_module *kernel)
{
	static struct mb1_guest_module modules[MAX_GUEST_MODULES];
	struct mb1_load_params p;
	struct mb1_load_result r;
	struct vcpu_state s;
	struct dtable gdtr;
	int err;

	p = (struct mb1_load_params){
		.image = phys_to_virt(kernel->start),
		.image_size = kernel->end - kernel->start,
		.ram = vm->ram,
		.ram_size = vm->ram_size,
		.cmdline = cfg->guest_args,
		.modules = modules,
		.module_count = guest_collect_modules(bi, modules),
	};
	err = mb1_load(&p, &r);
	if (err) {
		pr_err("guest: cannot load the kernel: %s%s", r.why,
		       r.segment >= 0 ? " (see its program headers)" : "");
		return err;
	}
	if (guest_find_module(bi, GUEST_INITRD_ROLE) >= 0)
		pr_warn("guest: the '%s' module is for Linux kernels; this Multiboot kernel does "
			"not get it", GUEST_INITRD_ROLE);
	pr_info("guest: %s kernel at %#llx-%#llx, entry %#x, %u module%s, command line '%s'",
		r.aout_kludge ? "a.out-kludge" : "ELF", r.kernel_lo,
		r.kernel_hi, r.entry, p.module_count,
		p.module_count == 1 ? "" : "s", cfg->guest_args);
	/* the firmware tables and the GDT reach 1 MiB */
	vm->boot_written_end = MAX(r.modules_end, LINUX_HIGH_MEM);
	err = entry_state_gdt(vm->ram, vm->ram_size, &gdtr);
	if (err)
		return err;
	vm_devices_bios_state(vm);
	initial_state(&s, &r, &gdtr);
	vm->hw->set_state(&vm->vcpu.arch, &s);
	return 0;
}

bool guest_kernel_is_multiboot(const struct boot_info *bi, const struct config *cfg)
{
	int k = guest_find_kernel(bi, cfg);
	const struct boot_module *kernel = k < 0 ? NULL : &bi->modules[k];
	struct mb1_header hdr;
	const char *why = NULL;
	u32 offset;

	return kernel && !mb1_find_header(phys_to_virt(kernel->start), kernel->end - kernel->start,
					  &hdr, &offset, &why);
}

/* The kind of kernel is chosen from the image: a Multiboot header makes it
 * a Multiboot kernel (as GRUB and QEMU decide), else a bzImage or an ELF
 * file is a Linux kernel. */
int guest_boot(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	int k = guest_find_kernel(bi, cfg);
	const struct boot_module *kernel;
	struct mb1_header hdr;
	const char *mb1_why = NULL;
	u32 offset;
	u64 rsdp;
	int err;

	if (k < 0) {
		pr_err("guest: no boot module named '%s'", cfg->guest);
		return -ENOENT;
	}
	kernel = &bi->modules[k];
	err = guest_firmware_write(vm, &rsdp);
	if (err)
		return err;
	if (!mb1_find_header(phys_to_virt(kernel->start), kernel->end - kernel->start, &hdr,
			     &offset, &mb1_why))
		return boot_multiboot(vm, bi, cfg, kernel);
	return guest_boot_linux(vm, bi, cfg, kernel, rsdp, mb1_why);
}
