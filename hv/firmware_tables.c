/* Firmware leftovers in guest RAM: BDA, ACPI and MP tables (see
 * firmware_tables.h). */
#include "hv/firmware_tables.h"

#include <string.h>

#include "errno.h"

STATIC_ASSERT(FW_ACPI_GPA + ACPI_TABLES_SIZE <= FW_MP_GPA, "ACPI tables overlap the MP tables");
STATIC_ASSERT(FW_MP_GPA + MP_TABLES_SIZE <= FW_BIOS_END, "MP tables leave the BIOS area");

static void put16(u8 *ram, u64 gpa, u16 value)
{
	memcpy(ram + gpa, &value, sizeof(value));
}

int firmware_tables_write(u8 *ram, u64 ram_size, const struct firmware_platform *pf,
			  u64 *rsdp_gpa)
{
	int err;

	if (ram_size < FW_BIOS_END)
		return -ERANGE;
	put16(ram, FW_BDA_EBDA_SEGMENT, (u16)(FW_EBDA_GPA >> FW_PARAGRAPH_SHIFT));
	put16(ram, FW_BDA_BASE_MEM_KIB, FW_BASE_MEM_KIB);
	err = acpi_tables_build(ram + FW_ACPI_GPA, FW_ACPI_GPA, ACPI_TABLES_SIZE, &pf->acpi,
				rsdp_gpa);
	if (!err)
		err = mptable_build(ram + FW_MP_GPA, FW_MP_GPA, MP_TABLES_SIZE, &pf->mp);
	return err;
}
