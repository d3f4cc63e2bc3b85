// sources: proto/migrate_types.c proto/migrate_encoder.c proto/migrate_decoder.c proto/migrate_payloads.c proto/snapshot_cpuid.c proto/snapshot_types.c proto/snapshot_writer.c proto/snapshot_reader.c proto/page_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
// uses: lz4
/*
 * proto/migrate_*.c: a small guest's whole migration stream
 * (test/unit/mig_builder.h: two rounds of zero, raw, LZ4 and delta pages,
 * STATE, DONE, GO) pushed to a decoder in every split leaves the
 * destination's RAM identical to the source's. Each refusal the stream's
 * order and integrity rules call for is made, with its message naming the
 * frame; the encoder refuses what the decoder would; the destination's
 * replies (ACCEPT, READY, REFUSE) go the other way.
 */
#include "helpers.h"

#include "errno.h"
#include "endian.h"
#include "proto/migrate_proto.h"
#include "mig_builder.h"

#define FRAME_CAP (MIG_FRAME_HDR + MIG_PAYLOAD_MAX)
#define SMALL_PAGES_CAP (MIG_FRAME_HDR + MIG_PAGES_PREFIX + MIG_PAGE_RECORD_MAX)

/* The frames of the stream mb_build makes with one PAGES frame a round. */
enum { F_HELLO, F_PAGES0, F_ROUND0, F_PAGES1, F_ROUND1, F_STATE, F_DONE, F_GO, F_COUNT };

static u8 stream[MB_STREAM_MAX], bad[MB_STREAM_MAX], frame_buf[FRAME_CAP];
static struct mig_decoder dec;

/* What the decoder handed out. */
static struct got {
	unsigned hellos, pages, rounds, states, dones, calls;
	unsigned enc[PAGE_ENC_COUNT];
	struct mig_hello hello;
	struct mig_round round[4];
	struct mig_done done;
	u8 state[8192];
	size_t state_len;
	u8 replies[8];
	unsigned nreplies;
	char reason[MIG_REASON_MAX + 1];
	unsigned nheld;
	struct { u32 round; u64 pfn, hash; } held[8];
	u8 ram[SB_RAM];
} got;

/* What a decoder of the destination's replies expects of HOLDS. */
static u64 holds_ram = SB_PAGES;
static u32 holds_rounds = 2;

static int refuse_page_after = -1; /* page_buffer gives NULL after this many pages */
static int fail_page_after = -1;   /* page returns -EIO after this many pages */

static int on_hello(void *ctx, const struct mig_hello *h)
{
	got.calls++;
	got.hellos++;
	got.hello = *h;
	return 0;
}

static u8 *on_page_buffer(void *ctx, u64 pfn)
{
	if (pfn >= SB_PAGES || (refuse_page_after >= 0 && got.pages >= (unsigned)refuse_page_after))
		return NULL;
	return got.ram + pfn * SNAP_PAGE_SIZE;
}

static int on_page(void *ctx, u64 pfn, unsigned enc, size_t len)
{
	got.calls++;
	assert_true(pfn < SB_PAGES);
	assert_true(enc < PAGE_ENC_COUNT);
	assert_true(len >= 1 && len <= PAGE_CODEC_MAX);
	got.enc[enc]++;
	if (fail_page_after >= 0 && got.pages >= (unsigned)fail_page_after)
		return -EIO;
	got.pages++;
	return 0;
}

static int on_round(void *ctx, const struct mig_round *r)
{
	got.calls++;
	if (got.rounds < 4)
		got.round[got.rounds] = *r;
	got.rounds++;
	return 0;
}

static int on_state(void *ctx, const u8 *snap, size_t len)
{
	got.calls++;
	got.states++;
	assert_true(len <= sizeof(got.state));
	memcpy(got.state, snap, len);
	got.state_len = len;
	return 0;
}

static int on_done(void *ctx, const struct mig_done *d)
{
	got.calls++;
	got.dones++;
	got.done = *d;
	return 0;
}

static int on_reply(void *ctx, u8 type, const char *reason)
{
	got.calls++;
	if (got.nreplies < sizeof(got.replies))
		got.replies[got.nreplies++] = type;
	assert_true((type == MIG_REFUSE) == (reason != NULL));
	if (reason)
		strcpy(got.reason, reason);
	return 0;
}

static int on_held(void *ctx, u32 round, u64 pfn, u64 hash)
{
	got.calls++;
	if (got.nheld < 8) {
		got.held[got.nheld].round = round;
		got.held[got.nheld].pfn = pfn;
		got.held[got.nheld].hash = hash;
	}
	got.nheld++;
	return 0;
}

static const struct mig_ops ops = {
	.hello = on_hello, .page_buffer = on_page_buffer, .page = on_page, .round = on_round,
	.state = on_state, .done = on_done, .reply = on_reply, .held = on_held,
};

/* Pushes len bytes to a fresh decoder of direction dir, chunk bytes at a
 * time: the decoder's result. */
static int decode_dir(enum mig_direction dir, const u8 *data, size_t len, size_t chunk)
{
	int err = 0;

	memset(&got, 0, offsetof(struct got, ram));
	mig_decoder_init(&dec, dir, &ops, NULL, frame_buf, sizeof(frame_buf), &sb_work);
	if (dir == MIG_TO_SOURCE)
		mig_decoder_expect_holds(&dec, holds_ram, holds_rounds);
	for (size_t off = 0; off < len; off += chunk) {
		err = mig_decoder_push(&dec, data + off, len - off < chunk ? len - off : chunk);
		if (err)
			break;
	}
	assert_true(err == 0 || dec.msg[0]);
	return err;
}

static int decode(const u8 *data, size_t len)
{
	return decode_dir(MIG_TO_DESTINATION, data, len, len ? len : 1);
}

/* The frames of stream in the order given, into bad, made consistent
 * again (checksums for their new places, DONE's totals) when repair. */
static size_t splice(const unsigned *order, unsigned n, bool repair)
{
	size_t len = 0;

	for (unsigned i = 0; i < n; i++) {
		memcpy(bad + len, stream + mb_frames[order[i]].off, mb_frames[order[i]].len);
		len += mb_frames[order[i]].len;
	}
	if (repair)
		mb_repair(bad, len);
	return len;
}

