// sources: boot/mb2.c arch/x86/pmm.c
/*
 * Fuzzes boot/mb2.c: the input is the Multiboot2 information itself. Every
 * accepted input must decode into outputs that keep the parser's promises
 * (strings terminated inside the information, no wrapping regions, counts
 * within their arrays); the memory map is then fed to the page allocator
 * the way mm_init does, and its accounting is checked.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/x86/pmm.h"
#include "boot/bootinfo.h"
#include "compiler.h"
#include "errno.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define FUZZ_NPAGES (16384 + 37) /* 64 MiB and a partial bitmap word */

/* True if [p, p + len) lies inside [base, base + size). */
static bool within(const void *p, size_t len, const u8 *base, size_t size)
{
	const u8 *q = p;

	return q >= base && q <= base + size && len <= (size_t)(base + size - q);
}

/* A decoded string is read whole (ASan checks it) and must end inside the
 * information. */
static void check_string(const char *s, const u8 *info, size_t size)
{
	if (s)
		CHECK(within(s, strlen(s) + 1, info, size));
}

static void check_regions(const struct boot_info *bi)
{
	CHECK(bi->mem_count <= BOOT_MAX_MEM_REGIONS);
	CHECK(!bi->mem_truncated || bi->mem_count == BOOT_MAX_MEM_REGIONS);
	for (unsigned i = 0; i < bi->mem_count; i++) {
		const struct mem_region *r = &bi->mem[i];

		CHECK(r->length != 0);
		CHECK(r->base + r->length > r->base);
		CHECK(strlen(mem_type_name(r->type)) > 0);
	}
}

static void check_modules(const struct boot_info *bi, const u8 *info)
{
	CHECK(bi->module_count <= BOOT_MAX_MODULES);
	CHECK(!bi->modules_truncated || bi->module_count == BOOT_MAX_MODULES);
	for (unsigned i = 0; i < bi->module_count; i++) {
		CHECK(bi->modules[i].end >= bi->modules[i].start);
		CHECK(bi->modules[i].cmdline != NULL);
		check_string(bi->modules[i].cmdline, info, bi->info_size);
	}
}

static void check_rsdp(const struct boot_info *bi, const u8 *info)
{
	u8 sum = 0;

	if (!bi->acpi_rsdp) {
		CHECK(bi->acpi_rsdp_version == 0);
		return;
	}
	CHECK(bi->acpi_rsdp_version == 1 || bi->acpi_rsdp_version == 2);
	CHECK(bi->acpi_rsdp_size >= (bi->acpi_rsdp_version == 2 ? 36u : 20u));
	CHECK(within(bi->acpi_rsdp, bi->acpi_rsdp_size, info, bi->info_size));
	for (u32 i = 0; i < bi->acpi_rsdp_size; i++)
		sum += ((const u8 *)bi->acpi_rsdp)[i];
	(void)sum;
}

/* Free frames counted straight from the bitmap, bits past npages included
 * (they must never be set). */
static u64 bitmap_popcount(const u64 *bitmap, u64 npages)
{
	u64 n = 0;

	for (u64 i = 0; i < pmm_bitmap_bytes(npages) / 8; i++)
		n += (u64)__builtin_popcountll(bitmap[i]);
	return n;
}

/* Feeds the memory map to the page allocator as mm_init does (usable
 * regions free, the rest reserved over them), then allocates and frees. */
static void exercise_pmm(const struct boot_info *bi)
{
	static u64 bitmap[(FUZZ_NPAGES + 63) / 64];
	struct pmm p;
	u64 a;

	pmm_init(&p, bitmap, FUZZ_NPAGES);
	for (unsigned i = 0; i < bi->mem_count; i++)
		if (bi->mem[i].type == MEM_USABLE)
			pmm_add_free(&p, bi->mem[i].base, bi->mem[i].length);
	for (unsigned i = 0; i < bi->mem_count; i++)
		if (bi->mem[i].type != MEM_USABLE)
			pmm_reserve(&p, bi->mem[i].base, bi->mem[i].length);
	for (unsigned i = 0; i < bi->module_count; i++)
		pmm_reserve(&p, bi->modules[i].start, bi->modules[i].end - bi->modules[i].start);
	CHECK(p.free_pages == bitmap_popcount(bitmap, FUZZ_NPAGES));
	for (unsigned i = 0; i < bi->mem_count; i++) /* nothing reserved is free */
		if (bi->mem[i].type != MEM_USABLE && bi->mem[i].base < FUZZ_NPAGES * PAGE_SIZE)
			CHECK(!pmm_is_free(&p, bi->mem[i].base));
	if (pmm_alloc(&p, 1 + bi->mem_count % 8, 1ULL << (bi->module_count % 5), &a) == 0) {
		CHECK(a % ((1ULL << (bi->module_count % 5)) * PAGE_SIZE) == 0);
		CHECK(!pmm_is_free(&p, a));
		CHECK(pmm_free(&p, a, 1 + bi->mem_count % 8) == 0);
		CHECK(pmm_free(&p, a, 1) == -EINVAL);
	}
	CHECK(p.free_pages == bitmap_popcount(bitmap, FUZZ_NPAGES));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct boot_info bi;
	const char *why = "unset";
	int err = mb2_parse(data, size, 0x10000, &bi, &why);

	if (err) {
		CHECK(err == -EINVAL && why && *why);
		return 0;
	}
	CHECK(why == NULL);
	CHECK(bi.info_size >= 16 && bi.info_size <= size);
	check_string(bi.cmdline, data, bi.info_size);
	check_string(bi.loader_name, data, bi.info_size);
	check_regions(&bi);
	check_modules(&bi, data);
	check_rsdp(&bi, data);
	for (u32 t = 0; t < 32; t++)
		if (bi.tags_seen & (1u << t))
			CHECK(strlen(mb2_tag_name(t)) > 0);
	exercise_pmm(&bi);
	return 0;
}
