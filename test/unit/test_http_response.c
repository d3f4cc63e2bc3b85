// sources: net/http/http_response.c net/http/http_out.c net/http/http_ft.c net/http/http_request.c lib/fmt.c
/* net/http/http_response.c: the /status JSON (checked by a small JSON
 * validator), the /metrics text (checked line by line against the
 * Prometheus 0.0.4 text format), escaping, integer-only uptime, -ENOSPC
 * at every buffer size, and the replies the routing builds. */
#include "helpers.h"

#include <stdlib.h>

#include "errno.h"
#include "net/http/http_request.h"
#include "net/http/http_response.h"

#define NSEC_PER_SEC 1000000000ULL

/* --- a status to print ------------------------------------------------------ */

static const char *const exit_names[] = {
	"io", "hlt", "cpuid", "msr_read", "npf", "extint", "intr_window", "rdtsc",
};

static void typical_status(struct hv_status *s)
{
	static const u8 mac[HV_STATUS_MAC_LEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	memset(s, 0, sizeof(*s));
	s->version = "0.1.0 (git ea8459f)";
	s->uptime_ns = 93512004417ULL;
	s->backend = "vmx";
	s->guest_state = HV_GUEST_RUNNING;
	s->rr_mode = "record";
	s->log_bytes = 1843200;
	s->log_entries = 40211;
	for (u32 i = 0; i < ARRAY_SIZE(exit_names); i++) {
		s->exits[i].name = exit_names[i];
		s->exits[i].count = 1000 * (8 - i) + i;
		s->exits[i].avg_cycles = 900 + 37 * i;
		s->exits_total += s->exits[i].count;
	}
	s->exit_count = ARRAY_SIZE(exit_names);
	s->guest_caused_exits = 21034;
	s->interrupts_injected = 9320;
	s->has_nic = true;
	s->nic_name = "e1000";
	memcpy(s->mac, mac, sizeof(mac));
	s->address = "10.0.2.15";
	s->nic.rx_packets = 412;
	s->nic.rx_bytes = 51234;
	s->nic.rx_dropped = 3;
	s->nic.rx_errors = 4;
	s->nic.tx_packets = 398;
	s->nic.tx_bytes = 210455;
	s->nic.tx_dropped = 5;
	s->nic.tx_errors = 6;
	s->http.served = 17;
	s->http.bad_requests = 1;
	s->http.not_found = 2;
	s->http.dropped = 7;
}

/* Every row used, names and strings at the lengths HTTP_RESPONSE_MAX is
 * sized for, every number at its widest. */
static void worst_status(struct hv_status *s)
{
	static char names[HV_STATUS_EXITS_MAX][32];
	static char reason[160]; /* VM_STOP_REASON_MAX: every byte escaped as \u00XX */

	memset(s, 0xff, sizeof(*s));
	memset(reason, 0x01, sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	s->version = "0123456789012345678901234567890123456789012345678901234567890123";
	s->backend = "backend-name-24-chars-xx";
	s->guest_state = HV_GUEST_STOPPED;
	s->stop_reason = reason;
	s->rr_mode = "replay";
	s->exit_count = HV_STATUS_EXITS_MAX;
	for (u32 i = 0; i < HV_STATUS_EXITS_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "exit_reason_name_24ch_%02u", i);
		assert_int_equal(strlen(names[i]), 24);
		s->exits[i].name = names[i];
	}
	s->has_nic = true;
	s->nic_name = "virtio-net-24-chars-xxxx";
	s->address = "255.255.255.255";
	s->ft.role = HV_FT_ROLE_PRIMARY; /* the primary prints more than the backup */
	s->ft.state = HV_FT_WAITING_FOR_BACKUP;
	s->ft.live = s->ft.took_over = s->ft.backup_lost = s->ft.heartbeats_on = true;
	s->ft.checkpoint_mode = true;
	s->ft.witness.configured = s->ft.witness.connected = s->ft.witness.lease_held = true;
	s->ft.witness.lease = "refused";
	s->ft.witness.why = reason; /* WC_WHY_MAX, every byte escaped */
	s->ft.join = "a backup joining"; /* the longest of ft_join_phase_name's */
	s->ft.mode = "checkpoint"; /* the longer of ft=auto's */
	s->console_out.on = s->console_out.live = s->console_out.connected = true;
}

static char doc[64 * 1024];

static int render_json(const struct hv_status *s)
{
	int n = http_status_json(doc, sizeof(doc), s);

	assert_true(n > 0);
	assert_int_equal(strlen(doc), n);
	return n;
}

static int render_metrics(const struct hv_status *s)
{
	int n = http_metrics_text(doc, sizeof(doc), s);

	assert_true(n > 0);
	assert_int_equal(strlen(doc), n);
	return n;
}

static unsigned count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Lines of text starting with prefix and ending with suffix. */
static unsigned count_lines(const char *text, const char *prefix, const char *suffix)
{
	unsigned n = 0;

	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		if (len >= strlen(prefix) + strlen(suffix) && !strncmp(line, prefix, strlen(prefix)) &&
		    !strncmp(line + len - strlen(suffix), suffix, strlen(suffix)))
			n++;
		line += len + (eol != NULL);
	}
	return n;
}

#define assert_has(hay, needle)                                                         \
	do {                                                                            \
		if (!strstr((hay), (needle)))                                           \
			fail_msg("missing \"%s\" in:\n%s", (needle), (hay));            \
	} while (0)

#define assert_lacks(hay, needle)                                                       \
	do {                                                                            \
		if (strstr((hay), (needle)))                                            \
			fail_msg("unexpected \"%s\" in:\n%s", (needle), (hay));         \
	} while (0)

/* A primary whose backup follows, under a witness. */
static void ft_primary_status(struct hv_status *s)
{
	typical_status(s);
	s->ft = (struct hv_status_ft){
		.role = HV_FT_ROLE_PRIMARY,
		.peer_ip = 0x0a090002,
		.peer_port = 9730,
		.state = HV_FT_BACKUP_FOLLOWS,
		.live = true,
		.landmark = 21034,
		.log_produced = 1843200,
		.log_acked = 1841966,
		.backup_replayed_bytes = 1790321,
		.backup_replayed_landmark = 20990,
		.lag_landmarks = 44,
		.heartbeats_on = true,
		.heartbeats_sent = 310,
		.heartbeats_received = 305,
		.heartbeats_missed = 2,
		.peer_heard_ms = 37,
		.checkpoints = 1,
		.checkpoint_bytes = 5322,
		.checkpoint_stun_us = 18788,
		.output_held_now = 12,
		.output_held_total = 4096,
		.output_max_held = 300,
		.output_releases = 210,
		.output_hold_avg_us = 1534,
		.output_hold_max_us = 8012,
		.frames_held_now = 3,
		.frame_bytes_held_now = 190,
		.frames_held_total = 181,
		.frame_releases = 97,
		.frame_hold_avg_us = 2210,
		.frame_hold_max_us = 9120,
		.witness = { .configured = true, .connected = true, .lease_held = true,
			     .lease = "held", .epoch = 7, .grants = 1, .renewals = 93,
			     .refusals = 0, .timeouts = 2, .reconnects = 1,
			     .why = "lease granted (epoch 7)" },
	};
}

