// sources: proto/migrate_types.c proto/migrate_encoder.c proto/migrate_decoder.c proto/migrate_payloads.c proto/snapshot_cpuid.c proto/snapshot_types.c proto/snapshot_writer.c proto/snapshot_reader.c proto/page_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
// uses: lz4
/*
 * Fuzzes the migration stream's decoder as a destination: the input after
 * its first byte is the source's stream, pushed whole to one decoder and
 * in two pieces (split where the first byte says) to another; both must
 * end alike (the same error and message, or none; the same pages, the
 * same RAM). A refusal carries a message; no page handed out is at or
 * past the HELLO's RAM size.
 *
 * What a stream that completes (DONE taken) handed out is encoded again
 * with the encoder as it arrives (pages re-encoded whole, in frames of
 * their own), and that stream must decode to the same HELLO, RAM, STATE
 * and rounds: the encoder refuses nothing the decoder takes.
 *
 * Each input also runs with its checksums and DONE repaired
 * (mb_repair), so that mutations reach the records and pages instead of
 * stopping at a checksum.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"
#include "proto/migrate_proto.h"
#include "test/fuzz/fuzz_reencode.h"
#include "test/unit/mig_builder.h"

#define RAM_PAGES 64
#define FRAME_CAP (MIG_FRAME_HDR + MIG_PAYLOAD_MAX)
#define OUT_CAP (8u << 20)

/* One decoder run and what it was handed. */
struct run {
	struct mig_decoder d;
	bool reencode;          /* encode what comes again into out */
	struct mig_hello hello;
	u64 pages, rounds, state_hash, go;
	u8 ram[RAM_PAGES * PAGE_CODEC_PAGE];
};

static struct run a, b, c;
static u8 frame_a[FRAME_CAP], frame_b[FRAME_CAP], frame_c[FRAME_CAP];
static struct page_codec_work work;

/* The stream encoded again from what run a was handed. */
static struct {
	struct mig_encoder e;
	u8 out[OUT_CAP];
	size_t len;
	bool full;             /* out ran out: no round trip for this input */
	u8 pages[FRAME_CAP];   /* a PAGES frame being built */
	bool open;
	u32 round;
	u64 last;
	u8 enc[PAGE_CODEC_MAX];
} re;

/* An encoder's return: the frame joins out; a refusal of what the
 * decoder took is a bug. */
static void emit(int n)
{
	fz_out_add(re.out, OUT_CAP, &re.len, &re.full, NULL, n);
}

static void flush_pages(void)
{
	int n;

	if (!re.open)
		return;
	re.open = false;
	n = mig_pages_finish(&re.e);
	fz_out_add(re.out, OUT_CAP, &re.len, &re.full, re.pages, n < 0 ? -EINVAL : n);
}

static bool reencoding(void *ctx)
{
	return ((struct run *)ctx)->reencode && !re.full;
}

static u8 *out_at(void)
{
	return re.out + re.len;
}

static int on_hello(void *ctx, const struct mig_hello *h)
{
	struct run *r = ctx;

	r->hello = *h;
	if (reencoding(ctx))
		emit(mig_encode_hello(&re.e, h, out_at(), OUT_CAP - re.len));
	return 0;
}

static u8 *on_page_buffer(void *ctx, u64 pfn)
{
	struct run *r = ctx;

	return pfn < RAM_PAGES ? r->ram + pfn * PAGE_CODEC_PAGE : NULL;
}

/* The page again, whole, in a frame of its round where pages increase. */
static void reencode_page(struct run *r, u64 pfn)
{
	size_t n = page_encode(r->ram + pfn * PAGE_CODEC_PAGE, NULL, re.enc, &work);
	int err;

	if (re.open && (re.round != r->d.round || pfn < re.last))
		flush_pages();
	for (int tries = 0; tries < 2; tries++) {
		if (!re.open) {
			if (mig_pages_begin(&re.e, r->d.round, re.pages, sizeof(re.pages)))
				abort();
			re.open = true;
			re.round = r->d.round;
		}
		err = mig_pages_add(&re.e, pfn, re.enc, n);
		if (!err)
			break;
		if (err != -ENOSPC || tries)
			abort();
		flush_pages();
	}
	re.last = pfn + 1;
}

