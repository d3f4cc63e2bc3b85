/* The FT link's TLS configuration (see tls_conf.h). */
#include "net/tls/tls_conf.h"

#include "mbedtls/ssl_ciphersuites.h"

/* The suites offered or taken, ending in 0 (mbedtls_ssl_conf_ciphersuites). */
static const int ciphersuites[] = { MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256, 0 };

_Static_assert(MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256 == FT_PSK_CIPHERSUITE_ID,
	       "proto/ft_psk.h names the suite mbedTLS is configured with");

int tls_conf_init(mbedtls_ssl_config *conf, bool server, const struct ft_psk *key,
		  int (*rng)(void *, unsigned char *, size_t), void *rng_ctx)
{
	int ret;

	mbedtls_ssl_config_init(conf);
	ret = mbedtls_ssl_config_defaults(conf, server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
					  MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret)
		return ret;
	mbedtls_ssl_conf_rng(conf, rng, rng_ctx);
	mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(conf, ciphersuites);
	mbedtls_ssl_conf_extended_master_secret(conf, MBEDTLS_SSL_EXTENDED_MS_ENABLED);
	return mbedtls_ssl_conf_psk(conf, key->key, key->len,
				    (const unsigned char *)FT_PSK_IDENTITY, sizeof(FT_PSK_IDENTITY) - 1);
}
