/* The device's side of a legacy split virtqueue (vring.h). */
#include "hv/vdev/vring.h"

#include "errno.h"

#define DESC_F_INDIRECT 4  /* Virtio 1.0, 2.4.5.3 "Indirect Descriptors" (not offered) */
#define AVAIL_IDX 2        /* 2.4.6 "The Virtqueue Available Ring": flags, idx, ring[] */
#define AVAIL_RING 4
#define USED_IDX 2         /* 2.4.8 "The Virtqueue Used Ring": flags, idx, ring[] */
#define USED_RING 4

static const char *const error_names[VRING_ERROR_COUNT] = {
	[VRING_OK] = "sound",
	[VRING_BAD_INDEX] = "available index jumped past the queue",
	[VRING_BAD_HEAD] = "descriptor number past the table",
	[VRING_LOOP] = "descriptor chain longer than the queue (a loop)",
	[VRING_TOO_LONG] = "descriptor chain too long",
	[VRING_OUTSIDE_RAM] = "ring or buffer outside guest RAM",
	[VRING_BAD_LENGTH] = "buffer length 0 or too large",
	[VRING_BAD_FLAGS] = "indirect or misordered descriptor",
};

const char *vring_error_name(enum vring_error e)
{
	return e < VRING_ERROR_COUNT ? error_names[e] : "?";
}

int vring_setup(struct vring *vq, u64 base, u16 size)
{
	struct virtq_layout l;

	if (base % VIRTQ_LEGACY_ALIGN || (base && virtq_legacy_layout(size, &l)))
		return -EINVAL;
	*vq = (struct vring){ .base = base, .size = size };
	return 0;
}

static int fail(struct vring *vq, enum vring_error e)
{
	vq->error = e;
	return -EBADMSG;
}

static bool in_ram(const struct vring_mem *m, u64 addr, u64 len)
{
	return addr <= m->ram_end && len <= m->ram_end - addr;
}

/* The ring's layout, when all of it lies in guest RAM. */
static bool placed(const struct vring *vq, const struct vring_mem *m, struct virtq_layout *l)
{
	return !virtq_legacy_layout(vq->size, l) && in_ram(m, vq->base, l->size);
}

static int read16(const struct vring_mem *m, u64 gpa, u16 *v)
{
	return m->read(m->ctx, gpa, v, sizeof(*v));
}

/* Reads descriptor i into seg, checking it; the error, or VRING_OK. */
static enum vring_error read_desc(const struct vring *vq, const struct vring_mem *m,
				  const struct virtq_layout *l, u16 i, struct virtq_desc *d)
{
	if (i >= vq->size)
		return VRING_BAD_HEAD;
	if (m->read(m->ctx, vq->base + l->desc_off + (u64)i * sizeof(*d), d, sizeof(*d)))
		return VRING_OUTSIDE_RAM;
	if (d->flags & DESC_F_INDIRECT)
		return VRING_BAD_FLAGS;
	if (d->len == 0 || d->len > VRING_BUF_MAX)
		return VRING_BAD_LENGTH;
	if (!in_ram(m, d->addr, d->len))
		return VRING_OUTSIDE_RAM;
	return VRING_OK;
}

/* Follows the chain from out->head into out's segments. */
static enum vring_error walk_chain(const struct vring *vq, const struct vring_mem *m,
				   const struct virtq_layout *l, struct vring_chain *out)
{
	u16 i = out->head;

	for (;;) {
		struct virtq_desc d;
		enum vring_error e;
		bool writable;

		if (out->count >= vq->size)
			return VRING_LOOP;
		if (out->count >= VRING_CHAIN_MAX)
			return VRING_TOO_LONG;
		if ((e = read_desc(vq, m, l, i, &d)))
			return e;
		writable = d.flags & VIRTQ_DESC_F_WRITE;
		if (!writable && out->writable_len) /* 2.4.4: readable ones come first */
			return VRING_BAD_FLAGS;
		out->seg[out->count++] = (struct vring_seg){ d.addr, d.len, writable };
		*(writable ? &out->writable_len : &out->readable_len) += d.len;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return VRING_OK;
		i = d.next;
	}
}

