/*
 * Per-device operations: BAR sizing and mapping (PCI Local Bus Specification
 * 3.0, 6.2.5.1 "Address Maps"), decoding and bus mastering (6.2.2 "Device
 * Control"), the capability list (6.7 "Capabilities List") and MSI (6.8.1
 * "MSI Capability Structure").
 */
#include "drivers/pci/pci.h"

#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "drivers/pci/pci_regs.h"
#include "errno.h"

static unsigned bar_count(const struct pci_dev *d)
{
	switch (d->header_type) {
	case PCI_HEADER_TYPE_NORMAL:
		return PCI_BAR_COUNT;
	case PCI_HEADER_TYPE_BRIDGE:
		return PCI_BRIDGE_BAR_COUNT;
	}
	return 0;
}

static u16 bar_offset(unsigned n)
{
	return PCI_BAR0 + 4 * n;
}

/* True when BAR n holds the upper 32 bits of a 64-bit BAR. Walks from BAR 0,
 * since an upper half's value may itself look like a 64-bit BAR. */
static bool is_upper_half(const struct pci_dev *d, unsigned n)
{
	unsigned i = 0;

	while (i < n)
		i += pci_bar_is64(pci_read32(d, bar_offset(i))) ? 2 : 1;
	return i != n;
}

/* Writes all ones to the BAR at off and returns what reads back, restoring
 * the original value (6.2.5.1: "decoding ... should be disabled" meanwhile,
 * which the caller does). */
static u32 probe_bar(const struct pci_dev *d, u16 off, u32 orig)
{
	u32 probe;

	pci_write32(d, off, ~0u);
	probe = pci_read32(d, off);
	pci_write32(d, off, orig);
	return probe;
}

int pci_bar(const struct pci_dev *d, unsigned n, struct pci_bar *out)
{
	u16 off = bar_offset(n), cmd;
	u32 orig, orig_hi = 0, probe, probe_hi = 0;
	bool is64;

	*out = (struct pci_bar){ 0 };
	if (n >= bar_count(d))
		return -ENODEV;
	if (is_upper_half(d, n))
		return -ENODEV;
	orig = pci_read32(d, off);
	is64 = pci_bar_is64(orig);
	if (is64 && n + 1 >= bar_count(d))
		return -ENODEV; /* a 64-bit BAR in the last slot is malformed */
	cmd = pci_read16(d, PCI_COMMAND);
	if (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	probe = probe_bar(d, off, orig);
	if (is64) {
		orig_hi = pci_read32(d, off + 4);
		probe_hi = probe_bar(d, off + 4, orig_hi);
	}
	if (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		pci_write16(d, PCI_COMMAND, cmd);
	return pci_bar_decode(orig, probe, orig_hi, probe_hi, out);
}

void *pci_map_bar(const struct pci_bar *bar)
{
	if (!bar->present || bar->io || !bar->base)
		return NULL;
	if (mm_map_mmio(bar->base, bar->size))
		return NULL;
	return phys_to_virt(bar->base);
}

void pci_enable(const struct pci_dev *d)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND,
		    cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* Walks the list from the pointer at 34h; bounded by PCI_CAP_LIST_MAX so a
 * list that loops (broken hardware) ends. */
u8 pci_find_capability(const struct pci_dev *d, u8 id)
{
	u8 ptr;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = pci_read8(d, PCI_CAPABILITY_LIST) & PCI_CAP_PTR_MASK;
	for (unsigned i = 0; ptr && i < PCI_CAP_LIST_MAX; i++) {
		if (pci_read8(d, ptr + PCI_CAP_ID) == id)
			return ptr;
		ptr = pci_read8(d, ptr + PCI_CAP_NEXT) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

/* 6.8.3.1 "MSI Configuration": program address and data with MSI off, ask
 * for one message, unmask it, then enable MSI and turn INTx off. */
int pci_enable_msi(const struct pci_dev *d, u8 vector)
{
	u8 cap = pci_find_capability(d, PCI_CAP_ID_MSI);
	u16 ctrl, data;
	u32 address;
	bool is64;

	if (!cap)
		return -ENODEV;
	ctrl = pci_read16(d, cap + PCI_MSI_CONTROL);
	is64 = ctrl & PCI_MSI_CONTROL_64BIT;
	ctrl &= ~(PCI_MSI_CONTROL_ENABLE | PCI_MSI_CONTROL_MME_MASK);
	pci_write16(d, cap + PCI_MSI_CONTROL, ctrl);

	pci_msi_message(lapic_id(), vector, &address, &data);
	pci_write32(d, cap + PCI_MSI_ADDRESS_LO, address);
	if (is64)
		pci_write32(d, cap + PCI_MSI_ADDRESS_HI, 0);
	pci_write16(d, cap + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), data);
	if (ctrl & PCI_MSI_CONTROL_MASKABLE)
		pci_write32(d, cap + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32), 0);

	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	pci_write16(d, cap + PCI_MSI_CONTROL, ctrl | PCI_MSI_CONTROL_ENABLE);
	return 0;
}
