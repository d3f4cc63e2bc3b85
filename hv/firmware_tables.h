/*
 * What PC firmware leaves in memory for the kernel it boots, written by
 * Understudy into guest RAM before the guest starts: the BIOS data area's
 * EBDA pointer and base-memory size, the ACPI tables (hv/acpi_tables.h) and
 * the MP tables (hv/mptable.h), in the BIOS area where kernels search for
 * them (ACPI 6.4, 5.2.5.1 "Finding the RSDP on IA-PC Systems": 16-byte
 * boundaries in 0xE0000-0xFFFFF; MP Specification 1.4, 4 "MP Configuration
 * Table": 0xF0000-0xFFFFF among others). Pure code.
 */
#ifndef UNDERSTUDY_HV_FIRMWARE_TABLES_H
#define UNDERSTUDY_HV_FIRMWARE_TABLES_H

#include "hv/acpi_tables.h"
#include "hv/mptable.h"
#include "types.h"

#define FW_ACPI_GPA 0xE0000ULL      /* RSDP first */
#define FW_MP_GPA 0xF0000ULL        /* MP floating pointer first */
#define FW_BIOS_END 0x100000ULL
#define FW_BDA_EBDA_SEGMENT 0x40E   /* u16: EBDA segment (IBM PC AT BIOS data area) */
#define FW_BDA_BASE_MEM_KIB 0x413   /* u16: conventional memory in KiB */
#define FW_EBDA_GPA 0x9FC00ULL
#define FW_BASE_MEM_KIB 639         /* up to the EBDA */
#define FW_PARAGRAPH_SHIFT 4        /* real-mode segment = address >> 4 */

struct firmware_platform {
	struct acpi_platform acpi;
	struct mp_platform mp;
};

/*
 * Writes the BIOS data area fields, the ACPI tables and the MP tables into
 * guest RAM ram[0, ram_size). Returns 0 with *rsdp_gpa, or a negative errno
 * (-ERANGE: guest RAM does not reach the BIOS area).
 */
int firmware_tables_write(u8 *ram, u64 ram_size, const struct firmware_platform *pf,
			  u64 *rsdp_gpa);

#endif