static int on_page(void *ctx, u64 pfn, unsigned enc, size_t len)
{
	struct run *r = ctx;

	if (pfn >= r->d.ram_pages || pfn >= RAM_PAGES || enc >= PAGE_ENC_COUNT || len < 1 ||
	    len > PAGE_CODEC_MAX)
		abort();
	r->pages++;
	if (reencoding(ctx))
		reencode_page(r, pfn);
	return 0;
}

static int on_round(void *ctx, const struct mig_round *rd)
{
	((struct run *)ctx)->rounds++;
	if (reencoding(ctx)) {
		flush_pages();
		emit(mig_encode_round(&re.e, rd, out_at(), OUT_CAP - re.len));
	}
	return 0;
}

static int on_state(void *ctx, const u8 *snap, size_t len)
{
	((struct run *)ctx)->state_hash = hash64(snap, len, len);
	if (reencoding(ctx)) {
		flush_pages();
		emit(mig_encode_state(&re.e, snap, len, out_at(), OUT_CAP - re.len));
	}
	return 0;
}

static int on_done(void *ctx, const struct mig_done *d)
{
	if (reencoding(ctx)) {
		flush_pages();
		emit(mig_encode_done(&re.e, out_at(), OUT_CAP - re.len));
	}
	return 0;
}

static int on_reply(void *ctx, u8 type, const char *reason)
{
	if (type != MIG_GO || reason)
		abort(); /* the source's stream carries no other reply */
	((struct run *)ctx)->go++;
	if (reencoding(ctx))
		emit(mig_encode_empty(&re.e, MIG_GO, out_at(), OUT_CAP - re.len));
	return 0;
}

static const struct mig_ops ops = {
	.hello = on_hello, .page_buffer = on_page_buffer, .page = on_page, .round = on_round,
	.state = on_state, .done = on_done, .reply = on_reply,
};

/* Pushes data to r's fresh decoder, split at split: its result. */
static int run(struct run *r, u8 *frame, const u8 *data, size_t size, size_t split, bool reencode)
{
	int err;

	memset(r, 0, offsetof(struct run, ram));
	memset(r->ram, 0, sizeof(r->ram));
	r->reencode = reencode;
	mig_decoder_init(&r->d, MIG_TO_DESTINATION, &ops, r, frame, FRAME_CAP, &work);
	err = mig_decoder_push(&r->d, data, split);
	if (!err)
		err = mig_decoder_push(&r->d, data + split, size - split);
	if (err && (!r->d.msg[0] || err != r->d.error ||
		    (err != -EBADMSG && err != -ENOTSUP && err != -EPROTO)))
		abort();
	if (err && mig_decoder_push(&r->d, data, size) != err)
		abort(); /* not sticky */
	return err;
}

static bool same_run(const struct run *x, const struct run *y)
{
	return x->d.error == y->d.error && !strcmp(x->d.msg, y->d.msg) && x->pages == y->pages &&
	       x->rounds == y->rounds && x->go == y->go && x->state_hash == y->state_hash &&
	       mig_decoder_done(&x->d) == mig_decoder_done(&y->d) &&
	       !memcmp(x->ram, y->ram, sizeof(x->ram));
}

static void check(const u8 *data, size_t size, size_t split)
{
	int err;

	memset(&re.e, 0, sizeof(re.e));
	mig_encoder_init(&re.e);
	re.len = 0;
	re.full = re.open = false;
	err = run(&a, frame_a, data, size, size, true);
	run(&b, frame_b, data, size, split, false);
	if (!same_run(&a, &b))
		abort(); /* the split changed the outcome */
	if (err || !mig_decoder_done(&a.d) || re.full)
		return;
	if (run(&c, frame_c, re.out, re.len, re.len, false) || !mig_decoder_done(&c.d) ||
	    !wire_same(&mig_hello_table, &a.hello, &c.hello) || a.pages != c.pages ||
	    a.rounds != c.rounds || a.go != c.go || a.state_hash != c.state_hash ||
	    memcmp(a.ram, c.ram, sizeof(a.ram)))
		abort(); /* the stream encoded again decodes otherwise */
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy;
	size_t split;

	if (size < 1)
		return 0;
	size--;
	split = size * data[0] / 255;
	copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	memcpy(copy, data + 1, size);
	check(copy, size, split);
	mb_repair(copy, size);
	check(copy, size, split);
	free(copy);
	return 0;
}
