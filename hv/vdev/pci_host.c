/* The guest's PCI host bridge and configuration mechanism 1 (pci_host.h). */
#include "hv/vdev/pci_host.h"

#include <string.h>

#include "errno.h"

#define HOST_VENDOR 0x1B36          /* Red Hat, Inc. (QEMU's device IDs) */
#define HOST_DEVICE 0x0008          /* "QEMU PCIe Host bridge" */
#define CLASS_HOST_BRIDGE 0x060000  /* PCI Code and ID Assignment 1.11: bridge, host */
#define SUBSYSTEM_VENDOR 0x2C       /* 16 bits, 6.2.4 "Miscellaneous Registers" */
#define SUBSYSTEM_ID 0x2E
#define BAR_BYTES 4
#define ADDRESS_MASK 0x80FFFFFCu    /* 3.2.2.3.2: bits 30:24 reserved (read 0), 1:0 type 0 */
#define COMMAND_WRITABLE (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
			  PCI_COMMAND_INTX_DISABLE)
#define IO_BAR_MIN 4
#define IO_BAR_MAX 256              /* 6.2.5.1: an I/O BAR asks for at most 256 bytes */

static void put_le(u8 *p, u32 value, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (u8)(value >> (8 * i));
}

static u32 get_le(const u8 *p, unsigned bytes)
{
	u32 v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (u32)p[i] << (8 * i);
	return v;
}

void vpci_fn_init(struct vpci_fn *fn, const struct vpci_id *id)
{
	memset(fn, 0, sizeof(*fn));
	put_le(&fn->cfg[PCI_VENDOR_ID], id->vendor, 2);
	put_le(&fn->cfg[PCI_DEVICE_ID], id->device, 2);
	fn->cfg[PCI_REVISION_ID] = id->revision;
	put_le(&fn->cfg[PCI_PROG_IF], id->class_code, 3);
	fn->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_le(&fn->cfg[SUBSYSTEM_VENDOR], id->subsystem_vendor, 2);
	put_le(&fn->cfg[SUBSYSTEM_ID], id->subsystem, 2);
	put_le(&fn->wmask[PCI_COMMAND], COMMAND_WRITABLE, 2);
	fn->wmask[PCI_INTERRUPT_LINE] = 0xFF;
}

void vpci_fn_io_bar(struct vpci_fn *fn, unsigned n, u32 size)
{
	u8 off = (u8)(PCI_BAR0 + BAR_BYTES * n);

	if (n >= PCI_BAR_COUNT || size < IO_BAR_MIN || size > IO_BAR_MAX || (size & (size - 1)))
		return;
	put_le(&fn->cfg[off], PCI_BAR_IO, BAR_BYTES);
	put_le(&fn->wmask[off], ~(size - 1) & PCI_BAR_IO_MASK, BAR_BYTES);
}

void vpci_fn_intx(struct vpci_fn *fn, u8 pin, u8 line)
{
	fn->cfg[PCI_INTERRUPT_PIN] = pin;
	fn->cfg[PCI_INTERRUPT_LINE] = line;
}

u16 vpci_fn_io_base(const struct vpci_fn *fn, unsigned n)
{
	u32 bar;

	if (n >= PCI_BAR_COUNT)
		return 0;
	bar = get_le(&fn->cfg[PCI_BAR0 + BAR_BYTES * n], BAR_BYTES);
	if (!(bar & PCI_BAR_IO) ||
	    !(get_le(&fn->cfg[PCI_COMMAND], 2) & PCI_COMMAND_IO))
		return 0;
	bar &= PCI_BAR_IO_MASK;
	return bar > 0xFFFF ? 0 : (u16)bar; /* x86 port space is 64 KiB */
}

bool vpci_fn_intx_disabled(const struct vpci_fn *fn)
{
	return get_le(&fn->cfg[PCI_COMMAND], 2) & PCI_COMMAND_INTX_DISABLE;
}

static bool in_space(u8 offset, u8 size)
{
	return size >= 1 && size <= 4 && (unsigned)offset + size <= PCI_CONFIG_SPACE_SIZE;
}

u32 vpci_fn_read(const struct vpci_fn *fn, u8 offset, u8 size)
{
	if (!in_space(offset, size))
		return ~0u;
	return get_le(&fn->cfg[offset], size);
}