/* A frame made by hand at out: its length. */
static size_t put_frame(u8 *out, u8 type, const void *payload, size_t len, u64 seq)
{
	out[0] = type;
	out[1] = 0;
	le_put(out + 2, 0, 2);
	le_put(out + 4, len, 4);
	if (len)
		memcpy(out + MIG_FRAME_HDR, payload, len);
	le_put(out + 8, mig_checksum(out, out + MIG_FRAME_HDR, len, seq), 8);
	return MIG_FRAME_HDR + len;
}

/* The frame at off given a new checksum for sequence number seq. */
static void reseal(u8 *f, u64 seq)
{
	size_t len = (size_t)le_get(f + 4, 4);

	le_put(f + 8, mig_checksum(f, f + MIG_FRAME_HDR, len, seq), 8);
}

static size_t build(size_t pages_cap)
{
	size_t n = mb_build(stream, sizeof(stream), pages_cap);

	assert_true(n > 0);
	return n;
}

static void expect_refused(int want_err, size_t len, const char *want_msg)
{
	int err = decode(bad, len);

	if (err != want_err || strcmp(dec.msg, want_msg))
		fail_msg("got %d \"%s\", want %d \"%s\"", err, dec.msg, want_err, want_msg);
}

/* --- the whole stream --------------------------------------------------------- */

static void expect_migrated(void)
{
	static u8 state[8192];
	size_t slen = mb_state(state, sizeof(state));
	struct snap_reader r;

	assert_int_equal(dec.error, 0);
	assert_true(mig_decoder_done(&dec));
	assert_int_equal(got.hellos, 1);
	assert_true(wire_same(&mig_hello_table, &got.hello, &mb_hello));
	assert_memory_equal(&got.hello.cpu, &mb_hello.cpu, sizeof(mb_hello.cpu));
	assert_int_equal(got.hello.version, MIG_VERSION);
	assert_string_equal(got.hello.backend, "vmx");
	assert_int_equal(got.pages, SB_PAGES + sizeof(mb_changed));
	assert_true(got.enc[PAGE_ENC_ZERO] && got.enc[PAGE_ENC_RAW] && got.enc[PAGE_ENC_LZ4]);
	assert_true(got.enc[PAGE_ENC_XOR_ZRUN] + got.enc[PAGE_ENC_XOR_LZ4] > 0);
	assert_int_equal(got.rounds, 2);
	assert_int_equal(got.round[0].round, 0);
	assert_int_equal(got.round[0].pages, SB_PAGES);
	assert_int_equal(got.round[1].round, 1);
	assert_int_equal(got.round[1].dirty_left, 0);
	assert_int_equal(got.states, 1);
	assert_int_equal(got.state_len, slen);
	assert_memory_equal(got.state, state, slen);
	assert_int_equal(snap_verify(&r, got.state, got.state_len, &sb_identity, NULL, NULL,
				     &sb_work), 0);
	assert_int_equal(got.dones, 1);
	assert_int_equal(got.done.frames, mb_nframes - 2); /* before DONE */
	assert_int_equal(got.done.pages, SB_PAGES + sizeof(mb_changed));
	assert_int_equal(got.nreplies, 1);
	assert_int_equal(got.replies[0], MIG_GO);
	assert_memory_equal(got.ram, sb_ram, SB_RAM);
}

static void roundtrip(size_t pages_cap)
{
	static const size_t chunks[] = { 1, 7, 4096 };
	size_t n = build(pages_cap);

	for (unsigned i = 0; i <= sizeof(chunks) / sizeof(chunks[0]); i++) {
		memset(got.ram, 0xEE, sizeof(got.ram)); /* round 0 writes every page */
		decode_dir(MIG_TO_DESTINATION, stream, n, i < 3 ? chunks[i] : n);
		expect_migrated();
	}
}

static void test_roundtrip_every_split(void **state)
{
	roundtrip(FRAME_CAP);
	assert_int_equal(mb_nframes, F_COUNT);
	assert_int_equal(mb_frames[F_PAGES0].type, MIG_PAGES);
	assert_int_equal(mb_frames[F_STATE].type, MIG_STATE);
}

/* Small PAGES frames: many a round, the same guest. */
static void test_roundtrip_small_frames(void **state)
{
	roundtrip(SMALL_PAGES_CAP);
	assert_true(mb_nframes > F_COUNT + 10);
}

/* Every prefix of the stream: no error, nothing past what came. */
static void test_prefixes_wait(void **state)
{
	size_t n = build(FRAME_CAP);

	for (size_t len = 0; len < n; len += len < 200 ? 1 : 1999) {
		assert_int_equal(decode(stream, len), 0);
		assert_false(mig_decoder_done(&dec));
	}
}

/* --- integrity: checksum, sequence ------------------------------------------------- */

#define CHECKSUM_MSG ": checksum mismatch (the frame is corrupt, or one was lost, repeated or reordered)"

static void test_corrupt_lost_reordered(void **state)
{
	static const unsigned dropped[] = { F_HELLO, F_PAGES0, F_PAGES1, F_ROUND1, F_STATE };
	static const unsigned swapped[] = { F_HELLO, F_PAGES0, F_PAGES1, F_ROUND0, F_ROUND1 };
	static const unsigned repeated[] = { F_HELLO, F_PAGES0, F_PAGES0 };
	size_t n = build(FRAME_CAP), round0 = mb_frames[F_ROUND0].off;

	memcpy(bad, stream, n);
	bad[mb_frames[F_PAGES0].off + 9] ^= 0x10; /* its checksum */
	expect_refused(-EBADMSG, n, "PAGES frame 1" CHECKSUM_MSG);
	assert_int_equal(got.pages, 0);

	memcpy(bad, stream, n);
	bad[round0 + MIG_FRAME_HDR + 5] ^= 0x01; /* a payload byte */
	expect_refused(-EBADMSG, n, "ROUND frame 2" CHECKSUM_MSG);
	assert_int_equal(got.rounds, 0);

	memcpy(bad, stream, n);
	bad[round0 + 4] ^= 0x01; /* the length */
	expect_refused(-EBADMSG, n, "ROUND frame 2: payload length 21 is not that of the frame type");

	expect_refused(-EBADMSG, splice(dropped, 5, false), "PAGES frame 2" CHECKSUM_MSG);
	expect_refused(-EBADMSG, splice(swapped, 5, false), "PAGES frame 2" CHECKSUM_MSG);
	expect_refused(-EBADMSG, splice(repeated, 3, false), "PAGES frame 2" CHECKSUM_MSG);
}

