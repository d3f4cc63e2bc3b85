// sources: tools/hvctl/http_reply.c tools/hvctl/json_scan.c tools/hvctl/side.c tools/hvctl/print.c lib/cmdline.c net/http/http_response.c net/http/http_out.c net/http/http_ft.c lib/fmt.c
/*
 * Fuzzes hvctl's reading of a control endpoint's reply (outside input),
 * and checks a round trip through the hypervisor's own builder.
 *
 * Input: byte 0 chooses. Even: the rest is a whole HTTP reply (its
 * split, read and printing must stay within bounds, whatever it holds),
 * and also two /status bodies cut at a point byte 1 chooses, judged as a
 * pair. Odd: the rest fills a struct hv_status_ft (numbers and the
 * choice of role and state); its /status document, read back by hvctl,
 * must give the same numbers. Every piece is read from an allocation of
 * exactly its size, so ASan sees any read past it.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "net/http/http_response.h"
#include "tools/hvctl/hvctl.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static char why[HVCTL_WHY_MAX];
static char lines[2048];

/* A copy in an allocation of exactly len bytes (at least one). */
static char *exact(const u8 *data, size_t len)
{
	char *p = malloc(len ? len : 1);

	memcpy(p, data, len);
	return p;
}

static void check_strings(const struct side *s)
{
	CHECK(memchr(s->guest_state, 0, sizeof(s->guest_state)));
	CHECK(memchr(s->role, 0, sizeof(s->role)));
	CHECK(memchr(s->state, 0, sizeof(s->state)));
	CHECK(memchr(s->peer, 0, sizeof(s->peer)));
	CHECK(memchr(s->witness_why, 0, sizeof(s->witness_why)));
}

/* One body as a /status, down when refused. */
static void read_side(const u8 *data, size_t len, struct side *s)
{
	char *copy = exact(data, len);

	if (side_parse(copy, len, s, why, sizeof(why))) {
		CHECK(memchr(why, 0, sizeof(why)) && why[0]);
		memset(s, 0, sizeof(*s));
		s->down = true;
	} else {
		check_strings(s);
		side_print(lines, sizeof(lines), "x", s);
		CHECK(strlen(lines) < sizeof(lines));
	}
	free(copy);
}

static void outside_input(const u8 *data, size_t len)
{
	char *copy = exact(data, len);
	const char *body;
	size_t body_len, cut;
	struct side a, b;
	int v;

	if (!http_reply_body(copy, len, &body, &body_len, why, sizeof(why))) {
		CHECK(body >= copy && body + body_len == copy + len);
		read_side((const u8 *)body, body_len, &a);
	}
	free(copy);
	cut = len ? data[0] % (len + 1) : 0;
	read_side(data, cut, &a);
	read_side(data + cut, len - cut, &b);
	v = pair_verdict(lines, sizeof(lines), "a", &a, "b", &b);
	CHECK(v == HVCTL_OK || v == HVCTL_SPLIT_BRAIN);
	CHECK(strlen(lines) < sizeof(lines));
}

static u64 take_u64(const u8 **data, size_t *len)
{
	u64 v = 0;
	size_t n = MIN(*len, sizeof(v));

	memcpy(&v, *data, n);
	*data += n;
	*len -= n;
	return v;
}

/* A pair's side from the bytes, printed by the hypervisor and read back. */
static void round_trip(const u8 *data, size_t len)
{
	static const char *const states[] = { HV_FT_BACKUP_FOLLOWS, HV_FT_LIVE, HV_FT_FENCED };
	static char doc[HTTP_RESPONSE_MAX];
	u64 choice = take_u64(&data, &len);
	struct hv_status s = { .guest_state = HV_GUEST_RUNNING };
	struct hv_status_ft *ft = &s.ft;
	struct side side;
	char *copy;
	int n;

	ft->role = choice & 1 ? HV_FT_ROLE_BACKUP : HV_FT_ROLE_PRIMARY;
	ft->state = states[(choice >> 1) % ARRAY_SIZE(states)];
	ft->live = choice & 8;
	ft->took_over = ft->backup_lost = choice & 16;
	ft->witness.configured = choice & 32;
	ft->witness.lease_held = choice & 64;
	ft->peer_ip = (u32)(choice >> 32);
	ft->peer_port = (u16)(choice >> 8);
	ft->landmark = take_u64(&data, &len);
	ft->took_over_at = ft->backup_lost_at = take_u64(&data, &len);
	ft->log_produced = ft->log_received = take_u64(&data, &len);
	ft->log_acked = ft->log_replayed = take_u64(&data, &len);
	ft->witness.epoch = take_u64(&data, &len);
	n = http_status_json(doc, sizeof(doc), &s);
	CHECK(n > 0);
	copy = exact((const u8 *)doc, (size_t)n);
	CHECK(!side_parse(copy, (size_t)n, &side, why, sizeof(why)));
	free(copy);
	CHECK(side.has_ft && !strcmp(side.role, ft->role) && !strcmp(side.state, ft->state));
	CHECK(side.live == ft->live && side.landmark == ft->landmark);
	CHECK(side.took_over == (ft->took_over && choice & 1));
	CHECK(side.backup_lost == (ft->backup_lost && !(choice & 1)));
	CHECK(choice & 1 ? side.log_received == ft->log_received && side.log_replayed == ft->log_replayed
			 : side.log_produced == ft->log_produced && side.log_acked == ft->log_acked);
	CHECK(side.has_witness == ft->witness.configured);
	CHECK(!side.has_witness ||
	      (side.epoch == ft->witness.epoch && side.lease_held == ft->witness.lease_held));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);
int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	if (!len)
		return 0;
	if (data[0] & 1)
		round_trip(data + 1, len - 1);
	else
		outside_input(data + 1, len - 1);
	return 0;
}
