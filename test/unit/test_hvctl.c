// sources: tools/hvctl/auth.c proto/ft_psk.c net/http/http_auth.c net/http/http_auth_mac.c net/http/http_control.c tools/hvctl/http_reply.c tools/hvctl/json_scan.c tools/hvctl/side.c tools/hvctl/print.c lib/cmdline.c net/http/http_response.c net/http/http_out.c net/http/http_ft.c net/http/http_request.c lib/fmt.c
/* tools/hvctl's pure half: the documents the hypervisor's own builders
 * print (http_status_json) read back, each side's lines and the pair's
 * verdict, and replies that are cut, malformed, nested too deep, of the
 * wrong kinds or not /status at all refused with a reason; hvctl
 * switchover's key file, challenge and signed request, the request checked
 * by the endpoint's own http_control_reply. */
// uses: mbedtls
#include "helpers.h"

#include <stdlib.h>

#include "net/http/http_control.h"
#include "net/http/http_response.h"
#include "tools/hvctl/hvctl.h"

static char doc[HTTP_RESPONSE_MAX];
static char why[HVCTL_WHY_MAX];
static char lines[2048];

#define assert_has(hay, needle)                                                         \
	do {                                                                            \
		if (!strstr((hay), (needle)))                                           \
			fail_msg("missing \"%s\" in:\n%s", (needle), (hay));            \
	} while (0)

#define assert_lacks_text(hay, needle)                                                  \
	do {                                                                            \
		if (strstr((hay), (needle)))                                            \
			fail_msg("unexpected \"%s\" in:\n%s", (needle), (hay));         \
	} while (0)

static void base_status(struct hv_status *s, const char *guest_state)
{
	memset(s, 0, sizeof(*s));
	s->version = "0.1.0 (git ea8459f)";
	s->backend = "svm";
	s->guest_state = guest_state;
	s->rr_mode = "record";
}

static void primary_status(struct hv_status *s)
{
	base_status(s, HV_GUEST_RUNNING);
	s->ft = (struct hv_status_ft){
		.role = HV_FT_ROLE_PRIMARY, .peer_ip = 0x0a090002, .peer_port = 9730,
		.state = HV_FT_BACKUP_FOLLOWS, .live = true, .landmark = 21034,
		.log_produced = 1843200, .log_acked = 1841966,
		.output_held_now = 12, .output_held_total = 4096, .output_releases = 210,
		.output_hold_avg_us = 1534, .output_hold_max_us = 8012,
		.witness = { .configured = true, .connected = true, .lease_held = true,
			     .lease = "held", .epoch = 7, .why = "lease granted" },
	};
}

static void backup_status(struct hv_status *s)
{
	base_status(s, HV_GUEST_RUNNING);
	s->rr_mode = "replay";
	s->ft = (struct hv_status_ft){
		.role = HV_FT_ROLE_BACKUP, .peer_ip = 0x0a090001, .peer_port = 9730,
		.state = HV_FT_REPLAYING, .landmark = 21000,
		.log_received = 1841966, .log_replayed = 1840000,
	};
}

/* Renders s with the hypervisor's builder and reads it back. */
static void read_back(const struct hv_status *s, struct side *side)
{
	int n = http_status_json(doc, sizeof(doc), s);

	assert_true(n > 0);
	if (side_parse(doc, (size_t)n, side, why, sizeof(why)))
		fail_msg("refused: %s\n%s", why, doc);
}

