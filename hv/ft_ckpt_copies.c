/* Checkpoint mode's copies of the pages the backup holds (see ft_ckpt_copies.h). */
#include "hv/ft_ckpt_copies.h"

#include <string.h>

void ft_copies_init(struct ft_copies *c, u8 *pages, u64 *tags, u64 slots)
{
	memset(c, 0, sizeof(*c));
	c->pages = pages;
	c->tags = tags;
	c->slots = slots;
	memset(tags, 0, slots * sizeof(*tags));
}

const u8 *ft_copies_get(struct ft_copies *c, u64 pfn)
{
	u64 slot = pfn % c->slots;

	if (c->tags[slot] != pfn + 1) {
		c->misses++;
		return NULL;
	}
	c->hits++;
	return c->pages + slot * FT_COPY_PAGE;
}

void ft_copies_put(struct ft_copies *c, u64 pfn, const u8 *page)
{
	u64 slot = pfn % c->slots;

	memcpy(c->pages + slot * FT_COPY_PAGE, page, FT_COPY_PAGE);
	c->tags[slot] = pfn + 1;
}
