/* Starting the guest: find its kernel and modules among the boot modules,
 * load them by the Multiboot (v1) protocol, set the vCPU's first state. */
#ifndef UNDERSTUDY_HV_GUEST_BOOT_H
#define UNDERSTUDY_HV_GUEST_BOOT_H

#include "boot/bootinfo.h"
#include "hv/config.h"
#include "hv/vm.h"

#define GUEST_MODULE_ROLE "guest_module" /* first word of a module for the guest */
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

/* Loads the guest into vm and sets its entry state; 0 or a negative errno
 * with the reason printed. */
int guest_boot(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

#endif
