/* Why a TLS session ended, in words (see tls_why.h). */
#include "net/tls/tls_why.h"

#include "mbedtls/ssl.h"

#include "compiler.h"
#include "fmt.h"
#include "proto/ft_psk.h"

struct alert_name {
	u8 code;
	const char *name;
	const char *meaning;
};

/* RFC 5246, 7.2 "Alert Protocol"; unknown_psk_identity: RFC 4279, section 6. */
static const struct alert_name alerts[] = {
	{ MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC, "bad_record_mac",
	  "our record failed its authentication there" },
	{ MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE, "handshake_failure",
	  "no common version or cipher suite" },
	{ MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR, "decrypt_error", "our Finished message did not verify" },
	{ MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY, "unknown_psk_identity",
	  "it does not know the identity \"" FT_PSK_IDENTITY "\"" },
	{ MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION, "protocol_version", "it does not speak TLS 1.2" },
	{ MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR, "decode_error", "it could not parse our message" },
	{ MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE, "unexpected_message",
	  "a message out of order" },
	{ MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR, "internal_error", "it failed by itself" },
};

static void alert_why(char *why, size_t size, bool handshake, u8 alert)
{
	for (size_t i = 0; i < ARRAY_SIZE(alerts); i++) {
		if (alerts[i].code != alert)
			continue;
		fmt_snprintf(why, size, "the peer refused %s (alert %s: %s)%s",
			     handshake ? "the handshake" : "the session", alerts[i].name,
			     alerts[i].meaning,
			     handshake && alert == MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC
				     ? ": it holds a different pre-shared key"
				     : "");
		return;
	}
	fmt_snprintf(why, size, "the peer sent fatal alert %u", alert);
}

struct error_text {
	int ret;
	const char *in_handshake, *after;
};

static const struct error_text errors[] = {
	{ MBEDTLS_ERR_SSL_INVALID_MAC,
	  "the peer's Finished message failed authentication: it holds a different pre-shared key",
	  "a record failed authentication (bad MAC): altered or replayed on the way" },
	{ MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY,
	  "the peer's PSK identity is not \"" FT_PSK_IDENTITY "\"", NULL },
	{ MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN,
	  "the peer offers no cipher suite we take (only " FT_PSK_CIPHERSUITE ")", NULL },
	{ MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE,
	  "no usable cipher suite (only " FT_PSK_CIPHERSUITE ")", NULL },
	{ MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION, "the peer does not speak TLS 1.2", NULL },
	{ MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO,
	  "the peer's first message is not a ClientHello we take (not TLS, or malformed)", NULL },
	{ MBEDTLS_ERR_SSL_INVALID_RECORD, "a malformed record (not TLS, or cut)",
	  "a malformed record: altered on the way" },
	{ MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, "a handshake message out of order",
	  "a message of a kind the session does not take" },
	{ MBEDTLS_ERR_SSL_UNEXPECTED_RECORD, "a record out of order", "a record out of order" },
	{ MBEDTLS_ERR_SSL_ALLOC_FAILED, "out of TLS memory", "out of TLS memory" },
	{ MBEDTLS_ERR_SSL_COUNTER_WRAPPING, NULL, "the record counter would wrap" },
	{ TLS_ERR_TRANSPORT, "the TCP connection failed", "the TCP connection failed" },
};

void tls_why(char *why, size_t size, int ret, bool handshake, u8 alert)
{
	if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
		alert_why(why, size, handshake, alert);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
		const char *text = handshake ? errors[i].in_handshake : errors[i].after;

		if (errors[i].ret == ret && text) {
			fmt_snprintf(why, size, "%s", text);
			return;
		}
	}
	fmt_snprintf(why, size, "%s (mbedTLS error -0x%04x)",
		     handshake ? "a malformed or refused handshake message" : "a protocol error",
		     (unsigned)-ret);
}