/* A backup that took over at landmark 20000, without a witness. */
static void ft_backup_status(struct hv_status *s)
{
	typical_status(s);
	s->ft = (struct hv_status_ft){
		.role = HV_FT_ROLE_BACKUP,
		.peer_ip = 0x0a090001,
		.peer_port = 9730,
		.state = HV_FT_LIVE,
		.live = true,
		.landmark = 20417,
		.took_over = true,
		.took_over_at = 20000,
		.log_received = 1800000,
		.log_replayed = 1790000,
		.heartbeats_sent = 305,
		.heartbeats_received = 310,
		.heartbeats_missed = 15,
		.peer_heard_ms = 3001,
		.outputs_compared = 571,
		.output_mismatches = 1,
		.resyncs = 1,
		.resync_wait_ms = 706,
	};
}

/* --- a small JSON validator (RFC 8259), ASCII documents only ---------------- */

struct json {
	const char *p, *end;
	int depth;
};

static bool json_value(struct json *j);

static void json_ws(struct json *j)
{
	while (j->p < j->end && strchr(" \t\r\n", *j->p) && *j->p)
		j->p++;
}

static bool json_eat(struct json *j, char c)
{
	json_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool json_string(struct json *j)
{
	if (!json_eat(j, '"'))
		return false;
	while (j->p < j->end) {
		u8 c = (u8)*j->p++;

		if (c == '"')
			return true;
		if (c < 0x20 || c >= 0x80)
			return false; /* control characters must be escaped; ASCII only */
		if (c != '\\')
			continue;
		if (j->p >= j->end)
			return false;
		c = (u8)*j->p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++)
				if (j->p >= j->end || !is_hex(*j->p++))
					return false;
		} else if (!c || !strchr("\"\\/bfnrt", c)) {
			return false;
		}
	}
	return false;
}

static bool json_digits(struct json *j)
{
	const char *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool json_number(struct json *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (j->p >= j->end || *j->p < '1' || *j->p > '9' || !json_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!json_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!json_digits(j))
			return false;
	}
	return true;
}

static bool json_literal(struct json *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return false;
	j->p += n;
	return true;
}

/* '{' or '[' already eaten; members until close. */
static bool json_members(struct json *j, char close, bool keyed)
{
	if (++j->depth > 32)
		return false;
	if (json_eat(j, close)) {
		j->depth--;
		return true;
	}
	do {
		if (keyed && (!json_string(j) || !json_eat(j, ':')))
			return false;
		if (!json_value(j))
			return false;
	} while (json_eat(j, ','));
	j->depth--;
	return json_eat(j, close);
}

static bool json_value(struct json *j)
{
	json_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{': j->p++; return json_members(j, '}', true);
	case '[': j->p++; return json_members(j, ']', false);
	case '"': return json_string(j);
	case 't': return json_literal(j, "true");
	case 'f': return json_literal(j, "false");
	case 'n': return json_literal(j, "null");
	default: return json_number(j);
	}
}

static bool json_valid(const char *text, size_t len)
{
	struct json j = { text, text + len, 0 };

	if (!json_value(&j))
		return false;
	json_ws(&j);
	return j.p == j.end;
}

#define assert_json_valid(text)                                                         \
	do {                                                                            \
		if (!json_valid((text), strlen(text)))                                  \
			fail_msg("invalid JSON:\n%s", (text));                          \
	} while (0)

/* --- a Prometheus text-format (0.0.4) checker --------------------------------- */

#define PROM_MAX_SERIES 512
#define PROM_MAX_KEY 256

struct prom_check {
	char family[PROM_MAX_KEY];    /* from the last # TYPE */
	char type[16];
	char help_for[PROM_MAX_KEY];  /* the last # HELP's metric */
	char families[64][PROM_MAX_KEY];
	unsigned nfamilies;
	char series[PROM_MAX_SERIES][PROM_MAX_KEY];
	unsigned nseries;
};

static bool prom_name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
	       (!first && c >= '0' && c <= '9');
}

/* Reads a metric or label name into out; returns its length, 0 if none. */
static size_t prom_name(const char *p, const char *end, char *out, bool label)
{
	size_t n = 0;

	while (p + n < end && prom_name_char(p[n], n == 0) && !(label && p[n] == ':'))
		n++;
	assert_true(n < PROM_MAX_KEY);
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

/* {name="value",...}: returns the length, 0 when malformed. */
static size_t prom_labels(const char *p, const char *end)
{
	const char *start = p;
	char name[PROM_MAX_KEY];

	if (p >= end || *p++ != '{')
		return 0;
	for (;;) {
		size_t n = prom_name(p, end, name, true);

		if (!n)
			return 0;
		p += n;
		if (end - p < 2 || p[0] != '=' || p[1] != '"')
			return 0;
		for (p += 2; p < end && *p != '"'; p++) {
			u8 c = (u8)*p;

			if (c < 0x20 || c >= 0x80)
				return 0;
			if (c == '\\' && (++p >= end || !strchr("\\\"n", *p) || !*p))
				return 0;
		}
		if (p >= end)
			return 0;
		p++; /* closing quote */
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}')
			return (size_t)(p + 1 - start);
		return 0;
	}
}

/* An integer or a decimal with digits on both sides. */
static bool prom_value(const char *p, const char *end)
{
	const char *dot = memchr(p, '.', (size_t)(end - p));

	if (p == end)
		return false;
	for (const char *q = p; q < end; q++)
		if (q != dot && (*q < '0' || *q > '9'))
			return false;
	return !dot || (dot > p && dot + 1 < end);
}

static const char *prom_comment(struct prom_check *c, const char *line, const char *end)
{
	char name[PROM_MAX_KEY];
	const char *p;
	size_t n;

	if (end - line > 7 && !memcmp(line, "# HELP ", 7)) {
		p = line + 7;
		n = prom_name(p, end, name, false);
		if (!n || p + n >= end || p[n] != ' ' || p + n + 1 == end)
			return "malformed HELP";
		strcpy(c->help_for, name);
		return NULL;
	}
	if (end - line > 7 && !memcmp(line, "# TYPE ", 7)) {
		p = line + 7;
		n = prom_name(p, end, name, false);
		if (!n || p + n >= end || p[n] != ' ')
			return "malformed TYPE";
		if (strcmp(name, c->help_for))
			return "TYPE without HELP just before";
		p += n + 1;
		if ((size_t)(end - p) >= sizeof(c->type))
			return "bad type";
		memcpy(c->type, p, (size_t)(end - p));
		c->type[end - p] = '\0';
		if (strcmp(c->type, "counter") && strcmp(c->type, "gauge"))
			return "type is neither counter nor gauge";
		if (!strcmp(c->type, "counter") &&
		    (strlen(name) < 6 || strcmp(name + strlen(name) - 6, "_total")))
			return "counter not named _total";
		for (unsigned i = 0; i < c->nfamilies; i++)
			if (!strcmp(c->families[i], name))
				return "family typed twice";
		assert_true(c->nfamilies < ARRAY_SIZE(c->families));
		strcpy(c->families[c->nfamilies++], name);
		strcpy(c->family, name);
		return NULL;
	}
	return "comment that is neither HELP nor TYPE";
}

static const char *prom_sample(struct prom_check *c, const char *line, const char *end)
{
	char name[PROM_MAX_KEY];
	const char *p = line;
	size_t n = prom_name(p, end, name, false);

	if (!n)
		return "sample without a name";
	if (strcmp(name, c->family))
		return "sample outside its family";
	p += n;
	if (p < end && *p == '{') {
		n = prom_labels(p, end);
		if (!n)
			return "malformed labels";
		p += n;
	}
	if (p >= end || *p != ' ')
		return "no space before the value";
	if ((size_t)(p - line) >= PROM_MAX_KEY)
		return "series too long";
	for (unsigned i = 0; i < c->nseries; i++)
		if (strlen(c->series[i]) == (size_t)(p - line) && !memcmp(c->series[i], line, p - line))
			return "duplicate series";
	assert_true(c->nseries < PROM_MAX_SERIES);
	memcpy(c->series[c->nseries], line, (size_t)(p - line));
	c->series[c->nseries++][p - line] = '\0';
	if (!prom_value(p + 1, end))
		return "bad value";
	return NULL;
}

