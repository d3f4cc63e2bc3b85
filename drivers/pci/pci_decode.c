/*
 * Pure PCI arithmetic: BAR decoding from the all-ones probe (PCI Local Bus
 * Specification 3.0, 6.2.5.1 "Address Maps"), the x86 MSI message, class
 * names and the report's size and BAR formatting. No hardware access, so
 * the unit tests link it.
 */
#include "drivers/pci/pci.h"

#include "compiler.h"
#include "drivers/pci/pci_regs.h"
#include "errno.h"
#include "fmt.h"

bool pci_bar_is64(u32 value)
{
	return !(value & PCI_BAR_IO) &&
	       (value & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
}

/* The size a probe value encodes: its lowest writable address bit (6.2.5.1:
 * "the device returns zeros in all don't-care address bits"). Taking the
 * lowest set bit, not ~probe + 1, also copes with I/O BARs that implement
 * only 16 address bits and read back zeros above them. */
static u64 size_from_probe(u64 probe)
{
	return probe & (~probe + 1);
}

int pci_bar_decode(u32 orig, u32 probe, u32 orig_hi, u32 probe_hi, struct pci_bar *out)
{
	u64 base, mask;

	*out = (struct pci_bar){ 0 };
	if (orig & PCI_BAR_IO) {
		mask = probe & PCI_BAR_IO_MASK;
		base = orig & PCI_BAR_IO_MASK;
		out->io = true;
	} else if (pci_bar_is64(orig)) {
		mask = ((u64)probe_hi << 32) | (probe & PCI_BAR_MEM_MASK);
		base = ((u64)orig_hi << 32) | (orig & PCI_BAR_MEM_MASK);
		out->is64 = true;
	} else {
		mask = probe & PCI_BAR_MEM_MASK;
		base = orig & PCI_BAR_MEM_MASK;
	}
	if (!mask)
		return -ENODEV;
	out->present = true;
	out->prefetchable = !out->io && (orig & PCI_BAR_MEM_PREFETCH);
	out->base = base;
	out->size = size_from_probe(mask);
	return 0;
}

void pci_msi_message(u32 apic_id, u8 vector, u32 *address, u16 *data)
{
	*address = MSI_ADDRESS_BASE | ((apic_id & 0xFF) << MSI_ADDRESS_DEST_SHIFT);
	*data = vector & MSI_DATA_VECTOR_MASK;
}

struct class_name {
	u8 class_code, subclass;
	const char *name;
};

/* PCI Local Bus Specification 3.0, Appendix D "Class Codes" (those the
 * emulators and common servers show; others fall back to the base class). */
static const struct class_name subclass_names[] = {
	{ 0x01, 0x01, "IDE" },          { 0x01, 0x06, "SATA" },
	{ 0x01, 0x08, "NVMe" },         { 0x02, 0x00, "Ethernet" },
	{ 0x03, 0x00, "VGA" },          { 0x06, 0x00, "host bridge" },
	{ 0x06, 0x01, "ISA bridge" },   { 0x06, 0x04, "PCI bridge" },
	{ 0x06, 0x09, "PCI bridge" },   { 0x06, 0x80, "bridge" },
	{ 0x0C, 0x03, "USB" },          { 0x0C, 0x05, "SMBus" },
};

static const char *const base_class_names[] = {
	"unclassified", "storage", "network", "display", "multimedia", "memory",
	"bridge", "communication", "system peripheral", "input", "docking station",
	"processor", "serial bus", "wireless", "intelligent I/O", "satellite",
	"encryption", "signal processing", "accelerator", "instrumentation",
};

const char *pci_class_name(u8 class_code, u8 subclass)
{
	for (size_t i = 0; i < ARRAY_SIZE(subclass_names); i++)
		if (subclass_names[i].class_code == class_code &&
		    subclass_names[i].subclass == subclass)
			return subclass_names[i].name;
	if (class_code < ARRAY_SIZE(base_class_names))
		return base_class_names[class_code];
	return "unknown class";
}

int pci_format_size(char *buf, size_t len, u64 size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (u + 1 < ARRAY_SIZE(units) && size && !(size & (KiB(1) - 1))) {
		size >>= 10;
		u++;
	}
	return fmt_snprintf(buf, len, "%llu %s", size, units[u]);
}

int pci_format_bar(char *buf, size_t len, unsigned n, const struct pci_bar *bar)
{
	char size[24];

	pci_format_size(size, sizeof(size), bar->size);
	return fmt_snprintf(buf, len, "BAR%u %s%s %#llx %s", n,
			    bar->io ? "io" : bar->is64 ? "mem64" : "mem",
			    bar->prefetchable ? " pref" : "", bar->base, size);
}
