/*
 * TLS 1.2 with the pair's pre-shared key (proto/ft_psk.h), through
 * Debian's mbedTLS: one ciphersuite, one identity, no certificates. A
 * peer without the key fails the handshake: its Finished message does
 * not verify.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/ssl_ciphersuites.h>

#include "hvwitness.h"

#define KEY_FILE_MAX 4096
#define DRBG_PERSONAL "hvwitness"

/* The key file's hex digits, white space around them ignored, into
 * t->key: its length, or -1 with err set. */
static int read_key(struct tls *t, const char *path, char *err, size_t err_size)
{
	char text[KEY_FILE_MAX + 1], *s;
	const char *why;
	size_t n;
	int len;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(text, 1, KEY_FILE_MAX, f);
	fclose(f);
	text[n] = '\0';
	for (s = text; *s && isspace((unsigned char)*s); s++)
		;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	len = ft_psk_parse(s, n, t->key, &why);
	if (len < 0)
		snprintf(err, err_size, "%s: not a key: %s", path, why);
	memset(text, 0, sizeof(text));
	return len;
}

/* What both ends fix: TLS 1.2 only, the one ciphersuite, the key. */
static int configure(struct tls *t, int endpoint, int key_len, char *err, size_t err_size)
{
	mbedtls_ssl_config *c = &t->conf;
	int ret = mbedtls_ssl_config_defaults(c, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
					      MBEDTLS_SSL_PRESET_DEFAULT);

	t->suites[0] = mbedtls_ssl_get_ciphersuite_id(FT_PSK_CIPHERSUITE);
	t->suites[1] = 0;
	if (!ret && !t->suites[0]) {
		snprintf(err, err_size, "this mbedTLS lacks %s", FT_PSK_CIPHERSUITE);
		return -1;
	}
	if (!ret) {
		mbedtls_ssl_conf_rng(c, mbedtls_ctr_drbg_random, &t->drbg);
		mbedtls_ssl_conf_min_version(c, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
		mbedtls_ssl_conf_max_version(c, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
		mbedtls_ssl_conf_ciphersuites(c, t->suites);
		ret = mbedtls_ssl_conf_psk(c, t->key, (size_t)key_len,
					   (const unsigned char *)FT_PSK_IDENTITY,
					   strlen(FT_PSK_IDENTITY));
	}
	if (ret)
		snprintf(err, err_size, "TLS set-up: %s", tls_error(ret));
	return ret ? -1 : 0;
}

int tls_setup(struct tls *t, int endpoint, const char *key_file, char *err, size_t err_size)
{
	int key_len, ret;

	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_ssl_config_init(&t->conf);
	key_len = read_key(t, key_file, err, err_size);
	if (key_len < 0)
		return -1;
	ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
				    (const unsigned char *)DRBG_PERSONAL, strlen(DRBG_PERSONAL));
	if (ret) {
		snprintf(err, err_size, "random generator: %s", tls_error(ret));
		return -1;
	}
	return configure(t, endpoint, key_len, err, err_size);
}

void tls_free(struct tls *t)
{
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
	memset(t->key, 0, sizeof(t->key));
}

const char *tls_error(int ret)
{
	static char text[160];

	mbedtls_strerror(ret, text, sizeof(text));
	return text;
}
