/*
 * What the boot loader told us, decoded from the Multiboot2 information into
 * plain structures (boot/mb2.c). Pure data: also used by host tests.
 */
#ifndef UNDERSTUDY_BOOT_BOOTINFO_H
#define UNDERSTUDY_BOOT_BOOTINFO_H

#include "types.h"

#define BOOT_MAX_MEM_REGIONS 128
#define BOOT_MAX_MODULES 16

enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	u64 base;
	u64 length;
	u32 type; /* enum mem_type; unknown types are kept as given */
};

struct boot_module {
	u64 start; /* physical, inclusive */
	u64 end;   /* physical, exclusive */
	const char *cmdline; /* points into the boot information */
};

struct boot_framebuffer {
	bool present;
	u64 addr;
	u32 pitch, width, height;
	u8 bpp, type;
};

struct boot_info {
	u64 info_phys; /* where the Multiboot2 information itself lies */
	u32 info_size;
	const char *cmdline;
	const char *loader_name;

	struct mem_region mem[BOOT_MAX_MEM_REGIONS];
	unsigned mem_count;
	bool mem_truncated; /* more regions than BOOT_MAX_MEM_REGIONS */
	bool has_basic_meminfo;
	u32 mem_lower_kib, mem_upper_kib;

	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned module_count;
	bool modules_truncated;

	const void *acpi_rsdp; /* copy of the RSDP inside the boot information */
	u32 acpi_rsdp_size;
	u8 acpi_rsdp_version; /* 1 (ACPI 1.0 RSDP) or 2 (XSDP) */

	struct boot_framebuffer framebuffer;
	u64 efi64_system_table;
	u32 efi32_system_table;
	bool has_efi64, has_efi32;
	bool has_efi_mmap;
	u32 efi_mmap_entries;
	bool efi_boot_services_active;
	bool has_load_base;
	u32 load_base;

	u32 tags_seen; /* bit n set: tag type n was present */
	u32 unknown_tags; /* count of tags with types beyond the specification */
};

/*
 * Decodes the Multiboot2 information at info, which the caller guarantees is
 * readable for avail bytes. Every tag is bounds-checked; returns 0, or
 * -EINVAL with *why naming what is malformed.
 */
int mb2_parse(const void *info, size_t avail, u64 info_phys, struct boot_info *out,
	      const char **why);

/* Name of a Multiboot2 tag type, for reports. */
const char *mb2_tag_name(u32 type);

/* Name of a memory-map region type. */
const char *mem_type_name(u32 type);

#endif
