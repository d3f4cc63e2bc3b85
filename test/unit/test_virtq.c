// sources: drivers/net/virtq.c
/*
 * drivers/net/virtq.c: the legacy split-virtqueue layout arithmetic
 * (Virtio 1.0, 2.4.2) and the driver-side ring operations, with the test
 * playing the device (reading the available ring, filling the used ring).
 */
#include "helpers.h"

#include <stdlib.h>

#include "drivers/net/virtq.h"
#include "errno.h"

static void check_layout(u32 size, size_t avail, size_t used, size_t total)
{
	struct virtq_layout l;

	assert_int_equal(virtq_legacy_layout(size, &l), 0);
	assert_int_equal(l.desc_off, 0);
	assert_int_equal(l.avail_off, avail);
	assert_int_equal(l.used_off, used);
	assert_int_equal(l.size, total);
}

/* The spec's formula: ALIGN(16 * n + 2 * (3 + n)) + ALIGN(2 * 3 + 8 * n). */
static void test_layout(void **state)
{
	check_layout(1, 16, 4096, 8192);
	check_layout(128, 2048, 4096, 8192);      /* 2048 + 262; 6 + 1024 */
	check_layout(256, 4096, 8192, 12288);     /* QEMU's default virtio-net queues */
	check_layout(1024, 16384, 20480, 32768);  /* 16384 + 2054; 6 + 8192 */
	check_layout(32768, 524288, 593920, 860160);
}

/* For every legal size: the parts do not overlap, the used ring and the
 * end are 4096-aligned, and no more than the alignment is wasted. */
static void test_layout_properties(void **state)
{
	for (u32 n = 1; n <= VIRTQ_MAX_SIZE; n *= 2) {
		struct virtq_layout l;
		size_t avail_end, used_bytes = 6 + 8 * (size_t)n;

		assert_int_equal(virtq_legacy_layout(n, &l), 0);
		assert_int_equal(l.avail_off, 16 * (size_t)n);
		avail_end = l.avail_off + 2 * (3 + (size_t)n);
		assert_true(l.used_off >= avail_end);
		assert_true(l.used_off - avail_end < VIRTQ_LEGACY_ALIGN);
		assert_int_equal(l.used_off % VIRTQ_LEGACY_ALIGN, 0);
		assert_true(l.size - l.used_off >= used_bytes);
		assert_true(l.size - l.used_off - used_bytes < VIRTQ_LEGACY_ALIGN);
		assert_int_equal(l.size % VIRTQ_LEGACY_ALIGN, 0);
	}
}

static void test_layout_rejects(void **state)
{
	struct virtq_layout l;

	assert_int_equal(virtq_legacy_layout(0, &l), -EINVAL);
	assert_int_equal(virtq_legacy_layout(3, &l), -EINVAL);
	assert_int_equal(virtq_legacy_layout(384, &l), -EINVAL);
	assert_int_equal(virtq_legacy_layout(65536, &l), -EINVAL);
}

struct ring {
	void *mem;
	struct virtq vq;
};

static struct ring make_ring(u32 size)
{
	struct virtq_layout l;
	struct ring r;

	assert_int_equal(virtq_legacy_layout(size, &l), 0);
	r.mem = aligned_alloc(VIRTQ_LEGACY_ALIGN, l.size);
	assert_non_null(r.mem);
	memset(r.mem, 0, l.size);
	assert_int_equal(virtq_init(&r.vq, r.mem, size), 0);
	return r;
}

static void test_init_points_into_layout(void **state)
{
	struct ring r = make_ring(256);

	assert_ptr_equal(r.vq.desc, r.mem);
	assert_ptr_equal((u8 *)r.vq.avail, (u8 *)r.mem + 4096);
	assert_ptr_equal((u8 *)r.vq.used, (u8 *)r.mem + 8192);
	assert_int_equal(r.vq.size, 256);
	assert_int_equal(virtq_init(&r.vq, r.mem, 100), -EINVAL);
	free(r.mem);
}

static void test_set_desc(void **state)
{
	struct ring r = make_ring(8);

	virtq_set_desc(&r.vq, 2, 0x123456789ull, 10, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	assert_int_equal(r.vq.desc[2].addr, 0x123456789ull);
	assert_int_equal(r.vq.desc[2].len, 10);
	assert_int_equal(r.vq.desc[2].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	assert_int_equal(r.vq.desc[2].next, 3);
	free(r.mem);
}

/* The device's side: returns head with len in the used ring. */
static void device_use(struct virtq *vq, u32 head, u32 len)
{
	vq->used->ring[vq->used->idx % vq->size] = (struct virtq_used_elem){ head, len };
	vq->used->idx++;
}

static void test_publish_and_pop(void **state)
{
	struct ring r = make_ring(8);
	u32 id, len;

	assert_false(virtq_pop_used(&r.vq, &id, &len));
	virtq_publish(&r.vq, 0);
	virtq_publish(&r.vq, 2);
	virtq_publish(&r.vq, 4);
	assert_int_equal(r.vq.avail->idx, 3);
	assert_int_equal(r.vq.avail->ring[0], 0);
	assert_int_equal(r.vq.avail->ring[1], 2);
	assert_int_equal(r.vq.avail->ring[2], 4);

	device_use(&r.vq, 2, 74);
	device_use(&r.vq, 0, 1524);
	assert_true(virtq_pop_used(&r.vq, &id, &len));
	assert_int_equal(id, 2);
	assert_int_equal(len, 74);
	assert_true(virtq_pop_used(&r.vq, &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, 1524);
	assert_false(virtq_pop_used(&r.vq, &id, &len));
	free(r.mem);
}

/* Both indexes are free-running 16-bit counters: they wrap at 65536 while
 * the ring slots wrap at the queue size. */
static void test_index_wraparound(void **state)
{
	struct ring r = make_ring(4);
	u32 id, len;

	r.vq.avail->idx = 65534;
	r.vq.used->idx = 65534;
	r.vq.last_used = 65534;
	for (u16 head = 0; head < 4; head++)
		virtq_publish(&r.vq, head);
	assert_int_equal(r.vq.avail->idx, 2);
	assert_int_equal(r.vq.avail->ring[65534 % 4], 0);
	assert_int_equal(r.vq.avail->ring[65535 % 4], 1);
	assert_int_equal(r.vq.avail->ring[0], 2);
	assert_int_equal(r.vq.avail->ring[1], 3);

	for (u32 head = 0; head < 4; head++)
		device_use(&r.vq, head, 100 + head);
	for (u32 head = 0; head < 4; head++) {
		assert_true(virtq_pop_used(&r.vq, &id, &len));
		assert_int_equal(id, head);
		assert_int_equal(len, 100 + head);
	}
	assert_false(virtq_pop_used(&r.vq, &id, &len));
	assert_int_equal(r.vq.last_used, 2);
	free(r.mem);
}

static void test_needs_notify(void **state)
{
	struct ring r = make_ring(8);

	assert_true(virtq_needs_notify(&r.vq));
	r.vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
	assert_false(virtq_needs_notify(&r.vq));
	free(r.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_properties),
		cmocka_unit_test(test_layout_rejects),
		cmocka_unit_test(test_init_points_into_layout),
		cmocka_unit_test(test_set_desc),
		cmocka_unit_test(test_publish_and_pop),
		cmocka_unit_test(test_index_wraparound),
		cmocka_unit_test(test_needs_notify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
