/*
 * Page-table pages for the table builders under test (arch/x86/paging.c,
 * arch/x86/stage2.c): a static pool whose pages get fake physical
 * addresses from POOL_PHYS, and an allocator that can be made to fail
 * (fp.limit). Define POOL_PAGES and POOL_PHYS before including it.
 */
#ifndef UNDERSTUDY_TEST_FAKE_POOL_H
#define UNDERSTUDY_TEST_FAKE_POOL_H

#include "arch/x86/paging.h"
#include "errno.h"

struct fake_pool {
	unsigned used;  /* pages handed out */
	unsigned limit; /* allocations fail once used reaches it */
};

static u8 pool[POOL_PAGES][4096] __aligned(4096);
static struct fake_pool fp;

/* Hands out the next pool page, dirtied first and then zeroed as the
 * contract says, or -ENOMEM at the limit. */
static int fake_alloc_page(void *ctx, u64 *phys)
{
	struct fake_pool *p = ctx;

	if (p->used >= p->limit)
		return -ENOMEM;
	memset(pool[p->used], 0, sizeof(pool[0]));
	*phys = POOL_PHYS + (u64)p->used * 4096;
	p->used++;
	return 0;
}

/* Maps a fake physical address back into the pool; anything else (a leaf's
 * frame, an unallocated page) is a bug in the code under test. */
static void *fake_to_virt(void *ctx, u64 phys)
{
	struct fake_pool *p = ctx;
	u64 idx = (phys - POOL_PHYS) / 4096;

	if (phys < POOL_PHYS || phys % 4096 || idx >= p->used)
		fail_msg("to_virt(%#llx) is not an allocated table page",
			 phys);
	return pool[idx];
}

static const struct pt_alloc fake_alloc = { &fp, fake_alloc_page, fake_to_virt };

#endif
