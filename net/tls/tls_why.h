/*
 * Why a TLS session ended, in words for the log: the mbedTLS error, the
 * phase it came in (a bad MAC during the handshake means another key;
 * after it, an altered or replayed record) and, for a fatal alert from the
 * peer, the alert (RFC 5246, 7.2 "Alert Protocol"; RFC 4279, section 6
 * for unknown_psk_identity).
 */
#ifndef UNDERSTUDY_NET_TLS_TLS_WHY_H
#define UNDERSTUDY_NET_TLS_TLS_WHY_H

#include "types.h"

/* Our transport's failure, passed through mbedTLS (the value of
 * MBEDTLS_ERR_NET_SEND_FAILED, whose module we do not build). */
#define TLS_ERR_TRANSPORT (-0x004E)

/* Writes the reason for error ret into why (size bytes, NUL-terminated).
 * alert is the peer's alert description when ret is
 * MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE. */
void tls_why(char *why, size_t size, int ret, bool handshake, u8 alert);

#endif
