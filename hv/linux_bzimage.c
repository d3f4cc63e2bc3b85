/*
 * bzImage loader by the x86 boot protocol (Documentation/arch/x86/boot.rst):
 * "The Real-Mode Kernel Header" for what the image says, "Loading The Rest
 * of The Kernel" for where its protected-mode code goes, "Details of Header
 * Fields" for initrd_addr_max, cmdline_size, pref_address and init_size,
 * and "32-bit Boot Protocol" / "64-bit Boot Protocol" for the state at
 * entry (the boot_params, a GDT with __BOOT_CS/__BOOT_DS, identity paging
 * for the 64-bit entry). The real-mode setup code is never run: Understudy
 * fills boot_params itself, as a 32/64-bit boot loader does.
 *
 * Everything is planned and checked first, then written.
 */
#include "hv/linux_bzimage.h"

#include <string.h>

#include "errno.h"
#include "hv/linux_load.h"

#define HEADER_210_END 0x264 /* protocol 2.10's header ends after init_size */
#define PARAMS_HDR_END 0x290 /* boot_params has room for the header up to here */
#define GDT_LIMIT (BZ_GDT_ENTRIES * 8 - 1)
#define SYSSIZE_UNIT 16      /* syssize counts 16-byte paragraphs */

struct bz_plan {
	struct linux_setup_header hdr; /* the image's header (zero past its end) */
	u64 hdr_len;        /* bytes of header to copy into boot_params from 0x1F1 */
	u64 pm_offset;      /* file offset of the protected-mode code */
	u64 pm_size;
	u64 load_gpa;       /* where that code goes (and runs from) */
	u64 reserve_end;    /* load_gpa + max(init_size, pm_size) */
	u64 cmdline_len;
	u64 initrd_gpa;
	bool entry64;
};

/* Reads the setup header; fields past the image's header or the file read 0. */
static int read_header(const struct linux_load_params *p, struct bz_plan *b,
		       struct linux_load_result *out)
{
	u64 end, avail;

	if (!linux_is_bzimage(p->image, p->image_size))
		return linux_fail(out, -ENOEXEC, "not a bzImage: no 0xAA55 boot flag and \"HdrS\" "
				  "setup header at 0x1F1");
	end = BZ_HEADER_END_BASE + p->image[BZ_JUMP_LEN_OFF];
	avail = MIN(MIN(end, p->image_size), (u64)PARAMS_HDR_END) - BZ_SETUP_HEADER_OFF;
	memset(&b->hdr, 0, sizeof(b->hdr));
	memcpy(&b->hdr, p->image + BZ_SETUP_HEADER_OFF, MIN(avail, (u64)sizeof(b->hdr)));
	b->hdr_len = avail;
	if (end > p->image_size)
		return linux_fail(out, -ENOEXEC, "the image is truncated inside its setup header");
	return 0;
}

/* "Details of Header Fields": the protocol version, a bzImage loaded high,
 * and the protected-mode code after the setup sectors. */
static int check_header(const struct linux_load_params *p, struct bz_plan *b,
			struct linux_load_result *out)
{
	const struct linux_setup_header *h = &b->hdr;
	u64 sects = h->setup_sects ? h->setup_sects : BZ_SETUP_SECTS_DEFAULT;

	out->protocol = h->version;
	if (h->version < BZ_MIN_PROTOCOL)
		return linux_fail(out, -ENOEXEC, "the kernel's boot protocol is older than 2.10 "
				  "(no pref_address and init_size to say what memory it needs)");
	if (BZ_SETUP_HEADER_OFF + b->hdr_len < HEADER_210_END)
		return linux_fail(out, -ENOEXEC, "the setup header is too short for protocol 2.10");
	if (!(h->loadflags & BZ_LOADED_HIGH))
		return linux_fail(out, -ENOEXEC, "a zImage (loadflags LOADED_HIGH clear): only "
				  "bzImage kernels are supported");
	b->pm_offset = (sects + 1) * BZ_SECTOR;
	if (b->pm_offset >= p->image_size)
		return linux_fail(out, -ENOEXEC, "the image is truncated: it ends inside its "
				  "setup sectors");
	b->pm_size = p->image_size - b->pm_offset;
	if (h->syssize && (u64)h->syssize * SYSSIZE_UNIT > b->pm_size)
		return linux_fail(out, -ENOEXEC, "the image is truncated: shorter than syssize says");
	b->entry64 = (h->xloadflags & BZ_XLF_KERNEL_64) && !p->entry32;
	if (b->entry64 && b->pm_size <= BZ_ENTRY64_OFFSET)
		return linux_fail(out, -ENOEXEC, "the image is truncated before its 64-bit entry");
	return 0;
}

