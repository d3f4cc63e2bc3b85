/*
 * Configuration space access: ECAM (PCI Express Base 3.0, 7.2.2 "PCI Express
 * Enhanced Configuration Access Mechanism (ECAM)") where the ACPI MCFG table
 * gives a window for segment 0, else configuration mechanism 1 (PCI Local
 * Bus Specification 3.0, 3.2.2.3.2 "Software Generation of Configuration
 * Transactions"). ECAM is mapped one bus (1 MiB) at a time, on first use.
 */
#include "drivers/pci/pci_internal.h"

#include "arch/x86/acpi_host.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "drivers/pci/pci.h"
#include "drivers/pci/pci_regs.h"
#include "errno.h"
#include "log.h"

static struct {
	bool usable;
	phys_addr_t base;       /* address of bus 0 (PCI Firmware 3.0, 4.1.2) */
	u8 bus_start, bus_end;
	u64 mapped[PCI_MAX_BUS / 64]; /* one bit per bus already mapped */
} ecam;

static bool mech1_present;

/* True when ECAM reaches bus, whose window is mapped now if need be. */
static bool ecam_covers(u8 bus)
{
	u64 bit = BIT(bus % 64);

	if (!ecam.usable || bus < ecam.bus_start || bus > ecam.bus_end)
		return false;
	if (ecam.mapped[bus / 64] & bit)
		return true;
	if (mm_map_mmio(ecam.base + ((u64)bus << PCI_ECAM_BUS_SHIFT), PCI_ECAM_BUS_SIZE)) {
		pr_warn("pci: cannot map ECAM for bus %02x; using mechanism 1", bus);
		return false;
	}
	ecam.mapped[bus / 64] |= bit;
	return true;
}

static volatile void *ecam_ptr(const struct pci_dev *d, u16 off)
{
	u64 pa = ecam.base + ((u64)d->bus << PCI_ECAM_BUS_SHIFT) +
		 ((u64)d->dev << PCI_ECAM_DEV_SHIFT) + ((u64)d->fn << PCI_ECAM_FN_SHIFT) + off;

	return phys_to_virt(pa);
}

static u32 mech1_address(const struct pci_dev *d, u16 off)
{
	return PCI_CONFIG_ENABLE | ((u32)d->bus << PCI_CONFIG_BUS_SHIFT) |
	       ((u32)d->dev << PCI_CONFIG_DEV_SHIFT) | ((u32)d->fn << PCI_CONFIG_FN_SHIFT) |
	       (off & PCI_CONFIG_REG_MASK);
}

/* Which way an access of width bytes at off goes: 'e' ECAM, '1' mechanism 1,
 * 0 none (beyond the 256 bytes mechanism 1 reaches, or misaligned). */
static char route(const struct pci_dev *d, u16 off, unsigned width)
{
	if (off & (width - 1) || off > PCI_EXT_CONFIG_SPACE_SIZE - width)
		return 0;
	if (ecam_covers(d->bus))
		return 'e';
	if (mech1_present && off < PCI_CONFIG_SPACE_SIZE)
		return '1';
	return 0;
}

u32 pci_read32(const struct pci_dev *d, u16 off)
{
	switch (route(d, off, 4)) {
	case 'e':
		return *(volatile u32 *)ecam_ptr(d, off);
	case '1':
		outl(PCI_CONFIG_ADDRESS, mech1_address(d, off));
		return inl(PCI_CONFIG_DATA);
	}
	return ~0u;
}

u16 pci_read16(const struct pci_dev *d, u16 off)
{
	switch (route(d, off, 2)) {
	case 'e':
		return *(volatile u16 *)ecam_ptr(d, off);
	case '1':
		outl(PCI_CONFIG_ADDRESS, mech1_address(d, off));
		return inw(PCI_CONFIG_DATA + (off & 2));
	}
	return 0xFFFF;
}

u8 pci_read8(const struct pci_dev *d, u16 off)
{
	switch (route(d, off, 1)) {
	case 'e':
		return *(volatile u8 *)ecam_ptr(d, off);
	case '1':
		outl(PCI_CONFIG_ADDRESS, mech1_address(d, off));
		return inb(PCI_CONFIG_DATA + (off & 3));
	}
	return 0xFF;
}

void pci_write32(const struct pci_dev *d, u16 off, u32 v)
{
	switch (route(d, off, 4)) {
	case 'e':
		*(volatile u32 *)ecam_ptr(d, off) = v;
		break;
	case '1':
		outl(PCI_CONFIG_ADDRESS, mech1_address(d, off));
		outl(PCI_CONFIG_DATA, v);
		break;
	}
}

void pci_write16(const struct pci_dev *d, u16 off, u16 v)
{
	switch (route(d, off, 2)) {
	case 'e':
		*(volatile u16 *)ecam_ptr(d, off) = v;
		break;
	case '1':
		outl(PCI_CONFIG_ADDRESS, mech1_address(d, off));
		outw(PCI_CONFIG_DATA + (off & 2), v);
		break;
	}
}

void pci_write8(const struct pci_dev *d, u16 off, u8 v)
{
	switch (route(d, off, 1)) {
	case 'e':
		*(volatile u8 *)ecam_ptr(d, off) = v;
		break;
	case '1':
		outl(PCI_CONFIG_ADDRESS, mech1_address(d, off));
		outb(PCI_CONFIG_DATA + (off & 3), v);
		break;
	}
}

/* Mechanism 1 exists when CONFIG_ADDRESS keeps the enable bit written to it
 * (the check Linux's pci_check_type1 makes); the old value is restored. */
static bool probe_mech1(void)
{
	u32 saved = inl(PCI_CONFIG_ADDRESS);
	bool present;

	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE);
	present = inl(PCI_CONFIG_ADDRESS) == PCI_CONFIG_ENABLE;
	outl(PCI_CONFIG_ADDRESS, saved);
	return present;
}

/* Takes the MCFG entry for segment 0, and keeps it only when it reads host
 * bridge 00:00.0's ids as mechanism 1 does (a wrong MCFG would otherwise
 * make every device vanish). */
static void setup_ecam(void)
{
	const struct acpi_info *acpi = acpi_host_info();
	const struct pci_dev host = { 0 };
	u32 ids_mech1;

	for (unsigned i = 0; acpi && i < acpi->ecam_count; i++) {
		const struct acpi_ecam *e = &acpi->ecam[i];

		if (e->segment != 0 || e->bus_start > e->bus_end)
			continue;
		ecam.base = e->base;
		ecam.bus_start = e->bus_start;
		ecam.bus_end = e->bus_end;
		break;
	}
	if (!ecam.base)
		return;
	ids_mech1 = mech1_present ? pci_read32(&host, PCI_VENDOR_ID) : 0;
	ecam.usable = true;
	if (mech1_present && ecam_covers(0) && pci_read32(&host, PCI_VENDOR_ID) != ids_mech1) {
		pr_warn("pci: ECAM at %#llx disagrees with mechanism 1; not using it",
			ecam.base);
		ecam.usable = false;
	}
}

int pci_config_init(void)
{
	mech1_present = probe_mech1();
	setup_ecam();
	if (ecam.usable)
		pr_info("pci: configuration through ECAM at %#llx, buses %02x-%02x%s",
			ecam.base, ecam.bus_start, ecam.bus_end,
			mech1_present ? " (mechanism 1 for the rest)" : "");
	else if (mech1_present)
		pr_info("pci: configuration mechanism 1 (ports 0xcf8/0xcfc)");
	else
		return -ENODEV;
	return 0;
}
