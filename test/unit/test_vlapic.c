// sources: hv/vdev/lapic_min.c hv/io_bus.c
/*
 * hv/vdev/lapic_min.c: register reset values, writable bits, computed
 * priorities, software disable, IPI counting, invalid and reserved
 * accesses through an MMIO bus, and IA32_APIC_BASE.
 */
#include "vdev_helpers.h"

#include "hv/vdev/lapic_min.h"

#define BASE VLAPIC_BASE

struct fixture {
	struct vlapic l;
	struct io_bus mmio;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->mmio);
	vlapic_init(&f->l, 0);
	assert_int_equal(vlapic_attach(&f->l, &f->mmio), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static u32 rd(struct fixture *f, u32 reg)
{
	return bus_in(&f->mmio, BASE + reg, 4);
}

static void wr(struct fixture *f, u32 reg, u32 value)
{
	bus_out(&f->mmio, BASE + reg, 4, value);
}

static void test_reset_values(void **state)
{
	struct fixture *f = *state;
	struct vlapic other;
	static const struct {
		u32 reg, value;
	} want[] = {
		{ 0x020, 0x00000000 }, /* ID */
		{ 0x030, 0x00050014 }, /* version */
		{ 0x080, 0 },          /* TPR */
		{ 0x090, 0 },          /* APR */
		{ 0x0A0, 0 },          /* PPR */
		{ 0x0B0, 0 },          /* EOI (write-only) */
		{ 0x0D0, 0 },          /* LDR */
		{ 0x0E0, 0xFFFFFFFF }, /* DFR */
		{ 0x0F0, 0x000000FF }, /* SVR */
		{ 0x280, 0 },          /* ESR */
		{ 0x2F0, 0x00010000 }, /* LVT CMCI */
		{ 0x300, 0 },          /* ICR */
		{ 0x310, 0 },
		{ 0x320, 0x00010000 }, /* LVT timer */
		{ 0x330, 0x00010000 }, /* thermal */
		{ 0x340, 0x00010000 }, /* perf */
		{ 0x350, 0x00010000 }, /* LINT0 */
		{ 0x360, 0x00010000 }, /* LINT1 */
		{ 0x370, 0x00010000 }, /* error */
		{ 0x380, 0 },          /* timer initial */
		{ 0x390, 0 },          /* current */
		{ 0x3E0, 0 },          /* divide */
	};

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (rd(f, want[i].reg) != want[i].value)
			fail_msg("reg %#x = %#x, want %#x", want[i].reg, rd(f, want[i].reg),
				 want[i].value);
	for (u32 reg = 0x100; reg < 0x280; reg += 0x10)
		assert_int_equal(rd(f, reg), 0); /* ISR, TMR, IRR */
	assert_int_equal(f->l.stats.reserved_accesses, 0);
	assert_int_equal(f->l.stats.bad_accesses, 0);
	assert_true(vlapic_apic_base(&f->l) == (0xFEE00000ULL | 0x900));
	vlapic_init(&other, 3);
	assert_int_equal(vlapic_read(&other, 0x20), 0x03000000);
}

static void test_writable_bits(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x020, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x020), 0xFF000000);
	wr(f, 0x080, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x080), 0xFF);
	wr(f, 0x0D0, 0x12345678);
	assert_int_equal(rd(f, 0x0D0), 0x12000000);
	wr(f, 0x0E0, 0x00000000); /* cluster model; bits 27:0 stay ones */
	assert_int_equal(rd(f, 0x0E0), 0x0FFFFFFF);
	wr(f, 0x0F0, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x0F0), 0x3FF);
	/* software-enabled now: LVT masks can be cleared */
	wr(f, 0x350, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x350), 0x1A7FF); /* no remote IRR, no delivery status */
	wr(f, 0x320, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x320), 0x300FF);
	wr(f, 0x370, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x370), 0x100FF);
	wr(f, 0x340, 0x00000400); /* perf: NMI delivery, unmasked */
	assert_int_equal(rd(f, 0x340), 0x400);
	wr(f, 0x380, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x380), 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x390), 0); /* no timer */
	wr(f, 0x3E0, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x3E0), 0xB);
	wr(f, 0x310, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x310), 0xFF000000);
	/* ESR: a write latches (no) errors */
	wr(f, 0x280, 0xFFFFFFFF);
	assert_int_equal(rd(f, 0x280), 0);
	assert_int_equal(f->l.stats.ignored_writes, 0);
}

