#ifndef UNDERSTUDY_BOOT_BOOTINFO_REPORT_H
#define UNDERSTUDY_BOOT_BOOTINFO_REPORT_H

#include "boot/bootinfo.h"

/* Logs the boot information, naming every part that is not used. */
void bootinfo_report(const struct boot_info *bi);

#endif
