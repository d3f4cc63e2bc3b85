// sources: boot/efi/image.c
/*
 * boot/efi/image.c: which files understudy.efi agrees to start, where their
 * segments go, and every refusal (not ELF64 x86-64, no Multiboot2 header,
 * required header tags the loader does not honour, broken layouts). The
 * checker reads a heap copy of exactly the file, so ASan sees any read
 * past it.
 */
#include "helpers.h"

#include <stdlib.h>

#include "boot/efi/image.h"
#include "efi_image_builder.h"
#include "errno.h"

static u8 img[IMG_SIZE];
static struct efi_image out;
static const char *why;

static int check_size(size_t size)
{
	u8 *copy = malloc(size ? size : 1);
	int err;

	memcpy(copy, img, size);
	why = NULL;
	err = efi_image_check(copy, size, &out, &why);
	free(copy);
	return err;
}

static int check(void)
{
	return check_size(sizeof(img));
}

static void expect(int want, const char *why_part)
{
	assert_int_equal(check(), want);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}

static int setup(void **state)
{
	img_build(img);
	return 0;
}

static void test_accepts_understudy_shape(void **state)
{
	assert_int_equal(check(), 0);
	assert_true(out.entry == IMG_ENTRY);
	assert_int_equal(out.seg_count, 2);
	assert_true(out.seg[0].file_off == IMG_MB2_OFF);
	assert_true(out.seg[0].paddr == IMG_SEG0_PADDR);
	assert_true(out.seg[0].file_size == IMG_SEG0_FILESZ);
	assert_true(out.seg[0].mem_size == IMG_SEG0_MEMSZ);
	assert_true(out.seg[1].paddr == IMG_SEG1_PADDR);
	assert_true(out.base == IMG_SEG0_PADDR);
	assert_true(out.end == IMG_SEG1_PADDR + 0x1000); /* page-aligned up */
}

static void test_not_elf64_x86(void **state)
{
	assert_int_equal(check_size(63), -ENOEXEC);
	img[1] = 'X';
	expect(-ENOEXEC, "not an ELF file");
	img_build(img);
	img[ELF_OFF_CLASS] = 1; /* ELF32, like a Multiboot v1 guest */
	expect(-ENOEXEC, "ELF64 file for x86-64");
	img_build(img);
	img_put16(img + ELF_OFF_MACHINE, 3); /* EM_386 */
	expect(-ENOEXEC, "ELF64 file for x86-64");
	img_build(img);
	img_put16(img + ELF_OFF_TYPE, 3); /* ET_DYN */
	expect(-ENOEXEC, "not an ELF executable");
}

static void test_program_headers(void **state)
{
	img_put16(img + ELF_OFF_PHNUM, 0);
	expect(-ENOEXEC, "program headers");
	img_build(img);
	img_put16(img + ELF_OFF_PHENTSIZE, 32);
	expect(-ENOEXEC, "program headers");
	img_build(img);
	img_put64(img + ELF_OFF_PHOFF, IMG_SIZE - 100);
	expect(-ENOEXEC, "program headers");
	img_build(img);
	img_put64(img + ELF_OFF_PHOFF, ~0ULL - 10); /* offset + size wraps */
	expect(-ENOEXEC, "program headers");
}

static void test_segments(void **state)
{
	img_put64(img_phdr(img, 1) + PH_OFF_FILESZ, IMG_SEG1_SIZE + 1);
	expect(-ENOEXEC, "file size exceeds its memory size");
	img_build(img);
	img_put64(img_phdr(img, 1) + PH_OFF_OFFSET, IMG_SIZE - 0x100);
	expect(-ENOEXEC, "outside the file");
	img_build(img);
	img_put64(img_phdr(img, 1) + PH_OFF_PADDR, 0xFFFFF800ULL + 1);
	expect(-ENOEXEC, "above 4 GiB");
	img_build(img);
	img_put64(img_phdr(img, 1) + PH_OFF_PADDR, 0xFFFFF800ULL); /* ends at 4 GiB exactly */
	assert_int_equal(check(), 0);
	assert_true(out.end == EFI_IMAGE_LIMIT);
	img_build(img);
	img_put64(img + ELF_OFF_ENTRY, IMG_SEG0_PADDR + IMG_SEG0_MEMSZ);
	expect(-ENOEXEC, "entry point");
	img_put64(img + ELF_OFF_ENTRY, IMG_SEG0_PADDR + IMG_SEG0_MEMSZ - 1); /* in the bss */
	assert_int_equal(check(), 0);
}

/* Segments that are not PT_LOAD or empty are skipped; more than eight
 * loadable ones are refused. */
static void test_segment_count(void **state)
{
	img_put32(img_phdr(img, 1) + PH_OFF_TYPE, 4); /* PT_NOTE */
	assert_int_equal(check(), 0);
	assert_int_equal(out.seg_count, 1);
	assert_true(out.end == IMG_SEG0_PADDR + 0x2000);
	img_build(img);
	img_put16(img + ELF_OFF_PHNUM, 9);
	for (unsigned i = 2; i < 9; i++)
		img_segment(img, i, IMG_SEG1_OFF, IMG_SEG1_PADDR + i * 0x1000, 0x10, 0x10);
	expect(-ENOEXEC, "more than 8");
	img_segment(img, 8, 0, 0x300000, 0, 0);
	assert_int_equal(check(), 0);
	assert_int_equal(out.seg_count, 8);
}

