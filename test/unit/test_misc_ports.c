// sources: hv/vdev/misc_ports.c hv/io_bus.c
/*
 * hv/vdev/misc_ports.c: POST codes remembered from port 0x80, the
 * isa-debug-exit callback for writes of every size at 0xF4-0xF7, and
 * all-ones reads from both.
 */
#include "vdev_helpers.h"

#include "hv/vdev/misc_ports.h"

#define EXITS_MAX 8

struct fixture {
	struct vmisc m;
	struct io_bus bus;
	u32 exits[EXITS_MAX];
	unsigned nexits;
};

static void record_exit(void *ctx, u32 value)
{
	struct fixture *f = ctx;

	assert_true(f->nexits < EXITS_MAX);
	f->exits[f->nexits++] = value;
}

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->bus);
	vmisc_init(&f->m, record_exit, f);
	assert_int_equal(vmisc_attach(&f->m, &f->bus), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static void test_post_codes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vmisc_post_code_ago(&f->m, 0), 0);
	bus_outb(&f->bus, 0x80, 0x12);
	bus_outb(&f->bus, 0x80, 0x34);
	assert_int_equal(f->m.post_code, 0x34);
	assert_int_equal(f->m.post_writes, 2);
	assert_int_equal(vmisc_post_code_ago(&f->m, 0), 0x34);
	assert_int_equal(vmisc_post_code_ago(&f->m, 1), 0x12);
	assert_int_equal(vmisc_post_code_ago(&f->m, 2), 0);
	/* a wider write: port 0x80 gets the low byte, 0x81 is not ours */
	bus_out(&f->bus, 0x80, 2, 0xBEEF);
	assert_int_equal(f->m.post_code, 0xEF);
	assert_int_equal(f->bus.unclaimed_writes, 1);
	/* the history keeps the last 16 */
	for (unsigned i = 0; i < 40; i++)
		bus_outb(&f->bus, 0x80, (u8)i);
	for (unsigned n = 0; n < VMISC_POST_HISTORY; n++)
		assert_int_equal(vmisc_post_code_ago(&f->m, n), 39 - n);
	assert_int_equal(vmisc_post_code_ago(&f->m, VMISC_POST_HISTORY), 0);
	assert_int_equal(f->nexits, 0);
}

static void test_reads_all_ones(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, 0x80, 0x55);
	assert_int_equal(bus_inb(&f->bus, 0x80), 0xFF);
	assert_int_equal(bus_in(&f->bus, 0x80, 2), 0xFFFF);
	assert_int_equal(bus_in(&f->bus, 0x80, 4), 0xFFFFFFFF);
	for (u16 port = 0xF4; port < 0xF8; port++)
		assert_int_equal(bus_inb(&f->bus, port), 0xFF);
	assert_int_equal(bus_in(&f->bus, 0xF4, 4), 0xFFFFFFFF);
	assert_int_equal(bus_in(&f->bus, 0xF6, 2), 0xFFFF);
	assert_int_equal(f->nexits, 0);
	assert_int_equal(f->m.post_code, 0x55);
}

static void test_debug_exit(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, 0xF4, 0x31);
	bus_out(&f->bus, 0xF4, 4, 0xDEADBEEF);
	bus_out(&f->bus, 0xF6, 2, 0x1234);
	bus_outb(&f->bus, 0xF7, 0x00);
	assert_int_equal(f->nexits, 4);
	assert_int_equal(f->exits[0], 0x31);
	assert_int_equal(f->exits[1], 0xDEADBEEF);
	assert_int_equal(f->exits[2], 0x1234);
	assert_int_equal(f->exits[3], 0x00);
	assert_int_equal(f->m.exit_value, 0);
	assert_int_equal(f->m.exit_writes, 4);
	/* 0xF3 and 0xF8 are not the device */
	bus_outb(&f->bus, 0xF3, 1);
	bus_outb(&f->bus, 0xF8, 1);
	assert_int_equal(f->nexits, 4);
}

static void test_no_callback_and_overlap(void **state)
{
	struct vmisc m;
	struct io_bus bus;

	io_bus_init(&bus);
	vmisc_init(&m, NULL, NULL);
	assert_int_equal(vmisc_attach(&m, &bus), 0);
	io_bus_write(&bus, 0xF4, 1, 7);
	assert_int_equal(m.exit_writes, 1);
	assert_int_equal(m.exit_value, 7);
	assert_int_equal(vmisc_attach(&m, &bus), -EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_post_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_all_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_exit, setup, teardown),
		cmocka_unit_test(test_no_callback_and_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
