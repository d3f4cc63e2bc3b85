// sources: hv/acpi_tables.c hv/acpi_pci.c hv/mptable.c hv/firmware_tables.c arch/x86/acpi.c
/*
 * hv/acpi_tables.c, hv/mptable.c, hv/firmware_tables.c: the generated tables
 * are read back by the hypervisor's own ACPI parser (arch/x86/acpi.c, which
 * checks every length and checksum), found by the scans a kernel makes
 * (16-byte boundaries of 0xE0000-0xFFFFF), and checked field by field
 * against the ACPI 6.4 and MP 1.4 layouts: FADT blocks, the DSDT's \_S5
 * AML, MADT entries, MP entries and checksums.
 */
#include <stdlib.h>

#include "helpers.h"

#include "acpi_builder.h"
#include "errno.h"
#include "hv/firmware_tables.h"
#include "hv/vdev/acpi_pm.h"

#define RAM_SIZE MiB(2)
#define LAPIC 0xFEE00000u
#define IOAPIC 0xFEC00000u
#define SCAN_START 0xE0000
#define SCAN_END 0x100000
#define MP_SCAN_START 0xF0000

static u8 *ram;
static u64 rsdp_gpa;
static const struct firmware_platform platform = {
	.acpi = { .lapic_address = LAPIC, .lapic_id = 0, .ioapic_address = IOAPIC,
		  .ioapic_id = 1, .pm_base = VACPI_PM_BASE, .sci_irq = 9,
		  .s5_slp_typ = VACPI_S5_SLP_TYP },
	.mp = { .lapic_address = LAPIC, .lapic_id = 0, .lapic_version = 0x14,
		.ioapic_address = IOAPIC, .ioapic_id = 1, .ioapic_version = 0x11 },
};

