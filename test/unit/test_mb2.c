// sources: boot/mb2.c
/*
 * boot/mb2.c over synthetic Multiboot2 information: every tag it decodes,
 * and every malformation it must refuse. The parser always reads a heap copy
 * of exactly the bytes it is given, so ASan sees any read past them.
 */
#include "helpers.h"

#include <stdlib.h>

#include "boot/bootinfo.h"
#include "errno.h"
#include "mb2_builder.h"

#define INFO_CAP 8192
#define INFO_PHYS 0x10000ULL

static u8 info[INFO_CAP] __aligned(8);
static u8 *heap_copy; /* what the parser last read; freed by teardown */
static struct boot_info bi;

static int teardown(void **state)
{
	free(heap_copy);
	heap_copy = NULL;
	return 0;
}

/* Runs mb2_parse over a heap copy of info's first avail bytes. */
static int parse_avail(size_t avail, const char **why)
{
	free(heap_copy);
	heap_copy = malloc(avail ? avail : 1);
	assert_non_null(heap_copy);
	memcpy(heap_copy, info, avail);
	return mb2_parse(heap_copy, avail, INFO_PHYS, &bi, why);
}

/* Parses what b built, with exactly total_size bytes available. */
static int parse_built(struct mb2_builder *b, const char **why)
{
	return parse_avail(b->len, why);
}

/* Parses avail bytes of info and expects -EINVAL with a reason containing
 * the given words. */
static void expect_invalid_avail(size_t avail, const char *words)
{
	const char *why = NULL;

	assert_int_equal(parse_avail(avail, &why), -EINVAL);
	assert_non_null(why);
	if (!strstr(why, words))
		fail_msg("reason \"%s\" lacks \"%s\"", why, words);
}

static void expect_invalid(struct mb2_builder *b, const char *words)
{
	expect_invalid_avail(b->len, words);
}

static void set_total_size(u32 total)
{
	memcpy(info, &total, sizeof(total));
}

/* True if p lies within the buffer the parser was given. */
static bool inside_copy(const void *p, size_t len)
{
	const u8 *q = p;

	return q >= heap_copy && q + len <= heap_copy + bi.info_size;
}

static const struct mb2_mmap_entry full_mmap[] = {
	{ 0x0, 0x9FC00, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x9FC00, 0x400, MB2_MEMORY_RESERVED, 0 },
	{ 0x100000, 0x7EE0000, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x7FE0000, 0x20000, MB2_MEMORY_ACPI_RECLAIMABLE, 0 },
	{ 0x8000000, 0, MB2_MEMORY_AVAILABLE, 0 }, /* empty: dropped */
	{ 0xFEC00000, 0x1000, MB2_MEMORY_NVS, 0 },
	{ 0xFF000000, 0x1000, MB2_MEMORY_BADRAM, 0 },
	{ 0x100000000ULL, 0x40000000ULL, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x200000000ULL, 0x1000, 42, 0 }, /* unknown type: kept as given */
	{ 0xFFFFFFFFFFFFE000ULL, 0x1000, MB2_MEMORY_RESERVED, 0 }, /* ends below 2^64 */
};

static const u8 rsdp_v1[20] = "RSD PTR \x11OEMID!\x00\x00\x10\x00\x00";
static const u8 rsdp_v2[36] = "RSD PTR \x22OEMID!\x02\x00\x10\x00\x00\x24";

