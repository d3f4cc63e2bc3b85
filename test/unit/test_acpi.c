// sources: arch/x86/acpi.c
/*
 * arch/x86/acpi.c over tables built in a fake physical memory: decoding of
 * RSDP, RSDT/XSDT, MADT and MCFG, and the handling of corrupt tables.
 */
#include "helpers.h"

#include "acpi_builder.h"
#include "arch/x86/acpi.h"
#include "errno.h"

#define MEM_BASE 0x7FE0000ULL
#define MEM_SIZE (256 * 1024)

static u8 mem[MEM_SIZE] __aligned(16);
static struct fake_phys fm;
static struct acpi_info info;

/* Addresses of the tables the standard machine has. */
struct machine {
	u64 facp, madt, mcfg, rsdt, xsdt;
	struct acpi_rsdp rsdp;
};

static int setup(void **state)
{
	fake_phys_init(&fm, mem, MEM_BASE, MEM_SIZE);
	return 0;
}

static int parse_rsdp(const struct acpi_rsdp *r, size_t len, const char **why)
{
	return acpi_parse(r, len, fake_phys_map, &fm, &info, why);
}

static void assert_why(const char *why, const char *words)
{
	assert_non_null(why);
	if (!strstr(why, words))
		fail_msg("reason \"%s\" lacks \"%s\"", why, words);
}

/* MADT with enabled, disabled and online-capable processors (xAPIC and
 * x2APIC), two IOAPICs, two overrides and entries the parser skips. */
static u64 add_full_madt(void)
{
	struct acpi_body b = { .n = 0 };

	madt_header(&b, 0xFEE00000, 1);
	madt_lapic(&b, 0, 0, 1);       /* enabled */
	madt_lapic(&b, 1, 1, 0);       /* disabled: not counted */
	madt_lapic(&b, 2, 2, 2);       /* online capable */
	madt_lapic(&b, 3, 7, 3);
	madt_x2apic(&b, 0x100, 1, 10); /* enabled */
	madt_x2apic(&b, 0x101, 0, 11); /* disabled */
	madt_ioapic(&b, 2, 0xFEC00000, 0);
	madt_ioapic(&b, 3, 0xFEC01000, 24);
	madt_override(&b, 0, 2, 0);
	madt_override(&b, 9, 9, 0xD);
	body_put(&b, "\x04\x06\xff\x05\x00\x01", 6); /* LAPIC NMI: skipped */
	body_put(&b, "\x00\x06\x04\x04\x01\x00", 6); /* LAPIC too short: skipped */
	body_put(&b, "\x7f\x02", 2);                 /* unknown type */
	return acpi_add_table(&fm, "APIC", &b);
}

static u64 add_full_mcfg(void)
{
	struct acpi_body b = { .n = 0 };

	mcfg_header(&b);
	mcfg_entry(&b, 0xB0000000, 0, 0, 255);
	mcfg_entry(&b, 0x4000000000ULL, 1, 0x10, 0x3F);
	return acpi_add_table(&fm, "MCFG", &b);
}

static u64 add_dummy(const char *sig)
{
	struct acpi_body b = { .n = 0 };

	body_put(&b, "some table contents", 19);
	return acpi_add_table(&fm, sig, &b);
}

/* FACP, APIC and MCFG, listed by an RSDT and an XSDT. */
static struct machine build_machine(u8 revision)
{
	struct machine m;
	u64 tables[3];

	m.facp = add_dummy("FACP");
	m.madt = add_full_madt();
	m.mcfg = add_full_mcfg();
	tables[0] = m.facp;
	tables[1] = m.madt;
	tables[2] = m.mcfg;
	m.rsdt = acpi_add_root(&fm, false, tables, 3);
	m.xsdt = acpi_add_root(&fm, true, tables, 3);
	m.rsdp = acpi_make_rsdp(revision, (u32)m.rsdt, revision >= 2 ? m.xsdt : 0);
	return m;
}

