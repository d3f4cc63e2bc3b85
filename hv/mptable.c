/*
 * Generated MP tables (see mptable.h). Intel MultiProcessor Specification
 * 1.4: 4.1 "MP Floating Pointer Structure", 4.2 "MP Configuration Table
 * Header", 4.3 "Base MP Configuration Table Entries"; the default PC
 * interrupt routing of 5.1 "Default Configurations" with IRQ 0 on INTIN2
 * as PC firmware (and the ACPI MADT's override) describes it. Both
 * structures are checksummed (bytes sum to zero).
 */
#include "hv/mptable.h"

#include <string.h>

#include "errno.h"

#define FLOAT_ALIGN 16
#define FLOAT_LENGTH 1                 /* 16-byte paragraphs */
#define OEM_ID "USTUDY  "
#define PRODUCT_ID "UNDERSTUDY  "
#define ISA_BUS_ID 0                   /* without PCI */
#define PCI_BUS_ID 0                   /* with PCI: the PCI bus number (bus 0) ... */
#define ISA_BUS_ID_PCI 1               /* ... and the ISA bus after it */
#define ISA_BUS_TYPE "ISA   "
#define PCI_BUS_TYPE "PCI   "
#define IRQ_PIT 0
#define IRQ_CASCADE 2                  /* the slave 8259: no ISA device */
#define PIN_PIT 2
#define LINT0 0
#define LINT1 1
#define ALL_LAPICS 0xFF
#define INT_CONFORMS 0
#define INT_PCI_LEVEL_LOW 0x0F         /* Table 4-10: PO = 11 active low, EL = 11 level */
#define PCI_SLOT_SHIFT 2               /* D.3 "PCI Bus": source bus IRQ = device << 2 | INTx */
#define PCI_INTA 0
#define TABLES_LIMIT GiB(4)            /* 32-bit pointers */
/* processor, 2 buses, IOAPIC, 15 ISA interrupts (or 14 and a PCI one), 2 local interrupts */
#define ENTRIES_MAX (4 + (MP_ISA_IRQS - 1) + 2)
#define CONFIG_MAX (sizeof(struct mp_config_header) + sizeof(struct mp_processor) + \
		    8 * (ENTRIES_MAX - 1))

static u8 sum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 s = 0;

	for (size_t i = 0; i < len; i++)
		s = (u8)(s + b[i]);
	return s;
}

/* The configuration table as it is built: the header, then entries in the
 * order 4.3 asks (by type). */
struct mp_config {
	u8 bytes[CONFIG_MAX];
	size_t len;
	u16 entries;
};

static void append(struct mp_config *c, const void *entry, size_t len)
{
	memcpy(c->bytes + c->len, entry, len);
	c->len += len;
	c->entries++;
}

static void add_bus(struct mp_config *c, u8 id, const char type[6])
{
	struct mp_bus bus = { .type = MP_ENTRY_BUS, .bus_id = id };

	memcpy(bus.bus_type, type, sizeof(bus.bus_type));
	append(c, &bus, sizeof(bus));
}

static void add_int(struct mp_config *c, u8 type, u8 irq_type, u16 flags, u8 bus, u8 irq, u8 dst,
		    u8 pin)
{
	const struct mp_intsrc e = { type, irq_type, flags, bus, irq, dst, pin };

	append(c, &e, sizeof(e));
}

/* The ISA interrupts on the IOAPIC (PC wiring), the PCI device's INTA# on
 * its pin (level-triggered, active low) instead of the ISA IRQ of that
 * number (as SeaBIOS leaves out the IRQs its PCI devices use), the local
 * interrupts. */
static void add_interrupts(struct mp_config *c, const struct mp_platform *pf, u8 isa_bus)
{
	for (u8 irq = 0; irq < MP_ISA_IRQS; irq++)
		if (irq != IRQ_CASCADE && (!pf->pci_intx_irq || irq != pf->pci_intx_irq))
			add_int(c, MP_ENTRY_IOINT, MP_INT, INT_CONFORMS, isa_bus, irq, pf->ioapic_id,
				irq == IRQ_PIT ? PIN_PIT : irq);
	if (pf->pci_intx_irq)
		add_int(c, MP_ENTRY_IOINT, MP_INT, INT_PCI_LEVEL_LOW, PCI_BUS_ID,
			(u8)(pf->pci_intx_slot << PCI_SLOT_SHIFT | PCI_INTA), pf->ioapic_id,
			pf->pci_intx_irq);
	add_int(c, MP_ENTRY_LOCALINT, MP_EXTINT, INT_CONFORMS, isa_bus, 0, ALL_LAPICS, LINT0);
	add_int(c, MP_ENTRY_LOCALINT, MP_NMI, INT_CONFORMS, isa_bus, 0, ALL_LAPICS, LINT1);
}

static void fill_config(struct mp_config *c, const struct mp_platform *pf)
{
	struct mp_config_header hdr = { .spec_rev = MP_SPEC_REV,
					.lapic_address = pf->lapic_address };
	const struct mp_processor cpu = { MP_ENTRY_PROCESSOR, pf->lapic_id, pf->lapic_version,
					  MP_CPU_ENABLED | MP_CPU_BSP, pf->cpu_signature,
					  pf->cpu_features, { 0, 0 } };
	const struct mp_ioapic ioapic = { MP_ENTRY_IOAPIC, pf->ioapic_id, pf->ioapic_version,
					  MP_IOAPIC_ENABLED, pf->ioapic_address };
	u8 isa_bus = pf->pci_intx_irq ? ISA_BUS_ID_PCI : ISA_BUS_ID;

	memset(c, 0, sizeof(*c));
	c->len = sizeof(hdr);
	append(c, &cpu, sizeof(cpu));
	if (pf->pci_intx_irq)
		add_bus(c, PCI_BUS_ID, PCI_BUS_TYPE);
	add_bus(c, isa_bus, ISA_BUS_TYPE);
	append(c, &ioapic, sizeof(ioapic));
	add_interrupts(c, pf, isa_bus);
	memcpy(hdr.signature, "PCMP", sizeof(hdr.signature));
	hdr.base_length = (u16)c->len;
	memcpy(hdr.oem_id, OEM_ID, sizeof(hdr.oem_id));
	memcpy(hdr.product_id, PRODUCT_ID, sizeof(hdr.product_id));
	hdr.entry_count = c->entries;
	memcpy(c->bytes, &hdr, sizeof(hdr));
	c->bytes[__builtin_offsetof(struct mp_config_header, checksum)] = (u8)-sum(c->bytes, c->len);
}

int mptable_build(u8 *buf, u64 gpa, u64 size, const struct mp_platform *pf)
{
	struct mp_floating fp = { .length = FLOAT_LENGTH, .spec_rev = MP_SPEC_REV };
	struct mp_config config;

	if (!IS_ALIGNED(gpa, FLOAT_ALIGN) || gpa + size > TABLES_LIMIT)
		return -EINVAL;
	fill_config(&config, pf);
	if (size < sizeof(fp) + config.len)
		return -ENOSPC;
	memset(buf, 0, size);
	memcpy(fp.signature, "_MP_", sizeof(fp.signature));
	fp.config_table = (u32)(gpa + sizeof(fp));
	fp.checksum = (u8)-sum(&fp, sizeof(fp));
	memcpy(buf, &fp, sizeof(fp));
	memcpy(buf + sizeof(fp), config.bytes, config.len);
	return 0;
}
