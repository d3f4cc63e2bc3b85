// sources: drivers/pci/pci_decode.c lib/fmt.c
/*
 * drivers/pci/pci_decode.c: BAR decoding from the all-ones probe (the values
 * QEMU's and Bochs' devices read back), the x86 MSI message, class names
 * and the report's size and BAR formatting.
 */
#include "helpers.h"

#include "drivers/pci/pci.h"
#include "errno.h"

static struct pci_bar decode_ok(u32 orig, u32 probe, u32 orig_hi, u32 probe_hi)
{
	struct pci_bar bar;

	assert_int_equal(pci_bar_decode(orig, probe, orig_hi, probe_hi, &bar), 0);
	assert_true(bar.present);
	return bar;
}

/* e1000 BAR0: 128 KiB of non-prefetchable 32-bit memory. */
static void test_mem32(void **state)
{
	struct pci_bar bar = decode_ok(0xFEBC0000, 0xFFFE0000, 0, 0);

	assert_false(bar.io);
	assert_false(bar.is64);
	assert_false(bar.prefetchable);
	assert_int_equal(bar.base, 0xFEBC0000);
	assert_int_equal(bar.size, KiB(128));
}

/* The VGA framebuffer: 16 MiB prefetchable, 32-bit. */
static void test_mem32_prefetchable(void **state)
{
	struct pci_bar bar = decode_ok(0xFD000008, 0xFF000008, 0, 0);

	assert_true(bar.prefetchable);
	assert_false(bar.is64);
	assert_int_equal(bar.base, 0xFD000000);
	assert_int_equal(bar.size, MiB(16));
}

/* virtio-net BAR4: 16 KiB of 64-bit prefetchable memory below 4 GiB. */
static void test_mem64(void **state)
{
	struct pci_bar bar = decode_ok(0xFE00000C, 0xFFFFC00C, 0, 0xFFFFFFFF);

	assert_true(bar.is64);
	assert_true(bar.prefetchable);
	assert_int_equal(bar.base, 0xFE000000);
	assert_int_equal(bar.size, KiB(16));
}

/* A 64-bit BAR above 4 GiB and larger than 4 GiB: the size lives in the
 * upper half of the probe. */
static void test_mem64_huge_high(void **state)
{
	struct pci_bar bar = decode_ok(0x0000000C, 0x0000000C, 0x8, 0xFFFFFFFE);

	assert_int_equal(bar.base, 0x800000000ull);
	assert_int_equal(bar.size, GiB(8));
}

static void test_io(void **state)
{
	struct pci_bar bar = decode_ok(0xC001, 0xFFFFFFC1, 0, 0);

	assert_true(bar.io);
	assert_false(bar.prefetchable);
	assert_int_equal(bar.base, 0xC000);
	assert_int_equal(bar.size, 64);
}

/* An I/O BAR implementing only 16 address bits reads zeros above them; the
 * size is still its lowest writable bit. */
static void test_io_16bit_decoder(void **state)
{
	struct pci_bar bar = decode_ok(0xC041, 0x0000FFE1, 0, 0);

	assert_int_equal(bar.base, 0xC040);
	assert_int_equal(bar.size, 32);
}

/* Memory type 01b (below 1 MiB, reserved in PCI 3.0) decodes as 32-bit. */
static void test_mem_below_1m(void **state)
{
	struct pci_bar bar = decode_ok(0x000D0002, 0xFFFF0002, 0, 0);

	assert_false(bar.is64);
	assert_int_equal(bar.base, 0xD0000);
	assert_int_equal(bar.size, KiB(64));
}

static void test_unimplemented(void **state)
{
	struct pci_bar bar = { .present = true };

	assert_int_equal(pci_bar_decode(0, 0, 0, 0, &bar), -ENODEV);
	assert_false(bar.present);
	/* Only the type bits read back: no address bits are writable. */
	assert_int_equal(pci_bar_decode(0x1, 0x1, 0, 0, &bar), -ENODEV);
	assert_int_equal(pci_bar_decode(0x4, 0x4, 0, 0, &bar), -ENODEV);
}