static void test_primary_read_back(void **state)
{
	struct hv_status s;
	struct side side;

	primary_status(&s);
	read_back(&s, &side);
	assert_true(side.has_ft);
	assert_string_equal(side.role, "primary");
	assert_string_equal(side.peer, "10.9.0.2:9730");
	assert_string_equal(side.state, "backup follows");
	assert_string_equal(side.guest_state, "running");
	assert_true(side.live);
	assert_false(side.backup_lost);
	assert_int_equal(side.landmark, 21034);
	assert_int_equal(side.log_produced, 1843200);
	assert_int_equal(side.log_acked, 1841966);
	assert_int_equal(side.log_lag, 1234);
	assert_true(side.has_output);
	assert_int_equal(side.hold_avg_us, 1534);
	assert_true(side.has_witness);
	assert_true(side.lease_held);
	assert_int_equal(side.epoch, 7);
	side_print(lines, sizeof(lines), "10.9.0.1:8080", &side);
	assert_string_equal(lines,
		"10.9.0.1:8080: primary, backup follows; guest running, landmark 21034; peer "
		"10.9.0.2:9730\n"
		"  log: 1843200 bytes produced, 1841966 acknowledged by the backup, lag 1234 bytes\n"
		"  heartbeats: off, 0 sent, 0 received, 0 missed; the peer heard 0 ms ago\n"
		"  output: 12 bytes held now; 210 releases, held 1534 us on average, 8012 us at most\n"
		"  witness: lease held, epoch 7, connected: lease granted\n");
}

static void test_backup_read_back(void **state)
{
	struct hv_status s;
	struct side side;

	backup_status(&s);
	s.ft.state = HV_FT_LIVE;
	s.ft.live = true;
	s.ft.took_over = true;
	s.ft.took_over_at = 21000;
	read_back(&s, &side);
	assert_string_equal(side.role, "backup");
	assert_true(side.took_over);
	assert_int_equal(side.took_over_at, 21000);
	assert_int_equal(side.log_lag, 1966);
	assert_false(side.has_output);
	assert_false(side.has_witness);
	side_print(lines, sizeof(lines), "b", &side);
	assert_string_equal(lines,
		"b: backup, live (took over at landmark 21000); guest running, landmark 21000; "
		"peer 10.9.0.1:9730\n"
		"  log: 1841966 bytes received, 1840000 replayed, lag 1966 bytes\n"
		"  heartbeats: off, 0 sent, 0 received, 0 missed; the peer heard 0 ms ago\n"
		"  witness: none\n");
}

/* A primary whose backup's heartbeats said how far its replay is: the lag
 * in landmarks, on its log line and in the pair's verdict when the backup
 * itself cannot be asked. */
static void test_primary_heartbeat_lag(void **state)
{
	struct hv_status s;
	struct side side, none = { .down = true };

	primary_status(&s);
	s.ft.heartbeats_on = true;
	s.ft.heartbeats_sent = 40;
	s.ft.heartbeats_received = 38;
	s.ft.heartbeats_missed = 3;
	s.ft.peer_heard_ms = 180;
	s.ft.backup_replayed_landmark = 21000;
	s.ft.lag_landmarks = 34;
	read_back(&s, &side);
	assert_true(side.has_heartbeat);
	assert_true(side_knows_backup_lag(&side));
	side_print(lines, sizeof(lines), "p", &side);
	assert_has(lines, "lag 1234 bytes; the backup replayed to landmark 21000, lag 34 "
			  "landmarks\n");
	assert_has(lines, "\n  heartbeats: on, 40 sent, 38 received, 3 missed; the peer heard "
			  "180 ms ago\n");
	assert_int_equal(pair_verdict(lines, sizeof(lines), "p", &side, "b", &none), HVCTL_OK);
	assert_string_equal(lines, "pair: primary p runs the guest; the backup: unreachable, lag "
				   "34 landmarks by its heartbeats\n");
	/* no heartbeat heard yet: nothing said of the backup's replay */
	s.ft.heartbeats_received = 0;
	read_back(&s, &side);
	assert_false(side_knows_backup_lag(&side));
	side_print(lines, sizeof(lines), "p", &side);
	assert_lacks_text(lines, "landmarks");
}

/* The resync line: a backup's compared outputs and resyncs, a primary's
 * checkpoints; none before there is anything to count. */
