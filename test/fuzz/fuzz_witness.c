// sources: proto/witness_types.c proto/witness_codec.c proto/witness_lease.c proto/wire.c proto/wire_prim.c lib/hash.c
/*
 * Fuzzes the witness protocol's receiver (proto/witness_codec.c). The
 * input's first byte says the direction (bit 0: replies, else requests);
 * the rest is one connection's bytes, pushed whole, in odd pieces and
 * (when small) byte by byte: the three must take the same frames and end
 * alike. A refusal carries a reason and a why that is itself a valid
 * REFUSED text; every frame taken is written back by the encoder to
 * exactly the bytes it came from, with a sequence number above the last.
 * Requests taken whole also drive a lease (proto/witness_lease.c) at the
 * time of their sequence number: each reply must encode, and the epoch
 * never goes back. Each input runs again with its sequence numbers and
 * checksums repaired (wb_repair), so that mutations reach the fields.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/witness_lease.h"
#include "test/unit/wit_builder.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define MAX_TRACKED 1024     /* frames whose summary is compared across feeds */
#define BYTEWISE_MAX 4096    /* inputs fed byte by byte only up to this size */
#define LEASE_MAX_MS 50

/* What one feed of an input produced. */
struct outcome {
	size_t frames, consumed;
	u8 reason;
	char why[WIT_TEXT_MAX + 1];
	u64 sums[MAX_TRACKED];  /* per frame: type, sequence and fields mixed */
};

static struct outcome outcomes[3];

/* The encoder writes the frame back byte for byte. */
static void check_reencode(const struct wit_msg *m, const u8 *orig)
{
	u8 again[WIT_FRAME_MAX];
	int n = wit_encode(m, again, sizeof(again));

	CHECK(n == WIT_HDR + wit_type(m->type)->size);
	CHECK(!memcmp(again, orig, (size_t)n));
}

/* A why is sent back as a REFUSED's text: it must be one. */
static void check_refusal(const struct wit_rx *rx)
{
	struct wit_msg r = { .type = WIT_REFUSED, .seq = 1, .reason = rx->reason };
	u8 out[WIT_FRAME_MAX];

	CHECK(rx->reason >= WIT_R_FORMAT && rx->reason <= WIT_R_REPLAY);
	memcpy(r.text, rx->why, sizeof(r.text));
	CHECK(wit_encode(&r, out, sizeof(out)) > 0);
}

/* A request handed to the lease at the time of its sequence number. */
static void drive_lease(struct wit_lease *l, const struct wit_msg *m)
{
	struct wit_msg reply;
	u8 out[WIT_FRAME_MAX];
	u64 before = l->epoch;

	wit_lease_decide(l, m, m->seq, &reply);
	reply.seq = 1;
	CHECK(wit_encode(&reply, out, sizeof(out)) > 0);
	CHECK(l->epoch >= before && reply.epoch == l->epoch);
	CHECK(reply.type != WIT_GRANTED || !strcmp(reply.holder, m->node));
}

static size_t piece(int how, u32 *rng, size_t left)
{
	if (how == 0)
		return left;
	if (how == 2)
		return 1;
	*rng = *rng * 1103515245u + 12345u;
	return (*rng >> 16) % 61 + 1 < left ? (*rng >> 16) % 61 + 1 : left;
}

static u64 summary(const struct wit_msg *m)
{
	return hash32(m, sizeof(*m), 0) ^ (u64)m->type << 32 ^ m->seq << 40;
}

static void feed(enum wit_dir dir, const u8 *data, size_t size, int how, struct outcome *o)
{
	static struct wit_rx rx;
	struct wit_lease lease;
	struct wit_msg m;
	enum wit_rx_status st = WIT_RX_MORE;
	size_t pos = 0, used, start = 0;
	u32 rng = (u32)size;

	memset(o, 0, sizeof(*o));
	wit_rx_init(&rx, dir);
	wit_lease_init(&lease, LEASE_MAX_MS);
	while (pos < size && st != WIT_RX_REFUSED) {
		size_t end = pos + piece(how, &rng, size - pos);

		while (pos < end && st != WIT_RX_REFUSED) {
			memset(&m, 0xA5, sizeof(m));
			st = wit_rx_push(&rx, data + pos, end - pos, &used, &m);
			CHECK(used <= end - pos);
			pos += used;
			if (st == WIT_RX_FRAME) {
				check_reencode(&m, data + start);
				CHECK(pos - start == WIT_HDR + wit_type(m.type)->size);
				CHECK(m.seq == rx.last_seq && wit_type(m.type)->dir == dir);
				if (how == 0 && dir == WIT_TO_WITNESS)
					drive_lease(&lease, &m);
				if (o->frames < MAX_TRACKED)
					o->sums[o->frames] = summary(&m);
				o->frames++;
				start = pos;
			} else if (st == WIT_RX_MORE) {
				CHECK(pos == end);
			}
		}
	}
	if (st == WIT_RX_REFUSED) {
		check_refusal(&rx);
		CHECK(wit_rx_push(&rx, data, size, &used, &m) == WIT_RX_REFUSED && used == 0);
	}
	CHECK(rx.frames == o->frames);
	o->consumed = pos;
	o->reason = rx.reason;
	memcpy(o->why, rx.why, sizeof(o->why));
}

static void check_same(const struct outcome *a, const struct outcome *b)
{
	size_t n = a->frames < MAX_TRACKED ? a->frames : MAX_TRACKED;

	CHECK(a->frames == b->frames && a->reason == b->reason && a->consumed == b->consumed);
	CHECK(!strcmp(a->why, b->why));
	CHECK(!memcmp(a->sums, b->sums, n * sizeof(a->sums[0])));
}

static void check_stream(enum wit_dir dir, const u8 *data, size_t size)
{
	feed(dir, data, size, 0, &outcomes[0]);
	feed(dir, data, size, 1, &outcomes[1]);
	check_same(&outcomes[0], &outcomes[1]);
	if (size <= BYTEWISE_MAX) {
		feed(dir, data, size, 2, &outcomes[2]);
		check_same(&outcomes[0], &outcomes[2]);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	enum wit_dir dir;
	u8 *copy;

	if (!size)
		return 0;
	dir = data[0] & 1 ? WIT_TO_NODE : WIT_TO_WITNESS;
	copy = malloc(size);
	CHECK(copy);
	memcpy(copy, data + 1, size - 1);
	check_stream(dir, copy, size - 1);
	if (wb_repair(copy, size - 1))
		check_stream(dir, copy, size - 1);
	free(copy);
	return 0;
}
