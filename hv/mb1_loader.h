/*
 * Multiboot (version 1) loader for the guest kernel: finds the Multiboot
 * header, loads the image into guest RAM (ELF32/ELF64 program headers, or
 * the header's a.out-kludge address fields), copies the modules, and builds
 * the boot information the kernel finds in EBX. Pure code: the image and
 * modules are outside input (GRUB modules), so everything is bounds-checked
 * and the host fuzzes it. Section numbers refer to the Multiboot
 * Specification version 0.6.96.
 *
 * Guest-physical layout it produces:
 *   [0x90000, 0x9FC00)  boot information: the info structure, memory map,
 *                       module list and every string (MB1_INFO_BASE..END)
 *   [0x9FC00, 0x100000) EBDA, VGA and BIOS area: never loaded into
 *   kernel              where its program headers / address fields say
 *   modules             after max(kernel end, 1 MiB), page-aligned when the
 *                       header asks (flag 0), else 8-byte aligned
 * Kernel segments may lie anywhere in guest RAM below MB1_RAM_LIMIT except
 * [MB1_INFO_BASE, 1 MiB). The low area was chosen (as GRUB Legacy did) so
 * that kernels which allocate memory right after their own end do not
 * overwrite the information before reading it.
 */
#ifndef UNDERSTUDY_HV_MB1_LOADER_H
#define UNDERSTUDY_HV_MB1_LOADER_H

#include "compiler.h"
#include "types.h"

/* 3.1.1 "The layout of Multiboot header" */
#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_SEARCH_LIMIT 8192 /* the header lies within the first 8 KiB */
#define MB1_HEADER_ALIGN 4

/* 3.1.2 "The magic fields of Multiboot header": flags; bits 0-15 are
 * requirements a loader that cannot meet them must refuse. */
#define MB1_HDR_PAGE_ALIGN BIT(0)   /* modules page-aligned */
#define MB1_HDR_MEMORY_INFO BIT(1)  /* mem_* fields (and mmap) wanted */
#define MB1_HDR_VIDEO_MODE BIT(2)   /* video mode table wanted */
#define MB1_HDR_REQUIRED_MASK 0xFFFFu
#define MB1_HDR_AOUT_KLUDGE BIT(16) /* address fields are valid */

struct mb1_header {
	u32 magic;
	u32 flags;
	u32 checksum;       /* magic + flags + checksum == 0 (mod 2^32) */
	/* 3.1.3 "The address fields of Multiboot header" (flag 16) */
	u32 header_addr;    /* physical address of magic */
	u32 load_addr;      /* physical address of the text segment's start */
	u32 load_end_addr;  /* end of data; 0: the rest of the file */
	u32 bss_end_addr;   /* end of bss; 0: no bss */
	u32 entry_addr;
	/* 3.1.4 "The graphics fields of Multiboot header" (flag 2) */
	u32 mode_type;
	u32 width;
	u32 height;
	u32 depth;
};
ASSERT_SIZE(struct mb1_header, 48);

#define MB1_HEADER_MIN_SIZE 12  /* magic, flags, checksum */
#define MB1_HEADER_ADDR_SIZE 32 /* ... through entry_addr */

/* 3.2 "Machine state": EAX at the kernel's entry */
#define MB1_BOOTLOADER_MAGIC 0x2BADB002

/* 3.3 "Boot information format": flags saying which fields are valid */
#define MB1_INFO_MEMORY BIT(0)      /* mem_lower, mem_upper */
#define MB1_INFO_BOOTDEV BIT(1)
#define MB1_INFO_CMDLINE BIT(2)
#define MB1_INFO_MODS BIT(3)
#define MB1_INFO_MMAP BIT(6)
#define MB1_INFO_LOADER_NAME BIT(9)

