/*
 * Builds ACPI tables (RSDP, RSDT/XSDT, MADT, MCFG, anything) with correct
 * checksums in a fake physical memory, for the unit tests and the fuzzers'
 * seed generator. Header-only; no cmocka. Running out of room aborts.
 */
#ifndef UNDERSTUDY_TEST_UNIT_ACPI_BUILDER_H
#define UNDERSTUDY_TEST_UNIT_ACPI_BUILDER_H

#include <stdlib.h>
#include <string.h>

#include "arch/x86/acpi.h"
#include "compiler.h"
#include "types.h"

/* A window of fake physical memory: buf[0] is at physical address base. */
struct fake_phys {
	u8 *buf;
	u64 base;
	u64 size;
	u64 used;
};

static inline void fake_phys_init(struct fake_phys *m, void *buf, u64 base, u64 size)
{
	m->buf = buf;
	m->base = base;
	m->size = size;
	m->used = 0;
	memset(buf, 0, size);
}

/* Reserves len zeroed bytes, 16-byte aligned; returns their physical address. */
static inline u64 fake_phys_alloc(struct fake_phys *m, u64 len)
{
	u64 at = ALIGN_UP(m->used, 16);

	if (at > m->size || len > m->size - at)
		abort();
	m->used = at + len;
	return m->base + at;
}

static inline u8 *fake_phys_ptr(struct fake_phys *m, u64 pa)
{
	return m->buf + (pa - m->base);
}

/* The acpi_map_fn over a fake_phys: NULL for anything not wholly inside. */
static inline const void *fake_phys_map(void *ctx, u64 pa, u64 len)
{
	struct fake_phys *m = ctx;

	if (pa < m->base || pa - m->base > m->size || len > m->size - (pa - m->base))
		return NULL;
	return m->buf + (pa - m->base);
}

/* A table body under construction (what follows the 36-byte header). */
struct acpi_body {
	u8 d[4096];
	size_t n;
};

static inline void body_put(struct acpi_body *b, const void *p, size_t n)
{
	if (n > sizeof(b->d) - b->n)
		abort();
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static inline void body_u8(struct acpi_body *b, u8 v)
{
	body_put(b, &v, 1);
}

static inline void body_u16(struct acpi_body *b, u16 v)
{
	body_put(b, &v, 2);
}

static inline void body_u32(struct acpi_body *b, u32 v)
{
	body_put(b, &v, 4);
}

static inline void body_u64(struct acpi_body *b, u64 v)
{
	body_put(b, &v, 8);
}

/* Makes the bytes of table (its header's length) sum to zero. */
static inline void acpi_fix_checksum(u8 *table)
{
	struct acpi_sdt_header h;

	memcpy(&h, table, sizeof(h));
	table[9] = 0;
	table[9] = (u8)(0 - acpi_checksum(table, h.length));
}

/* Places a table with signature sig and the given body; returns its address. */
static inline u64 acpi_add_table(struct fake_phys *m, const char *sig, const struct acpi_body *b)
{
	struct acpi_sdt_header h = { .revision = 1 };
	u32 len = (u32)(sizeof(h) + b->n);
	u64 pa = fake_phys_alloc(m, len);
	u8 *t = fake_phys_ptr(m, pa);

	memcpy(h.signature, sig, 4);
	h.length = len;
	memcpy(h.oem_id, "UNDSTD", 6);
	memcpy(h.oem_table_id, "TESTTABL", 8);
	memcpy(t, &h, sizeof(h));
	memcpy(t + sizeof(h), b->d, b->n);
	acpi_fix_checksum(t);
	return pa;
}

/* RSDT (4-byte entries) or XSDT (8-byte entries) listing n tables. */
static inline u64 acpi_add_root(struct fake_phys *m, bool xsdt, const u64 *tables, unsigned n)
{
	struct acpi_body b = { .n = 0 };

	for (unsigned i = 0; i < n; i++) {
		if (xsdt)
			body_u64(&b, tables[i]);
		else
			body_u32(&b, (u32)tables[i]);
	}
	return acpi_add_table(m, xsdt ? "XSDT" : "RSDT", &b);
}

/* An RSDP of the given revision with both checksums right. */
static inline struct acpi_rsdp acpi_make_rsdp(u8 revision, u32 rsdt, u64 xsdt)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, "OEMXYZ", 6);
	r.revision = revision;
	r.rsdt_address = rsdt;
	r.length = sizeof(r);
	r.xsdt_address = xsdt;
	r.checksum = (u8)(0 - acpi_checksum(&r, ACPI_RSDP_V1_SIZE));
	r.extended_checksum = (u8)(0 - acpi_checksum(&r, sizeof(r)));
	return r;
}

/* --- MADT entries (ACPI 6.4, 5.2.12) ---------------------------------------- */

static inline void madt_header(struct acpi_body *b, u32 lapic_address, u32 flags)
{
	body_u32(b, lapic_address);
	body_u32(b, flags);
}

static inline void madt_lapic(struct acpi_body *b, u8 uid, u8 apic_id, u32 flags)
{
	u8 e[8] = { 0, 8, uid, apic_id };

	memcpy(e + 4, &flags, 4);
	body_put(b, e, sizeof(e));
}

static inline void madt_x2apic(struct acpi_body *b, u32 x2apic_id, u32 flags, u32 uid)
{
	u8 e[16] = { 9, 16 };

	memcpy(e + 4, &x2apic_id, 4);
	memcpy(e + 8, &flags, 4);
	memcpy(e + 12, &uid, 4);
	body_put(b, e, sizeof(e));
}

static inline void madt_ioapic(struct acpi_body *b, u8 id, u32 address, u32 gsi_base)
{
	u8 e[12] = { 1, 12, id, 0 };

	memcpy(e + 4, &address, 4);
	memcpy(e + 8, &gsi_base, 4);
	body_put(b, e, sizeof(e));
}

static inline void madt_override(struct acpi_body *b, u8 source, u32 gsi, u16 flags)
{
	u8 e[10] = { 2, 10, 0, source };

	memcpy(e + 4, &gsi, 4);
	memcpy(e + 8, &flags, 2);
	body_put(b, e, sizeof(e));
}

static inline void madt_lapic_override(struct acpi_body *b, u64 address)
{
	u8 e[12] = { 5, 12 };

	memcpy(e + 4, &address, 8);
	body_put(b, e, sizeof(e));
}

/* --- MCFG (PCI Firmware Specification 3.0, 4.1.2) --------------------------- */

static inline void mcfg_header(struct acpi_body *b)
{
	body_u64(b, 0);
}

static inline void mcfg_entry(struct acpi_body *b, u64 base, u16 segment, u8 bus_start,
			      u8 bus_end)
{
	body_u64(b, base);
	body_u16(b, segment);
	body_u8(b, bus_start);
	body_u8(b, bus_end);
	body_u32(b, 0);
}

#endif
