/*
 * Incremental HTTP request-head parser: one byte at a time through a small
 * state machine, so a head split anywhere parses exactly like one in a
 * single piece, and nothing is ever read beyond the bytes given.
 */
#include "net/http/http_request.h"

#include <string.h>

enum parse_state {
	ST_START,        /* before the method; empty lines are skipped */
	ST_LEAD_LF,      /* CR of an empty line before the request line */
	ST_METHOD,
	ST_TARGET_START, /* the first byte of the target must be '/' */
	ST_PATH,
	ST_QUERY,        /* after '?': checked, not kept */
	ST_VERSION,
	ST_REQ_LF,       /* CR after the version */
	ST_HEADER_START, /* a header line or the final empty line */
	ST_HEADER_NAME,
	ST_HEADER_VALUE,
	ST_HEADER_LF,    /* CR after a header value */
	ST_END_LF,       /* CR of the final empty line */
	ST_DONE,
};

#define CR '\r'
#define LF '\n'
#define SP ' '
#define HT '\t'
#define DEL 0x7f

static const char auth_header[] = "x-understudy-auth"; /* compared in lower case */
#define AUTH_HEADER_LEN (sizeof(auth_header) - 1)

static bool is_tchar(u8 c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

static bool is_digit(u8 c)
{
	return c >= '0' && c <= '9';
}

/* Visible ASCII that may appear in an origin-form target: no spaces, no
 * control characters, no bytes above 0x7e, and no fragment. */
static bool is_target_char(u8 c)
{
	return c > SP && c < DEL && c != '#';
}

/* Field values may hold HTAB, visible ASCII, SP and obs-text. */
static bool is_value_char(u8 c)
{
	return c == HT || (c >= SP && c != DEL);
}

static bool in_headers(u8 state)
{
	return state >= ST_HEADER_START && state <= ST_END_LF;
}

static enum http_parse_result fail(struct http_request *r, u16 status)
{
	r->state = ST_DONE;
	r->status = status;
	r->result = HTTP_PARSE_ERROR;
	return r->result;
}

/* Counts one request-line byte (terminators excluded); one too many is
 * 414 once the target has begun (it is what made the line long), 400
 * while still in the method. */
static enum http_parse_result count_line_byte(struct http_request *r)
{
	if (++r->line_len <= HTTP_REQUEST_LINE_MAX)
		return HTTP_PARSE_INCOMPLETE;
	return fail(r, r->state == ST_METHOD ? HTTP_STATUS_BAD_REQUEST : HTTP_STATUS_URI_TOO_LONG);
}

static void end_method(struct http_request *r)
{
	if (r->method_len == 3 && !memcmp(r->method_text, "GET", 3))
		r->method = HTTP_METHOD_GET;
	else if (r->method_len == 4 && !memcmp(r->method_text, "HEAD", 4))
		r->method = HTTP_METHOD_HEAD;
	else if (r->method_len == 4 && !memcmp(r->method_text, "POST", 4))
		r->method = HTTP_METHOD_POST;
	else
		r->method = HTTP_METHOD_OTHER;
}

/* "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 2.3); only major 1 is
 * served. */
static enum http_parse_result end_request_line(struct http_request *r)
{
	const char *v = r->version;

	if (r->version_len != HTTP_VERSION_LEN || memcmp(v, "HTTP/", 5) || !is_digit(v[5]) ||
	    v[6] != '.' || !is_digit(v[7]))
		return fail(r, HTTP_STATUS_BAD_REQUEST);
	if (v[5] != '1')
		return fail(r, HTTP_STATUS_VERSION_NOT_SUPPORTED);
	r->version_minor = (u8)(v[7] - '0');
	r->path[r->path_len] = '\0';
	r->state = ST_HEADER_START;
	return HTTP_PARSE_INCOMPLETE;
}

/* The empty line ended the head: only GET, HEAD and POST are served. */
static enum http_parse_result end_head(struct http_request *r)
{
	if (r->method == HTTP_METHOD_OTHER)
		return fail(r, HTTP_STATUS_METHOD_NOT_ALLOWED);
	r->state = ST_DONE;
	r->result = HTTP_PARSE_COMPLETE;
	return r->result;
}

static enum http_parse_result request_line_byte(struct http_request *r, u8 c)
{
	switch (r->state) {
	case ST_START:
		if (c == CR) {
			r->state = ST_LEAD_LF;
			return HTTP_PARSE_INCOMPLETE;
		}
		if (c == LF)
			return HTTP_PARSE_INCOMPLETE;
		/* Anything else is the method's first byte. */
		r->state = ST_METHOD;
		/* fall through */
	case ST_METHOD:
		if (count_line_byte(r) != HTTP_PARSE_INCOMPLETE)
			return r->result;
		if (c == SP && r->method_len) {
			end_method(r);
			r->state = ST_TARGET_START;
		} else if (!is_tchar(c)) {
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		} else if (r->method_len < HTTP_METHOD_KEEP) {
			r->method_text[r->method_len++] = (char)c;
		}
		return HTTP_PARSE_INCOMPLETE;
	case ST_LEAD_LF:
		if (c != LF)
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		r->state = ST_START;
		return HTTP_PARSE_INCOMPLETE;
	case ST_TARGET_START:
		/* Origin-form only: the target starts with '/'. */
		if (c != '/')
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		r->state = ST_PATH;
		/* fall through */
	case ST_PATH:
	case ST_QUERY:
		if (count_line_byte(r) != HTTP_PARSE_INCOMPLETE)
			return r->result;
		if (c == SP) {
			r->state = ST_VERSION;
		} else if (!is_target_char(c)) {
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		} else if (c == '?' && r->state == ST_PATH) {
			r->state = ST_QUERY;
		} else if (r->state == ST_PATH) {
			/* Cannot overflow: the line limit stops the path first. */
			r->path[r->path_len++] = (char)c;
		}
		return HTTP_PARSE_INCOMPLETE;
	case ST_VERSION:
		if (c == CR) {
			r->state = ST_REQ_LF;
			return HTTP_PARSE_INCOMPLETE;
		}
		if (c == LF)
			return end_request_line(r);
		if (count_line_byte(r) != HTTP_PARSE_INCOMPLETE)
			return r->result;
		if (c <= SP || c >= DEL || r->version_len == HTTP_VERSION_LEN)
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		r->version[r->version_len++] = (char)c;
		return HTTP_PARSE_INCOMPLETE;
	case ST_REQ_LF:
		if (c != LF)
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		return end_request_line(r);
	}
	return fail(r, HTTP_STATUS_BAD_REQUEST);
}

static u8 lower(u8 c)
{
	return c >= 'A' && c <= 'Z' ? (u8)(c - 'A' + 'a') : c;
}

/* One more byte of a header's name: is it still X-Understudy-Auth's? */
static void auth_name_byte(struct http_request *r, u8 c)
{
	if (r->name_len >= AUTH_HEADER_LEN || lower(c) != (u8)auth_header[r->name_len])
		r->name_is_auth = false;
	if (r->name_len < 0xff)
		r->name_len++;
}

/* The colon ended a name: keep the value if it is ours. */
static void auth_value_start(struct http_request *r)
{
	r->in_auth = r->name_is_auth && r->name_len == AUTH_HEADER_LEN;
	if (!r->in_auth)
		return;
	if (r->auth_state != HTTP_AUTH_HDR_ABSENT) {
		r->auth_state = HTTP_AUTH_HDR_BAD; /* twice: neither is taken */
		r->in_auth = false;
		return;
	}
	r->auth_state = HTTP_AUTH_HDR_GIVEN;
	r->auth_len = 0;
}

/* A value byte of X-Understudy-Auth: leading spaces skipped, kept up to
 * HTTP_AUTH_KEEP bytes (trailing spaces trimmed at the line's end). */
static void auth_value_byte(struct http_request *r, u8 c)
{
	if (!r->in_auth || r->auth_state != HTTP_AUTH_HDR_GIVEN)
		return;
	if ((c == SP || c == HT) && !r->auth_len)
		return;
	if (r->auth_len == HTTP_AUTH_KEEP) {
		r->auth_state = HTTP_AUTH_HDR_BAD;
		return;
	}
	r->auth[r->auth_len++] = (char)c;
}

static void auth_value_end(struct http_request *r)
{
	if (!r->in_auth)
		return;
	r->in_auth = false;
	if (r->auth_state != HTTP_AUTH_HDR_GIVEN) {
		r->auth_len = 0;
		r->auth[0] = '\0';
		return;
	}
	while (r->auth_len && (r->auth[r->auth_len - 1] == SP || r->auth[r->auth_len - 1] == HT))
		r->auth_len--;
	r->auth[r->auth_len] = '\0';
}

static enum http_parse_result header_byte(struct http_request *r, u8 c)
{
	switch (r->state) {
	case ST_HEADER_START:
		if (c == CR) {
			r->state = ST_END_LF;
			return HTTP_PARSE_INCOMPLETE;
		}
		if (c == LF)
			return end_head(r);
		/* Anything else starts a header: a name, never folding (SP/HT). */
		if (!is_tchar(c))
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		if (++r->headers > HTTP_HEADERS_MAX)
			return fail(r, HTTP_STATUS_HEADERS_TOO_LARGE);
		r->state = ST_HEADER_NAME;
		r->name_len = 0;
		r->name_is_auth = true;
		auth_name_byte(r, c);
		return HTTP_PARSE_INCOMPLETE;
	case ST_HEADER_NAME:
		/* No whitespace before the colon (RFC 9112 5.1). */
		if (c == ':') {
			r->state = ST_HEADER_VALUE;
			auth_value_start(r);
		} else if (!is_tchar(c)) {
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		} else {
			auth_name_byte(r, c);
		}
		return HTTP_PARSE_INCOMPLETE;
	case ST_HEADER_VALUE:
		if (c == CR) {
			r->state = ST_HEADER_LF;
			auth_value_end(r);
		} else if (c == LF) {
			r->state = ST_HEADER_START;
			auth_value_end(r);
		} else if (!is_value_char(c)) {
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		} else {
			auth_value_byte(r, c);
		}
		return HTTP_PARSE_INCOMPLETE;
	case ST_HEADER_LF:
	case ST_END_LF:
		if (c != LF)
			return fail(r, HTTP_STATUS_BAD_REQUEST);
		if (r->state == ST_END_LF)
			return end_head(r);
		r->state = ST_HEADER_START;
		return HTTP_PARSE_INCOMPLETE;
	}
	return fail(r, HTTP_STATUS_BAD_REQUEST);
}

void http_request_init(struct http_request *r)
{
	memset(r, 0, sizeof(*r));
	r->state = ST_START;
	r->result = HTTP_PARSE_INCOMPLETE;
	r->method = HTTP_METHOD_NONE;
}

enum http_parse_result http_request_feed(struct http_request *r, const void *data, size_t len,
					 size_t *consumed)
{
	const u8 *p = data;
	size_t i = 0;

	while (r->state != ST_DONE && i < len) {
		u8 c = p[i++];

		/* The head limit covers every byte, line terminators included. */
		if (++r->head_len > HTTP_HEAD_MAX) {
			fail(r, in_headers(r->state) ? HTTP_STATUS_HEADERS_TOO_LARGE
						     : HTTP_STATUS_BAD_REQUEST);
			break;
		}
		if (in_headers(r->state))
			header_byte(r, c);
		else
			request_line_byte(r, c);
	}
	if (consumed)
		*consumed = i;
	return r->result;
}