static int setup(void **state)
{
	ram = calloc(1, RAM_SIZE);
	assert_non_null(ram);
	assert_int_equal(firmware_tables_write(ram, RAM_SIZE, &platform, &rsdp_gpa), 0);
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

/* The acpi_map_fn over the fake guest RAM. */
static const void *ram_map(void *ctx, u64 pa, u64 len)
{
	return pa < RAM_SIZE && len <= RAM_SIZE - pa ? ram + pa : NULL;
}

/* What a kernel does: scan 16-byte boundaries for a signature. */
static u64 scan(const char *sig, size_t len, u64 start)
{
	for (u64 a = start; a < SCAN_END; a += 16)
		if (!memcmp(ram + a, sig, len))
			return a;
	return 0;
}

/* A table of the XSDT, by signature. */
static u8 *xsdt_table(const char sig[4])
{
	const struct acpi_rsdp *r = (const void *)(ram + rsdp_gpa);
	const struct acpi_sdt_header *x = (const void *)(ram + r->xsdt_address);
	unsigned n = (x->length - sizeof(*x)) / 8;

	for (unsigned i = 0; i < n; i++) {
		u64 pa;

		memcpy(&pa, ram + r->xsdt_address + sizeof(*x) + i * 8, sizeof(pa));
		if (!memcmp(ram + pa, sig, 4))
			return ram + pa;
	}
	return NULL;
}

static void test_rsdp_found_and_parsed(void **state)
{
	struct acpi_info info;
	const char *why = NULL;

	assert_int_equal(scan("RSD PTR ", 8, SCAN_START), rsdp_gpa);
	assert_int_equal(acpi_checksum(ram + rsdp_gpa, ACPI_RSDP_V1_SIZE), 0);
	assert_int_equal(acpi_checksum(ram + rsdp_gpa, sizeof(struct acpi_rsdp)), 0);
	assert_int_equal(acpi_parse(ram + rsdp_gpa, sizeof(struct acpi_rsdp), ram_map, NULL, &info,
				    &why), 0);
	assert_null(why);
	assert_int_equal(info.rsdp_revision, 2);
	assert_string_equal(info.oem_id, "USTUDY");
	assert_int_equal(info.table_count, 2);
	assert_string_equal(info.table_sigs[0], "FACP");
	assert_string_equal(info.table_sigs[1], "APIC");
	assert_true(info.has_madt);
	assert_int_equal(info.lapic_address, LAPIC);
	assert_true(info.pic_compat);
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(info.cpu_apic_ids[0], 0);
	assert_int_equal(info.ioapic_count, 1);
	assert_int_equal(info.ioapics[0].id, 1);
	assert_int_equal(info.ioapics[0].address, IOAPIC);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(info.override_count, 2);
	assert_int_equal(info.overrides[0].source_irq, 0); /* the PIT */
	assert_int_equal(info.overrides[0].gsi, 2);
	assert_int_equal(info.overrides[0].flags, 0);
	assert_int_equal(info.overrides[1].source_irq, 9); /* the SCI: level, active high */
	assert_int_equal(info.overrides[1].gsi, 9);
	assert_int_equal(info.overrides[1].flags, 0xD);
}

/* RSDT and XSDT list the same tables, every table sums to zero. */
static void test_roots_and_checksums(void **state)
{
	const struct acpi_rsdp *r = (const void *)(ram + rsdp_gpa);
	const struct acpi_sdt_header *rsdt = (const void *)(ram + r->rsdt_address);
	const struct acpi_sdt_header *xsdt = (const void *)(ram + r->xsdt_address);
	const char *sigs[] = { "FACP", "APIC" };

	assert_memory_equal(rsdt->signature, "RSDT", 4);
	assert_memory_equal(xsdt->signature, "XSDT", 4);
	assert_int_equal(rsdt->length, sizeof(*rsdt) + 2 * 4);
	assert_int_equal(xsdt->length, sizeof(*xsdt) + 2 * 8);
	assert_int_equal(acpi_checksum(rsdt, rsdt->length), 0);
	assert_int_equal(acpi_checksum(xsdt, xsdt->length), 0);
	for (unsigned i = 0; i < 2; i++) {
		u32 r32;
		u64 x64;

		memcpy(&r32, (const u8 *)rsdt + sizeof(*rsdt) + i * 4, 4);
		memcpy(&x64, (const u8 *)xsdt + sizeof(*xsdt) + i * 8, 8);
		assert_int_equal(r32, x64);
		assert_memory_equal(ram + x64, sigs[i], 4);
		assert_int_equal(acpi_checksum(ram + x64, ((struct acpi_sdt_header *)(ram + x64))->length), 0);
		assert_true(x64 >= SCAN_START && x64 < MP_SCAN_START);
	}
}

static void assert_io_gas(const struct acpi_gas *g, u64 port, u8 bits, u8 access)
{
	assert_int_equal(g->space_id, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(g->bit_width, bits);
	assert_int_equal(g->bit_offset, 0);
	assert_int_equal(g->access_size, access);
	assert_int_equal(g->address, port);
}

/* FADT: the PM blocks of hv/vdev/acpi_pm.c, legacy and X_ fields agreeing;
 * FACS and DSDT reachable; always in ACPI mode (no SMI command port). */
static void test_fadt(void **state)
{
	const struct acpi_fadt *f = (const void *)xsdt_table("FACP");
	const struct acpi_facs *facs;

	assert_non_null(f);
	assert_int_equal(f->hdr.length, 276);
	assert_int_equal(f->hdr.revision, 6);
	assert_int_equal(f->minor_version, 4);
	assert_int_equal(f->sci_int, 9);
	assert_int_equal(f->smi_cmd, 0);
	assert_int_equal(f->pm1a_evt_blk, 0x600);
	assert_int_equal(f->pm1a_cnt_blk, 0x604);
	assert_int_equal(f->pm_tmr_blk, 0x608);
	assert_int_equal(f->pm1b_evt_blk | f->pm1b_cnt_blk | f->pm2_cnt_blk | f->gpe0_blk, 0);
	assert_int_equal(f->pm1_evt_len, 4);
	assert_int_equal(f->pm1_cnt_len, 2);
	assert_int_equal(f->pm_tmr_len, 4);
	assert_io_gas(&f->x_pm1a_evt_blk, 0x600, 32, ACPI_GAS_ACCESS_WORD);
	assert_io_gas(&f->x_pm1a_cnt_blk, 0x604, 16, ACPI_GAS_ACCESS_WORD);
	assert_io_gas(&f->x_pm_tmr_blk, 0x608, 32, ACPI_GAS_ACCESS_DWORD);
	assert_int_equal(f->flags & BIT(8), 0); /* TMR_VAL_EXT clear: a 24-bit timer */
	assert_true(f->p_lvl2_lat > 100 && f->p_lvl3_lat > 1000);
	assert_int_equal(f->dsdt, f->x_dsdt);
	assert_int_equal(f->firmware_ctrl, 0);
	assert_int_equal(f->x_firmware_ctrl % 64, 0);
	facs = (const void *)(ram + f->x_firmware_ctrl);
	assert_memory_equal(facs->signature, "FACS", 4);
	assert_int_equal(facs->length, 64);
}

/* DSDT: a header and exactly Name (_S5, Package (4) { 5, 5, 0, 0 }). */
static void test_dsdt_s5(void **state)
{
	const struct acpi_fadt *f = (const void *)xsdt_table("FACP");
	const struct acpi_sdt_header *d = (const void *)(ram + f->x_dsdt);
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				  0x0A, VACPI_S5_SLP_TYP, 0x0A, VACPI_S5_SLP_TYP, 0x00, 0x00 };

	assert_memory_equal(d->signature, "DSDT", 4);
	assert_int_equal(d->revision, 2);
	assert_int_equal(d->length, sizeof(*d) + sizeof(aml));
	assert_int_equal(acpi_checksum(d, d->length), 0);
	assert_memory_equal((const u8 *)d + sizeof(*d), aml, sizeof(aml));
	/* PkgLength counts itself and everything after it in the package */
	assert_int_equal(aml[6], sizeof(aml) - 6);
}

/* MADT: the LAPIC NMI entry on LINT1 the parser skips. */
static void test_madt_nmi(void **state)
{
	const u8 *m = xsdt_table("APIC");
	u32 len;
	bool nmi = false;

	assert_non_null(m);
	memcpy(&len, m + 4, 4);
	for (u32 off = sizeof(struct acpi_madt); off < len; off += m[off + 1]) {
		assert_true(m[off + 1] >= 2);
		if (m[off] == ACPI_MADT_TYPE_LAPIC_NMI) {
			assert_int_equal(m[off + 1], 6);
			assert_int_equal(m[off + 2], 0xFF);
			assert_int_equal(m[off + 5], 1);
			nmi = true;
		}
	}
	assert_true(nmi);
}

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s = (u8)(s + *p++);
	return s;
}

