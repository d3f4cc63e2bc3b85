/*
 * Linux guest loaders: the x86 boot protocol for a bzImage
 * (hv/linux_bzimage.c) and the PVH entry for an ELF vmlinux
 * (hv/linux_pvh.c), chosen from the image. Pure code: the kernel and initrd
 * are outside input (GRUB modules), so everything is bounds-checked, nothing
 * is written to guest RAM unless every check passes, and the host fuzzes it.
 *
 * Guest-physical layout both produce (the platform tables of
 * hv/firmware_tables.h live at 0xE0000-0xFFFFF; see docs/linux-guest.md):
 *   0x01000  boot GDT (bzImage)
 *   0x02000  identity page tables for the 64-bit entry: PML4, PDPT, 4 PDs
 *   0x08000  boot_params (the "zero page"), or hvm_start_info and its lists
 *   0x20000  the command line (up to 64 KiB)
 *   kernel   bzImage: its protected-mode code at pref_address, with init_size
 *            bytes from there reserved for it; vmlinux: its PT_LOAD segments
 *            at their p_paddr
 *   initrd   page-aligned, as high as guest RAM (and the kernel's
 *            initrd_addr_max) allows, above the kernel
 */
#ifndef UNDERSTUDY_HV_LINUX_LOAD_H
#define UNDERSTUDY_HV_LINUX_LOAD_H

#include "compiler.h"
#include "types.h"

#define LINUX_GDT_GPA 0x1000ULL
#define LINUX_PML4_GPA 0x2000ULL
#define LINUX_PDPT_GPA 0x3000ULL
#define LINUX_PD_GPA 0x4000ULL       /* four page directories: 4 GiB in 2 MiB pages */
#define LINUX_PD_COUNT 4
#define LINUX_BOOT_INFO_GPA 0x8000ULL /* boot_params or hvm_start_info */
#define LINUX_BOOT_INFO_SIZE 0x1000ULL
#define LINUX_CMDLINE_GPA 0x20000ULL
#define LINUX_CMDLINE_MAX 0x10000ULL  /* bytes, terminating NUL included */
#define LINUX_LOW_END 0x30000ULL      /* the loaders write nothing else below 1 MiB */
#define LINUX_HIGH_MEM 0x100000ULL    /* kernels and initrds live above 1 MiB */
#define LINUX_RAM_MIN MiB(2)
#define LINUX_RAM_LIMIT GiB(3)        /* RAM above (the PCI hole) is not used */
#define LINUX_PAGE_SIZE 0x1000ULL

/* The PC memory map every Linux guest gets (E820 types, ACPI 6.4 15.1
 * "Address Range Types"): conventional memory up to the EBDA, the EBDA, the
 * BIOS area holding the ACPI and MP tables, and RAM from 1 MiB. */
#define LINUX_E820_RAM 1
#define LINUX_E820_RESERVED 2
#define LINUX_EBDA_GPA 0x9FC00ULL     /* 1 KiB extended BIOS data area */
#define LINUX_LOW_RAM_END 0xA0000ULL
#define LINUX_BIOS_GPA 0xE0000ULL     /* BIOS area: 0xE0000-0xFFFFF */
#define LINUX_MEMMAP_ENTRIES 4

struct linux_memmap_entry {
	u64 addr, size;
	u32 type;
};

/* The guest's memory map for ram_size bytes of RAM (capped at
 * LINUX_RAM_LIMIT); returns the number of entries written to out. */
unsigned linux_memmap(u64 ram_size, struct linux_memmap_entry out[LINUX_MEMMAP_ENTRIES]);

enum linux_entry {
	LINUX_ENTRY_64,  /* bzImage 64-bit entry: long mode, identity paging, RSI = boot_params */
	LINUX_ENTRY_32,  /* bzImage 32-bit entry: flat protected mode, ESI = boot_params */
	LINUX_ENTRY_PVH, /* vmlinux PVH entry: flat protected mode, EBX = hvm_start_info */
};

struct linux_load_params {
	const u8 *image;      /* the kernel file */
	u64 image_size;
	const u8 *initrd;     /* NULL: none */
	u64 initrd_size;
	u8 *ram;              /* guest-physical address X is ram[X] */
	u64 ram_size;
	const char *cmdline;  /* NULL: empty */
	u64 rsdp_gpa;         /* the ACPI RSDP handed to the kernel; 0: none */
	bool entry32;         /* bzImage: take the 32-bit entry even if a 64-bit one exists */
};

struct linux_load_result {
	enum linux_entry entry_mode;
	u64 entry;            /* RIP at entry */
	u64 info_gpa;         /* boot_params (RSI/ESI) or hvm_start_info (EBX) */
	u64 gdt_gpa;          /* bzImage: the boot GDT (GDTR base), else 0 */
	u16 gdt_limit;
	u64 cr3;              /* 64-bit entry: the identity page tables, else 0 */
	u64 kernel_lo;        /* guest RAM the kernel occupies or reserves: [lo, hi) */
	u64 kernel_hi;
	u64 initrd_gpa;       /* 0: no initrd */
	u64 written_end;      /* one past the highest guest byte the loader wrote */
	u16 protocol;         /* bzImage: boot protocol version (0x020F = 2.15); PVH: 0 */
	u64 ram_needed;       /* the guest RAM the kernel needs (set when that is the refusal too) */
	const char *why;      /* on failure: a static string naming the problem */
};

/* Whether the image is a bzImage (boot flag 0xAA55 and "HdrS"). */
bool linux_is_bzimage(const u8 *image, u64 image_size);

/* Whether the image is an ELF file (of any class). */
bool linux_is_elf(const u8 *image, u64 image_size);

/*
 * Loads a Linux kernel: a bzImage by the x86 boot protocol, an ELF file by
 * its PVH entry note. Returns 0 with *out filled, or -ENOEXEC (not a
 * loadable Linux kernel), -ERANGE (kernel, initrd or command line do not
 * fit) or -EINVAL (bad parameters), with out->why set and guest RAM
 * untouched.
 */
int linux_load(const struct linux_load_params *p, struct linux_load_result *out);

/* The two loaders linux_load chooses between (same contract). */
int linux_bzimage_load(const struct linux_load_params *p, struct linux_load_result *out);
int linux_pvh_load(const struct linux_load_params *p, struct linux_load_result *out);

/* --- shared by the two loaders (hv/linux_load.c) --------------------------- */

/* Whether [start, start+len) lies inside [0, limit), without overflow. */
bool linux_range_inside(u64 start, u64 len, u64 limit);

/* Checks the parameters every loader needs; 0 or -EINVAL with out->why. */
int linux_check_params(const struct linux_load_params *p, struct linux_load_result *out);

/* The guest RAM the loaders use: [0, min(ram_size, LINUX_RAM_LIMIT)). */
u64 linux_ram_limit(const struct linux_load_params *p);

/* Where the initrd goes: page-aligned, as high as possible with its end at
 * most limit, its start at least floor. 0 with *gpa, or -ERANGE. */
int linux_place_initrd(u64 size, u64 floor, u64 limit, u64 *gpa);

/* The command line's length without its NUL, or -ERANGE (with out->why)
 * when it is longer than max bytes. */
int linux_cmdline_len(const char *cmdline, u64 max, struct linux_load_result *out);

/* Copies the command line (with its NUL) to LINUX_CMDLINE_GPA. */
void linux_put_cmdline(const struct linux_load_params *p, u64 len);

/* Sets out->why and returns err. */
int linux_fail(struct linux_load_result *out, int err, const char *why);

#endif
