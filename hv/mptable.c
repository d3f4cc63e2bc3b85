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
#define ISA_BUS_ID 0
#define ISA_BUS_TYPE "ISA   "
#define IRQ_PIT 0
#define IRQ_CASCADE 2                  /* the slave 8259: no ISA device */
#define PIN_PIT 2
#define LINT0 0
#define LINT1 1
#define ALL_LAPICS 0xFF
#define INT_CONFORMS 0
#define TABLES_LIMIT GiB(4)            /* 32-bit pointers */
/* processor, bus, IOAPIC, 15 ISA interrupts, 2 local interrupts */
#define ENTRY_COUNT (3 + (MP_ISA_IRQS - 1) + 2)

static u8 sum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 s = 0;

	for (size_t i = 0; i < len; i++)
		s = (u8)(s + b[i]);
	return s;
}

struct mp_config {
	struct mp_config_header hdr;
	struct mp_processor cpu;
	struct mp_bus bus;
	struct mp_ioapic ioapic;
	struct mp_intsrc ioint[MP_ISA_IRQS - 1];
	struct mp_intsrc localint[2];
} __packed;
ASSERT_SIZE(struct mp_config, 44 + 20 + 8 + 8 + 8 * (MP_ISA_IRQS - 1 + 2));

static void fill_interrupts(struct mp_config *c, const struct mp_platform *pf)
{
	unsigned n = 0;

	for (u8 irq = 0; irq < MP_ISA_IRQS; irq++) {
		if (irq == IRQ_CASCADE)
			continue;
		c->ioint[n++] = (struct mp_intsrc){ MP_ENTRY_IOINT, MP_INT, INT_CONFORMS, ISA_BUS_ID,
						    irq, pf->ioapic_id,
						    irq == IRQ_PIT ? PIN_PIT : irq };
	}
	c->localint[0] = (struct mp_intsrc){ MP_ENTRY_LOCALINT, MP_EXTINT, INT_CONFORMS,
					     ISA_BUS_ID, 0, ALL_LAPICS, LINT0 };
	c->localint[1] = (struct mp_intsrc){ MP_ENTRY_LOCALINT, MP_NMI, INT_CONFORMS,
					     ISA_BUS_ID, 0, ALL_LAPICS, LINT1 };
}

static void fill_config(struct mp_config *c, const struct mp_platform *pf)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->hdr.signature, "PCMP", sizeof(c->hdr.signature));
	c->hdr.base_length = sizeof(*c);
	c->hdr.spec_rev = MP_SPEC_REV;
	memcpy(c->hdr.oem_id, OEM_ID, sizeof(c->hdr.oem_id));
	memcpy(c->hdr.product_id, PRODUCT_ID, sizeof(c->hdr.product_id));
	c->hdr.entry_count = ENTRY_COUNT;
	c->hdr.lapic_address = pf->lapic_address;
	c->cpu = (struct mp_processor){ MP_ENTRY_PROCESSOR, pf->lapic_id, pf->lapic_version,
					MP_CPU_ENABLED | MP_CPU_BSP, pf->cpu_signature,
					pf->cpu_features, { 0, 0 } };
	c->bus.type = MP_ENTRY_BUS;
	c->bus.bus_id = ISA_BUS_ID;
	memcpy(c->bus.bus_type, ISA_BUS_TYPE, sizeof(c->bus.bus_type));
	c->ioapic = (struct mp_ioapic){ MP_ENTRY_IOAPIC, pf->ioapic_id, pf->ioapic_version,
					MP_IOAPIC_ENABLED, pf->ioapic_address };
	fill_interrupts(c, pf);
	c->hdr.checksum = (u8)-sum(c, sizeof(*c));
}

int mptable_build(u8 *buf, u64 gpa, u64 size, const struct mp_platform *pf)
{
	struct mp_floating fp = { .length = FLOAT_LENGTH, .spec_rev = MP_SPEC_REV };
	struct mp_config config;

	if (!IS_ALIGNED(gpa, FLOAT_ALIGN) || gpa + size > TABLES_LIMIT)
		return -EINVAL;
	if (size < sizeof(fp) + sizeof(config))
		return -ENOSPC;
	memset(buf, 0, size);
	fill_config(&config, pf);
	memcpy(fp.signature, "_MP_", sizeof(fp.signature));
	fp.config_table = (u32)(gpa + sizeof(fp));
	fp.checksum = (u8)-sum(&fp, sizeof(fp));
	memcpy(buf, &fp, sizeof(fp));
	memcpy(buf + sizeof(fp), &config, sizeof(config));
	return 0;
}