/* MP: the floating pointer found by the scan, the table it names, its
 * checksum, and the entries Linux's MP parser uses. */
static void test_mp_table(void **state)
{
	u64 fp_gpa = scan("_MP_", 4, MP_SCAN_START);
	const struct mp_floating *fp = (const void *)(ram + fp_gpa);
	const struct mp_config_header *h;
	const u8 *e;
	unsigned counts[5] = { 0 }, pit_pin = 0xFF;

	assert_int_equal(fp_gpa, FW_MP_GPA);
	assert_int_equal(sum((const u8 *)fp, 16), 0);
	assert_int_equal(fp->length, 1);
	assert_int_equal(fp->spec_rev, 4);
	assert_int_equal(fp->feature[0], 0);
	h = (const void *)(ram + fp->config_table);
	assert_memory_equal(h->signature, "PCMP", 4);
	assert_int_equal(sum((const u8 *)h, h->base_length), 0);
	assert_int_equal(h->lapic_address, LAPIC);
	e = (const u8 *)h + sizeof(*h);
	for (unsigned i = 0; i < h->entry_count; i++) {
		assert_true(e[0] <= MP_ENTRY_LOCALINT);
		counts[e[0]]++;
		if (e[0] == MP_ENTRY_PROCESSOR)
			assert_int_equal(e[3], MP_CPU_ENABLED | MP_CPU_BSP);
		if (e[0] == MP_ENTRY_IOAPIC)
			assert_int_equal(((const struct mp_ioapic *)e)->address, IOAPIC);
		if (e[0] == MP_ENTRY_IOINT && e[5] == 0)
			pit_pin = e[7];
		e += e[0] == MP_ENTRY_PROCESSOR ? 20 : 8;
	}
	assert_int_equal(e - (const u8 *)h, h->base_length);
	assert_int_equal(counts[MP_ENTRY_PROCESSOR], 1);
	assert_int_equal(counts[MP_ENTRY_BUS], 1);
	assert_int_equal(counts[MP_ENTRY_IOAPIC], 1);
	assert_int_equal(counts[MP_ENTRY_IOINT], 15);
	assert_int_equal(counts[MP_ENTRY_LOCALINT], 2);
	assert_int_equal(pit_pin, 2);
}

