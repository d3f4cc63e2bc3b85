/*
 * The firmware tables of the guest's PC (hv/firmware_tables.h), describing
 * the devices of hv/vm_devices.c: one CPU with its local APIC, the IOAPIC,
 * the ACPI PM block with its SCI on IRQ 9, and with guest_nic= the PCI bus
 * and its NIC's interrupt (hv/vm_nic.h).
 */
#include "hv/guest_boot.h"

#include "hv/firmware_tables.h"
#include "hv/linux_load.h"
#include "hv/vdev/acpi_pm.h"
#include "hv/vm_devices.h"
#include "hv/vm_nic.h"
#include "log.h"

#define GUEST_SCI_IRQ 9 /* the PC's SCI (PIIX4 and ICH9 alike) */

/* The memory map the Linux loaders give marks the tables' area reserved. */
STATIC_ASSERT(FW_ACPI_GPA >= LINUX_BIOS_GPA && FW_BIOS_END == LINUX_HIGH_MEM,
	      "the firmware tables lie outside the reserved BIOS area");
STATIC_ASSERT(FW_EBDA_GPA == LINUX_EBDA_GPA, "the EBDA moved");

/* The MP processor entry's CPU signature and features are left 0 (allowed
 * by MP 1.4, 4.3.1 for processors whose CPUID the BIOS does not report):
 * the tables then depend only on the configuration, so a replay on another
 * host writes the same bytes; kernels read the CPU's identity from CPUID. */
int guest_firmware_write(struct vm *vm, u64 *rsdp_gpa)
{
	const bool pci = vm_nic_present(vm);
	const struct firmware_platform pf = {
		.acpi = { .lapic_address = (u32)GUEST_LAPIC_BASE, .lapic_id = GUEST_APIC_ID,
			  .ioapic_address = (u32)GUEST_IOAPIC_BASE, .ioapic_id = GUEST_IOAPIC_ID,
			  .pm_base = VACPI_PM_BASE, .sci_irq = GUEST_SCI_IRQ,
			  .s5_slp_typ = VACPI_S5_SLP_TYP,
			  .pci_intx_slot = pci ? GUEST_NIC_SLOT : 0,
			  .pci_intx_irq = pci ? GUEST_NIC_IRQ : 0 },
		.mp = { .lapic_address = (u32)GUEST_LAPIC_BASE, .lapic_id = GUEST_APIC_ID,
			.lapic_version = GUEST_LAPIC_VERSION,
			.ioapic_address = (u32)GUEST_IOAPIC_BASE, .ioapic_id = GUEST_IOAPIC_ID,
			.ioapic_version = GUEST_IOAPIC_VERSION,
			.pci_intx_slot = pci ? GUEST_NIC_SLOT : 0,
			.pci_intx_irq = pci ? GUEST_NIC_IRQ : 0 },
	};
	int err = firmware_tables_write(vm->ram, vm->ram_size, &pf, rsdp_gpa);

	if (err)
		pr_err("guest: cannot write the ACPI and MP tables (%d)", err);
	return err;
}
