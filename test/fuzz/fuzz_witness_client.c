// sources: proto/witness_client.c proto/witness_lease.c proto/witness_types.c proto/witness_codec.c proto/wire.c proto/wire_prim.c lib/hash.c lib/fmt.c
/*
 * Fuzzes the node's side of the lease (proto/witness_client.c): two
 * clients driven by the input's bytes (time passing, their requests
 * decided by a real lease, reconnects, acquire, bump, query, release,
 * takeover verdicts) and, sometimes, replies of any kind with any field values the
 * codec takes, as a faulty witness could send. Always: no crash or
 * undefined behaviour, a GO only on a lease held at the epoch after the
 * known one, wc_held only in state HELD, a release outstanding only on a
 * lease held. While the witness is honest (no
 * reply made up yet): never two clients holding a valid lease at once.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/witness_client.h"
#include "proto/witness_lease.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define LEASE_MAX_MS 300
#define NODES 2

static const char *const names[] = { "10.9.0.1", "10.9.0.2", "" };

struct input {
	const u8 *p;
	size_t left;
};

static u8 take(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static u64 take_u64(struct input *in, unsigned bytes)
{
	u64 v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | take(in);
	return v;
}

/* A reply of any type with field values the codec takes. */
static void made_up(struct input *in, struct wit_msg *r)
{
	static const u8 types[] = { WIT_GRANTED, WIT_REFUSED, WIT_STATE };

	memset(r, 0, sizeof(*r));
	r->type = types[take(in) % 3];
	r->seq = 1;
	r->epoch = take_u64(in, 7) & WIT_EPOCH_MAX;
	r->duration_ms = (u32)take_u64(in, 4);
	r->left_ms = (u32)take_u64(in, 4);
	r->reason = take(in) % (WIT_R_MAX + 1);
	strcpy(r->holder, names[take(in) % 3]);
	if (r->type == WIT_REFUSED)
		strcpy(r->text, "made up");
	if (r->type == WIT_GRANTED && !r->holder[0])
		strcpy(r->holder, names[0]);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	struct wit_client c[NODES];
	struct wit_lease lease;
	struct wit_msg q, r;
	bool honest = true;
	u64 now = 0;

	wit_lease_init(&lease, LEASE_MAX_MS);
	for (int i = 0; i < NODES; i++)
		CHECK(!wc_init(&c[i], names[i], 200, 50));
	while (in.left) {
		u8 b = take(&in);
		struct wit_client *x = &c[(b >> 4) & 1];
		enum wc_verdict before = x->verdict;

		switch (b & 15) {
		case 0:
			now += take(&in);
			break;
		case 1: /* one exchange with the honest witness */
			if (wc_next_request(x, now, &q) == WC_SEND) {
				q.seq = 1;
				wit_lease_decide(&lease, &q, now, &r);
				wc_on_reply(x, &r, now);
			}
			break;
		case 2: /* a request lost with its connection */
			wc_next_request(x, now, &q);
			wc_on_reconnect(x);
			break;
		case 3:
			made_up(&in, &r);
			honest = false;
			wc_on_reply(x, &r, now);
			break;
		case 4:
			wc_acquire(x);
			break;
		case 5:
			wc_bump(x);
			break;
		case 6:
			wc_query(x);
			break;
		case 7:
			wc_release(x);
			break;
		default:
			wc_takeover_verdict(x, take(&in) & 3, names[0], now);
			break;
		}
		if (x->verdict == WC_GO && before != WC_GO)
			CHECK(x->state == WC_HELD && x->epoch == x->known_epoch + 1);
		for (int i = 0; i < NODES; i++)
			CHECK(!wc_held(&c[i], now) || wc_state(&c[i]) == WC_HELD);
		for (int i = 0; i < NODES; i++)
			CHECK(!wc_releasing(&c[i]) || wc_state(&c[i]) == WC_HELD);
		if (honest)
			CHECK(!(wc_held(&c[0], now) && wc_held(&c[1], now)));
	}
	return 0;
}
