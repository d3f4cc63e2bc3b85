/*
 * The live-migration stream, version 3 (docs/migration.md): what a source
 * Understudy sends a destination over TCP while it migrates a running
 * guest, and the destination's few replies.
 *
 * Both directions are a sequence of frames. A frame is a 16-byte header,
 * then its payload:
 *   u8 type, u8 flags (0), u16 reserved (0), u32 payload length,
 *   u64 checksum: XXH3-64 of the header's first 8 bytes and the payload,
 *       seeded with the frame's sequence number in its direction (0, 1,
 *       2, ...), so a frame lost, repeated or reordered is caught.
 *
 * Source to destination, in this order:
 *   HELLO    once, first: magic "USTDYMIG", version, the guest identity
 *            (the snapshot's: kernel, modules and command-line hashes, RAM
 *            size), the source's TSC frequency and backend name.
 *   PAGES    any number, each in a round (rounds never go back): the
 *            round, a page count, then per page a varint of the page
 *            number's increase over the previous page of the frame (the
 *            first: over 0; pages strictly increase within a frame) and
 *            the page's encoding (proto/page_codec.h); a delta encoding is
 *            against the copy the destination already holds.
 *   ROUND    ends a round: its number, the pages sent in it, and the dirty
 *            pages the source still had when it ended (informational).
 *   STATE    once, after the last PAGES: a snapshot (proto/snapshot.h)
 *            holding VCPU, DEVICE and RR sections and no MEMORY.
 *   DONE     last: frames before it, pages in all PAGES frames, and the
 *            chain: XXH3-64 chained over every earlier frame's checksum.
 * Destination to source:
 *   ACCEPT   after a HELLO it takes.
 *   REFUSE   a reason (text): the destination will take nothing more.
 *   HOLDS    after each ROUND it applied, any number per round (rounds
 *            never go back): the round, a count, then per page received in
 *            that round a varint of the page number's increase (as PAGES;
 *            pages strictly increase across all HOLDS frames of a round)
 *            and the XXH3-64 (seed 0) of the page as the destination now
 *            holds it: the source sends a delta only against a copy whose
 *            hash the destination confirmed (seed 000's feedback).
 *   READY    after DONE: everything arrived and verified; the destination
 *            holds the whole VM and waits for GO.
 * Source to destination after READY:
 *   GO       the source has stopped its guest for good: the destination
 *            resumes it. (A destination that loses the source before GO
 *            discards what it received.)
 *
 * Pure code for the hypervisor and the host tools: no heap (the caller
 * lends buffers), and every byte received is outside input.
 */
#ifndef UNDERSTUDY_PROTO_MIGRATE_PROTO_H
#define UNDERSTUDY_PROTO_MIGRATE_PROTO_H

#include "proto/page_codec.h"
#include "proto/snapshot.h"
#include "proto/snapshot_cpuid.h"
#include "proto/wire.h"
#include "types.h"

#define MIG_MAGIC "USTDYMIG"
#define MIG_VERSION 3
#define MIG_FRAME_HDR 16
#define MIG_PAYLOAD_MAX (256u << 10)   /* largest frame payload */
#define MIG_REASON_MAX 120             /* bytes of a REFUSE reason */
#define MIG_BACKEND_NAME 8
#define MIG_PAGES_PREFIX 8             /* PAGES and HOLDS: round, count */
#define MIG_HOLD_RECORD_MAX (10 + 8)   /* HOLDS: varint, hash */
#define MIG_PAGE_RECORD_MAX (10 + PAGE_CODEC_MAX) /* varint, encoding */
#define MIG_HELLO_HEAD 12              /* HELLO: magic, version */
#define MIG_HELLO_SIZE 60              /* HELLO's fixed part; the CPU table follows */
#define MIG_ROUND_SIZE 20
#define MIG_DONE_SIZE 24

enum mig_frame_type {
	MIG_HELLO = 1,
	MIG_PAGES = 2,
	MIG_ROUND = 3,
	MIG_STATE = 4,
	MIG_DONE = 5,
	MIG_ACCEPT = 16,
	MIG_REFUSE = 17,
	MIG_READY = 18,
	MIG_GO = 19,
	MIG_HOLDS = 20,
};

struct mig_hello {
	u32 version;
	struct snap_identity id;
	u64 tsc_hz;
	char backend[MIG_BACKEND_NAME + 1];
	struct snap_cpuid cpu; /* the CPU the guest sees */
};

struct mig_round {
	u32 round;
	u64 pages;       /* sent in this round */
	u64 dirty_left;  /* dirty pages the source still had */
};

/* The prefix of a PAGES or HOLDS frame; the page records follow. */
struct mig_pages {
	u32 round;
	u32 count;       /* page records that follow */
};

