/* Starting the guest: find its kernel and modules among the boot modules,
 * write the firmware tables, load the kernel by the Multiboot (v1)
 * protocol or, for a Linux kernel, by the x86 boot protocol or the PVH
 * entry (chosen from the image), and set the vCPU's first state. */
#ifndef UNDERSTUDY_HV_GUEST_BOOT_H
#define UNDERSTUDY_HV_GUEST_BOOT_H

#include "boot/bootinfo.h"
#include "hv/config.h"
#include "hv/vm.h"

#define GUEST_MODULE_ROLE "guest_module" /* first word of a module for the guest */
#define GUEST_INITRD_ROLE "guest_initrd" /* first word of a Linux guest's initrd */
#define MAX_GUEST_MODULES BOOT_MAX_MODULES

struct mb1_guest_module;

/* Index of the boot module whose first word is cfg->guest, or -1. */
int guest_find_kernel(const struct boot_info *bi, const struct config *cfg);

/* The modules meant for the guest (first word GUEST_MODULE_ROLE), in boot
 * order, with the rest of their string as their command line; at most
 * MAX_GUEST_MODULES. Returns how many. */
unsigned guest_collect_modules(const struct boot_info *bi, struct mb1_guest_module *out);

/* Index of the boot module whose first word is role, or -1. */
int guest_find_module(const struct boot_info *bi, const char *role);

/* Does the guest kernel module carry a Multiboot header (a Multiboot
 * kernel, not Linux)? */
bool guest_kernel_is_multiboot(const struct boot_info *bi, const struct config *cfg);

/* Loads the guest into vm and sets its entry state; 0 or a negative errno
 * with the reason printed. */
int guest_boot(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* A kernel without a Multiboot header (mb1_why says why not): loads it as
 * a Linux bzImage or PVH vmlinux with the GUEST_INITRD_ROLE module and
 * sets the entry state its protocol wants (hv/guest_boot_linux.c). */
int guest_boot_linux(struct vm *vm, const struct boot_info *bi, const struct config *cfg,
		     const struct boot_module *kernel, u64 rsdp_gpa, const char *mb1_why);

/* Writes the BIOS data area, ACPI and MP tables into guest RAM
 * (hv/guest_firmware.c); 0 with *rsdp_gpa, or a negative errno (reported). */
int guest_firmware_write(struct vm *vm, u64 *rsdp_gpa);

#endif