static void test_priorities(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x080, 0x0F);
	assert_int_equal(rd(f, 0x0A0), 0x0F); /* PPR = TPR with ISR empty */
	assert_int_equal(rd(f, 0x090), 0x00); /* APR: TPR class 0 */
	wr(f, 0x080, 0x5A);
	assert_int_equal(rd(f, 0x0A0), 0x5A);
	assert_int_equal(rd(f, 0x090), 0x5A);
	/* the CR8 side of the TPR */
	assert_int_equal(vlapic_tpr(&f->l), 0x5A);
	vlapic_set_tpr(&f->l, 0x70);
	assert_int_equal(rd(f, 0x080), 0x70);
	vlapic_set_tpr(&f->l, 0x5A);
	/* read-only: writes ignored and counted */
	wr(f, 0x090, 0xFF);
	wr(f, 0x0A0, 0xFF);
	wr(f, 0x030, 0);
	wr(f, 0x100, 1);
	wr(f, 0x270, 1);
	wr(f, 0x390, 1);
	assert_int_equal(rd(f, 0x0A0), 0x5A);
	assert_int_equal(rd(f, 0x030), 0x00050014);
	assert_int_equal(rd(f, 0x100), 0);
	assert_int_equal(f->l.stats.ignored_writes, 6);
}

static void test_software_disable_masks_lvt(void **state)
{
	struct fixture *f = *state;

	/* software-disabled at reset: the mask bit cannot be cleared */
	wr(f, 0x350, 0x700); /* ExtINT, unmasked */
	assert_int_equal(rd(f, 0x350), 0x10700);
	wr(f, 0x0F0, 0x1FF);
	wr(f, 0x350, 0x700);
	wr(f, 0x360, 0x400);
	assert_int_equal(rd(f, 0x350), 0x700);
	/* disabling masks every entry */
	wr(f, 0x0F0, 0x0FF);
	assert_int_equal(rd(f, 0x350), 0x10700);
	assert_int_equal(rd(f, 0x360), 0x10400);
	assert_int_equal(rd(f, 0x2F0), 0x10000);
}

static void test_eoi_and_ipis(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x0B0, 0);
	wr(f, 0x0B0, 0x1234);
	assert_int_equal(f->l.stats.eoi_writes, 2);
	assert_int_equal(rd(f, 0x0B0), 0);
	/* the INIT-SIPI-SIPI sequence to APIC 1 */
	wr(f, 0x310, 0x01000000);
	wr(f, 0x300, 0x0000C500); /* INIT, level assert */
	wr(f, 0x300, 0x00008500); /* INIT de-assert */
	wr(f, 0x300, 0x00000608); /* SIPI, vector 8 */
	wr(f, 0x300, 0x00000608);
	assert_int_equal(rd(f, 0x300), 0x00000608); /* delivery status idle */
	/* a fixed self-IPI via shorthand */
	wr(f, 0x300, 0x00041030); /* delivery status bit 12 cannot be set */
	assert_int_equal(rd(f, 0x300), 0x00040030);
	assert_int_equal(f->l.stats.ipis, 5);
	assert_int_equal(f->l.stats.init_ipis, 2);
	assert_int_equal(f->l.stats.startup_ipis, 2);
}

