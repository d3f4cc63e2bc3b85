/* A request that changes state, authenticated with the pair's key (see
 * hvctl.h and net/http/http_auth.h): the key file, the challenge's nonce,
 * the signed request. Pure. */
#include <stdio.h>
#include <string.h>

#include "hexdigit.h"
#include "hvctl.h"
#include "net/http/http_auth.h"
#include "proto/ft_psk.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int key_parse_text(const char *text, size_t len, u8 *key, char *why, size_t why_size)
{
	const char *reason;
	int n;

	while (len && is_space(text[len - 1]))
		len--;
	while (len && is_space(*text)) {
		text++;
		len--;
	}
	n = ft_psk_parse(text, len, key, &reason);
	if (n < 0) {
		snprintf(why, why_size, "the key is not ft_key='s form: %s", reason);
		return -1;
	}
	return n;
}

int challenge_nonce(const char *body, size_t len, char *hex, char *why, size_t why_size)
{
	if (len && body[len - 1] == '\n')
		len--;
	if (len != HTTP_AUTH_NONCE_HEX) {
		snprintf(why, why_size, "the challenge is not a %d-digit nonce (%zu bytes)",
			 HTTP_AUTH_NONCE_HEX, len);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if (hex_digit(body[i]) < 0) {
			snprintf(why, why_size, "the challenge's nonce is not hexadecimal");
			return -1;
		}
	memcpy(hex, body, len);
	hex[len] = '\0';
	return 0;
}

int signed_request(char *buf, size_t size, const char *host, unsigned port, const char *path,
		   const u8 *key, size_t key_len, const char *nonce)
{
	u8 mac[HTTP_AUTH_MAC_BYTES];
	char mac_hex[HTTP_AUTH_MAC_HEX + 1];
	int n;

	if (http_auth_mac(key, key_len, "POST", path, nonce, mac))
		return -1;
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(mac_hex + 2 * i, 3, "%02x", mac[i]);
	n = snprintf(buf, size,
		     "POST %s HTTP/1.1\r\nHost: %s:%u\r\n" HTTP_AUTH_HEADER ": %s %s\r\n"
		     "Content-Length: 0\r\nConnection: close\r\n\r\n",
		     path, host, port, nonce, mac_hex);
	memset(mac, 0, sizeof(mac));
	return n < 0 || (size_t)n >= size ? -1 : n;
}