/* NULL when text is well-formed, else what is wrong. */
static const char *prom_check(const char *text, size_t len)
{
	static struct prom_check c;
	const char *p = text, *end = text + len;

	memset(&c, 0, sizeof(c));
	if (!len || text[len - 1] != '\n')
		return "not ending in a newline";
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *why;

		if (eol == p)
			return "empty line";
		why = *p == '#' ? prom_comment(&c, p, eol) : prom_sample(&c, p, eol);
		if (why)
			return why;
		p = eol + 1;
	}
	return NULL;
}

#define assert_prom_valid(text)                                                         \
	do {                                                                            \
		const char *why_ = prom_check((text), strlen(text));                    \
		if (why_)                                                               \
			fail_msg("bad exposition (%s):\n%s", why_, (text));             \
	} while (0)

/* --- the checkers reject what they should ------------------------------------- */

static void test_json_validator_self_check(void **state)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-1.5e+3", "\"\\u00e9\\n\"", " { \"a\" : [ 1 , true , null ] } ",
	};
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1 2]", "\"\x01\"", "01", "{\"a\" 1}", "\"\\x\"", "1.",
		"-", "tru", "{} {}", "[\"\xc3\xa9\"]", "{1:2}", "\"\\u12g4\"", "\"open",
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(json_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (json_valid(bad[i], strlen(bad[i])))
			fail_msg("validator accepted \"%s\"", bad[i]);
}

static void test_prom_checker_self_check(void **state)
{
	static const char *const bad[] = {
		"a 1\n",                                          /* no TYPE */
		"# TYPE a gauge\na 1\n",                          /* no HELP */
		"# HELP a x\n# TYPE a gauge\na 1",                /* no final newline */
		"# HELP a x\n# TYPE a counter\na 1\n",            /* counter not _total */
		"# HELP a x\n# TYPE a gauge\na{l=\"x} 1\n",       /* open quote */
		"# HELP a x\n# TYPE a gauge\na{l=\"\\x\"} 1\n",   /* bad escape */
		"# HELP a x\n# TYPE a gauge\na{l=x} 1\n",         /* unquoted */
		"# HELP a x\n# TYPE a gauge\na 1\na 2\n",         /* duplicate */
		"# HELP a x\n# TYPE a gauge\nb 1\n",              /* outside family */
		"# HELP a x\n# TYPE a gauge\na 1.\n",             /* bad value */
		"# HELP a x\n# TYPE a histogram\na 1\n",
		"# HELP a x\n# TYPE a gauge\n\na 1\n",
		"# HELP a x\n# TYPE a gauge\n# HELP a x\n# TYPE a gauge\n",
	};
	static const char good[] = "# HELP a_total x y\n# TYPE a_total counter\n"
				   "a_total{l=\"q\\\"\\\\\\n\",m=\"\"} 1\na_total 2.5\n";

	assert_null(prom_check(good, strlen(good)));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (!prom_check(bad[i], strlen(bad[i])))
			fail_msg("checker accepted:\n%s", bad[i]);
}

/* --- /status ------------------------------------------------------------------ */

static void test_json_typical(void **state)
{
	struct hv_status s;

	typical_status(&s);
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "\"version\": \"0.1.0 (git ea8459f)\"");
	assert_has(doc, "\"uptime_ns\": 93512004417,");
	assert_has(doc, "\"uptime_seconds\": 93.512004417,");
	assert_has(doc, "\"backend\": \"vmx\"");
	assert_has(doc, "\"state\": \"running\"");
	assert_has(doc, "\"exit_code\": null");
	assert_has(doc, "\"mode\": \"record\"");
	assert_has(doc, "\"log_bytes\": 1843200");
	assert_has(doc, "\"log_entries\": 40211");
	assert_has(doc, "\"total\": 36028");
	assert_has(doc, "\"guest_caused\": 21034");
	assert_has(doc, "\"interrupts_injected\": 9320");
	assert_has(doc, "{ \"reason\": \"io\", \"count\": 8000, \"avg_cycles\": 900 }");
	assert_has(doc, "{ \"reason\": \"rdtsc\", \"count\": 1007, \"avg_cycles\": 1159 }");
	assert_has(doc, "\"mac\": \"52:54:00:12:34:56\"");
	assert_has(doc, "\"address\": \"10.0.2.15\"");
	assert_has(doc, "\"rx_dropped\": 3");
	assert_has(doc, "\"tx_errors\": 6");
	assert_has(doc, "\"dropped_connections\": 7");
	assert_int_equal(count_of(doc, "\"reason\":"), ARRAY_SIZE(exit_names));
}

/* A zeroed status: NULL strings print as "", no rows, no NIC. */
static void test_json_zeroed(void **state)
{
	struct hv_status s;

	memset(&s, 0, sizeof(s));
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "\"version\": \"\"");
	assert_has(doc, "\"uptime_seconds\": 0.000000000,");
	assert_has(doc, "\"by_reason\": []");
	assert_has(doc, "\"nic\": null,");
	assert_has(doc, "\"exit_code\": null");
}

static void test_json_escaping(void **state)
{
	struct hv_status s;

	typical_status(&s);
	s.version = "a\"b\\c\nd\x01" "e\x7f\xc3\xa9\t\r\x1f/";
	s.exits[0].name = "q\"";
	s.address = "\\";
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "\"version\": \"a\\\"b\\\\c\\nd\\u0001e\\u007f\\u00c3\\u00a9\\t\\r\\u001f/\"");
	assert_has(doc, "\"reason\": \"q\\\"\"");
	assert_has(doc, "\"address\": \"\\\\\"");
}

static void test_json_exit_code(void **state)
{
	struct hv_status s;

	typical_status(&s);
	s.guest_state = HV_GUEST_EXITED;
	s.guest_exit_code = 0xffffffff;
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "\"state\": \"exited\",\n    \"stop_reason\": null,\n"
			"    \"exit_code\": 4294967295\n");
	s.guest_state = HV_GUEST_STOPPED;
	s.stop_reason = "the guest \"triple\"-faulted";
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "\"stop_reason\": \"the guest \\\"triple\\\"-faulted\",\n"
			"    \"exit_code\": null");
}

/* More rows claimed than the array has: only the array is read. */
static void test_exit_rows_clamped(void **state)
{
	struct hv_status s;

	typical_status(&s);
	for (u32 i = 0; i < HV_STATUS_EXITS_MAX; i++)
		s.exits[i].name = "x";
	s.exit_count = 1000;
	render_json(&s);
	assert_json_valid(doc);
	assert_int_equal(count_of(doc, "\"reason\":"), HV_STATUS_EXITS_MAX);
	render_metrics(&s);
	assert_int_equal(count_of(doc, "understudy_vm_exits_total{reason=\"x\"}"),
			 HV_STATUS_EXITS_MAX);
}