static void test_invalid_accesses(void **state)
{
	struct fixture *f = *state;
	u64 v;

	wr(f, 0x080, 0x33);
	/* wrong sizes and misaligned offsets: read 0, writes ignored */
	assert_int_equal(bus_in(&f->mmio, BASE + 0x080, 1), 0);
	assert_int_equal(bus_in(&f->mmio, BASE + 0x080, 2), 0);
	assert_true(io_bus_read(&f->mmio, BASE + 0x080, 8, &v));
	assert_true(v == 0);
	assert_int_equal(bus_in(&f->mmio, BASE + 0x084, 4), 0);
	assert_int_equal(bus_in(&f->mmio, BASE + 0x081, 4), 0);
	bus_out(&f->mmio, BASE + 0x080, 1, 0x77);
	bus_out(&f->mmio, BASE + 0x080, 2, 0x77);
	bus_out(&f->mmio, BASE + 0x080, 8, 0x77);
	bus_out(&f->mmio, BASE + 0x088, 4, 0x77);
	assert_int_equal(rd(f, 0x080), 0x33);
	assert_int_equal(f->l.stats.bad_accesses, 9);
	/* an 8-byte access straddling the page end: split into bytes, the
	 * four inside the page are bad accesses */
	assert_true(io_bus_read(&f->mmio, BASE + 0xFFC, 8, &v));
	assert_true(v == 0xFFFFFFFF00000000ULL);
	assert_int_equal(f->l.stats.bad_accesses, 13);
	/* aligned accesses at offsets with no register */
	assert_int_equal(rd(f, 0x000), 0);
	assert_int_equal(rd(f, 0x040), 0);
	assert_int_equal(rd(f, 0x3F0), 0);
	assert_int_equal(rd(f, 0xFF0), 0);
	wr(f, 0x3A0, 1);
	assert_int_equal(f->l.stats.reserved_accesses, 5);
	assert_int_equal(f->l.stats.eoi_writes, 0);
	assert_int_equal(f->l.stats.ipis, 0);
}

static void test_apic_base_msr(void **state)
{
	struct fixture *f = *state;

	wr(f, 0x080, 0x20);
	wr(f, 0x0F0, 0x1FF);
	/* refused: moving, x2APIC, reserved bits; the state is unchanged */
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFED00000ULL | 0x900), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00000ULL | 0xD00), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00000ULL | 0x901), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00000ULL | 0xB00), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f->l, 1ULL << 52 | 0xFEE00900ULL), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f->l, 0x1FEE00900ULL), -EINVAL);
	assert_true(vlapic_apic_base(&f->l) == 0xFEE00900ULL);
	assert_int_equal(rd(f, 0x080), 0x20);
	/* the same value is accepted; so is the BSP bit clear (read-only) */
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00900ULL), 0);
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00800ULL), 0);
	assert_true(vlapic_apic_base(&f->l) == 0xFEE00900ULL);
	assert_int_equal(rd(f, 0x080), 0x20);

	/* disable: the page is no longer decoded */
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00100ULL), 0);
	assert_true(vlapic_apic_base(&f->l) == 0xFEE00100ULL);
	assert_int_equal(rd(f, 0x030), 0xFFFFFFFF);
	wr(f, 0x080, 0x40);
	assert_int_equal(f->l.stats.disabled_accesses, 2);
	/* x2APIC cannot be entered from disabled either */
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00400ULL), -EINVAL);
	/* re-enable: back in the power-up state */
	assert_int_equal(vlapic_write_apic_base(&f->l, 0xFEE00800ULL), 0);
	assert_true(vlapic_apic_base(&f->l) == 0xFEE00900ULL);
	assert_int_equal(rd(f, 0x080), 0);
	assert_int_equal(rd(f, 0x0F0), 0xFF);
	assert_int_equal(rd(f, 0x030), 0x00050014);
	assert_int_equal(vlapic_attach(&f->l, &f->mmio), -EEXIST);
}

/* Random accesses of every size anywhere in and around the page. */
static void test_random_accesses(void **state)
{
	struct fixture *f = *state;
	static const u8 sizes[] = { 1, 2, 4, 8 };
	u64 seed = 5, v;

	for (unsigned i = 0; i < 200000; i++) {
		u64 r = vdev_rand(&seed);
		u64 addr = BASE - 8 + (r % (VLAPIC_PAGE_SIZE + 16));
		u8 size = sizes[(r >> 13) % 4];

		if ((r >> 16) & 1)
			io_bus_read(&f->mmio, addr, size, &v);
		else
			io_bus_write(&f->mmio, addr, size, r >> 20);
		if ((r >> 17) % 512 == 0)
			vlapic_write_apic_base(&f->l, (r >> 24) & 1 ? 0xFEE00900ULL : r >> 18);
	}
	assert_int_equal(f->l.dfr & 0x0FFFFFFF, 0x0FFFFFFF);
	assert_int_equal(f->l.icr_low & 0x1000, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writable_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_software_disable_masks_lvt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_and_ipis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_accesses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apic_base_msr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_accesses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