static void assert_full_decode(void)
{
	assert_int_equal(info.table_count, 3);
	assert_string_equal(info.table_sigs[0], "FACP");
	assert_string_equal(info.table_sigs[1], "APIC");
	assert_string_equal(info.table_sigs[2], "MCFG");

	assert_true(info.has_madt);
	assert_true(info.lapic_address == 0xFEE00000);
	assert_true(info.pic_compat);
	assert_int_equal(info.cpu_count, 4);
	assert_int_equal(info.cpu_apic_ids[0], 0);
	assert_int_equal(info.cpu_apic_ids[1], 2);
	assert_int_equal(info.cpu_apic_ids[2], 7);
	assert_int_equal(info.cpu_apic_ids[3], 0x100);

	assert_int_equal(info.ioapic_count, 2);
	assert_int_equal(info.ioapics[0].id, 2);
	assert_int_equal(info.ioapics[0].address, 0xFEC00000);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(info.ioapics[1].id, 3);
	assert_int_equal(info.ioapics[1].address, 0xFEC01000);
	assert_int_equal(info.ioapics[1].gsi_base, 24);

	assert_int_equal(info.override_count, 2);
	assert_int_equal(info.overrides[0].source_irq, 0);
	assert_int_equal(info.overrides[0].gsi, 2);
	assert_int_equal(info.overrides[0].flags, 0);
	assert_int_equal(info.overrides[1].source_irq, 9);
	assert_int_equal(info.overrides[1].gsi, 9);
	assert_int_equal(info.overrides[1].flags, 0xD);

	assert_int_equal(info.ecam_count, 2);
	assert_true(info.ecam[0].base == 0xB0000000);
	assert_int_equal(info.ecam[0].segment, 0);
	assert_int_equal(info.ecam[0].bus_start, 0);
	assert_int_equal(info.ecam[0].bus_end, 255);
	assert_true(info.ecam[1].base == 0x4000000000ULL);
	assert_int_equal(info.ecam[1].segment, 1);
	assert_int_equal(info.ecam[1].bus_start, 0x10);
	assert_int_equal(info.ecam[1].bus_end, 0x3F);
}

static void test_v1_rsdt(void **state)
{
	struct machine m = build_machine(0);
	const char *why = "unset";

	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), 0);
	assert_null(why);
	assert_int_equal(info.rsdp_revision, 0);
	assert_string_equal(info.oem_id, "OEMXYZ");
	assert_full_decode();
}

/* With ACPI 2.0 the XSDT is used; the RSDT here lists only the FACP. */
static void test_v2_prefers_xsdt(void **state)
{
	struct machine m = build_machine(2);
	u64 only_facp = m.facp;
	const char *why = "unset";

	m.rsdt = acpi_add_root(&fm, false, &only_facp, 1);
	m.rsdp = acpi_make_rsdp(2, (u32)m.rsdt, m.xsdt);
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), &why), 0);
	assert_null(why);
	assert_int_equal(info.rsdp_revision, 2);
	assert_full_decode();
}

/* An ACPI 2.0 RSDP without an XSDT address falls back to the RSDT. */
static void test_v2_without_xsdt_uses_rsdt(void **state)
{
	struct machine m = build_machine(2);
	u64 only_facp = m.facp;

	m.xsdt = acpi_add_root(&fm, true, &only_facp, 1);
	m.rsdp = acpi_make_rsdp(2, (u32)m.rsdt, 0);
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), NULL), 0);
	assert_full_decode();
}

/* A longer RSDP copy (as a boot loader may give) is fine. */
static void test_rsdp_copy_longer(void **state)
{
	struct machine m = build_machine(2);
	u8 copy[64] = { 0 };

	memcpy(copy, &m.rsdp, sizeof(m.rsdp));
	assert_int_equal(acpi_parse(copy, sizeof(copy), fake_phys_map, &fm, &info, NULL), 0);
	assert_full_decode();
}