/* BIOS data area: EBDA at 0x9FC00, 639 KiB of conventional memory. */
static void test_bda(void **state)
{
	u16 seg, kib;

	memcpy(&seg, ram + 0x40E, 2);
	memcpy(&kib, ram + 0x413, 2);
	assert_int_equal((u32)seg << 4, 0x9FC00);
	assert_int_equal(kib, 639);
}

/* With a PCI bus: the same platform plus a NIC in slot 3 on IRQ 11. */
static int setup_pci(void **state)
{
	struct firmware_platform pf = platform;

	pf.acpi.pci_intx_slot = pf.mp.pci_intx_slot = 3;
	pf.acpi.pci_intx_irq = pf.mp.pci_intx_irq = 11;
	ram = calloc(1, RAM_SIZE);
	assert_non_null(ram);
	assert_int_equal(firmware_tables_write(ram, RAM_SIZE, &pf, &rsdp_gpa), 0);
	return 0;
}

/* An AML PkgLength (20.2.4): the length, and the bytes it took. */
static u32 pkglen(const u8 *p, unsigned *bytes)
{
	unsigned follow = p[0] >> 6;
	u32 len = follow ? p[0] & 0x0F : p[0] & 0x3F;

	for (unsigned i = 0; i < follow; i++)
		len |= (u32)p[1 + i] << (4 + 8 * i);
	*bytes = 1 + follow;
	return len;
}

static const u8 *find(const u8 *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return hay + i;
	return NULL;
}

/* DSDT with PCI: \_S5 as before, then Scope (\_SB) { Device (PCI0) } whose
 * package lengths nest exactly, a PNP0A03 _HID, a _CRS resource template
 * that walks to its end tag, and a _PRT routing 00:03 INTA# to GSI 11. */