struct mb1_info {
	u32 flags;
	u32 mem_lower;  /* KiB from 0 */
	u32 mem_upper;  /* KiB from 1 MiB to the first hole */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count;
	u32 mods_addr;
	u32 syms[4];
	u32 mmap_length; /* bytes */
	u32 mmap_addr;
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name;
	u32 apm_table;
	u32 vbe_control_info;
	u32 vbe_mode_info;
	u16 vbe_mode;
	u16 vbe_interface_seg;
	u16 vbe_interface_off;
	u16 vbe_interface_len;
	u64 framebuffer_addr;
	u32 framebuffer_pitch;
	u32 framebuffer_width;
	u32 framebuffer_height;
	u8 framebuffer_bpp;
	u8 framebuffer_type;
	u8 color_info[6];
} __packed;
ASSERT_SIZE(struct mb1_info, 116);
ASSERT_OFFSET(struct mb1_info, mods_addr, 24);
ASSERT_OFFSET(struct mb1_info, mmap_length, 44);
ASSERT_OFFSET(struct mb1_info, boot_loader_name, 64);
ASSERT_OFFSET(struct mb1_info, framebuffer_addr, 88);

struct mb1_module {
	u32 mod_start;
	u32 mod_end;   /* one past the last byte */
	u32 string;    /* its command line */
	u32 reserved;  /* 0 */
};
ASSERT_SIZE(struct mb1_module, 16);

/* Memory map entry; size counts the bytes after itself (20). */
struct mb1_mmap_entry {
	u32 size;
	u64 base_addr;
	u64 length;
	u32 type;
} __packed;
ASSERT_SIZE(struct mb1_mmap_entry, 24);

#define MB1_MMAP_AVAILABLE 1
#define MB1_MMAP_RESERVED 2

/* Understudy's guest layout (see the top of this file) */
#define MB1_INFO_BASE 0x90000ULL   /* boot information area */
#define MB1_INFO_END 0x9FC00ULL    /* EBDA: reserved from here */
#define MB1_LOW_MEM_END 0xA0000ULL /* 640 KiB */
#define MB1_BIOS_BASE 0xF0000ULL   /* reserved system BIOS area */
#define MB1_HIGH_MEM 0x100000ULL   /* 1 MiB */
#define MB1_RAM_MIN MiB(2)
#define MB1_RAM_LIMIT GiB(3)       /* RAM above (the PCI hole) is not used */
#define MB1_MMAP_ENTRIES 4
#define MB1_LOADER_NAME "understudy"

struct mb1_guest_module {
	const u8 *data;
	u64 size;
	const char *cmdline; /* NULL: empty */
};

struct mb1_load_params {
	const u8 *image;     /* the kernel file */
	u64 image_size;
	u8 *ram;             /* guest-physical address X is ram[X] */
	u64 ram_size;
	const char *cmdline; /* the kernel's command line; NULL: empty */
	const struct mb1_guest_module *modules;
	unsigned module_count;
};

struct mb1_load_result {
	u32 entry;          /* EIP at entry */
	u32 info_gpa;       /* EBX at entry (EAX: MB1_BOOTLOADER_MAGIC) */
	u64 kernel_lo;      /* lowest guest-physical byte of the kernel */
	u64 kernel_hi;      /* highest guest-physical byte (inclusive, bss too) */
	u64 modules_end;    /* one past the last module byte (kernel end if none) */
	u32 header_offset;  /* file offset of the Multiboot header */
	u32 header_flags;
	bool aout_kludge;   /* loaded by the address fields, not as ELF */
	const char *why;    /* on failure: a static string naming the problem */
	int segment;        /* the program header why is about, or -1 */
};

/*
 * Finds the Multiboot header (3.1.1): 4-byte aligned, entirely within the
 * first 8192 bytes and the image, with a valid checksum. Returns 0 with *hdr
 * (fields past the image or the 8 KiB read as 0) and *offset, or -ENOEXEC
 * with *why set.
 */
int mb1_find_header(const u8 *image, u64 image_size, struct mb1_header *hdr, u32 *offset,
		    const char **why);

/*
 * Loads the kernel and modules into guest RAM and builds the boot
 * information. Nothing is written to guest RAM unless every check passes.
 * Returns 0 with *out filled; -ENOEXEC (not a loadable Multiboot kernel),
 * -ENOTSUP (a required feature Understudy lacks), -ERANGE (something does
 * not fit in guest RAM) or -EINVAL (bad parameters), with out->why set.
 */
int mb1_load(const struct mb1_load_params *p, struct mb1_load_result *out);

#endif
