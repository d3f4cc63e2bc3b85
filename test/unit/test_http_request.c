// sources: net/http/http_request.c
/* net/http/http_request.c: the incremental request-head parser, fed whole,
 * split at every point, byte by byte; limits at and one past; malformed
 * heads and the status each gets. */
#include "helpers.h"

#include <stdlib.h>

#include "net/http/http_request.h"

struct outcome {
	enum http_parse_result result;
	u16 status;
	enum http_method method;
	u8 version_minor;
	size_t consumed;
	char path[HTTP_REQUEST_LINE_MAX + 1];
	u8 auth_state;
	char auth[HTTP_AUTH_KEEP + 1];
};

/* Feeds text in pieces cut at the given offsets (ascending, may repeat),
 * each piece in a buffer of exactly its size so ASan sees any overread. */
static void feed_pieces(const char *text, size_t len, const size_t *cuts, size_t ncuts,
			struct outcome *o)
{
	struct http_request r;
	size_t start = 0;

	http_request_init(&r);
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len, used = 0;
		size_t n = end - start;
		char *piece = malloc(n ? n : 1);
		enum http_parse_result res;

		assert_non_null(piece);
		memcpy(piece, text + start, n);
		res = http_request_feed(&r, piece, n, &used);
		free(piece);
		assert_true(used <= n);
		o->consumed += used;
		/* While incomplete, every byte is taken. */
		if (res == HTTP_PARSE_INCOMPLETE)
			assert_int_equal(used, n);
		start = end;
	}
	o->result = r.result;
	o->status = r.status;
	o->method = r.method;
	o->version_minor = r.version_minor;
	o->auth_state = r.auth_state;
	if (r.auth_state == HTTP_AUTH_HDR_GIVEN) {
		assert_int_equal(strlen(r.auth), r.auth_len);
		memcpy(o->auth, r.auth, r.auth_len + 1);
	}
	if (r.result == HTTP_PARSE_COMPLETE) {
		assert_int_equal(strlen(r.path), r.path_len);
		memcpy(o->path, r.path, r.path_len + 1);
	}
}

static void parse_len(const char *text, size_t len, struct outcome *o)
{
	feed_pieces(text, len, NULL, 0, o);
}

static void parse(const char *text, struct outcome *o)
{
	parse_len(text, strlen(text), o);
}

static void assert_same(const struct outcome *a, const struct outcome *b)
{
	assert_int_equal(a->result, b->result);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->method, b->method);
	assert_int_equal(a->consumed, b->consumed);
	if (a->result == HTTP_PARSE_COMPLETE) {
		assert_int_equal(a->version_minor, b->version_minor);
		assert_string_equal(a->path, b->path);
		assert_int_equal(a->auth_state, b->auth_state);
		if (a->auth_state == HTTP_AUTH_HDR_GIVEN)
			assert_string_equal(a->auth, b->auth);
	}
}

static void assert_complete(const char *text, enum http_method method, const char *path)
{
	struct outcome o;

	parse(text, &o);
	if (o.result != HTTP_PARSE_COMPLETE)
		fail_msg("\"%s\": result %d status %u, want complete", text, o.result, o.status);
	assert_int_equal(o.method, method);
	assert_string_equal(o.path, path);
	assert_int_equal(o.consumed, strlen(text));
}

static void assert_error(const char *text, size_t len, u16 status)
{
	struct outcome o;

	parse_len(text, len, &o);
	if (o.result != HTTP_PARSE_ERROR || o.status != status)
		fail_msg("\"%.*s\": result %d status %u, want error %u", (int)len, text, o.result,
			 o.status, status);
}

#define ASSERT_ERROR(lit, status) assert_error(lit, sizeof(lit) - 1, status)

static void assert_incomplete(const char *text)
{
	struct outcome o;

	parse(text, &o);
	assert_int_equal(o.result, HTTP_PARSE_INCOMPLETE);
	assert_int_equal(o.consumed, strlen(text));
}

/* --- valid heads ---------------------------------------------------------- */

static void test_simple_get(void **state)
{
	struct outcome o;

	parse("GET /status HTTP/1.1\r\nHost: 10.0.2.15:8080\r\nAccept: */*\r\n\r\n", &o);
	assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
	assert_int_equal(o.method, HTTP_METHOD_GET);
	assert_int_equal(o.version_minor, 1);
	assert_string_equal(o.path, "/status");
}