/* The first failure sticks: more bytes change nothing. */
static void test_sticky(void **state)
{
	size_t n = build(FRAME_CAP);
	char msg[sizeof(dec.msg)];

	memcpy(bad, stream, n);
	bad[mb_frames[F_ROUND0].off + 20] ^= 1;
	assert_int_equal(decode(bad, n), -EBADMSG);
	strcpy(msg, dec.msg);
	assert_int_equal(mig_decoder_push(&dec, stream, n), -EBADMSG);
	assert_string_equal(dec.msg, msg);
	assert_int_equal(got.rounds, 0);
}

/* --- the header ------------------------------------------------------------------------ */

static void test_header_refusals(void **state)
{
	static u8 small[1024];
	size_t n = build(FRAME_CAP);
	u8 hdr[MIG_FRAME_HDR];

	/* a length past the largest frame: refused as soon as the header is in */
	put_frame(hdr, MIG_PAGES, NULL, 0, 0);
	le_put(hdr + 4, MIG_PAYLOAD_MAX + 1, 4);
	mig_decoder_init(&dec, MIG_TO_DESTINATION, &ops, NULL, frame_buf, sizeof(frame_buf), &sb_work);
	assert_int_equal(mig_decoder_push(&dec, hdr, sizeof(hdr)), -EBADMSG);
	assert_string_equal(dec.msg, "PAGES frame 0: payload length 262145 exceeds the largest frame");

	/* past what this decoder's buffer holds */
	mig_decoder_init(&dec, MIG_TO_DESTINATION, &ops, NULL, small, sizeof(small), &sb_work);
	assert_int_equal(mig_decoder_push(&dec, stream, mb_frames[F_PAGES0].off + MIG_FRAME_HDR),
			 -EBADMSG);
	assert_non_null(strstr(dec.msg, "PAGES frame 1: payload length "));
	assert_non_null(strstr(dec.msg, " exceeds the largest frame"));

	memcpy(bad, stream, n);
	bad[1] = 1;
	expect_refused(-EBADMSG, n, "HELLO frame 0: flags or reserved bits set");
	memcpy(bad, stream, n);
	bad[3] = 0x80;
	expect_refused(-EBADMSG, n, "HELLO frame 0: flags or reserved bits set");

	/* types the direction does not carry */
	put_frame(bad, MIG_ACCEPT, NULL, 0, 0);
	expect_refused(-EPROTO, MIG_FRAME_HDR, "ACCEPT frame 0: not a frame the source sends");
	put_frame(bad, 99, NULL, 0, 0);
	expect_refused(-EPROTO, MIG_FRAME_HDR, "type 99 frame 0: not a frame the source sends");
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EPROTO);
	assert_string_equal(dec.msg, "HELLO frame 0: not a frame the destination sends");
	assert_int_equal(got.calls, 0);
}

/* --- HELLO -------------------------------------------------------------------------------- */

static void test_hello_refusals(void **state)
{
	static const unsigned twice[] = { F_HELLO, F_HELLO };
	size_t n = build(FRAME_CAP);

	memcpy(bad, stream, n);
	bad[MIG_FRAME_HDR + 2] = 'X';
	mb_repair(bad, n);
	expect_refused(-EBADMSG, n, "HELLO frame 0: bad magic (not USTDYMIG)");

	memcpy(bad, stream, n);
	le_put(bad + MIG_FRAME_HDR + 8, 4, 4);
	mb_repair(bad, n);
	expect_refused(-ENOTSUP, n, "HELLO frame 0: stream version 4 not supported (this decoder knows 3)");
	assert_int_equal(got.calls, 0);

	memcpy(bad, stream, n);
	le_put(bad + MIG_FRAME_HDR + MIG_HELLO_HEAD + 24, SB_RAM + 1, 8); /* ram_size */
	mb_repair(bad, n);
	expect_refused(-EBADMSG, n, "HELLO frame 0: ram_size is not a whole number of pages");

	/* the guest's CPU table after the fixed part: its count, its order */
	memcpy(bad, stream, n);
	le_put(bad + MIG_FRAME_HDR + MIG_HELLO_SIZE, 3, 4);
	mb_repair(bad, n);
	expect_refused(-EBADMSG, n, "HELLO frame 0: the guest's CPU: not the length of its count of leaves");
	memcpy(bad, stream, n);
	le_put(bad + MIG_FRAME_HDR + MIG_HELLO_SIZE + SNAP_CPUID_SIZE(1), 0, 4); /* leaf 0 twice */
	mb_repair(bad, n);
	expect_refused(-EBADMSG, n, "HELLO frame 0: the guest's CPU: leaves out of order or twice");
	assert_int_equal(got.calls, 0);

	expect_refused(-EBADMSG, splice(twice, 2, true), "HELLO frame 1: a second HELLO");
}

/* --- PAGES -------------------------------------------------------------------------------- */

/* A PAGES frame at seq 1 after the stream's HELLO, its payload by hand. */
static size_t hand_pages(const u8 *payload, size_t len)
{
	size_t n = mb_frames[F_HELLO].len;

	memcpy(bad, stream, n);
	return n + put_frame(bad + n, MIG_PAGES, payload, len, 1);
}

