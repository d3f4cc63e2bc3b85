/*
 * The MP configuration tables Understudy generates for kernels without
 * ACPI (Intel MultiProcessor Specification 1.4): the MP floating pointer
 * structure and an MP configuration table naming one processor, the ISA
 * bus, one IOAPIC, the ISA interrupts' IOAPIC pins (IRQ 0 on pin 2, as on
 * a PC) and the local interrupts (ExtINT on LINT0, NMI on LINT1). Pure code,
 * built into a buffer standing for guest memory.
 */
#ifndef UNDERSTUDY_HV_MPTABLE_H
#define UNDERSTUDY_HV_MPTABLE_H

#include "compiler.h"
#include "types.h"

/* 4.1 "MP Floating Pointer Structure", Table 4-1 */
struct mp_floating {
	char signature[4];   /* "_MP_" */
	u32 config_table;    /* physical address of the configuration table */
	u8 length;           /* in 16-byte units: 1 */
	u8 spec_rev;         /* 4: version 1.4 */
	u8 checksum;
	u8 feature[5];       /* 1: 0 = a configuration table is present; 2 bit 7: IMCR present */
} __packed;
ASSERT_SIZE(struct mp_floating, 16);

/* 4.2 "MP Configuration Table Header", Table 4-2 */
struct mp_config_header {
	char signature[4];   /* "PCMP" */
	u16 base_length;     /* header and base entries */
	u8 spec_rev;
	u8 checksum;
	char oem_id[8];
	char product_id[12];
	u32 oem_table;
	u16 oem_table_size;
	u16 entry_count;
	u32 lapic_address;
	u16 ext_length;
	u8 ext_checksum;
	u8 reserved;
} __packed;
ASSERT_SIZE(struct mp_config_header, 44);

/* 4.3.1 "Processor Entries", Table 4-4 */
struct mp_processor {
	u8 type;             /* 0 */
	u8 lapic_id, lapic_version, cpu_flags;
	u32 signature;       /* CPUID.1:EAX stepping, model, family */
	u32 features;        /* CPUID.1:EDX */
	u32 reserved[2];
} __packed;
ASSERT_SIZE(struct mp_processor, 20);

/* 4.3.2 "Bus Entries", Table 4-6 */
struct mp_bus {
	u8 type;             /* 1 */
	u8 bus_id;
	char bus_type[6];    /* "ISA   " */
} __packed;
ASSERT_SIZE(struct mp_bus, 8);

/* 4.3.3 "I/O APIC Entries", Table 4-8 */
struct mp_ioapic {
	u8 type;             /* 2 */
	u8 id, version, flags;
	u32 address;
} __packed;
ASSERT_SIZE(struct mp_ioapic, 8);

/* 4.3.4 "I/O Interrupt Assignment Entries" (Table 4-10) and 4.3.5 "Local
 * Interrupt Assignment Entries" (Table 4-12) share a layout. */
struct mp_intsrc {
	u8 type;             /* 3: I/O, 4: local */
	u8 irq_type;         /* 0 INT, 1 NMI, 2 SMI, 3 ExtINT */
	u16 flags;           /* polarity bits 1:0, trigger bits 3:2; 0: conforms to the bus */
	u8 src_bus, src_irq;
	u8 dst_id;           /* IOAPIC ID, or local APIC ID (0xFF: all) */
	u8 dst_pin;          /* IOAPIC INTIN#, or LINTIN# */
} __packed;
ASSERT_SIZE(struct mp_intsrc, 8);

#define MP_ENTRY_PROCESSOR 0
#define MP_ENTRY_BUS 1
#define MP_ENTRY_IOAPIC 2
#define MP_ENTRY_IOINT 3
#define MP_ENTRY_LOCALINT 4
#define MP_INT 0
#define MP_NMI 1
#define MP_EXTINT 3
#define MP_CPU_ENABLED BIT(0)
#define MP_CPU_BSP BIT(1)
#define MP_IOAPIC_ENABLED BIT(0)
#define MP_SPEC_REV 4
#define MP_ISA_IRQS 16

struct mp_platform {
	u32 lapic_address;
	u8 lapic_id, lapic_version;
	u32 cpu_signature, cpu_features;
	u32 ioapic_address;
	u8 ioapic_id, ioapic_version;
	/* A PCI bus 0 with one device's INTA# (0: no PCI bus, the table as
	 * before): the device's slot and the IOAPIC pin (= ISA IRQ) it drives. */
	u8 pci_intx_slot, pci_intx_irq;
};

/* The tables' extent: they fit in this many bytes. */
#define MP_TABLES_SIZE 0x200

/*
 * Builds the floating pointer (first, 16-byte aligned, where the BIOS-area
 * scan finds it) and the configuration table into buf, which stands for
 * guest-physical [gpa, gpa + size). Returns 0, or -ENOSPC / -EINVAL.
 */
int mptable_build(u8 *buf, u64 gpa, u64 size, const struct mp_platform *pf);

#endif
