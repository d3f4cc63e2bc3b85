/*
 * Authenticated requests on the control endpoint (docs/control-endpoint.md,
 * "Requests that change state"): a challenge-response with the pair's
 * pre-shared key (ft_key=, proto/ft_psk.h). GET /ft/challenge hands out a
 * fresh random nonce; a request that changes state (POST /ft/switchover,
 * later the snapshot and migrate requests) carries it back in the header
 *
 *   X-Understudy-Auth: NONCE MAC
 *
 * NONCE the 32 hex digits the challenge gave, MAC the 64 hex digits of
 * HMAC-SHA256(key, "METHOD SP PATH SP NONCE"), e.g. HMAC over
 * "POST /ft/switchover 00112233445566778899aabbccddeeff". A nonce is good
 * for one request (any request that names it uses it up, right or wrong)
 * and for HTTP_AUTH_NONCE_LIFE_NS after it was issued. The MAC is compared
 * in constant time.
 *
 * Pure: the caller gives the time and the nonce's random bytes, and
 * http_auth_hmac (http_auth_mac.c, mbedTLS) computes the MAC.
 */
#ifndef UNDERSTUDY_NET_HTTP_AUTH_H
#define UNDERSTUDY_NET_HTTP_AUTH_H

#include "types.h"

#define HTTP_AUTH_HEADER "X-Understudy-Auth"
#define HTTP_AUTH_NONCE_BYTES 16
#define HTTP_AUTH_NONCE_HEX (2 * HTTP_AUTH_NONCE_BYTES)
#define HTTP_AUTH_MAC_BYTES 32 /* SHA-256 */
#define HTTP_AUTH_MAC_HEX (2 * HTTP_AUTH_MAC_BYTES)
/* "NONCE MAC" */
#define HTTP_AUTH_VALUE_LEN (HTTP_AUTH_NONCE_HEX + 1 + HTTP_AUTH_MAC_HEX)
/* Challenges outstanding at once; a new one replaces the oldest. */
#define HTTP_AUTH_NONCES 8
#define HTTP_AUTH_NONCE_LIFE_NS (30ULL * 1000000000ULL)
#define HTTP_AUTH_KEY_MAX 64

enum http_auth_result {
	HTTP_AUTH_OK,
	HTTP_AUTH_NO_KEY,        /* no ft_key=: the endpoint is read-only (403) */
	HTTP_AUTH_MISSING,       /* no X-Understudy-Auth header (401) */
	HTTP_AUTH_MALFORMED,     /* not "NONCE MAC" in hex (401) */
	HTTP_AUTH_UNKNOWN_NONCE, /* never issued, already used, or replaced (401) */
	HTTP_AUTH_STALE,         /* issued more than HTTP_AUTH_NONCE_LIFE_NS ago (401) */
	HTTP_AUTH_BAD_MAC,       /* the MAC is not the key's (401) */
};

struct http_auth_nonce {
	bool live;
	u64 issued_ns;
	u8 nonce[HTTP_AUTH_NONCE_BYTES];
};

struct http_auth {
	u8 key_len;              /* 0: no key, read-only */
	u8 key[HTTP_AUTH_KEY_MAX];
	u32 issued;              /* nonces ever issued: the next slot */
	struct http_auth_nonce nonces[HTTP_AUTH_NONCES];
};

/* Starts with the key (len 0: none; longer than HTTP_AUTH_KEY_MAX is cut,
 * which ft_psk_parse never gives) and no nonce outstanding. */
void http_auth_init(struct http_auth *a, const u8 *key, size_t key_len);

static inline bool http_auth_has_key(const struct http_auth *a)
{
	return a->key_len != 0;
}

/* Issues the nonce made of random (HTTP_AUTH_NONCE_BYTES bytes) at now_ns,
 * replacing the oldest outstanding one when all slots are used; writes its
 * hex (HTTP_AUTH_NONCE_HEX digits and a NUL) to hex. 0, or -EPERM without
 * a key (no challenge is worth anything then). */
int http_auth_issue(struct http_auth *a, const u8 *random, u64 now_ns, char *hex);

/* Checks a request's X-Understudy-Auth value (value NULL: no header) for
 * method and path at now_ns; a nonce it names is used up whatever the
 * verdict. */
enum http_auth_result http_auth_check(struct http_auth *a, const char *method, const char *path,
				      const char *value, size_t value_len, u64 now_ns);

/* The verdict in words, for the reply and the log (never the key). */
const char *http_auth_result_text(enum http_auth_result r);

/* HMAC-SHA256(key, "METHOD SP PATH SP NONCE-HEX") into mac
 * (HTTP_AUTH_MAC_BYTES). 0, or -EINVAL when the message does not fit or
 * mbedTLS refuses. Shared with tools/hvctl. */
int http_auth_mac(const u8 *key, size_t key_len, const char *method, const char *path,
		  const char *nonce_hex, u8 *mac);

/* HMAC-SHA256 of msg under key (http_auth_mac.c: mbedTLS). */
int http_auth_hmac(const u8 *key, size_t key_len, const u8 *msg, size_t msg_len, u8 *mac);

#endif
