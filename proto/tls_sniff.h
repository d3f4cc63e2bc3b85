/*
 * Whether bytes a peer sent in the clear begin a TLS record: a peer with
 * the pre-shared key talking TLS to one without (docs/secure-link.md). A
 * record's header is a content type, 20 to 23 (change_cipher_spec, alert,
 * handshake, application_data), then the protocol version, major 3 (RFC
 * 5246, section 6.2.1). Pure code.
 */
#ifndef UNDERSTUDY_PROTO_TLS_SNIFF_H
#define UNDERSTUDY_PROTO_TLS_SNIFF_H

#include "types.h"

#define TLS_SNIFF_TYPE_FIRST 20   /* change_cipher_spec */
#define TLS_SNIFF_TYPE_LAST 23    /* application_data */
#define TLS_SNIFF_MAJOR_VERSION 3

static inline bool tls_sniff_record(const u8 *data, size_t len)
{
	return len >= 2 && data[0] >= TLS_SNIFF_TYPE_FIRST && data[0] <= TLS_SNIFF_TYPE_LAST &&
	       data[1] == TLS_SNIFF_MAJOR_VERSION;
}

#endif
