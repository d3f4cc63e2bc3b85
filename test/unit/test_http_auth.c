// sources: net/http/http_auth.c net/http/http_auth_mac.c net/http/http_control.c net/http/http_request.c net/http/http_response.c net/http/http_out.c net/http/http_ft.c lib/fmt.c
// uses: mbedtls
/* net/http/http_auth.c and http_control.c: the control endpoint's
 * challenge-response with the pair's key, and the requests that change
 * state (a nonce, a switchover): good once, for 30 s, a MAC compared in
 * full; every refusal with its status. HMAC-SHA256 is mbedTLS's, checked
 * against RFC 4231's test case 2 first. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

#include "errno.h"
#include "net/http/http_auth.h"
#include "net/http/http_control.h"

#define SEC 1000000000ULL

static const u8 key[32] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
			    0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
			    0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20 };

static void nonce_bytes(u8 seed, u8 *out)
{
	for (int i = 0; i < HTTP_AUTH_NONCE_BYTES; i++)
		out[i] = (u8)(seed * 37 + i);
}

static void to_hex(const u8 *b, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", b[i]);
}

/* "NONCE MAC" for method and path under k. */
static void credentials(const u8 *k, size_t k_len, const char *method, const char *path,
			const char *nonce_hex, char *value)
{
	u8 mac[HTTP_AUTH_MAC_BYTES];

	assert_int_equal(http_auth_mac(k, k_len, method, path, nonce_hex, mac), 0);
	memcpy(value, nonce_hex, HTTP_AUTH_NONCE_HEX);
	value[HTTP_AUTH_NONCE_HEX] = ' ';
	to_hex(mac, sizeof(mac), value + HTTP_AUTH_NONCE_HEX + 1);
}

/* Issues a nonce made from seed at now and signs a switchover with it. */
static void signed_nonce(struct http_auth *a, u8 seed, u64 now, char *hex, char *value)
{
	u8 r[HTTP_AUTH_NONCE_BYTES];

	nonce_bytes(seed, r);
	assert_int_equal(http_auth_issue(a, r, now, hex), 0);
	credentials(key, sizeof(key), "POST", "/ft/switchover", hex, value);
}

static enum http_auth_result check(struct http_auth *a, const char *value, u64 now)
{
	return http_auth_check(a, "POST", "/ft/switchover", value, value ? strlen(value) : 0, now);
}

/* RFC 4231, 4.3 (test case 2): key "Jefe". */
static void test_hmac_rfc4231(void **state)
{
	static const char msg[] = "what do ya want for nothing?";
	static const char want[] =
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
	u8 mac[HTTP_AUTH_MAC_BYTES];
	char hex[2 * HTTP_AUTH_MAC_BYTES + 1];

	assert_int_equal(http_auth_hmac((const u8 *)"Jefe", 4, (const u8 *)msg, strlen(msg), mac), 0);
	to_hex(mac, sizeof(mac), hex);
	assert_string_equal(hex, want);
}

