// sources: net/http/http_request.c net/http/http_response.c net/http/http_out.c net/http/http_ft.c net/http/http_auth.c net/http/http_control.c lib/fmt.c
/*
 * Fuzzes the control endpoint's request parser, and the reply built from
 * whatever it decides.
 *
 * Input: two bytes choosing how to split, then the bytes a client sends.
 * Byte 0 caps the chunk size (1 << (b % 13): 1 to 4096), byte 1 seeds the
 * generator drawing each chunk's size. The rest is fed three ways: in one
 * piece, in those chunks, and byte by byte, each piece in an allocation of
 * exactly its size so ASan sees any read outside. All three must agree;
 * the outcome must respect the limits; the prefix one byte shorter than
 * what was consumed must still be incomplete (a decision is made at the
 * earliest byte, never later); and the reply must be a well-formed
 * response whose Content-Length is its body's length. The X-Understudy-Auth
 * value kept must be the same all three ways and within its bounds; a
 * request for a route that changes state (/ft/challenge, /ft/switchover)
 * is answered by http_control_reply with a key, after a challenge whose
 * nonce is all zeros, and must get one of its statuses, a switchover only
 * with the right MAC. The MAC here is a toy (the fuzzer does not link
 * mbedTLS; test_http_auth checks the real HMAC): a keyed mix a fuzzer can
 * reach, so the accepted path is fuzzed too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "net/http/http_auth.h"
#include "net/http/http_control.h"
#include "net/http/http_request.h"
#include "net/http/http_response.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define SPLIT_PREFIX 2
#define CHUNK_SHIFT_CHOICES 13

struct outcome {
	struct http_request req;
	size_t consumed;
};

static u32 next_rand(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Feeds one piece from copy, a buffer of exactly n bytes. */
static void feed_piece(struct outcome *o, u8 *copy, const u8 *data, size_t n)
{
	enum http_parse_result before = o->req.result, res;
	size_t used = 0;

	memcpy(copy, data, n);
	res = http_request_feed(&o->req, copy, n, &used);
	CHECK(used <= n);
	CHECK(res == o->req.result);
	if (before != HTTP_PARSE_INCOMPLETE)
		CHECK(used == 0 && res == before); /* decided: nothing changes */
	if (res == HTTP_PARSE_INCOMPLETE)
		CHECK(used == n);
	o->consumed += used;
}

/* Chunks of 1 to cap bytes, each fed from an allocation of its exact size
 * (byte by byte, one 1-byte allocation serves them all). */
static void parse_chunked(struct outcome *o, const u8 *data, size_t len, size_t cap, u32 seed)
{
	u8 *single = cap == 1 ? malloc(1) : NULL;
	size_t pos = 0;

	http_request_init(&o->req);
	o->consumed = 0;
	while (pos < len) {
		size_t n = 1 + next_rand(&seed) % cap; /* not inside MIN: evaluated twice */
		u8 *copy;

		n = MIN(n, len - pos);
		copy = single ? single : malloc(n);
		CHECK(copy);
		feed_piece(o, copy, data + pos, n);
		if (copy != single)
			free(copy);
		pos += n;
	}
	free(single);
}

/* The toy MAC: each byte the sum of the message's bytes at its position
 * modulo 32, plus the key's byte. */
int http_auth_hmac(const u8 *key, size_t key_len, const u8 *msg, size_t msg_len, u8 *mac)
{
	memset(mac, 0, HTTP_AUTH_MAC_BYTES);
	for (size_t i = 0; i < msg_len; i++)
		mac[i % HTTP_AUTH_MAC_BYTES] += msg[i];
	for (size_t i = 0; i < HTTP_AUTH_MAC_BYTES && i < key_len; i++)
		mac[i] += key[i];
	return 0;
}

static const u8 fuzz_key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static int switchovers;

static int zero_random(u8 *buf, size_t len)
{
	memset(buf, 0, len);
	return 0;
}

static int accept_switchover(const char **why)
{
	switchovers++;
	return 0;
}

static void same_outcome(const struct outcome *a, const struct outcome *b)
{
	CHECK(a->req.auth_state == b->req.auth_state);
	if (a->req.auth_state == HTTP_AUTH_HDR_GIVEN)
		CHECK(a->req.auth_len == b->req.auth_len && !strcmp(a->req.auth, b->req.auth));
	CHECK(a->req.result == b->req.result);
	CHECK(a->consumed == b->consumed);
	if (a->req.result == HTTP_PARSE_ERROR)
		CHECK(a->req.status == b->req.status);
	if (a->req.result == HTTP_PARSE_COMPLETE) {
		CHECK(a->req.method == b->req.method);
		CHECK(a->req.version_minor == b->req.version_minor);
		CHECK(a->req.path_len == b->req.path_len);
		CHECK(!strcmp(a->req.path, b->req.path));
	}
}

