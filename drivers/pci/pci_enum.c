/*
 * Bus enumeration: every bus reachable from bus 0 through PCI-to-PCI bridges
 * (the numbers firmware assigned; nothing is renumbered), every function of
 * multi-function devices (PCI Local Bus Specification 3.0, 6.2.1 "Device
 * Identification", Header Type bit 7). Then one report line per function
 * and the drivers' probes.
 */
#include "drivers/pci/pci.h"

#include "drivers/pci/pci_internal.h"
#include "drivers/pci/pci_regs.h"
#include "fmt.h"
#include "log.h"

#define PCI_REPORT_LINE_MAX 320

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned device_count;
static bool overflowed;

/* Breadth-first queue of buses to scan; each bus enters it at most once. */
static struct {
	u8 bus[PCI_MAX_BUS];
	unsigned head, tail;
	u64 seen[PCI_MAX_BUS / 64];
} queue;

static void queue_bus(u8 bus)
{
	if (queue.seen[bus / 64] & BIT(bus % 64))
		return;
	queue.seen[bus / 64] |= BIT(bus % 64);
	queue.bus[queue.tail++] = bus;
}

/* A type 01h header is a PCI-to-PCI bridge's (6.2.1, Header Type), whatever
 * class it reports (normally 06.04, or 06.09 semi-transparent). */
static bool is_bridge(const struct pci_dev *d)
{
	return d->header_type == PCI_HEADER_TYPE_BRIDGE;
}

static bool is_host_bridge(const struct pci_dev *d)
{
	return d->class_code == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_HOST_BRIDGE;
}

/* Reads a present function's header into the table and queues what lies
 * behind it: a bridge's secondary bus, or, for functions of a multi-function
 * host bridge at 00:00, the root bus numbered like the function (several
 * host controllers, as Linux's legacy scan assumes). */
static void add_function(u8 bus, u8 dev, u8 fn)
{
	struct pci_dev *d;

	if (device_count == PCI_MAX_DEVICES) {
		overflowed = true;
		return;
	}
	d = &devices[device_count++];
	*d = (struct pci_dev){ .bus = bus, .dev = dev, .fn = fn };
	d->vendor = pci_read16(d, PCI_VENDOR_ID);
	d->device = pci_read16(d, PCI_DEVICE_ID);
	d->class_code = pci_read8(d, PCI_CLASS);
	d->subclass = pci_read8(d, PCI_SUBCLASS);
	d->prog_if = pci_read8(d, PCI_PROG_IF);
	d->header_type = pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	if (is_bridge(d)) {
		d->secondary_bus = pci_read8(d, PCI_SECONDARY_BUS);
		if (d->secondary_bus > bus)
			queue_bus(d->secondary_bus);
	} else if (bus == 0 && dev == 0 && fn > 0 && is_host_bridge(d)) {
		queue_bus(fn);
	}
}

static void scan_slot(u8 bus, u8 dev)
{
	struct pci_dev f0 = { .bus = bus, .dev = dev };
	unsigned fns;

	if (pci_read16(&f0, PCI_VENDOR_ID) == 0xFFFF)
		return;
	fns = pci_read8(&f0, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNCTION ? PCI_MAX_FN : 1;
	for (unsigned fn = 0; fn < fns; fn++) {
		struct pci_dev f = { .bus = bus, .dev = dev, .fn = fn };

		if (fn == 0 || pci_read16(&f, PCI_VENDOR_ID) != 0xFFFF)
			add_function(bus, dev, fn);
	}
}

static void scan_all(void)
{
	queue_bus(0);
	while (queue.head < queue.tail) {
		u8 bus = queue.bus[queue.head++];

		for (unsigned dev = 0; dev < PCI_MAX_DEV; dev++)
			scan_slot(bus, dev);
	}
}

static u32 location(const struct pci_dev *d)
{
	return (u32)d->bus << 16 | (u32)d->dev << 8 | d->fn;
}

/* Puts the table in bus:device.function order (the scan is breadth-first,
 * so a bridge's buses may be found out of order). */
static void sort_devices(void)
{
	for (unsigned i = 1; i < device_count; i++) {
		struct pci_dev d = devices[i];
		unsigned j = i;

		for (; j > 0 && location(&devices[j - 1]) > location(&d); j--)
			devices[j] = devices[j - 1];
		devices[j] = d;
	}
}

/* Appends ", BARn ..." for each implemented BAR (sizing it on the way). */
static size_t describe_bars(const struct pci_dev *d, char *buf, size_t len)
{
	size_t pos = 0;

	for (unsigned n = 0; n < PCI_BAR_COUNT && pos < len; n++) {
		struct pci_bar bar;

		if (pci_bar(d, n, &bar))
			continue;
		pos += fmt_snprintf(buf + pos, len - pos, "%s", pos ? ", " : " (");
		if (pos < len)
			pos += pci_format_bar(buf + pos, len - pos, n, &bar);
	}
	if (pos && pos < len)
		pos += fmt_snprintf(buf + pos, len - pos, ")");
	return pos;
}

/* "pci: 00:02.0 8086:100e class 02.00 e1000 (BAR0 mem 0xfebc0000 128 KiB,
 * BAR1 io 0xc000 64 B)": the driver's name when one claims the device, else
 * the class. */
static void report(const struct pci_dev *d)
{
	const struct pci_driver *drv = pci_driver_match(d);
	char line[PCI_REPORT_LINE_MAX];
	size_t pos;

	pos = fmt_snprintf(line, sizeof(line), "%02x:%02x.%x %04x:%04x class %02x.%02x %s",
			   d->bus, d->dev, d->fn, d->vendor, d->device, d->class_code, d->subclass,
			   drv ? drv->name : pci_class_name(d->class_code, d->subclass));
	if (is_bridge(d) && pos < sizeof(line))
		pos += fmt_snprintf(line + pos, sizeof(line) - pos, " to bus %02x",
				    d->secondary_bus);
	if (pos < sizeof(line))
		describe_bars(d, line + pos, sizeof(line) - pos);
	pr_info("pci: %s", line);
}

/* Hands each device to the driver that claims it; a failed probe leaves the
 * device unbound (the driver has said why). */
static unsigned probe_all(void)
{
	unsigned bound = 0;

	for (unsigned i = 0; i < device_count; i++) {
		struct pci_dev *d = &devices[i];
		const struct pci_driver *drv = pci_driver_match(d);

		if (drv && drv->probe(d) == 0) {
			d->driver = drv;
			bound++;
		}
	}
	return bound;
}

int pci_init(void)
{
	static bool done;
	unsigned bound;

	if (done)
		return (int)device_count;
	done = true;
	if (pci_config_init()) {
		pr_warn("pci: no configuration access mechanism; no PCI devices");
		return 0;
	}
	scan_all();
	sort_devices();
	for (unsigned i = 0; i < device_count; i++)
		report(&devices[i]);
	if (overflowed)
		pr_warn("pci: more than %u functions; the rest are not listed", PCI_MAX_DEVICES);
	bound = probe_all();
	pr_info("pci: %u function%s on %u bus%s, %u bound to a driver", device_count,
		device_count == 1 ? "" : "s", queue.tail, queue.tail == 1 ? "" : "es", bound);
	return (int)device_count;
}

unsigned pci_device_count(void)
{
	return device_count;
}

const struct pci_dev *pci_device_get(unsigned i)
{
	return i < device_count ? &devices[i] : NULL;
}