static void test_resync_lines(void **state)
{
	struct hv_status s;
	struct side side;

	backup_status(&s);
	read_back(&s, &side);
	side_print(lines, sizeof(lines), "b", &side);
	assert_lacks_text(lines, "resync");
	s.ft.outputs_compared = 120;
	s.ft.output_mismatches = 1;
	s.ft.resyncs = 1;
	s.ft.resync_wait_ms = 448;
	read_back(&s, &side);
	assert_int_equal(side.resyncs, 1);
	side_print(lines, sizeof(lines), "b", &side);
	assert_has(lines, "\n  resync: 120 outputs compared, 1 differed, 0 digests differed; 1 "
			  "resyncs, 448 ms waiting for their checkpoints\n");

	primary_status(&s);
	read_back(&s, &side);
	side_print(lines, sizeof(lines), "p", &side);
	assert_lacks_text(lines, "checkpoints");
	s.ft.checkpoints = 2;
	s.ft.checkpoint_bytes = 4920;
	s.ft.checkpoint_stun_us = 17200;
	read_back(&s, &side);
	side_print(lines, sizeof(lines), "p", &side);
	assert_has(lines, "\n  checkpoints: 2 written for the backup, 4920 bytes, the guest "
			  "waited 17200 us\n");
}

/* Checkpoint mode: an epochs line in place of the log's. */
static void test_checkpoint_lines(void **state)
{
	struct hv_status s;
	struct side side;

	primary_status(&s);
	s.ft.checkpoint_mode = true;
	s.ft.epoch_ms = 50;
	s.ft.epochs = 76;
	s.ft.epochs_acked = 75;
	s.ft.epoch_pages = 153;
	s.ft.epoch_bytes = 225497;
	s.ft.epoch_first_stun_us = 98745;
	s.ft.epoch_stun_us = 82350;
	s.ft.epoch_stun_max_us = 3687;
	read_back(&s, &side);
	assert_true(side.checkpoint_mode);
	side_print(lines, sizeof(lines), "p", &side);
	assert_has(lines, "\n  epochs of 50 ms: 76 taken, 75 acknowledged by the backup; 153 pages, "
			  "225497 bytes; stun 1098 us on average, 3687 us at most\n");
	assert_lacks_text(lines, "  log:");
	backup_status(&s);
	s.ft.checkpoint_mode = true;
	s.ft.epochs = 40;
	read_back(&s, &side);
	side_print(lines, sizeof(lines), "b", &side);
	assert_has(lines, "\n  epochs: 40 applied\n");
	assert_lacks_text(lines, "  log:");
}

static void test_no_pair(void **state)
{
	struct hv_status s;
	struct side side;

	base_status(&s, HV_GUEST_EXITED);
	read_back(&s, &side);
	assert_false(side.has_ft);
	side_print(lines, sizeof(lines), "h", &side);
	assert_string_equal(lines, "h: not in a pair; guest exited\n");
	assert_false(side_runs_guest(&side));
}

/* --- the pair's verdict ---------------------------------------------------------- */

static int verdict(const struct hv_status *a, const struct hv_status *b)
{
	struct side sa, sb;

	read_back(a, &sa);
	read_back(b, &sb);
	return pair_verdict(lines, sizeof(lines), "p", &sa, "b", &sb);
}

static void test_verdict_follows(void **state)
{
	struct hv_status p, b;

	primary_status(&p);
	backup_status(&b);
	assert_int_equal(verdict(&p, &b), HVCTL_OK);
	assert_string_equal(lines, "pair: primary p runs the guest, backup follows, lag 3200 bytes "
				   "(1234 unacknowledged), 34 landmarks\n");
	/* the same in the other order (the first named "p") */
	assert_int_equal(verdict(&b, &p), HVCTL_OK);
	assert_has(lines, "pair: primary b runs the guest, backup follows, lag 3200 bytes");
	/* a witness that is not granting */
	p.ft.witness.lease_held = false;
	p.ft.witness.connected = false;
	p.ft.witness.lease = "asking";
	p.ft.witness.why = "";
	{
		struct side side;

		read_back(&p, &side);
		side_print(lines, sizeof(lines), "p", &side);
		assert_has(lines, "\n  witness: no lease (asking), epoch 7, not connected\n");
	}
}

