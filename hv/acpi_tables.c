/*
 * Generated ACPI tables (see acpi_tables.h). ACPI 6.4: 5.2.5 "Root System
 * Description Pointer (RSDP)", 5.2.7 "Root System Description Table
 * (RSDT)", 5.2.8 "Extended System Description Table (XSDT)", 5.2.9 "Fixed
 * ACPI Description Table (FADT)", 5.2.10 "Firmware ACPI Control Structure
 * (FACS)", 5.2.11.1 "Differentiated System Description Table (DSDT)",
 * 5.2.12 "Multiple APIC Description Table (MADT)"; AML encoding from 20.2
 * "AML Grammar Definition"; the \_S5 package from 7.4.2 "\_Sx (System
 * States)".
 */
#include "hv/acpi_tables.h"

#include <string.h>

#include "errno.h"
#include "hv/acpi_pci.h"
#include "hv/vdev/acpi_pm.h"

#define OEM_ID "USTUDY"          /* 6 characters */
#define OEM_TABLE_ID "UNDRSTDY"  /* 8 characters */
#define OEM_REVISION 1
#define CREATOR_ID 0x44545355    /* "USTD" */
#define CREATOR_REVISION 1
#define RSDP_REVISION 2          /* ACPI 2.0+: XSDT present */
#define RSDT_REVISION 1
#define XSDT_REVISION 1
#define FADT_REVISION 6          /* ACPI 6.x FADT, 276 bytes */
#define FADT_MINOR_VERSION 4     /* 6.4 */
#define FACS_VERSION 2
#define MADT_REVISION 5
#define DSDT_REVISION 2          /* 64-bit AML integers */
#define TABLE_ALIGN 16
#define TABLES_LIMIT GiB(4)      /* RSDT entries and the DSDT pointer are 32-bit */
#define BITS_PER_BYTE 8
#define SDT_ENTRIES 2            /* FADT, MADT */
#define ISA_BUS 0
#define IRQ_PIT 0
#define GSI_PIT 2                /* the PIT's output reaches IOAPIC pin 2 on a PC */
#define LINT1 1
#define PROFILE_UNSPECIFIED 0

/* 20.2.5.2 "Named Objects Encoding" / 20.2.5.4 "Expression Opcodes
 * Encoding": Name (_S5, Package (4) { typ, typ, 0, 0 }) */
#define AML_NAME_OP 0x08
#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0A
#define AML_ZERO_OP 0x00
#define S5_PKG_LENGTH 8          /* PkgLength byte + NumElements + 2 + 2 + 1 + 1 */
#define S5_ELEMENTS 4

struct builder {
	u8 *buf;
	u64 gpa, size, used;
	int err;
};

/* Reserves len bytes aligned to align; returns the offset into buf. */
static u64 take(struct builder *b, u64 len, u64 align)
{
	u64 off = ALIGN_UP(b->used, align);

	if (b->err || off > b->size || len > b->size - off) {
		b->err = -ENOSPC;
		return 0;
	}
	b->used = off + len;
	return off;
}

static void header(struct acpi_sdt_header *h, const char sig[4], u32 length, u8 revision)
{
	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = OEM_REVISION;
	h->creator_id = CREATOR_ID;
	h->creator_revision = CREATOR_REVISION;
}

/* Copies a finished table to off, with its checksum making it sum to 0. */
static void emit(struct builder *b, u64 off, void *table, u32 len)
{
	struct acpi_sdt_header *h = table;

	h->checksum = 0;
	h->checksum = (u8)-acpi_checksum(table, len);
	memcpy(b->buf + off, table, len);
}

static struct acpi_gas io_gas(u64 port, u8 bytes, u8 access)
{
	return (struct acpi_gas){ ACPI_GAS_SYSTEM_IO, (u8)(bytes * BITS_PER_BYTE), 0, access, port };
}