static void test_http10_no_headers(void **state)
{
	struct outcome o;

	parse("GET /metrics HTTP/1.0\r\n\r\n", &o);
	assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
	assert_int_equal(o.version_minor, 0);
	assert_string_equal(o.path, "/metrics");
}

/* Any HTTP/1.x is served (RFC 9110 2.5: same major version). */
static void test_other_minor_versions(void **state)
{
	struct outcome o;

	parse("GET / HTTP/1.9\r\n\r\n", &o);
	assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
	assert_int_equal(o.version_minor, 9);
}

static void test_head_method(void **state)
{
	assert_complete("HEAD /status HTTP/1.1\r\n\r\n", HTTP_METHOD_HEAD, "/status");
}

static void test_query_stripped(void **state)
{
	assert_complete("GET /status?pretty=1&x=2 HTTP/1.1\r\n\r\n", HTTP_METHOD_GET, "/status");
	assert_complete("GET /metrics? HTTP/1.1\r\n\r\n", HTTP_METHOD_GET, "/metrics");
	assert_complete("GET /?a HTTP/1.1\r\n\r\n", HTTP_METHOD_GET, "/");
	assert_complete("GET /a?b?c/d HTTP/1.1\r\n\r\n", HTTP_METHOD_GET, "/a");
	assert_complete("GET /a/b/../c%20d HTTP/1.1\r\n\r\n", HTTP_METHOD_GET, "/a/b/../c%20d");
}

/* Bare LF ends lines as well as CRLF, also mixed in one head. */
static void test_bare_lf(void **state)
{
	assert_complete("GET /status HTTP/1.1\n\n", HTTP_METHOD_GET, "/status");
	assert_complete("GET /status HTTP/1.1\nHost: x\nA: b\n\n", HTTP_METHOD_GET, "/status");
	assert_complete("GET /status HTTP/1.1\r\nHost: x\nA: b\r\n\n", HTTP_METHOD_GET, "/status");
	assert_complete("GET /status HTTP/1.1\nHost: x\r\n\r\n", HTTP_METHOD_GET, "/status");
}