/* The kernel runs from pref_address and needs init_size bytes there
 * before it reads the memory map ("Details of Header Fields", init_size). */
static int plan_kernel(const struct linux_load_params *p, struct bz_plan *b,
		       struct linux_load_result *out)
{
	const struct linux_setup_header *h = &b->hdr;
	u64 need = MAX((u64)h->init_size, b->pm_size);

	b->load_gpa = h->pref_address;
	if (b->load_gpa < LINUX_HIGH_MEM || !IS_ALIGNED(b->load_gpa, LINUX_PAGE_SIZE))
		return linux_fail(out, -ENOEXEC, "pref_address is below 1 MiB or not page-aligned");
	if (need > LINUX_RAM_LIMIT)
		return linux_fail(out, -ENOEXEC, "init_size is larger than 3 GiB");
	out->ram_needed = b->load_gpa + need;
	if (!linux_range_inside(b->load_gpa, need, linux_ram_limit(p)))
		return linux_fail(out, -ERANGE, "the kernel needs more memory than guest_mem: "
				  "pref_address + init_size lies beyond guest RAM");
	b->reserve_end = b->load_gpa + need;
	return 0;
}

/* "Details of Header Fields", initrd_addr_max: the initrd's last byte may
 * be at that address at most; it goes as high as it can. */
static int plan_initrd(const struct linux_load_params *p, struct bz_plan *b,
		       struct linux_load_result *out)
{
	u64 limit = MIN(linux_ram_limit(p), (u64)b->hdr.initrd_addr_max + 1);

	b->initrd_gpa = 0;
	if (!p->initrd)
		return 0;
	if (linux_place_initrd(p->initrd_size, b->reserve_end, limit, &b->initrd_gpa))
		return linux_fail(out, -ERANGE, "the initrd does not fit in guest RAM between the "
				  "kernel (pref_address + init_size) and initrd_addr_max");
	return 0;
}

static int plan(const struct linux_load_params *p, struct bz_plan *b,
		struct linux_load_result *out)
{
	int err = linux_check_params(p, out);
	int len;

	err = err ? err : read_header(p, b, out);
	err = err ? err : check_header(p, b, out);
	err = err ? err : plan_kernel(p, b, out);
	err = err ? err : plan_initrd(p, b, out);
	if (err)
		return err;
	/* cmdline_size counts the bytes without the terminating NUL. */
	len = linux_cmdline_len(p->cmdline, b->hdr.cmdline_size, out);
	if (len < 0)
		return len;
	b->cmdline_len = (u64)len;
	return 0;
}

/* "The Zero Page": the image's setup header with the loader's fields set,
 * the memory map and (2.14) the RSDP. */
static void write_boot_params(const struct linux_load_params *p, const struct bz_plan *b)
{
	struct linux_boot_params *bp = (struct linux_boot_params *)(p->ram + LINUX_BOOT_INFO_GPA);
	struct linux_memmap_entry map[LINUX_MEMMAP_ENTRIES];
	unsigned n = linux_memmap(p->ram_size, map);

	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, p->image + BZ_SETUP_HEADER_OFF, b->hdr_len);
	bp->hdr.type_of_loader = BZ_LOADER_UNDEFINED;
	bp->hdr.code32_start = (u32)b->load_gpa;
	bp->hdr.cmd_line_ptr = (u32)LINUX_CMDLINE_GPA;
	bp->hdr.ramdisk_image = (u32)b->initrd_gpa;
	bp->hdr.ramdisk_size = p->initrd ? (u32)p->initrd_size : 0;
	bp->hdr.setup_data = 0;
	if (b->hdr.version >= BZ_PROTOCOL_RSDP)
		bp->acpi_rsdp_addr = p->rsdp_gpa;
	for (unsigned i = 0; i < n; i++)
		bp->e820_table[i] = (struct linux_e820_entry){ map[i].addr, map[i].size, map[i].type };
	bp->e820_entries = (u8)n;
}

