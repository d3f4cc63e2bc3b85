/* Starting the guest: find its kernel and modules among the boot modules,
 * load them by the Multiboot (v1) protocol, set the vCPU's first state. */
#ifndef UNDERSTUDY_HV_GUEST_BOOT_H
#define UNDERSTUDY_HV_GUEST_BOOT_H

#include "boot/bootinfo.h"
#include "hv/config.h"
#include "hv/vm.h"

#define GUEST_MODULE_ROLE "guest_module" /* first word of a module for the guest */

/* Index of the boot module whose first word is cfg->guest, or -1. */
int guest_find_kernel(const struct boot_info *bi, const struct config *cfg);

/* Loads the guest into vm and sets its entry state; 0 or a negative errno
 * with the reason printed. */
int guest_boot(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

#endif