/* A CR must be followed by LF, wherever it is. */
static void test_bare_cr(void **state)
{
	ASSERT_ERROR("GET / HTTP/1.1\rHost: x\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nHost: x\r\n\rX", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("\rGET / HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
}

/* Empty lines before the request line are skipped (RFC 9112 2.2). */
static void test_leading_empty_lines(void **state)
{
	assert_complete("\r\n\nGET /status HTTP/1.1\r\n\r\n", HTTP_METHOD_GET, "/status");
}

static void test_header_shapes(void **state)
{
	assert_complete("GET / HTTP/1.1\r\nA:\r\n\r\n", HTTP_METHOD_GET, "/");
	assert_complete("GET / HTTP/1.1\r\nA:\tb \t\r\n\r\n", HTTP_METHOD_GET, "/");
	assert_complete("GET / HTTP/1.1\r\nX-Odd!#$%&'*+-.^_`|~9: v\r\n\r\n", HTTP_METHOD_GET, "/");
	/* obs-text in values is allowed, and ignored. */
	assert_complete("GET / HTTP/1.1\r\nA: caf\xc3\xa9\r\n\r\n", HTTP_METHOD_GET, "/");
}

/* The same requests split at every point, in two and three pieces, and
 * byte by byte, give the same outcome as in one piece. */
static const char *const split_cases[] = {
	"GET /status HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8.5.0\r\n\r\n",
	"HEAD /metrics?x=1 HTTP/1.0\n\n",
	"\r\nGET / HTTP/1.1\r\nA: b\nC:\r\n\r\n",
	"POST /status HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi",
	"POST /ft/switchover HTTP/1.1\r\nx-understudy-auth:  abc def \r\n\r\n",
	"GET /status HTTP/2.0\r\n\r\n",
	"GET /a HTTP/1.1\r\nBad Header: x\r\n\r\n",
	"GET /status HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n",
};

static void test_every_split_point(void **state)
{
	for (size_t c = 0; c < ARRAY_SIZE(split_cases); c++) {
		const char *text = split_cases[c];
		size_t len = strlen(text);
		struct outcome whole, split;

		parse_len(text, len, &whole);
		for (size_t i = 0; i <= len; i++) {
			feed_pieces(text, len, &i, 1, &split);
			assert_same(&whole, &split);
			for (size_t j = i; j <= len; j++) {
				size_t cuts[2] = { i, j };

				feed_pieces(text, len, cuts, 2, &split);
				assert_same(&whole, &split);
			}
		}
	}
}

static void test_byte_by_byte(void **state)
{
	for (size_t c = 0; c < ARRAY_SIZE(split_cases); c++) {
		const char *text = split_cases[c];
		size_t len = strlen(text), cuts[128];
		struct outcome whole, bytes;

		assert_true(len < ARRAY_SIZE(cuts));
		for (size_t i = 0; i < len; i++)
			cuts[i] = i + 1;
		parse_len(text, len, &whole);
		feed_pieces(text, len, cuts, len, &bytes);
		assert_same(&whole, &bytes);
	}
}

/* The parser stops after the head: a body or a second request stays
 * unconsumed, and later calls change nothing. */
static void test_stops_after_head(void **state)
{
	static const char text[] = "GET /status HTTP/1.1\r\n\r\nGET /other HTTP/1.1\r\n\r\n";
	struct http_request r;
	size_t used = 99;

	http_request_init(&r);
	assert_int_equal(http_request_feed(&r, text, strlen(text), &used), HTTP_PARSE_COMPLETE);
	assert_int_equal(used, strlen("GET /status HTTP/1.1\r\n\r\n"));
	assert_int_equal(http_request_feed(&r, "GET", 3, &used), HTTP_PARSE_COMPLETE);
	assert_int_equal(used, 0);
	assert_string_equal(r.path, "/status");
}

static void test_empty_feed(void **state)
{
	struct http_request r;
	size_t used = 99;

	http_request_init(&r);
	assert_int_equal(http_request_feed(&r, NULL, 0, &used), HTTP_PARSE_INCOMPLETE);
	assert_int_equal(used, 0);
	assert_int_equal(http_request_feed(&r, "G", 1, NULL), HTTP_PARSE_INCOMPLETE);
}

static void test_incomplete_prefixes(void **state)
{
	assert_incomplete("");
	assert_incomplete("\r\n\r\n\n"); /* only empty lines so far */
	assert_incomplete("GET");
	assert_incomplete("GET /status");
	assert_incomplete("GET /status HTTP/1.1");
	assert_incomplete("GET /status HTTP/1.1\r");
	assert_incomplete("GET /status HTTP/1.1\r\nHost: x\r\n");
	assert_incomplete("GET /status HTTP/1.1\r\n\r");
	/* 405 waits for the end of the head. */
	assert_incomplete("PUT /status HTTP/1.1\r\nA: b\r\n");
}

/* --- methods --------------------------------------------------------------- */

static void test_other_methods_405(void **state)
{
	static const char *const texts[] = {
		"PUT /status HTTP/1.1\r\n\r\n",
		"PUT / HTTP/1.1\r\n\r\n",
		"DELETE /metrics HTTP/1.1\r\n\r\n",
		"OPTIONS / HTTP/1.1\r\n\r\n",
		"GETS / HTTP/1.1\r\n\r\n",
		"GE / HTTP/1.1\r\n\r\n",
		"HEADER / HTTP/1.1\r\n\r\n",
		"LONGMETHODNAMEGET / HTTP/1.1\r\n\r\n",
		/* Methods are case-sensitive (RFC 9110 9.1). */
		"get /status HTTP/1.1\r\n\r\n",
		"Head /status HTTP/1.1\r\n\r\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		struct outcome o;

		parse(texts[i], &o);
		assert_int_equal(o.result, HTTP_PARSE_ERROR);
		assert_int_equal(o.status, HTTP_STATUS_METHOD_NOT_ALLOWED);
		assert_int_equal(o.method, HTTP_METHOD_OTHER);
		assert_int_equal(o.consumed, strlen(texts[i]));
	}
}

/* A POST body is not read: the 405 comes at the end of the head. */
static void test_405_leaves_body(void **state)
{
	static const char text[] = "PUT / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
	struct outcome o;

	parse(text, &o);
	assert_int_equal(o.status, HTTP_STATUS_METHOD_NOT_ALLOWED);
	assert_int_equal(o.consumed, strlen(text) - 5);
}

/* Syntax and version errors come before 405. */
static void test_405_precedence(void **state)
{
	ASSERT_ERROR("PUT / HTTP/2.0\r\n\r\n", HTTP_STATUS_VERSION_NOT_SUPPORTED);
	ASSERT_ERROR("PUT / HTTP/1.1\r\nA b\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("PUT /\x01 HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
}

/* POST is served (the routes decide what may be posted); its body is
 * never read. */
static void test_post(void **state)
{
	static const char text[] = "POST /ft/switchover HTTP/1.1\r\nContent-Length: 0\r\n\r\nxx";
	struct outcome o;

	parse(text, &o);
	assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
	assert_int_equal(o.method, HTTP_METHOD_POST);
	assert_string_equal(o.path, "/ft/switchover");
	assert_int_equal(o.consumed, sizeof(text) - 3);
	assert_int_equal(o.auth_state, HTTP_AUTH_HDR_ABSENT);
	ASSERT_ERROR("post / HTTP/1.1\r\n\r\n", HTTP_STATUS_METHOD_NOT_ALLOWED);
	ASSERT_ERROR("POSTS / HTTP/1.1\r\n\r\n", HTTP_STATUS_METHOD_NOT_ALLOWED);
}

static void assert_auth(const char *text, u8 state, const char *value)
{
	struct outcome o;

	parse(text, &o);
	if (o.result != HTTP_PARSE_COMPLETE)
		fail_msg("\"%s\": result %d status %u, want complete", text, o.result, o.status);
	if (o.auth_state != state)
		fail_msg("\"%s\": auth state %u, want %u", text, o.auth_state, state);
	if (value)
		assert_string_equal(o.auth, value);
}

/* X-Understudy-Auth is kept: any case, spaces around it trimmed, other
 * headers and near names ignored; twice or too long is BAD. */
static void test_auth_header(void **state)
{
	char text[512], value[HTTP_AUTH_KEEP + 2];

	assert_auth("POST /x HTTP/1.1\r\nX-Understudy-Auth: n m\r\n\r\n", HTTP_AUTH_HDR_GIVEN,
		    "n m");
	assert_auth("POST /x HTTP/1.1\nx-UNDERSTUDY-auth:\t a  b \t\n\n", HTTP_AUTH_HDR_GIVEN,
		    "a  b");
	assert_auth("POST /x HTTP/1.1\r\nX-Understudy-Auth:\r\n\r\n", HTTP_AUTH_HDR_GIVEN, "");
	assert_auth("POST /x HTTP/1.1\r\nX-Understudy-Aut: a\r\nX-Understudy-Auths: b\r\n"
		    "Y-Understudy-Auth: c\r\n\r\n", HTTP_AUTH_HDR_ABSENT, NULL);
	assert_auth("POST /x HTTP/1.1\r\nX-Understudy-Auth: a\r\nX-Understudy-Auth: a\r\n\r\n",
		    HTTP_AUTH_HDR_BAD, NULL);
	memset(value, 'v', HTTP_AUTH_KEEP);
	value[HTTP_AUTH_KEEP] = '\0';
	snprintf(text, sizeof(text), "POST /x HTTP/1.1\r\nX-Understudy-Auth: %s\r\n\r\n", value);
	assert_auth(text, HTTP_AUTH_HDR_GIVEN, value);
	value[HTTP_AUTH_KEEP] = 'v';
	value[HTTP_AUTH_KEEP + 1] = '\0';
	snprintf(text, sizeof(text), "POST /x HTTP/1.1\r\nX-Understudy-Auth: %s\r\n\r\n", value);
	assert_auth(text, HTTP_AUTH_HDR_BAD, NULL);
	/* A value with a control character is still a 400. */
	ASSERT_ERROR("POST /x HTTP/1.1\r\nX-Understudy-Auth: a\x01\r\n\r\n",
		     HTTP_STATUS_BAD_REQUEST);
}

/* --- malformed request lines ------------------------------------------------ */

static void test_malformed_request_lines(void **state)
{
	ASSERT_ERROR("GET/ HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);        /* no SP */
	ASSERT_ERROR("GET /status\r\n\r\n", HTTP_STATUS_BAD_REQUEST);         /* HTTP/0.9 */
	ASSERT_ERROR("GET /status \r\n\r\n", HTTP_STATUS_BAD_REQUEST);        /* no version */
	ASSERT_ERROR("GET\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET  / HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);     /* two SP */
	ASSERT_ERROR("GET /  HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1 \r\n\r\n", HTTP_STATUS_BAD_REQUEST);     /* trailing SP */
	ASSERT_ERROR(" GET / HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);     /* leading SP */
	ASSERT_ERROR("GET\t/ HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);     /* HT is not SP */
	ASSERT_ERROR("GET / extra HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);        /* no target */
}

static void test_bad_methods(void **state)
{
	ASSERT_ERROR("G(T / HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("G\x01T / HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("G\xc3\xa9T / HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GE:T / HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
}

/* Origin-form only, visible ASCII, non-empty, no fragment. */
static void test_bad_targets(void **state)
{
	ASSERT_ERROR("GET * HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET http://h/status HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET status HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET ?a=1 HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a\x01 HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a\x7f HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a\tb HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a#frag HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a?q\x02 HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a?q#f HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET /a\0b HTTP/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
}

static void test_bad_versions(void **state)
{
	ASSERT_ERROR("GET / http/1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/2\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1x\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/11.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.a\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1,1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTPS1.1\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.\x01\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/2.0\r\n\r\n", HTTP_STATUS_VERSION_NOT_SUPPORTED);
	ASSERT_ERROR("GET / HTTP/3.0\r\n\r\n", HTTP_STATUS_VERSION_NOT_SUPPORTED);
	ASSERT_ERROR("GET / HTTP/0.9\r\n\r\n", HTTP_STATUS_VERSION_NOT_SUPPORTED);
	ASSERT_ERROR("GET / HTTP/9.9\n\n", HTTP_STATUS_VERSION_NOT_SUPPORTED);
}

static void test_bad_header_lines(void **state)
{
	ASSERT_ERROR("GET / HTTP/1.1\r\nHost : x\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\n\tfolded\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\n: x\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nNoColon\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nA(b: c\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
	ASSERT_ERROR("GET / HTTP/1.1\r\nA: b\x1b[0m\r\n\r\n", HTTP_STATUS_BAD_REQUEST);
}

/* Errors are found at the offending byte, without waiting for the rest. */
static void test_errors_are_early(void **state)
{
	static const char text[] = "GET /a\x01 and whatever follows, never read";
	struct http_request r;
	size_t used;

	http_request_init(&r);
	assert_int_equal(http_request_feed(&r, text, strlen(text), &used), HTTP_PARSE_ERROR);
	assert_int_equal(used, 7);
	assert_int_equal(r.status, HTTP_STATUS_BAD_REQUEST);
	assert_int_equal(http_request_feed(&r, "x", 1, &used), HTTP_PARSE_ERROR);
	assert_int_equal(used, 0);
}

/* --- limits ------------------------------------------------------------------ */

/* "GET " + target + " HTTP/1.1", the target being '/' then fill bytes of c
 * (after a '?' from query_at on, when query_at > 0), totalling line_len
 * bytes, then the terminator and the final empty line. */
static char *request_with_line(size_t line_len, size_t query_at, const char *eol)
{
	size_t target = line_len - strlen("GET ") - strlen(" HTTP/1.1");
	char *text = malloc(line_len + 2 * strlen(eol) + 1);
	char *p = text;

	assert_non_null(text);
	p += sprintf(p, "GET /");
	for (size_t i = 1; i < target; i++)
		*p++ = query_at && i == query_at ? '?' : 'a';
	p += sprintf(p, " HTTP/1.1%s%s", eol, eol);
	assert_int_equal(p - text, line_len + 2 * strlen(eol));
	return text;
}

static void test_request_line_limit(void **state)
{
	static const char *const eols[] = { "\r\n", "\n" };

	for (size_t e = 0; e < ARRAY_SIZE(eols); e++) {
		char *at = request_with_line(HTTP_REQUEST_LINE_MAX, 0, eols[e]);
		char *past = request_with_line(HTTP_REQUEST_LINE_MAX + 1, 0, eols[e]);
		char *query = request_with_line(HTTP_REQUEST_LINE_MAX + 1, 10, eols[e]);
		struct outcome o;

		parse(at, &o);
		assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
		assert_int_equal(strlen(o.path), HTTP_REQUEST_LINE_MAX - 13);
		assert_error(past, strlen(past), HTTP_STATUS_URI_TOO_LONG);
		assert_error(query, strlen(query), HTTP_STATUS_URI_TOO_LONG);
		free(at);
		free(past);
		free(query);
	}
}

/* A query fills the line too, but the path kept is short. */
static void test_long_query_at_limit(void **state)
{
	char *text = request_with_line(HTTP_REQUEST_LINE_MAX, 7, "\r\n");
	struct outcome o;

	parse(text, &o);
	assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
	assert_string_equal(o.path, "/aaaaaa");
	free(text);
}

/* A method that fills the line is 400, not 414: no target yet. */
static void test_method_fills_line(void **state)
{
	size_t len = HTTP_REQUEST_LINE_MAX + 100;
	char *text = malloc(len);
	struct outcome o;

	assert_non_null(text);
	memset(text, 'A', len);
	parse_len(text, len, &o);
	assert_int_equal(o.result, HTTP_PARSE_ERROR);
	assert_int_equal(o.status, HTTP_STATUS_BAD_REQUEST);
	assert_int_equal(o.consumed, HTTP_REQUEST_LINE_MAX + 1);
	free(text);
}

/* Request line, one header whose value pads the head to total bytes,
 * the final empty line. */
static char *request_with_head(size_t total, const char *eol)
{
	size_t fixed = strlen("GET / HTTP/1.1") + strlen("X: ") + 3 * strlen(eol);
	char *text = malloc(total + 1), *p = text;

	assert_non_null(text);
	assert_true(total > fixed);
	p += sprintf(p, "GET / HTTP/1.1%sX: ", eol);
	memset(p, 'v', total - fixed);
	p += total - fixed;
	p += sprintf(p, "%s%s", eol, eol);
	assert_int_equal(p - text, total);
	return text;
}

static void test_head_limit(void **state)
{
	static const char *const eols[] = { "\r\n", "\n" };

	for (size_t e = 0; e < ARRAY_SIZE(eols); e++) {
		char *at = request_with_head(HTTP_HEAD_MAX, eols[e]);
		char *past = request_with_head(HTTP_HEAD_MAX + 1, eols[e]);
		struct outcome o;

		parse(at, &o);
		assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
		assert_int_equal(o.consumed, HTTP_HEAD_MAX);
		parse(past, &o);
		assert_int_equal(o.result, HTTP_PARSE_ERROR);
		assert_int_equal(o.status, HTTP_STATUS_HEADERS_TOO_LARGE);
		assert_int_equal(o.consumed, HTTP_HEAD_MAX + 1);
		free(at);
		free(past);
	}
}

/* Empty lines before the request line count towards the head: too many
 * of them is 400 (there is no header to blame). */
static void test_leading_lines_count(void **state)
{
	size_t len = HTTP_HEAD_MAX + 10;
	char *text = malloc(len);

	assert_non_null(text);
	memset(text, '\n', len);
	assert_error(text, len, HTTP_STATUS_BAD_REQUEST);
	free(text);
}

static char *request_with_headers(unsigned count)
{
	char *text = malloc(32 + count * 16), *p = text;

	assert_non_null(text);
	p += sprintf(p, "GET /status HTTP/1.1\r\n");
	for (unsigned i = 0; i < count; i++)
		p += sprintf(p, "H%u: v\r\n", i);
	sprintf(p, "\r\n");
	return text;
}

static void test_header_count_limit(void **state)
{
	char *at = request_with_headers(HTTP_HEADERS_MAX);
	char *past = request_with_headers(HTTP_HEADERS_MAX + 1);
	struct outcome o;

	parse(at, &o);
	assert_int_equal(o.result, HTTP_PARSE_COMPLETE);
	parse(past, &o);
	assert_int_equal(o.result, HTTP_PARSE_ERROR);
	assert_int_equal(o.status, HTTP_STATUS_HEADERS_TOO_LARGE);
	free(at);
	free(past);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_http10_no_headers),
		cmocka_unit_test(test_other_minor_versions),
		cmocka_unit_test(test_head_method),
		cmocka_unit_test(test_query_stripped),
		cmocka_unit_test(test_bare_lf),
		cmocka_unit_test(test_bare_cr),
		cmocka_unit_test(test_leading_empty_lines),
		cmocka_unit_test(test_header_shapes),
		cmocka_unit_test(test_every_split_point),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_stops_after_head),
		cmocka_unit_test(test_empty_feed),
		cmocka_unit_test(test_incomplete_prefixes),
		cmocka_unit_test(test_other_methods_405),
		cmocka_unit_test(test_405_leaves_body),
		cmocka_unit_test(test_405_precedence),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_auth_header),
		cmocka_unit_test(test_malformed_request_lines),
		cmocka_unit_test(test_bad_methods),
		cmocka_unit_test(test_bad_targets),
		cmocka_unit_test(test_bad_versions),
		cmocka_unit_test(test_bad_header_lines),
		cmocka_unit_test(test_errors_are_early),
		cmocka_unit_test(test_request_line_limit),
		cmocka_unit_test(test_long_query_at_limit),
		cmocka_unit_test(test_method_fills_line),
		cmocka_unit_test(test_head_limit),
		cmocka_unit_test(test_leading_lines_count),
		cmocka_unit_test(test_header_count_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