/* Does [offset, offset+size) touch the command register or a BAR? */
static bool touches_decoding(u8 offset, u8 size)
{
	unsigned end = (unsigned)offset + size;

	return (offset < PCI_COMMAND + 2 && end > PCI_COMMAND) ||
	       (offset < PCI_BAR0 + BAR_BYTES * PCI_BAR_COUNT && end > PCI_BAR0);
}

void vpci_fn_write(struct vpci_fn *fn, u8 offset, u8 size, u32 value)
{
	if (!in_space(offset, size))
		return;
	for (u8 i = 0; i < size; i++) {
		u8 m = fn->wmask[offset + i], b = (u8)(value >> (8 * i));

		fn->cfg[offset + i] = (u8)((fn->cfg[offset + i] & ~m) | (b & m));
	}
	if (fn->changed && touches_decoding(offset, size))
		fn->changed(fn->ctx);
}

void vpci_init(struct vpci *pci)
{
	const struct vpci_id host = { .vendor = HOST_VENDOR, .device = HOST_DEVICE,
				      .class_code = CLASS_HOST_BRIDGE };

	memset(pci, 0, sizeof(*pci));
	vpci_fn_init(&pci->host, &host);
	pci->slot[VPCI_HOST_SLOT] = &pci->host;
}

int vpci_plug(struct vpci *pci, unsigned slot, struct vpci_fn *fn)
{
	if (slot == VPCI_HOST_SLOT || slot >= VPCI_SLOTS)
		return -EINVAL;
	if (pci->slot[slot])
		return -EBUSY;
	pci->slot[slot] = fn;
	return 0;
}

/* The function CONFIG_ADDRESS selects, or NULL (disabled, another bus, an
 * empty slot, a function other than 0). */
static struct vpci_fn *selected(const struct vpci *pci)
{
	u32 a = pci->address;

	if (!(a & PCI_CONFIG_ENABLE) || ((a >> PCI_CONFIG_BUS_SHIFT) & 0xFF) ||
	    ((a >> PCI_CONFIG_FN_SHIFT) & (PCI_MAX_FN - 1)))
		return NULL;
	return pci->slot[(a >> PCI_CONFIG_DEV_SHIFT) & (PCI_MAX_DEV - 1)];
}

/* CONFIG_ADDRESS answers dword accesses only (3.2.2.3.2: other sizes go to
 * the I/O space behind it, where nothing is). */
u64 vpci_address_read(void *dev, u64 offset, u8 size)
{
	const struct vpci *pci = dev;

	return offset == 0 && size == 4 ? pci->address : (size >= 4 ? ~0u : (1u << (8 * size)) - 1);
}

void vpci_address_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vpci *pci = dev;

	if (offset == 0 && size == 4)
		pci->address = (u32)value & ADDRESS_MASK;
}

u64 vpci_data_read(void *dev, u64 offset, u8 size)
{
	struct vpci *pci = dev;
	const struct vpci_fn *fn = selected(pci);

	if (!fn) {
		pci->bad_accesses++;
		return size >= 4 ? ~0u : (1u << (8 * size)) - 1;
	}
	return vpci_fn_read(fn, (u8)((pci->address & PCI_CONFIG_REG_MASK) + offset), size);
}

void vpci_data_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vpci *pci = dev;
	struct vpci_fn *fn = selected(pci);

	if (!fn) {
		pci->bad_accesses++;
		return;
	}
	vpci_fn_write(fn, (u8)((pci->address & PCI_CONFIG_REG_MASK) + offset), size, (u32)value);
}

int vpci_attach(struct vpci *pci, struct io_bus *pio)
{
	const struct io_range address = { PCI_CONFIG_ADDRESS, VPCI_CONFIG_PORTS, pci,
					  vpci_address_read, vpci_address_write, "pci-address", 0 };
	const struct io_range data = { PCI_CONFIG_DATA, VPCI_CONFIG_PORTS, pci, vpci_data_read,
				       vpci_data_write, "pci-data", 0 };
	int err = io_bus_register(pio, &address);

	return err ? err : io_bus_register(pio, &data);
}
