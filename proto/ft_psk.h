/*
 * The pre-shared key of the FT link and the witness (docs/secure-link.md),
 * shared by the hypervisor (ft_key=, net/tls/) and the host tools
 * (tools/hvwitness): the PSK identity, the one cipher suite, the key's
 * length limits and its hexadecimal form.
 *
 * TLS 1.2 (RFC 5246) with the plain PSK key exchange of RFC 4279, section 2
 * ("PSK Key Exchange Algorithm"), and the suite RFC 5487, section 3 defines
 * for it with AES-128-GCM (RFC 5288) and SHA-256.
 */
#ifndef UNDERSTUDY_PROTO_FT_PSK_H
#define UNDERSTUDY_PROTO_FT_PSK_H

#include "types.h"

/* The hypervisor's option that gives the key (never printed). */
#define FT_PSK_OPTION "ft_key"

/* The PSK identity both sides send and expect (RFC 4279, section 5.1:
 * an identity is UTF-8 text). */
#define FT_PSK_IDENTITY "understudy-ft"

/* TLS_PSK_WITH_AES_128_GCM_SHA256 = {0x00,0xA8} (RFC 5487, section 3); its
 * name in mbedTLS (mbedtls_ssl_get_ciphersuite_id). */
#define FT_PSK_CIPHERSUITE_ID 0x00A8
#define FT_PSK_CIPHERSUITE_NAME "TLS-PSK-WITH-AES-128-GCM-SHA256"

/* A key is 16 to 64 bytes (128 to 512 bits), given as 32 to 128 hex digits. */
#define FT_PSK_KEY_MIN 16
#define FT_PSK_KEY_MAX 64

struct ft_psk {
	u8 len;                  /* 0: no key */
	u8 key[FT_PSK_KEY_MAX];
};

/*
 * Parses len characters of hex (not NUL-terminated; upper or lower case,
 * nothing else) into out. Returns 0; -EINVAL for a character that is not a
 * hex digit or an odd count; -ERANGE for fewer than 2 * FT_PSK_KEY_MIN or
 * more than 2 * FT_PSK_KEY_MAX digits. out is untouched on failure.
 */
int ft_psk_parse_hex(const char *hex, size_t len, struct ft_psk *out);

/* What ft_psk_parse_hex's error means, for a message. */
const char *ft_psk_parse_error(int err);

#endif
