/*
 * Timing jitter as an entropy source, the pure half (net/tls/tls_entropy.c
 * takes the samples): an estimate of the min-entropy of a run of timer
 * deltas, and the folding of deltas into bytes that each carry at least
 * 8 bits of it by that estimate. The estimate is the most-common-value
 * one of NIST SP 800-90B, section 6.3.1, without its confidence bound and
 * rounded down to whole bits: a counter that never varies scores 0.
 */
#ifndef UNDERSTUDY_NET_TLS_TLS_JITTER_H
#define UNDERSTUDY_NET_TLS_TLS_JITTER_H

#include "types.h"

/* Bits of min-entropy per sample, judged on the deltas' low bytes (the
 * bits the fold keeps): floor(log2(n / count of the most common value)),
 * 0..8. */
unsigned jitter_bits_per_sample(const u64 *deltas, size_t n);

/* Samples folded into each output byte for it to carry 8 bits by that
 * estimate (ceil(8 / bits)); 0 when bits is 0. */
size_t jitter_group(unsigned bits);

/*
 * Folds deltas into out: byte i is the XOR of the low bytes of samples
 * [i * group, (i + 1) * group), each rotated by its place in the group.
 * Returns the bytes written: min(out_len, n / group); 0 when group is 0.
 */
size_t jitter_fold(const u64 *deltas, size_t n, size_t group, u8 *out, size_t out_len);

#endif