/* ns / 1e9 with integer arithmetic, nine decimals, at the edges. */
static void test_uptime_formatting(void **state)
{
	static const struct {
		u64 ns;
		const char *text;
	} cases[] = {
		{ 0, "0.000000000" },
		{ 1, "0.000000001" },
		{ NSEC_PER_SEC - 1, "0.999999999" },
		{ NSEC_PER_SEC, "1.000000000" },
		{ 1234567890123ULL, "1234.567890123" },
		{ UINT64_MAX, "18446744073.709551615" },
	};
	struct hv_status s;
	char want[96];

	typical_status(&s);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		s.uptime_ns = cases[i].ns;
		render_json(&s);
		assert_json_valid(doc);
		snprintf(want, sizeof(want), "\"uptime_seconds\": %s,\n", cases[i].text);
		assert_has(doc, want);
		render_metrics(&s);
		assert_prom_valid(doc);
		snprintf(want, sizeof(want), "\nunderstudy_uptime_seconds %s\n", cases[i].text);
		assert_has(doc, want);
	}
}

/* --- /metrics ------------------------------------------------------------------ */

static void test_metrics_typical(void **state)
{
	struct hv_status s;

	typical_status(&s);
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_has(doc, "# TYPE understudy_vm_exits_total counter\n");
	assert_has(doc, "\nunderstudy_vm_exits_total{reason=\"io\"} 8000\n");
	assert_has(doc, "\nunderstudy_vm_exit_avg_cycles{reason=\"hlt\"} 937\n");
	assert_has(doc, "\nunderstudy_info{version=\"0.1.0 (git ea8459f)\",backend=\"vmx\","
			"rr_mode=\"record\"} 1\n");
	assert_has(doc, "# TYPE understudy_uptime_seconds gauge\n");
	assert_has(doc, "\nunderstudy_rr_log_bytes 1843200\n");
	assert_has(doc, "\nunderstudy_rr_log_entries 40211\n");
	assert_has(doc, "\nunderstudy_vm_guest_caused_exits_total 21034\n");
	assert_has(doc, "\nunderstudy_vm_interrupts_injected_total 9320\n");
	assert_has(doc, "\nunderstudy_nic_info{nic=\"e1000\",mac=\"52:54:00:12:34:56\","
			"address=\"10.0.2.15\"} 1\n");
	assert_has(doc, "# TYPE understudy_nic_rx_packets_total counter\n");
	assert_has(doc, "\nunderstudy_nic_rx_packets_total{nic=\"e1000\"} 412\n");
	assert_has(doc, "\nunderstudy_nic_tx_bytes_total{nic=\"e1000\"} 210455\n");
	assert_has(doc, "\nunderstudy_nic_tx_errors_total{nic=\"e1000\"} 6\n");
	assert_has(doc, "\nunderstudy_http_responses_total 17\n");
	assert_has(doc, "\nunderstudy_http_bad_requests_total 1\n");
	assert_has(doc, "\nunderstudy_http_not_found_total 2\n");
	assert_has(doc, "\nunderstudy_http_dropped_connections_total 7\n");
	assert_lacks(doc, "understudy_guest_exit_code");
	/* Every family has HELP then TYPE (the checker insists on the order). */
	assert_int_equal(count_of(doc, "# HELP "), count_of(doc, "# TYPE "));
}

static void test_metrics_zeroed(void **state)
{
	struct hv_status s;

	memset(&s, 0, sizeof(s));
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_lacks(doc, "understudy_nic_");
	assert_lacks(doc, "understudy_vm_exits_total{");
	assert_has(doc, "# TYPE understudy_vm_exits_total counter\n");
	assert_has(doc, "understudy_info{version=\"\",backend=\"\",rr_mode=\"\"} 1\n");
}

/* One 1 among the states; an unknown state gives all zeros. */
static void test_metrics_guest_state(void **state)
{
	static const char *const states[] = {
		HV_GUEST_RUNNING, HV_GUEST_EXITED, HV_GUEST_STOPPED, HV_GUEST_NONE,
	};
	struct hv_status s;
	char want[128];

	typical_status(&s);
	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		s.guest_state = states[i];
		s.guest_exit_code = 42;
		render_metrics(&s);
		assert_prom_valid(doc);
		assert_int_equal(count_of(doc, "understudy_guest_state{state="), 4);
		assert_int_equal(count_lines(doc, "understudy_guest_state{", " 1"), 1);
		snprintf(want, sizeof(want), "understudy_guest_state{state=\"%s\"} 1\n", states[i]);
		assert_has(doc, want);
		if (!strcmp(states[i], HV_GUEST_EXITED))
			assert_has(doc, "\nunderstudy_guest_exit_code 42\n");
		else
			assert_lacks(doc, "understudy_guest_exit_code");
	}
	s.guest_state = "paused";
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_lacks(doc, "understudy_guest_state{state=\"paused\"}");
	assert_int_equal(count_of(doc, "understudy_guest_state{state="), 4);
	assert_int_equal(count_lines(doc, "understudy_guest_state{", " 1"), 0);
}

static void test_metrics_label_escaping(void **state)
{
	struct hv_status s;

	typical_status(&s);
	s.exits[0].name = "a\"b\\c\nd\x01" "e\xc3\xa9";
	s.nic_name = "n\"ic";
	s.version = "v\\1";
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_has(doc, "understudy_vm_exits_total{reason=\"a\\\"b\\\\c\\nd?e??\"} 8000\n");
	assert_has(doc, "understudy_nic_rx_packets_total{nic=\"n\\\"ic\"} 412\n");
	assert_has(doc, "understudy_info{version=\"v\\\\1\",");
}

/* The worst case fits the server's buffer, with the reply head. */
static void test_worst_case_fits(void **state)
{
	static const char *const texts[] = {
		"GET /status HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.1\r\n\r\n",
	};
	static char buf[HTTP_RESPONSE_MAX];
	struct hv_status s;
	struct http_request r;
	struct http_reply reply;

	worst_status(&s);
	render_json(&s);
	assert_json_valid(doc);
	render_metrics(&s);
	assert_prom_valid(doc);
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		http_request_init(&r);
		http_request_feed(&r, texts[i], strlen(texts[i]), NULL);
		assert_true(http_reply_build(buf, sizeof(buf), &r, &s, &reply) > 0);
		assert_int_equal(reply.status, HTTP_STATUS_OK);
	}
}

/* --- -ENOSPC at every size: nothing partial ------------------------------------- */

typedef int (*doc_fn)(char *buf, size_t size, const void *arg);

/* Calls fn with every buffer size from 0 to one past the needed one, each
 * an exact-size allocation (ASan catches a write past it): below the
 * needed size -ENOSPC and an empty string, from it on the reference. */
static void sweep_sizes(doc_fn fn, const void *arg)
{
	static char ref[64 * 1024];
	int len = fn(ref, sizeof(ref), arg);

	assert_true(len > 0);
	for (size_t size = 0; size <= (size_t)len + 1; size++) {
		char *buf = size ? malloc(size) : NULL;
		int n;

		if (size) {
			assert_non_null(buf);
			memset(buf, 'X', size);
		}
		n = fn(buf, size, arg);
		if (size <= (size_t)len) {
			if (n != -ENOSPC)
				fail_msg("size %zu of %d: got %d, want -ENOSPC", size, len, n);
			if (size)
				assert_int_equal(buf[0], '\0');
		} else {
			assert_int_equal(n, len);
			assert_memory_equal(buf, ref, (size_t)len + 1);
		}
		free(buf);
	}
}

static int json_fn(char *buf, size_t size, const void *arg)
{
	return http_status_json(buf, size, arg);
}

static int metrics_fn(char *buf, size_t size, const void *arg)
{
	return http_metrics_text(buf, size, arg);
}

static int head_fn(char *buf, size_t size, const void *arg)
{
	return http_response_head(buf, size, *(const int *)arg, HTTP_CONTENT_JSON, 1234);
}

