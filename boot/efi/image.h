/*
 * Checks that a file is a hypervisor image understudy.efi can start the way
 * GRUB does: an ELF64 x86-64 executable with a Multiboot2 header whose
 * required tags this loader honours, loaded by its program headers'
 * physical addresses below 4 GiB and entered in 32-bit protected mode.
 * Pure code: the file is outside input (unit-tested and fuzzed).
 */
#ifndef UNDERSTUDY_BOOT_EFI_IMAGE_H
#define UNDERSTUDY_BOOT_EFI_IMAGE_H

#include "types.h"

#define EFI_IMAGE_MAX_SEGMENTS 8
#define EFI_IMAGE_LIMIT 0x100000000ULL /* entered with paging off: below 4 GiB */

/* A PT_LOAD segment: file_size bytes from file_off copied to paddr, the
 * rest of mem_size zeroed. */
struct efi_image_segment {
	u64 file_off, file_size;
	u64 paddr, mem_size;
};

struct efi_image {
	u64 entry;     /* 32-bit entry point (ELF e_entry) */
	u64 base, end; /* page-aligned physical span of all segments */
	struct efi_image_segment seg[EFI_IMAGE_MAX_SEGMENTS];
	unsigned seg_count;
};

/*
 * Checks size bytes of file. Returns 0 with *out filled; -ENOEXEC when the
 * file is not an ELF64 x86-64 executable with a valid Multiboot2 header and
 * loadable segments; -ENOTSUP when its Multiboot2 header requires something
 * this loader does not give. *why names the problem.
 */
int efi_image_check(const u8 *file, size_t size, struct efi_image *out, const char **why);

#endif
