// sources: boot/efi/mb2_build.c boot/mb2.c
/*
 * boot/efi/mb2_build.c, judged by the hypervisor's own decoder
 * (boot/mb2.c): the information understudy.efi builds from an EFI memory
 * map and the firmware's tables must decode to the same facts, with the
 * map sorted, merged and typed as the hypervisor's allocator needs it.
 */
#include "helpers.h"

#include <stdlib.h>

#include "boot/bootinfo.h"
#include "boot/efi/mb2_build.h"
#include "boot/mb2_spec.h"
#include "errno.h"

#define DESC_SIZE 48 /* OVMF's descriptor stride: larger than the structure */
#define MAX_DESCS 16

struct efi_map {
	u8 bytes[MAX_DESCS * DESC_SIZE];
	unsigned count;
};

static struct efi_map map;
static struct efi_mb2_input in;
static struct boot_info bi;
static u8 rsdp_v1[20] = "RSD PTR \x42";
static u8 rsdp_v2[36] = "RSD PTR \x17";
static const struct efi_mb2_module mods[2] = {
	{ 0xde87000, 0xde8bca4, "guest" },
	{ 0xde84000, 0xde86835, "guest_module notes.txt w" },
};

static void add_desc(u32 type, u64 start, u64 pages)
{
	EFI_MEMORY_DESCRIPTOR d = { .Type = type, .PhysicalStart = start, .NumberOfPages = pages };

	memcpy(map.bytes + map.count++ * DESC_SIZE, &d, sizeof(d));
}

/* An OVMF-like map, out of order, with neighbours of one Multiboot2 type. */
static int setup(void **state)
{
	memset(&map, 0, sizeof(map));
	add_desc(EfiConventionalMemory, 0x2C0000, 0x540);
	add_desc(EfiBootServicesData, 0x100000, 0x100);
	add_desc(EfiConventionalMemory, 0x0, 0xA0);
	add_desc(EfiLoaderData, 0x200000, 0xC0);
	add_desc(EfiConventionalMemory, 0x100000000ULL, 0x40000);
	add_desc(EfiACPIMemoryNVS, 0x800000, 8);
	add_desc(EfiReservedMemoryType, 0x810000, 0x10);
	add_desc(EfiRuntimeServicesData, 0x808000, 8);
	add_desc(EfiLoaderCode, 0xA00000, 0); /* empty: dropped */
	add_desc(EfiACPIReclaimMemory, 0x7F00000, 0x10);
	add_desc(EfiMemoryMappedIO, 0xFFC00000, 0x400);
	add_desc(EfiUnusableMemory, 0x900000, 1);
	rsdp_v2[20] = sizeof(rsdp_v2);
	in = (struct efi_mb2_input){
		.cmdline = "log=info guest_args=\"a b\"",
		.loader_name = "understudy.efi test",
		.modules = mods, .module_count = 2,
		.efi_map = map.bytes, .efi_map_size = map.count * DESC_SIZE,
		.efi_desc_size = DESC_SIZE, .efi_desc_version = 1,
		.rsdp_v1 = rsdp_v1, .rsdp_v2 = rsdp_v2, .rsdp_v2_size = sizeof(rsdp_v2),
		.efi_system_table = 0xf5eb018,
		.has_framebuffer = true,
		.fb = { 0xc0000000, 4096, 1024, 768, 32, 16, 8, 8, 8, 0, 8 },
	};
	return 0;
}

static u8 *held; /* the last build: bi's strings point into it */

/* Builds into a heap buffer of exactly cap bytes (ASan checks the edges)
 * and, when that worked, decodes the result into bi. */
static int build(size_t cap, size_t *used, u8 *copy_out)
{
	u8 *buf;
	const char *why = NULL;
	int err;

	free(held);
	held = buf = malloc(cap ? cap : 1);
	err = efi_mb2_build(&in, buf, cap, used);

	if (!err) {
		assert_true(*used <= cap);
		assert_int_equal(mb2_parse(buf, *used, 0x10000, &bi, &why), 0);
		if (copy_out)
			memcpy(copy_out, buf, *used);
	}
	return err;
}

static void expect_region(unsigned i, u64 base, u64 end, u32 type)
{
	assert_true(bi.mem[i].base == base);
	assert_true(bi.mem[i].base + bi.mem[i].length == end);
	assert_int_equal(bi.mem[i].type, type);
}

