// sources: hv/vdev/vring.c drivers/net/virtq.c
/*
 * hv/vdev/vring.c: taking chains the driver (drivers/net/virtq.c) made
 * available, gathering and scattering their buffers, returning them
 * through the used ring, interrupt suppression; and every malformed ring:
 * a jumping index, a head or next past the table, a descriptor loop, a
 * chain too long, rings and buffers outside guest RAM, zero and oversized
 * lengths, indirect and misordered descriptors. A broken ring stays broken.
 */
#include "helpers.h"

#include "vring_fixture.h"

#define SIZE 16

struct fixture {
	struct virtq dq;    /* the driver's side */
	struct vring vq;    /* the device's side */
	struct vring_mem m;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	driver_queue(&f.dq, SIZE);
	assert_int_equal(vring_setup(&f.vq, RING_BASE, SIZE), 0);
	f.m = ram_mem();
	*state = &f;
	return 0;
}

static void expect_error(struct fixture *f, enum vring_error e)
{
	struct vring_chain c;

	assert_int_equal(vring_pop(&f->vq, &f->m, &c), -EBADMSG);
	assert_int_equal(f->vq.error, e);
	assert_int_equal(vring_pop(&f->vq, &f->m, &c), -EBADMSG); /* stays broken */
	assert_int_equal(vring_push(&f->vq, &f->m, 0, 0), -EBADMSG);
	assert_string_not_equal(vring_error_name(e), "?");
}

static void test_setup_rules(void **state)
{
	struct vring vq;

	(void)state;
	assert_int_equal(vring_setup(&vq, 0x1234, 16), -EINVAL);  /* not 4096-aligned */
	assert_int_equal(vring_setup(&vq, 0x1000, 12), -EINVAL);  /* not a power of two */
	assert_int_equal(vring_setup(&vq, 0, 12), 0);             /* taken down */
	assert_int_equal(vq.base, 0);
}

static void test_empty_and_unset(void **state)
{
	struct fixture *f = *state;
	struct vring_chain c;
	struct vring unset = { 0 };

	assert_int_equal(vring_pop(&f->vq, &f->m, &c), 0);
	assert_int_equal(vring_pop(&unset, &f->m, &c), 0);
}

static void test_tx_chain_gather_and_push(void **state)
{
	struct fixture *f = *state;
	struct vring_chain c;
	u8 out[64];
	u32 id, len;

	memcpy(ram + BUF_BASE, "0123456789", 10);
	memcpy(ram + BUF_BASE + 0x100, "frame-bytes", 11);
	virtq_set_desc(&f->dq, 4, BUF_BASE, 10, VIRTQ_DESC_F_NEXT, 9);
	virtq_set_desc(&f->dq, 9, BUF_BASE + 0x100, 11, 0, 0);
	virtq_publish(&f->dq, 4);
	assert_int_equal(vring_pop(&f->vq, &f->m, &c), 1);
	assert_int_equal(c.head, 4);
	assert_int_equal(c.count, 2);
	assert_int_equal(c.readable_len, 21);
	assert_int_equal(c.writable_len, 0);
	assert_int_equal(vring_gather(&c, &f->m, 10, out, sizeof(out)), 11);
	assert_memory_equal(out, "frame-bytes", 11);
	assert_int_equal(vring_gather(&c, &f->m, 5, out, 8), 8);   /* capped */
	assert_memory_equal(out, "56789fra", 8);
	assert_int_equal(vring_pop(&f->vq, &f->m, &c), 0);
	assert_int_equal(vring_push(&f->vq, &f->m, 4, 0), 0);
	assert_true(virtq_pop_used(&f->dq, &id, &len));
	assert_int_equal(id, 4);
	assert_int_equal(len, 0);
}

static void test_rx_scatter(void **state)
{
	struct fixture *f = *state;
	struct vring_chain c;
	u32 id, len;

	virtq_set_desc(&f->dq, 0, BUF_BASE, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	virtq_set_desc(&f->dq, 1, BUF_BASE + 0x100, 100, VIRTQ_DESC_F_WRITE, 0);
	virtq_publish(&f->dq, 0);
	assert_int_equal(vring_pop(&f->vq, &f->m, &c), 1);
	assert_int_equal(c.writable_len, 104);
	assert_int_equal(vring_scatter(&c, &f->m, (const u8 *)"abcdefgh", 8), 8);
	assert_memory_equal(ram + BUF_BASE, "abcd", 4);
	assert_memory_equal(ram + BUF_BASE + 0x100, "efgh", 4);
	assert_int_equal(vring_push(&f->vq, &f->m, c.head, 8), 0);
	assert_true(virtq_pop_used(&f->dq, &id, &len));
	assert_int_equal(len, 8);
}

static void test_many_chains_wrap_the_ring(void **state)
{
	struct fixture *f = *state;
	struct vring_chain c;
	u32 id, len;

	for (unsigned round = 0; round < 5 * SIZE; round++) {
		u16 d = (u16)(round % SIZE);

		virtq_set_desc(&f->dq, d, BUF_BASE + d * 64, 64, 0, 0);
		virtq_publish(&f->dq, d);
		assert_int_equal(vring_pop(&f->vq, &f->m, &c), 1);
		assert_int_equal(c.head, d);
		assert_int_equal(vring_push(&f->vq, &f->m, c.head, round), 0);
		assert_true(virtq_pop_used(&f->dq, &id, &len));
		assert_int_equal(id, d);
		assert_int_equal(len, round);
	}
}

static void test_interrupt_suppression(void **state)
{
	struct fixture *f = *state;

	assert_true(vring_wants_interrupt(&f->vq, &f->m));
	f->dq.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	assert_false(vring_wants_interrupt(&f->vq, &f->m));
}

static void test_index_jump(void **state)
{
	struct fixture *f = *state;

	f->dq.avail->idx = SIZE + 1;
	expect_error(f, VRING_BAD_INDEX);
}

static void test_head_past_table(void **state)
{
	struct fixture *f = *state;

	f->dq.avail->ring[0] = SIZE;
	f->dq.avail->idx = 1;
	expect_error(f, VRING_BAD_HEAD);
}

static void test_next_past_table(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, BUF_BASE, 8, VIRTQ_DESC_F_NEXT, 40000);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_BAD_HEAD);
}