static int error_body_fn(char *buf, size_t size, const void *arg)
{
	return http_error_body(buf, size, *(const int *)arg);
}

static void test_enospc_documents(void **state)
{
	struct hv_status s;

	typical_status(&s);
	s.version = "esc\"aped\\\x01";
	sweep_sizes(json_fn, &s);
	sweep_sizes(metrics_fn, &s);
	memset(&s, 0, sizeof(s));
	sweep_sizes(json_fn, &s);
	sweep_sizes(metrics_fn, &s);
}

/* --- the pair's side: "ft" and understudy_ft_* ------------------------------------ */

static void test_json_ft_primary(void **state)
{
	struct hv_status s;

	ft_primary_status(&s);
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "\"log_entries\": 40211\n  },\n  \"ft\": {\n"
			"    \"role\": \"primary\",\n"
			"    \"peer\": \"10.9.0.2:9730\",\n"
			"    \"state\": \"backup follows\",\n"
			"    \"live\": true,\n"
			"    \"landmark\": 21034,\n"
			"    \"backup_lost_at\": null,\n"
			"    \"log\": {\n"
			"      \"produced_bytes\": 1843200,\n"
			"      \"acked_bytes\": 1841966,\n"
			"      \"backup_replayed_bytes\": 1790321,\n"
			"      \"backup_replayed_landmark\": 20990,\n"
			"      \"lag_landmarks\": 44,\n"
			"      \"lag_bytes\": 1234\n"
			"    },\n"
			"    \"heartbeat\": {\n"
			"      \"on\": true,\n"
			"      \"sent\": 310,\n"
			"      \"received\": 305,\n"
			"      \"missed\": 2,\n"
			"      \"peer_heard_ms\": 37\n"
			"    },\n"
			"    \"resync\": {\n"
			"      \"checkpoints\": 1,\n"
			"      \"checkpoint_bytes\": 5322,\n"
			"      \"checkpoint_stun_us\": 18788\n"
			"    },\n"
			"    \"output\": {\n"
			"      \"held_bytes\": 12,\n"
			"      \"held_total_bytes\": 4096,\n"
			"      \"max_held_bytes\": 300,\n"
			"      \"releases\": 210,\n"
			"      \"hold_avg_us\": 1534,\n"
			"      \"hold_max_us\": 8012,\n"
			"      \"held_frames\": 3,\n"
			"      \"held_frame_bytes\": 190,\n"
			"      \"held_frames_total\": 181,\n"
			"      \"frame_releases\": 97,\n"
			"      \"frame_hold_avg_us\": 2210,\n"
			"      \"frame_hold_max_us\": 9120\n"
			"    },\n"
			"    \"witness\": {\n"
			"      \"connected\": true,\n"
			"      \"lease\": \"held\",\n"
			"      \"lease_held\": true,\n"
			"      \"epoch\": 7,\n"
			"      \"grants\": 1,\n"
			"      \"renewals\": 93,\n"
			"      \"refusals\": 0,\n"
			"      \"timeouts\": 2,\n"
			"      \"reconnects\": 1,\n"
			"      \"why\": \"lease granted (epoch 7)\"\n"
			"    }\n"
			"  },\n  \"exits\": {\n");
	assert_lacks(doc, "received_bytes");
	assert_lacks(doc, "took_over_at");
}

static void test_json_ft_backup(void **state)
{
	struct hv_status s;

	ft_backup_status(&s);
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "    \"role\": \"backup\",\n"
			"    \"peer\": \"10.9.0.1:9730\",\n"
			"    \"state\": \"live\",\n"
			"    \"live\": true,\n"
			"    \"landmark\": 20417,\n"
			"    \"took_over_at\": 20000,\n"
			"    \"log\": {\n"
			"      \"received_bytes\": 1800000,\n"
			"      \"replayed_bytes\": 1790000,\n"
			"      \"lag_bytes\": 10000\n"
			"    },\n"
			"    \"heartbeat\": {\n"
			"      \"on\": false,\n"
			"      \"sent\": 305,\n"
			"      \"received\": 310,\n"
			"      \"missed\": 15,\n"
			"      \"peer_heard_ms\": 3001\n"
			"    },\n"
			"    \"resync\": {\n"
			"      \"outputs_compared\": 571,\n"
			"      \"output_mismatches\": 1,\n"
			"      \"digest_mismatches\": 0,\n"
			"      \"resyncs\": 1,\n"
			"      \"resync_wait_ms\": 706\n"
			"    },\n"
			"    \"witness\": null\n"
			"  },\n");
	assert_lacks(doc, "\"output\"");
	assert_lacks(doc, "acked_bytes");
	assert_lacks(doc, "lag_landmarks");
	/* a backup still replaying, no peer= given, more replayed than received
	 * (a frame counted whole) */
	s.ft.took_over = false;
	s.ft.peer_ip = 0;
	s.ft.state = HV_FT_REPLAYING;
	s.ft.log_replayed = s.ft.log_received + 5;
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "    \"peer\": null,\n");
	assert_has(doc, "    \"took_over_at\": null,\n");
	assert_has(doc, "      \"lag_bytes\": 0\n");
}

/* No role (zeroed, or "none"): no "ft" object at all. */
static void test_json_without_ft(void **state)
{
	struct hv_status s;

	typical_status(&s);
	render_json(&s);
	assert_lacks(doc, "\"ft\"");
	s.ft.role = HV_FT_ROLE_NONE;
	s.ft.state = HV_FT_FENCED;
	render_json(&s);
	assert_json_valid(doc);
	assert_lacks(doc, "\"ft\"");
	assert_has(doc, "\"log_entries\": 40211\n  },\n  \"exits\": {\n");
}

static void test_json_console_out(void **state)
{
	struct hv_status s;

	typical_status(&s);
	render_json(&s);
	assert_lacks(doc, "\"console_out\"");
	s.console_out = (struct hv_status_console_out){ .on = true, .live = true, .connected = true,
							.produced = 765, .acked = 700,
							.connections = 2 };
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "  \"console_out\": {\n    \"live\": true,\n    \"connected\": true,\n"
			"    \"produced_bytes\": 765,\n    \"acked_bytes\": 700,\n"
			"    \"connections\": 2\n  },\n  \"exits\": {\n");
}