int vring_pop(struct vring *vq, const struct vring_mem *m, struct vring_chain *out)
{
	struct virtq_layout l;
	u16 avail_idx, slot;
	enum vring_error e;

	if (vq->error)
		return -EBADMSG;
	if (!vq->base)
		return 0;
	if (!placed(vq, m, &l) || read16(m, vq->base + l.avail_off + AVAIL_IDX, &avail_idx))
		return fail(vq, VRING_OUTSIDE_RAM);
	if ((u16)(avail_idx - vq->next_avail) > vq->size)
		return fail(vq, VRING_BAD_INDEX);
	if (avail_idx == vq->next_avail)
		return 0;
	slot = vq->next_avail & (vq->size - 1);
	*out = (struct vring_chain){ 0 };
	if (read16(m, vq->base + l.avail_off + AVAIL_RING + 2ull * slot, &out->head))
		return fail(vq, VRING_OUTSIDE_RAM);
	if ((e = walk_chain(vq, m, &l, out)))
		return fail(vq, e);
	vq->next_avail++;
	return 1;
}

bool vring_can_pop(const struct vring *vq, const struct vring_mem *m)
{
	struct virtq_layout l;
	u16 avail_idx;

	if (vq->error)
		return true;
	if (!vq->base)
		return false;
	if (!placed(vq, m, &l) || read16(m, vq->base + l.avail_off + AVAIL_IDX, &avail_idx))
		return true; /* vring_pop would find the ring outside RAM */
	return avail_idx != vq->next_avail;
}

int vring_push(struct vring *vq, const struct vring_mem *m, u16 head, u32 len)
{
	struct virtq_layout l;
	struct virtq_used_elem el = { head, len };
	u16 slot = vq->next_used & (vq->size - 1), idx = (u16)(vq->next_used + 1);
	u64 used;

	if (vq->error)
		return -EBADMSG;
	if (!placed(vq, m, &l))
		return fail(vq, VRING_OUTSIDE_RAM);
	used = vq->base + l.used_off;
	if (m->write(m->ctx, used + USED_RING + sizeof(el) * slot, &el, sizeof(el)) ||
	    m->write(m->ctx, used + USED_IDX, &idx, sizeof(idx)))
		return fail(vq, VRING_OUTSIDE_RAM);
	vq->next_used = idx;
	return 0;
}

bool vring_wants_interrupt(const struct vring *vq, const struct vring_mem *m)
{
	struct virtq_layout l;
	u16 flags;

	if (!placed(vq, m, &l) || read16(m, vq->base + l.avail_off, &flags))
		return true;
	return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

long vring_gather(const struct vring_chain *c, const struct vring_mem *m, u32 skip, u8 *dst,
		  size_t cap)
{
	size_t done = 0;

	for (unsigned i = 0; i < c->count && done < cap && !c->seg[i].writable; i++) {
		const struct vring_seg *s = &c->seg[i];
		u32 from = skip < s->len ? skip : s->len;
		size_t n = MIN((size_t)(s->len - from), cap - done);

		skip -= from;
		if (n && m->read(m->ctx, s->addr + from, dst + done, n))
			return -EBADMSG;
		done += n;
	}
	return (long)done;
}

long vring_scatter(const struct vring_chain *c, const struct vring_mem *m, const u8 *src,
		   size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < c->count && done < len; i++) {
		const struct vring_seg *s = &c->seg[i];
		size_t n = MIN((size_t)s->len, len - done);

		if (!s->writable)
			continue;
		if (m->write(m->ctx, s->addr, src + done, n))
			return -EBADMSG;
		done += n;
	}
	return (long)done;
}
