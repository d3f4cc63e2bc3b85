/* mbedTLS's heap and DRBG (see tls_rng.h). */
#include "net/tls/tls_rng.h"

#include "mbedtls/memory_buffer_alloc.h"

#include "log.h"
#include "panic.h"

/* The DRBG's personalization string (NIST SP 800-90A, 8.7.1): keeps its
 * output apart from any other DRBG seeded from the same sources. */
static const char personalization[] = "understudy tls";

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static bool tried;
static int init_result;

/* mbedtls_exit: the buffer allocator found its heap corrupt. */
void tls_heap_corrupt(int status)
{
	panic("tls: mbedTLS's heap is corrupt (status %d)", status);
}

static int seed(void)
{
	int ret;

	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	ret = tls_entropy_add_sources(&entropy);
	if (!ret)
		ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
					    (const unsigned char *)personalization,
					    sizeof(personalization) - 1);
	if (ret)
		pr_err("tls: cannot seed the random number generator (mbedTLS error -0x%04x)",
		       (unsigned)-ret);
	return ret;
}

int tls_rng_init(void *heap, size_t heap_len)
{
	if (tried)
		return init_result;
	tried = true;
	mbedtls_memory_buffer_alloc_init(heap, heap_len);
	init_result = seed();
	return init_result;
}

mbedtls_ctr_drbg_context *tls_rng(void)
{
	return &drbg;
}
