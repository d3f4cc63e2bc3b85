/*
 * The device's side of a split virtqueue in the legacy layout (Virtio 1.0,
 * 2.4 "Virtqueues", 2.4.2 "Legacy Interfaces: A Note on Virtqueue Layout";
 * the structures are drivers/net/virtq.h's): taking the chains the driver
 * made available and returning them through the used ring. Everything is
 * read and written through the caller's guest-memory accessors (the
 * hypervisor's fault-safe vm_read_gpa/vm_write_gpa), never through a
 * pointer, and every value the guest wrote is checked: a malformed ring is
 * an error the caller reports, never a fault or a loop in the hypervisor.
 * Pure code (host-tested and fuzzed).
 */
#ifndef UNDERSTUDY_HV_VDEV_VRING_H
#define UNDERSTUDY_HV_VDEV_VRING_H

#include "drivers/net/virtq.h"
#include "types.h"

#define VRING_CHAIN_MAX 64   /* descriptors in one chain (Linux's longest: 2 + MAX_SKB_FRAGS) */
#define VRING_BUF_MAX 65536  /* bytes in one descriptor's buffer */

/* Guest-physical memory: 0, or a negative errno when [gpa, gpa+len) is not
 * all guest RAM (nothing copied). */
struct vring_mem {
	int (*read)(void *ctx, u64 gpa, void *dst, size_t len);
	int (*write)(void *ctx, u64 gpa, const void *src, size_t len);
	void *ctx;
	u64 ram_end;         /* guest RAM is [0, ram_end) */
};

/* What was wrong with a ring; VRING_OK while it is sound. */
enum vring_error {
	VRING_OK,
	VRING_BAD_INDEX,     /* the available index ran more than a queue ahead */
	VRING_BAD_HEAD,      /* a descriptor number past the table */
	VRING_LOOP,          /* a chain longer than the queue (it loops) */
	VRING_TOO_LONG,      /* a chain longer than VRING_CHAIN_MAX */
	VRING_OUTSIDE_RAM,   /* a ring or buffer not in guest RAM */
	VRING_BAD_LENGTH,    /* a buffer of 0 or more than VRING_BUF_MAX bytes */
	VRING_BAD_FLAGS,     /* an indirect descriptor (not negotiated), or a
			      * device-readable one after a device-writable one */
	VRING_ERROR_COUNT,
};

struct vring {
	u64 base;            /* guest-physical start (4096-aligned); 0: not set up */
	u16 size;            /* entries, a power of two */
	u16 next_avail;      /* the next available-ring entry to take */
	u16 next_used;       /* the used index to publish next */
	enum vring_error error;
};

struct vring_seg {
	u64 addr;
	u32 len;
	bool writable;       /* device-writable (else device-readable) */
};

struct vring_chain {
	u16 head;
	unsigned count;
	struct vring_seg seg[VRING_CHAIN_MAX];
	u32 readable_len, writable_len;
};

/* Sets the ring up at base (0: takes it down) with size entries, the
 * indices at 0; -EINVAL when base is not 4096-aligned or size not a power
 * of two up to VIRTQ_MAX_SIZE. Placement is checked when the ring is used. */
int vring_setup(struct vring *vq, u64 base, u16 size);

/*
 * Takes the next available chain into out: 1, 0 when the driver has made
 * nothing new available (or the ring is not set up), or -EBADMSG when the
 * ring is malformed (vq->error says how; the ring then stays broken until
 * set up again).
 */
int vring_pop(struct vring *vq, const struct vring_mem *m, struct vring_chain *out);

/* Would vring_pop act (take a chain, or find the ring malformed) rather
 * than return 0? Reads the available index only; changes nothing. */
bool vring_can_pop(const struct vring *vq, const struct vring_mem *m);

/* Returns the chain at head with len bytes written into it: the used
 * element, then the used index. 0 or -EBADMSG (the ring outside RAM). */
int vring_push(struct vring *vq, const struct vring_mem *m, u16 head, u32 len);

/* Does the driver want an interrupt for used buffers (no
 * VRING_AVAIL_F_NO_INTERRUPT, 2.4.7 "Used Buffer Notification
 * Suppression")? An unreadable flag asks for one. */
bool vring_wants_interrupt(const struct vring *vq, const struct vring_mem *m);

/* Copies the chain's readable bytes from offset skip on into dst (at most
 * cap bytes); returns the bytes copied, or -EBADMSG. */
long vring_gather(const struct vring_chain *c, const struct vring_mem *m, u32 skip, u8 *dst,
		  size_t cap);

/* Copies len bytes of src into the chain's writable buffers; returns the
 * bytes copied (fewer when the buffers are shorter), or -EBADMSG. */
long vring_scatter(const struct vring_chain *c, const struct vring_mem *m, const u8 *src,
		   size_t len);

/* A word for the error, for the console. */
const char *vring_error_name(enum vring_error e);

#endif
