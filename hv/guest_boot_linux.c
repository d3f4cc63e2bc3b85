/*
 * Starting a Linux guest: the kernel loaded by hv/linux_load.c (bzImage by
 * the x86 boot protocol, or vmlinux by its PVH note) with the initrd module,
 * and the vCPU state each entry expects: Documentation/arch/x86/boot.rst
 * "32-bit Boot Protocol" and "64-bit Boot Protocol"; Xen's
 * docs/misc/pvh.pandoc for the PVH entry.
 */
#include "hv/guest_boot.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "arch/x86/regs.h"
#include "errno.h"
#include "hv/linux_bzimage.h"
#include "hv/linux_load.h"
#include "log.h"

/* Access rights in the VMX layout (SDM Vol 3, 25.4.1 "Guest Register
 * State", Table 25-2) for the descriptors of hv/linux_bzimage.h. */
#define AR_CODE64 0xA09B      /* execute/read, accessed, present, L, 4 KiB granular */
#define AR_CODE32 0xC09B      /* execute/read, accessed, present, D, 4 KiB granular */
#define AR_DATA32 0xC093      /* read/write, accessed, present, B, 4 KiB granular */
#define AR_TSS_BUSY 0x008B    /* busy TSS (32-bit; 64-bit in IA-32e mode) */
#define FLAT_LIMIT 0xFFFFFFFFu
#define PVH_TSS_LIMIT 0x67    /* pvh.pandoc: TR is a 32-bit TSS, limit 0x67 */
#define PAT_RESET 0x0007040600070406ULL /* SDM Vol 3, 13.12.4 "Programming the PAT" */
#define MIB_SHIFT 20

static const char *const entry_names[] = {
	[LINUX_ENTRY_64] = "64-bit boot protocol",
	[LINUX_ENTRY_32] = "32-bit boot protocol",
	[LINUX_ENTRY_PVH] = "PVH",
};

static void seg(struct segment *s, u16 selector, u32 ar)
{
	*s = (struct segment){ selector, 0, FLAT_LIMIT, ar };
}

/* Flat segments: code in CS (__BOOT_CS), data (__BOOT_DS) elsewhere. */
static void flat_segments(struct vcpu_state *s, u32 code_ar)
{
	seg(&s->seg[SEG_CS], BZ_BOOT_CS, code_ar);
	for (int i = 0; i < SEG_COUNT; i++)
		if (i != SEG_CS && i != SEG_LDTR && i != SEG_TR)
			seg(&s->seg[i], BZ_BOOT_DS, AR_DATA32);
	s->seg[SEG_TR] = (struct segment){ 0, 0, PVH_TSS_LIMIT, AR_TSS_BUSY };
	s->seg[SEG_LDTR] = (struct segment){ 0, 0, 0, SEG_AR_UNUSABLE };
}

/* The state at entry: boot.rst's two protocols (boot_params in RSI/ESI;
 * EBP, EDI, EBX zero) or PVH's (hvm_start_info in EBX). */
static void linux_initial_state(struct vcpu_state *s, const struct linux_load_result *r)
{
	memset(s, 0, sizeof(*s));
	s->rip = r->entry;
	s->rflags = RFLAGS_FIXED; /* IF clear */
	s->cr0 = CR0_PE | CR0_ET;
	s->dr7 = DR7_RESET;
	s->dr6 = DR6_RESET;
	s->pat = PAT_RESET;
	s->gdtr = (struct dtable){ r->gdt_gpa, r->gdt_limit };
	if (r->entry_mode == LINUX_ENTRY_PVH) {
		s->gpr[GPR_RBX] = r->info_gpa;
		flat_segments(s, AR_CODE32);
		return;
	}
	s->gpr[GPR_RSI] = r->info_gpa;
	if (r->entry_mode == LINUX_ENTRY_32) {
		flat_segments(s, AR_CODE32);
		return;
	}
	s->cr0 |= (u32)CR0_PG;
	s->cr3 = r->cr3;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
	flat_segments(s, AR_CODE64);
}

/* The initrd: the boot module whose first word is GUEST_INITRD_ROLE. */
static void find_initrd(const struct boot_info *bi, struct linux_load_params *p)
{
	int m = guest_find_module(bi, GUEST_INITRD_ROLE);

	if (m < 0)
		return;
	p->initrd = phys_to_virt(bi->modules[m].start);
	p->initrd_size = bi->modules[m].end - bi->modules[m].start;
}

static void report_refusal(const struct linux_load_params *p, const struct linux_load_result *r,
			   const char *mb1_why)
{
	pr_err("guest: cannot load the kernel: %s", r->why);
	if (r->ram_needed > linux_ram_limit(p))
		pr_err("guest: it needs %llu MiB of guest RAM, guest_mem is %llu MiB",
		       (ALIGN_UP(r->ram_needed, MiB(1)) >> MIB_SHIFT), (p->ram_size >> MIB_SHIFT));
	if (!linux_is_bzimage(p->image, p->image_size))
		pr_err("guest: nor is it a Multiboot kernel: %s", mb1_why);
}

int guest_boot_linux(struct vm *vm, const struct boot_info *bi, const struct config *cfg,
		     const struct boot_module *kernel, u64 rsdp_gpa, const char *mb1_why)
{
	struct linux_load_params p = {
		.image = phys_to_virt(kernel->start),
		.image_size = kernel->end - kernel->start,
		.ram = vm->ram,
		.ram_size = vm->ram_size,
		.cmdline = cfg->guest_args,
		.rsdp_gpa = rsdp_gpa,
		.entry32 = cfg->guest_entry == GUEST_ENTRY_32,
	};
	struct linux_load_result r;
	struct vcpu_state s;
	int err;

	find_initrd(bi, &p);
	err = linux_load(&p, &r);
	if (err) {
		report_refusal(&p, &r, mb1_why);
		return err;
	}
	pr_info("guest: Linux kernel (%s entry at %#llx) at %#llx-%#llx, initrd %llu bytes at "
		"%#llx, command line '%s'", entry_names[r.entry_mode], r.entry, r.kernel_lo,
		r.kernel_hi - 1, p.initrd_size, r.initrd_gpa, cfg->guest_args);
	vm->boot_written_end = MAX(r.written_end, LINUX_HIGH_MEM);
	linux_initial_state(&s, &r);
	vm->hw->set_state(&vm->vcpu.arch, &s);
	return 0;
}
