// sources: hv/linux_load.c hv/linux_select.c hv/linux_bzimage.c hv/linux_pvh.c
/*
 * hv/linux_load.c hv/linux_select.c, hv/linux_bzimage.c, hv/linux_pvh.c: synthetic bzImages
 * and ELF vmlinux files built here are loaded into a buffer standing for
 * guest RAM; boot_params, hvm_start_info, the memory map, the command line,
 * initrd placement, the GDT and the identity map are checked field by field
 * against Documentation/arch/x86/boot.rst and the PVH ABI; every refusal
 * names its reason and leaves guest RAM untouched.
 */
#include <stdlib.h>

#include "helpers.h"

#include "errno.h"
#include "hv/linux_bzimage.h"
#include "hv/linux_load.h"
#include "hv/linux_pvh.h"
#include "linux_image_builder.h"

#define RAM_SIZE MiB(64)
#define RAM_FILL 0xAA
#define IMG_MAX 0x10000
#define PM_OFFSET LIB_PM_OFFSET
#define PREF MiB(16)
#define INIT_SIZE MiB(8)
#define INITRD_SIZE 0x3000
#define CMDLINE "console=ttyS0 acpi=off"
#define RSDP 0xE0000
#define VMLINUX_PADDR MiB(16)
#define PVH_ENTRY (VMLINUX_PADDR + 0x850)

static u8 *ram, *fill;
static u8 img[IMG_MAX];
static u8 initrd[INITRD_SIZE];
static struct linux_load_params params;
static struct linux_load_result res;

static int setup(void **state)
{
	ram = malloc(RAM_SIZE);
	fill = malloc(RAM_SIZE);
	assert_true(ram && fill);
	memset(ram, RAM_FILL, RAM_SIZE);
	memset(fill, RAM_FILL, RAM_SIZE);
	memset(img, 0, sizeof(img));
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (u8)(i * 13 + 5);
	params = (struct linux_load_params){ .image = img, .image_size = IMG_MAX,
					     .initrd = initrd, .initrd_size = INITRD_SIZE,
					     .ram = ram, .ram_size = RAM_SIZE, .cmdline = CMDLINE,
					     .rsdp_gpa = RSDP };
	memset(&res, 0, sizeof(res));
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	free(fill);
	return 0;
}

static void assert_ram_untouched(void)
{
	assert_memory_equal(ram, fill, RAM_SIZE);
}

static void assert_refused(int want, const char *words)
{
	assert_int_equal(linux_load(&params, &res), want);
	assert_non_null(res.why);
	if (!strstr(res.why, words))
		fail_msg("reason \"%s\" lacks \"%s\"", res.why, words);
	assert_ram_untouched();
}

/* --- bzImage builder (boot.rst "The Real-Mode Kernel Header") ------------- */

static struct linux_setup_header *hdr(void)
{
	return (struct linux_setup_header *)(img + BZ_SETUP_HEADER_OFF);
}

/* A protocol 2.15 bzImage with a 64-bit entry, like Debian's kernels. */
static void make_bzimage(void)
{
	lib_make_bzimage(img, IMG_MAX, PREF, INIT_SIZE);
}

static const struct linux_boot_params *boot_params(void)
{
	return (const struct linux_boot_params *)(ram + LINUX_BOOT_INFO_GPA);
}

static void test_bzimage_64(void **state)
{
	const struct linux_boot_params *bp;

	make_bzimage();
	assert_int_equal(linux_load(&params, &res), 0);
	assert_int_equal(res.entry_mode, LINUX_ENTRY_64);
	assert_int_equal(res.entry, PREF + 0x200);
	assert_int_equal(res.info_gpa, LINUX_BOOT_INFO_GPA);
	assert_int_equal(res.protocol, 0x020F);
	assert_int_equal(res.kernel_lo, PREF);
	assert_int_equal(res.kernel_hi, PREF + INIT_SIZE);
	assert_int_equal(res.cr3, LINUX_PML4_GPA);
	assert_int_equal(res.gdt_gpa, LINUX_GDT_GPA);
	assert_int_equal(res.gdt_limit, 31);
	/* the protected-mode code at pref_address, byte for byte */
	assert_memory_equal(ram + PREF, img + PM_OFFSET, IMG_MAX - PM_OFFSET);
	/* the initrd as high as RAM allows, page-aligned */
	assert_int_equal(res.initrd_gpa, (RAM_SIZE - INITRD_SIZE) & ~0xFFFULL);
	assert_memory_equal(ram + res.initrd_gpa, initrd, INITRD_SIZE);
	assert_int_equal(res.written_end, res.initrd_gpa + INITRD_SIZE);
	bp = boot_params();
	assert_int_equal(bp->hdr.type_of_loader, BZ_LOADER_UNDEFINED);
	assert_int_equal(bp->hdr.cmd_line_ptr, LINUX_CMDLINE_GPA);
	assert_string_equal((const char *)ram + LINUX_CMDLINE_GPA, CMDLINE);
	assert_int_equal(bp->hdr.ramdisk_image, res.initrd_gpa);
	assert_int_equal(bp->hdr.ramdisk_size, INITRD_SIZE);
	assert_int_equal(bp->hdr.code32_start, PREF);
	assert_int_equal(bp->hdr.version, 0x020F);      /* the image's header copied */
	assert_int_equal(bp->hdr.init_size, INIT_SIZE);
	assert_int_equal(bp->acpi_rsdp_addr, RSDP);
	assert_int_equal(bp->sentinel, 0);
}

