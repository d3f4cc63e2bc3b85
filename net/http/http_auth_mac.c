/*
 * HMAC-SHA256 (RFC 2104 over FIPS 180-4's SHA-256) for the control
 * endpoint's challenge-response (http_auth.h). SHA-256 is mbedTLS's (the
 * hypervisor's freestanding build, the unit tests' native one, or the
 * host's library for tools/hvctl); the HMAC is built here on a context on
 * the stack, because mbedtls_md_hmac allocates and the hypervisor's
 * mbedTLS heap exists only once a TLS link has started.
 */
#include "net/http/http_auth.h"

#include <string.h>

#include "errno.h"
#include "mbedtls/sha256.h"

#define SHA256_BLOCK 64 /* RFC 2104 section 2: B */
#define IPAD 0x36
#define OPAD 0x5c

/* SHA-256 of (pad XOR key) || data. */
static int hash_padded(const u8 *key_block, u8 pad, const u8 *data, size_t len, u8 *out)
{
	mbedtls_sha256_context ctx;
	u8 block[SHA256_BLOCK];
	int err;

	for (size_t i = 0; i < SHA256_BLOCK; i++)
		block[i] = key_block[i] ^ pad;
	mbedtls_sha256_init(&ctx);
	err = mbedtls_sha256_starts_ret(&ctx, 0) || mbedtls_sha256_update_ret(&ctx, block, sizeof(block)) ||
	      mbedtls_sha256_update_ret(&ctx, data, len) || mbedtls_sha256_finish_ret(&ctx, out);
	mbedtls_sha256_free(&ctx);
	memset(block, 0, sizeof(block));
	return err ? -EINVAL : 0;
}

int http_auth_hmac(const u8 *key, size_t key_len, const u8 *msg, size_t msg_len, u8 *mac)
{
	u8 key_block[SHA256_BLOCK] = { 0 }, inner[HTTP_AUTH_MAC_BYTES];
	int err;

	/* A key longer than the block is hashed first (RFC 2104 section 2). */
	if (key_len > SHA256_BLOCK) {
		if (mbedtls_sha256_ret(key, key_len, key_block, 0))
			return -EINVAL;
	} else if (key_len) {
		memcpy(key_block, key, key_len);
	}
	err = hash_padded(key_block, IPAD, msg, msg_len, inner);
	if (!err)
		err = hash_padded(key_block, OPAD, inner, sizeof(inner), mac);
	memset(key_block, 0, sizeof(key_block));
	return err;
}