/* RFC 4231, 4.7 (test case 6): a key longer than the block, hashed first. */
static void test_hmac_rfc4231_long_key(void **state)
{
	static const char msg[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char want[] =
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
	u8 long_key[131], mac[HTTP_AUTH_MAC_BYTES];
	char hex[2 * HTTP_AUTH_MAC_BYTES + 1];

	memset(long_key, 0xaa, sizeof(long_key));
	assert_int_equal(http_auth_hmac(long_key, sizeof(long_key), (const u8 *)msg, strlen(msg),
					mac), 0);
	to_hex(mac, sizeof(mac), hex);
	assert_string_equal(hex, want);
}

/* The MAC covers "METHOD SP PATH SP NONCE" exactly. */
static void test_mac_message(void **state)
{
	static const char nonce[] = "00112233445566778899aabbccddeeff";
	static const char msg[] = "POST /ft/switchover 00112233445566778899aabbccddeeff";
	u8 a[HTTP_AUTH_MAC_BYTES], b[HTTP_AUTH_MAC_BYTES];
	char long_path[300];

	assert_int_equal(http_auth_mac(key, sizeof(key), "POST", "/ft/switchover", nonce, a), 0);
	assert_int_equal(http_auth_hmac(key, sizeof(key), (const u8 *)msg, strlen(msg), b), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(http_auth_mac(key, sizeof(key), "POST", "/ft/snapshot", nonce, b), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	memset(long_path, 'p', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(http_auth_mac(key, sizeof(key), "POST", long_path, nonce, b), -EINVAL);
}

/* A good request passes once; the same nonce again is unknown. */
static void test_good_once(void **state)
{
	struct http_auth a;
	u8 r[HTTP_AUTH_NONCE_BYTES];
	char hex[HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];

	http_auth_init(&a, key, sizeof(key));
	nonce_bytes(1, r);
	assert_int_equal(http_auth_issue(&a, r, 5 * SEC, hex), 0);
	assert_int_equal(strlen(hex), HTTP_AUTH_NONCE_HEX);
	credentials(key, sizeof(key), "POST", "/ft/switchover", hex, value);
	assert_int_equal(check(&a, value, 6 * SEC), HTTP_AUTH_OK);
	assert_int_equal(check(&a, value, 6 * SEC), HTTP_AUTH_UNKNOWN_NONCE);
}

/* Upper-case hex is the same nonce and MAC. */
static void test_upper_case(void **state)
{
	struct http_auth a;
	char hex[HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];

	http_auth_init(&a, key, sizeof(key));
	signed_nonce(&a, 9, 0, hex, value);
	for (char *p = value; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(check(&a, value, 1), HTTP_AUTH_OK);
}

/* A wrong MAC (another key, another path, one bit off) is refused and
 * uses the nonce up: the right MAC after it is refused too. */
static void test_wrong_mac_uses_nonce(void **state)
{
	static const u8 other[32] = { 0x02 };
	struct http_auth a;
	u8 r[HTTP_AUTH_NONCE_BYTES];
	char hex[HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];

	http_auth_init(&a, key, sizeof(key));
	nonce_bytes(2, r);
	http_auth_issue(&a, r, 0, hex);
	credentials(other, sizeof(other), "POST", "/ft/switchover", hex, value);
	assert_int_equal(check(&a, value, 1), HTTP_AUTH_BAD_MAC);
	credentials(key, sizeof(key), "POST", "/ft/switchover", hex, value);
	assert_int_equal(check(&a, value, 1), HTTP_AUTH_UNKNOWN_NONCE);

	for (int bit = 0; bit < 8 * HTTP_AUTH_MAC_BYTES; bit += 37) {
		int pos = HTTP_AUTH_NONCE_HEX + 1 + bit / 4;

		signed_nonce(&a, (u8)(3 + bit), 0, hex, value);
		value[pos] = value[pos] == '0' ? '1' : '0';
		assert_int_equal(check(&a, value, 1), HTTP_AUTH_BAD_MAC);
	}
	nonce_bytes(4, r);
	http_auth_issue(&a, r, 0, hex);
	credentials(key, sizeof(key), "POST", "/ft/other", hex, value);
	assert_int_equal(check(&a, value, 1), HTTP_AUTH_BAD_MAC);
}

/* Good for 30 s after it was issued, not one nanosecond more; a clock
 * going back is stale too. */
static void test_stale(void **state)
{
	struct http_auth a;
	char hex[HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];

	http_auth_init(&a, key, sizeof(key));
	signed_nonce(&a, 5, 100 * SEC, hex, value);
	assert_int_equal(check(&a, value, 100 * SEC + HTTP_AUTH_NONCE_LIFE_NS), HTTP_AUTH_OK);
	signed_nonce(&a, 6, 100 * SEC, hex, value);
	assert_int_equal(check(&a, value, 100 * SEC + HTTP_AUTH_NONCE_LIFE_NS + 1), HTTP_AUTH_STALE);
	assert_int_equal(check(&a, value, 100 * SEC), HTTP_AUTH_UNKNOWN_NONCE);
	signed_nonce(&a, 7, 100 * SEC, hex, value);
	assert_int_equal(check(&a, value, 99 * SEC), HTTP_AUTH_STALE);
}

/* HTTP_AUTH_NONCES outstanding at once; the next replaces the oldest. */
static void test_nonce_slots(void **state)
{
	struct http_auth a;
	u8 r[HTTP_AUTH_NONCE_BYTES];
	char hex[HTTP_AUTH_NONCES + 1][HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];

	http_auth_init(&a, key, sizeof(key));
	for (int i = 0; i <= HTTP_AUTH_NONCES; i++) {
		nonce_bytes((u8)(20 + i), r);
		http_auth_issue(&a, r, 0, hex[i]);
	}
	credentials(key, sizeof(key), "POST", "/ft/switchover", hex[0], value);
	assert_int_equal(check(&a, value, 1), HTTP_AUTH_UNKNOWN_NONCE);
	for (int i = 1; i <= HTTP_AUTH_NONCES; i++) {
		credentials(key, sizeof(key), "POST", "/ft/switchover", hex[i], value);
		assert_int_equal(check(&a, value, 1), HTTP_AUTH_OK);
	}
}

/* Malformed values, none given, no key; a nonce never issued. */
static void test_refusals(void **state)
{
	static const char *const malformed[] = {
		"",
		"00112233445566778899aabbccddeeff",
		"00112233445566778899aabbccddeeff 00",
		"00112233445566778899aabbccddeefg 0000000000000000000000000000000000000000000000000000000000000000",
		"00112233445566778899aabbccddeeff_0000000000000000000000000000000000000000000000000000000000000000",
		"00112233445566778899aabbccddeeff 000000000000000000000000000000000000000000000000000000000000000z",
		"00112233445566778899aabbccddeeff 0000000000000000000000000000000000000000000000000000000000000000 ",
	};
	struct http_auth a, none;
	u8 r[HTTP_AUTH_NONCE_BYTES];
	char hex[HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];

	http_auth_init(&a, key, sizeof(key));
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++)
		assert_int_equal(check(&a, malformed[i], 0), HTTP_AUTH_MALFORMED);
	assert_int_equal(check(&a, NULL, 0), HTTP_AUTH_MISSING);
	credentials(key, sizeof(key), "POST", "/ft/switchover", "00112233445566778899aabbccddeeff",
		    value);
	assert_int_equal(check(&a, value, 0), HTTP_AUTH_UNKNOWN_NONCE);

	http_auth_init(&none, NULL, 0);
	nonce_bytes(8, r);
	assert_int_equal(http_auth_issue(&none, r, 0, hex), -EPERM);
	assert_int_equal(check(&none, value, 0), HTTP_AUTH_NO_KEY);
	assert_int_equal(check(&none, NULL, 0), HTTP_AUTH_NO_KEY);
	for (int r2 = HTTP_AUTH_OK; r2 <= HTTP_AUTH_BAD_MAC; r2++)
		assert_null(strstr(http_auth_result_text(r2), "0102"));
}

/* --- the routes (http_control.c) --------------------------------------------- */

static u8 random_seed;
static bool random_fails;
static int switchovers;
static const char *switchover_refusal;

static int fake_random(u8 *buf, size_t len)
{
	if (random_fails)
		return -EIO;
	for (size_t i = 0; i < len; i++)
		buf[i] = (u8)(random_seed * 13 + i);
	random_seed++;
	return 0;
}

static int fake_switchover(const char **why)
{
	if (switchover_refusal) {
		*why = switchover_refusal;
		return -EBUSY;
	}
	switchovers++;
	return 0;
}

struct answer {
	int status;
	char body[256];
	char head[512];
	struct http_control_note note;
};

static void request(struct http_control *c, const char *text, u64 now, struct answer *ans)
{
	static char buf[HTTP_RESPONSE_MAX];
	struct http_request req;
	struct http_reply out;
	const char *body;
	int len;

	http_request_init(&req);
	assert_int_equal(http_request_feed(&req, text, strlen(text), NULL), HTTP_PARSE_COMPLETE);
	assert_true(http_control_route(req.path));
	len = http_control_reply(c, &req, now, buf, sizeof(buf), &out, &ans->note);
	assert_true(len > 0);
	assert_int_equal((size_t)len, out.len);
	ans->status = out.status;
	body = strstr(buf + out.start, "\r\n\r\n");
	assert_non_null(body);
	snprintf(ans->head, sizeof(ans->head), "%.*s", (int)(body - (buf + out.start)),
		 buf + out.start);
	snprintf(ans->body, sizeof(ans->body), "%s", body + 4);
}

/* A nonce from GET /ft/challenge (its body without the newline). */
static void get_nonce(struct http_control *c, u64 now, char *hex)
{
	struct answer ans;

	request(c, "GET /ft/challenge HTTP/1.1\r\n\r\n", now, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_OK);
	assert_int_equal(strlen(ans.body), HTTP_AUTH_NONCE_HEX + 1);
	memcpy(hex, ans.body, HTTP_AUTH_NONCE_HEX);
	hex[HTTP_AUTH_NONCE_HEX] = '\0';
}

static void post_switchover(struct http_control *c, const char *value, u64 now, struct answer *ans)
{
	char text[512];

	snprintf(text, sizeof(text), "POST /ft/switchover HTTP/1.1\r\nHost: h\r\n%s%s%s\r\n",
		 value ? "X-Understudy-Auth: " : "", value ? value : "", value ? "\r\n" : "");
	request(c, text, now, ans);
}

static void reset_fakes(void)
{
	random_seed = 0;
	random_fails = false;
	switchovers = 0;
	switchover_refusal = NULL;
}

/* The whole exchange: a challenge, an authenticated POST (202, the action
 * called once), the same again (401, not called). */
static void test_switchover_accepted(void **state)
{
	struct http_control c;
	char hex[HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];
	struct answer ans;

	reset_fakes();
	http_control_init(&c, key, sizeof(key), fake_random, fake_switchover);
	get_nonce(&c, SEC, hex);
	credentials(key, sizeof(key), "POST", "/ft/switchover", hex, value);
	post_switchover(&c, value, 2 * SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_ACCEPTED);
	assert_int_equal(switchovers, 1);
	assert_false(ans.note.refused);
	assert_non_null(strstr(ans.body, "202 Accepted: switchover accepted"));
	post_switchover(&c, value, 3 * SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_UNAUTHORIZED);
	assert_true(ans.note.refused);
	assert_int_equal(switchovers, 1);
	assert_non_null(strstr(ans.body, "unknown or already used"));
}

/* Refusals and their statuses; the action is never called. */
static void test_switchover_refusals(void **state)
{
	static const u8 other[32] = { 0xff };
	struct http_control c, ro;
	char hex[HTTP_AUTH_NONCE_HEX + 1], value[HTTP_AUTH_VALUE_LEN + 1];
	struct answer ans;

	reset_fakes();
	http_control_init(&c, key, sizeof(key), fake_random, fake_switchover);
	post_switchover(&c, NULL, SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_UNAUTHORIZED);
	get_nonce(&c, SEC, hex);
	credentials(other, sizeof(other), "POST", "/ft/switchover", hex, value);
	post_switchover(&c, value, SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_UNAUTHORIZED);
	assert_non_null(strstr(ans.body, "MAC is wrong"));
	get_nonce(&c, SEC, hex);
	credentials(key, sizeof(key), "POST", "/ft/switchover", hex, value);
	post_switchover(&c, value, 40 * SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_UNAUTHORIZED);
	assert_non_null(strstr(ans.body, "stale"));
	post_switchover(&c, "junk", SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_UNAUTHORIZED);
	assert_int_equal(switchovers, 0);

	/* Authenticated, but the hypervisor says no: 409 with its reason. */
	switchover_refusal = "this side is the backup: ask the primary";
	get_nonce(&c, SEC, hex);
	credentials(key, sizeof(key), "POST", "/ft/switchover", hex, value);
	post_switchover(&c, value, SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_CONFLICT);
	assert_string_equal(ans.body, "409 Conflict: this side is the backup: ask the primary\n");

	/* No key: everything 403, read-only. */
	http_control_init(&ro, NULL, 0, fake_random, fake_switchover);
	request(&ro, "GET /ft/challenge HTTP/1.1\r\n\r\n", SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_FORBIDDEN);
	assert_string_equal(ans.body, "403 Forbidden: this endpoint is read-only: no ft_key=\n");
	post_switchover(&ro, value, SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_FORBIDDEN);
	assert_true(ans.note.refused);
	assert_int_equal(switchovers, 0);
}

/* Other methods: 405 with the one Allow; no randomness: 503. */
static void test_methods_and_randomness(void **state)
{
	struct http_control c;
	struct answer ans;

	reset_fakes();
	http_control_init(&c, key, sizeof(key), fake_random, fake_switchover);
	request(&c, "GET /ft/switchover HTTP/1.1\r\n\r\n", SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_METHOD_NOT_ALLOWED);
	assert_non_null(strstr(ans.head, "\r\nAllow: POST"));
	request(&c, "POST /ft/challenge HTTP/1.1\r\n\r\n", SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_METHOD_NOT_ALLOWED);
	assert_non_null(strstr(ans.head, "\r\nAllow: GET"));
	request(&c, "HEAD /ft/challenge HTTP/1.1\r\n\r\n", SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_METHOD_NOT_ALLOWED);
	random_fails = true;
	request(&c, "GET /ft/challenge HTTP/1.1\r\n\r\n", SEC, &ans);
	assert_int_equal(ans.status, HTTP_STATUS_SERVICE_UNAVAILABLE);
	assert_false(http_control_route("/status"));
	assert_false(http_control_route("/ft/switchover/"));
}

/* Two challenges give different nonces (the random bytes, in hex). */
static void test_nonces_differ(void **state)
{
	struct http_control c;
	char a[HTTP_AUTH_NONCE_HEX + 1], b[HTTP_AUTH_NONCE_HEX + 1];

	reset_fakes();
	http_control_init(&c, key, sizeof(key), fake_random, fake_switchover);
	get_nonce(&c, 0, a);
	get_nonce(&c, 0, b);
	assert_string_not_equal(a, b);
	assert_string_equal(a, "000102030405060708090a0b0c0d0e0f");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_rfc4231_long_key),
		cmocka_unit_test(test_mac_message),
		cmocka_unit_test(test_good_once),
		cmocka_unit_test(test_upper_case),
		cmocka_unit_test(test_wrong_mac_uses_nonce),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_nonce_slots),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_switchover_accepted),
		cmocka_unit_test(test_switchover_refusals),
		cmocka_unit_test(test_methods_and_randomness),
		cmocka_unit_test(test_nonces_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
