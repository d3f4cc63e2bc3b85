// sources: hv/io_bus.c
/*
 * hv/io_bus.c: range registration (empty, wrapping, overlapping, full),
 * lookup at range edges, dispatch with range-relative offsets and sizes,
 * value masking, unclaimed all-ones reads and dropped writes, NULL
 * callbacks, and accesses straddling the end of a range.
 */
#include "vdev_helpers.h"

#define DEV_BYTES 16

/* A device backed by bytes; records its last access. */
struct rec_dev {
	u8 mem[DEV_BYTES];
	u64 last_offset, last_value;
	u8 last_size;
	unsigned reads, writes;
};

static u64 rec_read(void *dev, u64 offset, u8 size)
{
	struct rec_dev *d = dev;
	u64 v = 0;

	d->reads++;
	d->last_offset = offset;
	d->last_size = size;
	for (unsigned i = 0; i < size; i++)
		if (offset + i < DEV_BYTES)
			v |= (u64)d->mem[offset + i] << (8 * i);
	/* junk above the access size: the bus must mask it off */
	return size < 8 ? v | ~0ULL << (8 * size) : v;
}

static void rec_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct rec_dev *d = dev;

	d->writes++;
	d->last_offset = offset;
	d->last_size = size;
	d->last_value = value;
	for (unsigned i = 0; i < size; i++)
		if (offset + i < DEV_BYTES)
			d->mem[offset + i] = (u8)(value >> (8 * i));
}

static struct io_range range(u64 base, u64 len, struct rec_dev *d)
{
	struct io_range r = {
		.base = base, .len = len, .dev = d, .read = rec_read, .write = rec_write,
		.name = "rec",
	};

	return r;
}

static void test_register_errors(void **state)
{
	static const u64 overlaps[][2] = {
		{ 0x100, 0x10 },   /* identical */
		{ 0x0F8, 0x09 },   /* covers the first byte */
		{ 0x10F, 0x08 },   /* covers the last byte */
		{ 0x104, 0x02 },   /* inside */
		{ 0x000, 0x1000 }, /* around */
	};
	struct io_bus bus;
	struct rec_dev d = { 0 };
	struct io_range r;

	io_bus_init(&bus);
	r = range(0x100, 0, &d);
	assert_int_equal(io_bus_register(&bus, &r), -EINVAL);
	r = range(UINT64_MAX - 1, 4, &d);
	assert_int_equal(io_bus_register(&bus, &r), -EINVAL);
	r = range(0x100, 0x10, &d);
	assert_int_equal(io_bus_register(&bus, &r), 0);

	/* every kind of overlap with [0x100, 0x110) */
	for (unsigned i = 0; i < sizeof(overlaps) / sizeof(overlaps[0]); i++) {
		r = range(overlaps[i][0], overlaps[i][1], &d);
		assert_int_equal(io_bus_register(&bus, &r), -EEXIST);
	}
	/* adjacent on both sides is fine */
	r = range(0x0F0, 0x10, &d);
	assert_int_equal(io_bus_register(&bus, &r), 0);
	r = range(0x110, 0x10, &d);
	assert_int_equal(io_bus_register(&bus, &r), 0);
	assert_int_equal(bus.count, 3);
}

static void test_register_full(void **state)
{
	struct io_bus bus;
	struct rec_dev d = { 0 };
	struct io_range r;

	io_bus_init(&bus);
	for (unsigned i = 0; i < IO_BUS_MAX_RANGES; i++) {
		r = range(0x1000 + i * 0x10, 0x10, &d);
		assert_int_equal(io_bus_register(&bus, &r), 0);
	}
	r = range(0x9000, 1, &d);
	assert_int_equal(io_bus_register(&bus, &r), -ENOSPC);
	/* an overlap is still reported as such on a full bus */
	r = range(0x1000, 1, &d);
	assert_int_equal(io_bus_register(&bus, &r), -EEXIST);
	assert_int_equal(bus.count, IO_BUS_MAX_RANGES);
}

static void test_find_edges(void **state)
{
	struct io_bus bus;
	struct rec_dev a = { 0 }, b = { 0 };
	struct io_range ra = range(0x3F8, 8, &a), rb = range(0x400, 4, &b);

	io_bus_init(&bus);
	assert_null(io_bus_find(&bus, 0x3F8));
	assert_int_equal(io_bus_register(&bus, &ra), 0);
	assert_int_equal(io_bus_register(&bus, &rb), 0);
	assert_null(io_bus_find(&bus, 0x3F7));
	assert_ptr_equal(io_bus_find(&bus, 0x3F8)->dev, &a);
	assert_ptr_equal(io_bus_find(&bus, 0x3FF)->dev, &a);
	assert_ptr_equal(io_bus_find(&bus, 0x400)->dev, &b);
	assert_ptr_equal(io_bus_find(&bus, 0x403)->dev, &b);
	assert_null(io_bus_find(&bus, 0x404));
	assert_null(io_bus_find(&bus, UINT64_MAX));
}