static void test_round_trip(void **state)
{
	size_t used;

	assert_int_equal(build(efi_mb2_size(&in), &used, NULL), 0);
	assert_string_equal(bi.cmdline, "log=info guest_args=\"a b\"");
	assert_string_equal(bi.loader_name, "understudy.efi test");
	assert_int_equal(bi.module_count, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(bi.modules[i].start == mods[i].start);
		assert_true(bi.modules[i].end == mods[i].end);
		assert_string_equal(bi.modules[i].cmdline, mods[i].string);
	}
	assert_int_equal(bi.acpi_rsdp_version, 2);
	assert_int_equal(bi.acpi_rsdp_size, sizeof(rsdp_v2));
	assert_memory_equal(bi.acpi_rsdp, rsdp_v2, sizeof(rsdp_v2));
	assert_true(bi.tags_seen & (1u << MB2_TAG_ACPI_OLD));
	assert_true(bi.has_efi64 && bi.efi64_system_table == 0xf5eb018);
	assert_true(bi.has_efi_mmap);
	assert_int_equal(bi.efi_mmap_entries, map.count);
	assert_false(bi.efi_boot_services_active);
	assert_true(bi.framebuffer.present);
	assert_true(bi.framebuffer.addr == 0xc0000000);
	assert_int_equal(bi.framebuffer.pitch, 4096);
	assert_int_equal(bi.framebuffer.width, 1024);
	assert_int_equal(bi.framebuffer.height, 768);
	assert_int_equal(bi.framebuffer.bpp, 32);
	assert_int_equal(bi.framebuffer.type, MB2_FRAMEBUFFER_RGB);
	assert_int_equal(bi.unknown_tags, 0);
}

static void test_memory_map(void **state)
{
	size_t used;

	assert_int_equal(build(efi_mb2_size(&in), &used, NULL), 0);
	assert_int_equal(bi.mem_count, 8);
	expect_region(0, 0x0, 0xA0000, MEM_USABLE);
	expect_region(1, 0x100000, 0x800000, MEM_USABLE); /* boot services, loader, free */
	expect_region(2, 0x800000, 0x808000, MEM_ACPI_NVS);
	expect_region(3, 0x808000, 0x820000, MEM_RESERVED); /* runtime data + reserved */
	expect_region(4, 0x900000, 0x901000, MEM_BAD);
	expect_region(5, 0x7F00000, 0x7F10000, MEM_ACPI_RECLAIMABLE);
	expect_region(6, 0xFFC00000, 0x100000000ULL, MEM_RESERVED);
	expect_region(7, 0x100000000ULL, 0x140000000ULL, MEM_USABLE);
	assert_true(bi.has_basic_meminfo);
	assert_int_equal(bi.mem_lower_kib, 640);
	assert_int_equal(bi.mem_upper_kib, (0x800000 - 0x100000) / 1024);
}

/* Without RSDPs, a framebuffer or a system table their tags are absent. */
static void test_optional_tags(void **state)
{
	size_t used;

	in.rsdp_v1 = in.rsdp_v2 = NULL;
	in.has_framebuffer = false;
	in.efi_system_table = 0;
	in.module_count = 0;
	assert_int_equal(build(efi_mb2_size(&in), &used, NULL), 0);
	assert_null(bi.acpi_rsdp);
	assert_false(bi.framebuffer.present);
	assert_false(bi.has_efi64);
	assert_int_equal(bi.module_count, 0);
	in.rsdp_v1 = rsdp_v1; /* an ACPI 1.0 machine */
	assert_int_equal(build(efi_mb2_size(&in), &used, NULL), 0);
	assert_int_equal(bi.acpi_rsdp_version, 1);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v1, sizeof(rsdp_v1));
}

/* Every buffer too small is refused without a write past it. */
static void test_room(void **state)
{
	size_t need = efi_mb2_size(&in), used = 0, smallest = 0;

	for (size_t cap = 0; cap <= need; cap++) {
		int err = build(cap, &used, NULL);

		assert_true(err == 0 || err == -E2BIG);
		if (!err && !smallest)
			smallest = cap;
	}
	assert_true(smallest > 0 && smallest <= need);
	assert_int_equal(build(need, &used, NULL), 0);
	assert_true(used <= need);
}

static void test_bad_maps(void **state)
{
	size_t used;

	in.efi_desc_size = sizeof(EFI_MEMORY_DESCRIPTOR) - 8;
	assert_int_equal(build(efi_mb2_size(&in), &used, NULL), -EINVAL);
	setup(state);
	add_desc(EfiConventionalMemory, 0xFFFFFFFFFFFFF000ULL, 1); /* ends at 2^64 */
	in.efi_map_size = map.count * DESC_SIZE;
	assert_int_equal(build(efi_mb2_size(&in), &used, NULL), -EINVAL);
	setup(state);
	in.efi_map_size = 0;
	assert_int_equal(build(efi_mb2_size(&in), &used, NULL), 0);
	assert_int_equal(bi.mem_count, 0);
}

