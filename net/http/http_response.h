/*
 * Response builders for the control endpoint (docs/control-endpoint.md):
 * the /status JSON document, the /metrics Prometheus text exposition
 * (format 0.0.4), response heads, and the routing of a parsed request to a
 * complete response. Pure: they write into a caller's buffer with
 * fmt_snprintf, never allocate, never use floating point, and build
 * freestanding and on the host.
 *
 * Every builder returns the length written (the text is NUL-terminated, so
 * size must exceed it) or -ENOSPC when the buffer is too small; then the
 * buffer holds an empty string (when size > 0), never a cut document.
 */
#ifndef UNDERSTUDY_NET_HTTP_RESPONSE_H
#define UNDERSTUDY_NET_HTTP_RESPONSE_H

#include "net/http/http_request.h"
#include "net/http/hv_status.h"
#include "types.h"

#define HTTP_PATH_STATUS "/status"
#define HTTP_PATH_METRICS "/metrics"

/* 405's Allow for the read-only documents. */
#define HTTP_ALLOW_READ "GET, HEAD"

#define HTTP_CONTENT_JSON "application/json"
#define HTTP_CONTENT_METRICS "text/plain; version=0.0.4; charset=utf-8"
#define HTTP_CONTENT_TEXT "text/plain; charset=utf-8"

/* http_reply_build renders the body this far into the buffer and puts the
 * head in front of it, so nothing is moved; heads are far shorter. */
#define HTTP_HEAD_RESERVE 256

/* A buffer this large holds any reply whose strings keep to sensible
 * lengths (exit reason and NIC names up to 24 bytes, version up to 64):
 * the unit tests check the worst case, every exit row used and every
 * counter at its maximum, which is about 16 KiB of metrics with a pair's
 * side (a primary under a witness, with join=on), 10 KiB without. */
#define HTTP_RESPONSE_MAX (20 * 1024)

/* "OK", "Not Found", ...; "Unknown" for codes not used here. */
const char *http_reason_phrase(int status);

/* The status line and headers, through the empty line: Content-Type,
 * Content-Length, Connection: close, Cache-Control: no-store, and
 * Allow: GET, HEAD for 405. */
int http_response_head(char *buf, size_t size, int status, const char *content_type,
		       size_t content_length);

/* The /status document: one JSON object (see the docs for its fields). */
int http_status_json(char *buf, size_t size, const struct hv_status *s);

/* The /metrics document: # HELP and # TYPE, then the samples, per family. */
int http_metrics_text(char *buf, size_t size, const struct hv_status *s);

/* The plain-text body of an error response: "404 Not Found\n". */
int http_error_body(char *buf, size_t size, int status);

/* Where a built reply is in the caller's buffer. */
struct http_reply {
	size_t start;   /* offset of the status line */
	size_t len;     /* bytes to send from there */
	u16 status;
};

/*
 * Answers a parsed request (complete or failed): GET or HEAD of /status or
 * /metrics (POST to them 405), 404 for other paths (the server routes the
 * requests of http_control.h before), the parser's status for errors (405 with
 * Allow). HEAD gets the head GET would get, Content-Length included, and no
 * body. s is only read for /status and /metrics and may be NULL otherwise.
 * Returns the reply's length, -EINVAL for a request still incomplete, or
 * -ENOSPC when size is not more than HTTP_HEAD_RESERVE plus the body.
 */
int http_reply_build(char *buf, size_t size, const struct http_request *req,
		     const struct hv_status *s, struct http_reply *out);

/* A plain-text reply: for 200 the text and a newline, else "401
 * Unauthorized: text" and a newline; with 405, Allow: allow (NULL: GET,
 * HEAD). Returns as http_reply_build. */
int http_reply_text(char *buf, size_t size, int status, const char *allow, const char *text,
		    struct http_reply *out);

/* Like http_reply_build for an error status the server decides itself,
 * e.g. 500 when a document does not fit. */
int http_reply_error(char *buf, size_t size, int status, struct http_reply *out);

#endif