/* zero-page.rst e820_table: RAM to the EBDA, EBDA, BIOS area, RAM from 1 MiB. */
static void test_bzimage_e820(void **state)
{
	const struct linux_boot_params *bp;
	const struct linux_e820_entry want[] = {
		{ 0, 0x9FC00, 1 }, { 0x9FC00, 0x400, 2 }, { 0xE0000, 0x20000, 2 },
		{ 0x100000, RAM_SIZE - 0x100000, 1 },
	};

	make_bzimage();
	assert_int_equal(linux_load(&params, &res), 0);
	bp = boot_params();
	assert_int_equal(bp->e820_entries, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(bp->e820_table[i].addr, want[i].addr);
		assert_int_equal(bp->e820_table[i].size, want[i].size);
		assert_int_equal(bp->e820_table[i].type, want[i].type);
	}
}

/* "64-bit Boot Protocol": __BOOT_CS is a 64-bit code segment, and every
 * address of the first 4 GiB maps to itself in 2 MiB pages. */
static void test_bzimage_identity_map(void **state)
{
	u64 gdt[4], pml4e, pdpte, pde;
	const u64 probes[] = { 0, LINUX_BOOT_INFO_GPA, PREF + 0x200, MiB(63), GiB(3) + MiB(6) };

	make_bzimage();
	assert_int_equal(linux_load(&params, &res), 0);
	memcpy(gdt, ram + LINUX_GDT_GPA, sizeof(gdt));
	assert_int_equal(gdt[0], 0);
	assert_int_equal(gdt[BZ_BOOT_CS / 8], BZ_GDT_CODE64);
	assert_int_equal(gdt[BZ_BOOT_DS / 8], BZ_GDT_DATA);
	for (unsigned i = 0; i < ARRAY_SIZE(probes); i++) {
		u64 la = probes[i];

		memcpy(&pml4e, ram + res.cr3 + ((la >> 39) & 511) * 8, 8);
		assert_int_equal(pml4e & 3, 3);
		memcpy(&pdpte, ram + (pml4e & ~0xFFFULL) + ((la >> 30) & 511) * 8, 8);
		assert_int_equal(pdpte & 3, 3);
		assert_int_equal(pdpte & BZ_PTE_PS, 0);
		memcpy(&pde, ram + (pdpte & ~0xFFFULL) + ((la >> 21) & 511) * 8, 8);
		assert_int_equal(pde & (BZ_PTE_P | BZ_PTE_RW | BZ_PTE_PS), BZ_PTE_P | BZ_PTE_RW | BZ_PTE_PS);
		assert_int_equal((pde & ~0x1FFFFFULL) | (la & 0x1FFFFF), la);
	}
}

/* The 32-bit entry: asked for, or the only one a kernel offers. */
static void test_bzimage_32(void **state)
{
	u64 cs;

	make_bzimage();
	params.entry32 = true;
	assert_int_equal(linux_load(&params, &res), 0);
	assert_int_equal(res.entry_mode, LINUX_ENTRY_32);
	assert_int_equal(res.entry, PREF);
	assert_int_equal(res.cr3, 0);
	memcpy(&cs, ram + LINUX_GDT_GPA + BZ_BOOT_CS, 8);
	assert_int_equal(cs, BZ_GDT_CODE32);
	params.entry32 = false;
	hdr()->xloadflags = 0;
	memset(ram, RAM_FILL, RAM_SIZE);
	assert_int_equal(linux_load(&params, &res), 0);
	assert_int_equal(res.entry_mode, LINUX_ENTRY_32);
}

/* initrd_addr_max caps the initrd; older protocols (2.14-) get no RSDP;
 * no initrd and no command line are fine. */
