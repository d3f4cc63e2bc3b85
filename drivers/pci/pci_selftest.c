/*
 * Boot self-tests of the PCI layer on the devices pci_init found: BAR
 * sizing leaves every BAR and the command register as it found them, and
 * pci_enable_msi programs the MSI capability as PCI Local Bus Specification
 * 3.0, 6.8.1 "MSI Capability Structure" lays it out.
 */
#include "arch/x86/lapic.h"
#include "arch/x86/platform.h"
#include "arch/x86/trap.h"
#include "drivers/pci/pci.h"
#include "drivers/pci/pci_regs.h"
#include "errno.h"
#include "selftest.h"
#include "log.h"

/* Sizes every BAR of every device again and checks nothing moved. */
SELFTEST(pci_bar_sizing_restores)
{
	for (unsigned i = 0; i < pci_device_count(); i++) {
		const struct pci_dev *d = pci_device_get(i);
		u32 before[PCI_BAR_COUNT];
		u16 cmd = pci_read16(d, PCI_COMMAND);
		struct pci_bar bar;

		for (unsigned n = 0; n < PCI_BAR_COUNT; n++)
			before[n] = pci_read32(d, PCI_BAR0 + 4 * n);
		for (unsigned n = 0; n < PCI_BAR_COUNT; n++)
			pci_bar(d, n, &bar);
		for (unsigned n = 0; n < PCI_BAR_COUNT; n++) {
			if (pci_read32(d, PCI_BAR0 + 4 * n) != before[n]) {
				pr_err("selftest: pci %02x:%02x.%x BAR%u changed by sizing", d->bus,
				       d->dev, d->fn, n);
				return -EIO;
			}
		}
		if (pci_read16(d, PCI_COMMAND) != cmd) {
			pr_err("selftest: pci %02x:%02x.%x command register changed by sizing",
			       d->bus, d->dev, d->fn);
			return -EIO;
		}
	}
	return 0;
}

struct msi_regs {
	u16 cmd, ctrl, data;
	u32 addr_lo, addr_hi;
};

static void msi_save(const struct pci_dev *d, u8 cap, struct msi_regs *r)
{
	bool is64;

	r->cmd = pci_read16(d, PCI_COMMAND);
	r->ctrl = pci_read16(d, cap + PCI_MSI_CONTROL);
	is64 = r->ctrl & PCI_MSI_CONTROL_64BIT;
	r->addr_lo = pci_read32(d, cap + PCI_MSI_ADDRESS_LO);
	r->addr_hi = is64 ? pci_read32(d, cap + PCI_MSI_ADDRESS_HI) : 0;
	r->data = pci_read16(d, cap + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32));
}

/* Puts back what msi_save read, MSI enable last (as it was). */
static void msi_restore(const struct pci_dev *d, u8 cap, const struct msi_regs *r)
{
	bool is64 = r->ctrl & PCI_MSI_CONTROL_64BIT;

	pci_write16(d, cap + PCI_MSI_CONTROL, r->ctrl & ~PCI_MSI_CONTROL_ENABLE);
	pci_write32(d, cap + PCI_MSI_ADDRESS_LO, r->addr_lo);
	if (is64)
		pci_write32(d, cap + PCI_MSI_ADDRESS_HI, r->addr_hi);
	pci_write16(d, cap + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), r->data);
	pci_write16(d, PCI_COMMAND, r->cmd);
	pci_write16(d, cap + PCI_MSI_CONTROL, r->ctrl);
}

/* What pci_enable_msi must have left: our LAPIC's address, the vector as
 * data, one message, MSI on, INTx off. */
static bool msi_as_expected(const struct msi_regs *got, u8 vector)
{
	u32 address;
	u16 data;

	pci_msi_message(lapic_id(), vector, &address, &data);
	return got->addr_lo == address && got->addr_hi == 0 && got->data == data &&
	       (got->ctrl & PCI_MSI_CONTROL_ENABLE) && !(got->ctrl & PCI_MSI_CONTROL_MME_MASK) &&
	       (got->cmd & PCI_COMMAND_INTX_DISABLE);
}

/* The first driverless device with an MSI capability that is off, or NULL. */
static const struct pci_dev *find_idle_msi_device(u8 *cap)
{
	for (unsigned i = 0; i < pci_device_count(); i++) {
		const struct pci_dev *d = pci_device_get(i);

		*cap = d->driver ? 0 : pci_find_capability(d, PCI_CAP_ID_MSI);
		if (*cap && !(pci_read16(d, *cap + PCI_MSI_CONTROL) & PCI_MSI_CONTROL_ENABLE))
			return d;
	}
	return NULL;
}

/* Emulators only (a real device is not ours to reprogram, even briefly):
 * a driverless device with MSI off gets MSI pointed at us, is checked
 * register by register, and is put back. Its own interrupt sources stay
 * off, so no message is sent. Passes when there is no such device. */
SELFTEST(pci_msi_programming)
{
	const struct pci_dev *d;
	struct msi_regs saved, got;
	u8 cap;
	int err;

	if (platform_kind() == PLATFORM_HARDWARE || !(d = find_idle_msi_device(&cap)))
		return 0;
	msi_save(d, cap, &saved);
	err = pci_enable_msi(d, VECTOR_NIC);
	msi_save(d, cap, &got);
	msi_restore(d, cap, &saved);
	if (err || !msi_as_expected(&got, VECTOR_NIC)) {
		pr_err("selftest: pci %02x:%02x.%x MSI at %#x: address %#x:%08x data %#x "
		       "control %#x command %#x", d->bus, d->dev, d->fn, cap, got.addr_hi,
		       got.addr_lo, got.data, got.ctrl, got.cmd);
		return err ? err : -EIO;
	}
	pr_debug("selftest: pci %02x:%02x.%x MSI at %#x programmed and restored", d->bus, d->dev,
		 d->fn, cap);
	return 0;
}
