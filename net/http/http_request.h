/*
 * An incremental HTTP/1.0 and HTTP/1.1 request-head parser for the control
 * endpoint (docs/control-endpoint.md). Pure: no allocation, no I/O, no
 * global state; it builds freestanding and on the host.
 *
 * Feed it bytes as they arrive, split anywhere. It reads the request line
 * ("METHOD SP origin-form-target SP HTTP/1.x") and the header lines up to the
 * empty line, then stops: a body, or anything after the head, is left
 * unconsumed. Header contents are checked for shape only (a token name, a
 * colon, no control characters) and counted against the limits; nothing is
 * kept. Lines end in CRLF or, as RFC 9112 2.2 allows, a bare LF; a CR not
 * followed by LF is an error. Empty lines before the request line are
 * skipped (RFC 9112 2.2), but count towards the head limit.
 *
 * Errors and the status to answer:
 *   400  malformed request line or header line (missing or doubled spaces,
 *        a method that is not a token, a target not starting with '/',
 *        control characters, spaces or '#' in the target, a malformed
 *        HTTP-version, a folded or colon-less header line, ...), or a
 *        request line too long while still in the method
 *   414  request line longer than HTTP_REQUEST_LINE_MAX
 *   431  head longer than HTTP_HEAD_MAX, or more than HTTP_HEADERS_MAX headers
 *   505  a well-formed HTTP-version whose major version is not 1
 *   405  a well-formed request whose method is not GET, HEAD or POST; methods are
 *        case-sensitive (RFC 9110 9.1), so "get" is such a method. This one
 *        is only reported once the whole head has arrived, so the client has
 *        finished sending when the answer comes.
 * Syntax errors are reported at the first offending byte, so an abusive
 * client is answered without sending the rest.
 *
 * One header is kept: X-Understudy-Auth (its name in any case), the
 * credentials of a request that changes state (net/http/http_auth.h). Its
 * value, without surrounding spaces, goes to auth; a value longer than
 * HTTP_AUTH_KEEP, or the header given twice, leaves auth_state BAD (the
 * request is parsed on: the route decides, 401).
 */
#ifndef UNDERSTUDY_NET_HTTP_REQUEST_H
#define UNDERSTUDY_NET_HTTP_REQUEST_H

#include "types.h"

/* The request line, without its line terminator. */
#define HTTP_REQUEST_LINE_MAX 1024
/* The whole head as received: request line, headers, every line terminator
 * and the final empty line. */
#define HTTP_HEAD_MAX 4096
/* Header lines. */
#define HTTP_HEADERS_MAX 32

/* "HTTP/1.1" */
#define HTTP_VERSION_LEN 8
/* Enough of the method to tell GET and HEAD from the rest. */
#define HTTP_METHOD_KEEP 8
/* The X-Understudy-Auth value kept: "NONCE MAC" is 97 bytes. */
#define HTTP_AUTH_KEEP 128

#define HTTP_STATUS_OK 200
#define HTTP_STATUS_ACCEPTED 202
#define HTTP_STATUS_BAD_REQUEST 400
#define HTTP_STATUS_UNAUTHORIZED 401
#define HTTP_STATUS_FORBIDDEN 403
#define HTTP_STATUS_NOT_FOUND 404
#define HTTP_STATUS_METHOD_NOT_ALLOWED 405
#define HTTP_STATUS_CONFLICT 409
#define HTTP_STATUS_URI_TOO_LONG 414
#define HTTP_STATUS_HEADERS_TOO_LARGE 431
#define HTTP_STATUS_INTERNAL_ERROR 500
#define HTTP_STATUS_SERVICE_UNAVAILABLE 503
#define HTTP_STATUS_VERSION_NOT_SUPPORTED 505

enum http_method {
	HTTP_METHOD_NONE,  /* not parsed yet */
	HTTP_METHOD_GET,
	HTTP_METHOD_HEAD,
	HTTP_METHOD_POST,  /* requests that change state; a body is never read */
	HTTP_METHOD_OTHER, /* any other token: answered 405 */
};

enum http_parse_result {
	HTTP_PARSE_INCOMPLETE, /* feed more bytes */
	HTTP_PARSE_COMPLETE,   /* method and path are set */
	HTTP_PARSE_ERROR,      /* status says what to answer */
};

struct http_request {
	/* Results. method is set once the method ends; path and version_minor
	 * once the request line is complete; status on error. */
	enum http_parse_result result;
	enum http_method method;
	u16 status;
	u8 version_minor;                    /* HTTP/1.x */
	u16 path_len;
	char path[HTTP_REQUEST_LINE_MAX + 1]; /* target without the query, NUL-terminated */
	u8 auth_state;                       /* HTTP_AUTH_HDR_ABSENT, _GIVEN or _BAD */
	u8 auth_len;
	char auth[HTTP_AUTH_KEEP + 1];       /* X-Understudy-Auth's value when GIVEN, NUL-terminated */

	/* Parser state: private. */
	u8 state;
	u8 method_len;
	char method_text[HTTP_METHOD_KEEP];
	u8 version_len;
	char version[HTTP_VERSION_LEN];
	u16 line_len;                        /* request-line bytes so far */
	u16 head_len;                        /* head bytes so far */
	u16 headers;                         /* header lines so far */
	u8 name_len;                         /* header name bytes so far */
	bool name_is_auth;                   /* ... all X-Understudy-Auth's so far */
	bool in_auth;                        /* the value being read is kept */
};

enum http_auth_header_state {
	HTTP_AUTH_HDR_ABSENT,
	HTTP_AUTH_HDR_GIVEN,
	HTTP_AUTH_HDR_BAD, /* too long, or given twice */
};

void http_request_init(struct http_request *r);

/*
 * Parses up to len more bytes of the head. Returns the state after them;
 * *consumed (when not NULL) gets how many were used: all of them while
 * incomplete, up to and including the head's last LF when complete, up to
 * and including the offending byte on error. Once complete or failed, later
 * calls change nothing and consume nothing.
 */
enum http_parse_result http_request_feed(struct http_request *r, const void *data, size_t len,
					 size_t *consumed);

#endif
