/*
 * Constants and layouts of the Multiboot2 specification (version 2.0),
 * usable from assembly and C. Section numbers refer to that specification.
 */
#ifndef UNDERSTUDY_BOOT_MB2_SPEC_H
#define UNDERSTUDY_BOOT_MB2_SPEC_H

/* 3.1.1 "The layout of Multiboot2 header" */
#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_HEADER_ALIGN 8
#define MB2_ARCH_I386 0 /* 32-bit protected mode i386 entry */

/* 3.1.3 "General tag structure": header tags */
#define MB2_TAG_ALIGN 8
#define MB2_HEADER_TAG_OPTIONAL 1
#define MB2_HEADER_TAG_END 0
#define MB2_HEADER_TAG_INFO_REQUEST 1
#define MB2_HEADER_TAG_ADDRESS 2
#define MB2_HEADER_TAG_ENTRY 3
#define MB2_HEADER_TAG_CONSOLE_FLAGS 4
#define MB2_HEADER_TAG_FRAMEBUFFER 5
#define MB2_HEADER_TAG_MODULE_ALIGN 6
#define MB2_HEADER_TAG_EFI_BS 7
#define MB2_HEADER_TAG_RELOCATABLE 10

/* 3.3 "I386 machine state": value in EAX at entry */
#define MB2_BOOTLOADER_MAGIC 0x36D76289

/* 3.6.3 ff. "Boot information" tag types */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BOOTLOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV 5
#define MB2_TAG_MMAP 6
#define MB2_TAG_VBE 7
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ELF_SECTIONS 9
#define MB2_TAG_APM 10
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI64 12
#define MB2_TAG_SMBIOS 13
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_NETWORK 16
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19
#define MB2_TAG_EFI64_IH 20
#define MB2_TAG_LOAD_BASE_ADDR 21
#define MB2_TAG_TYPE_MAX 21

/* 3.6.8 "Memory map": entry types */
#define MB2_MEMORY_AVAILABLE 1
#define MB2_MEMORY_RESERVED 2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS 4
#define MB2_MEMORY_BADRAM 5

/* 3.6.12 "Framebuffer info": framebuffer types */
#define MB2_FRAMEBUFFER_INDEXED 0
#define MB2_FRAMEBUFFER_RGB 1
#define MB2_FRAMEBUFFER_EGA_TEXT 2

#ifndef __ASSEMBLER__
#include "compiler.h"
#include "types.h"

/* 3.6.1 "Basic tags structure" */
struct mb2_info_header {
	u32 total_size;
	u32 reserved;
};
ASSERT_SIZE(struct mb2_info_header, 8);

struct mb2_tag {
	u32 type;
	u32 size;
};
ASSERT_SIZE(struct mb2_tag, 8);

/* 3.6.6 "Modules" */
struct mb2_tag_module {
	u32 type;
	u32 size;
	u32 mod_start;
	u32 mod_end;
	char string[];
};
ASSERT_SIZE(struct mb2_tag_module, 16);

/* 3.6.4 "Basic memory information" */
struct mb2_tag_basic_meminfo {
	u32 type;
	u32 size;
	u32 mem_lower; /* KiB */
	u32 mem_upper; /* KiB */
};
ASSERT_SIZE(struct mb2_tag_basic_meminfo, 16);

/* 3.6.8 "Memory map" */
struct mb2_mmap_entry {
	u64 base_addr;
	u64 length;
	u32 type;
	u32 reserved;
};
ASSERT_SIZE(struct mb2_mmap_entry, 24);

struct mb2_tag_mmap {
	u32 type;
	u32 size;
	u32 entry_size;
	u32 entry_version;
};
ASSERT_SIZE(struct mb2_tag_mmap, 16);

/* 3.6.12 "Framebuffer info" (common part) */
struct mb2_tag_framebuffer {
	u32 type;
	u32 size;
	u64 addr;
	u32 pitch;
	u32 width;
	u32 height;
	u8 bpp;
	u8 fb_type;
	u16 reserved;
} __packed;
ASSERT_SIZE(struct mb2_tag_framebuffer, 32);

/* 3.6.13/3.6.14 "EFI 32-bit/64-bit system table pointer" */
struct mb2_tag_efi64 {
	u32 type;
	u32 size;
	u64 pointer;
} __packed;
ASSERT_SIZE(struct mb2_tag_efi64, 16);

struct mb2_tag_efi32 {
	u32 type;
	u32 size;
	u32 pointer;
};
ASSERT_SIZE(struct mb2_tag_efi32, 12);

/* 3.6.19 "EFI memory map" */
struct mb2_tag_efi_mmap {
	u32 type;
	u32 size;
	u32 descr_size;
	u32 descr_vers;
};
ASSERT_SIZE(struct mb2_tag_efi_mmap, 16);

/* 3.6.22 "Image load base physical address" */
struct mb2_tag_load_base {
	u32 type;
	u32 size;
	u32 load_base_addr;
};
ASSERT_SIZE(struct mb2_tag_load_base, 12);
#endif /* __ASSEMBLER__ */

#endif
