// sources: hv/vdev/acpi_pm.c hv/io_bus.c
/*
 * hv/vdev/acpi_pm.c through the port bus: the PM timer counts guest time at
 * 3.579545 MHz in 24 bits (ACPI 6.4, 4.8.3.3) and reads the same at every
 * width; PM1 status stays clear, enable keeps its defined bits, control
 * reads SCI_EN; SLP_EN with SLP_TYP = S5 ends the run once, by a 16-bit
 * write or two 8-bit ones, and any other sleep type is ignored.
 */
#include "vdev_helpers.h"

#include "hv/vdev/acpi_pm.h"

#define BASE VACPI_PM_BASE
#define TMR (BASE + VACPI_PM_TMR)
#define CNT (BASE + VACPI_PM1_CNT)
#define S5_SLEEP ((VACPI_S5_SLP_TYP << VACPI_CNT_SLP_TYP_SHIFT) | VACPI_CNT_SLP_EN)

struct fixture {
	struct vacpi_pm pm;
	struct io_bus bus;
	struct fake_clock clock;
	unsigned offs;
};

static void record_off(void *ctx)
{
	((struct fixture *)ctx)->offs++;
}

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->bus);
	vacpi_pm_init(&f->pm, fake_vclock(&f->clock), record_off, f);
	assert_int_equal(vacpi_pm_attach(&f->pm, &f->bus, BASE), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static u64 rd(struct fixture *f, u64 port, u8 size)
{
	u64 v = 0;

	assert_true(io_bus_read(&f->bus, port, size, &v));
	return v;
}

static void wr(struct fixture *f, u64 port, u8 size, u64 v)
{
	assert_true(io_bus_write(&f->bus, port, size, v));
}

/* ticks = floor(ns * 3579545 / 10^9) mod 2^24, checked at exact points. */
static void test_timer_rate(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vacpi_pm_timer_at(0), 0);
	assert_int_equal(vacpi_pm_timer_at(NS_PER_SEC), 3579545 & 0xFFFFFF);
	assert_int_equal(vacpi_pm_timer_at(NS_PER_MS), 3579);
	assert_int_equal(vacpi_pm_timer_at(279), 0);  /* one tick is 279.37 ns */
	assert_int_equal(vacpi_pm_timer_at(280), 1);
	/* wraps after 2^24 ticks (4.687 s); no overflow after years of guest time */
	assert_int_equal(vacpi_pm_timer_at(4687000000ULL), 111); /* 16777327 - 2^24 */
	assert_int_equal(vacpi_pm_timer_at(10ULL * 365 * 24 * 3600 * NS_PER_SEC), 13093632);
	f->clock.now = 2 * NS_PER_SEC + 5 * NS_PER_MS;
	assert_int_equal(rd(f, TMR, 4), vacpi_pm_timer_at(f->clock.now));
	assert_int_equal(f->pm.stats.timer_reads, 1);
}

/* 8-, 16- and 32-bit reads of the timer agree; it is read-only. */
static void test_timer_widths(void **state)
{
	struct fixture *f = *state;
	u32 t;

	f->clock.now = 3 * NS_PER_SEC + 123456;
	t = vacpi_pm_timer_at(f->clock.now);
	assert_int_equal(t, 10739076);
	assert_int_equal(rd(f, TMR, 2), t & 0xFFFF);
	assert_int_equal(rd(f, TMR + 2, 1), (t >> 16) & 0xFF);
	assert_int_equal(rd(f, TMR + 3, 1), 0);
	assert_int_equal(rd(f, TMR, 4) >> 24, 0);
	wr(f, TMR, 4, 0x12345678);
	assert_int_equal(rd(f, TMR, 4), t);
}

/* Status reads 0 and ignores writes; enable keeps its defined bits;
 * control reads SCI_EN set and keeps SLP_TYP and BM_RLD. */
static void test_pm1_registers(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(f, BASE, 2), 0);
	wr(f, BASE, 2, 0xFFFF);
	assert_int_equal(rd(f, BASE, 2), 0);
	wr(f, BASE + VACPI_PM1_EN, 2, 0xFFFF);
	assert_int_equal(rd(f, BASE + VACPI_PM1_EN, 2), VACPI_EN_WRITABLE);
	assert_int_equal(rd(f, BASE, 4), (u64)VACPI_EN_WRITABLE << 16);
	assert_int_equal(rd(f, CNT, 2), VACPI_CNT_SCI_EN);
	wr(f, CNT, 2, 3 << VACPI_CNT_SLP_TYP_SHIFT | 0x2);
	assert_int_equal(rd(f, CNT, 2), (3 << VACPI_CNT_SLP_TYP_SHIFT) | 0x2 | VACPI_CNT_SCI_EN);
	assert_int_equal(f->offs, 0);
}

/* What Linux's acpi_hw_legacy_sleep does: SLP_TYP first, then SLP_EN. */
static void test_s5_soft_off(void **state)
{
	struct fixture *f = *state;

	wr(f, CNT, 2, VACPI_S5_SLP_TYP << VACPI_CNT_SLP_TYP_SHIFT);
	assert_int_equal(f->offs, 0);
	wr(f, CNT, 2, S5_SLEEP | VACPI_CNT_SCI_EN);
	assert_int_equal(f->offs, 1);
	assert_true(f->pm.off);
	wr(f, CNT, 2, S5_SLEEP);
	assert_int_equal(f->offs, 1); /* once */
	assert_int_equal(rd(f, CNT, 2) & VACPI_CNT_SLP_EN, 0);
}

/* The high byte alone (SLP_TYP and SLP_EN live there) also sleeps; so does
 * a 32-bit write of the PM1 event block and control together. */
static void test_s5_narrow_and_wide(void **state)
{
	struct fixture *f = *state;

	wr(f, CNT + 1, 1, S5_SLEEP >> 8);
	assert_int_equal(f->offs, 1);
	f->pm.off = false;
	wr(f, BASE + VACPI_PM1_EN, 4, (u64)S5_SLEEP << 16);
	assert_int_equal(f->offs, 2);
}

static void test_other_sleep_types_ignored(void **state)
{
	struct fixture *f = *state;

	for (u16 typ = 0; typ < 8; typ++) {
		if (typ == VACPI_S5_SLP_TYP)
			continue;
		wr(f, CNT, 2, (u16)(typ << VACPI_CNT_SLP_TYP_SHIFT) | VACPI_CNT_SLP_EN);
	}
	assert_int_equal(f->offs, 0);
	assert_int_equal(f->pm.stats.sleep_requests, 7);
	assert_int_equal(f->pm.stats.unsupported_sleeps, 7);
	/* the low byte alone never sleeps */
	wr(f, CNT, 1, 0xFF);
	assert_int_equal(f->offs, 0);
}

/* The ports between the control block and the timer are not claimed. */
static void test_layout(void **state)
{
	struct fixture *f = *state;
	u64 v = 0;

	assert_false(io_bus_read(&f->bus, BASE + 6, 2, &v));
	assert_int_equal(v, 0xFFFF);
	assert_false(io_bus_read(&f->bus, TMR + 4, 1, &v));
	assert_int_equal(vacpi_pm_attach(&f->pm, &f->bus, BASE), -EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timer_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm1_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_soft_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s5_narrow_and_wide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_sleep_types_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
