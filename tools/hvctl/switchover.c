/* hvctl switchover: a challenge, then the signed request (see hvctl.h). */
#include <stdio.h>
#include <string.h>

#include "hvctl.h"
#include "net/http/http_auth.h"

#define PATH_CHALLENGE "/ft/challenge"
#define PATH_SWITCHOVER "/ft/switchover"
#define REQUEST_MAX 512

/* One exchange; its status and body (the reply kept in reply), or -1
 * with why. */
static int exchange(const char *host, unsigned port, unsigned timeout_ms, const char *request,
		    char *reply, size_t cap, const char **body, size_t *body_len, char *why,
		    size_t why_size)
{
	long len = http_exchange(host, port, timeout_ms, request, reply, cap, why, why_size);
	int status;

	if (len < 0 || http_reply_split(reply, (size_t)len, &status, body, body_len, why, why_size))
		return -1;
	return status;
}

/* The body as one line: up to its first newline. */
static int line_len(const char *body, size_t len)
{
	const char *nl = memchr(body, '\n', len);

	return (int)(nl ? (size_t)(nl - body) : len);
}

int switchover(const char *name, const char *host, unsigned port, unsigned timeout_ms,
	       const u8 *key, size_t key_len)
{
	static char reply[HVCTL_REPLY_MAX];
	char request[REQUEST_MAX], why[HVCTL_WHY_MAX], nonce[HTTP_AUTH_NONCE_HEX + 1];
	const char *body;
	size_t body_len;
	int status;

	snprintf(request, sizeof(request),
		 "GET " PATH_CHALLENGE " HTTP/1.1\r\nHost: %s:%u\r\nConnection: close\r\n\r\n", host,
		 port);
	status = exchange(host, port, timeout_ms, request, reply, sizeof(reply), &body, &body_len,
			  why, sizeof(why));
	if (status < 0) {
		printf("%s: unreachable: %s\n", name, why);
		return HVCTL_UNREACHABLE;
	}
	if (status != 200) {
		printf("%s: no challenge: %.*s\n", name, line_len(body, body_len), body);
		return HVCTL_REFUSED;
	}
	if (challenge_nonce(body, body_len, nonce, why, sizeof(why))) {
		printf("%s: unreachable: %s\n", name, why);
		return HVCTL_UNREACHABLE;
	}
	if (signed_request(request, sizeof(request), host, port, PATH_SWITCHOVER, key, key_len,
			   nonce) < 0) {
		printf("%s: cannot sign the request\n", name);
		return HVCTL_UNREACHABLE;
	}
	status = exchange(host, port, timeout_ms, request, reply, sizeof(reply), &body, &body_len,
			  why, sizeof(why));
	if (status < 0) {
		printf("%s: unreachable: %s\n", name, why);
		return HVCTL_UNREACHABLE;
	}
	printf("%s: %.*s\n", name, line_len(body, body_len), body);
	return status == 202 ? HVCTL_OK : HVCTL_REFUSED;
}
