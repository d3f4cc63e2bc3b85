/*
 * Multiboot2 boot-information decoder (Multiboot2 specification 3.6 "Boot
 * information format"). Pure code: the boot information is outside input,
 * so every length is checked before use; the host fuzzes this file.
 */
#include "boot/bootinfo.h"

#include <string.h>

#include "boot/mb2_spec.h"
#include "errno.h"

static const char *const tag_names[] = {
	[MB2_TAG_END] = "end",
	[MB2_TAG_CMDLINE] = "command line",
	[MB2_TAG_BOOTLOADER_NAME] = "boot loader name",
	[MB2_TAG_MODULE] = "module",
	[MB2_TAG_BASIC_MEMINFO] = "basic memory information",
	[MB2_TAG_BOOTDEV] = "BIOS boot device",
	[MB2_TAG_MMAP] = "memory map",
	[MB2_TAG_VBE] = "VBE info",
	[MB2_TAG_FRAMEBUFFER] = "framebuffer info",
	[MB2_TAG_ELF_SECTIONS] = "ELF symbols",
	[MB2_TAG_APM] = "APM table",
	[MB2_TAG_EFI32] = "EFI 32-bit system table pointer",
	[MB2_TAG_EFI64] = "EFI 64-bit system table pointer",
	[MB2_TAG_SMBIOS] = "SMBIOS tables",
	[MB2_TAG_ACPI_OLD] = "ACPI old RSDP",
	[MB2_TAG_ACPI_NEW] = "ACPI new RSDP",
	[MB2_TAG_NETWORK] = "networking information",
	[MB2_TAG_EFI_MMAP] = "EFI memory map",
	[MB2_TAG_EFI_BS] = "EFI boot services not terminated",
	[MB2_TAG_EFI32_IH] = "EFI 32-bit image handle",
	[MB2_TAG_EFI64_IH] = "EFI 64-bit image handle",
	[MB2_TAG_LOAD_BASE_ADDR] = "image load base address",
};

const char *mb2_tag_name(u32 type)
{
	if (type < sizeof(tag_names) / sizeof(tag_names[0]) && tag_names[type])
		return tag_names[type];
	return "unknown";
}

const char *mem_type_name(u32 type)
{
	switch (type) {
	case MEM_USABLE: return "usable";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case MEM_ACPI_NVS: return "ACPI NVS";
	case MEM_BAD: return "bad";
	default: return "unknown";
	}
}

/* A string field must end inside its tag. */
static const char *tag_string(const u8 *start, const u8 *tag_end)
{
	if (start >= tag_end || !memchr(start, '\0', (size_t)(tag_end - start)))
		return NULL;
	return (const char *)start;
}

static int parse_mmap(const u8 *tag, u32 size, struct boot_info *bi, const char **why)
{
	struct mb2_tag_mmap hdr;

	if (size < sizeof(hdr)) {
		*why = "memory map tag shorter than its header";
		return -EINVAL;
	}
	memcpy(&hdr, tag, sizeof(hdr));
	if (hdr.entry_size < sizeof(struct mb2_mmap_entry) || hdr.entry_size % 8) {
		*why = "memory map entry size is invalid";
		return -EINVAL;
	}
	bi->mem_count = 0;
	/* off <= size holds throughout; "off + entry_size" could wrap. */
	for (u32 off = sizeof(hdr); hdr.entry_size <= size - off; off += hdr.entry_size) {
		struct mb2_mmap_entry e;

		memcpy(&e, tag + off, sizeof(e));
		if (e.length == 0)
			continue;
		if (e.base_addr + e.length < e.base_addr) {
			*why = "memory map region wraps around the address space";
			return -EINVAL;
		}
		if (bi->mem_count == BOOT_MAX_MEM_REGIONS) {
			bi->mem_truncated = true;
			break;
		}
		bi->mem[bi->mem_count++] = (struct mem_region){ e.base_addr, e.length, e.type };
	}
	return 0;
}

static int parse_module(const u8 *tag, u32 size, struct boot_info *bi, const char **why)
{
	struct mb2_tag_module m;

	if (size < sizeof(m) + 1) {
		*why = "module tag too short";
		return -EINVAL;
	}
	memcpy(&m, tag, sizeof(m));
	if (m.mod_end < m.mod_start) {
		*why = "module ends before it starts";
		return -EINVAL;
	}
	if (bi->module_count == BOOT_MAX_MODULES) {
		bi->modules_truncated = true;
		return 0;
	}
	const char *str = tag_string(tag + sizeof(m), tag + size);

	if (!str) {
		*why = "module string is not terminated";
		return -EINVAL;
	}
	bi->modules[bi->module_count++] = (struct boot_module){ m.mod_start, m.mod_end, str };
	return 0;
}

static int parse_framebuffer(const u8 *tag, u32 size, struct boot_info *bi, const char **why)
{
	struct mb2_tag_framebuffer fb;

	if (size < sizeof(fb)) {
		*why = "framebuffer tag too short";
		return -EINVAL;
	}
	memcpy(&fb, tag, sizeof(fb));
	bi->framebuffer = (struct boot_framebuffer){
		.present = true, .addr = fb.addr, .pitch = fb.pitch, .width = fb.width,
		.height = fb.height, .bpp = fb.bpp, .type = fb.fb_type,
	};
	return 0;
}