/* A block with every tag type the parser decodes, plus some it does not. */
static void build_full(struct mb2_builder *b)
{
	struct mb2_tag_basic_meminfo mem = { MB2_TAG_BASIC_MEMINFO, 16, 639, 130048 };
	struct mb2_tag_framebuffer fb = {
		MB2_TAG_FRAMEBUFFER, 32, 0xFD000000ULL, 4096, 1024, 768, 32,
		MB2_FRAMEBUFFER_RGB, 0,
	};
	struct mb2_tag_efi64 efi64 = { MB2_TAG_EFI64, 16, 0x7F9E5018ULL };
	struct mb2_tag_efi32 efi32 = { MB2_TAG_EFI32, 12, 0x7F9E0000 };
	struct mb2_tag_load_base lb = { MB2_TAG_LOAD_BASE_ADDR, 12, 0x200000 };
	struct mb2_tag_efi_mmap em = { MB2_TAG_EFI_MMAP, 16 + 3 * 48, 48, 1 };
	u8 *tag;

	mb2b_init(b, info, sizeof(info));
	mb2b_string(b, MB2_TAG_CMDLINE, "log=debug selftest=off");
	mb2b_string(b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
	mb2b_module(b, 0x1000000, 0x1200000, "guest.bin root=/dev/vda");
	mb2b_module(b, 0x1200000, 0x1200000, "");
	mb2b_struct(b, &mem, sizeof(mem));
	mb2b_tag(b, MB2_TAG_BOOTDEV, 20); /* known, not decoded */
	mb2b_mmap(b, full_mmap, ARRAY_SIZE(full_mmap), sizeof(struct mb2_mmap_entry));
	tag = mb2b_tag(b, MB2_TAG_FRAMEBUFFER, 38); /* RGB fields follow */
	memcpy(tag, &fb, sizeof(fb));
	put32(tag + 4, 38);
	mb2b_struct(b, &efi64, sizeof(efi64));
	mb2b_struct(b, &efi32, sizeof(efi32));
	mb2b_acpi(b, MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	mb2b_acpi(b, MB2_TAG_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	mb2b_tag(b, 99, 24); /* beyond the specification */
	mb2b_tag(b, 0xFFFFFFFF, 8);
	tag = mb2b_tag(b, MB2_TAG_EFI_MMAP, em.size);
	memcpy(tag, &em, sizeof(em));
	mb2b_tag(b, MB2_TAG_EFI_BS, 8);
	mb2b_struct(b, &lb, sizeof(lb));
	mb2b_finish(b);
}

static void test_full_information(void **state)
{
	struct mb2_builder b;
	const char *why = "unset";

	build_full(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_null(why);

	assert_true(bi.info_phys == INFO_PHYS);
	assert_int_equal(bi.info_size, b.len);
	assert_string_equal(bi.cmdline, "log=debug selftest=off");
	assert_true(inside_copy(bi.cmdline, strlen(bi.cmdline) + 1));
	assert_string_equal(bi.loader_name, "GRUB 2.06");
	assert_true(inside_copy(bi.loader_name, strlen(bi.loader_name) + 1));

	assert_int_equal(bi.module_count, 2);
	assert_false(bi.modules_truncated);
	assert_true(bi.modules[0].start == 0x1000000 && bi.modules[0].end == 0x1200000);
	assert_string_equal(bi.modules[0].cmdline, "guest.bin root=/dev/vda");
	assert_true(inside_copy(bi.modules[0].cmdline, 24));
	assert_true(bi.modules[1].start == 0x1200000 && bi.modules[1].end == 0x1200000);
	assert_string_equal(bi.modules[1].cmdline, "");

	assert_true(bi.has_basic_meminfo);
	assert_int_equal(bi.mem_lower_kib, 639);
	assert_int_equal(bi.mem_upper_kib, 130048);

	assert_int_equal(bi.mem_count, ARRAY_SIZE(full_mmap) - 1);
	assert_false(bi.mem_truncated);
	for (unsigned i = 0, j = 0; i < ARRAY_SIZE(full_mmap); i++) {
		if (!full_mmap[i].length)
			continue;
		assert_true(bi.mem[j].base == full_mmap[i].base_addr);
		assert_true(bi.mem[j].length == full_mmap[i].length);
		assert_int_equal(bi.mem[j].type, full_mmap[i].type);
		j++;
	}

	assert_true(bi.framebuffer.present);
	assert_true(bi.framebuffer.addr == 0xFD000000ULL);
	assert_int_equal(bi.framebuffer.pitch, 4096);
	assert_int_equal(bi.framebuffer.width, 1024);
	assert_int_equal(bi.framebuffer.height, 768);
	assert_int_equal(bi.framebuffer.bpp, 32);
	assert_int_equal(bi.framebuffer.type, MB2_FRAMEBUFFER_RGB);

	assert_true(bi.has_efi64);
	assert_true(bi.efi64_system_table == 0x7F9E5018ULL);
	assert_true(bi.has_efi32);
	assert_int_equal(bi.efi32_system_table, 0x7F9E0000);
	assert_true(bi.has_efi_mmap);
	assert_int_equal(bi.efi_mmap_entries, 3);
	assert_true(bi.efi_boot_services_active);
	assert_true(bi.has_load_base);
	assert_int_equal(bi.load_base, 0x200000);

	/* The ACPI 2.0 copy wins, and it points into the information. */
	assert_int_equal(bi.acpi_rsdp_version, 2);
	assert_int_equal(bi.acpi_rsdp_size, 36);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v2, 36);
	assert_true(inside_copy(bi.acpi_rsdp, 36));

	assert_int_equal(bi.unknown_tags, 2);
	assert_int_equal(bi.tags_seen,
			 1u << MB2_TAG_CMDLINE | 1u << MB2_TAG_BOOTLOADER_NAME |
				 1u << MB2_TAG_MODULE | 1u << MB2_TAG_BASIC_MEMINFO |
				 1u << MB2_TAG_BOOTDEV | 1u << MB2_TAG_MMAP |
				 1u << MB2_TAG_FRAMEBUFFER | 1u << MB2_TAG_EFI64 |
				 1u << MB2_TAG_EFI32 | 1u << MB2_TAG_ACPI_OLD |
				 1u << MB2_TAG_ACPI_NEW | 1u << MB2_TAG_EFI_MMAP |
				 1u << MB2_TAG_EFI_BS | 1u << MB2_TAG_LOAD_BASE_ADDR);
}

/* Only the header and the end tag: valid and empty. */
static void test_minimal(void **state)
{
	struct mb2_builder b;
	const char *why;

	mb2b_init(&b, info, sizeof(info));
	assert_int_equal(mb2b_finish(&b), 16);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_null(bi.cmdline);
	assert_null(bi.loader_name);
	assert_null(bi.acpi_rsdp);
	assert_int_equal(bi.mem_count, 0);
	assert_int_equal(bi.module_count, 0);
	assert_int_equal(bi.tags_seen, 0);
	assert_false(bi.framebuffer.present);
}

/* Without the ACPI 2.0 tag the 1.0 one is used; a 1.0 tag after the 2.0
 * one does not replace it. */
static void test_acpi_rsdp_choice(void **state)
{
	struct mb2_builder b;
	const char *why;

	mb2b_init(&b, info, sizeof(info));
	mb2b_acpi(&b, MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_int_equal(bi.acpi_rsdp_version, 1);
	assert_int_equal(bi.acpi_rsdp_size, 20);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v1, 20);

	mb2b_init(&b, info, sizeof(info));
	mb2b_acpi(&b, MB2_TAG_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	mb2b_acpi(&b, MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_int_equal(bi.acpi_rsdp_version, 2);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v2, 36);
}

/* Bytes after total_size, and tags after the end tag, are not read. */
static void test_stops_at_end_tag_and_total_size(void **state)
{
	struct mb2_builder b;
	const char *why;

	mb2b_init(&b, info, sizeof(info));
	mb2b_string(&b, MB2_TAG_CMDLINE, "first");
	mb2b_tag(&b, MB2_TAG_END, 8);
	mb2b_string(&b, MB2_TAG_BOOTLOADER_NAME, "after end");
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_string_equal(bi.cmdline, "first");
	assert_null(bi.loader_name);

	mb2b_init(&b, info, sizeof(info));
	mb2b_finish(&b);
	memset(info + 16, 0xEE, 64); /* garbage past total_size */
	assert_int_equal(parse_avail(80, &why), 0);
	assert_int_equal(bi.info_size, 16);
}

/* Tags of odd sizes are followed by padding to the next 8-byte boundary. */
static void test_tag_alignment(void **state)
{
	struct mb2_builder b;
	const char *why;

	mb2b_init(&b, info, sizeof(info));
	mb2b_string(&b, MB2_TAG_CMDLINE, "abcd");    /* size 13 */
	mb2b_string(&b, MB2_TAG_BOOTLOADER_NAME, "x"); /* size 10 */
	mb2b_module(&b, 1, 2, "m");                   /* size 18 */
	mb2b_finish(&b);
	assert_int_equal(b.len, 8 + 16 + 16 + 24 + 8);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_string_equal(bi.cmdline, "abcd");
	assert_string_equal(bi.loader_name, "x");
	assert_string_equal(bi.modules[0].cmdline, "m");
}

static void test_why_may_be_null(void **state)
{
	struct mb2_builder b;

	mb2b_init(&b, info, sizeof(info));
	mb2b_finish(&b);
	set_total_size(4);
	assert_int_equal(parse_built(&b, NULL), -EINVAL);
}

/* --- malformed information ----------------------------------------------- */

static void test_too_short_for_header(void **state)
{

	memset(info, 0, 16);
	set_total_size(16);
	expect_invalid_avail(15, "shorter than its header");
	expect_invalid_avail(0, "shorter than its header");
}

static void test_total_size_out_of_range(void **state)
{
	struct mb2_builder b;

	mb2b_init(&b, info, sizeof(info));
	mb2b_string(&b, MB2_TAG_CMDLINE, "x");
	mb2b_finish(&b);
	set_total_size((u32)b.len + 8); /* larger than what is available */
	expect_invalid(&b, "total_size is out of range");
	set_total_size(15); /* cannot hold the header and an end tag */
	expect_invalid(&b, "total_size is out of range");
	set_total_size(0xFFFFFFFF);
	expect_invalid(&b, "total_size is out of range");
}

static void test_tag_size_below_header(void **state)
{
	struct mb2_builder b;
	u8 *tag;

	for (u32 size = 0; size < 8; size++) {
		mb2b_init(&b, info, sizeof(info));
		tag = mb2b_tag(&b, 99, 8);
		mb2b_finish(&b);
		put32(tag + 4, size);
		expect_invalid(&b, "size runs past the end");
	}
}

static void test_tag_runs_past_end(void **state)
{
	struct mb2_builder b;
	u8 *tag;

	mb2b_init(&b, info, sizeof(info));
	tag = mb2b_string(&b, MB2_TAG_CMDLINE, "abc");
	mb2b_finish(&b);
	put32(tag + 4, (u32)b.len - 8 + 1); /* one byte more than remains */
	expect_invalid(&b, "size runs past the end");
	put32(tag + 4, 0xFFFFFFF8);
	expect_invalid(&b, "size runs past the end");
}

static void test_missing_end_tag(void **state)
{
	struct mb2_builder b;

	mb2b_init(&b, info, sizeof(info));
	mb2b_string(&b, MB2_TAG_CMDLINE, "no end");
	set_total_size((u32)b.len);
	expect_invalid(&b, "no end tag");

	/* A final partial tag header is not an end tag either. */
	mb2b_init(&b, info, sizeof(info));
	mb2b_string(&b, MB2_TAG_CMDLINE, "x");
	b.len += 4;
	set_total_size((u32)b.len);
	expect_invalid(&b, "no end tag");
}

static void test_unterminated_strings(void **state)
{
	static const u32 types[] = { MB2_TAG_CMDLINE, MB2_TAG_BOOTLOADER_NAME };
	struct mb2_builder b;
	u8 *tag;

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		mb2b_init(&b, info, sizeof(info));
		tag = mb2b_string(&b, types[i], "abcdefg"); /* size 16, NUL at 15 */
		mb2b_finish(&b);
		tag[15] = 'h';
		expect_invalid(&b, "string tag is not terminated");

		/* A tag with no room for a string at all. */
		mb2b_init(&b, info, sizeof(info));
		mb2b_tag(&b, types[i], 8);
		mb2b_finish(&b);
		expect_invalid(&b, "string tag is not terminated");
	}
}

/* The NUL must lie inside the tag, not in its padding. */
static void test_string_nul_in_padding(void **state)
{
	struct mb2_builder b;
	u8 *tag;

	mb2b_init(&b, info, sizeof(info));
	tag = mb2b_string(&b, MB2_TAG_CMDLINE, "abcd"); /* size 13, room 16 */
	mb2b_finish(&b);
	tag[12] = 'e'; /* padding bytes 13..15 stay 0 */
	expect_invalid(&b, "not terminated");
}

static void test_mmap_bad_entry_size(void **state)
{
	static const u32 sizes[] = { 0, 8, 16, 20, 23, 28, 25, 31, 44 };
	struct mb2_builder b;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		mb2b_init(&b, info, sizeof(info));
		mb2b_mmap(&b, full_mmap, 2, sizes[i]);
		mb2b_finish(&b);
		expect_invalid(&b, "entry size is invalid");
	}
}

/* Entries larger than 24 bytes (later versions) are stepped over whole. */
static void test_mmap_larger_entries(void **state)
{
	struct mb2_builder b;
	const char *why;
	u8 *tag;

	mb2b_init(&b, info, sizeof(info));
	tag = mb2b_mmap(&b, full_mmap, 4, 32);
	memset(tag + 16 + 24, 0xAB, 8); /* extension bytes of entry 0 */
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_int_equal(bi.mem_count, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_true(bi.mem[i].base == full_mmap[i].base_addr);
		assert_true(bi.mem[i].length == full_mmap[i].length);
		assert_int_equal(bi.mem[i].type, full_mmap[i].type);
	}
}

/* A trailing partial entry is ignored; a tag shorter than its header is
 * refused. */
static void test_mmap_partial_and_short(void **state)
{
	struct mb2_builder b;
	const char *why;
	u8 *tag;

	mb2b_init(&b, info, sizeof(info));
	tag = mb2b_mmap(&b, full_mmap, 3, 24);
	put32(tag + 4, 16 + 2 * 24 + 20);
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_int_equal(bi.mem_count, 2);

	mb2b_init(&b, info, sizeof(info));
	tag = mb2b_tag(&b, MB2_TAG_MMAP, 12);
	put32(tag + 8, 24);
	mb2b_finish(&b);
	expect_invalid(&b, "shorter than its header");
}

/* An entry size near 2^32 must not wrap the offset arithmetic and read an
 * entry past the tag (ASan checks the read). */
static void test_mmap_huge_entry_size(void **state)
{
	static const u32 sizes[] = { 0xFFFFFFF8, 0xFFFFFFF0, 0x80000000 };
	struct mb2_builder b;
	const char *why;
	u8 *tag;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		mb2b_init(&b, info, sizeof(info));
		tag = mb2b_tag(&b, MB2_TAG_MMAP, 16);
		put32(tag + 8, sizes[i]);
		mb2b_finish(&b);
		assert_int_equal(parse_built(&b, &why), 0);
		assert_int_equal(bi.mem_count, 0);
	}
}

static void test_mmap_region_wraps(void **state)
{
	static const struct mb2_mmap_entry wrap[] = {
		{ 0x100000, 0x1000, MB2_MEMORY_AVAILABLE, 0 },
		{ 0xFFFFFFFFFFFFF000ULL, 0x1000, MB2_MEMORY_RESERVED, 0 }, /* ends at 2^64 */
	};
	static const struct mb2_mmap_entry wrap2[] = {
		{ 0x8000000000000000ULL, 0x8000000000000001ULL, MB2_MEMORY_AVAILABLE, 0 },
	};
	struct mb2_builder b;

	mb2b_init(&b, info, sizeof(info));
	mb2b_mmap(&b, wrap, ARRAY_SIZE(wrap), 24);
	mb2b_finish(&b);
	expect_invalid(&b, "wraps around");

	mb2b_init(&b, info, sizeof(info));
	mb2b_mmap(&b, wrap2, ARRAY_SIZE(wrap2), 24);
	mb2b_finish(&b);
	expect_invalid(&b, "wraps around");
}

static void test_mmap_too_many_regions(void **state)
{
	static struct mb2_mmap_entry many[BOOT_MAX_MEM_REGIONS + 3];
	struct mb2_builder b;
	const char *why;

	for (unsigned i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct mb2_mmap_entry){ (u64)i << 20, 0x1000, 1 + i % 5, 0 };
	mb2b_init(&b, info, sizeof(info));
	mb2b_mmap(&b, many, BOOT_MAX_MEM_REGIONS, 24);
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_int_equal(bi.mem_count, BOOT_MAX_MEM_REGIONS);
	assert_false(bi.mem_truncated);

	mb2b_init(&b, info, sizeof(info));
	mb2b_mmap(&b, many, ARRAY_SIZE(many), 24);
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_int_equal(bi.mem_count, BOOT_MAX_MEM_REGIONS);
	assert_true(bi.mem_truncated);
	assert_true(bi.mem[BOOT_MAX_MEM_REGIONS - 1].base ==
		    (u64)(BOOT_MAX_MEM_REGIONS - 1) << 20);
}

static void test_module_end_before_start(void **state)
{
	struct mb2_builder b;

	mb2b_init(&b, info, sizeof(info));
	mb2b_module(&b, 0x2000, 0x1FFF, "backwards");
	mb2b_finish(&b);
	expect_invalid(&b, "ends before it starts");
}

static void test_module_malformed(void **state)
{
	struct mb2_builder b;
	u8 *tag;

	mb2b_init(&b, info, sizeof(info));
	tag = mb2b_module(&b, 0x1000, 0x2000, "abc"); /* size 20 */
	mb2b_finish(&b);
	tag[19] = 'd';
	expect_invalid(&b, "module string is not terminated");

	mb2b_init(&b, info, sizeof(info));
	mb2b_tag(&b, MB2_TAG_MODULE, 16); /* no room for the string */
	mb2b_finish(&b);
	expect_invalid(&b, "module tag too short");
}

static void test_too_many_modules(void **state)
{
	struct mb2_builder b;
	const char *why;
	char name[16];

	mb2b_init(&b, info, sizeof(info));
	for (unsigned i = 0; i < BOOT_MAX_MODULES + 2; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		mb2b_module(&b, i * 0x1000, i * 0x1000 + 0x800, name);
	}
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_int_equal(bi.module_count, BOOT_MAX_MODULES);
	assert_true(bi.modules_truncated);
	assert_string_equal(bi.modules[BOOT_MAX_MODULES - 1].cmdline, "mod15");
	assert_true(bi.modules[15].start == 15 * 0x1000 && bi.modules[15].end == 15 * 0x1000 + 0x800);
}

/* Fixed-layout tags shorter than their layout are refused. */
static void test_fixed_tags_too_short(void **state)
{
	static const struct {
		u32 type, size;
	} cases[] = {
		{ MB2_TAG_BASIC_MEMINFO, 15 }, { MB2_TAG_EFI64, 12 },
		{ MB2_TAG_EFI32, 11 },        { MB2_TAG_EFI_MMAP, 15 },
		{ MB2_TAG_LOAD_BASE_ADDR, 8 }, { MB2_TAG_ACPI_OLD, 27 },
		{ MB2_TAG_ACPI_NEW, 43 },
	};
	struct mb2_builder b;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		mb2b_init(&b, info, sizeof(info));
		mb2b_tag(&b, cases[i].type, cases[i].size);
		mb2b_finish(&b);
		expect_invalid(&b, "shorter than its type requires");
	}
	mb2b_init(&b, info, sizeof(info));
	mb2b_tag(&b, MB2_TAG_FRAMEBUFFER, 31);
	mb2b_finish(&b);
	expect_invalid(&b, "framebuffer tag too short");
}