static void test_metrics_ft_primary(void **state)
{
	struct hv_status s;

	ft_primary_status(&s);
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_has(doc, "\nunderstudy_ft_role_info{role=\"primary\",peer=\"10.9.0.2:9730\"} 1\n");
	assert_has(doc, "\nunderstudy_ft_state{state=\"waiting for the backup\"} 0\n"
			"understudy_ft_state{state=\"backup follows\"} 1\n"
			"understudy_ft_state{state=\"running without a backup\"} 0\n"
			"understudy_ft_state{state=\"fenced\"} 0\n"
			"understudy_ft_state{state=\"switching over to the backup\"} 0\n");
	assert_has(doc, "\nunderstudy_ft_live 1\n");
	assert_has(doc, "\nunderstudy_ft_landmark 21034\n");
	assert_has(doc, "\nunderstudy_ft_backup_lost 0\n");
	assert_has(doc, "# TYPE understudy_ft_log_acked_bytes gauge\n"
			"understudy_ft_log_acked_bytes 1841966\n");
	assert_has(doc, "\nunderstudy_ft_log_produced_bytes 1843200\n");
	assert_has(doc, "\nunderstudy_ft_log_lag_bytes 1234\n");
	assert_has(doc, "\nunderstudy_ft_log_backup_replayed_bytes 1790321\n");
	assert_has(doc, "\nunderstudy_ft_log_backup_replayed_landmark 20990\n");
	assert_has(doc, "\nunderstudy_ft_log_lag_landmarks 44\n");
	assert_has(doc, "\nunderstudy_ft_heartbeats_on 1\n");
	assert_has(doc, "# TYPE understudy_ft_heartbeats_sent_total counter\n"
			"understudy_ft_heartbeats_sent_total 310\n");
	assert_has(doc, "\nunderstudy_ft_heartbeats_received_total 305\n");
	assert_has(doc, "\nunderstudy_ft_heartbeats_missed_total 2\n");
	assert_has(doc, "\nunderstudy_ft_peer_heard_age_ms 37\n");
	assert_has(doc, "# TYPE understudy_ft_checkpoints_total counter\n"
			"understudy_ft_checkpoints_total 1\n");
	assert_has(doc, "\nunderstudy_ft_checkpoint_stun_us_total 18788\n");
	assert_lacks(doc, "understudy_ft_resyncs_total");
	assert_has(doc, "\nunderstudy_ft_output_held_bytes 12\n");
	assert_has(doc, "# TYPE understudy_ft_output_held_bytes_total counter\n"
			"understudy_ft_output_held_bytes_total 4096\n");
	assert_has(doc, "\nunderstudy_ft_output_releases_total 210\n");
	assert_has(doc, "\nunderstudy_ft_output_hold_latency_avg_us 1534\n");
	assert_has(doc, "\nunderstudy_ft_output_hold_latency_max_us 8012\n");
	assert_has(doc, "\nunderstudy_ft_output_held_frames 3\n");
	assert_has(doc, "\nunderstudy_ft_output_held_frame_bytes 190\n");
	assert_has(doc, "\nunderstudy_ft_output_held_frames_total 181\n");
	assert_has(doc, "\nunderstudy_ft_output_frame_releases_total 97\n");
	assert_has(doc, "\nunderstudy_ft_output_frame_hold_latency_avg_us 2210\n");
	assert_has(doc, "\nunderstudy_ft_output_frame_hold_latency_max_us 9120\n");
	assert_has(doc, "\nunderstudy_ft_witness_connected 1\n");
	assert_has(doc, "\nunderstudy_ft_witness_lease_held 1\n");
	assert_has(doc, "\nunderstudy_ft_witness_epoch 7\n");
	assert_has(doc, "\nunderstudy_ft_witness_renewals_total 93\n");
	assert_has(doc, "\nunderstudy_ft_witness_reconnects_total 1\n");
	assert_lacks(doc, "understudy_ft_log_received_bytes");
	assert_lacks(doc, "understudy_ft_failovers_total");
	assert_int_equal(count_of(doc, "# HELP "), count_of(doc, "# TYPE "));
}

/* join=on: the join's phase and count, in both documents; without it,
 * neither. */
static void test_ft_join_fields(void **state)
{
	struct hv_status s;

	ft_backup_status(&s);
	render_json(&s);
	assert_lacks(doc, "\"join");
	render_metrics(&s);
	assert_lacks(doc, "understudy_ft_joins_total");
	s.ft.join = "followed";
	s.ft.joins = 2;
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "    \"took_over_at\": 20000,\n"
			"    \"join\": \"followed\",\n"
			"    \"joins\": 2,\n"
			"    \"log\": {\n");
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_has(doc, "# TYPE understudy_ft_joins_total counter\n"
			"understudy_ft_joins_total 2\n");
	ft_primary_status(&s);
	s.ft.join = "without a backup";
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "    \"join\": \"without a backup\",\n"
			"    \"joins\": 0,\n");
}

/* ft=checkpoint: the epochs, in /status and /metrics, and no more. */
static void test_ft_checkpoint(void **state)
{
	struct hv_status s;

	ft_primary_status(&s);
	render_json(&s);
	assert_lacks(doc, "\"checkpoint\"");
	render_metrics(&s);
	assert_lacks(doc, "understudy_ft_epochs_total");
	s.ft.checkpoint_mode = true;
	s.ft.epoch_ms = 50;
	s.ft.epochs = 76;
	s.ft.epochs_acked = 75;
	s.ft.epoch_pages = 16537;
	s.ft.epoch_bytes = 420660;
	s.ft.epoch_first_stun_us = 462310;
	s.ft.epoch_stun_us = 131250;
	s.ft.epoch_stun_max_us = 6199;
	s.ft.epoch_last_stun_us = 1750;
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "    \"checkpoint\": {\n      \"epoch_ms\": 50,\n      \"epochs\": 76,\n"
			"      \"acked\": 75,\n      \"pages\": 16537,\n      \"bytes\": 420660,\n"
			"      \"first_stun_us\": 462310,\n      \"stun_us\": 131250,\n"
			"      \"stun_max_us\": 6199,\n      \"last_stun_us\": 1750\n    },\n");
	assert_lacks(doc, "\"resync\"");
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_has(doc, "# TYPE understudy_ft_epochs_total counter\nunderstudy_ft_epochs_total 76\n");
	assert_has(doc, "\nunderstudy_ft_epochs_acked_total 75\n");
	assert_has(doc, "\nunderstudy_ft_epoch_stun_us_total 131250\n");
	assert_has(doc, "\nunderstudy_ft_epoch_stun_max_us 6199\n");
	assert_lacks(doc, "understudy_ft_log_"); /* no log, no resyncs: epochs instead */
	assert_lacks(doc, "understudy_ft_checkpoints_total");
	ft_backup_status(&s);
	s.ft.checkpoint_mode = true;
	s.ft.epochs = 40;
	render_json(&s);
	assert_json_valid(doc);
	assert_lacks(doc, "\"acked\"");
	assert_lacks(doc, "stun");
	render_metrics(&s);
	assert_has(doc, "\nunderstudy_ft_epochs_total 40\n");
	assert_lacks(doc, "understudy_ft_epoch_stun");
	assert_int_equal(count_of(doc, "# HELP "), count_of(doc, "# TYPE "));
}

/* ft=auto: the mode the pair follows and the switches, after the landmark;
 * neither without a mode (a peer's status from before ft=auto). */
static void test_ft_mode_fields(void **state)
{
	struct hv_status s;

	ft_primary_status(&s);
	render_json(&s);
	assert_lacks(doc, "\"landmark\": 21034,\n    \"mode\"");
	render_metrics(&s);
	assert_lacks(doc, "understudy_ft_mode_switches_total");
	s.ft.mode = "checkpoint";
	s.ft.mode_switches = 3;
	render_json(&s);
	assert_json_valid(doc);
	assert_has(doc, "\"landmark\": 21034,\n    \"mode\": \"checkpoint\",\n    \"switches\": 3,\n");
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_has(doc, "# TYPE understudy_ft_mode_switches_total counter\n"
			"understudy_ft_mode_switches_total 3\n");
	assert_int_equal(count_of(doc, "# HELP "), count_of(doc, "# TYPE "));
}