static void check_limits(const struct outcome *o, const u8 *data, size_t len)
{
	const struct http_request *r = &o->req;

	switch (r->result) {
	case HTTP_PARSE_INCOMPLETE:
		CHECK(o->consumed == len && len <= HTTP_HEAD_MAX);
		break;
	case HTTP_PARSE_COMPLETE:
		CHECK(o->consumed >= strlen("GET / HTTP/1.1\n\n") && o->consumed <= HTTP_HEAD_MAX);
		CHECK(data[o->consumed - 1] == '\n');
		CHECK(r->method == HTTP_METHOD_GET || r->method == HTTP_METHOD_HEAD ||
		      r->method == HTTP_METHOD_POST);
		CHECK(r->auth_state <= HTTP_AUTH_HDR_BAD);
		if (r->auth_state == HTTP_AUTH_HDR_GIVEN) {
			CHECK(r->auth_len <= HTTP_AUTH_KEEP && strlen(r->auth) == r->auth_len);
			CHECK(!r->auth_len || (r->auth[0] != ' ' && r->auth[0] != '\t' &&
					       r->auth[r->auth_len - 1] != ' ' &&
					       r->auth[r->auth_len - 1] != '\t'));
		}
		CHECK(r->version_minor <= 9);
		CHECK(r->path_len >= 1 && r->path_len <= HTTP_REQUEST_LINE_MAX);
		CHECK(strlen(r->path) == r->path_len && r->path[0] == '/');
		for (size_t i = 0; i < r->path_len; i++)
			CHECK(r->path[i] > ' ' && r->path[i] < 0x7f && r->path[i] != '?' &&
			      r->path[i] != '#');
		break;
	case HTTP_PARSE_ERROR:
		CHECK(o->consumed >= 1 && o->consumed <= HTTP_HEAD_MAX + 1);
		CHECK(r->status == HTTP_STATUS_BAD_REQUEST ||
		      r->status == HTTP_STATUS_METHOD_NOT_ALLOWED ||
		      r->status == HTTP_STATUS_URI_TOO_LONG ||
		      r->status == HTTP_STATUS_HEADERS_TOO_LARGE ||
		      r->status == HTTP_STATUS_VERSION_NOT_SUPPORTED);
		if (r->status == HTTP_STATUS_METHOD_NOT_ALLOWED)
			CHECK(r->method == HTTP_METHOD_OTHER && data[o->consumed - 1] == '\n');
		break;
	}
}

/* One byte less than what decided it must leave the head undecided. */
static void check_earliest(const struct outcome *o, const u8 *data)
{
	struct outcome shorter;

	if (o->req.result == HTTP_PARSE_INCOMPLETE)
		return;
	parse_chunked(&shorter, data, o->consumed - 1, 4096, 1);
	CHECK(shorter.req.result == HTTP_PARSE_INCOMPLETE);
}

static void fake_status(struct hv_status *s)
{
	memset(s, 0, sizeof(*s));
	s->version = "fuzz";
	s->backend = "none";
	s->guest_state = HV_GUEST_RUNNING;
	s->rr_mode = "off";
	s->exit_count = 1;
	s->exits[0].name = "io";
	s->exits[0].count = 3;
}

/* A reply's head: the status, a Content-Length equal to the body's. */
static int check_response_text(const char *text, size_t len)
{
	const char *end_of_head = strstr(text, "\r\n\r\n"), *cl;
	int status;

	CHECK(strlen(text) == len);
	CHECK(sscanf(text, "HTTP/1.1 %d ", &status) == 1);
	CHECK(end_of_head);
	cl = strstr(text, "\r\nContent-Length: ");
	CHECK(cl && cl < end_of_head);
	CHECK((size_t)strtol(cl + 18, NULL, 10) == len - (size_t)(end_of_head + 4 - text));
	CHECK(!!strstr(text, "\r\nAllow: ") == (status == HTTP_STATUS_METHOD_NOT_ALLOWED));
	return status;
}

/* A route that changes state, after a challenge (nonce all zeros) on a
 * hypervisor with a key, and on one without (403 for all). */