static void test_multiboot2_header(void **state)
{
	memset(img + IMG_MB2_OFF, 0, 64);
	expect(-ENOEXEC, "no valid Multiboot2 header");
	img_mb2_header(img, IMG_MB2_OFF + 4, MB2_ARCH_I386, img_default_tags,
		       sizeof(img_default_tags)); /* not 8-aligned */
	expect(-ENOEXEC, "no valid Multiboot2 header");
	img_build(img);
	img_put32(img + IMG_MB2_OFF + 12, 0); /* checksum */
	expect(-ENOEXEC, "no valid Multiboot2 header");
	img_build(img);
	img_mb2_header(img, IMG_MB2_OFF, 4 /* MIPS */, img_default_tags, sizeof(img_default_tags));
	expect(-ENOEXEC, "not for 32-bit i386");
	img_build(img);
	memset(img + IMG_MB2_OFF, 0, 64);
	img_mb2_header(img, 0x2000, MB2_ARCH_I386, img_default_tags, sizeof(img_default_tags));
	assert_int_equal(check(), 0); /* anywhere in the first 32 KiB */
}

static void test_header_tags(void **state)
{
	u8 tags[32] = { 0 };

	/* a tag that claims to run past the header */
	img_put16(tags, 6);
	img_put32(tags + 4, 64);
	img_mb2_header(img, IMG_MB2_OFF, MB2_ARCH_I386, tags, 8);
	expect(-ENOEXEC, "runs past the header");
	/* no end tag: header_length stops before it */
	img_build(img);
	img_put32(img + IMG_MB2_OFF + 8, 16 + 24);
	img_put32(img + IMG_MB2_OFF + 12, (u32)-(MB2_HEADER_MAGIC + 16 + 24));
	expect(-ENOEXEC, "no end tag");
}

static void header_with_tag(u16 type, u16 flags, const u32 *body, u32 words)
{
	u8 tags[64] = { 0 };
	u32 size = 8 + 4 * words;

	img_put16(tags, type);
	img_put16(tags + 2, flags);
	img_put32(tags + 4, size);
	if (words)
		memcpy(tags + 8, body, 4 * words);
	img_build(img);
	img_mb2_header(img, IMG_MB2_OFF, MB2_ARCH_I386, tags, (size + 7) & ~7u);
}

static void test_required_tags(void **state)
{
	static const u32 addr[4] = { 0x200000, 0x200000, 0, 0 };
	static const u32 entry[1] = { 0x200030 };
	static const u32 given[4] = { MB2_TAG_MMAP, MB2_TAG_MODULE, MB2_TAG_ACPI_NEW,
				      MB2_TAG_EFI64 };
	static const u32 not_given[2] = { MB2_TAG_MMAP, MB2_TAG_SMBIOS };
	static const u32 console_required[1] = { 1 };

	header_with_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, 4);
	expect(-ENOTSUP, "does not honour");
	header_with_tag(MB2_HEADER_TAG_ADDRESS, MB2_HEADER_TAG_OPTIONAL, addr, 4);
	assert_int_equal(check(), 0);
	header_with_tag(MB2_HEADER_TAG_ENTRY, 0, entry, 1);
	expect(-ENOTSUP, "does not honour");
	header_with_tag(MB2_HEADER_TAG_EFI_BS, 0, NULL, 0);
	expect(-ENOTSUP, "does not honour");
	header_with_tag(42, 0, NULL, 0);
	expect(-ENOTSUP, "does not honour");
	header_with_tag(42, MB2_HEADER_TAG_OPTIONAL, NULL, 0);
	assert_int_equal(check(), 0);
	header_with_tag(MB2_HEADER_TAG_INFO_REQUEST, 0, given, 4);
	assert_int_equal(check(), 0);
	header_with_tag(MB2_HEADER_TAG_INFO_REQUEST, 0, not_given, 2);
	expect(-ENOTSUP, "boot information this loader does not give");
	header_with_tag(MB2_HEADER_TAG_INFO_REQUEST, MB2_HEADER_TAG_OPTIONAL, not_given, 2);
	assert_int_equal(check(), 0);
	header_with_tag(MB2_HEADER_TAG_CONSOLE_FLAGS, 0, console_required, 1);
	expect(-ENOTSUP, "text console");
	header_with_tag(MB2_HEADER_TAG_RELOCATABLE, 0, addr, 4);
	assert_int_equal(check(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_accepts_understudy_shape, setup),
		cmocka_unit_test_setup(test_not_elf64_x86, setup),
		cmocka_unit_test_setup(test_program_headers, setup),
		cmocka_unit_test_setup(test_segments, setup),
		cmocka_unit_test_setup(test_segment_count, setup),
		cmocka_unit_test_setup(test_multiboot2_header, setup),
		cmocka_unit_test_setup(test_header_tags, setup),
		cmocka_unit_test_setup(test_required_tags, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
