/*
 * The x86 Linux boot protocol (Documentation/arch/x86/boot.rst, protocol
 * 2.10 and later): the setup header a bzImage carries at 0x1F1 and the
 * boot_params ("zero page") the boot loader hands the kernel. Layouts from
 * boot.rst "The Real-Mode Kernel Header" and "The Zero Page"
 * (Documentation/arch/x86/zero-page.rst, arch/x86/include/uapi/asm/bootparam.h).
 * The loader itself is linux_bzimage_load (hv/linux_load.h).
 */
#ifndef UNDERSTUDY_HV_LINUX_BZIMAGE_H
#define UNDERSTUDY_HV_LINUX_BZIMAGE_H

#include "compiler.h"
#include "types.h"

#define BZ_SETUP_HEADER_OFF 0x1F1
#define BZ_SECTOR 512
#define BZ_SETUP_SECTS_DEFAULT 4     /* setup_sects 0 means 4 */
#define BZ_MIN_PROTOCOL 0x020A       /* 2.10: pref_address and init_size */
#define BZ_PROTOCOL_RSDP 0x020E      /* 2.14: acpi_rsdp_addr in boot_params */
#define BZ_LOADED_HIGH BIT(0)        /* loadflags: protected-mode code at 0x100000 */
#define BZ_XLF_KERNEL_64 BIT(0)      /* xloadflags: 64-bit entry at +0x200 */
#define BZ_ENTRY64_OFFSET 0x200      /* boot.rst "64-bit Boot Protocol" */
#define BZ_LOADER_UNDEFINED 0xFF     /* type_of_loader: a loader with no assigned ID */
#define BZ_E820_MAX 128

/* boot.rst, "The Real-Mode Kernel Header" (offsets from the start of the
 * kernel file and of boot_params alike) */
struct linux_setup_header {
	u8 setup_sects;
	u16 root_flags;
	u32 syssize;
	u16 ram_size;
	u16 vid_mode;
	u16 root_dev;
	u16 boot_flag;        /* 0xAA55 */
	u16 jump;             /* a short JMP; its second byte sets where the header ends */
	u32 header;           /* "HdrS" */
	u16 version;
	u32 realmode_swtch;
	u16 start_sys_seg;
	u16 kernel_version;
	u8 type_of_loader;
	u8 loadflags;
	u16 setup_move_size;
	u32 code32_start;
	u32 ramdisk_image;
	u32 ramdisk_size;
	u32 bootsect_kludge;
	u16 heap_end_ptr;
	u8 ext_loader_ver;
	u8 ext_loader_type;
	u32 cmd_line_ptr;
	u32 initrd_addr_max;
	u32 kernel_alignment;
	u8 relocatable_kernel;
	u8 min_alignment;
	u16 xloadflags;
	u32 cmdline_size;
	u32 hardware_subarch;
	u64 hardware_subarch_data;
	u32 payload_offset;
	u32 payload_length;
	u64 setup_data;
	u64 pref_address;
	u32 init_size;
	u32 handover_offset;
	u32 kernel_info_offset;
} __packed;
ASSERT_SIZE(struct linux_setup_header, 0x26C - 0x1F1);
ASSERT_OFFSET(struct linux_setup_header, boot_flag, 0x1FE - 0x1F1);
ASSERT_OFFSET(struct linux_setup_header, header, 0x202 - 0x1F1);
ASSERT_OFFSET(struct linux_setup_header, code32_start, 0x214 - 0x1F1);
ASSERT_OFFSET(struct linux_setup_header, cmd_line_ptr, 0x228 - 0x1F1);
ASSERT_OFFSET(struct linux_setup_header, xloadflags, 0x236 - 0x1F1);
ASSERT_OFFSET(struct linux_setup_header, pref_address, 0x258 - 0x1F1);
ASSERT_OFFSET(struct linux_setup_header, init_size, 0x260 - 0x1F1);