static void test_descriptor_loop(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, BUF_BASE, 8, VIRTQ_DESC_F_NEXT, 1);
	virtq_set_desc(&f->dq, 1, BUF_BASE, 8, VIRTQ_DESC_F_NEXT, 0);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_LOOP);
}

static void test_self_loop(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 5, BUF_BASE, 8, VIRTQ_DESC_F_NEXT, 5);
	virtq_publish(&f->dq, 5);
	expect_error(f, VRING_LOOP);
}

/* A full-size chain is legal; on a big queue a loop hits the chain limit. */
static void test_chain_limits(void **state)
{
	struct fixture *f = *state;
	struct vring_chain c;

	for (u16 i = 0; i < SIZE; i++)
		virtq_set_desc(&f->dq, i, BUF_BASE, 8, i + 1 < SIZE ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	virtq_publish(&f->dq, 0);
	assert_int_equal(vring_pop(&f->vq, &f->m, &c), 1);
	assert_int_equal(c.count, SIZE);

	driver_queue(&f->dq, 256);
	assert_int_equal(vring_setup(&f->vq, RING_BASE, 256), 0);
	for (u16 i = 0; i < 256; i++)
		virtq_set_desc(&f->dq, i, BUF_BASE, 8, VIRTQ_DESC_F_NEXT, (u16)((i + 1) % 256));
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_TOO_LONG);
}

static void test_buffer_outside_ram(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, RAM_SIZE - 4, 8, 0, 0);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_OUTSIDE_RAM);
}

static void test_buffer_address_wraps(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, ~0ull - 2, 8, 0, 0);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_OUTSIDE_RAM);
}

static void test_ring_outside_ram(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vring_setup(&f->vq, RAM_SIZE - 4096, SIZE), 0);
	expect_error(f, VRING_OUTSIDE_RAM);
	assert_true(vring_wants_interrupt(&f->vq, &f->m)); /* unreadable: asks */
	assert_int_equal(vring_setup(&f->vq, 1ull << 40, SIZE), 0);
	expect_error(f, VRING_OUTSIDE_RAM);
}

static void test_zero_length(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, BUF_BASE, 0, 0, 0);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_BAD_LENGTH);
}

static void test_length_too_large(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, 0, VRING_BUF_MAX + 1, 0, 0);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_BAD_LENGTH);
}

static void test_indirect_refused(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, BUF_BASE, 16, 4 /* VIRTQ_DESC_F_INDIRECT */, 0);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_BAD_FLAGS);
}

static void test_readable_after_writable(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->dq, 0, BUF_BASE, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	virtq_set_desc(&f->dq, 1, BUF_BASE, 16, 0, 0);
	virtq_publish(&f->dq, 0);
	expect_error(f, VRING_BAD_FLAGS);
}

static void test_setup_clears_error(void **state)
{
	struct fixture *f = *state;
	struct vring_chain c;

	f->dq.avail->idx = 1000;
	expect_error(f, VRING_BAD_INDEX);
	driver_queue(&f->dq, SIZE);
	assert_int_equal(vring_setup(&f->vq, RING_BASE, SIZE), 0);
	assert_int_equal(vring_pop(&f->vq, &f->m, &c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_rules),
		cmocka_unit_test_setup(test_empty_and_unset, setup),
		cmocka_unit_test_setup(test_tx_chain_gather_and_push, setup),
		cmocka_unit_test_setup(test_rx_scatter, setup),
		cmocka_unit_test_setup(test_many_chains_wrap_the_ring, setup),
		cmocka_unit_test_setup(test_interrupt_suppression, setup),
		cmocka_unit_test_setup(test_index_jump, setup),
		cmocka_unit_test_setup(test_head_past_table, setup),
		cmocka_unit_test_setup(test_next_past_table, setup),
		cmocka_unit_test_setup(test_descriptor_loop, setup),
		cmocka_unit_test_setup(test_self_loop, setup),
		cmocka_unit_test_setup(test_chain_limits, setup),
		cmocka_unit_test_setup(test_buffer_outside_ram, setup),
		cmocka_unit_test_setup(test_buffer_address_wraps, setup),
		cmocka_unit_test_setup(test_ring_outside_ram, setup),
		cmocka_unit_test_setup(test_zero_length, setup),
		cmocka_unit_test_setup(test_length_too_large, setup),
		cmocka_unit_test_setup(test_indirect_refused, setup),
		cmocka_unit_test_setup(test_readable_after_writable, setup),
		cmocka_unit_test_setup(test_setup_clears_error, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