struct mig_done {
	u64 frames;      /* frames before DONE, HELLO included */
	u64 pages;       /* in all PAGES frames */
	u64 chain;       /* XXH3-64 chained over each earlier frame's checksum */
};

/* The frame's name ("HELLO", ...), or "type <n>" in a static buffer. */
const char *mig_frame_name(u8 type);

/* --- the records and frame types (proto/migrate_types.c) ------------------------ */

extern const struct wire_table mig_hello_head_table; /* magic, version (a struct mig_hello) */
extern const struct wire_table mig_hello_table;      /* the rest of HELLO */
extern const struct wire_table mig_pages_table;      /* struct mig_pages (PAGES, HOLDS) */
extern const struct wire_table mig_round_table;
extern const struct wire_table mig_done_table;

/* What each frame type is: who sends it and the payload lengths it may
 * have (HELLO's upper bound is checked after its version). */
struct mig_type_info {
	u8 type;
	u8 dir;             /* enum mig_direction: the stream that carries it */
	const char *name;
	u32 min, max;       /* payload bytes */
};

/* The type's description, or NULL for a type neither stream carries. */
const struct mig_type_info *mig_type(u8 type);

/* A frame's checksum: XXH3-64 of the header's first 8 bytes (hdr) and the
 * payload, seeded with the frame's sequence number. */
u64 mig_checksum(const u8 *hdr, const u8 *payload, size_t len, u64 seq);
/* The chain after a frame with this checksum: XXH3-64 of the checksum's 8
 * little-endian bytes, seeded with the chain so far (0 before the first). */
u64 mig_chain_next(u64 chain, u64 checksum);

/* --- sending ------------------------------------------------------------------- */

/*
 * Builds the frames of one direction into caller buffers. Each call writes
 * one whole frame into out (cap bytes) and returns its length, or a
 * negative errno: -ENOSPC when out is too small, -EINVAL for a frame the
 * receiver would refuse (out of order, a page number going back). The
 * encoder keeps the sequence number, the chain and the totals DONE
 * carries.
 */
struct mig_encoder {
	u64 seq;            /* frames so far in this direction */
	u64 chain;
	u64 pages;          /* in PAGES frames so far */
	u32 round;          /* of the last PAGES or ROUND */
	bool hello_sent, state_sent, done_sent;
	/* a PAGES or HOLDS frame being built (mig_pages_*, mig_holds_*) */
	u8 list_type;       /* MIG_PAGES or MIG_HOLDS */
	u8 *pages_buf;
	size_t pages_cap, pages_len;
	u32 pages_count;
	u64 pages_last;     /* page number of the last page added, + 1 (0: none yet) */
	u32 pages_round;    /* the round of the PAGES frame being built */
	u64 ram_pages;      /* from HELLO (or mig_holds_begin): page numbers stay below it */
	u64 holds_next;     /* HOLDS: lowest page number the round may still report */
	/* the destination's replies (mig_encode_empty, mig_encode_refuse) */
	bool accept_sent, ready_sent, refuse_sent, go_sent;
};

void mig_encoder_init(struct mig_encoder *e);

/* HELLO says MIG_VERSION whatever h->version holds; ram_size must be a
 * whole number of pages. */
int mig_encode_hello(struct mig_encoder *e, const struct mig_hello *h, u8 *out, size_t cap);
int mig_encode_round(struct mig_encoder *e, const struct mig_round *r, u8 *out, size_t cap);
/* STATE: snap (len bytes, at most MIG_PAYLOAD_MAX) as its payload. */
int mig_encode_state(struct mig_encoder *e, const u8 *snap, size_t len, u8 *out, size_t cap);
int mig_encode_done(struct mig_encoder *e, u8 *out, size_t cap);
/* Frames without payload (ACCEPT, READY, GO) and REFUSE with its reason
 * (cut to MIG_REASON_MAX). */
int mig_encode_empty(struct mig_encoder *e, u8 type, u8 *out, size_t cap);
int mig_encode_refuse(struct mig_encoder *e, const char *reason, u8 *out, size_t cap);

/*
 * A PAGES frame, page by page: begin it in round into buf (cap bytes, at
 * least MIG_FRAME_HDR + MIG_PAGES_PREFIX + MIG_PAGE_RECORD_MAX); add pages
 * in increasing page number with their encoding (page_encode's output);
 * -ENOSPC from add means the frame is full (finish it, begin another);
 * finish seals it and returns the frame's length (0 when it holds no page:
 * nothing to send). The frame lives in buf.
 */
int mig_pages_begin(struct mig_encoder *e, u32 round, u8 *buf, size_t cap);
int mig_pages_add(struct mig_encoder *e, u64 pfn, const u8 *enc, size_t enc_len);
int mig_pages_finish(struct mig_encoder *e);

