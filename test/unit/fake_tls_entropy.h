/*
 * The TLS code's entropy in host tests (net/tls/tls_rng.h): a counter, as
 * one strong source. The DRBG's output need not be secret here, only
 * there. Included by one file of a test binary, which gets
 * tls_entropy_add_sources from it.
 */
#ifndef UNDERSTUDY_TEST_FAKE_TLS_ENTROPY_H
#define UNDERSTUDY_TEST_FAKE_TLS_ENTROPY_H

#include "net/tls/tls_rng.h"

static int counter_source(void *p, unsigned char *out, size_t len, size_t *olen)
{
	static u8 next;

	for (size_t i = 0; i < len; i++)
		out[i] = next++;
	*olen = len;
	return 0;
}

int tls_entropy_add_sources(mbedtls_entropy_context *e)
{
	return mbedtls_entropy_add_source(e, counter_source, NULL, 32, MBEDTLS_ENTROPY_SOURCE_STRONG);
}

#endif