static void test_dispatch(void **state)
{
	struct io_bus bus;
	struct rec_dev d = { 0 };
	struct io_range r = range(0xFEE00000ULL, DEV_BYTES, &d);
	u64 v;

	io_bus_init(&bus);
	assert_int_equal(io_bus_register(&bus, &r), 0);
	for (unsigned i = 0; i < DEV_BYTES; i++)
		d.mem[i] = (u8)(0x10 + i);

	assert_true(io_bus_read(&bus, 0xFEE00004ULL, 2, &v));
	assert_int_equal(d.last_offset, 4);
	assert_int_equal(d.last_size, 2);
	assert_true(v == 0x1514); /* masked to two bytes */
	assert_true(io_bus_read(&bus, 0xFEE00000ULL, 1, &v));
	assert_true(v == 0x10);
	assert_true(io_bus_read(&bus, 0xFEE00008ULL, 4, &v));
	assert_true(v == 0x1B1A1918);
	assert_true(io_bus_read(&bus, 0xFEE00008ULL, 8, &v));
	assert_int_equal(d.last_size, 8);
	assert_true(v == 0x1F1E1D1C1B1A1918ULL);

	/* writes: value masked to the size before the device sees it */
	assert_true(io_bus_write(&bus, 0xFEE00002ULL, 1, 0xFFFFFF77));
	assert_int_equal(d.last_offset, 2);
	assert_true(d.last_value == 0x77);
	assert_true(io_bus_write(&bus, 0xFEE00004ULL, 4, 0x1122334455667788ULL));
	assert_true(d.last_value == 0x55667788);
	assert_true(io_bus_write(&bus, 0xFEE00008ULL, 8, 0x1122334455667788ULL));
	assert_true(d.last_value == 0x1122334455667788ULL);
	assert_int_equal(bus.unclaimed_reads, 0);
	assert_int_equal(bus.unclaimed_writes, 0);
}

static void test_unclaimed(void **state)
{
	struct io_bus bus;
	u64 v;

	io_bus_init(&bus);
	assert_false(io_bus_read(&bus, 0x80, 1, &v));
	assert_true(v == 0xFF);
	assert_false(io_bus_read(&bus, 0x80, 2, &v));
	assert_true(v == 0xFFFF);
	assert_false(io_bus_read(&bus, 0x80, 4, &v));
	assert_true(v == 0xFFFFFFFF);
	assert_false(io_bus_read(&bus, 0xFED00000ULL, 8, &v));
	assert_true(v == UINT64_MAX);
	assert_false(io_bus_write(&bus, 0x80, 1, 0));
	assert_false(io_bus_write(&bus, 0x80, 4, 0));
	assert_int_equal(bus.unclaimed_reads, 4);
	assert_int_equal(bus.unclaimed_writes, 2);
}

static void test_null_callbacks(void **state)
{
	struct io_bus bus;
	struct io_range r = { .base = 0xF4, .len = 4, .name = "silent" };
	u64 v;

	io_bus_init(&bus);
	assert_int_equal(io_bus_register(&bus, &r), 0);
	assert_true(io_bus_read(&bus, 0xF4, 2, &v));
	assert_true(v == 0xFFFF);
	assert_true(io_bus_write(&bus, 0xF4, 4, 1));
	assert_int_equal(bus.unclaimed_reads, 0);
	assert_int_equal(bus.unclaimed_writes, 0);
}

static void test_straddling(void **state)
{
	struct io_bus bus;
	struct rec_dev a = { 0 }, b = { 0 };
	struct io_range ra = range(0x10, 2, &a), rb = range(0x12, 2, &b);
	u64 v;

	io_bus_init(&bus);
	assert_int_equal(io_bus_register(&bus, &ra), 0);
	a.mem[0] = 0xA0;
	a.mem[1] = 0xA1;
	b.mem[0] = 0xB0;
	b.mem[1] = 0xB1;

	/* past the end of the last range: the rest reads as all ones */
	assert_true(io_bus_read(&bus, 0x11, 4, &v));
	assert_true(v == 0xFFFFFFA1);
	assert_int_equal(a.last_size, 1);
	assert_int_equal(a.last_offset, 1);
	assert_int_equal(bus.unclaimed_reads, 3);

	/* across two adjacent ranges: byte by byte from each */
	assert_int_equal(io_bus_register(&bus, &rb), 0);
	assert_true(io_bus_read(&bus, 0x11, 4, &v));
	assert_true(v == 0xFFB1B0A1);
	assert_true(io_bus_read(&bus, 0x10, 8, &v));
	assert_true(v == 0xFFFFFFFFB1B0A1A0ULL);

	/* writes split the same way */
	a.writes = b.writes = 0;
	assert_true(io_bus_write(&bus, 0x11, 4, 0x44332211));
	assert_int_equal(a.writes, 1);
	assert_int_equal(b.writes, 2);
	assert_int_equal(a.mem[1], 0x11);
	assert_int_equal(b.mem[0], 0x22);
	assert_int_equal(b.mem[1], 0x33);
	assert_int_equal(bus.unclaimed_writes, 1);
	assert_int_equal(b.last_size, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_errors),
		cmocka_unit_test(test_register_full),
		cmocka_unit_test(test_find_edges),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_unclaimed),
		cmocka_unit_test(test_null_callbacks),
		cmocka_unit_test(test_straddling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
