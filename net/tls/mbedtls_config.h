/*
 * mbedTLS's configuration for Understudy (MBEDTLS_CONFIG_FILE, replacing
 * mbedtls/config.h): what the FT link and the witness need, nothing more
 * (docs/secure-link.md).
 *
 * - TLS 1.2 (RFC 5246), client and server, one cipher suite:
 *   TLS_PSK_WITH_AES_128_GCM_SHA256 (RFC 5487, section 3; the PSK key
 *   exchange of RFC 4279, section 2). No certificates, no public-key code.
 * - Extended master secret (RFC 7627); no renegotiation, no session
 *   tickets, no compression, no DTLS.
 * - No operating system: no file system, sockets, time or threads; memory
 *   from one buffer (MBEDTLS_MEMORY_BUFFER_ALLOC_C, net/tls/tls_heap.c);
 *   entropy only from the sources net/tls/tls_entropy.c adds (RDSEED,
 *   RDRAND, TSC jitter), feeding CTR_DRBG (net/tls/tls_rng.c).
 * - No AES-NI and no assembly: the hypervisor is built with
 *   -mgeneral-regs-only and never touches the guest's vector registers.
 *
 * The same file configures the native build the unit tests link.
 */
#ifndef UNDERSTUDY_NET_TLS_MBEDTLS_CONFIG_H
#define UNDERSTUDY_NET_TLS_MBEDTLS_CONFIG_H

#include <stddef.h>

/* --- platform: no C library ------------------------------------------------ */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY                /* calloc/free set at run time */
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C          /* ... to a static-buffer heap */
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 16       /* its default, 4, misaligns its own headers */
void tls_heap_corrupt(int status);             /* net/tls/tls_rng.c */
#define MBEDTLS_PLATFORM_EXIT_MACRO tls_heap_corrupt
#define MBEDTLS_DEPRECATED_REMOVED

/* --- entropy and random numbers ------------------------------------------ */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_NO_PLATFORM_ENTROPY            /* no /dev/urandom */
#define MBEDTLS_NO_DEFAULT_ENTROPY_SOURCES     /* ours are added by hand */
#define MBEDTLS_CTR_DRBG_C

/* --- primitives -------------------------------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES                 /* tables in .rodata, not built at run time */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C                       /* the PRF, the entropy pool, the DRBG's seed */

/* --- TLS ------------------------------------------------------------------------ */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES         /* the peer learns why (bad_record_mac, ...) */
/* TLS_PSK_WITH_AES_128_GCM_SHA256 = {0x00,0xA8} (RFC 5487, section 3);
 * proto/ft_psk.h names it for the host tools. */
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256
#define MBEDTLS_PSK_MAX_LEN 64                 /* FT_PSK_MAX_BYTES (proto/ft_psk.h) */
/* Records of up to 2^14 bytes each way, as RFC 5246 6.2.1 allows any peer
 * (the host witness uses Debian's libmbedtls with its defaults). */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 16384

#include "mbedtls/check_config.h"

#endif