static void test_dsdt_pci(void **state)
{
	const struct acpi_fadt *f = (const void *)xsdt_table("FACP");
	const struct acpi_sdt_header *d = (const void *)(ram + f->x_dsdt);
	const u8 *aml = (const u8 *)d + sizeof(*d) + 14, *end = (const u8 *)d + d->length, *p;
	static const u8 hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03 };
	static const u8 prt[] = { 0x0C, 0xFF, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x0A, 11 };
	unsigned n;
	u32 len;

	assert_int_equal(acpi_checksum(d, d->length), 0);
	assert_int_equal(aml[0], 0x10);                       /* ScopeOp */
	len = pkglen(aml + 1, &n);
	assert_int_equal(aml + 1 + len, end);                 /* the scope ends the table */
	assert_memory_equal(aml + 1 + n, "\\_SB_", 5);
	p = aml + 1 + n + 5;
	assert_int_equal(p[0], 0x5B);                         /* DeviceOp */
	assert_int_equal(p[1], 0x82);
	len = pkglen(p + 2, &n);
	assert_int_equal(p + 2 + len, end);
	assert_memory_equal(p + 2 + n, "PCI0", 4);
	assert_non_null(find(p, (size_t)(end - p), hid, sizeof(hid)));
	assert_non_null(find(p, (size_t)(end - p), prt, sizeof(prt)));
	p = find(p, (size_t)(end - p), "_CRS", 4);
	assert_non_null(p);
	assert_int_equal(p[4], 0x11);                         /* BufferOp */
	len = pkglen(p + 5, &n);
	p += 5 + n + 2;                                       /* BytePrefix size */
	for (unsigned guard = 0; p[0] != 0x79; guard++) {     /* resource descriptors */
		assert_true(guard < 8);
		p += p[0] & 0x80 ? 3 + (p[1] | p[2] << 8) : 1 + (p[0] & 7);
	}
	assert_int_equal(p[1], 0);
}

/* MP with PCI: a PCI bus 0 and the ISA bus 1, the ISA interrupts on bus 1
 * but IRQ 11, and an I/O interrupt entry for 00:03 INTA#, level, active
 * low, pin 11. */
static void test_mp_table_pci(void **state)
{
	const struct mp_floating *fp = (const void *)(ram + scan("_MP_", 4, MP_SCAN_START));
	const struct mp_config_header *h = (const void *)(ram + fp->config_table);
	const u8 *e = (const u8 *)h + sizeof(*h);
	unsigned buses = 0, pci_ints = 0, isa_ints = 0, last_type = 0;

	assert_int_equal(sum((const u8 *)h, h->base_length), 0);
	for (unsigned i = 0; i < h->entry_count; i++) {
		const struct mp_intsrc *in = (const void *)e;

		assert_true(e[0] >= last_type);                   /* sorted by type (4.3) */
		last_type = e[0];
		if (e[0] == MP_ENTRY_BUS) {
			assert_memory_equal(e + 2, e[1] == 0 ? "PCI   " : "ISA   ", 6);
			buses++;
		}
		if (e[0] == MP_ENTRY_IOINT && in->src_bus == 0) {
			assert_int_equal(in->src_irq, 3 << 2);
			assert_int_equal(in->flags, 0x0F);
			assert_int_equal(in->dst_pin, 11);
			pci_ints++;
		}
		if (e[0] == MP_ENTRY_IOINT && in->src_bus == 1) {
			assert_int_not_equal(in->src_irq, 11);
			isa_ints++;
		}
		e += e[0] == MP_ENTRY_PROCESSOR ? 20 : 8;
	}
	assert_int_equal(e - (const u8 *)h, h->base_length);
	assert_int_equal(buses, 2);
	assert_int_equal(pci_ints, 1);
	assert_int_equal(isa_ints, 14);
}

static void test_refusals(void **state)
{
	u8 buf[64];
	u64 rsdp;

	assert_int_equal(firmware_tables_write(ram, SCAN_END - 1, &platform, &rsdp), -ERANGE);
	assert_int_equal(acpi_tables_build(buf, SCAN_START, sizeof(buf), &platform.acpi, &rsdp),
			 -ENOSPC);
	assert_int_equal(acpi_tables_build(buf, SCAN_START + 8, sizeof(buf), &platform.acpi, &rsdp),
			 -EINVAL);
	assert_int_equal(mptable_build(buf, MP_SCAN_START, sizeof(buf), &platform.mp), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rsdp_found_and_parsed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roots_and_checksums, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsdt_s5, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madt_nmi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bda, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsdt_pci, setup_pci, teardown),
		cmocka_unit_test_setup_teardown(test_mp_table_pci, setup_pci, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
