/*
 * A fake guest RAM for the device-side virtqueue tests (hv/vdev/vring.c,
 * hv/vdev/vnet.c): the driver's side is drivers/net/virtq.c (the
 * hypervisor's own virtio driver) working on the same bytes, so the device
 * model is tested against real driver code. Reads and writes outside the
 * RAM fail as vm_read_gpa's do.
 */
#ifndef UNDERSTUDY_TEST_UNIT_VRING_FIXTURE_H
#define UNDERSTUDY_TEST_UNIT_VRING_FIXTURE_H

#include "drivers/net/virtq.h"
#include "errno.h"
#include "hv/vdev/vring.h"

#define RAM_SIZE (64 * 4096)
#define RING_BASE 0x4000          /* the queue's guest-physical start */
#define BUF_BASE 0x20000          /* buffers from here on */

static u8 ram[RAM_SIZE] __attribute__((aligned(4096)));
static unsigned ram_writes;

static int ram_read(void *ctx, u64 gpa, void *dst, size_t len)
{
	(void)ctx;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(dst, ram + gpa, len);
	return 0;
}

static int ram_write(void *ctx, u64 gpa, const void *src, size_t len)
{
	(void)ctx;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(ram + gpa, src, len);
	ram_writes++;
	return 0;
}

static inline struct vring_mem ram_mem(void)
{
	return (struct vring_mem){ ram_read, ram_write, NULL, RAM_SIZE };
}

/* The driver's view of a queue at base (zeroed). */
static inline void driver_queue_at(struct virtq *dq, u64 base, u16 size)
{
	struct virtq_layout l;

	assert_int_equal(virtq_legacy_layout(size, &l), 0);
	memset(ram + base, 0, l.size);
	assert_int_equal(virtq_init(dq, ram + base, size), 0);
}

static inline void driver_queue(struct virtq *dq, u16 size)
{
	driver_queue_at(dq, RING_BASE, size);
}

#endif
