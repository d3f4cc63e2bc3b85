// sources: hv/mb1_loader.c
/*
 * hv/mb1_loader.c: synthetic ELF32, ELF64 and a.out-kludge kernels built
 * here, loaded into a buffer standing in for guest RAM; the boot
 * information checked field by field; and malformed kernels refused with
 * guest RAM untouched.
 */
#include <stdlib.h>

#include "helpers.h"

#include "errno.h"
#include "hv/mb1_loader.h"

#define RAM_SIZE MiB(4)
#define RAM_FILL 0xAA
#define IMG_MAX 0x6000
#define HDR_OFF 0x200     /* where the builders put the Multiboot header */
#define DATA_OFF 0x1000   /* where segment file bytes start */
#define KERNEL_BASE 0x100000ULL

#define PT_LOAD 1
#define PT_NOTE 4

static u8 *ram;
static u8 img[IMG_MAX];
static struct mb1_load_params params;
static struct mb1_load_result res;

static int setup(void **state)
{
	ram = malloc(RAM_SIZE);
	assert_non_null(ram);
	memset(ram, RAM_FILL, RAM_SIZE);
	memset(img, 0, sizeof(img));
	for (size_t i = DATA_OFF; i < IMG_MAX; i++)
		img[i] = (u8)(i * 7 + 1); /* recognisable segment bytes */
	params = (struct mb1_load_params){ .image = img, .image_size = IMG_MAX, .ram = ram,
					   .ram_size = RAM_SIZE, .cmdline = "console=ttyS0 quiet" };
	memset(&res, 0, sizeof(res));
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

/* --- image builders ----------------------------------------------------- */

static void put_header(u32 off, u32 flags)
{
	put32(img + off, MB1_HEADER_MAGIC);
	put32(img + off + 4, flags);
	put32(img + off + 8, (u32)-(MB1_HEADER_MAGIC + flags));
}

static void put_addr_fields(u32 off, u32 header_addr, u32 load_addr, u32 load_end, u32 bss_end,
			    u32 entry)
{
	put32(img + off + 12, header_addr);
	put32(img + off + 16, load_addr);
	put32(img + off + 20, load_end);
	put32(img + off + 24, bss_end);
	put32(img + off + 28, entry);
}

struct phdr {
	u32 type;
	u64 offset, vaddr, paddr, filesz, memsz;
};

static void elf_ident(u8 class)
{
	memcpy(img, "\177ELF", 4);
	img[4] = class;
	img[5] = 1; /* little-endian */
	img[6] = 1; /* EV_CURRENT */
}

#define ELF32_EHDR 52
#define ELF32_PHDR 32
#define ELF64_EHDR 64
#define ELF64_PHDR 56

static void build_elf32(u32 entry, const struct phdr *ph, unsigned n, u32 mb_flags)
{
	elf_ident(1);
	put16(img + 16, 2);  /* ET_EXEC */
	put16(img + 18, 3);  /* EM_386 */
	put32(img + 20, 1);
	put32(img + 24, entry);
	put32(img + 28, ELF32_EHDR);
	put16(img + 40, ELF32_EHDR);
	put16(img + 42, ELF32_PHDR);
	put16(img + 44, (u16)n);
	for (unsigned i = 0; i < n; i++) {
		u8 *p = img + ELF32_EHDR + i * ELF32_PHDR;

		put32(p, ph[i].type);
		put32(p + 4, (u32)ph[i].offset);
		put32(p + 8, (u32)ph[i].vaddr);
		put32(p + 12, (u32)ph[i].paddr);
		put32(p + 16, (u32)ph[i].filesz);
		put32(p + 20, (u32)ph[i].memsz);
	}
	put_header(HDR_OFF, mb_flags);
}

static void build_elf64(u64 entry, const struct phdr *ph, unsigned n, u32 mb_flags)
{
	elf_ident(2);
	put16(img + 16, 2);  /* ET_EXEC */
	put16(img + 18, 62); /* EM_X86_64 */
	put32(img + 20, 1);
	put64(img + 24, entry);
	put64(img + 32, ELF64_EHDR);
	put16(img + 52, ELF64_EHDR);
	put16(img + 54, ELF64_PHDR);
	put16(img + 56, (u16)n);
	for (unsigned i = 0; i < n; i++) {
		u8 *p = img + ELF64_EHDR + i * ELF64_PHDR;

		put32(p, ph[i].type);
		put64(p + 8, ph[i].offset);
		put64(p + 16, ph[i].vaddr);
		put64(p + 24, ph[i].paddr);
		put64(p + 32, ph[i].filesz);
		put64(p + 40, ph[i].memsz);
	}
	put_header(HDR_OFF, mb_flags);
}

/* A higher-half ELF32 kernel: text at 1 MiB, data+bss at 1 MiB + 8 KiB,
 * and a PT_NOTE that must be ignored. */
static const struct phdr elf32_ph[] = {
	{ PT_LOAD, DATA_OFF, 0xC0100000, KERNEL_BASE, 0x1000, 0x1000 },
	{ PT_NOTE, 0x300, 0, 0x80000, 0x10, 0x10 },
	{ PT_LOAD, DATA_OFF + 0x1000, 0xC0102000, KERNEL_BASE + 0x2000, 0x800, 0x3000 },
};

/* --- checks on the result -------------------------------------------------- */

static u32 ram32(u64 gpa)
{
	u32 v;

	memcpy(&v, ram + gpa, sizeof(v));
	return v;
}

static struct mb1_info info_at(u32 gpa)
{
	struct mb1_info info;

	memcpy(&info, ram + gpa, sizeof(info));
	return info;
}

static void assert_filled(u64 gpa, u64 len, u8 value)
{
	for (u64 i = 0; i < len; i++)
		if (ram[gpa + i] != value)
			fail_msg("ram[%#llx] = %#x, expected %#x", (gpa + i),
				 ram[gpa + i], value);
}

static void assert_ram_untouched(void)
{
	assert_filled(0, RAM_SIZE, RAM_FILL);
}

/* Loads and expects failure err with exactly the reason why. */
static void assert_refused(int err, const char *why)
{
	int got = mb1_load(&params, &res);

	if (got != err || !res.why || strcmp(res.why, why))
		fail_msg("got %d \"%s\", expected %d \"%s\"", got, res.why ? res.why : "(null)",
			 err, why);
	assert_ram_untouched();
}

/* --- the header (3.1.1) ------------------------------------------------------ */

static void test_find_header_positions(void **state)
{
	struct mb1_header h;
	const char *why = NULL;
	u32 off;

	put_header(8180, 0); /* the last offset where 12 bytes fit in 8192 */
	assert_int_equal(mb1_find_header(img, IMG_MAX, &h, &off, &why), 0);
	assert_int_equal(off, 8180);
	assert_int_equal(h.magic, MB1_HEADER_MAGIC);
	assert_int_equal(h.header_addr, 0); /* past 8192: reads as zero */
	memset(img + 8180, 0, 12);
	put_header(8184, 0); /* crosses 8192 */
	assert_int_equal(mb1_find_header(img, IMG_MAX, &h, &off, &why), -ENOEXEC);
	assert_string_equal(why, "no Multiboot header in the first 8192 bytes");
	put_header(0x102, 0); /* not 4-byte aligned */
	assert_int_equal(mb1_find_header(img, IMG_MAX, &h, &off, &why), -ENOEXEC);
	put_header(0x40, 0);
	assert_int_equal(mb1_find_header(img, 0x4C, &h, &off, &why), 0);
	assert_int_equal(off, 0x40);
	assert_int_equal(mb1_find_header(img, 0x4B, &h, &off, &why), -ENOEXEC); /* cut short */
	assert_int_equal(mb1_find_header(img, 0, &h, &off, &why), -ENOEXEC);
}

static void test_find_header_checksum(void **state)
{
	struct mb1_header h;
	const char *why = NULL;
	u32 off;

	put_header(0x40, MB1_HDR_PAGE_ALIGN);
	put32(img + 0x48, 0x12345678); /* wrong checksum */
	assert_int_equal(mb1_find_header(img, IMG_MAX, &h, &off, &why), -ENOEXEC);
	assert_string_equal(why, "Multiboot header checksum mismatch");
	put_header(0x80, MB1_HDR_MEMORY_INFO); /* a valid one further on is found */
	assert_int_equal(mb1_find_header(img, IMG_MAX, &h, &off, &why), 0);
	assert_int_equal(off, 0x80);
	assert_int_equal(h.flags, MB1_HDR_MEMORY_INFO);
}

/* --- loading ----------------------------------------------------------------- */

static void test_elf32_load(void **state)
{
	build_elf32(0xC0100010, elf32_ph, ARRAY_SIZE(elf32_ph), MB1_HDR_MEMORY_INFO);
	assert_int_equal(mb1_load(&params, &res), 0);
	assert_false(res.aout_kludge);
	assert_int_equal(res.header_offset, HDR_OFF);
	assert_int_equal(res.entry, KERNEL_BASE + 0x10); /* virtual entry moved to physical */
	assert_int_equal(res.kernel_lo, KERNEL_BASE);
	assert_int_equal(res.kernel_hi, KERNEL_BASE + 0x5000 - 1);
	assert_int_equal(res.info_gpa, MB1_INFO_BASE);
	assert_memory_equal(ram + KERNEL_BASE, img + DATA_OFF, 0x1000);
	assert_filled(KERNEL_BASE + 0x1000, 0x1000, RAM_FILL); /* the gap is not written */
	assert_memory_equal(ram + KERNEL_BASE + 0x2000, img + DATA_OFF + 0x1000, 0x800);
	assert_filled(KERNEL_BASE + 0x2800, 0x2800, 0); /* bss */
	assert_filled(KERNEL_BASE + 0x5000, 0x1000, RAM_FILL);
	assert_int_equal(ram[0x80000], RAM_FILL); /* PT_NOTE ignored */
}

static void test_elf64_load(void **state)
{
	const struct phdr ph[] = {
		{ PT_LOAD, DATA_OFF, 0x200000, 0x200000, 0x1800, 0x2000 },
	};

	build_elf64(0x200100, ph, 1, 0);
	assert_int_equal(mb1_load(&params, &res), 0);
	assert_int_equal(res.entry, 0x200100);
	assert_int_equal(res.kernel_lo, 0x200000);
	assert_int_equal(res.kernel_hi, 0x201FFF);
	assert_memory_equal(ram + 0x200000, img + DATA_OFF, 0x1800);
	assert_filled(0x201800, 0x800, 0);
}

/* Kernels may also live in low memory, below the information area. */
static void test_elf_low_kernel(void **state)
{
	const struct phdr ph[] = { { PT_LOAD, DATA_OFF, 0x10000, 0x10000, 0x100, 0x80000 } };
	struct mb1_guest_module mod = { img + DATA_OFF, 0x10, "m" };

	build_elf32(0x10000, ph, 1, MB1_HDR_PAGE_ALIGN);
	params.modules = &mod;
	params.module_count = 1;
	assert_int_equal(mb1_load(&params, &res), 0);
	assert_int_equal(res.kernel_lo, 0x10000);
	assert_int_equal(res.kernel_hi, 0x8FFFF);
	/* modules start at 1 MiB, not right after a low kernel */
	assert_int_equal(ram32(info_at(res.info_gpa).mods_addr), MB1_HIGH_MEM);
	assert_int_equal(res.modules_end, MB1_HIGH_MEM + 0x10);
}

static void test_aout_kludge(void **state)
{
	/* header at file 0x200 loads at 0x100200: the file maps from offset 0 */
	u32 flags = MB1_HDR_AOUT_KLUDGE | MB1_HDR_PAGE_ALIGN | MB1_HDR_MEMORY_INFO;

	put_header(HDR_OFF, flags);
	put_addr_fields(HDR_OFF, 0x100200, 0x100000, 0x103000, 0x105000, 0x100400);
	assert_int_equal(mb1_load(&params, &res), 0);
	assert_true(res.aout_kludge);
	assert_int_equal(res.header_flags, flags);
	assert_int_equal(res.entry, 0x100400);
	assert_int_equal(res.kernel_lo, 0x100000);
	assert_int_equal(res.kernel_hi, 0x104FFF);
	assert_memory_equal(ram + 0x100000, img, 0x3000);
	assert_filled(0x103000, 0x2000, 0);
	assert_filled(0x105000, 0x1000, RAM_FILL);
}

/* load_addr above the file start: loading begins mid-file. load_end_addr 0
 * loads the rest of the file; bss_end_addr 0 means no bss. */
static void test_aout_offsets(void **state)
{
	put_header(0x1000, MB1_HDR_AOUT_KLUDGE);
	put_addr_fields(0x1000, 0x200800, 0x200000, 0, 0, 0x200800);
	assert_int_equal(mb1_load(&params, &res), 0);
	assert_int_equal(res.kernel_lo, 0x200000);
	assert_int_equal(res.kernel_hi, 0x200000 + (IMG_MAX - 0x800) - 1);
	assert_memory_equal(ram + 0x200000, img + 0x800, IMG_MAX - 0x800);
	assert_filled(0x200000 + IMG_MAX - 0x800, 0x100, RAM_FILL);
}

/* --- boot information (3.3) ---------------------------------------------------- */

static void check_mmap(const struct mb1_info *info, u64 usable_end)
{
	static const struct { u64 base, len; u32 type; } want[] = {
		{ 0, 0x9FC00, MB1_MMAP_AVAILABLE },
		{ 0x9FC00, 0x400, MB1_MMAP_RESERVED },
		{ 0xF0000, 0x10000, MB1_MMAP_RESERVED },
		{ 0x100000, 0, MB1_MMAP_AVAILABLE },
	};

	assert_int_equal(info->mmap_length, 4 * 24);
	for (unsigned i = 0; i < 4; i++) {
		struct mb1_mmap_entry e;

		memcpy(&e, ram + info->mmap_addr + i * 24, sizeof(e));
		assert_int_equal(e.size, 20);
		assert_int_equal(e.base_addr, want[i].base);
		assert_int_equal(e.length, want[i].len ? want[i].len : usable_end - 0x100000);
		assert_int_equal(e.type, want[i].type);
	}
}

static void test_info_fields(void **state)
{
	static const u8 mod_a[] = "module A bytes", mod_b[] = { 1, 2, 3 };
	const struct mb1_guest_module mods[] = {
		{ mod_a, sizeof(mod_a), "initrd.img root=/dev/ram0" },
		{ mod_b, sizeof(mod_b), NULL },
	};
	struct mb1_info info;
	struct mb1_module m[2];

	build_elf32(0xC0100010, elf32_ph, ARRAY_SIZE(elf32_ph), MB1_HDR_PAGE_ALIGN);
	params.modules = mods;
	params.module_count = 2;
	assert_int_equal(mb1_load(&params, &res), 0);
	assert_true(res.info_gpa >= MB1_INFO_BASE && res.info_gpa < MB1_INFO_END);
	info = info_at(res.info_gpa);
	assert_int_equal(info.flags, MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
				     MB1_INFO_MMAP | MB1_INFO_LOADER_NAME);
	assert_int_equal(info.mem_lower, 640);
	assert_int_equal(info.mem_upper, (RAM_SIZE - MiB(1)) / 1024);
	assert_string_equal((char *)ram + info.cmdline, "console=ttyS0 quiet");
	assert_string_equal((char *)ram + info.boot_loader_name, "understudy");
	assert_int_equal(info.mods_count, 2);
	memcpy(m, ram + info.mods_addr, sizeof(m));
	assert_int_equal(m[0].mod_start, KERNEL_BASE + 0x5000); /* page after the kernel */
	assert_int_equal(m[0].mod_end, m[0].mod_start + sizeof(mod_a));
	assert_int_equal(m[1].mod_start, KERNEL_BASE + 0x6000); /* page-aligned (flag 0) */
	assert_int_equal(m[1].mod_end, KERNEL_BASE + 0x6003);
	assert_int_equal(m[0].reserved, 0);
	assert_memory_equal(ram + m[0].mod_start, mod_a, sizeof(mod_a));
	assert_memory_equal(ram + m[1].mod_start, mod_b, sizeof(mod_b));
	assert_string_equal((char *)ram + m[0].string, "initrd.img root=/dev/ram0");
	assert_string_equal((char *)ram + m[1].string, "");
	assert_int_equal(res.modules_end, KERNEL_BASE + 0x6003);
	assert_int_equal(info.syms[0] | info.drives_length | info.vbe_mode | info.framebuffer_bpp, 0);
	check_mmap(&info, RAM_SIZE);
	/* every pointer lies inside the information area */
	assert_true(info.mmap_addr > res.info_gpa && info.boot_loader_name < MB1_INFO_END);
}

/* Without flag 0, modules are only 8-byte aligned. */
static void test_modules_unaligned(void **state)
{
	static const u8 a[5] = "abcd", b[3] = "xy";
	const struct mb1_guest_module mods[] = { { a, 5, "a" }, { b, 3, "b" } };
	struct mb1_module m[2];

	build_elf32(0xC0100010, elf32_ph, ARRAY_SIZE(elf32_ph), 0);
	params.modules = mods;
	params.module_count = 2;
	params.cmdline = NULL;
	assert_int_equal(mb1_load(&params, &res), 0);
	memcpy(m, ram + info_at(res.info_gpa).mods_addr, sizeof(m));
	assert_int_equal(m[0].mod_start, KERNEL_BASE + 0x5000);
	assert_int_equal(m[1].mod_start, KERNEL_BASE + 0x5008);
	assert_string_equal((char *)ram + info_at(res.info_gpa).cmdline, "");
}

/* RAM beyond 3 GiB (the PCI hole) is neither reported nor used. The test's
 * buffer is 4 MiB: the loader writes nothing above what it places. */
static void test_mem_upper_capped(void **state)
{
	struct mb1_info info;

	build_elf32(0xC0100010, elf32_ph, ARRAY_SIZE(elf32_ph), 0);
	params.ram_size = GiB(8);
	assert_int_equal(mb1_load(&params, &res), 0);
	info = info_at(res.info_gpa);
	assert_int_equal(info.mem_upper, (GiB(3) - MiB(1)) / 1024);
	check_mmap(&info, GiB(3));
}

/* --- refusals ------------------------------------------------------------------ */

static void test_refuse_header_problems(void **state)
{
	assert_refused(-ENOEXEC, "no Multiboot header in the first 8192 bytes");
	put_header(HDR_OFF, 0);
	put32(img + HDR_OFF + 8, 0x12345678);
	assert_refused(-ENOEXEC, "Multiboot header checksum mismatch");
	put_header(HDR_OFF, MB1_HDR_VIDEO_MODE);
	assert_refused(-ENOTSUP, "the kernel requires a video mode (header flag 2), "
				 "which Understudy cannot set");
	put_header(HDR_OFF, BIT(5));
	assert_refused(-ENOTSUP, "the kernel requires features unknown to Multiboot 0.6.96 "
				 "(header flags 3-15)");
	put_header(HDR_OFF, BIT(20)); /* unknown optional flag: ignored, then not ELF */
	assert_refused(-ENOEXEC, "the kernel is not ELF and its Multiboot header has no address "
				 "fields (flag 16)");
	memset(img + HDR_OFF, 0, 12);
	put_header(8176, MB1_HDR_AOUT_KLUDGE); /* address fields past 8192 */
	assert_refused(-ENOEXEC, "the Multiboot header's address fields lie past the first 8192 "
				 "bytes or the end of the image");
}

static void test_refuse_small_ram_and_bad_params(void **state)
{
	build_elf32(0xC0100010, elf32_ph, ARRAY_SIZE(elf32_ph), 0);
	params.ram_size = MiB(2) - 1;
	assert_refused(-EINVAL, "guest RAM is smaller than 2 MiB");
	params.ram_size = RAM_SIZE;
	params.module_count = 1;
	assert_refused(-EINVAL, "module count without a module list");
	params.module_count = 0;
	params.image_size = 0;
	assert_refused(-EINVAL, "no kernel image");
}

static void test_refuse_elf_headers(void **state)
{
	build_elf32(0xC0100010, elf32_ph, ARRAY_SIZE(elf32_ph), 0);
	img[5] = 2;
	assert_refused(-ENOEXEC, "the ELF image is not little-endian");
	img[5] = 1;
	img[4] = 3;
	assert_refused(-ENOEXEC, "the ELF class is neither 32- nor 64-bit");
	img[4] = 1;
	put16(img + 18, 62);
	assert_refused(-ENOEXEC, "the ELF32 image is not for i386 (e_machine)");
	put16(img + 18, 3);
	put16(img + 16, 3); /* ET_DYN */
	assert_refused(-ENOEXEC, "the ELF image is not an executable (e_type)");
	put16(img + 16, 2);
	put16(img + 42, 31);
	assert_refused(-ENOEXEC, "the ELF program header size (e_phentsize) is too small");
	put16(img + 42, 32);
	put16(img + 44, 0);
	assert_refused(-ENOEXEC, "the ELF image has no program headers");
	put16(img + 44, 3);
	put32(img + 28, IMG_MAX - 3 * ELF32_PHDR + 1); /* last phdr cut off by the end */
	assert_refused(-ENOEXEC, "the ELF program headers lie outside the image");
	put32(img + 28, 0xFFFFFFF0); /* e_phoff far away */
	assert_refused(-ENOEXEC, "the ELF program headers lie outside the image");
	put32(img + 28, IMG_MAX - 3 * ELF32_PHDR); /* exactly fits: now the entries count */
	assert_refused(-ENOEXEC, "the ELF image has no loadable segment");
	params.image_size = 0x30;
	put_header(0x20, 0);
	assert_refused(-ENOEXEC, "the image is too short for its ELF header");
}

static void test_refuse_elf_segments(void **state)
{
	struct phdr ph[3];

	memcpy(ph, elf32_ph, sizeof(ph));
	ph[2].filesz = 0x4000; /* more file than memory */
	build_elf32(0xC0100010, ph, 3, 0);
	assert_refused(-ENOEXEC, "a segment's file size exceeds its memory size");
	assert_int_equal(res.segment, 2);

	memcpy(ph, elf32_ph, sizeof(ph));
	ph[2].offset = IMG_MAX - 0x7FF; /* file bytes run past the image */
	build_elf32(0xC0100010, ph, 3, 0);
	assert_refused(-ENOEXEC, "a segment lies outside the image");
	assert_int_equal(res.segment, 2);

	memcpy(ph, elf32_ph, sizeof(ph));
	ph[2].paddr = RAM_SIZE - 0x1000; /* memory runs past guest RAM */
	build_elf32(0xC0100010, ph, 3, 0);
	assert_refused(-ERANGE, "a segment lies outside guest RAM");
	assert_int_equal(res.segment, 2);

	memcpy(ph, elf32_ph, sizeof(ph));
	ph[0].memsz = 0xFFFFFFFF; /* huge p_memsz (bss) */
	build_elf32(0xC0100010, ph, 3, 0);
	assert_refused(-ERANGE, "a segment lies outside guest RAM");
	assert_int_equal(res.segment, 0);
}

static void test_refuse_overlapping_loader_areas(void **state)
{
	static const u64 bad_paddr[] = { 0x80000, 0x90000, 0x9FFFF, 0xA0000, 0xF8000, 0xFFFFF };
	struct phdr ph = { PT_LOAD, DATA_OFF, 0, 0, 0x10, 0x10001 };

	for (size_t i = 0; i < ARRAY_SIZE(bad_paddr); i++) {
		ph.vaddr = ph.paddr = bad_paddr[i];
		build_elf32((u32)ph.vaddr, &ph, 1, 0);
		assert_refused(-ERANGE, "a segment overlaps the boot information area or the BIOS "
					"hole (0x90000-0xFFFFF)");
	}
	ph.vaddr = ph.paddr = 0x80000; /* ends exactly at 0x90000: fine */
	ph.memsz = 0x10000;
	build_elf32(0x80000, &ph, 1, 0);
	assert_int_equal(mb1_load(&params, &res), 0);
}

static void test_refuse_elf_entry(void **state)
{
	const struct phdr ph[] = { { PT_LOAD, DATA_OFF, 0x200000, 0x200000, 0x100, 0x1000 } };
	const struct phdr note_only[] = { { PT_NOTE, DATA_OFF, 0x200000, 0x200000, 0x100, 0x1000 } };

	build_elf64(0x100000000ULL, ph, 1, 0);
	assert_refused(-ENOEXEC, "the ELF64 entry point is not below 4 GiB");
	build_elf64(0x201000, ph, 1, 0); /* one past the segment */
	assert_refused(-ENOEXEC, "the ELF entry point is not inside a loadable segment");
	build_elf32(0x1FFFFF, ph, 1, 0);
	assert_refused(-ENOEXEC, "the ELF entry point is not inside a loadable segment");
	build_elf32(0x200000, note_only, 1, 0);
	assert_refused(-ENOEXEC, "the ELF image has no loadable segment");
}

static void test_refuse_elf64_huge_memsz(void **state)
{
	struct phdr ph[] = { { PT_LOAD, DATA_OFF, 0x200000, 0x200000, 0x100, 0x1000 },
			     { PT_LOAD, DATA_OFF, 0x300000, 0x300000, 0x100, ~0ULL - 0x10 } };

	build_elf64(0x200000, ph, 2, 0);
	assert_refused(-ERANGE, "a segment lies outside guest RAM");
	assert_int_equal(res.segment, 1);
	ph[1].memsz = 0x100;
	ph[1].paddr = ~0ULL - 0x80; /* paddr + memsz wraps */
	build_elf64(0x200000, ph, 2, 0);
	assert_refused(-ERANGE, "a segment lies outside guest RAM");
	ph[1].paddr = 0x300000;
	ph[1].offset = ~0ULL - 0x10; /* p_offset + p_filesz wraps */
	build_elf64(0x200000, ph, 2, 0);
	assert_refused(-ENOEXEC, "a segment lies outside the image");
}

static void test_refuse_aout(void **state)
{
	u32 fl = MB1_HDR_AOUT_KLUDGE;

	put_header(HDR_OFF, fl);
	put_addr_fields(HDR_OFF, 0x100000, 0x100200, 0, 0, 0x100200);
	assert_refused(-ENOEXEC, "header_addr is below load_addr");
	put_addr_fields(HDR_OFF, 0x100400, 0x100000, 0, 0, 0x100400);
	assert_refused(-ENOEXEC, "load_addr lies before the start of the image");
	put_addr_fields(HDR_OFF, 0x100200, 0x100000, 0x0FFFFF, 0, 0x100200);
	assert_refused(-ENOEXEC, "load_end_addr is below load_addr");
	put_addr_fields(HDR_OFF, 0x100200, 0x100000, 0x100000 + IMG_MAX + 1, 0, 0x100200);
	assert_refused(-ENOEXEC, "a segment lies outside the image");
	put_addr_fields(HDR_OFF, 0x100200, 0x100000, 0x101000, 0x100FFF, 0x100200);
	assert_refused(-ENOEXEC, "bss_end_addr is below load_end_addr");
	put_addr_fields(HDR_OFF, 0x100200, 0x100000, 0x101000, RAM_SIZE + 1, 0x100200);
	assert_refused(-ERANGE, "a segment lies outside guest RAM");
	put_addr_fields(HDR_OFF, 0x100200, 0x100000, 0x101000, 0x102000, 0x102000);
	assert_refused(-ENOEXEC, "entry_addr lies outside the loaded image");
	put_addr_fields(HDR_OFF, 0x100200, 0x100000, 0x101000, 0x102000, 0x0FFFFF);
	assert_refused(-ENOEXEC, "entry_addr lies outside the loaded image");
	put_addr_fields(HDR_OFF, 0x9F200, 0x9F000, 0x9F800, 0, 0x9F000);
	assert_refused(-ERANGE, "a segment overlaps the boot information area or the BIOS hole "
				"(0x90000-0xFFFFF)");
	put_addr_fields(HDR_OFF, 0xFFFFFFFF, 0xFFFFFE00, 0, 0, 0xFFFFFE00);
	assert_refused(-ERANGE, "a segment lies outside guest RAM");
}

static void test_refuse_no_room(void **state)
{
	static char long_cmdline[0x10000];
	struct mb1_guest_module big = { img, RAM_SIZE, "big" };

	build_elf32(0xC0100010, elf32_ph, ARRAY_SIZE(elf32_ph), 0);
	params.modules = &big;
	params.module_count = 1;
	assert_refused(-ERANGE, "the modules do not fit in guest RAM");
	params.module_count = 0;
	memset(long_cmdline, 'x', sizeof(long_cmdline) - 1);
	params.cmdline = long_cmdline;
	assert_refused(-ERANGE, "the boot information does not fit in 0x90000-0x9FBFF (command "
				"lines too long or too many modules)");
	params.cmdline = "k";
	big = (struct mb1_guest_module){ img, 16, long_cmdline }; /* a module's string */
	params.module_count = 1;
	assert_refused(-ERANGE, "the boot information does not fit in 0x90000-0x9FBFF (command "
				"lines too long or too many modules)");
	params.module_count = 0;
	params.cmdline = long_cmdline;
	long_cmdline[0x9FC00 - 0x90000 - 116 - 96 - 11 - 1] = '\0'; /* exactly fills */
	assert_int_equal(mb1_load(&params, &res), 0);
	assert_int_equal(ram[0x9FBFF], 0);
	assert_int_equal(ram[0x9FC00], RAM_FILL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_find_header_positions),
		T(test_find_header_checksum),
		T(test_elf32_load),
		T(test_elf64_load),
		T(test_elf_low_kernel),
		T(test_aout_kludge),
		T(test_aout_offsets),
		T(test_info_fields),
		T(test_modules_unaligned),
		T(test_mem_upper_capped),
		T(test_refuse_header_problems),
		T(test_refuse_small_ram_and_bad_params),
		T(test_refuse_elf_headers),
		T(test_refuse_elf_segments),
		T(test_refuse_overlapping_loader_areas),
		T(test_refuse_elf_entry),
		T(test_refuse_elf64_huge_memsz),
		T(test_refuse_aout),
		T(test_refuse_no_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