/* An EFI memory map with descriptor size 0 has no countable entries. */
static void test_efi_mmap_zero_descriptor_size(void **state)
{
	struct mb2_builder b;
	const char *why;

	mb2b_init(&b, info, sizeof(info));
	mb2b_tag(&b, MB2_TAG_EFI_MMAP, 64);
	mb2b_finish(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	assert_true(bi.has_efi_mmap);
	assert_int_equal(bi.efi_mmap_entries, 0);
}

/* The output is reset: nothing of an earlier parse survives a failure. */
static void test_output_reset(void **state)
{
	struct mb2_builder b;
	const char *why;

	build_full(&b);
	assert_int_equal(parse_built(&b, &why), 0);
	set_total_size(4);
	assert_int_equal(parse_built(&b, &why), -EINVAL);
	assert_null(bi.cmdline);
	assert_int_equal(bi.mem_count, 0);
	assert_int_equal(bi.module_count, 0);
}

static void test_names(void **state)
{
	assert_string_equal(mb2_tag_name(MB2_TAG_END), "end");
	assert_string_equal(mb2_tag_name(MB2_TAG_CMDLINE), "command line");
	assert_string_equal(mb2_tag_name(MB2_TAG_LOAD_BASE_ADDR), "image load base address");
	assert_string_equal(mb2_tag_name(MB2_TAG_TYPE_MAX + 1), "unknown");
	assert_string_equal(mb2_tag_name(0xFFFFFFFF), "unknown");
	assert_string_equal(mem_type_name(MEM_USABLE), "usable");
	assert_string_equal(mem_type_name(MEM_ACPI_NVS), "ACPI NVS");
	assert_string_equal(mem_type_name(MEM_BAD), "bad");
	assert_string_equal(mem_type_name(0), "unknown");
	assert_string_equal(mem_type_name(6), "unknown");
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_full_information),
		T(test_minimal),
		T(test_acpi_rsdp_choice),
		T(test_stops_at_end_tag_and_total_size),
		T(test_tag_alignment),
		T(test_why_may_be_null),
		T(test_too_short_for_header),
		T(test_total_size_out_of_range),
		T(test_tag_size_below_header),
		T(test_tag_runs_past_end),
		T(test_missing_end_tag),
		T(test_unterminated_strings),
		T(test_string_nul_in_padding),
		T(test_mmap_bad_entry_size),
		T(test_mmap_larger_entries),
		T(test_mmap_partial_and_short),
		T(test_mmap_huge_entry_size),
		T(test_mmap_region_wraps),
		T(test_mmap_too_many_regions),
		T(test_module_end_before_start),
		T(test_module_malformed),
		T(test_too_many_modules),
		T(test_fixed_tags_too_short),
		T(test_efi_mmap_zero_descriptor_size),
		T(test_output_reset),
		T(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
