// sources: hv/vdev/vring.c drivers/net/virtq.c
/*
 * Fuzzes hv/vdev/vring.c, the device's reader of guest-written virtqueues.
 * Input: a 4-byte header, then the guest memory image, copied to
 * guest-physical 0x1000 of a 64 KiB "guest RAM" where the queue starts
 * (reads and writes outside the RAM fail as vm_read_gpa's do).
 *   0 log2 of the queue size (& 15; above 15 the set-up refuses)
 *   1 the device's next available index, low byte   2 high byte
 *   3 bit 0: scatter into writable buffers, bit 1: ask about interrupts
 * Every chain taken must lie in RAM within the limits, gather and scatter
 * stay within their buffers, and a broken ring stays broken.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "hv/vdev/vring.h"

#define HEADER_SIZE 4
#define RAM_SIZE KiB(64)
#define RING_BASE 0x1000

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static u8 ram[RAM_SIZE];
static u8 scratch[KiB(4)];

static int ram_read(void *ctx, u64 gpa, void *dst, size_t len)
{
	(void)ctx;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(dst, ram + gpa, len);
	return 0;
}

static int ram_write(void *ctx, u64 gpa, const void *src, size_t len)
{
	(void)ctx;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(ram + gpa, src, len);
	return 0;
}

static void check_chain(const struct vring *vq, const struct vring_chain *c)
{
	u64 readable = 0, writable = 0;

	CHECK(c->count >= 1 && c->count <= VRING_CHAIN_MAX && c->count <= vq->size);
	CHECK(c->head < vq->size);
	for (unsigned i = 0; i < c->count; i++) {
		const struct vring_seg *s = &c->seg[i];

		CHECK(s->len > 0 && s->len <= VRING_BUF_MAX);
		CHECK(s->addr < RAM_SIZE && s->len <= RAM_SIZE - s->addr);
		CHECK(!(i && c->seg[i - 1].writable && !s->writable));
		*(s->writable ? &writable : &readable) += s->len;
	}
	CHECK(readable == c->readable_len && writable == c->writable_len);
}

static void use_chain(struct vring *vq, const struct vring_mem *m, const struct vring_chain *c,
		      u8 flags)
{
	long n = vring_gather(c, m, 3, scratch, sizeof(scratch));

	CHECK(n >= 0 && (size_t)n <= sizeof(scratch) && (u64)n <= c->readable_len);
	if (flags & 1) {
		n = vring_scatter(c, m, scratch, sizeof(scratch));
		CHECK(n >= 0 && (size_t)n <= sizeof(scratch) && (u64)n <= c->writable_len);
	}
	if (vring_push(vq, m, c->head, (u32)n))
		CHECK(vq->error == VRING_OUTSIDE_RAM);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const struct vring_mem m = { ram_read, ram_write, NULL, RAM_SIZE };
	struct vring vq;
	static struct vring_chain c;
	unsigned log2, taken = 0;
	int r;

	if (size < HEADER_SIZE)
		return 0;
	memset(ram, 0, sizeof(ram));
	memcpy(ram + RING_BASE, data + HEADER_SIZE, MIN(size - HEADER_SIZE, RAM_SIZE - RING_BASE));
	log2 = data[0] & 15;
	if (vring_setup(&vq, RING_BASE, (u16)(1u << log2)))
		return 0;
	vq.next_avail = (u16)(data[1] | data[2] << 8);
	vq.next_used = vq.next_avail;
	if (data[3] & 2)
		(void)vring_wants_interrupt(&vq, &m);
	while ((r = vring_pop(&vq, &m, &c)) > 0) {
		CHECK(vq.error == VRING_OK);
		check_chain(&vq, &c);
		use_chain(&vq, &m, &c, data[3]);
		CHECK(++taken <= vq.size); /* the index never runs more than a queue ahead */
	}
	if (r < 0) {
		CHECK(vq.error != VRING_OK && vq.error < VRING_ERROR_COUNT);
		CHECK(vring_pop(&vq, &m, &c) == -EBADMSG);
	}
	return 0;
}
