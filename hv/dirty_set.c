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
