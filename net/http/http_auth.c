/* The control endpoint's challenge-response (see http_auth.h). */
#include "net/http/http_auth.h"

#include <string.h>

#include "errno.h"
#include "hexdigit.h"

/* "POST /ft/switchover " + nonce: the longest path the parser keeps is
 * far shorter than any request worth a MAC, so a fixed buffer does. */
#define MAC_MESSAGE_MAX 256

static const char hex_digits[] = "0123456789abcdef";

void http_auth_init(struct http_auth *a, const u8 *key, size_t key_len)
{
	memset(a, 0, sizeof(*a));
	if (key_len > HTTP_AUTH_KEY_MAX)
		key_len = HTTP_AUTH_KEY_MAX;
	a->key_len = (u8)key_len;
	if (key_len)
		memcpy(a->key, key, key_len);
}

static void to_hex(const u8 *bytes, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = hex_digits[bytes[i] >> 4];
		hex[2 * i + 1] = hex_digits[bytes[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

/* n bytes from 2n hex digits (either case); false on anything else. */
static bool from_hex(const char *hex, size_t n, u8 *bytes)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		bytes[i] = (u8)(hi << 4 | lo);
	}
	return true;
}

int http_auth_issue(struct http_auth *a, const u8 *random, u64 now_ns, char *hex)
{
	struct http_auth_nonce *n;

	if (!http_auth_has_key(a))
		return -EPERM;
	n = &a->nonces[a->issued++ % HTTP_AUTH_NONCES];
	n->live = true;
	n->issued_ns = now_ns;
	memcpy(n->nonce, random, HTTP_AUTH_NONCE_BYTES);
	to_hex(n->nonce, HTTP_AUTH_NONCE_BYTES, hex);
	return 0;
}

/* Equal without a branch on the bytes: the time does not tell how many
 * leading bytes of a guessed MAC were right. */
static bool same_bytes(const u8 *x, const u8 *y, size_t n)
{
	u8 diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

/* The outstanding nonce with these bytes, or NULL. */
static struct http_auth_nonce *find_nonce(struct http_auth *a, const u8 *nonce)
{
	for (size_t i = 0; i < HTTP_AUTH_NONCES; i++) {
		struct http_auth_nonce *n = &a->nonces[i];

		if (n->live && !memcmp(n->nonce, nonce, HTTP_AUTH_NONCE_BYTES))
			return n;
	}
	return NULL;
}

int http_auth_mac(const u8 *key, size_t key_len, const char *method, const char *path,
		  const char *nonce_hex, u8 *mac)
{
	char msg[MAC_MESSAGE_MAX];
	size_t m = strlen(method), p = strlen(path), n = strlen(nonce_hex);

	if (m + p + n + 2 > sizeof(msg))
		return -EINVAL;
	memcpy(msg, method, m);
	msg[m] = ' ';
	memcpy(msg + m + 1, path, p);
	msg[m + 1 + p] = ' ';
	memcpy(msg + m + p + 2, nonce_hex, n);
	return http_auth_hmac(key, key_len, (const u8 *)msg, m + p + n + 2, mac);
}

enum http_auth_result http_auth_check(struct http_auth *a, const char *method, const char *path,
				      const char *value, size_t value_len, u64 now_ns)
{
	u8 nonce[HTTP_AUTH_NONCE_BYTES], given[HTTP_AUTH_MAC_BYTES], want[HTTP_AUTH_MAC_BYTES];
	char nonce_hex[HTTP_AUTH_NONCE_HEX + 1];
	struct http_auth_nonce *n;
	bool stale;

	if (!http_auth_has_key(a))
		return HTTP_AUTH_NO_KEY;
	if (!value)
		return HTTP_AUTH_MISSING;
	if (value_len != HTTP_AUTH_VALUE_LEN || value[HTTP_AUTH_NONCE_HEX] != ' ' ||
	    !from_hex(value, HTTP_AUTH_NONCE_BYTES, nonce) ||
	    !from_hex(value + HTTP_AUTH_NONCE_HEX + 1, HTTP_AUTH_MAC_BYTES, given))
		return HTTP_AUTH_MALFORMED;
	n = find_nonce(a, nonce);
	if (!n)
		return HTTP_AUTH_UNKNOWN_NONCE;
	n->live = false; /* good once, whatever comes of it */
	stale = now_ns < n->issued_ns || now_ns - n->issued_ns > HTTP_AUTH_NONCE_LIFE_NS;
	if (stale)
		return HTTP_AUTH_STALE;
	to_hex(nonce, HTTP_AUTH_NONCE_BYTES, nonce_hex); /* as issued: lower case */
	if (http_auth_mac(a->key, a->key_len, method, path, nonce_hex, want))
		return HTTP_AUTH_BAD_MAC;
	return same_bytes(given, want, sizeof(want)) ? HTTP_AUTH_OK : HTTP_AUTH_BAD_MAC;
}

const char *http_auth_result_text(enum http_auth_result r)
{
	switch (r) {
	case HTTP_AUTH_OK: return "authenticated";
	case HTTP_AUTH_NO_KEY: return "this endpoint is read-only: no ft_key=";
	case HTTP_AUTH_MISSING: return "no " HTTP_AUTH_HEADER " header: get a nonce from GET /ft/challenge";
	case HTTP_AUTH_MALFORMED: return HTTP_AUTH_HEADER " is not 'NONCE MAC' (32 and 64 hex digits)";
	case HTTP_AUTH_UNKNOWN_NONCE: return "the nonce is unknown or already used";
	case HTTP_AUTH_STALE: return "the nonce is stale (older than 30 s)";
	case HTTP_AUTH_BAD_MAC: return "the MAC is wrong (not this endpoint's ft_key=)";
	}
	return "unknown";
}
