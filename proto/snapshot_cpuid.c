/* The "cpuid" DEVICE state of a snapshot (see snapshot_cpuid.h). */
#include "proto/snapshot_cpuid.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

static u64 order_key(const struct snap_cpuid_leaf *l)
{
	return (u64)l->leaf << 32 | l->subleaf;
}

/* NULL when the table is one a reader takes, else why not. */
static const char *table_invalid(const struct snap_cpuid *t)
{
	if (!t->count)
		return "no leaves";
	if (t->count > SNAP_CPUID_MAX)
		return "more leaves than a table holds";
	for (u32 i = 1; i < t->count; i++)
		if (order_key(&t->leaves[i]) <= order_key(&t->leaves[i - 1]))
			return "leaves out of order or twice";
	if (t->leaves[0].leaf != 0 || t->leaves[0].subleaf != 0)
		return "no leaf 0";
	return NULL;
}

size_t snap_cpuid_encode(const struct snap_cpuid *t, u8 *buf, size_t cap)
{
	u8 *p = buf;

	if (table_invalid(t) || cap < SNAP_CPUID_SIZE(t->count))
		return 0;
	le_put(p, t->count, 4);
	p += 4;
	for (u32 i = 0; i < t->count; i++) {
		const struct snap_cpuid_leaf *l = &t->leaves[i];
		const u32 words[6] = { l->leaf, l->subleaf, l->eax, l->ebx, l->ecx, l->edx };

		for (unsigned w = 0; w < 6; w++, p += 4)
			le_put(p, words[w], 4);
	}
	return SNAP_CPUID_SIZE(t->count);
}

int snap_cpuid_decode(struct snap_cpuid *t, const u8 *in, size_t len, const char **why)
{
	memset(t, 0, sizeof(*t));
	if (len < 4) {
		*why = "shorter than its count";
		return -EINVAL;
	}
	t->count = (u32)le_get(in, 4);
	if (t->count > SNAP_CPUID_MAX || len != SNAP_CPUID_SIZE(t->count)) {
		*why = t->count > SNAP_CPUID_MAX ? "more leaves than a table holds"
						 : "not the length of its count of leaves";
		return -EINVAL;
	}
	for (u32 i = 0; i < t->count; i++) {
		const u8 *p = in + SNAP_CPUID_SIZE(i);
		struct snap_cpuid_leaf *l = &t->leaves[i];

		*l = (struct snap_cpuid_leaf){ (u32)le_get(p, 4),      (u32)le_get(p + 4, 4),
					       (u32)le_get(p + 8, 4),  (u32)le_get(p + 12, 4),
					       (u32)le_get(p + 16, 4), (u32)le_get(p + 20, 4) };
	}
	if ((*why = table_invalid(t)))
		return -EINVAL;
	return 0;
}

const struct snap_cpuid_leaf *snap_cpuid_find(const struct snap_cpuid *t, u32 leaf, u32 subleaf)
{
	for (u32 i = 0; i < t->count && i < SNAP_CPUID_MAX; i++)
		if (t->leaves[i].leaf == leaf && t->leaves[i].subleaf == subleaf)
			return &t->leaves[i];
	return NULL;
}
