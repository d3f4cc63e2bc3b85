/*
 * A source's whole migration stream of the small guest of snap_builder.h,
 * for the migration tests and the fuzzer's seeds: HELLO, round 0 with
 * every page (zero, raw and LZ4 encodings), ROUND, round 1 with the pages
 * the guest changed meanwhile (delta encodings against round 0's copies,
 * a page turned zero, a zero page filled), ROUND, STATE (a snapshot
 * without memory), DONE, GO. Also mb_repair, which makes checksums and
 * DONE right again after a test or the fuzzer changed a stream.
 * The includer brings an errno.h (the project's or the C library's).
 */
#ifndef UNDERSTUDY_TEST_UNIT_MIG_BUILDER_H
#define UNDERSTUDY_TEST_UNIT_MIG_BUILDER_H

#include <string.h>

#include "endian.h"
#include "proto/migrate_proto.h"
#include "snap_builder.h"

#define MB_FRAMES_MAX 128
#define MB_STREAM_MAX (SB_RAM * 2 + 65536)

/* Where each frame of the last stream built is. */
struct mb_frame {
	size_t off, len;
	u8 type;
};
static struct mb_frame mb_frames[MB_FRAMES_MAX];
static unsigned mb_nframes;

static u8 mb_prev[SB_RAM];            /* the guest's RAM as round 0 sent it */
static u8 mb_page_buf[MIG_FRAME_HDR + MIG_PAYLOAD_MAX];
static const u8 mb_changed[] = { 1, 2, 3, 4, 6, 9, 13 }; /* pages round 1 sends */

static const struct mig_hello mb_hello = {
	.version = MIG_VERSION,
	.id = { 0x1111222233334444ULL, 0x5555, 0x6666777788889999ULL, SB_RAM },
	.tsc_hz = 2000000000,
	.backend = "vmx",
	.cpu = { 2, { { 0, 0, 0xD, 0x756E6547, 0x6C65746E, 0x49656E69 },
		      { 0x80000008, 0, 0x3030, 0, 0, 0 } } },
};

/* A snapshot of the small guest without MEMORY, as STATE carries it: its
 * length (0 on failure). */
static inline size_t mb_state(u8 *out, size_t cap)
{
	static u8 scratch[SNAP_SCRATCH_MIN];
	struct snap_buf buf = { out, cap, 0 };
	struct snap_writer w;
	struct snap_vcpu v;
	struct snap_device d;
	struct snap_rr rr = { .landmark = 987654, .device_time_ns = 5000000000ULL };
	int err;

	sb_vcpu(&v);
	snap_writer_init(&w, snap_buf_sink, &buf, scratch, sizeof(scratch), &sb_work);
	err = snap_write_header(&w, &sb_header);
	err = err ? err : snap_write_vcpu(&w, &v);
	sb_device(&d, "uart0", 1, sb_uart_state, sizeof(sb_uart_state));
	err = err ? err : snap_write_device(&w, &d, true);
	err = err ? err : snap_write_rr(&w, &rr);
	err = err ? err : snap_write_end(&w);
	return err ? 0 : buf.len;
}

/* Round 1's changes to the guest: small edits (deltas), a random page
 * turned zero, a zero page filled with text. */