static void test_verdict_without_backup(void **state)
{
	struct hv_status p, b;

	primary_status(&p);
	p.ft.state = HV_FT_WITHOUT_BACKUP;
	p.ft.backup_lost = true;
	p.ft.backup_lost_at = 500;
	backup_status(&b);
	b.ft.state = HV_FT_STOOD_DOWN;
	b.guest_state = HV_GUEST_STOPPED;
	assert_int_equal(verdict(&p, &b), HVCTL_OK);
	assert_string_equal(lines, "pair: primary p runs the guest without a backup\n");
}

static void test_verdict_split_brain(void **state)
{
	struct hv_status p, b;

	primary_status(&p);
	backup_status(&b);
	b.ft.state = HV_FT_LIVE;
	b.ft.live = true;
	b.ft.took_over = true;
	assert_int_equal(verdict(&p, &b), HVCTL_SPLIT_BRAIN);
	assert_string_equal(lines, "pair: split brain: both run the guest (p and b)\n");
}

static void test_verdict_nobody(void **state)
{
	struct hv_status p, b;

	primary_status(&p);
	p.guest_state = HV_GUEST_STOPPED;
	p.ft.state = HV_FT_FENCED;
	p.ft.live = false;
	backup_status(&b);
	b.ft.state = HV_FT_STOOD_DOWN;
	b.guest_state = HV_GUEST_STOPPED;
	assert_int_equal(verdict(&p, &b), HVCTL_OK);
	assert_string_equal(lines, "pair: no side runs the guest\n");
}

static void test_verdict_backup_took_over(void **state)
{
	struct hv_status b;
	struct side sp = { .down = true }, sb;

	backup_status(&b);
	b.ft.state = HV_FT_LIVE;
	b.ft.live = b.ft.took_over = true;
	read_back(&b, &sb);
	assert_int_equal(pair_verdict(lines, sizeof(lines), "p", &sp, "b", &sb), HVCTL_OK);
	assert_string_equal(lines, "pair: backup b runs the guest (it took over); the primary: "
				   "unreachable\n");
	/* unreachable, and the other does not run the guest; neither answers */
	sb.live = false;
	assert_int_equal(pair_verdict(lines, sizeof(lines), "p", &sp, "b", &sb), HVCTL_OK);
	assert_string_equal(lines, "pair: b does not run the guest; p is unreachable\n");
	memset(&sb, 0, sizeof(sb));
	sb.down = true;
	assert_int_equal(pair_verdict(lines, sizeof(lines), "p", &sp, "b", &sb), HVCTL_OK);
	assert_string_equal(lines, "pair: unknown: neither side answered\n");
}

/* --- what is refused ------------------------------------------------------------------ */

static int parse_text(const char *text)
{
	struct side side;

	return side_parse(text, strlen(text), &side, why, sizeof(why));
}

