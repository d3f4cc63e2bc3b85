// sources: boot/efi/mb2_build.c boot/mb2.c
/*
 * Fuzzes the boot information understudy.efi builds from a firmware memory
 * map: the input's first two bytes pick the descriptor stride and which
 * optional tags to give, the rest are raw EFI memory descriptors. Whatever
 * the map holds, the build either refuses it (-EINVAL) or yields
 * information the hypervisor's decoder (boot/mb2.c) accepts, with a
 * memory map that is sorted, merged and keeps every available byte.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/bootinfo.h"
#include "boot/efi/mb2_build.h"
#include "boot/mb2_spec.h"
#include "compiler.h"
#include "errno.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define FLAG_FB 0x10
#define FLAG_RSDP1 0x20
#define FLAG_RSDP2 0x40
#define FLAG_ST 0x80

static const struct efi_mb2_module mods[4] = {
	{ 0x1000, 0x2000, "guest" }, { 0x3000, 0x3000, "" },
	{ 0x5000, 0x5001, "guest_module a b" }, { 0xfffff000, 0xfffff000, "replay_log" },
};
static u8 rsdp[36] = "RSD PTR ";

/* Available bytes in the input map, as the builder should count them. */
static unsigned __int128 available_in(const struct efi_mb2_input *in)
{
	unsigned __int128 sum = 0;

	for (u64 i = 0; i < in->efi_map_size / in->efi_desc_size; i++) {
		EFI_MEMORY_DESCRIPTOR d;

		memcpy(&d, (const u8 *)in->efi_map + i * in->efi_desc_size, sizeof(d));
		if (efi_mb2_mem_type(d.Type) == MB2_MEMORY_AVAILABLE)
			sum += (unsigned __int128)d.NumberOfPages << 12;
	}
	return sum;
}

/* The memory-map tag itself (boot/mb2.c keeps only 128 regions). */
static void check_mmap_tag(const u8 *info, u32 total, unsigned __int128 available)
{
	for (u32 off = 8; off + 8 <= total;) {
		struct mb2_tag t;

		memcpy(&t, info + off, sizeof(t));
		if (t.type == MB2_TAG_MMAP) {
			unsigned __int128 sum = 0;
			u32 n = (t.size - 16) / 24;

			for (u32 i = 0; i < n; i++) {
				struct mb2_mmap_entry e, prev;

				memcpy(&e, info + off + 16 + i * 24, sizeof(e));
				CHECK(e.length > 0 && e.base_addr + e.length > e.base_addr);
				if (i) {
					memcpy(&prev, info + off + 16 + (i - 1) * 24, sizeof(prev));
					CHECK(prev.base_addr <= e.base_addr);
					CHECK(prev.type != e.type ||
					      prev.base_addr + prev.length != e.base_addr);
				}
				if (e.type == MB2_MEMORY_AVAILABLE)
					sum += e.length;
			}
			CHECK(sum == available);
			return;
		}
		CHECK(t.size >= 8);
		off += (t.size + 7) & ~7u;
	}
	abort(); /* no memory map */
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct efi_mb2_input in = { .cmdline = "fuzz", .loader_name = "understudy.efi" };
	static struct boot_info bi;
	const char *why;
	size_t cap, used = 0;
	u8 *buf;
	int err;

	if (size < 2)
		return 0;
	in.efi_desc_size = 32 + 8 * (data[0] & 3); /* 32 is too small: refused */
	in.module_count = data[1] & 3;
	in.modules = mods;
	in.efi_map = data + 2;
	in.efi_map_size = size - 2;
	in.rsdp_v1 = data[1] & FLAG_RSDP1 ? rsdp : NULL;
	in.rsdp_v2 = data[1] & FLAG_RSDP2 ? rsdp : NULL;
	in.rsdp_v2_size = sizeof(rsdp);
	in.efi_system_table = data[1] & FLAG_ST ? 0x7f5eb018 : 0;
	in.has_framebuffer = data[1] & FLAG_FB;
	in.fb = (struct efi_mb2_framebuffer){ 0xc0000000, 5120, 1280, 800, 32, 16, 8, 8, 8, 0, 8 };
	cap = efi_mb2_size(&in);
	buf = malloc(cap);
	err = efi_mb2_build(&in, buf, cap, &used);
	if (err) {
		CHECK(err == -EINVAL);
		free(buf);
		return 0;
	}
	CHECK(in.efi_desc_size >= sizeof(EFI_MEMORY_DESCRIPTOR) && used <= cap);
	CHECK(mb2_parse(buf, used, 0x10000, &bi, &why) == 0);
	CHECK(bi.info_size == used && bi.module_count == in.module_count);
	CHECK(bi.has_efi_mmap && bi.efi_mmap_entries == in.efi_map_size / in.efi_desc_size);
	CHECK(bi.framebuffer.present == in.has_framebuffer);
	CHECK(bi.has_efi64 == (in.efi_system_table != 0));
	CHECK((bi.acpi_rsdp != NULL) == (in.rsdp_v1 || in.rsdp_v2));
	check_mmap_tag(buf, (u32)used, available_in(&in));
	free(buf);
	return 0;
}