static void test_lapic_address_override(void **state)
{
	struct acpi_body b = { .n = 0 };
	struct acpi_rsdp r;
	u64 madt;

	madt_header(&b, 0xFEE00000, 0);
	madt_lapic(&b, 0, 0, 1);
	madt_lapic_override(&b, 0x1234FEE00000ULL);
	madt = acpi_add_table(&fm, "APIC", &b);
	r = acpi_make_rsdp(2, 0, acpi_add_root(&fm, true, &madt, 1));
	assert_int_equal(parse_rsdp(&r, sizeof(r), NULL), 0);
	assert_true(info.lapic_address == 0x1234FEE00000ULL);
	assert_false(info.pic_compat);
	assert_int_equal(info.cpu_count, 1);
}

/* --- a corrupt RSDP ------------------------------------------------------- */

static void test_rsdp_bad_signature(void **state)
{
	struct machine m = build_machine(0);
	const char *why;

	m.rsdp.signature[3] = 'X';
	m.rsdp.checksum -= 'X' - ' ';
	assert_int_equal(acpi_checksum(&m.rsdp, ACPI_RSDP_V1_SIZE), 0);
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), -EINVAL);
	assert_why(why, "signature");
	m = build_machine(0);
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE - 1, &why), -EINVAL);
	assert_why(why, "signature");
	assert_int_equal(parse_rsdp(&m.rsdp, 0, &why), -EINVAL);
}

static void test_rsdp_bad_checksum(void **state)
{
	struct machine m = build_machine(0);
	const char *why;

	m.rsdp.rsdt_address ^= 0x10;
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), -EINVAL);
	assert_why(why, "RSDP checksum");
}

/* The extended checksum covers the ACPI 2.0 fields. */
static void test_rsdp_bad_extended_checksum(void **state)
{
	struct machine m = build_machine(2);
	const char *why;

	m.rsdp.xsdt_address += 0x10;
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), &why), -EINVAL);
	assert_why(why, "extended checksum");

	m = build_machine(2);
	m.rsdp.extended_checksum++;
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), &why), -EINVAL);
	assert_why(why, "extended checksum");
}

/* A revision 2 RSDP must come whole, and say it is at least 36 bytes. */
static void test_rsdp_v2_truncated(void **state)
{
	struct machine m = build_machine(2);
	struct acpi_rsdp r;
	const char *why;

	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), -EINVAL);
	assert_why(why, "truncated");
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp) - 1, &why), -EINVAL);
	r = m.rsdp;
	r.length = 20;
	r.extended_checksum = 0;
	r.extended_checksum = (u8)(0 - acpi_checksum(&r, sizeof(r)));
	assert_int_equal(parse_rsdp(&r, sizeof(r), &why), -EINVAL);
	assert_why(why, "truncated");
}

/* --- a corrupt root table ------------------------------------------------- */

static void test_xsdt_missing(void **state)
{
	struct machine m = build_machine(2);
	const char *why;

	m.rsdp = acpi_make_rsdp(2, (u32)m.rsdt, MEM_BASE + MEM_SIZE + 0x1000);
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), &why), -EINVAL);
	assert_why(why, "XSDT is missing or corrupt");

	m.rsdp = acpi_make_rsdp(2, (u32)m.rsdt, m.rsdt); /* an RSDT where the XSDT should be */
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), &why), -EINVAL);
	assert_why(why, "XSDT");

	m.rsdp = acpi_make_rsdp(2, (u32)m.rsdt, MEM_BASE + MEM_SIZE - 8); /* header straddles */
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), &why), -EINVAL);
	assert_why(why, "XSDT");
}

static void test_rsdt_corrupt(void **state)
{
	struct machine m = build_machine(0);
	const char *why;
	u8 *rsdt = fake_phys_ptr(&fm, m.rsdt);

	rsdt[40] ^= 1; /* an entry: checksum now wrong */
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), -EINVAL);
	assert_why(why, "RSDT is missing or corrupt");

	m = build_machine(0);
	m.rsdp = acpi_make_rsdp(0, 0x1000, 0);
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), -EINVAL);
	assert_why(why, "RSDT");
}