/* "32-bit Boot Protocol" / "64-bit Boot Protocol": flat __BOOT_CS and
 * __BOOT_DS in a GDT. */
static void write_gdt(const struct linux_load_params *p, bool entry64)
{
	const u64 gdt[BZ_GDT_ENTRIES] = { 0, 0, entry64 ? BZ_GDT_CODE64 : BZ_GDT_CODE32,
					  BZ_GDT_DATA };

	memcpy(p->ram + LINUX_GDT_GPA, gdt, sizeof(gdt));
}

/* "64-bit Boot Protocol": the kernel, boot_params and command line must be
 * identity-mapped; the first 4 GiB are, in 2 MiB pages. */
static void write_identity_map(const struct linux_load_params *p)
{
	u64 *pml4 = (u64 *)(p->ram + LINUX_PML4_GPA);
	u64 *pdpt = (u64 *)(p->ram + LINUX_PDPT_GPA);

	memset(pml4, 0, LINUX_PAGE_SIZE);
	memset(pdpt, 0, LINUX_PAGE_SIZE);
	pml4[0] = LINUX_PDPT_GPA | BZ_PTE_P | BZ_PTE_RW;
	for (u64 d = 0; d < LINUX_PD_COUNT; d++) {
		u64 pd_gpa = LINUX_PD_GPA + d * LINUX_PAGE_SIZE;
		u64 *pd = (u64 *)(p->ram + pd_gpa);

		pdpt[d] = pd_gpa | BZ_PTE_P | BZ_PTE_RW;
		for (u64 i = 0; i < BZ_TABLE_ENTRIES; i++)
			pd[i] = (d * BZ_TABLE_ENTRIES + i) * BZ_PAGE_2M | BZ_PTE_P | BZ_PTE_RW |
				BZ_PTE_PS;
	}
}

static void write_all(const struct linux_load_params *p, const struct bz_plan *b)
{
	memcpy(p->ram + b->load_gpa, p->image + b->pm_offset, b->pm_size);
	if (p->initrd_size)
		memcpy(p->ram + b->initrd_gpa, p->initrd, p->initrd_size);
	write_boot_params(p, b);
	linux_put_cmdline(p, b->cmdline_len);
	write_gdt(p, b->entry64);
	if (b->entry64)
		write_identity_map(p);
}

int linux_bzimage_load(const struct linux_load_params *p, struct linux_load_result *out)
{
	struct bz_plan b;
	int err;

	*out = (struct linux_load_result){ 0 };
	err = plan(p, &b, out);
	if (err)
		return err;
	write_all(p, &b);
	out->entry_mode = b.entry64 ? LINUX_ENTRY_64 : LINUX_ENTRY_32;
	out->entry = b.load_gpa + (b.entry64 ? BZ_ENTRY64_OFFSET : 0);
	out->info_gpa = LINUX_BOOT_INFO_GPA;
	out->gdt_gpa = LINUX_GDT_GPA;
	out->gdt_limit = GDT_LIMIT;
	out->cr3 = b.entry64 ? LINUX_PML4_GPA : 0;
	out->kernel_lo = b.load_gpa;
	out->kernel_hi = b.reserve_end;
	out->initrd_gpa = b.initrd_gpa;
	out->written_end = p->initrd_size ? b.initrd_gpa + p->initrd_size
					  : b.load_gpa + b.pm_size;
	return 0;
}
