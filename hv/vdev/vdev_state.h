/*
 * A device model's state as bytes (a snapshot's DEVICE section,
 * docs/snapshot-format.md): each model lists its fields once in a
 * function that either writes them (little-endian, each integer at its own
 * width) or reads them back, so saving and loading cannot disagree. Reading
 * is bounds-checked (a snapshot is outside input) and a model loads into a
 * copy of itself, which replaces it only when every byte was read and
 * every value is one the model can hold: never half a device.
 */
#ifndef UNDERSTUDY_HV_VDEV_VDEV_STATE_H
#define UNDERSTUDY_HV_VDEV_VDEV_STATE_H

#include "compiler.h"
#include "errno.h"
#include "types.h"

struct vstate {
	u8 *out;        /* saving: the buffer (NULL: only count) */
	const u8 *in;   /* loading: the bytes */
	size_t len;     /* bytes written or read so far */
	size_t cap;     /* saving: the buffer's size; loading: the bytes there are */
	bool loading;
	bool bad;       /* ran past the end, or a value out of range */
};

static inline struct vstate vstate_saver(u8 *buf, size_t cap)
{
	return (struct vstate){ buf, NULL, 0, cap, false, false };
}

static inline struct vstate vstate_loader(const u8 *in, size_t len)
{
	return (struct vstate){ NULL, in, 0, len, true, false };
}

/* One integer of n bytes (1, 2, 4, 8) at p, either way. */
static inline void vstate_int(struct vstate *s, void *p, unsigned n)
{
	u64 v = 0;

	if (s->bad || s->cap - s->len < n) {
		s->bad = true;
		return;
	}
	if (s->loading) {
		for (unsigned i = 0; i < n; i++)
			v |= (u64)s->in[s->len + i] << (8 * i);
		if (n == 1)
			*(u8 *)p = (u8)v;
		else if (n == 2)
			*(u16 *)p = (u16)v;
		else if (n == 4)
			*(u32 *)p = (u32)v;
		else
			*(u64 *)p = v;
	} else {
		v = n == 1 ? *(u8 *)p : n == 2 ? *(u16 *)p : n == 4 ? *(u32 *)p : *(u64 *)p;
		for (unsigned i = 0; i < n && s->out; i++)
			s->out[s->len + i] = (u8)(v >> (8 * i));
	}
	s->len += n;
}

static inline void vstate_bool(struct vstate *s, bool *b)
{
	u8 v = s->loading ? 0 : *b; /* loading: *b is not read (it may not be set yet) */

	vstate_int(s, &v, 1);
	if (s->loading && v > 1)
		s->bad = true;
	if (s->loading) /* into the copy a refusal throws away */
		*b = v != 0;
}

/* A value read must satisfy ok; refuses the state otherwise. */
static inline void vstate_check(struct vstate *s, bool ok)
{
	if (s->loading && !ok)
		s->bad = true;
}

/* Loading must have used up every byte. */
static inline bool vstate_done(const struct vstate *s)
{
	return !s->bad && (!s->loading || s->len == s->cap);
}

#define VSTATE(s, field) vstate_int((s), &(field), sizeof(field))
#define VSTATE_BOOL(s, field) vstate_bool((s), &(field))
#define VSTATE_ARRAY(s, arr)                                 \
	do {                                                 \
		for (size_t i_ = 0; i_ < ARRAY_SIZE(arr); i_++) \
			VSTATE((s), (arr)[i_]);              \
	} while (0)

/*
 * The save/load pair of a model whose fields io lists:
 * size_t P_save(const T *d, u8 *buf, size_t cap): bytes written (buf NULL:
 * the size), 0 when cap is too small;
 * int P_load(T *d, const u8 *in, size_t len): 0, or -EBADMSG (short, long,
 * or a value out of range) with d unchanged.
 */
#define VSTATE_SAVE_LOAD(P, T, io)                                   \
	size_t P##_save(const T *d, u8 *buf, size_t cap)            \
	{                                                            \
		T copy = *d;                                         \
		struct vstate s = vstate_saver(buf, buf ? cap : (size_t)-1); \
		io(&s, &copy);                                       \
		return s.bad ? 0 : s.len;                            \
	}                                                            \
	int P##_load(T *d, const u8 *in, size_t len)                 \
	{                                                            \
		T copy = *d;                                         \
		struct vstate s = vstate_loader(in, len);            \
		io(&s, &copy);                                       \
		if (!vstate_done(&s))                                \
			return -EBADMSG;                             \
		*d = copy;                                           \
		return 0;                                            \
	}

#endif
