/*
 * mbedTLS's memory and random numbers for every TLS session of the
 * hypervisor: one heap (a buffer given once, MBEDTLS_MEMORY_BUFFER_ALLOC_C)
 * and one CTR_DRBG (NIST SP 800-90A) seeded from the entropy sources
 * tls_entropy_add_sources() registers (net/tls/tls_entropy.c: RDSEED,
 * RDRAND, TSC jitter; a unit test's own elsewhere). One CPU, no threads:
 * no locks.
 */
#ifndef UNDERSTUDY_NET_TLS_TLS_RNG_H
#define UNDERSTUDY_NET_TLS_TLS_RNG_H

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"

#include "types.h"

/* Registers the entropy sources; 0, or a negative mbedTLS error (no source
 * usable). Provided by net/tls/tls_entropy.c in the hypervisor. */
int tls_entropy_add_sources(mbedtls_entropy_context *e);

/* Gives mbedTLS heap_len bytes at heap as its heap and seeds the DRBG.
 * Once: later calls return what the first did. 0, or a negative mbedTLS
 * error (the entropy sources failed). */
int tls_rng_init(void *heap, size_t heap_len);

/* The seeded DRBG, for mbedtls_ssl_conf_rng. @pre tls_rng_init returned 0 */
mbedtls_ctr_drbg_context *tls_rng(void);

#endif
