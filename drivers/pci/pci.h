/*
 * PCI configuration access (configuration mechanism 1 at ports 0xCF8/0xCFC,
 * or ECAM from the ACPI MCFG table), enumeration, BAR sizing and mapping,
 * and MSI set-up (PCI Local Bus Specification 3.0, 6.1 "Configuration Space
 * Organization", 6.2.5 "Base Addresses", 6.8 "Message Signaled Interrupts").
 * Only segment 0 is used. Register offsets and bits are in pci_regs.h.
 */
#ifndef UNDERSTUDY_DRIVERS_PCI_PCI_H
#define UNDERSTUDY_DRIVERS_PCI_PCI_H

#include "types.h"

#define PCI_MAX_DEVICES 64 /* functions remembered by enumeration */

struct pci_driver;

struct pci_dev {
	u8 bus, dev, fn;
	u16 vendor, device;
	u8 class_code, subclass, prog_if;
	u8 irq_line, irq_pin;
	u8 header_type;       /* PCI_HEADER_TYPE_* without the multi-function bit */
	u8 secondary_bus;     /* bridges: the bus behind them */
	const struct pci_driver *driver; /* bound by a successful probe, else NULL */
};

struct pci_bar {
	bool present;
	bool io;            /* I/O space (else memory) */
	bool is64;
	bool prefetchable;
	u64 base;           /* port or physical address */
	u64 size;
};

u32 pci_read32(const struct pci_dev *d, u16 off);
u16 pci_read16(const struct pci_dev *d, u16 off);
u8 pci_read8(const struct pci_dev *d, u16 off);
void pci_write32(const struct pci_dev *d, u16 off, u32 v);
void pci_write16(const struct pci_dev *d, u16 off, u16 v);
void pci_write8(const struct pci_dev *d, u16 off, u8 v);

/* Sizes BAR n (0-5) by the write-all-ones probe with decoding off, and
 * restores it; 0, or -ENODEV when the BAR is not implemented or is the upper
 * half of a 64-bit BAR. */
int pci_bar(const struct pci_dev *d, unsigned n, struct pci_bar *out);
/* Maps a memory BAR uncached and returns its virtual address, or NULL
 * (I/O BAR, unassigned, or out of page-table memory). */
void *pci_map_bar(const struct pci_bar *bar);
/* Enables memory/I/O decoding and bus mastering. */
void pci_enable(const struct pci_dev *d);
/* Offset of capability id in the capability list, or 0. */
u8 pci_find_capability(const struct pci_dev *d, u8 id);
/* Points the device's MSI (capability 05h) at this CPU's LAPIC with vector
 * (one message, fixed delivery, edge) and disables INTx; 0, or -ENODEV when
 * the device has no MSI. */
int pci_enable_msi(const struct pci_dev *d, u8 vector);

/* A driver: claims devices by vendor/device id. */
struct pci_driver {
	const char *name;
	u16 vendor;
	const u16 *devices;      /* 0-terminated list */
	int (*probe)(const struct pci_dev *d);
};

/* Scans every bus reachable from bus 0 through bridges, reports each
 * device, and probes the matching drivers (drivers/pci/pci_drivers.c lists
 * them). Returns the device count. */
int pci_init(void);

/* The devices pci_init found, in bus:device.function order (pointers
 * stay valid). */
unsigned pci_device_count(void);
const struct pci_dev *pci_device_get(unsigned i);

/* ---- pure helpers (drivers/pci/pci_decode.c, unit-tested) ---- */

/*
 * Decodes a BAR from its original value and the value read back after
 * writing all ones (orig_hi/probe_hi: the next BAR, for 64-bit memory BARs).
 * Returns 0, or -ENODEV when nothing is implemented (probe reads 0).
 */
int pci_bar_decode(u32 orig, u32 probe, u32 orig_hi, u32 probe_hi, struct pci_bar *out);

/* True when a BAR value describes the low half of a 64-bit memory BAR. */
bool pci_bar_is64(u32 value);

/* The MSI message that delivers vector to the LAPIC with apic_id: fixed
 * delivery, physical destination, edge triggered. */
void pci_msi_message(u32 apic_id, u8 vector, u32 *address, u16 *data);

/* A short description of a class code ("host bridge", "Ethernet"). */
const char *pci_class_name(u8 class_code, u8 subclass);

/* Formats size as "64 B", "128 KiB", "256 MiB" (the largest unit that
 * divides it exactly). */
int pci_format_size(char *buf, size_t len, u64 size);

/* "BAR0 mem 0xfebc0000 128 KiB", "BAR4 mem64 pref 0xfe000000 16 KiB". */
int pci_format_bar(char *buf, size_t len, unsigned n, const struct pci_bar *bar);

#endif