/* Header lengths below the header size or above 1 MiB are refused. */
static void test_root_bad_length(void **state)
{
	static const u32 lengths[] = { 0, 35, MiB(1) + 1, 0xFFFFFFFF };
	struct machine m;
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(lengths); i++) {
		setup(state);
		m = build_machine(0);
		put32(fake_phys_ptr(&fm, m.rsdt) + 4, lengths[i]); /* checksum moot */
		assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), -EINVAL);
		assert_why(why, "RSDT");
	}
}

/* A root table with no entries, or a trailing partial entry, is fine. */
static void test_root_entries_bounds(void **state)
{
	struct machine m = build_machine(2);
	struct acpi_body b = { .n = 0 };
	u64 xsdt;

	body_u64(&b, m.madt);
	body_put(&b, "\x00\x00\x00\x00", 4); /* half an entry */
	xsdt = acpi_add_table(&fm, "XSDT", &b);
	m.rsdp = acpi_make_rsdp(2, 0, xsdt);
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), NULL), 0);
	assert_int_equal(info.table_count, 1);
	assert_true(info.has_madt);

	m.rsdp = acpi_make_rsdp(2, 0, acpi_add_root(&fm, true, NULL, 0));
	assert_int_equal(parse_rsdp(&m.rsdp, sizeof(m.rsdp), NULL), 0);
	assert_int_equal(info.table_count, 0);
	assert_false(info.has_madt);
}

/* --- corrupt tables under a good root ------------------------------------- */

/* A table with a bad checksum is skipped, with why set; the rest is read. */
static void test_table_bad_checksum_skipped(void **state)
{
	struct machine m = build_machine(0);
	const char *why;

	fake_phys_ptr(&fm, m.facp)[40]++;
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), 0);
	assert_why(why, "bad length or checksum");
	assert_int_equal(info.table_count, 2);
	assert_string_equal(info.table_sigs[0], "APIC");
	assert_string_equal(info.table_sigs[1], "MCFG");
	assert_true(info.has_madt);
	assert_int_equal(info.cpu_count, 4);
	assert_int_equal(info.ecam_count, 2);
}

/* Entries pointing outside memory, at a header cut by the end of memory,
 * or at a table whose length runs past it are skipped. */
static void test_table_unmappable_skipped(void **state)
{
	struct machine m = build_machine(0);
	u64 tables[4];
	const char *why;
	u64 last;

	last = add_dummy("LAST");
	tables[0] = 0xFFFFFFF0;
	tables[1] = MEM_BASE + MEM_SIZE - 20;
	tables[2] = last;
	tables[3] = m.madt;
	put32(fake_phys_ptr(&fm, last) + 4, (u32)(MEM_BASE + MEM_SIZE - last + 1));
	m.rsdp = acpi_make_rsdp(0, (u32)acpi_add_root(&fm, false, tables, 4), 0);
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, &why), 0);
	assert_why(why, "skipped");
	assert_int_equal(info.table_count, 1);
	assert_true(info.has_madt);
}

/* Builds a MADT from b, lists it alone under an XSDT, parses. */
static int parse_lone_table(const char *sig, const struct acpi_body *b, const char **why)
{
	u64 t = acpi_add_table(&fm, sig, b);
	u64 tables[2] = { t, add_full_mcfg() };
	struct acpi_rsdp r = acpi_make_rsdp(2, 0, acpi_add_root(&fm, true, tables, 2));

	return parse_rsdp(&r, sizeof(r), why);
}

/* A zero-length entry stops the MADT walk (it would never advance); what
 * came before is kept and the next table is still read. */
