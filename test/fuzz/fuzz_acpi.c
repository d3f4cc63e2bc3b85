// sources: arch/x86/acpi.c
/*
 * Fuzzes arch/x86/acpi.c. The input is a small fake physical memory starting
 * at address 0: its first bytes are the RSDP, and the map callback serves any
 * range inside the input and NULL outside it, so table pointers, lengths and
 * entries all come from the fuzzer.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/x86/acpi.h"
#include "compiler.h"
#include "errno.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

struct fake_memory {
	const u8 *data;
	size_t size;
};

/* Serves [pa, pa + len) when it lies wholly inside the input. */
static const void *map_input(void *ctx, u64 pa, u64 len)
{
	const struct fake_memory *m = ctx;

	if (pa > m->size || len > m->size - pa)
		return NULL;
	return m->data + pa;
}

static void check_info(const struct acpi_info *info)
{
	CHECK(info->oem_id[6] == '\0');
	CHECK(info->table_count <= ACPI_MAX_TABLES);
	for (unsigned i = 0; i < info->table_count; i++)
		CHECK(info->table_sigs[i][4] == '\0');
	CHECK(info->ioapic_count <= ACPI_MAX_IOAPICS);
	CHECK(info->override_count <= ACPI_MAX_OVERRIDES);
	CHECK(info->ecam_count <= ACPI_MAX_MCFG);
	CHECK(info->has_madt || (info->cpu_count == 0 && info->ioapic_count == 0 &&
				 info->override_count == 0 && info->lapic_address == 0));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct acpi_info info;
	struct fake_memory m = { data, size };
	const char *why = "unset";
	int err = acpi_parse(data, size, map_input, &m, &info, &why);

	if (err) {
		CHECK(err == -EINVAL && why && *why);
		return 0;
	}
	CHECK(size >= ACPI_RSDP_V1_SIZE && !memcmp(data, "RSD PTR ", 8));
	CHECK(acpi_checksum(data, ACPI_RSDP_V1_SIZE) == 0);
	CHECK(!why || *why);
	check_info(&info);
	return 0;
}