static void test_page_refusals(void **state)
{
	static const unsigned no_hello[] = { F_PAGES0 };
	static const unsigned after_state[] = { F_HELLO, F_PAGES0, F_ROUND0, F_STATE, F_PAGES1 };
	static const unsigned back[] = { F_HELLO, F_PAGES1, F_PAGES0 };
	static const u8 twice[] = { 0, 0, 0, 0, 2, 0, 0, 0, 5, PAGE_ENC_ZERO, 0, PAGE_ENC_ZERO };
	static const u8 too_many[] = { 0, 0, 0, 0, 3, 0, 0, 0, 5, PAGE_ENC_ZERO, 1, PAGE_ENC_ZERO };
	static const u8 too_few[] = { 0, 0, 0, 0, 1, 0, 0, 0, 5, PAGE_ENC_ZERO, 1, PAGE_ENC_ZERO };
	static const u8 none[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const u8 unknown[] = { 0, 0, 0, 0, 1, 0, 0, 0, 7, 9 };
	static const u8 wraps[] = { 0, 0, 0, 0, 2, 0, 0, 0, 5, PAGE_ENC_ZERO,
				    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
				    PAGE_ENC_ZERO };
	size_t n = build(FRAME_CAP);

	memcpy(bad, stream, n);
	le_put(bad + MIG_FRAME_HDR + MIG_HELLO_HEAD + 24, 8 * SNAP_PAGE_SIZE, 8);
	mb_repair(bad, n);
	expect_refused(-EBADMSG, n, "PAGES frame 1: page 8 beyond the guest's 8 pages");
	assert_int_equal(got.pages, 8);

	expect_refused(-EBADMSG, hand_pages(twice, sizeof(twice)),
		       "PAGES frame 1: pages not increasing (page 5 twice)");
	expect_refused(-EBADMSG, hand_pages(wraps, sizeof(wraps)),
		       "PAGES frame 1: page number overflows 64 bits");
	expect_refused(-EBADMSG, hand_pages(too_many, sizeof(too_many)),
		       "PAGES frame 1: page record truncated");
	expect_refused(-EBADMSG, hand_pages(too_few, sizeof(too_few)),
		       "PAGES frame 1: bytes after the last of its pages (count too small)");
	expect_refused(-EBADMSG, hand_pages(none, sizeof(none)), "PAGES frame 1: no pages in it");
	expect_refused(-EBADMSG, hand_pages(unknown, sizeof(unknown)),
		       "PAGES frame 1: page 7: page encoding of unknown kind");

	expect_refused(-EBADMSG, splice(no_hello, 1, true), "PAGES frame 0: came before HELLO");
	expect_refused(-EBADMSG, splice(after_state, 5, true), "PAGES frame 4: PAGES after STATE");
	expect_refused(-EBADMSG, splice(back, 3, true), "PAGES frame 2: round 0 after round 1");

	memcpy(bad, stream, n);
	refuse_page_after = 3;
	expect_refused(-EBADMSG, n, "PAGES frame 1: page 3 refused by the receiver");
	refuse_page_after = -1;
}

/* A callback's failure stops the decoder and is what push returns. */
static void test_callback_stops(void **state)
{
	size_t n = build(FRAME_CAP);

	memcpy(bad, stream, n);
	fail_page_after = 10;
	expect_refused(-EIO, n, "PAGES frame 1: the receiver stopped the stream (-5)");
	fail_page_after = -1;
	assert_int_equal(got.pages, 10);
	assert_int_equal(mig_decoder_push(&dec, stream, 1), -EIO);
}

/* --- ROUND, STATE, DONE, GO -------------------------------------------------------------------- */

static void test_order_refusals(void **state)
{
	static const unsigned round_back[] = { F_HELLO, F_PAGES0, F_ROUND0, F_PAGES1, F_ROUND1,
					       F_ROUND0 };
	static const unsigned state_twice[] = { F_HELLO, F_STATE, F_STATE };
	static const unsigned round_after_state[] = { F_HELLO, F_STATE, F_ROUND0 };
	static const unsigned done_early[] = { F_HELLO, F_PAGES0, F_ROUND0, F_DONE };
	static const unsigned after_done[] = { F_HELLO, F_STATE, F_DONE, F_ROUND1 };
	static const unsigned go_early[] = { F_HELLO, F_STATE, F_GO };
	static const unsigned after_go[] = { F_HELLO, F_STATE, F_DONE, F_GO, F_GO };
	static const unsigned state_first[] = { F_STATE };

	build(FRAME_CAP);
	expect_refused(-EBADMSG, splice(round_back, 6, true), "ROUND frame 5: round 0 after round 1");
	expect_refused(-EBADMSG, splice(state_twice, 3, true), "STATE frame 2: a second STATE");
	expect_refused(-EBADMSG, splice(round_after_state, 3, true), "ROUND frame 2: ROUND after STATE");
	expect_refused(-EBADMSG, splice(done_early, 4, true), "DONE frame 3: DONE before STATE");
	expect_refused(-EBADMSG, splice(after_done, 4, true), "ROUND frame 3: only GO may follow DONE");
	expect_refused(-EBADMSG, splice(go_early, 3, true), "GO frame 2: GO before DONE");
	expect_refused(-EBADMSG, splice(after_go, 5, true), "GO frame 4: nothing may follow GO");
	expect_refused(-EBADMSG, splice(state_first, 1, true), "STATE frame 0: came before HELLO");
	/* a short stream in order is taken whole */
	assert_int_equal(decode(bad, splice(after_go, 4, true)), 0);
	assert_true(mig_decoder_done(&dec));
	assert_int_equal(got.done.frames, 2);
	assert_int_equal(got.done.pages, 0);
}

/* DONE's totals and chain against what came. */
static void test_done_refusals(void **state)
{
	size_t n = build(FRAME_CAP), done = mb_frames[F_DONE].off + MIG_FRAME_HDR;
	u64 pages = le_get(stream + done + 8, 8);

	memcpy(bad, stream, n);
	le_put(bad + done + 8, pages + 1, 8);
	reseal(bad + done - MIG_FRAME_HDR, F_DONE);
	expect_refused(-EBADMSG, n, "DONE frame 6: says 6 frames and 72 pages, but 6 frames and 71 pages came");
	assert_int_equal(got.dones, 0);

	memcpy(bad, stream, n);
	le_put(bad + done, 5, 8);
	reseal(bad + done - MIG_FRAME_HDR, F_DONE);
	expect_refused(-EBADMSG, n, "DONE frame 6: says 5 frames and 71 pages, but 6 frames and 71 pages came");

	memcpy(bad, stream, n);
	bad[done + 16] ^= 0x20;
	reseal(bad + done - MIG_FRAME_HDR, F_DONE);
	expect_refused(-EBADMSG, n, "DONE frame 6: chain differs from the frames that came");
	assert_int_equal(got.dones, 0);
	assert_int_equal(got.replies[0], 0);
}

/* --- the encoder ------------------------------------------------------------------------------ */

static void test_encoder_refusals(void **state)
{
	static u8 out[FRAME_CAP], pbuf[FRAME_CAP], enc[PAGE_CODEC_MAX];
	struct mig_encoder e;
	struct mig_hello h = mb_hello;
	struct mig_round r = { 2, 0, 0 };
	u8 raw[PAGE_CODEC_MAX] = { PAGE_ENC_RAW }, zero = PAGE_ENC_ZERO;
	size_t small = MIG_FRAME_HDR + MIG_PAGES_PREFIX + MIG_PAGE_RECORD_MAX;

	mig_encoder_init(&e);
	assert_int_equal(mig_pages_begin(&e, 0, pbuf, sizeof(pbuf)), -EINVAL); /* before HELLO */
	assert_int_equal(mig_encode_round(&e, &r, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_state(&e, enc, 10, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_hello(&e, &h, out, 40), -ENOSPC);
	assert_int_equal(mig_encode_hello(&e, &h, out, MIG_FRAME_HDR + MIG_HELLO_SIZE + 4), -ENOSPC);
	h.cpu.count = 0; /* no CPU table */
	assert_int_equal(mig_encode_hello(&e, &h, out, sizeof(out)), -EINVAL);
	h.cpu = mb_hello.cpu;
	h.id.ram_size++;
	assert_int_equal(mig_encode_hello(&e, &h, out, sizeof(out)), -EINVAL);
	h.version = 77; /* the encoder says MIG_VERSION whatever */
	h.id.ram_size = SB_RAM;
	assert_int_equal(mig_encode_hello(&e, &h, out, sizeof(out)),
			 MIG_FRAME_HDR + MIG_HELLO_SIZE + SNAP_CPUID_SIZE(2));
	assert_int_equal(le_get(out + MIG_FRAME_HDR + 8, 4), MIG_VERSION);
	assert_int_equal(mig_encode_hello(&e, &h, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_empty(&e, MIG_ACCEPT, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_empty(&e, MIG_GO, out, sizeof(out)), -EINVAL); /* before DONE */
	assert_int_equal(mig_encode_empty(&e, MIG_HELLO, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_done(&e, out, sizeof(out)), -EINVAL); /* before STATE */

	/* pages: increasing, below RAM, in a frame that fits */
	assert_int_equal(mig_pages_add(&e, 1, &zero, 1), -EINVAL); /* no frame begun */
	assert_int_equal(mig_pages_finish(&e), -EINVAL);
	assert_int_equal(mig_pages_begin(&e, 2, pbuf, small - 1), -ENOSPC);
	assert_int_equal(mig_pages_begin(&e, 2, pbuf, small), 0);
	assert_int_equal(mig_pages_add(&e, 5, raw, sizeof(raw)), 0);
	assert_int_equal(mig_pages_add(&e, 6, raw, sizeof(raw)), -ENOSPC); /* full */
	assert_int_equal(mig_pages_add(&e, 5, &zero, 1), -EINVAL); /* not increasing */
	assert_int_equal(mig_pages_add(&e, 4, &zero, 1), -EINVAL); /* going back */
	assert_int_equal(mig_pages_begin(&e, 2, pbuf, sizeof(pbuf)), -EINVAL); /* one is open */
	assert_int_equal(mig_encode_state(&e, enc, 10, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_pages_finish(&e), MIG_FRAME_HDR + MIG_PAGES_PREFIX + 1 + PAGE_CODEC_MAX);
	assert_int_equal(mig_pages_begin(&e, 2, pbuf, sizeof(pbuf)), 0);
	assert_int_equal(mig_pages_add(&e, SB_PAGES, &zero, 1), -EINVAL); /* beyond RAM */
	raw[0] = PAGE_ENC_COUNT;
	assert_int_equal(mig_pages_add(&e, 9, raw, 3), -EINVAL); /* not an encoding */
	assert_int_equal(mig_pages_add(&e, 9, raw, 0), -EINVAL);
	assert_int_equal(mig_pages_finish(&e), 0); /* no pages: nothing to send */
	assert_int_equal(mig_pages_begin(&e, 1, pbuf, sizeof(pbuf)), -EINVAL); /* round back */
	r.round = 1;
	assert_int_equal(mig_encode_round(&e, &r, out, sizeof(out)), -EINVAL);
	r.round = 2;
	assert_int_equal(mig_encode_round(&e, &r, out, MIG_FRAME_HDR + MIG_ROUND_SIZE - 1), -ENOSPC);
	assert_int_equal(mig_encode_round(&e, &r, out, sizeof(out)), MIG_FRAME_HDR + MIG_ROUND_SIZE);

	/* STATE: not empty, not larger than a frame, once */
	assert_int_equal(mig_encode_state(&e, enc, 0, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_state(&e, out, MIG_PAYLOAD_MAX + 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_state(&e, enc, 100, out, MIG_FRAME_HDR + 99), -ENOSPC);
	assert_int_equal(mig_encode_state(&e, enc, 100, out, sizeof(out)), MIG_FRAME_HDR + 100);
	assert_int_equal(mig_encode_state(&e, enc, 100, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_pages_begin(&e, 3, pbuf, sizeof(pbuf)), -EINVAL); /* after STATE */
	assert_int_equal(mig_encode_done(&e, out, MIG_FRAME_HDR + MIG_DONE_SIZE - 1), -ENOSPC);
	assert_int_equal(mig_encode_done(&e, out, sizeof(out)), MIG_FRAME_HDR + MIG_DONE_SIZE);
	assert_int_equal(le_get(out + MIG_FRAME_HDR, 8), 4);     /* HELLO, PAGES, ROUND, STATE */
	assert_int_equal(le_get(out + MIG_FRAME_HDR + 8, 8), 1); /* pages */
	assert_int_equal(mig_encode_done(&e, out, sizeof(out)), -EINVAL);
	assert_int_equal(mig_encode_empty(&e, MIG_GO, out, MIG_FRAME_HDR - 1), -ENOSPC);
	assert_int_equal(mig_encode_empty(&e, MIG_GO, out, sizeof(out)), MIG_FRAME_HDR);
	assert_int_equal(mig_encode_empty(&e, MIG_GO, out, sizeof(out)), -EINVAL);
}

/* --- the destination's replies ------------------------------------------------------------------- */

static void test_replies(void **state)
{
	static const char long_reason[] =
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890123456789";
	struct mig_encoder e;
	size_t n = 0;

	mig_encoder_init(&e);
	assert_int_equal(mig_encode_empty(&e, MIG_READY, stream, sizeof(stream)), -EINVAL);
	n += (size_t)mig_encode_empty(&e, MIG_ACCEPT, stream + n, sizeof(stream) - n);
	assert_int_equal(mig_encode_empty(&e, MIG_ACCEPT, stream + n, sizeof(stream) - n), -EINVAL);
	assert_int_equal(mig_encode_hello(&e, &mb_hello, stream + n, sizeof(stream) - n), -EINVAL);
	n += (size_t)mig_encode_empty(&e, MIG_READY, stream + n, sizeof(stream) - n);
	assert_int_equal(n, 2 * MIG_FRAME_HDR);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, 1), 0);
	assert_int_equal(got.nreplies, 2);
	assert_int_equal(got.replies[0], MIG_ACCEPT);
	assert_int_equal(got.replies[1], MIG_READY);
	assert_true(dec.accept_seen && dec.ready_seen && !dec.refuse_seen);

	/* REFUSE with its reason, cut to MIG_REASON_MAX; nothing after it */
	mig_encoder_init(&e);
	assert_int_equal(mig_encode_refuse(&e, "another guest: kernel_hash 0x1", stream, 20), -ENOSPC);
	n = (size_t)mig_encode_refuse(&e, "another guest: kernel_hash 0x1", stream, sizeof(stream));
	assert_int_equal(mig_encode_empty(&e, MIG_ACCEPT, stream + n, sizeof(stream) - n), -EINVAL);
	assert_int_equal(mig_encode_refuse(&e, "again", stream + n, sizeof(stream) - n), -EINVAL);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, 3), 0);
	assert_int_equal(got.replies[0], MIG_REFUSE);
	assert_string_equal(got.reason, "another guest: kernel_hash 0x1");
	assert_true(dec.refuse_seen);

	mig_encoder_init(&e);
	n = (size_t)mig_encode_refuse(&e, long_reason, stream, sizeof(stream));
	assert_int_equal(n, MIG_FRAME_HDR + MIG_REASON_MAX);
	n += put_frame(stream + n, MIG_ACCEPT, NULL, 0, 1);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EBADMSG);
	assert_int_equal(strlen(got.reason), MIG_REASON_MAX);
	assert_memory_equal(got.reason, long_reason, MIG_REASON_MAX);
	assert_string_equal(dec.msg, "ACCEPT frame 1: nothing may follow REFUSE");

	n = put_frame(stream, MIG_READY, NULL, 0, 0);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "READY frame 0: READY before ACCEPT");
	n = put_frame(stream, MIG_ACCEPT, NULL, 0, 0);
	n += put_frame(stream + n, MIG_ACCEPT, NULL, 0, 1);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "ACCEPT frame 1: a second ACCEPT");
	n = put_frame(stream, MIG_GO, NULL, 0, 0);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EPROTO);
	assert_string_equal(dec.msg, "GO frame 0: not a frame the destination sends");
	n = put_frame(stream, MIG_REFUSE, long_reason, MIG_REASON_MAX + 1, 0);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "REFUSE frame 0: payload length 121 is not that of the frame type");
}

/* --- HOLDS: the destination's feedback --------------------------------------------------------- */

/* ACCEPT, then HOLDS frames for round 0 (pages 1, 5, 9 in one frame, 12
 * in a second) and round 1 (pages 0, 3), then READY: its length. */
static size_t build_holds(struct mig_encoder *e)
{
	static const u64 pages0[] = { 1, 5, 9 }, pages1[] = { 0, 3 };
	size_t n = 0;

	mig_encoder_init(e);
	n += (size_t)mig_encode_empty(e, MIG_ACCEPT, stream, sizeof(stream));
	assert_int_equal(mig_holds_begin(e, 0, SB_PAGES, stream + n, sizeof(stream) - n), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(mig_holds_add(e, pages0[i], 0x1000 + pages0[i]), 0);
	n += (size_t)mig_holds_finish(e);
	assert_int_equal(mig_holds_begin(e, 0, SB_PAGES, stream + n, sizeof(stream) - n), 0);
	assert_int_equal(mig_holds_add(e, 9, 1), -EINVAL);   /* reported in the frame before */
	assert_int_equal(mig_holds_add(e, 12, 0x100c), 0);
	n += (size_t)mig_holds_finish(e);
	assert_int_equal(mig_holds_begin(e, 1, SB_PAGES, stream + n, sizeof(stream) - n), 0);
	assert_int_equal(mig_holds_add(e, SB_PAGES, 1), -EINVAL); /* beyond RAM */
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(mig_holds_add(e, pages1[i], 0x2000 + pages1[i]), 0);
	n += (size_t)mig_holds_finish(e);
	n += (size_t)mig_encode_empty(e, MIG_READY, stream + n, sizeof(stream) - n);
	return n;
}

static void test_holds(void **state)
{
	static const u64 pfns[] = { 1, 5, 9, 12, 0, 3 };
	struct mig_encoder e;
	size_t n = build_holds(&e), hold0;

	assert_int_equal(mig_holds_begin(&e, 2, SB_PAGES, bad, sizeof(bad)), -EINVAL); /* after READY */
	for (size_t chunk = 1; chunk <= n; chunk += chunk < 20 ? 1 : 37) {
		assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, chunk), 0);
		assert_int_equal(got.nheld, 6);
		for (unsigned i = 0; i < 6; i++) {
			assert_int_equal(got.held[i].pfn, pfns[i]);
			assert_int_equal(got.held[i].round, i < 4 ? 0 : 1);
			assert_int_equal(got.held[i].hash, (i < 4 ? 0x1000 : 0x2000) + pfns[i]);
		}
	}
	/* the layout: round, count, then varint steps and 8-byte hashes */
	hold0 = MIG_FRAME_HDR;
	assert_int_equal(stream[hold0], MIG_HOLDS);
	assert_int_equal(le_get(stream + hold0 + 4, 4), MIG_PAGES_PREFIX + 3 * 9);
	assert_int_equal(le_get(stream + hold0 + MIG_FRAME_HDR, 4), 0);
	assert_int_equal(le_get(stream + hold0 + MIG_FRAME_HDR + 4, 4), 3);
	assert_int_equal(stream[hold0 + MIG_FRAME_HDR + 8], 1);
	assert_int_equal(le_get(stream + hold0 + MIG_FRAME_HDR + 9, 8), 0x1001);
	assert_int_equal(stream[hold0 + MIG_FRAME_HDR + 17], 4);

	/* round 1 not ended yet at the source */
	holds_rounds = 1;
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "HOLDS frame 3: round 1 has not ended (the source ended 1 rounds)");
	assert_int_equal(got.nheld, 4);
	holds_rounds = 2;
	/* a RAM smaller than the pages reported */
	holds_ram = 10;
	assert_int_equal(decode_dir(MIG_TO_SOURCE, stream, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "HOLDS frame 2: page 12 beyond the guest's 10 pages");
	holds_ram = SB_PAGES;
}

