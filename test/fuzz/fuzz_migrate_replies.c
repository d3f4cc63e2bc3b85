// sources: proto/migrate_types.c proto/migrate_encoder.c proto/migrate_decoder.c proto/migrate_payloads.c proto/snapshot_cpuid.c proto/page_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
// uses: lz4
/*
 * Fuzzes the migration stream's decoder as a source: the input after its
 * first two bytes is the destination's stream (ACCEPT, HOLDS, READY,
 * REFUSE), pushed whole to one decoder and in two pieces (split where the
 * first byte says) to another, each told that the source ended as many
 * rounds as the second byte says (0-7) of a guest of RAM_PAGES pages. Both
 * must end alike (the same error and message, or none; the same reports).
 * A refusal carries a message; every report handed out is of an ended
 * round below RAM_PAGES, rounds never go back and a round's pages
 * strictly increase.
 *
 * What a stream that was taken whole handed out is encoded again with the
 * encoder (HOLDS frames of its own making, the replies) and must decode
 * to the same reports and replies: the encoder refuses nothing the
 * decoder takes. Each input also runs with its checksums repaired
 * (mb_repair), so that mutations reach the records.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"
#include "proto/migrate_proto.h"
#include "test/fuzz/fuzz_reencode.h"
#include "test/unit/mig_builder.h"

#define RAM_PAGES 4096
#define FRAME_CAP (MIG_FRAME_HDR + MIG_PAYLOAD_MAX)
#define OUT_CAP (1u << 20)
#define SMALL_HOLDS (MIG_FRAME_HDR + MIG_PAGES_PREFIX + 3 * MIG_HOLD_RECORD_MAX)

/* One decoder run and what it was handed. */
struct run {
	struct mig_decoder d;
	bool reencode;
	u32 rounds;             /* the source ended this many */
	u64 held, digest, replies;
	bool any;
	u32 last_round;
	u64 next;               /* lowest page the round may still report */
};

static struct run a, b, c;
static u8 frame_a[FRAME_CAP], frame_b[FRAME_CAP], frame_c[FRAME_CAP];
static struct page_codec_work work;

/* The stream encoded again from what run a was handed. */
static struct {
	struct mig_encoder e;
	u8 out[OUT_CAP];
	size_t len;
	bool full, open;
	u8 holds[SMALL_HOLDS];
} re;

static void emit(int n)
{
	fz_out_add(re.out, OUT_CAP, &re.len, &re.full, NULL, n);
}

/* The open HOLDS frame (built in re.holds) joins out. */
static void flush_holds(void)
{
	int n;

	if (!re.open)
		return;
	re.open = false;
	n = mig_holds_finish(&re.e);
	fz_out_add(re.out, OUT_CAP, &re.len, &re.full, re.holds, n < 0 ? -EINVAL : n);
}

static void reencode_held(u32 round, u64 pfn, u64 hash)
{
	int err;

	if (re.open && round != re.e.pages_round)
		flush_holds();
	for (int tries = 0; tries < 2; tries++) {
		if (!re.open) {
			if (mig_holds_begin(&re.e, round, RAM_PAGES, re.holds, sizeof(re.holds)))
				abort();
			re.open = true;
		}
		err = mig_holds_add(&re.e, pfn, hash);
		if (!err)
			return;
		if (err != -ENOSPC || tries)
			abort();
		flush_holds();
	}
}

static int on_held(void *ctx, u32 round, u64 pfn, u64 hash)
{
	struct run *r = ctx;

	if (pfn >= RAM_PAGES || round >= r->rounds || (r->any && round < r->last_round))
		abort();
	if (r->any && round == r->last_round && pfn < r->next)
		abort(); /* a page again, or going back, in its round */
	r->any = true;
	r->last_round = round;
	r->next = pfn + 1;
	r->held++;
	r->digest = hash64(&hash, sizeof(hash), r->digest ^ pfn ^ ((u64)round << 40));
	if (r->reencode && !re.full)
		reencode_held(round, pfn, hash);
	return 0;
}

static int on_reply(void *ctx, u8 type, const char *reason)
{
	struct run *r = ctx;
	int n;

	if ((type == MIG_REFUSE) != (reason != NULL) || (reason && strlen(reason) > MIG_REASON_MAX))
		abort();
	r->replies = r->replies * 31 + type + (reason ? hash64(reason, strlen(reason), 0) : 0);
	if (!r->reencode || re.full)
		return 0;
	flush_holds();
	n = type == MIG_REFUSE ? mig_encode_refuse(&re.e, reason, re.out + re.len, OUT_CAP - re.len)
			       : mig_encode_empty(&re.e, type, re.out + re.len, OUT_CAP - re.len);
	emit(n);
	return 0;
}

static const struct mig_ops ops = { .reply = on_reply, .held = on_held };

/* Pushes data to r's fresh decoder, split at split: its result. */
static int run(struct run *r, u8 *frame, const u8 *data, size_t size, size_t split, u32 rounds,
	       bool reencode)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->reencode = reencode;
	r->rounds = rounds;
	mig_decoder_init(&r->d, MIG_TO_SOURCE, &ops, r, frame, FRAME_CAP, &work);
	mig_decoder_expect_holds(&r->d, RAM_PAGES, rounds);
	err = mig_decoder_push(&r->d, data, split);
	if (!err)
		err = mig_decoder_push(&r->d, data + split, size - split);
	if (err && (!r->d.msg[0] || err != r->d.error || (err != -EBADMSG && err != -EPROTO)))
		abort();
	if (err && mig_decoder_push(&r->d, data, size) != err)
		abort(); /* not sticky */
	return err;
}

static bool same_run(const struct run *x, const struct run *y)
{
	return x->d.error == y->d.error && !strcmp(x->d.msg, y->d.msg) && x->held == y->held &&
	       x->digest == y->digest && x->replies == y->replies;
}

static void check(const u8 *data, size_t size, size_t split, u32 rounds)
{
	int err;

	mig_encoder_init(&re.e);
	re.len = 0;
	re.full = re.open = false;
	err = run(&a, frame_a, data, size, size, rounds, true);
	run(&b, frame_b, data, size, split, rounds, false);
	if (!same_run(&a, &b))
		abort(); /* the split changed the outcome */
	if (err || a.d.have || re.full)
		return; /* refused, or a frame left incomplete: no round trip */
	flush_holds();
	if (re.full)
		return;
	if (run(&c, frame_c, re.out, re.len, re.len, rounds, false) || c.held != a.held ||
	    c.digest != a.digest || c.replies != a.replies)
		abort(); /* the stream encoded again decodes otherwise */
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy;
	size_t split;
	u32 rounds;

	if (size < 2)
		return 0;
	size -= 2;
	split = size * data[0] / 255;
	rounds = data[1] % 8;
	copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	memcpy(copy, data + 2, size);
	check(copy, size, split, rounds);
	mb_repair(copy, size);
	check(copy, size, split, rounds);
	free(copy);
	return 0;
}