static void test_refused_documents(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"guest\": {\"state\": \"running\"}",
		"{\"guest\": {\"state\": \"running\"}} x",
		"{\"guest\": {\"state\": \"runn\\x\"}}",
		"{\"guest\": {\"state\": \"a\nb\"}}",
		"{\"guest\": {\"state\": \"\\u12\"}}",
		"{\"guest\": {\"state\": 'x'}}",
		"{\"guest\" {\"state\": \"running\"}}",
		"{\"guest\": {\"state\": \"running\",}}",
		"[1, 2,]",
		"{\"a\": 01}",
		"{\"a\": 1.}",
		"{\"a\": -}",
		"{\"a\": tru}",
		"[[[[[[[[[[1]]]]]]]]]]",
		"{\"guest\": {\"state\": \"running\"}, \"ft\": {\"landmark\": -1}}",
		"{\"guest\": {\"state\": \"running\"}, \"ft\": {\"landmark\": 1.5}}",
		"{\"guest\": {\"state\": \"running\"}, \"ft\": {\"landmark\": 18446744073709551616}}",
		"{\"guest\": {\"state\": \"running\"}, \"ft\": {\"live\": 1}}",
		"{\"guest\": {\"state\": \"running\"}, \"ft\": {\"role\": 3}}",
		"{\"version\": \"x\"}",
		"{\"guest\": {\"state\": null}}",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		why[0] = '\0';
		if (!parse_text(bad[i]))
			fail_msg("accepted: %s", bad[i]);
		assert_true(why[0] != '\0');
	}
	assert_int_equal(parse_text("[[[[[[[[[[1]]]]]]]]]]"), -1);
	assert_has(why, "nested too deep");
	assert_int_equal(parse_text("{\"version\": \"x\"}"), -1);
	assert_has(why, "no guest.state");
}

/* Unknown fields, escapes, long strings and arrays are read through. */
static void test_accepted_oddities(void **state)
{
	static char big[4096];
	struct side side;
	size_t n;

	assert_int_equal(parse_text("{\"new\": [1, {\"x\": [true, null]}, -2.5e+3], \"guest\": "
				    "{\"state\": \"run\\u006eing\\u00e9\\n\"}}"), 0);
	n = (size_t)snprintf(big, sizeof(big), "{\"guest\": {\"state\": \"");
	memset(big + n, 'a', 3000);
	n += 3000;
	n += (size_t)snprintf(big + n, sizeof(big) - n, "\"}, \"ft\": {\"role\": \"primary\"}}");
	assert_int_equal(side_parse(big, n, &side, why, sizeof(why)), 0);
	assert_int_equal(strlen(side.guest_state), sizeof(side.guest_state) - 1);
	assert_true(side.has_ft);
}

/* Every prefix of a real document is refused, read from an exact-size
 * allocation (ASan sees any read past it). */
static void test_every_prefix(void **state)
{
	struct hv_status s;
	struct side side;
	int n;

	primary_status(&s);
	n = http_status_json(doc, sizeof(doc), &s);
	assert_true(n > 0);
	for (int len = 0; len < n; len++) {
		char *copy = malloc((size_t)len + 1);

		memcpy(copy, doc, (size_t)len);
		if (!side_parse(copy, (size_t)len, &side, why, sizeof(why)) && len < n - 1)
			fail_msg("a prefix of %d of %d bytes accepted", len, n);
		free(copy);
	}
}

/* --- the HTTP reply ------------------------------------------------------------------- */

static int body_of(const char *reply, const char **body, size_t *len)
{
	return http_reply_body(reply, strlen(reply), body, len, why, sizeof(why));
}