static void test_bzimage_limits(void **state)
{
	make_bzimage();
	hdr()->initrd_addr_max = MiB(32) - 1;
	hdr()->version = 0x020D;
	params.cmdline = NULL;
	assert_int_equal(linux_load(&params, &res), 0);
	assert_int_equal(res.initrd_gpa, MiB(32) - 0x3000);
	assert_int_equal(boot_params()->acpi_rsdp_addr, 0);
	assert_int_equal(ram[LINUX_CMDLINE_GPA], 0);
	memset(ram, RAM_FILL, RAM_SIZE);
	params.initrd = NULL;
	params.initrd_size = 0;
	assert_int_equal(linux_load(&params, &res), 0);
	assert_int_equal(res.initrd_gpa, 0);
	assert_int_equal(boot_params()->hdr.ramdisk_image, 0);
	assert_int_equal(res.written_end, PREF + IMG_MAX - PM_OFFSET);
}

static void test_bzimage_refusals(void **state)
{
	char longline[0x900];

	make_bzimage();
	params.image_size = 0x200;
	assert_refused(-ENOEXEC, "neither a bzImage");
	params.image_size = 0x250;
	assert_refused(-ENOEXEC, "truncated inside its setup header");
	params.image_size = PM_OFFSET;
	assert_refused(-ENOEXEC, "ends inside its setup sectors");
	params.image_size = PM_OFFSET + 0x100;
	assert_refused(-ENOEXEC, "shorter than syssize");
	params.image_size = IMG_MAX;
	hdr()->version = 0x0209;
	assert_refused(-ENOEXEC, "older than 2.10");
	hdr()->version = 0x020F;
	hdr()->loadflags = 0;
	assert_refused(-ENOEXEC, "zImage");
	hdr()->loadflags = BZ_LOADED_HIGH;
	hdr()->pref_address = 0x80000;
	assert_refused(-ENOEXEC, "pref_address");
	hdr()->pref_address = PREF;
	hdr()->init_size = MiB(60);
	assert_refused(-ERANGE, "more memory than guest_mem");
	assert_int_equal(res.ram_needed, PREF + MiB(60));
	hdr()->init_size = RAM_SIZE - PREF - 0x1000;
	assert_refused(-ERANGE, "initrd does not fit");
	hdr()->init_size = INIT_SIZE;
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	params.cmdline = longline;
	assert_refused(-ERANGE, "command line is longer");
	params.cmdline = CMDLINE;
	params.ram_size = MiB(1);
	assert_int_equal(linux_load(&params, &res), -EINVAL);
}

/* --- ELF vmlinux ------------------------------------------------------------ */

static void make_vmlinux(void)
{
	lib_make_vmlinux(img, IMG_MAX, VMLINUX_PADDR, MiB(4));
}

static void put_phdr(unsigned i, u32 type, u64 off, u64 paddr, u64 filesz, u64 memsz)
{
	lib_put_phdr(img, i, type, off, paddr, filesz, memsz);
}

static void test_pvh(void **state)
{
	struct hvm_start_info si;
	struct hvm_modlist_entry mod;
	struct hvm_memmap_table_entry mm[4];

	make_vmlinux();
	assert_int_equal(linux_load(&params, &res), 0);
	assert_int_equal(res.entry_mode, LINUX_ENTRY_PVH);
	assert_int_equal(res.entry, PVH_ENTRY);
	assert_int_equal(res.kernel_lo, VMLINUX_PADDR);
	assert_int_equal(res.kernel_hi, VMLINUX_PADDR + MiB(6));
	assert_memory_equal(ram + VMLINUX_PADDR, img + 0x1000, 0x4000);
	assert_memory_equal(ram + VMLINUX_PADDR + MiB(2), img + 0x5000, 0x2000);
	for (u64 a = VMLINUX_PADDR + MiB(2) + 0x2000; a < VMLINUX_PADDR + MiB(6); a += 0x1000)
		assert_int_equal(ram[a], 0); /* bss zeroed */
	memcpy(&si, ram + res.info_gpa, sizeof(si));
	assert_int_equal(si.magic, 0x336EC578);
	assert_int_equal(si.version, 1);
	assert_int_equal(si.nr_modules, 1);
	assert_int_equal(si.rsdp_paddr, RSDP);
	assert_string_equal((const char *)ram + si.cmdline_paddr, CMDLINE);
	memcpy(&mod, ram + si.modlist_paddr, sizeof(mod));
	assert_int_equal(mod.paddr, res.initrd_gpa);
	assert_int_equal(mod.size, INITRD_SIZE);
	assert_memory_equal(ram + mod.paddr, initrd, INITRD_SIZE);
	assert_int_equal(si.memmap_entries, 4);
	memcpy(mm, ram + si.memmap_paddr, sizeof(mm));
	assert_int_equal(mm[3].addr, 0x100000);
	assert_int_equal(mm[3].size, RAM_SIZE - 0x100000);
	assert_int_equal(mm[3].type, 1);
	assert_int_equal(mm[2].addr, 0xE0000);
	assert_int_equal(mm[2].type, 2);
}