/* Fixed-size tags: check the minimum size, then copy the fields we use. */
static int parse_fixed_tag(u32 type, const u8 *tag, u32 size, struct boot_info *bi,
			   const char **why)
{
	static const u32 min_size[MB2_TAG_TYPE_MAX + 1] = {
		[MB2_TAG_BASIC_MEMINFO] = sizeof(struct mb2_tag_basic_meminfo),
		[MB2_TAG_EFI64] = sizeof(struct mb2_tag_efi64),
		[MB2_TAG_EFI32] = sizeof(struct mb2_tag_efi32),
		[MB2_TAG_EFI_MMAP] = sizeof(struct mb2_tag_efi_mmap),
		[MB2_TAG_LOAD_BASE_ADDR] = sizeof(struct mb2_tag_load_base),
		[MB2_TAG_ACPI_OLD] = 8 + 20, /* ACPI 1.0 RSDP is 20 bytes */
		[MB2_TAG_ACPI_NEW] = 8 + 36, /* ACPI 2.0 XSDP is 36 bytes */
	};

	if (size < min_size[type]) {
		*why = "a tag is shorter than its type requires";
		return -EINVAL;
	}
	switch (type) {
	case MB2_TAG_BASIC_MEMINFO: {
		struct mb2_tag_basic_meminfo m;

		memcpy(&m, tag, sizeof(m));
		bi->has_basic_meminfo = true;
		bi->mem_lower_kib = m.mem_lower;
		bi->mem_upper_kib = m.mem_upper;
		break;
	}
	case MB2_TAG_EFI64: {
		struct mb2_tag_efi64 e;

		memcpy(&e, tag, sizeof(e));
		bi->has_efi64 = true;
		bi->efi64_system_table = e.pointer;
		break;
	}
	case MB2_TAG_EFI32: {
		struct mb2_tag_efi32 e;

		memcpy(&e, tag, sizeof(e));
		bi->has_efi32 = true;
		bi->efi32_system_table = e.pointer;
		break;
	}
	case MB2_TAG_EFI_MMAP: {
		struct mb2_tag_efi_mmap e;

		memcpy(&e, tag, sizeof(e));
		bi->has_efi_mmap = true;
		bi->efi_mmap_entries = e.descr_size ? (size - (u32)sizeof(e)) / e.descr_size : 0;
		break;
	}
	case MB2_TAG_LOAD_BASE_ADDR: {
		struct mb2_tag_load_base l;

		memcpy(&l, tag, sizeof(l));
		bi->has_load_base = true;
		bi->load_base = l.load_base_addr;
		break;
	}
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* Prefer the ACPI 2.0 XSDP when both are given. */
		if (type == MB2_TAG_ACPI_NEW || bi->acpi_rsdp_version < 2) {
			bi->acpi_rsdp = tag + 8;
			bi->acpi_rsdp_size = size - 8;
			bi->acpi_rsdp_version = type == MB2_TAG_ACPI_NEW ? 2 : 1;
		}
		break;
	}
	return 0;
}

static int parse_tag(const u8 *tag, u32 type, u32 size, struct boot_info *bi, const char **why)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_BOOTLOADER_NAME: {
		const char *s = tag_string(tag + 8, tag + size);

		if (!s) {
			*why = "string tag is not terminated";
			return -EINVAL;
		}
		if (type == MB2_TAG_CMDLINE)
			bi->cmdline = s;
		else
			bi->loader_name = s;
		return 0;
	}
	case MB2_TAG_MODULE: return parse_module(tag, size, bi, why);
	case MB2_TAG_MMAP: return parse_mmap(tag, size, bi, why);
	case MB2_TAG_FRAMEBUFFER: return parse_framebuffer(tag, size, bi, why);
	case MB2_TAG_EFI_BS: bi->efi_boot_services_active = true; return 0;
	case MB2_TAG_BASIC_MEMINFO:
	case MB2_TAG_EFI64:
	case MB2_TAG_EFI32:
	case MB2_TAG_EFI_MMAP:
	case MB2_TAG_LOAD_BASE_ADDR:
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_fixed_tag(type, tag, size, bi, why);
	default:
		return 0; /* known but unused types are reported from tags_seen */
	}
}

int mb2_parse(const void *info, size_t avail, u64 info_phys, struct boot_info *out,
	      const char **why)
{
	const u8 *base = info;
	struct mb2_info_header hdr;
	const char *unused_why;
	u32 off;

	if (!why)
		why = &unused_why;
	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (avail < sizeof(hdr) + sizeof(struct mb2_tag)) {
		*why = "boot information is shorter than its header";
		return -EINVAL;
	}
	memcpy(&hdr, base, sizeof(hdr));
	if (hdr.total_size < sizeof(hdr) + sizeof(struct mb2_tag) || hdr.total_size > avail) {
		*why = "boot information total_size is out of range";
		return -EINVAL;
	}
	out->info_phys = info_phys;
	out->info_size = hdr.total_size;

	for (off = sizeof(hdr); off + sizeof(struct mb2_tag) <= hdr.total_size;) {
		struct mb2_tag t;
		int err;

		memcpy(&t, base + off, sizeof(t));
		if (t.size < sizeof(t) || t.size > hdr.total_size - off) {
			*why = "a tag's size runs past the end of the boot information";
			return -EINVAL;
		}
		if (t.type == MB2_TAG_END)
			return 0;
		if (t.type <= MB2_TAG_TYPE_MAX)
			out->tags_seen |= 1u << t.type;
		else
			out->unknown_tags++;
		err = parse_tag(base + off, t.type, t.size, out, why);
		if (err)
			return err;
		off += (t.size + MB2_TAG_ALIGN - 1) & ~(u32)(MB2_TAG_ALIGN - 1);
	}
	*why = "boot information has no end tag";
	return -EINVAL;
}
