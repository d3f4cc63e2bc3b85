/*
 * The hypervisor's entropy sources for mbedTLS (tls_entropy_add_sources,
 * tls_rng.h): RDSEED and RDRAND where the CPU has them (arch/x86/rng.h),
 * and the jitter of the TSC around a small memory walk, which counts as
 * strong only when the CPU has neither (docs/secure-link.md says what
 * each is worth). mbedTLS hashes everything they give into its pool
 * (SHA-256) before the DRBG sees it.
 */
#include "net/tls/tls_rng.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/rng.h"
#include "log.h"
#include "net/tls/tls_jitter.h"

#define THRESHOLD 32 /* bytes each strong source gives per seeding: 256 bits */
#define JITTER_SAMPLES 256
#define WALK_WORDS 512        /* 4 KiB touched per sample */
#define WALK_STEPS 64

typedef bool (*hw_rng_fn)(u64 *out);

/* len bytes from an instruction that gives 64 bits at a time. */
static int hw_source(hw_rng_fn fn, unsigned char *out, size_t len, size_t *olen)
{
	size_t done = 0;

	while (done < len) {
		u64 v;
		size_t n = len - done < sizeof(v) ? len - done : sizeof(v);

		if (!fn(&v))
			break;
		memcpy(out + done, &v, n);
		done += n;
	}
	*olen = done;
	return done ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}

static int rdseed_source(void *p, unsigned char *out, size_t len, size_t *olen)
{
	return hw_source(rdseed64, out, len, olen);
}

static int rdrand_source(void *p, unsigned char *out, size_t len, size_t *olen)
{
	return hw_source(rdrand64, out, len, olen);
}

/* TSC cycles of one walk over a buffer at a stride the previous delta
 * chooses: caches, TLBs and the other work of the machine vary it. */
static u64 timed_walk(u64 prev)
{
	static volatile u64 words[WALK_WORDS];
	size_t at = (size_t)prev % WALK_WORDS, stride = ((size_t)prev >> 3) % 61 + 1;
	u64 start = rdtsc();

	for (int i = 0; i < WALK_STEPS; i++) {
		words[at] += (u64)i;
		at = (at + stride) % WALK_WORDS;
	}
	return rdtsc() - start;
}

/* Folded TSC deltas, each output byte worth 8 bits by tls_jitter.h's
 * estimate. When the TSC does not jitter (an emulator that counts
 * instructions) it gives nothing: fine beside RDSEED or RDRAND, a failure
 * when it is the only source (alone points to true). */
static int jitter_source(void *alone, unsigned char *out, size_t len, size_t *olen)
{
	u64 deltas[JITTER_SAMPLES], prev = rdtsc();
	size_t group;

	for (size_t i = 0; i < JITTER_SAMPLES; i++)
		prev = deltas[i] = timed_walk(prev);
	group = jitter_group(jitter_bits_per_sample(deltas, JITTER_SAMPLES));
	*olen = jitter_fold(deltas, JITTER_SAMPLES, group, out, len);
	return *olen || !*(const bool *)alone ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}

/* mbedTLS waits for every source to reach its threshold: a weak one has
 * none, it adds what it has. */
static int add(mbedtls_entropy_context *e, mbedtls_entropy_f_source_ptr f, void *p, bool strong)
{
	return mbedtls_entropy_add_source(e, f, p, strong ? THRESHOLD : 0,
					  strong ? MBEDTLS_ENTROPY_SOURCE_STRONG
						 : MBEDTLS_ENTROPY_SOURCE_WEAK);
}

int tls_entropy_add_sources(mbedtls_entropy_context *e)
{
	static bool jitter_alone;
	bool seed = cpu_has_rdseed(), rand = cpu_has_rdrand();
	int ret = 0;

	jitter_alone = !seed && !rand;
	if (seed)
		ret = add(e, rdseed_source, NULL, true);
	if (!ret && rand)
		ret = add(e, rdrand_source, NULL, true);
	if (!ret)
		ret = add(e, jitter_source, &jitter_alone, jitter_alone);
	if (ret)
		return ret;
	if (seed || rand)
		pr_info("tls: entropy from%s%s and TSC jitter", seed ? " RDSEED" : "",
			rand ? " RDRAND" : "");
	else
		pr_warn("tls: the CPU has neither RDSEED nor RDRAND: keys come from TSC jitter alone");
	return 0;
}