/* A 4-byte entry note (older kernels); no initrd means no module. */
static void test_pvh_variants(void **state)
{
	struct hvm_start_info si;

	make_vmlinux();
	lib_put_notes(img, 4, PVH_ENTRY);
	put_phdr(1, 4, LIB_NOTE_OFF, 0, 40, 40);
	params.initrd = NULL;
	params.initrd_size = 0;
	assert_int_equal(linux_load(&params, &res), 0);
	assert_int_equal(res.entry, PVH_ENTRY);
	memcpy(&si, ram + res.info_gpa, sizeof(si));
	assert_int_equal(si.nr_modules, 0);
	assert_int_equal(si.modlist_paddr, 0);
}

static void test_pvh_refusals(void **state)
{
	make_vmlinux();
	params.image_size = 40;
	assert_refused(-ENOEXEC, "truncated inside its ELF header");
	params.image_size = IMG_MAX;
	img[4] = 1;
	assert_refused(-ENOEXEC, "x86-64 executable");
	img[4] = 2;
	put16(img + 56, 2000);
	assert_refused(-ENOEXEC, "program headers");
	put16(img + 56, 3);
	put32(img + LIB_NOTE_OFF + 28, 0x11);
	assert_refused(-ENOEXEC, "no PVH entry note");
	put32(img + LIB_NOTE_OFF + 28, PVH_NOTE_PHYS32_ENTRY);
	put32(img + LIB_NOTE_OFF + 24, 6);
	assert_refused(-ENOEXEC, "neither 4 nor 8 bytes");
	put32(img + LIB_NOTE_OFF + 24, 0x1000);
	assert_refused(-ENOEXEC, "runs past the end");
	make_vmlinux();
	put64(img + LIB_NOTE_OFF + 36, 0x100000000ULL);
	assert_refused(-ENOEXEC, "not below 4 GiB");
	make_vmlinux();
	put64(img + LIB_NOTE_OFF + 36, MiB(40));
	assert_refused(-ENOEXEC, "not inside a loadable segment");
	make_vmlinux();
	put_phdr(0, 1, 0x1000, VMLINUX_PADDR, 0x10000, 0x10000);
	assert_refused(-ENOEXEC, "truncated: a PT_LOAD");
	make_vmlinux();
	put_phdr(2, 1, 0x5000, VMLINUX_PADDR + MiB(2), 0x2000, MiB(60));
	assert_refused(-ERANGE, "more memory than guest_mem");
	make_vmlinux();
	put_phdr(2, 1, 0x5000, VMLINUX_PADDR + MiB(2), 0x2000, RAM_SIZE - VMLINUX_PADDR - MiB(2) - 0x1000);
	assert_refused(-ERANGE, "initrd does not fit");
	make_vmlinux();
	put_phdr(0, 1, 0x1000, 0x80000, 0x100, 0x100);
	assert_refused(-ENOEXEC, "below 1 MiB");
	memset(img, 0x11, sizeof(img));
	assert_refused(-ENOEXEC, "neither a bzImage");
}

/* linux_place_initrd and linux_memmap edge cases. */
static void test_helpers(void **state)
{
	struct linux_memmap_entry map[LINUX_MEMMAP_ENTRIES];
	u64 gpa;

	assert_int_equal(linux_place_initrd(0x1001, MiB(1), MiB(4), &gpa), 0);
	assert_int_equal(gpa, MiB(4) - 0x2000);
	assert_int_equal(linux_place_initrd(MiB(3) + 1, MiB(1), MiB(4), &gpa), -ERANGE);
	assert_int_equal(linux_place_initrd(MiB(5), 0, MiB(4), &gpa), -ERANGE);
	assert_int_equal(linux_memmap(MiB(1), map), 3);
	assert_int_equal(linux_memmap(GiB(4), map), 4);
	assert_int_equal(map[3].size, GiB(3) - MiB(1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bzimage_64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bzimage_e820, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bzimage_identity_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bzimage_32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bzimage_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bzimage_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvh_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvh_refusals, setup, teardown),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
