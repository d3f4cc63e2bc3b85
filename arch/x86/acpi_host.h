#ifndef UNDERSTUDY_ARCH_X86_ACPI_HOST_H
#define UNDERSTUDY_ARCH_X86_ACPI_HOST_H

#include "arch/x86/acpi.h"
#include "boot/bootinfo.h"
#include "errno.h"

/* Decodes and reports the host's ACPI tables from the boot loader's RSDP. */
int acpi_host_init(const struct boot_info *bi);

/* The decoded tables, or NULL when there were none usable. */
const struct acpi_info *acpi_host_info(void);

#endif
