/* The body of a /status reply (see hvctl.h): the status line, the head's
 * end and Content-Length, each checked within the bytes received. */
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

/* The first occurrence of needle in the len bytes at hay, or NULL. */
static const char *find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(hay + i, needle, n))
			return hay + i;
	return NULL;
}

/* "HTTP/1.x NNN": the status, or -1. */
static int status_code(const char *reply, size_t len)
{
	if (len < 12 || memcmp(reply, "HTTP/1.", 7) || reply[7] < '0' || reply[7] > '9' ||
	    reply[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (reply[i] < '0' || reply[i] > '9')
			return -1;
	return (reply[9] - '0') * 100 + (reply[10] - '0') * 10 + (reply[11] - '0');
}

/* Content-Length in the head (case-insensitive name): its value, -1 when
 * absent, -2 when malformed. */
static long long content_length(const char *head, size_t len)
{
	static const char name[] = "\ncontent-length:";
	size_t n = sizeof(name) - 1;

	for (size_t i = 0; i + n <= len; i++) {
		long long v = 0;
		size_t j;

		if (strncasecmp(head + i, name, n))
			continue;
		for (j = i + n; j < len && (head[j] == ' ' || head[j] == '\t'); j++)
			;
		if (j == len || head[j] < '0' || head[j] > '9')
			return -2;
		for (; j < len && head[j] >= '0' && head[j] <= '9'; j++) {
			if (v > HVCTL_REPLY_MAX)
				return -2;
			v = v * 10 + (head[j] - '0');
		}
		return v;
	}
	return -1;
}

int http_reply_split(const char *reply, size_t len, int *status, const char **body,
		     size_t *body_len, char *why, size_t why_size)
{
	const char *end = find(reply, len, "\r\n\r\n");
	size_t skip = 4;
	long long cl;

	*status = status_code(reply, len);
	if (*status < 0) {
		snprintf(why, why_size, "not an HTTP/1.x reply");
		return -1;
	}
	if (!end) {
		end = find(reply, len, "\n\n");
		skip = 2;
	}
	if (!end) {
		snprintf(why, why_size, "the reply's head is cut short");
		return -1;
	}
	*body = end + skip;
	*body_len = len - (size_t)(*body - reply);
	cl = content_length(reply, (size_t)(end - reply));
	if (cl == -2 || (cl >= 0 && (size_t)cl != *body_len)) {
		snprintf(why, why_size, "the body is %zu bytes, its Content-Length says otherwise",
			 *body_len);
		return -1;
	}
	return 0;
}

int http_reply_body(const char *reply, size_t len, const char **body, size_t *body_len,
		    char *why, size_t why_size)
{
	int status;

	if (http_reply_split(reply, len, &status, body, body_len, why, why_size))
		return -1;
	if (status != 200) {
		snprintf(why, why_size, "HTTP status %d", status);
		return -1;
	}
	return 0;
}
