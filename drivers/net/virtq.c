/*
 * Split virtqueue operations (Virtio 1.0, 2.4 "Virtqueues"), driver side.
 * Ordering follows 3.2.1 "Supplying Buffers to The Device": the ring entry
 * is visible before idx ("Updating idx"), and idx before the device's
 * flags are read ("Notifying The Device"); 3.2.2 "Receiving Used Buffers
 * From The Device": idx is read before the entries it covers.
 */
#include "drivers/net/virtq.h"

#include "errno.h"

static bool is_power_of_two(u32 v)
{
	return v && !(v & (v - 1));
}

int virtq_legacy_layout(u32 size, struct virtq_layout *out)
{
	size_t desc_bytes, avail_bytes, used_bytes;

	if (!is_power_of_two(size) || size > VIRTQ_MAX_SIZE)
		return -EINVAL;
	desc_bytes = sizeof(struct virtq_desc) * size;
	avail_bytes = sizeof(u16) * (3 + size);   /* flags, idx, ring, used_event */
	used_bytes = sizeof(u16) * 3 + sizeof(struct virtq_used_elem) * size; /* + avail_event */
	out->desc_off = 0;
	out->avail_off = desc_bytes;
	out->used_off = ALIGN_UP(desc_bytes + avail_bytes, (size_t)VIRTQ_LEGACY_ALIGN);
	out->size = out->used_off + ALIGN_UP(used_bytes, (size_t)VIRTQ_LEGACY_ALIGN);
	return 0;
}

int virtq_init(struct virtq *vq, void *mem, u32 size)
{
	struct virtq_layout l;
	int err = virtq_legacy_layout(size, &l);

	if (err)
		return err;
	vq->size = (u16)size; /* 32768 fits */
	vq->desc = (struct virtq_desc *)((u8 *)mem + l.desc_off);
	vq->avail = (struct virtq_avail *)((u8 *)mem + l.avail_off);
	vq->used = (struct virtq_used *)((u8 *)mem + l.used_off);
	vq->last_used = 0;
	return 0;
}

void virtq_set_desc(struct virtq *vq, u16 i, u64 addr, u32 len, u16 flags, u16 next)
{
	vq->desc[i] = (struct virtq_desc){ .addr = addr, .len = len, .flags = flags, .next = next };
}

void virtq_publish(struct virtq *vq, u16 head)
{
	u16 idx = vq->avail->idx;

	vq->avail->ring[idx % vq->size] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&vq->avail->idx, (u16)(idx + 1), __ATOMIC_RELAXED);
}

bool virtq_needs_notify(const struct virtq *vq)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) & VIRTQ_USED_F_NO_NOTIFY);
}

bool virtq_pop_used(struct virtq *vq, u32 *id, u32 *len)
{
	const struct virtq_used_elem *e;

	if (__atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED) == vq->last_used)
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	e = &vq->used->ring[vq->last_used % vq->size];
	*id = e->id;
	*len = e->len;
	vq->last_used++;
	return true;
}