static void test_reply_body(void **state)
{
	const char *body;
	size_t len;

	assert_int_equal(body_of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", &body, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(body, "{}", 2);
	assert_int_equal(body_of("HTTP/1.0 200 OK\nX: y\n\n{}", &body, &len), 0);
	assert_int_equal(body_of("HTTP/1.1 200 OK\r\ncontent-length:  5\r\n\r\n{}", &body, &len),
			 -1);
	assert_has(why, "Content-Length");
	assert_int_equal(body_of("HTTP/1.1 404 Not Found\r\n\r\n404 Not Found\n", &body, &len),
			 -1);
	assert_string_equal(why, "HTTP status 404");
	assert_int_equal(body_of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", &body, &len), -1);
	assert_has(why, "cut short");
	assert_int_equal(body_of("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n{}", &body, &len),
			 -1);
	assert_int_equal(body_of("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
				 &body, &len), -1);
	assert_int_equal(body_of("SSH-2.0-OpenSSH\r\n", &body, &len), -1);
	assert_string_equal(why, "not an HTTP/1.x reply");
	assert_int_equal(body_of("HTTP/1.1 2", &body, &len), -1);
	assert_int_equal(body_of("", &body, &len), -1);
}

/* A whole reply from the server's own builder reads back. */
static void test_reply_from_server(void **state)
{
	static char buf[HTTP_RESPONSE_MAX];
	const char *text = "GET /status HTTP/1.1\r\n\r\n";
	struct http_request r;
	struct http_reply reply;
	struct hv_status s;
	struct side side;
	const char *body;
	size_t len;

	primary_status(&s);
	http_request_init(&r);
	http_request_feed(&r, text, strlen(text), NULL);
	assert_true(http_reply_build(buf, sizeof(buf), &r, &s, &reply) > 0);
	assert_int_equal(http_reply_body(buf + reply.start, reply.len, &body, &len, why,
					 sizeof(why)), 0);
	assert_int_equal(side_parse(body, len, &side, why, sizeof(why)), 0);
	assert_string_equal(side.state, "backup follows");
	/* cut by one byte: Content-Length says so */
	assert_int_equal(http_reply_body(buf + reply.start, reply.len - 1, &body, &len, why,
					 sizeof(why)), -1);
}

/* --- switchover ------------------------------------------------------------ */

static const char key_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static void test_key_file_text(void **state)
{
	u8 key[HVCTL_KEY_MAX];
	char why[HVCTL_WHY_MAX], text[200];

	snprintf(text, sizeof(text), "  %s\n", key_hex);
	assert_int_equal(key_parse_text(text, strlen(text), key, why, sizeof(why)), 32);
	assert_int_equal(key[0], 0x00);
	assert_int_equal(key[31], 0x1f);
	assert_int_equal(key_parse_text("abcd\n", 5, key, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "shorter than 32 hex digits"));
	snprintf(text, sizeof(text), "%.31sx%s", key_hex, key_hex + 32);
	assert_int_equal(key_parse_text(text, strlen(text), key, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not a hex digit"));
	assert_int_equal(key_parse_text("\n\n", 2, key, why, sizeof(why)), -1);
}

static void test_challenge_nonce(void **state)
{
	char hex[HTTP_AUTH_NONCE_HEX + 1], why[HVCTL_WHY_MAX];

	assert_int_equal(challenge_nonce("00112233445566778899aabbccddeeff\n", 33, hex, why,
					 sizeof(why)), 0);
	assert_string_equal(hex, "00112233445566778899aabbccddeeff");
	assert_int_equal(challenge_nonce("00112233445566778899aabbccddeeff", 32, hex, why,
					 sizeof(why)), 0);
	assert_int_equal(challenge_nonce("00112233445566778899aabbccddeef\n", 32, hex, why,
					 sizeof(why)), -1);
	assert_int_equal(challenge_nonce("00112233445566778899aabbccddeefg\n", 33, hex, why,
					 sizeof(why)), -1);
	assert_int_equal(challenge_nonce("", 0, hex, why, sizeof(why)), -1);
	assert_int_equal(challenge_nonce("00112233445566778899aabbccddeeff\n\n", 34, hex, why,
					 sizeof(why)), -1);
}

static int zero_random(u8 *buf, size_t len)
{
	memset(buf, 0, len);
	return 0;
}

static int accepted;

static int accept_switchover(const char **why)
{
	accepted++;
	return 0;
}

/* The request hvctl sends is one the endpoint accepts with the same key,
 * and refuses with another. */
static void test_signed_request_accepted(void **state)
{
	static char out[HTTP_RESPONSE_MAX];
	u8 key[HVCTL_KEY_MAX], other[HVCTL_KEY_MAX];
	char why[HVCTL_WHY_MAX], req_text[512], nonce[HTTP_AUTH_NONCE_HEX + 1];
	struct http_control c;
	struct http_control_note note;
	struct http_reply reply;
	struct http_request req;
	const char *challenge = "GET /ft/challenge HTTP/1.1\r\n\r\n", *body;
	size_t body_len;
	int key_len = key_parse_text(key_hex, strlen(key_hex), key, why, sizeof(why)), n, status;

	assert_int_equal(key_len, 32);
	memcpy(other, key, sizeof(other));
	other[5] ^= 1;
	for (int round = 0; round < 2; round++) {
		http_control_init(&c, key, (size_t)key_len, zero_random, accept_switchover);
		http_request_init(&req);
		http_request_feed(&req, challenge, strlen(challenge), NULL);
		n = http_control_reply(&c, &req, 1, out, sizeof(out), &reply, &note);
		assert_true(n > 0);
		assert_int_equal(http_reply_split(out + reply.start, reply.len, &status, &body,
						  &body_len, why, sizeof(why)), 0);
		assert_int_equal(status, 200);
		assert_int_equal(challenge_nonce(body, body_len, nonce, why, sizeof(why)), 0);
		n = signed_request(req_text, sizeof(req_text), "10.9.0.1", 8080, "/ft/switchover",
				   round ? other : key, (size_t)key_len, nonce);
		assert_true(n > 0 && (size_t)n == strlen(req_text));
		http_request_init(&req);
		assert_int_equal(http_request_feed(&req, req_text, (size_t)n, NULL),
				 HTTP_PARSE_COMPLETE);
		n = http_control_reply(&c, &req, 2, out, sizeof(out), &reply, &note);
		assert_true(n > 0);
		assert_int_equal(http_reply_split(out + reply.start, reply.len, &status, &body,
						  &body_len, why, sizeof(why)), 0);
		assert_int_equal(status, round ? 401 : 202);
		assert_int_equal(accepted, 1);
	}
	assert_int_equal(signed_request(req_text, 40, "10.9.0.1", 8080, "/ft/switchover", key,
					(size_t)key_len, nonce), -1);
}

/* Any status is split; http_reply_body still wants 200. */
static void test_reply_split_any_status(void **state)
{
	static const char r[] = "HTTP/1.1 409 Conflict\r\nContent-Length: 6\r\n\r\nnope.\n";
	const char *body;
	size_t body_len;
	char why[HVCTL_WHY_MAX];
	int status;

	assert_int_equal(http_reply_split(r, strlen(r), &status, &body, &body_len, why, sizeof(why)),
			 0);
	assert_int_equal(status, 409);
	assert_int_equal(body_len, 6);
	assert_int_equal(http_reply_body(r, strlen(r), &body, &body_len, why, sizeof(why)), -1);
	assert_string_equal(why, "HTTP status 409");
	assert_int_equal(http_reply_split(r, strlen(r) - 1, &status, &body, &body_len, why,
					  sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primary_read_back),
		cmocka_unit_test(test_resync_lines),
		cmocka_unit_test(test_checkpoint_lines),
		cmocka_unit_test(test_key_file_text),
		cmocka_unit_test(test_challenge_nonce),
		cmocka_unit_test(test_signed_request_accepted),
		cmocka_unit_test(test_reply_split_any_status),
		cmocka_unit_test(test_backup_read_back),
		cmocka_unit_test(test_primary_heartbeat_lag),
		cmocka_unit_test(test_no_pair),
		cmocka_unit_test(test_verdict_follows),
		cmocka_unit_test(test_verdict_without_backup),
		cmocka_unit_test(test_verdict_split_brain),
		cmocka_unit_test(test_verdict_nobody),
		cmocka_unit_test(test_verdict_backup_took_over),
		cmocka_unit_test(test_refused_documents),
		cmocka_unit_test(test_accepted_oddities),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_reply_body),
		cmocka_unit_test(test_reply_from_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