static inline void mb_change_ram(void)
{
	for (unsigned i = 0; i < sizeof(mb_changed); i++) {
		u8 *p = sb_ram + mb_changed[i] * SNAP_PAGE_SIZE;

		if (mb_changed[i] == 3)
			memset(p, 0, SNAP_PAGE_SIZE);
		else if (mb_changed[i] == 4)
			memcpy(p, sb_ram + 1 * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
		else
			for (unsigned k = 0; k < 64; k++)
				p[(k * 61 + mb_changed[i]) % SNAP_PAGE_SIZE] ^= (u8)(k + 1);
	}
}

/* Appends a frame (n: the encoder's return) to the stream's frame list. */
static inline bool mb_note(u8 *out, size_t *len, int n)
{
	if (n <= 0 || mb_nframes == MB_FRAMES_MAX)
		return n == 0;
	mb_frames[mb_nframes++] = (struct mb_frame){ *len, (size_t)n, out[*len] };
	*len += (size_t)n;
	return true;
}

/* A PAGES frame built in mb_page_buf, copied to the stream. */
static inline bool mb_flush(struct mig_encoder *e, u8 *out, size_t cap, size_t *len)
{
	int n = mig_pages_finish(e);

	if (n < 0 || cap - *len < (size_t)n)
		return false;
	memcpy(out + *len, mb_page_buf, (size_t)n);
	return mb_note(out, len, n);
}

/* One page of a round, in a frame of at most pages_cap bytes. */
static inline bool mb_page(struct mig_encoder *e, u32 round, u64 pfn, const u8 *prev, u8 *out,
		    size_t cap, size_t *len, size_t pages_cap)
{
	static u8 enc[PAGE_CODEC_MAX];
	size_t n = page_encode(sb_ram + pfn * SNAP_PAGE_SIZE, prev, enc, &sb_work);
	int err = mig_pages_add(e, pfn, enc, n);

	if (err == -ENOSPC) {
		if (!mb_flush(e, out, cap, len) || mig_pages_begin(e, round, mb_page_buf, pages_cap))
			return false;
		err = mig_pages_add(e, pfn, enc, n);
	}
	return !err;
}

/* The whole stream into out (cap bytes), PAGES frames of at most
 * pages_cap bytes: its length, 0 on failure. sb_ram ends as the guest's
 * RAM after round 1 (what the destination must hold). */
static inline size_t mb_build(u8 *out, size_t cap, size_t pages_cap)
{
	static u8 state[8192];
	struct mig_encoder e;
	struct mig_round r0 = { 0, SB_PAGES, sizeof(mb_changed) }, r1 = { 1, sizeof(mb_changed), 0 };
	size_t len = 0, slen = mb_state(state, sizeof(state));
	bool ok;

	mb_nframes = 0;
	sb_fill_ram();
	mig_encoder_init(&e);
	ok = slen && mb_note(out, &len, mig_encode_hello(&e, &mb_hello, out, cap));
	ok = ok && !mig_pages_begin(&e, 0, mb_page_buf, pages_cap);
	for (u64 pg = 0; pg < SB_PAGES && ok; pg++)
		ok = mb_page(&e, 0, pg, NULL, out, cap, &len, pages_cap);
	ok = ok && mb_flush(&e, out, cap, &len);
	ok = ok && mb_note(out, &len, mig_encode_round(&e, &r0, out + len, cap - len));
	memcpy(mb_prev, sb_ram, SB_RAM);
	mb_change_ram();
	ok = ok && !mig_pages_begin(&e, 1, mb_page_buf, pages_cap);
	for (unsigned i = 0; i < sizeof(mb_changed) && ok; i++)
		ok = mb_page(&e, 1, mb_changed[i], mb_prev + mb_changed[i] * SNAP_PAGE_SIZE, out, cap,
			     &len, pages_cap);
	ok = ok && mb_flush(&e, out, cap, &len);
	ok = ok && mb_note(out, &len, mig_encode_round(&e, &r1, out + len, cap - len));
	ok = ok && mb_note(out, &len, mig_encode_state(&e, state, slen, out + len, cap - len));
	ok = ok && mb_note(out, &len, mig_encode_done(&e, out + len, cap - len));
	ok = ok && mb_note(out, &len, mig_encode_empty(&e, MIG_GO, out + len, cap - len));
	return ok ? len : 0;
}

/*
 * Makes a changed stream consistent again: every whole frame's checksum
 * for its place, DONE's frame and page counts and chain for what came
 * before it. Frames that do not parse are left as they are (and end it).
 */
static inline void mb_repair(u8 *s, size_t len)
{
	u64 seq = 0, chain = 0, pages = 0, sum;
	size_t off, plen;
	bool done = false;

	for (off = 0; len - off >= MIG_FRAME_HDR; off += MIG_FRAME_HDR + plen, seq++) {
		u8 *f = s + off;

		plen = (size_t)le_get(f + 4, 4);
		if (plen > len - off - MIG_FRAME_HDR)
			return;
		if (f[0] == MIG_PAGES && plen >= MIG_PAGES_PREFIX)
			pages += le_get(f + MIG_FRAME_HDR + 4, 4);
		if (f[0] == MIG_DONE && plen >= MIG_DONE_SIZE) {
			le_put(f + MIG_FRAME_HDR, seq, 8);
			le_put(f + MIG_FRAME_HDR + 8, pages, 8);
			le_put(f + MIG_FRAME_HDR + 16, chain, 8);
		}
		sum = mig_checksum(f, f + MIG_FRAME_HDR, plen, seq);
		le_put(f + 8, sum, 8);
		done |= f[0] == MIG_DONE;
		if (!done)
			chain = mig_chain_next(chain, sum);
	}
}

#endif
