/* xxHash, inlined: XXH3 for digests, XXH32 for frame checksums. */
#include "hash.h"

#include <string.h>

#define XXH_INLINE_ALL
#define XXH_VECTOR 0 /* XXH_SCALAR: no SSE/AVX in the hypervisor */
/* Unaligned reads as plain loads (GCC's aligned(1) types), not a call to
 * the freestanding memcpy for every 8 bytes hashed. */
#define XXH_FORCE_MEMORY_ACCESS 1
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wcast-qual"
#include <xxhash.h>
#pragma GCC diagnostic pop

_Static_assert(sizeof(XXH3_state_t) <= sizeof(struct hash64_state),
	       "struct hash64_state holds an XXH3 state");
_Static_assert(sizeof(XXH32_state_t) <= sizeof(struct hash32_state),
	       "struct hash32_state holds an XXH32 state");

u64 hash64(const void *data, size_t len, u64 seed)
{
	return XXH3_64bits_withSeed(data, len, seed);
}

u32 hash32(const void *data, size_t len, u32 seed)
{
	return XXH32(data, len, seed);
}

/* XXH3's reset with a seed compares it with the seed already in the state
 * to skip deriving its secret again: a state on the stack is cleared
 * first, or leftover bytes that happen to hold the same seed would leave
 * the secret unset (and the hash unrepeatable). */
void hash64_begin(struct hash64_state *s, u64 seed)
{
	memset(s, 0, sizeof(*s));
	XXH3_64bits_reset_withSeed((XXH3_state_t *)s->opaque, seed);
}

void hash64_add(struct hash64_state *s, const void *data, size_t len)
{
	XXH3_64bits_update((XXH3_state_t *)s->opaque, data, len);
}

u64 hash64_end(const struct hash64_state *s)
{
	return XXH3_64bits_digest((const XXH3_state_t *)s->opaque);
}

void hash32_begin(struct hash32_state *s, u32 seed)
{
	XXH32_reset((XXH32_state_t *)s->opaque, seed);
}

void hash32_add(struct hash32_state *s, const void *data, size_t len)
{
	XXH32_update((XXH32_state_t *)s->opaque, data, len);
}

u32 hash32_end(const struct hash32_state *s)
{
	return XXH32_digest((const XXH32_state_t *)s->opaque);
}