static void test_metrics_ft_backup(void **state)
{
	struct hv_status s;

	ft_backup_status(&s);
	render_metrics(&s);
	assert_prom_valid(doc);
	assert_has(doc, "\nunderstudy_ft_role_info{role=\"backup\",peer=\"10.9.0.1:9730\"} 1\n");
	assert_has(doc, "\nunderstudy_ft_state{state=\"live\"} 1\n");
	assert_int_equal(count_lines(doc, "understudy_ft_state{", "} 0"), 7);
	assert_has(doc, "\nunderstudy_ft_failovers_total 1\n");
	assert_has(doc, "\nunderstudy_ft_log_received_bytes 1800000\n");
	assert_has(doc, "\nunderstudy_ft_log_replayed_bytes 1790000\n");
	assert_has(doc, "\nunderstudy_ft_log_lag_bytes 10000\n");
	assert_has(doc, "\nunderstudy_ft_heartbeats_on 0\n");
	assert_has(doc, "\nunderstudy_ft_heartbeats_missed_total 15\n");
	assert_has(doc, "\nunderstudy_ft_peer_heard_age_ms 3001\n");
	assert_has(doc, "\nunderstudy_ft_outputs_compared_total 571\n");
	assert_has(doc, "\nunderstudy_ft_mismatched_outputs_total 1\n");
	assert_has(doc, "\nunderstudy_ft_resyncs_total 1\n");
	assert_lacks(doc, "understudy_ft_checkpoints_total");
	assert_lacks(doc, "understudy_ft_log_lag_landmarks");
	assert_lacks(doc, "understudy_ft_output_");
	assert_lacks(doc, "understudy_ft_witness_");
	assert_lacks(doc, "understudy_ft_log_acked_bytes");
	s.ft.peer_ip = 0;
	render_metrics(&s);
	assert_has(doc, "\nunderstudy_ft_role_info{role=\"backup\",peer=\"\"} 1\n");
}

static void test_metrics_without_ft(void **state)
{
	struct hv_status s;

	typical_status(&s);
	render_metrics(&s);
	assert_lacks(doc, "understudy_ft_");
}

static void test_enospc_documents_ft(void **state)
{
	struct hv_status s;

	ft_primary_status(&s);
	sweep_sizes(json_fn, &s);
	sweep_sizes(metrics_fn, &s);
	ft_backup_status(&s);
	sweep_sizes(json_fn, &s);
	sweep_sizes(metrics_fn, &s);
}

static void test_enospc_heads(void **state)
{
	static const int statuses[] = { 200, 405, 505 };

	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		sweep_sizes(head_fn, &statuses[i]);
		sweep_sizes(error_body_fn, &statuses[i]);
	}
}

/* --- replies -------------------------------------------------------------------- */

struct parsed_reply {
	int status;
	char head[HTTP_HEAD_RESERVE + 1];
	const char *body;
	size_t body_len;
	long content_length;
};

static struct hv_status reply_status;
static char reply_buf[HTTP_RESPONSE_MAX];

/* Parses text as a request and builds its reply into reply_buf. */
static int build(const char *text, struct http_reply *reply)
{
	struct http_request r;

	typical_status(&reply_status);
	http_request_init(&r);
	http_request_feed(&r, text, strlen(text), NULL);
	return http_reply_build(reply_buf, sizeof(reply_buf), &r, &reply_status, reply);
}

/* Splits a built reply into status, head and body; checks the headers
 * every reply has. */
static void split_reply(const struct http_reply *reply, struct parsed_reply *p)
{
	const char *text = reply_buf + reply->start;
	const char *end_of_head = strstr(text, "\r\n\r\n");
	const char *cl;
	size_t head_len;

	assert_int_equal(strlen(text), reply->len); /* a C string of exactly len */
	assert_non_null(end_of_head);
	head_len = (size_t)(end_of_head + 4 - text);
	assert_true(head_len <= HTTP_HEAD_RESERVE);
	memcpy(p->head, text, head_len);
	p->head[head_len] = '\0';
	p->body = text + head_len;
	p->body_len = reply->len - head_len;
	assert_int_equal(sscanf(text, "HTTP/1.1 %d ", &p->status), 1);
	assert_int_equal(p->status, reply->status);
	cl = strstr(p->head, "\r\nContent-Length: ");
	assert_non_null(cl);
	p->content_length = strtol(cl + 18, NULL, 10);
	assert_has(p->head, "\r\nConnection: close\r\n");
	assert_has(p->head, "\r\nCache-Control: no-store\r\n");
	assert_int_equal(count_of(p->head, "\r\n"), count_of(p->head, "\n"));
}

static void test_reply_status_and_metrics(void **state)
{
	struct http_reply reply;
	struct parsed_reply p;

	assert_true(build("GET /status HTTP/1.1\r\nHost: x\r\n\r\n", &reply) > 0);
	split_reply(&reply, &p);
	assert_int_equal(p.status, 200);
	assert_has(p.head, "HTTP/1.1 200 OK\r\n");
	assert_has(p.head, "\r\nContent-Type: application/json\r\n");
	assert_int_equal(p.content_length, p.body_len);
	assert_true(json_valid(p.body, p.body_len));
	assert_lacks(p.head, "Allow:");

	assert_true(build("GET /metrics?name=x HTTP/1.0\n\n", &reply) > 0);
	split_reply(&reply, &p);
	assert_int_equal(p.status, 200);
	assert_has(p.head, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n");
	assert_int_equal(p.content_length, p.body_len);
	assert_null(prom_check(p.body, p.body_len));
}

/* HEAD: the head GET would get, Content-Length included, and no body. */
static void test_reply_head_method(void **state)
{
	static const char *const paths[] = { "/status", "/metrics", "/nope" };
	char text[64];

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		struct http_reply get, head;
		struct parsed_reply pg, ph;

		snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\n\r\n", paths[i]);
		assert_true(build(text, &get) > 0);
		split_reply(&get, &pg);
		snprintf(text, sizeof(text), "HEAD %s HTTP/1.1\r\n\r\n", paths[i]);
		assert_true(build(text, &head) > 0);
		split_reply(&head, &ph);
		assert_int_equal(ph.body_len, 0);
		assert_int_equal(ph.content_length, pg.content_length);
		assert_int_equal(pg.content_length, pg.body_len);
		assert_string_equal(ph.head, pg.head);
	}
}

static void test_reply_not_found(void **state)
{
	static const char *const paths[] = {
		"/", "/status/", "/STATUS", "/statusx", "/metrics/x", "/%73tatus", "//status",
	};
	char text[64];

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		struct http_reply reply;
		struct parsed_reply p;

		snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\n\r\n", paths[i]);
		assert_true(build(text, &reply) > 0);
		split_reply(&reply, &p);
		assert_int_equal(p.status, 404);
		assert_has(p.head, "HTTP/1.1 404 Not Found\r\n");
		assert_has(p.head, "\r\nContent-Type: text/plain; charset=utf-8\r\n");
		assert_int_equal(p.content_length, p.body_len);
		assert_string_equal(p.body, "404 Not Found\n");
	}
}

/* A 404 does not need the status, which may be NULL. */
static void test_reply_without_status(void **state)
{
	static const char text[] = "GET /other HTTP/1.1\r\n\r\n";
	struct http_request r;
	struct http_reply reply;

	http_request_init(&r);
	http_request_feed(&r, text, strlen(text), NULL);
	assert_true(http_reply_build(reply_buf, sizeof(reply_buf), &r, NULL, &reply) > 0);
	assert_int_equal(reply.status, 404);
	http_request_init(&r);
	http_request_feed(&r, "GET /status HTTP/1.1\r\n\r\n", 24, NULL);
	assert_int_equal(http_reply_build(reply_buf, sizeof(reply_buf), &r, NULL, &reply),
			 -EINVAL);
}

