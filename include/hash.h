/* Hashing for log digests and integrity checks: xxHash (Debian's
 * libxxhash-dev, header-only), built scalar so the hypervisor uses no SIMD
 * registers. */
#ifndef UNDERSTUDY_HASH_H
#define UNDERSTUDY_HASH_H

#include "types.h"

/* XXH3 64-bit hash of len bytes. */
u64 hash64(const void *data, size_t len, u64 seed);
/* XXH32, for frame checksums. */
u32 hash32(const void *data, size_t len, u32 seed);

/* Incremental XXH3 64-bit hashing over several pieces. */
struct hash64_state {
	u8 opaque[640] __attribute__((aligned(64)));
};
void hash64_begin(struct hash64_state *s, u64 seed);
void hash64_add(struct hash64_state *s, const void *data, size_t len);
u64 hash64_end(const struct hash64_state *s);

#endif
