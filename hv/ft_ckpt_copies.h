/*
 * Checkpoint mode's copies of the pages the backup holds (hv/ft_ckpt_primary.c):
 * each page an epoch sent is kept here, so that the next epoch can send the
 * page as a delta against it (the page codec's XOR kinds): the backup
 * applies every epoch whole and in order, so after the epochs sent so far
 * it holds exactly these contents. Direct-mapped (a page's slot is its
 * number modulo the slots): a page whose slot another took goes whole.
 * Pure: the caller lends the memory.
 */
#ifndef UNDERSTUDY_HV_FT_CKPT_COPIES_H
#define UNDERSTUDY_HV_FT_CKPT_COPIES_H

#include "types.h"

#define FT_COPY_PAGE 4096

struct ft_copies {
	u8 *pages;   /* slots * FT_COPY_PAGE bytes */
	u64 *tags;   /* per slot: the page number + 1 it holds; 0: none */
	u64 slots;
	u64 hits, misses; /* copies found, and not, for a page sent */
};

/* @pre pages holds slots pages, tags slots entries. */
void ft_copies_init(struct ft_copies *c, u8 *pages, u64 *tags, u64 slots);

/* The copy of page pfn the backup holds, or NULL when none is kept. */
const u8 *ft_copies_get(struct ft_copies *c, u64 pfn);

/* Page pfn was sent with these contents: the backup holds them now. */
void ft_copies_put(struct ft_copies *c, u64 pfn, const u8 *page);

#endif