static void test_reply_errors(void **state)
{
	static const struct {
		const char *text;
		int status;
		const char *line;
	} cases[] = {
		{ "GET  / HTTP/1.1\r\n", 400, "HTTP/1.1 400 Bad Request\r\n" },
		{ "GET / HTTP/2.0\r\n\r\n", 505, "HTTP/1.1 505 HTTP Version Not Supported\r\n" },
		{ "POST /status HTTP/1.1\r\n\r\n", 405, "HTTP/1.1 405 Method Not Allowed\r\n" },
		{ "get /status HTTP/1.1\r\n\r\n", 405, "HTTP/1.1 405 Method Not Allowed\r\n" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct http_reply reply;
		struct parsed_reply p;
		char body[64];

		assert_true(build(cases[i].text, &reply) > 0);
		split_reply(&reply, &p);
		assert_int_equal(p.status, cases[i].status);
		assert_has(p.head, cases[i].line);
		assert_int_equal(p.content_length, p.body_len);
		snprintf(body, sizeof(body), "%d %s\n", cases[i].status,
			 http_reason_phrase(cases[i].status));
		assert_string_equal(p.body, body);
		if (cases[i].status == 405)
			assert_has(p.head, "\r\nAllow: GET, HEAD\r\n");
		else
			assert_lacks(p.head, "Allow:");
	}
}

/* 414 and 431 from real oversized heads. */
static void test_reply_limits(void **state)
{
	char *text = malloc(HTTP_HEAD_MAX + 64);
	struct http_reply reply;
	struct parsed_reply p;

	assert_non_null(text);
	memset(text, 'a', HTTP_HEAD_MAX + 63);
	memcpy(text, "GET /", 5);
	text[HTTP_HEAD_MAX + 63] = '\0';
	assert_true(build(text, &reply) > 0);
	split_reply(&reply, &p);
	assert_int_equal(p.status, 414);
	assert_has(p.head, "HTTP/1.1 414 URI Too Long\r\n");

	memcpy(text, "GET / HTTP/1.1\r\nX: ", 19);
	assert_true(build(text, &reply) > 0);
	split_reply(&reply, &p);
	assert_int_equal(p.status, 431);
	assert_has(p.head, "HTTP/1.1 431 Request Header Fields Too Large\r\n");
	assert_int_equal(p.content_length, p.body_len);
	free(text);
}

static void test_reply_incomplete(void **state)
{
	struct http_reply reply;

	assert_int_equal(build("GET /status HTTP/1.1\r\n", &reply), -EINVAL);
}

static void test_reply_error_direct(void **state)
{
	struct http_reply reply;
	struct parsed_reply p;

	assert_true(http_reply_error(reply_buf, sizeof(reply_buf), 500, &reply) > 0);
	split_reply(&reply, &p);
	assert_has(p.head, "HTTP/1.1 500 Internal Server Error\r\n");
	assert_string_equal(p.body, "500 Internal Server Error\n");
	assert_int_equal(p.content_length, p.body_len);
}

static void test_reason_phrases(void **state)
{
	assert_string_equal(http_reason_phrase(200), "OK");
	assert_string_equal(http_reason_phrase(400), "Bad Request");
	assert_string_equal(http_reason_phrase(404), "Not Found");
	assert_string_equal(http_reason_phrase(405), "Method Not Allowed");
	assert_string_equal(http_reason_phrase(414), "URI Too Long");
	assert_string_equal(http_reason_phrase(431), "Request Header Fields Too Large");
	assert_string_equal(http_reason_phrase(503), "Service Unavailable");
	assert_string_equal(http_reason_phrase(505), "HTTP Version Not Supported");
	assert_string_equal(http_reason_phrase(299), "Unknown");
}

/* Replies at every buffer size: -ENOSPC until the reserve plus the body
 * fits, then exactly the reference reply. */
struct reply_case {
	const char *text;
};

static void test_reply_enospc_every_size(void **state)
{
	static const struct reply_case cases[] = {
		{ "GET /status HTTP/1.1\r\n\r\n" },
		{ "GET /metrics HTTP/1.1\r\n\r\n" },
		{ "HEAD /status HTTP/1.1\r\n\r\n" },
		{ "GET /missing HTTP/1.1\r\n\r\n" },
		{ "DELETE / HTTP/1.1\r\n\r\n" },
	};
	static char ref[HTTP_RESPONSE_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct http_request r;
		struct http_reply want;
		size_t needed;

		typical_status(&reply_status);
		http_request_init(&r);
		http_request_feed(&r, cases[i].text, strlen(cases[i].text), NULL);
		assert_true(http_reply_build(ref, sizeof(ref), &r, &reply_status, &want) > 0);
		/* Body (GET's, even for HEAD) after the reserve, plus its NUL. */
		needed = HTTP_HEAD_RESERVE + strlen(ref + HTTP_HEAD_RESERVE) + 1;
		if (r.method == HTTP_METHOD_HEAD) {
			char get[HTTP_RESPONSE_MAX];
			struct http_reply g;

			r.method = HTTP_METHOD_GET;
			assert_true(http_reply_build(get, sizeof(get), &r, &reply_status, &g) > 0);
			needed = HTTP_HEAD_RESERVE + (g.len - (HTTP_HEAD_RESERVE - g.start)) + 1;
		}
		for (size_t size = 0; size <= needed; size++) {
			char *buf = size ? malloc(size) : NULL;
			struct http_reply got;
			int n;

			typical_status(&reply_status);
			http_request_init(&r);
			http_request_feed(&r, cases[i].text, strlen(cases[i].text), NULL);
			n = http_reply_build(buf, size, &r, &reply_status, &got);
			if (size < needed) {
				if (n != -ENOSPC)
					fail_msg("%s size %zu of %zu: %d", cases[i].text, size,
						 needed, n);
				if (size)
					assert_int_equal(buf[0], '\0');
			} else {
				assert_int_equal(n, want.len);
				assert_int_equal(got.start, want.start);
				assert_memory_equal(buf + got.start, ref + want.start, want.len);
			}
			free(buf);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_validator_self_check),
		cmocka_unit_test(test_prom_checker_self_check),
		cmocka_unit_test(test_json_typical),
		cmocka_unit_test(test_json_zeroed),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_exit_code),
		cmocka_unit_test(test_exit_rows_clamped),
		cmocka_unit_test(test_uptime_formatting),
		cmocka_unit_test(test_metrics_typical),
		cmocka_unit_test(test_metrics_zeroed),
		cmocka_unit_test(test_metrics_guest_state),
		cmocka_unit_test(test_metrics_label_escaping),
		cmocka_unit_test(test_worst_case_fits),
		cmocka_unit_test(test_enospc_documents),
		cmocka_unit_test(test_json_ft_primary),
		cmocka_unit_test(test_json_ft_backup),
		cmocka_unit_test(test_json_without_ft),
		cmocka_unit_test(test_json_console_out),
		cmocka_unit_test(test_metrics_ft_primary),
		cmocka_unit_test(test_metrics_ft_backup),
		cmocka_unit_test(test_ft_join_fields),
		cmocka_unit_test(test_ft_checkpoint),
		cmocka_unit_test(test_ft_mode_fields),
		cmocka_unit_test(test_metrics_without_ft),
		cmocka_unit_test(test_enospc_documents_ft),
		cmocka_unit_test(test_enospc_heads),
		cmocka_unit_test(test_reply_status_and_metrics),
		cmocka_unit_test(test_reply_head_method),
		cmocka_unit_test(test_reply_not_found),
		cmocka_unit_test(test_reply_without_status),
		cmocka_unit_test(test_reply_errors),
		cmocka_unit_test(test_reply_limits),
		cmocka_unit_test(test_reply_incomplete),
		cmocka_unit_test(test_reply_error_direct),
		cmocka_unit_test(test_reason_phrases),
		cmocka_unit_test(test_reply_enospc_every_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
