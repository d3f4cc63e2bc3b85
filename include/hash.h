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

/* Incremental XXH32 over several pieces (a message checksummed without
 * copying it together). */
struct hash32_state {
	u8 opaque[48] __attribute__((aligned(8)));
};
void hash32_begin(struct hash32_state *s, u32 seed);
void hash32_add(struct hash32_state *s, const void *data, size_t len);
u32 hash32_end(const struct hash32_state *s);

#endif