/* An unassigned BAR (base 0) is still present with its size. */
static void test_unassigned(void **state)
{
	struct pci_bar bar = decode_ok(0, 0xFFFFF000, 0, 0);

	assert_int_equal(bar.base, 0);
	assert_int_equal(bar.size, KiB(4));
}

static void test_is64(void **state)
{
	assert_true(pci_bar_is64(0xFE00000C));
	assert_true(pci_bar_is64(0x4));
	assert_false(pci_bar_is64(0xFEBC0000));
	assert_false(pci_bar_is64(0x5)); /* I/O: bits 2:1 are address bits */
	assert_false(pci_bar_is64(0x2));
	assert_false(pci_bar_is64(0x6)); /* type 11b is reserved */
}

static void test_msi_message(void **state)
{
	u32 address;
	u16 data;

	pci_msi_message(0, 0xED, &address, &data);
	assert_int_equal(address, 0xFEE00000);
	assert_int_equal(data, 0xED); /* fixed delivery, edge: only the vector */
	pci_msi_message(3, 0x40, &address, &data);
	assert_int_equal(address, 0xFEE03000);
	assert_int_equal(data, 0x40);
	pci_msi_message(0xFF, 0xFF, &address, &data);
	assert_int_equal(address, 0xFEEFF000);
}

static void test_class_names(void **state)
{
	assert_string_equal(pci_class_name(0x02, 0x00), "Ethernet");
	assert_string_equal(pci_class_name(0x06, 0x00), "host bridge");
	assert_string_equal(pci_class_name(0x06, 0x04), "PCI bridge");
	assert_string_equal(pci_class_name(0x01, 0x06), "SATA");
	assert_string_equal(pci_class_name(0x02, 0x80), "network");
	assert_string_equal(pci_class_name(0x13, 0x00), "instrumentation");
	assert_string_equal(pci_class_name(0xFF, 0x00), "unknown class");
}

static void check_size(u64 size, const char *want)
{
	char buf[32];

	pci_format_size(buf, sizeof(buf), size);
	assert_string_equal(buf, want);
}

static void test_format_size(void **state)
{
	check_size(64, "64 B");
	check_size(1536, "1536 B");
	check_size(KiB(4), "4 KiB");
	check_size(KiB(3), "3 KiB");
	check_size(KiB(128), "128 KiB");
	check_size(MiB(256), "256 MiB");
	check_size(GiB(8), "8 GiB");
	check_size(GiB(2048), "2 TiB");
	check_size(0, "0 B");
}

static void check_bar(unsigned n, struct pci_bar bar, const char *want)
{
	char buf[64];

	pci_format_bar(buf, sizeof(buf), n, &bar);
	assert_string_equal(buf, want);
}

static void test_format_bar(void **state)
{
	check_bar(0, (struct pci_bar){ .present = true, .base = 0xFEBC0000, .size = KiB(128) },
		  "BAR0 mem 0xfebc0000 128 KiB");
	check_bar(1, (struct pci_bar){ .present = true, .io = true, .base = 0xC000, .size = 64 },
		  "BAR1 io 0xc000 64 B");
	check_bar(4, (struct pci_bar){ .present = true, .is64 = true, .prefetchable = true,
				       .base = 0xFE000000, .size = KiB(16) },
		  "BAR4 mem64 pref 0xfe000000 16 KiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem32),
		cmocka_unit_test(test_mem32_prefetchable),
		cmocka_unit_test(test_mem64),
		cmocka_unit_test(test_mem64_huge_high),
		cmocka_unit_test(test_io),
		cmocka_unit_test(test_io_16bit_decoder),
		cmocka_unit_test(test_mem_below_1m),
		cmocka_unit_test(test_unimplemented),
		cmocka_unit_test(test_unassigned),
		cmocka_unit_test(test_is64),
		cmocka_unit_test(test_msi_message),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_bar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