/* \_S5, and the PCI root bridge when the guest has a PCI bus. */
static u64 build_dsdt(struct builder *b, const struct acpi_platform *pf)
{
	const u8 aml[] = {
		AML_NAME_OP, '_', 'S', '5', '_', AML_PACKAGE_OP, S5_PKG_LENGTH, S5_ELEMENTS,
		AML_BYTE_PREFIX, pf->s5_slp_typ, AML_BYTE_PREFIX, pf->s5_slp_typ,
		AML_ZERO_OP, AML_ZERO_OP,
	};
	u8 table[sizeof(struct acpi_sdt_header) + sizeof(aml) + ACPI_PCI_AML_MAX] = { 0 };
	u32 len = sizeof(struct acpi_sdt_header) + sizeof(aml);
	u64 off;

	memcpy(table + sizeof(struct acpi_sdt_header), aml, sizeof(aml));
	if (pf->pci_intx_irq)
		len += (u32)acpi_pci_aml(table + len, ACPI_PCI_AML_MAX, pf->pci_intx_slot,
					 pf->pci_intx_irq);
	off = take(b, len, TABLE_ALIGN);
	header((struct acpi_sdt_header *)table, "DSDT", len, DSDT_REVISION);
	if (!b->err)
		emit(b, off, table, len);
	return b->gpa + off;
}

static u64 build_facs(struct builder *b)
{
	struct acpi_facs facs = { .length = sizeof(facs), .version = FACS_VERSION };
	u64 off = take(b, sizeof(facs), ACPI_FACS_ALIGN);

	memcpy(facs.signature, "FACS", sizeof(facs.signature));
	if (!b->err)
		memcpy(b->buf + off, &facs, sizeof(facs)); /* the FACS has no checksum */
	return b->gpa + off;
}

/* The fixed-hardware blocks of hv/vdev/acpi_pm.c, no SMI command port
 * (always in ACPI mode), no GPE blocks, no C2/C3, a 24-bit timer. */
static void fadt_hardware(struct acpi_fadt *f, const struct acpi_platform *pf)
{
	f->sci_int = pf->sci_irq;
	f->pm1a_evt_blk = pf->pm_base;
	f->pm1a_cnt_blk = pf->pm_base + VACPI_PM1_CNT;
	f->pm_tmr_blk = pf->pm_base + VACPI_PM_TMR;
	f->pm1_evt_len = VACPI_PM1_EVT_LEN;
	f->pm1_cnt_len = VACPI_PM1_CNT_LEN;
	f->pm_tmr_len = VACPI_PM_TMR_LEN;
	f->p_lvl2_lat = ACPI_FADT_P_LVL2_NONE;
	f->p_lvl3_lat = ACPI_FADT_P_LVL3_NONE;
	f->x_pm1a_evt_blk = io_gas(f->pm1a_evt_blk, VACPI_PM1_EVT_LEN, ACPI_GAS_ACCESS_WORD);
	f->x_pm1a_cnt_blk = io_gas(f->pm1a_cnt_blk, VACPI_PM1_CNT_LEN, ACPI_GAS_ACCESS_WORD);
	f->x_pm_tmr_blk = io_gas(f->pm_tmr_blk, VACPI_PM_TMR_LEN, ACPI_GAS_ACCESS_DWORD);
}

static u64 build_fadt(struct builder *b, const struct acpi_platform *pf, u64 facs, u64 dsdt)
{
	struct acpi_fadt f = { 0 };
	u64 off = take(b, sizeof(f), TABLE_ALIGN);

	header(&f.hdr, "FACP", sizeof(f), FADT_REVISION);
	f.minor_version = FADT_MINOR_VERSION;
	f.x_firmware_ctrl = facs; /* FIRMWARE_CTRL stays 0: only one may be set */
	f.dsdt = (u32)dsdt;
	f.x_dsdt = dsdt;
	f.preferred_pm_profile = PROFILE_UNSPECIFIED;
	fadt_hardware(&f, pf);
	f.iapc_boot_arch = ACPI_IAPC_LEGACY_DEVICES | ACPI_IAPC_VGA_NOT_PRESENT |
			   ACPI_IAPC_MSI_NOT_SUPPORTED;
	f.flags = ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_PWR_BUTTON |
		  ACPI_FADT_SLP_BUTTON;
	if (!b->err)
		emit(b, off, &f, sizeof(f));
	return b->gpa + off;
}

/* One local APIC, one IOAPIC with GSIs from 0, the PIT's IRQ 0 on GSI 2,
 * the SCI level-triggered active-high (as PC firmware describes it), and
 * LINT1 as NMI. */