/*
 * A HOLDS frame (the destination, after ACCEPT and before READY), built
 * like PAGES: begin it for round (of ram_pages pages) into buf (cap bytes,
 * at least MIG_FRAME_HDR + MIG_PAGES_PREFIX + MIG_HOLD_RECORD_MAX); add
 * each page with the hash of what it holds, pages increasing across the
 * round's frames; finish returns the frame's length (0: no page in it).
 */
int mig_holds_begin(struct mig_encoder *e, u32 round, u64 ram_pages, u8 *buf, size_t cap);
int mig_holds_add(struct mig_encoder *e, u64 pfn, u64 hash);
int mig_holds_finish(struct mig_encoder *e);

/* --- receiving ----------------------------------------------------------------- */

/* What a receiver hands out, frame by frame; each may be NULL. A
 * callback's nonzero return stops the decoder (sticky) and is returned by
 * mig_decoder_push. */
struct mig_ops {
	int (*hello)(void *ctx, const struct mig_hello *h);
	/* The page's decoding target and its previous contents (the same
	 * buffer: the destination's copy, a delta is applied in place), or
	 * NULL to refuse the page number. Without this callback pages are
	 * decoded into the work memory only to check them. */
	u8 *(*page_buffer)(void *ctx, u64 pfn);
	int (*page)(void *ctx, u64 pfn, unsigned enc, size_t enc_len);
	int (*round)(void *ctx, const struct mig_round *r);
	/* snap lies in the frame buffer: valid during the call only */
	int (*state)(void *ctx, const u8 *snap, size_t len);
	int (*done)(void *ctx, const struct mig_done *d);
	int (*reply)(void *ctx, u8 type, const char *reason); /* ACCEPT, REFUSE, READY, GO */
	/* HOLDS, record by record: the destination holds page pfn, received
	 * in round, with this XXH3-64 */
	int (*held)(void *ctx, u32 round, u64 pfn, u64 hash);
};

enum mig_direction { MIG_TO_DESTINATION, MIG_TO_SOURCE };

/*
 * A streaming decoder: bytes as TCP delivers them, any split. It checks
 * each frame's length, checksum and sequence, the order above (HELLO
 * first and once with the right magic and version, rounds never going
 * back, pages strictly increasing within a frame and below the HELLO's
 * RAM size, STATE once, nothing after DONE, DONE's totals and chain
 * agreeing with what came) and each page's encoding, which it decodes
 * into the buffer page_buffer gives. The first failure is sticky: msg
 * says which frame (type, sequence number) and why.
 */
struct mig_decoder {
	enum mig_direction dir;
	const struct mig_ops *ops;
	void *ctx;
	struct page_codec_work *work;
	u8 *frame;           /* the frame being gathered: caller's buffer of */
	size_t frame_cap;    /* at least MIG_FRAME_HDR + MIG_PAYLOAD_MAX bytes */
	size_t have;         /* bytes of it so far */
	u64 seq, chain, pages;
	u64 ram_pages;       /* from HELLO (source: mig_decoder_expect_holds) */
	u32 round;           /* of the last PAGES or ROUND (source: HOLDS) frame */
	u32 rounds_ended;    /* source: rounds HOLDS may report (mig_decoder_expect_holds) */
	u64 holds_next;      /* source: lowest page the HOLDS round may still report */
	u32 holds_round;     /* source: the round holds_next is of */
	bool hello_seen, state_seen, done_seen, round_seen;
	bool accept_seen, ready_seen, refuse_seen, go_seen;
	int error;           /* 0, or the first failure */
	char msg[160];
};

void mig_decoder_init(struct mig_decoder *d, enum mig_direction dir, const struct mig_ops *ops,
		      void *ctx, u8 *frame_buf, size_t frame_cap, struct page_codec_work *work);

/* The source's decoder of replies: HOLDS may report pages below
 * ram_pages of rounds below rounds_ended (the ROUND frames sent so far);
 * anything else is refused. Called again as rounds end. */
void mig_decoder_expect_holds(struct mig_decoder *d, u64 ram_pages, u32 rounds_ended);

/* Takes len bytes. 0 while all is well (whole frames handed out, a partial
 * one kept), else the sticky negative errno: -EBADMSG (a corrupt or
 * out-of-order frame), -ENOTSUP (another version), -EPROTO (a frame this
 * direction does not carry), or a callback's return. */
int mig_decoder_push(struct mig_decoder *d, const u8 *data, size_t len);

/* Has DONE been taken (the source's stream is complete)? */
static inline bool mig_decoder_done(const struct mig_decoder *d)
{
	return d->done_seen;
}

#endif