static void check_control(const struct http_request *r)
{
	static char buf[HTTP_RESPONSE_MAX];
	struct http_control c;
	struct http_control_note note;
	struct http_reply reply;
	struct http_request challenge;
	static const char get[] = "GET /ft/challenge HTTP/1.1\r\n\r\n";
	int n, status, before = switchovers;

	http_control_init(&c, fuzz_key, sizeof(fuzz_key), zero_random, accept_switchover);
	http_request_init(&challenge);
	CHECK(http_request_feed(&challenge, get, strlen(get), NULL) == HTTP_PARSE_COMPLETE);
	CHECK(http_control_reply(&c, &challenge, 1, buf, sizeof(buf), &reply, &note) > 0);
	CHECK(reply.status == HTTP_STATUS_OK);
	n = http_control_reply(&c, r, 2, buf, sizeof(buf), &reply, &note);
	CHECK(n > 0 && (size_t)n == reply.len);
	status = check_response_text(buf + reply.start, reply.len);
	CHECK(status == reply.status);
	CHECK(status == HTTP_STATUS_OK || status == HTTP_STATUS_ACCEPTED ||
	      status == HTTP_STATUS_UNAUTHORIZED || status == HTTP_STATUS_METHOD_NOT_ALLOWED);
	CHECK((status == HTTP_STATUS_ACCEPTED) == (switchovers == before + 1));
	CHECK(note.refused == (status == HTTP_STATUS_UNAUTHORIZED));
	if (status == HTTP_STATUS_ACCEPTED)
		CHECK(r->method == HTTP_METHOD_POST && r->auth_state == HTTP_AUTH_HDR_GIVEN);

	http_control_init(&c, NULL, 0, zero_random, accept_switchover);
	n = http_control_reply(&c, r, 2, buf, sizeof(buf), &reply, &note);
	CHECK(n > 0);
	CHECK(reply.status == HTTP_STATUS_FORBIDDEN || reply.status == HTTP_STATUS_METHOD_NOT_ALLOWED);
	CHECK(switchovers == before + (status == HTTP_STATUS_ACCEPTED));
}

/* The reply parses as a response whose Content-Length fits its body. */
static void check_reply(const struct http_request *r)
{
	static char buf[HTTP_RESPONSE_MAX];
	struct hv_status s;
	struct http_reply reply;
	const char *text, *end_of_head, *cl;
	size_t head_len;
	int n, status;
	long length;

	fake_status(&s);
	n = http_reply_build(buf, sizeof(buf), r, &s, &reply);
	if (r->result == HTTP_PARSE_INCOMPLETE) {
		CHECK(n < 0);
		return;
	}
	CHECK(n > 0 && (size_t)n == reply.len && reply.start + reply.len < sizeof(buf));
	text = buf + reply.start;
	CHECK(strlen(text) == reply.len);
	CHECK(sscanf(text, "HTTP/1.1 %d ", &status) == 1 && status == reply.status);
	if (r->result == HTTP_PARSE_ERROR)
		CHECK(status == r->status);
	else
		CHECK(status == HTTP_STATUS_OK || status == HTTP_STATUS_NOT_FOUND ||
		      (r->method == HTTP_METHOD_POST && status == HTTP_STATUS_METHOD_NOT_ALLOWED));
	end_of_head = strstr(text, "\r\n\r\n");
	CHECK(end_of_head);
	head_len = (size_t)(end_of_head + 4 - text);
	cl = strstr(text, "\r\nContent-Length: ");
	CHECK(cl && cl < end_of_head);
	length = strtol(cl + 18, NULL, 10);
	if (r->method == HTTP_METHOD_HEAD)
		CHECK(reply.len == head_len && length > 0);
	else
		CHECK((size_t)length == reply.len - head_len);
	CHECK(!!strstr(text, "\r\nAllow: GET, HEAD\r\n") ==
	      (status == HTTP_STATUS_METHOD_NOT_ALLOWED));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct outcome whole, chunked, bytes;
	size_t len, cap;
	u32 seed;

	if (size < SPLIT_PREFIX)
		return 0;
	cap = (size_t)1 << (data[0] % CHUNK_SHIFT_CHOICES);
	seed = 0x9e3779b9u ^ data[1];
	data += SPLIT_PREFIX;
	len = size - SPLIT_PREFIX;

	parse_chunked(&whole, data, len, len ? len : 1, 1);
	parse_chunked(&chunked, data, len, cap, seed);
	parse_chunked(&bytes, data, len, 1, 1);
	same_outcome(&whole, &chunked);
	same_outcome(&whole, &bytes);
	check_limits(&whole, data, len);
	check_earliest(&whole, data);
	check_reply(&whole.req);
	if (whole.req.result == HTTP_PARSE_COMPLETE && http_control_route(whole.req.path))
		check_control(&whole.req);
	return 0;
}