static u64 build_madt(struct builder *b, const struct acpi_platform *pf)
{
	struct {
		struct acpi_madt madt;
		struct acpi_madt_lapic lapic;
		struct acpi_madt_ioapic ioapic;
		struct acpi_madt_iso iso_pit, iso_sci;
		struct acpi_madt_lapic_nmi nmi;
	} __packed t = {
		.madt = { .lapic_address = pf->lapic_address, .flags = ACPI_MADT_PCAT_COMPAT },
		.lapic = { ACPI_MADT_TYPE_LAPIC, sizeof(t.lapic), 0, pf->lapic_id,
			   ACPI_MADT_LAPIC_ENABLED },
		.ioapic = { ACPI_MADT_TYPE_IOAPIC, sizeof(t.ioapic), pf->ioapic_id, 0,
			    pf->ioapic_address, 0 },
		.iso_pit = { ACPI_MADT_TYPE_ISO, sizeof(t.iso_pit), ISA_BUS, IRQ_PIT, GSI_PIT,
			     ACPI_INTI_CONFORMS },
		.iso_sci = { ACPI_MADT_TYPE_ISO, sizeof(t.iso_sci), ISA_BUS, pf->sci_irq,
			     pf->sci_irq, ACPI_INTI_ACTIVE_HIGH | ACPI_INTI_LEVEL },
		.nmi = { ACPI_MADT_TYPE_LAPIC_NMI, sizeof(t.nmi), ACPI_MADT_ALL_PROCESSORS,
			 ACPI_INTI_CONFORMS, LINT1 },
	};
	u64 off = take(b, sizeof(t), TABLE_ALIGN);

	header(&t.madt.hdr, "APIC", sizeof(t), MADT_REVISION);
	if (!b->err)
		emit(b, off, &t, sizeof(t));
	return b->gpa + off;
}

/* RSDT (32-bit entries) and XSDT (64-bit entries) listing FADT and MADT. */
static void build_roots(struct builder *b, const u64 entries[SDT_ENTRIES], u64 *rsdt, u64 *xsdt)
{
	struct { struct acpi_sdt_header h; u32 e[SDT_ENTRIES]; } __packed r = { 0 };
	struct { struct acpi_sdt_header h; u64 e[SDT_ENTRIES]; } __packed x = { 0 };
	u64 roff = take(b, sizeof(r), TABLE_ALIGN), xoff = take(b, sizeof(x), TABLE_ALIGN);

	header(&r.h, "RSDT", sizeof(r), RSDT_REVISION);
	header(&x.h, "XSDT", sizeof(x), XSDT_REVISION);
	for (unsigned i = 0; i < SDT_ENTRIES; i++) {
		r.e[i] = (u32)entries[i];
		x.e[i] = entries[i];
	}
	if (!b->err) {
		emit(b, roff, &r, sizeof(r));
		emit(b, xoff, &x, sizeof(x));
	}
	*rsdt = b->gpa + roff;
	*xsdt = b->gpa + xoff;
}

/* 5.2.5.3: checksum over the first 20 bytes, extended checksum over all. */
static void build_rsdp(struct builder *b, u64 off, u64 rsdt, u64 xsdt)
{
	struct acpi_rsdp r = { .revision = RSDP_REVISION, .rsdt_address = (u32)rsdt,
			       .length = sizeof(r), .xsdt_address = xsdt };

	memcpy(r.signature, "RSD PTR ", sizeof(r.signature));
	memcpy(r.oem_id, OEM_ID, sizeof(r.oem_id));
	r.checksum = (u8)-acpi_checksum(&r, ACPI_RSDP_V1_SIZE);
	r.extended_checksum = (u8)-acpi_checksum(&r, sizeof(r));
	memcpy(b->buf + off, &r, sizeof(r));
}

int acpi_tables_build(u8 *buf, u64 gpa, u64 size, const struct acpi_platform *pf,
		      u64 *rsdp_gpa)
{
	struct builder b = { buf, gpa, size, 0, 0 };
	u64 rsdp, dsdt, facs, sdts[SDT_ENTRIES], rsdt, xsdt;

	if (!IS_ALIGNED(gpa, TABLE_ALIGN) || gpa + size > TABLES_LIMIT)
		return -EINVAL;
	memset(buf, 0, size);
	rsdp = take(&b, sizeof(struct acpi_rsdp), TABLE_ALIGN);
	dsdt = build_dsdt(&b, pf);
	facs = build_facs(&b);
	sdts[0] = build_fadt(&b, pf, facs, dsdt);
	sdts[1] = build_madt(&b, pf);
	build_roots(&b, sdts, &rsdt, &xsdt);
	if (b.err)
		return b.err;
	build_rsdp(&b, rsdp, rsdt, xsdt);
	*rsdp_gpa = gpa + rsdp;
	return 0;
}
