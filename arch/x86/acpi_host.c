/* Reads the firmware's ACPI tables on the running machine. */
#include "arch/x86/acpi_host.h"

#include "arch/x86/mm.h"
#include "log.h"

static struct acpi_info host_acpi;
static bool host_acpi_valid;

/* Below 4 GiB everything is identity-mapped; higher tables are mapped on
 * demand (uncached, as firmware memory may be). */
static const void *map_identity(void *ctx, u64 pa, u64 len)
{
	(void)ctx;
	if (pa + len < pa)
		return NULL;
	if (pa + len > GiB(4) && mm_map_mmio(pa, len))
		return NULL;
	return phys_to_virt(pa);
}

int acpi_host_init(const struct boot_info *bi)
{
	const char *why = NULL;
	int err;

	if (!bi->acpi_rsdp)
		return -ENODEV;
	err = acpi_parse(bi->acpi_rsdp, bi->acpi_rsdp_size, map_identity, NULL, &host_acpi, &why);
	if (err) {
		pr_err("acpi: tables unusable: %s", why);
		return err;
	}
	if (why)
		pr_warn("acpi: %s", why);
	host_acpi_valid = true;
	pr_info("acpi: OEM '%s', %u tables; %u CPU%s, %u IOAPIC%s%s", host_acpi.oem_id,
		host_acpi.table_count, host_acpi.cpu_count, host_acpi.cpu_count == 1 ? "" : "s",
		host_acpi.ioapic_count, host_acpi.ioapic_count == 1 ? "" : "s",
		host_acpi.pic_compat ? ", 8259 PICs" : "");
	for (unsigned i = 0; i < host_acpi.ioapic_count; i++)
		pr_info("acpi: IOAPIC id %u at %#x, GSI base %u", host_acpi.ioapics[i].id,
			host_acpi.ioapics[i].address, host_acpi.ioapics[i].gsi_base);
	for (unsigned i = 0; i < host_acpi.ecam_count; i++)
		pr_debug("acpi: PCI ECAM at %#llx, segment %u, buses %u-%u",
			 host_acpi.ecam[i].base, host_acpi.ecam[i].segment,
			 host_acpi.ecam[i].bus_start, host_acpi.ecam[i].bus_end);
	if (!host_acpi.has_madt)
		pr_warn("acpi: no MADT; assuming one CPU");
	return 0;
}

const struct acpi_info *acpi_host_info(void)
{
	return host_acpi_valid ? &host_acpi : NULL;
}