/* The setup header ends at 0x202 + the byte at 0x201 (boot.rst, "Details
 * of Header Fields", jump). */
#define BZ_JUMP_LEN_OFF 0x201
#define BZ_HEADER_END_BASE 0x202

struct linux_e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __packed;
ASSERT_SIZE(struct linux_e820_entry, 20);

/* zero-page.rst, "The Zero Page" (bootparam.h struct boot_params) */
struct linux_boot_params {
	u8 screen_info[0x40];
	u8 apm_bios_info[0x14];
	u8 pad2[4];
	u64 tboot_addr;
	u8 ist_info[0x10];
	u64 acpi_rsdp_addr;   /* 0x070 (protocol 2.14) */
	u8 pad3[8];
	u8 hd0_info[16];
	u8 hd1_info[16];
	u8 sys_desc_table[0x10];
	u8 olpc_ofw_header[0x10];
	u32 ext_ramdisk_image;
	u32 ext_ramdisk_size;
	u32 ext_cmd_line_ptr;
	u8 pad4[116];
	u8 edid_info[0x80];
	u8 efi_info[0x20];
	u32 alt_mem_k;
	u32 scratch;
	u8 e820_entries;      /* 0x1E8 */
	u8 eddbuf_entries;
	u8 edd_mbr_sig_buf_entries;
	u8 kbd_status;
	u8 secure_boot;
	u8 pad5[2];
	u8 sentinel;          /* 0x1EF: a loader that copies the whole sector leaves it non-zero */
	u8 pad6[1];
	struct linux_setup_header hdr; /* 0x1F1 */
	u8 pad7[0x290 - 0x1F1 - sizeof(struct linux_setup_header)];
	u32 edd_mbr_sig_buffer[16];
	struct linux_e820_entry e820_table[BZ_E820_MAX]; /* 0x2D0 */
	u8 pad8[48];
	u8 eddbuf[0x1EC];
	u8 pad9[276];
} __packed;
ASSERT_SIZE(struct linux_boot_params, 4096);
ASSERT_OFFSET(struct linux_boot_params, acpi_rsdp_addr, 0x070);
ASSERT_OFFSET(struct linux_boot_params, ext_ramdisk_image, 0x0C0);
ASSERT_OFFSET(struct linux_boot_params, e820_entries, 0x1E8);
ASSERT_OFFSET(struct linux_boot_params, sentinel, 0x1EF);
ASSERT_OFFSET(struct linux_boot_params, hdr, 0x1F1);
ASSERT_OFFSET(struct linux_boot_params, e820_table, 0x2D0);
ASSERT_OFFSET(struct linux_boot_params, eddbuf, 0xD00);

/* Boot GDT selectors (boot.rst, "32-bit Boot Protocol": __BOOT_CS and
 * __BOOT_DS) and the descriptors behind them (SDM Vol 3, 3.4.5 "Segment
 * Descriptors"): flat 4 GiB, code execute/read, data read/write. */
#define BZ_BOOT_CS 0x10
#define BZ_BOOT_DS 0x18
#define BZ_GDT_ENTRIES 4
#define BZ_GDT_CODE64 0x00AF9B000000FFFFULL /* G, L, P, DPL 0, execute/read, accessed */
#define BZ_GDT_CODE32 0x00CF9B000000FFFFULL /* G, D, P, DPL 0, execute/read, accessed */
#define BZ_GDT_DATA 0x00CF93000000FFFFULL   /* G, B, P, DPL 0, read/write, accessed */

/* Identity-map page entries (SDM Vol 3, 4.5 "4-Level Paging and 5-Level
 * Paging", Tables 4-15 to 4-17): present, writable; PS for 2 MiB pages. */
#define BZ_PTE_P BIT(0)
#define BZ_PTE_RW BIT(1)
#define BZ_PTE_PS BIT(7)
#define BZ_PAGE_2M MiB(2)
#define BZ_TABLE_ENTRIES 512

#endif
