/*
 * Split virtqueues in the legacy layout (Virtio 1.0, 2.4 "Virtqueues", 2.4.2
 * "Legacy Interfaces: A Note on Virtqueue Layout"): the descriptor table and
 * the available ring, then the used ring on the next 4096-byte boundary.
 * The structures are naturally aligned (no packing; the asserts prove the
 * layout). Pure memory operations (the driver does the notifying), so the
 * unit tests link this and play the device.
 */
#ifndef UNDERSTUDY_DRIVERS_NET_VIRTQ_H
#define UNDERSTUDY_DRIVERS_NET_VIRTQ_H

#include "compiler.h"
#include "types.h"

#define VIRTQ_LEGACY_ALIGN 4096   /* 2.4.2: used ring alignment, and the PFN unit */
#define VIRTQ_MAX_SIZE 32768      /* 2.4: Queue Size is at most 32768 */

/* "The Virtqueue Descriptor Table" */
struct virtq_desc {
	u64 addr;   /* guest-physical buffer address */
	u32 len;
	u16 flags;  /* VIRTQ_DESC_F_* */
	u16 next;   /* with VIRTQ_DESC_F_NEXT */
};
ASSERT_SIZE(struct virtq_desc, 16);
ASSERT_OFFSET(struct virtq_desc, len, 8);
ASSERT_OFFSET(struct virtq_desc, flags, 12);
ASSERT_OFFSET(struct virtq_desc, next, 14);

#define VIRTQ_DESC_F_NEXT 1       /* the chain continues at next */
#define VIRTQ_DESC_F_WRITE 2      /* device writes (else reads) the buffer */

/* "The Virtqueue Available Ring": ring[size], then used_event */
struct virtq_avail {
	u16 flags;  /* VIRTQ_AVAIL_F_NO_INTERRUPT */
	u16 idx;    /* where the driver puts the next entry, free-running */
	u16 ring[];
};
ASSERT_SIZE(struct virtq_avail, 4);
ASSERT_OFFSET(struct virtq_avail, ring, 4);

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* "The Virtqueue Used Ring": ring[size], then avail_event */
struct virtq_used_elem {
	u32 id;     /* head of the used descriptor chain */
	u32 len;    /* bytes the device wrote into it */
};
ASSERT_SIZE(struct virtq_used_elem, 8);

struct virtq_used {
	u16 flags;  /* VIRTQ_USED_F_NO_NOTIFY */
	u16 idx;    /* where the device puts the next entry, free-running */
	struct virtq_used_elem ring[];
};
ASSERT_SIZE(struct virtq_used, 4);
ASSERT_OFFSET(struct virtq_used, ring, 4);

#define VIRTQ_USED_F_NO_NOTIFY 1

/* Where each part of a legacy virtqueue of some size lies, in bytes from
 * its (4096-aligned) start. */
struct virtq_layout {
	size_t desc_off, avail_off, used_off;
	size_t size; /* total, a multiple of VIRTQ_LEGACY_ALIGN */
};

/* 0, or -EINVAL unless size is a power of two from 1 to VIRTQ_MAX_SIZE. */
int virtq_legacy_layout(u32 size, struct virtq_layout *out);

struct virtq {
	u16 size;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	u16 last_used;  /* used->idx value we have consumed up to */
};

/* Points vq at mem (zeroed, VIRTQ_LEGACY_ALIGN aligned, the layout's size
 * bytes); 0 or -EINVAL for a bad size. */
int virtq_init(struct virtq *vq, void *mem, u32 size);

/* Fills descriptor i. */
void virtq_set_desc(struct virtq *vq, u16 i, u64 addr, u32 len, u16 flags, u16 next);

/* Offers the chain starting at head: the ring entry first, then (after a
 * barrier) the index the device reads. */
void virtq_publish(struct virtq *vq, u16 head);

/* After publishing: whether the device asked to be notified (a full
 * barrier orders our index store before reading its flags). */
bool virtq_needs_notify(const struct virtq *vq);

/* Takes the next used entry; false when the device has returned nothing
 * new. */
bool virtq_pop_used(struct virtq *vq, u32 *id, u32 *len);

#endif
