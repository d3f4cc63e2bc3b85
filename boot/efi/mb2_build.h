/*
 * Builds the Multiboot2 boot information understudy.efi hands the
 * hypervisor: the same tags GRUB gives on UEFI, made from what the firmware
 * reported, so boot/mb2.c decodes both paths alike. Pure code (no firmware
 * calls, no allocation: it runs between the last GetMemoryMap and
 * ExitBootServices), unit-tested and fuzzed on the host with GNU-EFI's
 * headers.
 */
#ifndef UNDERSTUDY_BOOT_EFI_MB2_BUILD_H
#define UNDERSTUDY_BOOT_EFI_MB2_BUILD_H

#include <efi.h>

#include "types.h"

struct efi_mb2_module {
	u32 start, end; /* physical, end exclusive (Multiboot2 3.6.6 "Modules") */
	const char *string;
};

/* Multiboot2 3.6.12 "Framebuffer info", direct RGB colour. */
struct efi_mb2_framebuffer {
	u64 addr;
	u32 pitch, width, height;
	u8 bpp;
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct efi_mb2_input {
	const char *cmdline;
	const char *loader_name;
	const struct efi_mb2_module *modules;
	unsigned module_count;
	const void *efi_map;   /* GetMemoryMap's descriptors */
	u64 efi_map_size;      /* bytes */
	u64 efi_desc_size;     /* stride between descriptors */
	u32 efi_desc_version;
	const void *rsdp_v1;   /* ACPI 1.0 RSDP (20 bytes) or NULL */
	const void *rsdp_v2;   /* ACPI 2.0+ XSDP or NULL */
	u32 rsdp_v2_size;      /* its Length field */
	u64 efi_system_table;  /* 0: none */
	bool has_framebuffer;
	struct efi_mb2_framebuffer fb;
};

/* Multiboot2 memory type (MB2_MEMORY_*) of an EFI memory type: what is RAM
 * once the boot services have exited is available. UEFI 2.x, 7.2
 * "Memory Allocation Services", EFI_MEMORY_TYPE. */
u32 efi_mb2_mem_type(u32 efi_type);

/* The framebuffer of a GOP mode (UEFI 2.x, 12.9 "Graphics Output
 * Protocol"); false when the mode has none (PixelBltOnly) or its masks are
 * not contiguous. */
bool efi_mb2_framebuffer_from_gop(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info, u64 base,
				  struct efi_mb2_framebuffer *fb);

/* Bytes efi_mb2_build needs at most for in (the memory map as large as
 * in->efi_map_size says). */
size_t efi_mb2_size(const struct efi_mb2_input *in);

/*
 * Writes the information into buf (8-byte aligned, cap bytes). Returns 0
 * with *used set to its total_size, -E2BIG when it does not fit, or
 * -EINVAL when the EFI memory map is malformed (a descriptor smaller than
 * EFI_MEMORY_DESCRIPTOR, or a region that wraps around).
 */
int efi_mb2_build(const struct efi_mb2_input *in, void *buf, size_t cap, size_t *used);

#endif
