/*
 * The guest's PCI bus 0 behind a host bridge, reached by configuration
 * mechanism 1 (PCI Local Bus Specification 3.0, 3.2.2.3.2 "Software
 * Generation of Configuration Transactions": CONFIG_ADDRESS at 0xCF8,
 * CONFIG_DATA at 0xCFC-0xCFF, byte, word and dword accesses). The host
 * bridge is function 00:00.0; each other function is a struct vpci_fn a
 * device model owns and plugs into a slot. A slot with nothing in it, a
 * function other than 0, and every other bus read as all ones (6.1
 * "Configuration Space Organization": no device answers, the host bridge
 * ends the transaction with a master abort). Pure code (host-tested).
 */
#ifndef UNDERSTUDY_HV_VDEV_PCI_HOST_H
#define UNDERSTUDY_HV_VDEV_PCI_HOST_H

#include "drivers/pci/pci_regs.h"
#include "hv/io_bus.h"
#include "types.h"

#define VPCI_SLOTS 32           /* devices on bus 0 (PCI_MAX_DEV) */
#define VPCI_HOST_SLOT 0
#define VPCI_CONFIG_PORTS 4     /* CONFIG_ADDRESS and CONFIG_DATA are 4 ports each */

/*
 * One function's 256-byte configuration space (a type 00h header, 6.1).
 * Writes change only the bits wmask allows; a BAR's writable bits are its
 * address bits above its size, so writing all ones reads back the size
 * mask (6.2.5.1 "Address Maps"). changed is told after every write that
 * touched the command register or a BAR, so the device can map its BARs
 * where the guest put them.
 */
struct vpci_fn {
	u8 cfg[PCI_CONFIG_SPACE_SIZE];
	u8 wmask[PCI_CONFIG_SPACE_SIZE];
	void (*changed)(void *ctx);
	void *ctx;
};

struct vpci {
	u32 address;                   /* CONFIG_ADDRESS as last written */
	struct vpci_fn host;           /* 00:00.0 */
	struct vpci_fn *slot[VPCI_SLOTS];
	u64 bad_accesses;              /* to absent functions, or with the enable bit clear */
};

/* Identity of a function's header: vendor, device, class (base class,
 * sub-class, programming interface as one 24-bit value), subsystem. */
struct vpci_id {
	u16 vendor, device;
	u32 class_code;
	u16 subsystem_vendor, subsystem;
	u8 revision;
};

/* A type 00h header with that identity, everything else zero and read-only
 * except the command register's I/O, memory, bus-master and interrupt
 * disable bits and the Interrupt Line register. */
void vpci_fn_init(struct vpci_fn *fn, const struct vpci_id *id);

/* Makes BAR n (0-5) an I/O BAR of size bytes (a power of two, 4 to 256). */
void vpci_fn_io_bar(struct vpci_fn *fn, unsigned n, u32 size);

/* Interrupt Pin (1 = INTA#) and the Interrupt Line the firmware set. */
void vpci_fn_intx(struct vpci_fn *fn, u8 pin, u8 line);

/* The I/O base BAR n decodes at now, or 0 when the command register's I/O
 * enable bit is clear or the BAR holds no address. */
u16 vpci_fn_io_base(const struct vpci_fn *fn, unsigned n);

/* Is the function's INTx output disabled (the command register's bit 10)? */
bool vpci_fn_intx_disabled(const struct vpci_fn *fn);

/* Reads and writes at offset (any size from 1 to 4 that stays inside the
 * space), little-endian, through wmask. */
u32 vpci_fn_read(const struct vpci_fn *fn, u8 offset, u8 size);
void vpci_fn_write(struct vpci_fn *fn, u8 offset, u8 size, u32 value);

/* An empty bus with the host bridge at 00:00.0. */
void vpci_init(struct vpci *pci);

/* Plugs fn into slot (1 to 31); -EBUSY when taken, -EINVAL when out of range. */
int vpci_plug(struct vpci *pci, unsigned slot, struct vpci_fn *fn);

/* Claims CONFIG_ADDRESS and CONFIG_DATA on the port bus. */
int vpci_attach(struct vpci *pci, struct io_bus *pio);

/* The port handlers (offset 0-3 within CONFIG_ADDRESS or CONFIG_DATA). */
u64 vpci_address_read(void *dev, u64 offset, u8 size);
void vpci_address_write(void *dev, u64 offset, u8 size, u64 value);
u64 vpci_data_read(void *dev, u64 offset, u8 size);
void vpci_data_write(void *dev, u64 offset, u8 size, u64 value);

#endif
