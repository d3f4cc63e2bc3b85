/*
 * The PVH boot ABI (Xen's docs/misc/pvh.pandoc and
 * xen/include/public/arch-x86/hvm/start_info.h, which Linux implements in
 * arch/x86/platform/pvh/): an ELF kernel names its 32-bit entry in an ELF
 * note (XEN_ELFNOTE_PHYS32_ENTRY) and starts in flat 32-bit protected mode
 * with EBX pointing at struct hvm_start_info. The loader itself is
 * linux_pvh_load (hv/linux_load.h).
 */
#ifndef UNDERSTUDY_HV_LINUX_PVH_H
#define UNDERSTUDY_HV_LINUX_PVH_H

#include "compiler.h"
#include "types.h"

/* xen/include/public/elfnote.h */
#define PVH_NOTE_NAME "Xen"             /* with its NUL: namesz 4 */
#define PVH_NOTE_PHYS32_ENTRY 0x12      /* XEN_ELFNOTE_PHYS32_ENTRY */

/* start_info.h */
#define PVH_START_MAGIC 0x336EC578      /* XEN_HVM_START_MAGIC_VALUE */
#define PVH_START_VERSION 1             /* with the memory map */
#define PVH_MEMMAP_RAM 1                /* XEN_HVM_MEMMAP_TYPE_RAM (E820 types) */

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;          /* SIF_*: 0 */
	u32 nr_modules;
	u64 modlist_paddr;  /* struct hvm_modlist_entry[nr_modules] */
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;   /* version 1: struct hvm_memmap_table_entry[memmap_entries] */
	u32 memmap_entries;
	u32 reserved;
};
ASSERT_SIZE(struct hvm_start_info, 56);
ASSERT_OFFSET(struct hvm_start_info, modlist_paddr, 16);
ASSERT_OFFSET(struct hvm_start_info, rsdp_paddr, 32);
ASSERT_OFFSET(struct hvm_start_info, memmap_entries, 48);

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};
ASSERT_SIZE(struct hvm_modlist_entry, 32);

struct hvm_memmap_table_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};
ASSERT_SIZE(struct hvm_memmap_table_entry, 24);

/* Where linux_pvh_load puts them: from LINUX_BOOT_INFO_GPA on. */
#define PVH_MODLIST_OFFSET 0x40         /* after hvm_start_info */
#define PVH_MEMMAP_OFFSET 0x80          /* after one module entry */

/*
 * Finds the PVH entry of an ELF64 image: the XEN_ELFNOTE_PHYS32_ENTRY note
 * in its PT_NOTE segments (a 4- or 8-byte value below 4 GiB). 0 with *entry,
 * or -ENOEXEC with *why.
 */
int linux_pvh_find_entry(const u8 *image, u64 image_size, u32 *entry, const char **why);

#endif