/* HOLDS frames made by hand: each refused with its reason. */
static void expect_holds_refused(const u8 *payload, size_t len, bool accept, const char *msg)
{
	size_t n = 0;

	if (accept)
		n += put_frame(bad, MIG_ACCEPT, NULL, 0, 0);
	n += put_frame(bad + n, MIG_HOLDS, payload, len, accept);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, bad, n, n), -EBADMSG);
	assert_string_equal(dec.msg, msg);
}

static void test_holds_refusals(void **state)
{
	/* round 0, 2 pages: 3 then 3 again; 3 then 2 (a step of 0 is refused
	 * first); one page and a short hash; count 1 with 2 records */
	static const u8 twice[] = { 0, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8,
				    0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 short_hash[] = { 0, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3 };
	static const u8 extra[] = { 0, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const u8 none[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const u8 round1[] = { 1, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 round0[] = { 0, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 round0_low[] = { 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t n;

	expect_holds_refused(round0, sizeof(round0), false, "HOLDS frame 0: HOLDS before ACCEPT");
	expect_holds_refused(twice, sizeof(twice), true, "HOLDS frame 1: pages not increasing (page 3 twice)");
	expect_holds_refused(short_hash, sizeof(short_hash), true, "HOLDS frame 1: page record truncated");
	expect_holds_refused(extra, sizeof(extra), true,
			     "HOLDS frame 1: bytes after the last of its pages (count too small)");
	expect_holds_refused(none, sizeof(none), true, "HOLDS frame 1: no pages in it");
	holds_rounds = 0;
	expect_holds_refused(round0, sizeof(round0), true,
			     "HOLDS frame 1: round 0 has not ended (the source ended 0 rounds)");
	holds_rounds = 2;

	/* a round going back; a page of a round's earlier frame again */
	n = put_frame(bad, MIG_ACCEPT, NULL, 0, 0);
	n += put_frame(bad + n, MIG_HOLDS, round1, sizeof(round1), 1);
	n += put_frame(bad + n, MIG_HOLDS, round0, sizeof(round0), 2);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, bad, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "HOLDS frame 2: round 0 after round 1");
	n = put_frame(bad, MIG_ACCEPT, NULL, 0, 0);
	n += put_frame(bad + n, MIG_HOLDS, round0, sizeof(round0), 1);
	n += put_frame(bad + n, MIG_HOLDS, round0_low, sizeof(round0_low), 2);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, bad, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "HOLDS frame 2: page 2 reported again or out of order in round 0");
	/* the same frame, a round later, is taken */
	n = put_frame(bad, MIG_ACCEPT, NULL, 0, 0);
	n += put_frame(bad + n, MIG_HOLDS, round0, sizeof(round0), 1);
	n += put_frame(bad + n, MIG_HOLDS, round1, sizeof(round1), 2);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, bad, n, n), 0);
	assert_int_equal(got.nheld, 2);
	/* after READY; a bad checksum; in the source's stream */
	n = put_frame(bad, MIG_ACCEPT, NULL, 0, 0);
	n += put_frame(bad + n, MIG_READY, NULL, 0, 1);
	n += put_frame(bad + n, MIG_HOLDS, round0, sizeof(round0), 2);
	assert_int_equal(decode_dir(MIG_TO_SOURCE, bad, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "HOLDS frame 2: HOLDS after READY");
	n = put_frame(bad, MIG_ACCEPT, NULL, 0, 0);
	n += put_frame(bad + n, MIG_HOLDS, round0, sizeof(round0), 1);
	bad[n - 1] ^= 1;
	assert_int_equal(decode_dir(MIG_TO_SOURCE, bad, n, n), -EBADMSG);
	assert_string_equal(dec.msg, "HOLDS frame 1: checksum mismatch (the frame is corrupt, or one "
				     "was lost, repeated or reordered)");
	n = put_frame(bad, MIG_HOLDS, round0, sizeof(round0), 0);
	assert_int_equal(decode(bad, n), -EPROTO);
	assert_string_equal(dec.msg, "HOLDS frame 0: not a frame the source sends");
	/* a decoder never told of rounds or RAM refuses every HOLDS */
	holds_rounds = 0;
	holds_ram = 0;
	expect_holds_refused(round0, sizeof(round0), true,
			     "HOLDS frame 1: round 0 has not ended (the source ended 0 rounds)");
	holds_rounds = 2;
	expect_holds_refused(round0, sizeof(round0), true, "HOLDS frame 1: page 3 beyond the guest's 0 pages");
	holds_ram = SB_PAGES;
}

static void test_holds_encoder_refusals(void **state)
{
	struct mig_encoder e;

	mig_encoder_init(&e);
	assert_int_equal(mig_holds_begin(&e, 0, SB_PAGES, bad, sizeof(bad)), -EINVAL); /* before ACCEPT */
	mig_encode_empty(&e, MIG_ACCEPT, bad, sizeof(bad));
	assert_int_equal(mig_holds_begin(&e, 0, SB_PAGES, bad, MIG_FRAME_HDR + MIG_PAGES_PREFIX), -ENOSPC);
	assert_int_equal(mig_holds_begin(&e, 1, SB_PAGES, bad, sizeof(bad)), 0);
	assert_int_equal(mig_pages_add(&e, 1, (const u8 *)"\0", 1), -EINVAL); /* not a PAGES frame */
	assert_int_equal(mig_pages_finish(&e), -EINVAL);
	assert_int_equal(mig_holds_finish(&e), 0); /* empty: nothing to send */
	assert_int_equal(mig_holds_begin(&e, 0, SB_PAGES, bad, sizeof(bad)), -EINVAL); /* round back */
	assert_int_equal(mig_holds_add(&e, 1, 1), -EINVAL); /* no frame open */
	/* full: -ENOSPC, then the page starts the next frame */
	assert_int_equal(mig_holds_begin(&e, 1, SB_PAGES, bad,
					 MIG_FRAME_HDR + MIG_PAGES_PREFIX + MIG_HOLD_RECORD_MAX), 0);
	assert_int_equal(mig_holds_add(&e, 1, 1), 0);
	assert_int_equal(mig_holds_add(&e, 2, 2), 0);   /* 9 bytes each: two fit */
	assert_int_equal(mig_holds_add(&e, 3, 3), -ENOSPC);
	assert_true(mig_holds_finish(&e) > 0);
	assert_int_equal(mig_holds_begin(&e, 1, SB_PAGES, bad, sizeof(bad)), 0);
	assert_int_equal(mig_holds_add(&e, 2, 2), -EINVAL);
	assert_int_equal(mig_holds_add(&e, 3, 3), 0);
}

/* --- layout ------------------------------------------------------------------------------------- */

/* The layout docs/migration.md gives, byte by byte: HELLO, ROUND, DONE
 * and the chain over the frames before DONE. */
static void test_layout_by_hand(void **state)
{
	size_t n = build(FRAME_CAP), off;
	const u8 *f = stream, *p = stream + MIG_FRAME_HDR;
	u8 le[8];
	u64 chain = 0;

	assert_true(n > 0);
	assert_int_equal(f[0], MIG_HELLO);
	assert_int_equal(f[1], 0);
	assert_int_equal(le_get(f + 2, 2), 0);
	assert_int_equal(le_get(f + 4, 4), MIG_HELLO_SIZE + SNAP_CPUID_SIZE(2));
	assert_memory_equal(p, "USTDYMIG", 8);
	assert_int_equal(le_get(p + 8, 4), MIG_VERSION);
	assert_int_equal(le_get(p + 12, 8), mb_hello.id.kernel_hash);
	assert_int_equal(le_get(p + 20, 8), mb_hello.id.modules_hash);
	assert_int_equal(le_get(p + 28, 8), mb_hello.id.cmdline_hash);
	assert_int_equal(le_get(p + 36, 8), SB_RAM);
	assert_int_equal(le_get(p + 44, 8), 2000000000);
	assert_memory_equal(p + 52, "vmx\0\0\0\0\0", 8);
	assert_int_equal(le_get(p + 60, 4), 2);          /* the CPU table: 2 leaves */
	assert_int_equal(le_get(p + 64, 4), 0);          /* leaf 0, subleaf 0, EAX... */
	assert_int_equal(le_get(p + 72, 4), 0xD);
	assert_int_equal(le_get(p + 88, 4), 0x80000008); /* the second leaf */
	/* checksum: XXH3-64 of bytes 0-7 then the payload, seeded with 0 */
	memcpy(bad, f, 8);
	memcpy(bad + 8, p, MIG_HELLO_SIZE + SNAP_CPUID_SIZE(2));
	assert_int_equal(le_get(f + 8, 8), hash64(bad, 8 + MIG_HELLO_SIZE + SNAP_CPUID_SIZE(2), 0));

	p = stream + mb_frames[F_ROUND0].off + MIG_FRAME_HDR;
	assert_int_equal(le_get(p, 4), 0);
	assert_int_equal(le_get(p + 4, 8), SB_PAGES);
	assert_int_equal(le_get(p + 12, 8), sizeof(mb_changed));
	p = stream + mb_frames[F_PAGES1].off + MIG_FRAME_HDR;
	assert_int_equal(le_get(p, 4), 1);                  /* round */
	assert_int_equal(le_get(p + 4, 4), sizeof(mb_changed)); /* count */
	assert_int_equal(p[8], mb_changed[0]);              /* the first page, over 0 */

	for (unsigned i = 0; i < F_DONE; i++) {
		le_put(le, le_get(stream + mb_frames[i].off + 8, 8), 8);
		chain = hash64(le, 8, chain);
	}
	off = mb_frames[F_DONE].off + MIG_FRAME_HDR;
	assert_int_equal(le_get(stream + off, 8), F_DONE);
	assert_int_equal(le_get(stream + off + 8, 8), SB_PAGES + sizeof(mb_changed));
	assert_int_equal(le_get(stream + off + 16, 8), chain);
}

static void test_frame_names(void **state)
{
	assert_string_equal(mig_frame_name(MIG_HELLO), "HELLO");
	assert_string_equal(mig_frame_name(MIG_GO), "GO");
	assert_string_equal(mig_frame_name(MIG_REFUSE), "REFUSE");
	assert_string_equal(mig_frame_name(200), "type 200");
	assert_null(mig_type(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_every_split),
		cmocka_unit_test(test_roundtrip_small_frames),
		cmocka_unit_test(test_prefixes_wait),
		cmocka_unit_test(test_corrupt_lost_reordered),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_header_refusals),
		cmocka_unit_test(test_hello_refusals),
		cmocka_unit_test(test_page_refusals),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_order_refusals),
		cmocka_unit_test(test_done_refusals),
		cmocka_unit_test(test_encoder_refusals),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_holds_refusals),
		cmocka_unit_test(test_holds_encoder_refusals),
		cmocka_unit_test(test_layout_by_hand),
		cmocka_unit_test(test_frame_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