static void test_madt_zero_length_entry(void **state)
{
	struct acpi_body b = { .n = 0 };
	const char *why;

	madt_header(&b, 0xFEE00000, 1);
	madt_lapic(&b, 0, 5, 1);
	body_put(&b, "\x01\x00", 2);
	madt_lapic(&b, 1, 6, 1);
	assert_int_equal(parse_lone_table("APIC", &b, &why), 0);
	assert_why(why, "MADT entries are malformed");
	assert_true(info.has_madt);
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(info.cpu_apic_ids[0], 5);
	assert_int_equal(info.ecam_count, 2);
}

static void test_madt_entry_length_one(void **state)
{
	struct acpi_body b = { .n = 0 };
	const char *why;

	madt_header(&b, 0xFEE00000, 1);
	body_put(&b, "\x00\x01\x00\x00", 4);
	assert_int_equal(parse_lone_table("APIC", &b, &why), 0);
	assert_why(why, "MADT");
	assert_int_equal(info.cpu_count, 0);
}

static void test_madt_entry_past_end(void **state)
{
	struct acpi_body b = { .n = 0 };
	const char *why;

	madt_header(&b, 0xFEE00000, 1);
	madt_lapic(&b, 0, 1, 1);
	body_put(&b, "\x01\x0c\x02\x00\x00\x00\xc0\xfe", 8); /* IOAPIC, 4 bytes short */
	assert_int_equal(parse_lone_table("APIC", &b, &why), 0);
	assert_why(why, "MADT");
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(info.ioapic_count, 0);
}

/* A lone trailing byte (no room for an entry header) is ignored. */
static void test_madt_trailing_byte(void **state)
{
	struct acpi_body b = { .n = 0 };
	const char *why = "unset";

	madt_header(&b, 0xFEE00000, 1);
	madt_lapic(&b, 0, 1, 1);
	body_u8(&b, 0);
	assert_int_equal(parse_lone_table("APIC", &b, &why), 0);
	assert_null(why);
	assert_int_equal(info.cpu_count, 1);
}

static void test_madt_too_short(void **state)
{
	struct acpi_body b = { .n = 0 };
	const char *why;

	body_u32(&b, 0xFEE00000); /* no flags field */
	assert_int_equal(parse_lone_table("APIC", &b, &why), 0);
	assert_why(why, "MADT");
	assert_false(info.has_madt);
	assert_int_equal(info.table_count, 2);
}

static void test_mcfg_malformed_and_limits(void **state)
{
	struct acpi_body b = { .n = 0 };
	const char *why;
	u64 t;
	struct acpi_rsdp r;

	body_u32(&b, 0); /* shorter than the fixed part */
	t = acpi_add_table(&fm, "MCFG", &b);
	r = acpi_make_rsdp(2, 0, acpi_add_root(&fm, true, &t, 1));
	assert_int_equal(parse_rsdp(&r, sizeof(r), &why), 0);
	assert_why(why, "MCFG is malformed");
	assert_int_equal(info.ecam_count, 0);

	b.n = 0;
	mcfg_header(&b);
	for (unsigned i = 0; i < ACPI_MAX_MCFG + 2; i++)
		mcfg_entry(&b, 0xE0000000ULL + i * MiB(256), (u16)i, 0, 255);
	body_put(&b, "\xff\xff\xff\xff\xff\xff\xff\xff", 8); /* half an entry */
	t = acpi_add_table(&fm, "MCFG", &b);
	r = acpi_make_rsdp(2, 0, acpi_add_root(&fm, true, &t, 1));
	assert_int_equal(parse_rsdp(&r, sizeof(r), &why), 0);
	assert_null(why);
	assert_int_equal(info.ecam_count, ACPI_MAX_MCFG);
	assert_int_equal(info.ecam[ACPI_MAX_MCFG - 1].segment, ACPI_MAX_MCFG - 1);
}

