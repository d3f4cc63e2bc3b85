/*
 * What each of our page encodings (proto/page_codec.h) costs for one page
 * pair, each encoding checked by decoding it again: the bench tools
 * test/bench/page_sizes.c and test/bench/mig_pairs.c.
 */
#ifndef UNDERSTUDY_TEST_BENCH_PAGE_COST_H
#define UNDERSTUDY_TEST_BENCH_PAGE_COST_H

#include <stddef.h>

#include "proto/page_codec.h"

/* Bytes of new encoded as kind against old (the receiver's copy), or as
 * page_encode chooses for kind PAGE_ENC_COUNT; PAGE_CODEC_MAX when the
 * kind's encoding would be larger (RAW is what would go). A round trip
 * that fails ends the program with a message (a bug, not bad input). */
size_t page_cost(unsigned kind, const u8 *old, const u8 *new, struct page_codec_work *w);

#endif
