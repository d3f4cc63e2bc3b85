/*
 * The pre-shared key that authenticates and encrypts the fault-tolerance
 * link and the witness protocol, and the fixed TLS parameters both ends
 * use with it (docs/secure-link.md, docs/witness.md "Security"): TLS 1.2,
 * the ciphersuite TLS-PSK-WITH-AES-128-GCM-SHA256 (RFC 5487, section 3;
 * the PSK key exchange of RFC 4279, section 2), the PSK identity below,
 * and a key of 16 to 64 bytes given as 32 to 128 hexadecimal digits. Pure
 * code, shared by the hypervisor and the host tools.
 */
#ifndef UNDERSTUDY_PROTO_FT_PSK_H
#define UNDERSTUDY_PROTO_FT_PSK_H

#include "types.h"

#define FT_PSK_IDENTITY "understudy-ft"
#define FT_PSK_CIPHERSUITE "TLS-PSK-WITH-AES-128-GCM-SHA256"
#define FT_PSK_CIPHERSUITE_ID 0x00A8 /* {0x00,0xA8}: RFC 5487, section 3 */
#define FT_PSK_MIN_BYTES 16
#define FT_PSK_MAX_BYTES 64

/* The hypervisor's option that gives the key (hv/config.c; never printed). */
#define FT_PSK_OPTION "ft_key"

/* A key as the hypervisor holds it (ft_key=). */
struct ft_psk {
	u8 len;                    /* 0: no key */
	u8 key[FT_PSK_MAX_BYTES];
};

/*
 * Parses a key of len hexadecimal digits (either case, nothing else) into
 * key (FT_PSK_MAX_BYTES bytes). Returns the key's length in bytes, or
 * -EINVAL with *why saying what is wrong (an odd count, a character that
 * is not a digit, too few or too many digits).
 */
int ft_psk_parse(const char *hex, size_t len, u8 *key, const char **why);

#endif
