/*
 * The one TLS configuration of the FT link and the witness (docs/
 * secure-link.md): TLS 1.2 only, the cipher suite of proto/ft_psk.h only,
 * the pre-shared key with the identity FT_PSK_IDENTITY (RFC 4279,
 * section 2), extended master secret (RFC 7627) offered and taken, no
 * renegotiation. A server refuses a client that offers another identity,
 * version or suite.
 */
#ifndef UNDERSTUDY_NET_TLS_TLS_CONF_H
#define UNDERSTUDY_NET_TLS_TLS_CONF_H

#include "mbedtls/ssl.h"

#include "proto/ft_psk.h"
#include "types.h"

/*
 * Sets conf up for a client or a server with key and the DRBG rng. 0, or a
 * negative mbedTLS error. conf keeps its own copy of the key; free it with
 * mbedtls_ssl_config_free. @pre key->len is FT_PSK_MIN_BYTES..FT_PSK_MAX_BYTES
 */
int tls_conf_init(mbedtls_ssl_config *conf, bool server, const struct ft_psk *key,
		  int (*rng)(void *, unsigned char *, size_t), void *rng_ctx);

#endif
