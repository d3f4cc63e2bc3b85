/*
 * QEMU's XBZRLE page encoding, computed on the host as QEMU defines it
 * (migration/xbzrle.c, and save_xbzrle_page and save_zero_page in
 * migration/ram.c), to set beside our page encodings: test/bench/page_sizes.c
 * on synthetic page pairs, test/bench/mig_pairs.c on the pairs a real
 * migration sent (docs/page-encoding.md).
 *
 * The encoding of a new page against the cached old one: runs of equal and
 * of differing bytes, each run length in ULEB128, the differing bytes
 * copied from the new page, the last equal run left out.
 */
#ifndef UNDERSTUDY_TEST_BENCH_XBZRLE_H
#define UNDERSTUDY_TEST_BENCH_XBZRLE_H

#include "types.h"

#define XBZRLE_PAGE 4096
#define XBZRLE_OVERFLOW (-1)

/* The encoding of new against old into dst (dlen bytes): its length, 0 for
 * an unchanged page, XBZRLE_OVERFLOW when it would pass dlen. The same
 * checks as QEMU's encoder make the same overflow decisions. */
int xbzrle_encode(const u8 *old, const u8 *new, u8 *dst, int dlen);

/* Applies an encoding of slen bytes to page (the old copy): 0, or -1 for
 * an encoding that does not make a page. */
int xbzrle_decode(const u8 *src, int slen, u8 *page);

/* What QEMU sends for the page new when its cache holds old, in bytes
 * beyond the per-page header (QEMU's 8-byte address and flags): 1 for a
 * zero page (RAM_SAVE_FLAG_ZERO and its fill byte: QEMU tests for zero
 * before XBZRLE), 0 for an unchanged page (not sent), 4096 when XBZRLE
 * overflows (the page goes raw), else the encoding plus the
 * ENCODING_FLAG_XBZRLE byte and the be16 length (xbzrle_counters.bytes).
 * Each encoding is decoded again and checked against new: -1 when that
 * round trip fails (a bug here, not in the input). */
long xbzrle_qemu_bytes(const u8 *old, const u8 *new);

#endif
