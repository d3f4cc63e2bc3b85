/*
 * ACPI table discovery: RSDP -> RSDT/XSDT -> MADT (CPUs, IOAPICs, interrupt
 * overrides) and MCFG (PCI ECAM). Pure code over a mapping callback; the
 * tables come from firmware, so every length and checksum is checked.
 */
#ifndef UNDERSTUDY_ARCH_X86_ACPI_H
#define UNDERSTUDY_ARCH_X86_ACPI_H

#include "compiler.h"
#include "types.h"

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_MCFG 4
#define ACPI_MAX_TABLES 64

/* ACPI 6.4, 5.2.5.3 "Root System Description Pointer (RSDP) Structure" */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	u8 checksum;       /* of the first 20 bytes */
	char oem_id[6];
	u8 revision;       /* 0: ACPI 1.0 (20 bytes); 2: ACPI 2.0+ */
	u32 rsdt_address;
	u32 length;        /* revision >= 2 from here on */
	u64 xsdt_address;
	u8 extended_checksum;
	u8 reserved[3];
} __packed;
ASSERT_SIZE(struct acpi_rsdp, 36);
#define ACPI_RSDP_V1_SIZE 20

/* ACPI 6.4, 5.2.6 "System Description Table Header" */
struct acpi_sdt_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;
ASSERT_SIZE(struct acpi_sdt_header, 36);

struct acpi_ioapic {
	u8 id;
	u32 address;
	u32 gsi_base;
};

/* ACPI 6.4, 5.2.12.5 "Interrupt Source Override Structure" */
struct acpi_irq_override {
	u8 source_irq;
	u32 gsi;
	u16 flags; /* polarity bits 1:0, trigger mode bits 3:2 */
};

/* PCI Firmware Specification 3.0, 4.1.2 "MCFG Table Description" */
struct acpi_ecam {
	u64 base;
	u16 segment;
	u8 bus_start, bus_end;
};

struct acpi_info {
	u8 rsdp_revision;
	char oem_id[7];
	unsigned table_count;
	char table_sigs[ACPI_MAX_TABLES][5];

	bool has_madt;
	u64 lapic_address;
	bool pic_compat; /* MADT flags PCAT_COMPAT: 8259s present */
	unsigned cpu_count; /* enabled or online-capable processors */
	u32 cpu_apic_ids[ACPI_MAX_CPUS];
	unsigned ioapic_count;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned override_count;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];

	unsigned ecam_count;
	struct acpi_ecam ecam[ACPI_MAX_MCFG];
};

/* Returns a pointer to len readable bytes at physical address pa, or NULL. */
typedef const void *(*acpi_map_fn)(void *ctx, u64 pa, u64 len);

/*
 * Walks the tables starting at the RSDP copy rsdp (rsdp_len bytes). Returns 0,
 * or -EINVAL with *why saying what is malformed. A bad MADT or MCFG is
 * skipped with *why set while the rest is still decoded (return 0).
 */
int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out, const char **why);

/* Sum of bytes modulo 256 (ACPI tables sum to zero). */
u8 acpi_checksum(const void *p, size_t len);

#endif