static void test_memory_types(void **state)
{
	static const u32 want[] = {
		[EfiReservedMemoryType] = MB2_MEMORY_RESERVED,
		[EfiLoaderCode] = MB2_MEMORY_AVAILABLE,
		[EfiLoaderData] = MB2_MEMORY_AVAILABLE,
		[EfiBootServicesCode] = MB2_MEMORY_AVAILABLE,
		[EfiBootServicesData] = MB2_MEMORY_AVAILABLE,
		[EfiRuntimeServicesCode] = MB2_MEMORY_RESERVED,
		[EfiRuntimeServicesData] = MB2_MEMORY_RESERVED,
		[EfiConventionalMemory] = MB2_MEMORY_AVAILABLE,
		[EfiUnusableMemory] = MB2_MEMORY_BADRAM,
		[EfiACPIReclaimMemory] = MB2_MEMORY_ACPI_RECLAIMABLE,
		[EfiACPIMemoryNVS] = MB2_MEMORY_NVS,
		[EfiMemoryMappedIO] = MB2_MEMORY_RESERVED,
		[EfiMemoryMappedIOPortSpace] = MB2_MEMORY_RESERVED,
		[EfiPalCode] = MB2_MEMORY_RESERVED,
		[EfiMaxMemoryType] = MB2_MEMORY_RESERVED, /* 14: persistent memory */
		[EfiMaxMemoryType + 1] = MB2_MEMORY_RESERVED,
	};

	for (u32 t = 0; t < ARRAY_SIZE(want); t++)
		assert_int_equal(efi_mb2_mem_type(t), want[t]);
	assert_int_equal(efi_mb2_mem_type(0x80000000u), MB2_MEMORY_RESERVED); /* OEM */
}

static void test_gop_formats(void **state)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION mode = {
		.HorizontalResolution = 1280, .VerticalResolution = 800,
		.PixelFormat = PixelBlueGreenRedReserved8BitPerColor, .PixelsPerScanLine = 1280,
	};
	struct efi_mb2_framebuffer fb;

	assert_true(efi_mb2_framebuffer_from_gop(&mode, 0xc0000000, &fb));
	assert_true(fb.addr == 0xc0000000);
	assert_int_equal(fb.width, 1280);
	assert_int_equal(fb.height, 800);
	assert_int_equal(fb.pitch, 5120);
	assert_int_equal(fb.bpp, 32);
	assert_int_equal(fb.red_pos, 16);
	assert_int_equal(fb.blue_pos, 0);
	mode.PixelFormat = PixelRedGreenBlueReserved8BitPerColor;
	assert_true(efi_mb2_framebuffer_from_gop(&mode, 0xc0000000, &fb));
	assert_int_equal(fb.red_pos, 0);
	assert_int_equal(fb.blue_pos, 16);
	mode.PixelFormat = PixelBitMask; /* RGB 5:6:5 */
	mode.PixelInformation = (EFI_PIXEL_BITMASK){ 0xF800, 0x07E0, 0x001F, 0 };
	mode.PixelsPerScanLine = 1300;
	assert_true(efi_mb2_framebuffer_from_gop(&mode, 0xd0000000, &fb));
	assert_int_equal(fb.bpp, 16);
	assert_int_equal(fb.pitch, 2600);
	assert_int_equal(fb.red_pos, 11);
	assert_int_equal(fb.red_size, 5);
	assert_int_equal(fb.green_pos, 5);
	assert_int_equal(fb.green_size, 6);
	assert_int_equal(fb.blue_pos, 0);
	assert_int_equal(fb.blue_size, 5);
	mode.PixelInformation.RedMask = 0xF0F0; /* a mask with a hole */
	assert_false(efi_mb2_framebuffer_from_gop(&mode, 0xd0000000, &fb));
	mode.PixelInformation.RedMask = 0;
	assert_false(efi_mb2_framebuffer_from_gop(&mode, 0xd0000000, &fb));
	mode.PixelFormat = PixelBltOnly;
	assert_false(efi_mb2_framebuffer_from_gop(&mode, 0, &fb));
	mode.PixelFormat = PixelFormatMax;
	assert_false(efi_mb2_framebuffer_from_gop(&mode, 0, &fb));
}

/* The colour fields follow the framebuffer tag's common part (3.6.12). */
static void test_framebuffer_colors(void **state)
{
	static u8 info[4096] __aligned(8);
	size_t used;

	assert_int_equal(build(efi_mb2_size(&in), &used, info), 0);
	for (size_t off = 8; off < used;) {
		struct mb2_tag t;

		memcpy(&t, info + off, sizeof(t));
		if (t.type == MB2_TAG_FRAMEBUFFER) {
			static const u8 rgb[6] = { 16, 8, 8, 8, 0, 8 };

			assert_int_equal(t.size, 38);
			assert_memory_equal(info + off + 32, rgb, sizeof(rgb));
			return;
		}
		off += (t.size + 7) & ~7u;
	}
	fail_msg("no framebuffer tag");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_round_trip, setup),
		cmocka_unit_test_setup(test_memory_map, setup),
		cmocka_unit_test_setup(test_optional_tags, setup),
		cmocka_unit_test_setup(test_room, setup),
		cmocka_unit_test_setup(test_bad_maps, setup),
		cmocka_unit_test(test_memory_types),
		cmocka_unit_test(test_gop_formats),
		cmocka_unit_test_setup(test_framebuffer_colors, setup),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	free(held);
	return failed;
}