/* Arrays fill up to their limits and nothing is written past them. */
static void test_madt_limits(void **state)
{
	struct acpi_body b = { .n = 0 };
	const char *why = "unset";
	unsigned ncpu = ACPI_MAX_CPUS + 44;

	madt_header(&b, 0xFEE00000, 0);
	for (unsigned i = 0; i < ncpu; i++)
		madt_lapic(&b, (u8)i, (u8)i, 1);
	for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		madt_ioapic(&b, (u8)i, 0xFEC00000 + i * 0x1000, i * 24);
	for (unsigned i = 0; i < ACPI_MAX_OVERRIDES + 3; i++)
		madt_override(&b, (u8)i, i, 0);
	assert_int_equal(parse_lone_table("APIC", &b, &why), 0);
	assert_null(why);
	assert_int_equal(info.cpu_count, ncpu); /* counted, not all stored */
	for (unsigned i = 0; i < ACPI_MAX_CPUS; i++)
		assert_int_equal(info.cpu_apic_ids[i], i & 0xFF);
	assert_int_equal(info.ioapic_count, ACPI_MAX_IOAPICS);
	assert_int_equal(info.ioapics[ACPI_MAX_IOAPICS - 1].gsi_base, (ACPI_MAX_IOAPICS - 1) * 24);
	assert_int_equal(info.override_count, ACPI_MAX_OVERRIDES);
	assert_int_equal(info.overrides[ACPI_MAX_OVERRIDES - 1].gsi, ACPI_MAX_OVERRIDES - 1);
	assert_int_equal(info.ecam_count, 2);
}

static void test_table_count_limit(void **state)
{
	static u64 tables[ACPI_MAX_TABLES + 6];
	struct acpi_rsdp r;

	for (unsigned i = 0; i < ARRAY_SIZE(tables); i++)
		tables[i] = add_dummy(i == ACPI_MAX_TABLES - 1 ? "LAST" : "SSDT");
	r = acpi_make_rsdp(0, (u32)acpi_add_root(&fm, false, tables, ARRAY_SIZE(tables)), 0);
	assert_int_equal(parse_rsdp(&r, ACPI_RSDP_V1_SIZE, NULL), 0);
	assert_int_equal(info.table_count, ACPI_MAX_TABLES);
	assert_string_equal(info.table_sigs[ACPI_MAX_TABLES - 1], "LAST");
}

/* Every field is reset, even when the parse fails. */
static void test_output_reset(void **state)
{
	struct machine m = build_machine(0);

	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, NULL), 0);
	m.rsdp.checksum++;
	assert_int_equal(parse_rsdp(&m.rsdp, ACPI_RSDP_V1_SIZE, NULL), -EINVAL);
	assert_int_equal(info.table_count, 0);
	assert_int_equal(info.cpu_count, 0);
	assert_false(info.has_madt);
}

static void test_checksum(void **state)
{
	static const u8 bytes[] = { 0x10, 0x20, 0xF0, 0x01 };

	assert_int_equal(acpi_checksum(bytes, 0), 0);
	assert_int_equal(acpi_checksum(bytes, 1), 0x10);
	assert_int_equal(acpi_checksum(bytes, 3), 0x20);
	assert_int_equal(acpi_checksum(bytes, 4), 0x21);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_v1_rsdt),
		T(test_v2_prefers_xsdt),
		T(test_v2_without_xsdt_uses_rsdt),
		T(test_rsdp_copy_longer),
		T(test_lapic_address_override),
		T(test_rsdp_bad_signature),
		T(test_rsdp_bad_checksum),
		T(test_rsdp_bad_extended_checksum),
		T(test_rsdp_v2_truncated),
		T(test_xsdt_missing),
		T(test_rsdt_corrupt),
		T(test_root_bad_length),
		T(test_root_entries_bounds),
		T(test_table_bad_checksum_skipped),
		T(test_table_unmappable_skipped),
		T(test_madt_zero_length_entry),
		T(test_madt_entry_length_one),
		T(test_madt_entry_past_end),
		T(test_madt_trailing_byte),
		T(test_madt_too_short),
		T(test_mcfg_malformed_and_limits),
		T(test_madt_limits),
		T(test_table_count_limit),
		T(test_output_reset),
		T(test_checksum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
