/*
 * The epoch's dirty set, as the mechanisms mark it (dirty_internal.h): the
 * bottom layer of dirty tracking, below the mechanisms and the interface
 * that drives them.
 */
#include "hv/dirty_internal.h"

#include "bitops.h"

bool dirty_mark(struct dirty_log *d, u64 p)
{
	if (bitmap_test(d->dirty, p))
		return false;
	bitmap_set(d->dirty, p);
	d->pending++;
	return true;
}

void dirty_found(struct dirty_log *d, enum dirty_kind k, u64 p)
{
	if (!dirty_mark(d, p))
		d->confirmed[k]++;
}

void dirty_each(struct vm *vm, struct dirty_log *d, u64 first, u64 end,
		void (*fn)(struct vm *vm, struct dirty_log *d, u64 page))
{
	for (u64 w = first / 64; w < (end + 63) / 64; w++)
		for (u64 bits = d->dirty[w]; bits; bits &= bits - 1) {
			u64 p = w * 64 + (u64)__builtin_ctzll(bits);

			if (p >= first && p < end)
				fn(vm, d, p);
		}
}
