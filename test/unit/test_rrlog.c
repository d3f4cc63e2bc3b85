// sources: proto/wire.c proto/wire_prim.c proto/rrlog_types.c proto/rrlog_pages.c proto/rrlog_header.c proto/rrlog_writer.c proto/rrlog_reader.c lib/hash.c
/* proto/rrlog_*.c: the log format's header, frames and entries, written and
 * read back, and every refusal of a malformed log. */
#include "helpers.h"

#include <stdint.h>
#include <stdlib.h>

#include "compiler.h"
#include "errno.h"
#include "hash.h"
#include "proto/rrlog.h"

#define FRAME_BUF (RRLOG_FRAME_HEADER_SIZE + RRLOG_FRAME_MAX_PAYLOAD)
#define LOG_MAX (1 << 20)
#define ENTRIES_MAX 4096

/* --- helpers ------------------------------------------------------------- */

/* A log being written: whole frames land in bytes[]. */
struct log {
	struct rrlog_writer w;
	u8 frame[FRAME_BUF];
	u8 bytes[LOG_MAX];
	size_t len;
	unsigned frames;
};

static struct log *log_new(size_t frame_cap)
{
	struct log *l = calloc(1, sizeof(*l));

	assert_non_null(l);
	rrlog_writer_init(&l->w, l->frame, frame_cap);
	return l;
}

static void log_flush(struct log *l)
{
	size_t n = rrlog_finish_frame(&l->w);

	if (!n)
		return;
	assert_true(l->len + n <= sizeof(l->bytes));
	memcpy(l->bytes + l->len, l->frame, n);
	l->len += n;
	l->frames++;
}

/* Appends e, ending the frame first when it is full. */
static void log_add(struct log *l, const struct rrlog_entry *e)
{
	int rc = rrlog_append(&l->w, e);

	if (rc == -ENOSPC) {
		log_flush(l);
		rc = rrlog_append(&l->w, e);
	}
	assert_int_equal(rc, 0);
}

/* A decoded log: entries, and every DIGEST_PAGES entry's pages in one pool. */
struct decoded {
	struct rrlog_entry e[ENTRIES_MAX];
	struct rrlog_page_hash pool[3 * 8192];
	size_t n, pooled;
	unsigned frames;
};

/* Reads frames from bytes to the end; returns 0 or the first error. */
static int decode(const u8 *bytes, size_t len, bool trace, struct decoded *out, const char **why)
{
	struct rrlog_reader r;
	size_t off = 0;
	long n;
	int rc;

	memset(out, 0, sizeof(*out));
	rrlog_reader_init(&r, trace);
	*why = NULL;
	while (off < len) {
		n = rrlog_open_frame(&r, bytes + off, len - off);
		if (n < 0) {
			*why = r.error;
			return (int)n;
		}
		off += (size_t)n;
		out->frames++;
		while ((rc = rrlog_next(&r, &out->e[out->n])) == 1) {
			struct rrlog_entry *e = &out->e[out->n++];
			struct rrlog_pages_iter it;

			assert_true(out->n < ENTRIES_MAX);
			if (e->type != RR_DIGEST_PAGES)
				continue;
			rrlog_pages_begin(&it, &r, e);
			e->pages.pages = &out->pool[out->pooled];
			while ((rc = rrlog_pages_next(&it, &out->pool[out->pooled])) == 1)
				out->pooled++;
			assert_int_equal(rc, 0);
		}
		if (rc < 0) {
			*why = r.error;
			return rc;
		}
	}
	return 0;
}

static void assert_entry_eq(const struct rrlog_entry *a, const struct rrlog_entry *b)
{
	u32 i;

	assert_int_equal(a->type, b->type);
	assert_int_equal(a->async, b->async);
	assert_int_equal(a->has_branches, b->has_branches);
	assert_int_equal(a->landmark, b->landmark);
	assert_int_equal(a->rip, b->rip);
	if (a->async)
		assert_memory_equal(a->regs, b->regs, sizeof(a->regs));
	if (a->has_branches)
		assert_int_equal(a->branches, b->branches);
	switch (a->type) {
	case RR_RDTSC:
		assert_int_equal(a->tsc, b->tsc);
		break;
	case RR_RDTSCP:
		assert_int_equal(a->rdtscp.tsc, b->rdtscp.tsc);
		assert_int_equal(a->rdtscp.aux, b->rdtscp.aux);
		break;
	case RR_RDRAND:
	case RR_RDSEED:
		assert_int_equal(a->rand.size, b->rand.size);
		assert_int_equal(a->rand.cf, b->rand.cf);
		assert_int_equal(a->rand.value, b->rand.value);
		break;
	case RR_CLOCK:
		assert_int_equal(a->clock_ns, b->clock_ns);
		break;
	case RR_IO_IN:
		assert_int_equal(a->io.port, b->io.port);
		assert_int_equal(a->io.size, b->io.size);
		assert_int_equal(a->io.value, b->io.value);
		break;
	case RR_INTERRUPT:
		assert_int_equal(a->vector, b->vector);
		break;
	case RR_DIGEST:
		for (i = 0; i < RRLOG_DIGEST_REGS; i++)
			assert_int_equal(a->digest.regs[i], b->digest.regs[i]);
		assert_int_equal(a->digest.memory_hash, b->digest.memory_hash);
		assert_int_equal(a->digest.pages, b->digest.pages);
		break;
	case RR_END:
		assert_int_equal(a->end.how, b->end.how);
		assert_int_equal(a->end.code, b->end.code);
		break;
	case RR_MMIO_IN:
		assert_int_equal(a->mmio.gpa, b->mmio.gpa);
		assert_int_equal(a->mmio.size, b->mmio.size);
		assert_int_equal(a->mmio.value, b->mmio.value);
		break;
	case RR_SERIAL_IN:
		assert_int_equal(a->byte, b->byte);
		break;
	case RR_CPUID:
		assert_memory_equal(&a->cpuid, &b->cpuid, sizeof(a->cpuid));
		break;
	case RR_WINDOW_PAGE:
		assert_int_equal(a->window_page.page, b->window_page.page);
		assert_memory_equal(a->window_page.data, b->window_page.data, RRLOG_PAGE_SIZE);
		break;
	case RR_OUTPUT:
		assert_memory_equal(&a->output, &b->output, sizeof(a->output));
		break;
	case RR_CHECKPOINT_DATA:
		assert_int_equal(a->checkpoint.offset, b->checkpoint.offset);
		assert_int_equal(a->checkpoint.len, b->checkpoint.len);
		assert_memory_equal(a->checkpoint.data, b->checkpoint.data, a->checkpoint.len);
		break;
	case RR_FPU_STATE:
		assert_int_equal(a->fpu.len, b->fpu.len);
		assert_memory_equal(a->fpu.data, b->fpu.data, a->fpu.len);
		break;
	case RR_WINDOW_PAGE_CODED:
		assert_int_equal(a->window_coded.page, b->window_coded.page);
		assert_int_equal(a->window_coded.len, b->window_coded.len);
		assert_memory_equal(a->window_coded.data, b->window_coded.data, a->window_coded.len);
		break;
	case RR_FPU_STATE_LZ4:
		assert_int_equal(a->fpu_lz4.len, b->fpu_lz4.len);
		assert_int_equal(a->fpu_lz4.lz4_len, b->fpu_lz4.lz4_len);
		assert_memory_equal(a->fpu_lz4.data, b->fpu_lz4.data, a->fpu_lz4.lz4_len);
		break;
	case RR_NET_RX:
		assert_int_equal(a->net_rx.len, b->net_rx.len);
		assert_memory_equal(a->net_rx.data, b->net_rx.data, a->net_rx.len);
		break;
	case RR_NET_TX:
		assert_int_equal(a->net_tx.len, b->net_tx.len);
		assert_int_equal(a->net_tx.hash, b->net_tx.hash);
		break;
	case RR_SNAPSHOT:
		assert_int_equal(a->snapshot.hash, b->snapshot.hash);
		assert_int_equal(a->snapshot.device_time_ns, b->snapshot.device_time_ns);
		break;
	case RR_DIGEST_PAGES:
		assert_int_equal(a->pages.count, b->pages.count);
		for (i = 0; i < a->pages.count; i++) {
			assert_int_equal(a->pages.pages[i].page, b->pages.pages[i].page);
			assert_int_equal(a->pages.pages[i].hash, b->pages.pages[i].hash);
		}
		break;
	case RR_T_EXIT:
		assert_int_equal(a->t_exit.reason, b->t_exit.reason);
		assert_int_equal(a->t_exit.raw, b->t_exit.raw);
		break;
	case RR_T_IO:
		assert_int_equal(a->t_io.in, b->t_io.in);
		assert_int_equal(a->t_io.port, b->t_io.port);
		assert_int_equal(a->t_io.size, b->t_io.size);
		assert_int_equal(a->t_io.value, b->t_io.value);
		break;
	case RR_T_PT_WRITE:
		assert_int_equal(a->t_pt_gpa, b->t_pt_gpa);
		break;
	case RR_T_INSN:
		assert_int_equal(a->t_insn.len, b->t_insn.len);
		assert_memory_equal(a->t_insn.bytes, b->t_insn.bytes, a->t_insn.len);
		break;
	}
}

/* Writes n entries (one frame per entry when split), reads them back. */
static void round_trip(const struct rrlog_entry *in, size_t n, bool split, bool trace)
{
	struct log *l = log_new(FRAME_BUF);
	struct decoded *d = malloc(sizeof(*d));
	const char *why;
	size_t i;

	assert_non_null(d);
	for (i = 0; i < n; i++) {
		log_add(l, &in[i]);
		if (split)
			log_flush(l);
	}
	log_flush(l);
	assert_int_equal(decode(l->bytes, l->len, trace, d, &why), 0);
	assert_int_equal(d->n, n);
	for (i = 0; i < n; i++)
		assert_entry_eq(&in[i], &d->e[i]);
	free(d);
	free(l);
}

/* One entry's encoding (the frame's whole payload). */
static size_t encode_one(const struct rrlog_entry *e, struct rrlog_delta_state *d, u8 *out)
{
	static u8 buf[FRAME_BUF];
	struct rrlog_writer w;

	rrlog_writer_init(&w, buf, sizeof(buf));
	if (d)
		w.d = *d;
	assert_int_equal(rrlog_append(&w, e), 0);
	if (d)
		*d = w.d;
	memcpy(out, buf + RRLOG_FRAME_HEADER_SIZE, w.len);
	return w.len;
}

/* A frame around payload, with its own count and sequence number. */
static size_t make_frame(u8 *out, u64 seq, u32 count, const u8 *payload, size_t len)
{
	memcpy(out, RRLOG_FRAME_MAGIC, 4);
	put32(out + 4, (u32)len);
	put64(out + 8, seq);
	put32(out + 16, count);
	put32(out + 20, hash32(payload, len, 0));
	memcpy(out + RRLOG_FRAME_HEADER_SIZE, payload, len);
	return RRLOG_FRAME_HEADER_SIZE + len;
}

/* Decodes a one-frame payload; the result of the first failing call (or 1
 * after count entries and a clean end), the reason in *why. */
static int decode_payload(const u8 *payload, size_t len, u32 count, bool trace,
			  struct rrlog_entry *e, const char **why)
{
	static u8 frame[FRAME_BUF];
	struct rrlog_reader r;
	size_t n = make_frame(frame, 0, count, payload, len);
	int rc = 0;
	u32 i;

	rrlog_reader_init(&r, trace);
	assert_int_equal(rrlog_open_frame(&r, frame, n), (long)n);
	*why = NULL;
	for (i = 0; i < count; i++) {
		rc = rrlog_next(&r, e);
		if (rc != 1) {
			*why = r.error;
			return rc ? rc : -1000; /* ended early: not expected by callers */
		}
	}
	rc = rrlog_next(&r, e);
	*why = r.error;
	return rc == 0 ? 1 : rc;
}

static struct rrlog_entry entry(enum rrlog_type type, u64 landmark, u64 rip)
{
	struct rrlog_entry e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.landmark = landmark;
	e.rip = rip;
	return e;
}

/* --- varints and svarints ------------------------------------------------- */

/* A CLOCK entry: kind, exits, rip, length, then the varint delta. */
static void test_varint_sizes(void **state)
{
	static const struct {
		u64 delta;
		size_t body;
	} cases[] = {
		{ 0, 1 }, { 127, 1 }, { 128, 2 }, { 16383, 2 }, { 16384, 3 },
		{ 1ULL << 63, 10 }, { UINT64_MAX, 10 },
	};
	struct rrlog_entry e = entry(RR_CLOCK, 0, 0);
	u8 out[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		e.clock_ns = cases[i].delta;
		assert_int_equal(encode_one(&e, NULL, out), 4 + cases[i].body);
		assert_int_equal(out[3], cases[i].body);
		round_trip(&e, 1, false, false);
	}
}

static void test_varint_bytes(void **state)
{
	static const u8 want_128[] = { RR_CLOCK, 0x80, 0x01, 0, 2, 0x80, 0x01 };
	static const u8 want_2_63[] = { RR_CLOCK, 0, 0, 10, 0x80, 0x80, 0x80, 0x80, 0x80,
					0x80, 0x80, 0x80, 0x80, 0x01 };
	struct rrlog_entry e = entry(RR_CLOCK, 128, 0);
	u8 out[64];

	e.clock_ns = 128;
	assert_int_equal(encode_one(&e, NULL, out), sizeof(want_128));
	assert_memory_equal(out, want_128, sizeof(want_128));
	e = entry(RR_CLOCK, 0, 0);
	e.clock_ns = 1ULL << 63;
	assert_int_equal(encode_one(&e, NULL, out), sizeof(want_2_63));
	assert_memory_equal(out, want_2_63, sizeof(want_2_63));
}

/* RDTSC deltas are svarints: zigzag keeps small negatives small. */
static void test_svarint_edges(void **state)
{
	static const struct {
		s64 delta;
		size_t body;
	} cases[] = {
		{ 0, 1 }, { -1, 1 }, { 1, 1 }, { 63, 1 }, { -64, 1 }, { 64, 2 }, { -65, 2 },
		{ INT64_MAX, 10 }, { INT64_MIN, 10 },
	};
	struct rrlog_delta_state d;
	struct rrlog_entry e[2];
	u8 out[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&d, 0, sizeof(d));
		e[0] = entry(RR_RDTSC, 0, 0);
		e[0].tsc = 1000;
		e[1] = e[0];
		e[1].tsc = 1000 + (u64)cases[i].delta;
		encode_one(&e[0], &d, out);
		assert_int_equal(encode_one(&e[1], &d, out), 4 + cases[i].body);
		round_trip(e, 2, false, false);
	}
	/* -1 is zigzag 1, INT64_MIN zigzag 2^64 - 1 */
	memset(&d, 0, sizeof(d));
	e[0] = entry(RR_RDTSC, 0, 0);
	e[0].tsc = (u64)-1;
	encode_one(&e[0], &d, out);
	assert_int_equal(out[4], 1);
	e[0].tsc = (u64)-1 + (u64)INT64_MIN;
	assert_int_equal(encode_one(&e[0], &d, out), 14);
	assert_int_equal(out[13], 0x01);
	assert_int_equal(out[4], 0xFF);
}

/* RIP deltas too, wrapping around the address space either way. */
static void test_rip_deltas(void **state)
{
	struct rrlog_entry e[4] = {
		entry(RR_SERIAL_IN, 0, 0xFFFFFFFF81000000ULL),
		entry(RR_SERIAL_IN, 1, 0x1000),
		entry(RR_SERIAL_IN, 1, 0xFFFFFFFFFFFFFFFFULL),
		entry(RR_SERIAL_IN, 2, 0),
	};
	u8 out[64];

	round_trip(e, 4, false, false);
	round_trip(e, 4, true, false);
	assert_int_equal(encode_one(&e[3], NULL, out), 5); /* rip 0 - 0 */
}

/* --- entry types -------------------------------------------------------- */

static void test_every_type_round_trips(void **state)
{
	struct rrlog_page_hash pages[] = { { 0, 0xAAAAAAAA }, { 7, 0xBBBBBBBB } };
	static const u8 piece[] = "a piece of a checkpoint";
	static u8 fpu[832];
	static const u8 coded[] = { 2, 3, 0, 0x1F, 0, 0 }; /* as a page codec writes it */
	static const u8 block[] = { 0x1F, 0xA5, 1, 0, 0xFF, 0xFF }; /* an LZ4 block */
	static u8 frame[RRLOG_NET_FRAME_MAX];
	struct rrlog_entry e[26];
	unsigned i = 0, r;

	e[i] = entry(RR_DIGEST, 0, 0x100000);
	e[i].digest.count = RRLOG_DIGEST_REGS;
	for (r = 0; r < RRLOG_DIGEST_REGS; r++)
		e[i].digest.regs[r] = 0x1111111111111111ULL * r;
	e[i].digest.regs[RR_REG_RIP] = 0xFFFFFFFF81000000ULL;
	e[i].digest.memory_hash = 0x0123456789ABCDEFULL;
	e[i++].digest.pages = 2;
	e[i] = entry(RR_DIGEST_PAGES, 0, 0x100000);
	e[i].pages.count = 2;
	e[i++].pages.pages = pages;
	e[i] = entry(RR_RDTSC, 5, 0x100010);
	e[i++].tsc = 123456789;
	e[i] = entry(RR_RDTSCP, 6, 0x100020);
	e[i].rdtscp.tsc = 100;
	e[i++].rdtscp.aux = 0xFFFFFFFF;
	e[i] = entry(RR_RDRAND, 7, 0x100030);
	e[i].rand.size = 8;
	e[i].rand.cf = 1;
	e[i++].rand.value = 0xDEADBEEFCAFEF00DULL;
	e[i] = entry(RR_RDSEED, 8, 0x100040);
	e[i].rand.size = 2;
	e[i++].rand.value = 0xFFFF;
	e[i] = entry(RR_CLOCK, 9, 0x100050);
	e[i++].clock_ns = 999999999999ULL;
	e[i] = entry(RR_IO_IN, 10, 0x100060);
	e[i].io.port = 0xFFFF;
	e[i].io.size = 4;
	e[i++].io.value = 0xFFFFFFFF;
	e[i] = entry(RR_INTERRUPT, 10, 0x100070);
	e[i++].vector = 0xFF;
	e[i] = entry(RR_MMIO_IN, 11, 0x100080);
	e[i].mmio.gpa = 0xFEE00030;
	e[i].mmio.size = 8;
	e[i++].mmio.value = UINT64_MAX;
	e[i] = entry(RR_SERIAL_IN, 12, 0x100090);
	e[i++].byte = 'x';
	e[i] = entry(RR_CPUID, 12, 0x100092);
	e[i++].cpuid = (typeof(e[0].cpuid)){ 0x80000001, 0, 0xFFFFFFFF, 0, 0x1, 0x28100800 };
	e[i] = entry(RR_SNAPSHOT, 12, 0x100094);
	e[i].snapshot.hash = 0xFEDCBA9876543210ULL;
	e[i++].snapshot.device_time_ns = UINT64_MAX;
	e[i] = entry(RR_OUTPUT, 12, 0x100094);
	e[i].output.offset = 1ULL << 40;
	e[i].output.count = 17;
	e[i++].output.hash = 0x0123456789ABCDEFULL;
	e[i] = entry(RR_CHECKPOINT_DATA, 12, 0x100094);
	e[i].checkpoint.offset = 4096;
	e[i].checkpoint.len = sizeof(piece);
	e[i++].checkpoint.data = piece;
	e[i] = entry(RR_FPU_STATE, 12, 0x100094);
	memset(fpu, 0xA5, sizeof(fpu));
	e[i].fpu.len = sizeof(fpu); /* x87, SSE and AVX */
	e[i++].fpu.data = fpu;
	e[i] = entry(RR_WINDOW_PAGE_CODED, 12, 0x100094);
	e[i].window_coded.page = 0xFFFFFFFFFULL;
	e[i].window_coded.len = sizeof(coded);
	e[i++].window_coded.data = coded;
	e[i] = entry(RR_FPU_STATE_LZ4, 12, 0x100094);
	e[i].fpu_lz4.len = 832;
	e[i].fpu_lz4.lz4_len = sizeof(block);
	e[i++].fpu_lz4.data = block;
	e[i] = entry(RR_NET_RX, 12, 0x100094);
	e[i].async = true;
	memset(frame, 0xE7, sizeof(frame));
	e[i].net_rx.len = sizeof(frame); /* the longest */
	e[i++].net_rx.data = frame;
	e[i] = entry(RR_NET_TX, 12, 0x100096);
	e[i].net_tx.len = RRLOG_NET_TX_MAX;
	e[i++].net_tx.hash = UINT64_MAX;
	e[i] = entry(RR_T_EXIT, 13, 0x1000A0);
	e[i].t_exit.reason = 48;
	e[i++].t_exit.raw = 0xFFFFFFFF;
	e[i] = entry(RR_T_IO, 14, 0x1000B0);
	e[i].t_io.in = 1;
	e[i].t_io.port = 0x3F8;
	e[i].t_io.size = 1;
	e[i++].t_io.value = 'A';
	e[i] = entry(RR_T_PT_WRITE, 15, 0x1000C0);
	e[i++].t_pt_gpa = 0x123456789000ULL;
	e[i] = entry(RR_T_INSN, 15, 0x1000D0);
	e[i].async = true;
	e[i].t_insn.len = 15;
	memset(e[i++].t_insn.bytes, 0x66, 15);
	e[i] = entry(RR_T_INSN, 15, 0x1000E0);
	e[i++].t_insn.len = 0;
	e[i] = entry(RR_END, 16, 0x1000E0);
	e[i].end.how = 1;
	e[i++].end.code = 0xFFFFFFFF;
	assert_int_equal(i, ARRAY_SIZE(e));

	round_trip(e, i, false, true);
	round_trip(e, i, true, true);
}

static void test_type_names(void **state)
{
	assert_string_equal(rrlog_type_name(RR_RDTSC), "RDTSC");
	assert_string_equal(rrlog_type_name(RR_DIGEST_PAGES), "DIGEST_PAGES");
	assert_string_equal(rrlog_type_name(RR_T_INSN), "T_INSN");
	assert_null(rrlog_type_name(0));
	assert_string_equal(rrlog_type_name(RR_CPUID), "CPUID");
	assert_string_equal(rrlog_type_name(RR_WINDOW_PAGE), "WINDOW_PAGE");
	assert_string_equal(rrlog_type_name(RR_SNAPSHOT), "SNAPSHOT");
	assert_string_equal(rrlog_type_name(RR_OUTPUT), "OUTPUT");
	assert_string_equal(rrlog_type_name(RR_CHECKPOINT_DATA), "CHECKPOINT_DATA");
	assert_string_equal(rrlog_type_name(RR_FPU_STATE), "FPU_STATE");
	assert_string_equal(rrlog_type_name(RR_WINDOW_PAGE_CODED), "WINDOW_PAGE_CODED");
	assert_string_equal(rrlog_type_name(RR_FPU_STATE_LZ4), "FPU_STATE_LZ4");
	assert_string_equal(rrlog_type_name(RR_NET_RX), "NET_RX");
	assert_string_equal(rrlog_type_name(RR_NET_TX), "NET_TX");
	assert_null(rrlog_type_name(23));
	assert_null(rrlog_type_name(31));
	assert_null(rrlog_type_name(36));
	assert_null(rrlog_type_name(1000));
}

/* TSC, CLOCK, landmarks, RIP and branches run on across frames. */
static void test_deltas_across_frames(void **state)
{
	struct rrlog_entry e[64];
	u64 tsc = 1ULL << 40, clock = 0, landmark = 0, branches = 0, seed = 1;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(e); i++) {
		u64 r = test_rand(&seed);

		landmark += r % 3;
		branches += r % 1000;
		tsc += (r & 1) ? r % 100000 : -(u64)(r % 5000);
		if (i % 3 == 0) {
			e[i] = entry(RR_CLOCK, landmark, r);
			clock += r % 1000000;
			e[i].clock_ns = clock;
		} else {
			e[i] = entry(i % 3 == 1 ? RR_RDTSC : RR_RDTSCP, landmark, r >> 20);
			if (e[i].type == RR_RDTSC)
				e[i].tsc = tsc;
			else
				e[i].rdtscp.tsc = tsc;
		}
		e[i].has_branches = (i % 4) != 0;
		e[i].branches = e[i].has_branches ? branches : 0;
	}
	round_trip(e, ARRAY_SIZE(e), false, false);
	round_trip(e, ARRAY_SIZE(e), true, false);
}

/* The kind byte carries ASYNC and BRANCH; the registers, the state and
 * memory hashes (8 bytes each) and the branch count follow RIP in that
 * order. */
static void test_async_branch_flags(void **state)
{
	struct rrlog_entry e = entry(RR_INTERRUPT, 3, 0x20); /* zigzag: one byte */
	struct rrlog_entry both[4];
	u8 out[64];
	size_t n;

	e.vector = 0x20;
	e.async = true;
	for (unsigned i = 0; i < RRLOG_ASYNC_REGS; i++)
		e.regs[i] = i; /* one-byte varints */
	e.regs[RRLOG_ASYNC_REGS - 1] = 0x246; /* RFLAGS: two bytes, 0xC6 0x04 */
	e.state_hash = 0x1122334455667788ULL;
	n = encode_one(&e, NULL, out);
	assert_int_equal(n, 1 + 1 + 1 + (RRLOG_ASYNC_REGS - 1) + 2 + 8 + 8 + 1 + 1);
	assert_int_equal(out[0], RR_INTERRUPT | RRLOG_KIND_ASYNC);
	assert_int_equal(out[3], 0x00);  /* RAX */
	assert_int_equal(out[4], 0x01);  /* RCX */
	assert_int_equal(out[19], 0xC6); /* RFLAGS, low 7 bits with continuation */
	assert_int_equal(out[20], 0x04);
	assert_int_equal(out[21], 0x88); /* the state hash, little-endian */
	assert_int_equal(out[28], 0x11);

	e.async = false;
	e.has_branches = true;
	e.branches = 300;
	n = encode_one(&e, NULL, out);
	assert_int_equal(out[0], RR_INTERRUPT | RRLOG_KIND_BRANCH);
	assert_int_equal(n, 1 + 1 + 1 + 2 + 1 + 1);
	assert_int_equal(out[3], 0xAC); /* 300: 0xAC 0x02 */
	assert_int_equal(out[4], 0x02);

	both[0] = e;
	both[1] = e;
	both[1].async = true;
	both[1].regs[0] = 42;
	both[1].regs[16] = UINT64_MAX; /* ten-byte varint */
	both[1].state_hash = 7;
	both[1].memory_hash = 8;
	both[1].branches = 301;
	both[2] = entry(RR_SERIAL_IN, 3, 0x20); /* no branches: the count stays */
	both[3] = both[1];
	both[3].branches = 1000;
	round_trip(both, 4, false, false);
	round_trip(both, 4, true, false);
}

/* --- digests ------------------------------------------------------------ */

/* Thousands of changed pages: DIGEST, then DIGEST_PAGES entries of at most
 * 4096 pages over several frames; a second digest starts its list again. */
static void test_digest_pages_thousands(void **state)
{
	enum { PAGES = 10000 };
	struct rrlog_page_hash *pages = calloc(PAGES, sizeof(*pages));
	struct rrlog_entry *e = calloc(16, sizeof(*e));
	struct log *l = log_new(FRAME_BUF);
	struct decoded *d = malloc(sizeof(*d));
	u64 seed = 7, page = 0;
	unsigned i, n = 0, done;
	const char *why;
	int digest;

	assert_non_null(pages);
	assert_non_null(e);
	assert_non_null(d);
	for (i = 0; i < PAGES; i++) {
		pages[i].page = page;
		pages[i].hash = (u32)test_rand(&seed);
		page += 1 + test_rand(&seed) % (i % 100 ? 3 : 100000);
	}
	for (digest = 0; digest < 2; digest++) {
		e[n] = entry(RR_DIGEST, 10 * digest, 0x5000);
		e[n].digest.pages = PAGES;
		n++;
		for (done = 0; done < PAGES; done += e[n++].pages.count) {
			e[n] = entry(RR_DIGEST_PAGES, 10 * digest, 0x5000);
			e[n].pages.pages = pages + done;
			e[n].pages.count = PAGES - done < RRLOG_DIGEST_PAGES_MAX ?
						   PAGES - done : RRLOG_DIGEST_PAGES_MAX;
		}
	}
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++)
		log_add(l, &e[i]);
	log_flush(l);
	assert_true(l->frames > 1);

	assert_int_equal(decode(l->bytes, l->len, false, d, &why), 0);
	assert_int_equal(d->n, n);
	for (i = 0; i < n; i++)
		assert_entry_eq(&e[i], &d->e[i]);
	free(d);
	free(l);
	free(e);
	free(pages);
}

/* A reader that does not iterate a DIGEST_PAGES entry still decodes the
 * next one of the same digest right. */
static void test_digest_pages_skipped(void **state)
{
	struct rrlog_page_hash first[] = { { 0, 1 }, { 5, 2 } }, second[] = { { 9, 3 } };
	struct rrlog_entry e[3] = { entry(RR_DIGEST, 0, 0), entry(RR_DIGEST_PAGES, 0, 0),
				    entry(RR_DIGEST_PAGES, 0, 0) };
	struct log *l = log_new(FRAME_BUF);
	struct rrlog_reader r;
	struct rrlog_entry got;
	struct rrlog_pages_iter it;
	struct rrlog_page_hash ph;

	e[0].digest.pages = 3;
	e[1].pages.count = 2;
	e[1].pages.pages = first;
	e[2].pages.count = 1;
	e[2].pages.pages = second;
	log_add(l, &e[0]);
	log_add(l, &e[1]);
	log_add(l, &e[2]);
	log_flush(l);

	rrlog_reader_init(&r, false);
	assert_true(rrlog_open_frame(&r, l->bytes, l->len) > 0);
	assert_int_equal(rrlog_next(&r, &got), 1);
	assert_int_equal(rrlog_next(&r, &got), 1); /* pages not iterated */
	assert_int_equal(got.pages.count, 2);
	assert_int_equal(rrlog_next(&r, &got), 1);
	rrlog_pages_begin(&it, &r, &got);
	assert_int_equal(rrlog_pages_next(&it, &ph), 1);
	assert_int_equal(ph.page, 9);
	assert_int_equal(ph.hash, 3);
	assert_int_equal(rrlog_pages_next(&it, &ph), 0);
	assert_int_equal(rrlog_next(&r, &got), 0);
	free(l);
}

static void test_digest_pages_writer_refusals(void **state)
{
	struct rrlog_page_hash dup[] = { { 3, 1 }, { 3, 2 } }, down[] = { { 3, 1 }, { 2, 2 } };
	struct rrlog_page_hash zero[] = { { 0, 1 } }, after[] = { { 1, 1 } };
	struct rrlog_page_hash *many = calloc(RRLOG_DIGEST_PAGES_MAX + 1, sizeof(*many));
	struct log *l = log_new(FRAME_BUF);
	struct rrlog_entry e = entry(RR_DIGEST_PAGES, 0, 0);
	unsigned i;

	assert_non_null(many);
	e.pages.count = 2;
	e.pages.pages = dup;
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e.pages.pages = down;
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e.pages.pages = NULL;
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	for (i = 0; i <= RRLOG_DIGEST_PAGES_MAX; i++)
		many[i].page = i;
	e.pages.pages = many;
	e.pages.count = RRLOG_DIGEST_PAGES_MAX + 1;
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e.pages.count = RRLOG_DIGEST_PAGES_MAX;
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	assert_int_equal(l->w.d.digest_page, RRLOG_DIGEST_PAGES_MAX - 1);

	/* the next entry goes on from page 4095; a new DIGEST starts at 0 */
	e.pages.count = 1;
	e.pages.pages = zero;
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e = entry(RR_DIGEST, 0, 0);
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	e = entry(RR_DIGEST_PAGES, 0, 0);
	e.pages.count = 1;
	e.pages.pages = zero;
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	e.pages.pages = after;
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	free(many);
	free(l);
}

/* --- writer ----------------------------------------------------------------- */

/* -ENOSPC changes nothing: the frame can be finished and the entry retried. */
static void test_enospc_leaves_frame(void **state)
{
	struct log *l = log_new(RRLOG_FRAME_HEADER_SIZE + 100);
	struct rrlog_writer before;
	struct rrlog_entry e = entry(RR_RDTSC, 0, 0x1000);
	u8 snapshot[RRLOG_FRAME_HEADER_SIZE + 100];
	const char *why;
	struct decoded *d = malloc(sizeof(*d));
	unsigned added = 0;
	int rc;

	assert_non_null(d);
	for (;;) {
		e.landmark++;
		e.tsc += 1000;
		memcpy(&before, &l->w, sizeof(before));
		memcpy(snapshot, l->frame, sizeof(snapshot));
		rc = rrlog_append(&l->w, &e);
		if (rc)
			break;
		added++;
	}
	assert_int_equal(rc, -ENOSPC);
	assert_memory_equal(&before, &l->w, sizeof(before));
	assert_memory_equal(snapshot, l->frame, sizeof(snapshot));
	assert_true(added > 10);
	log_flush(l);
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	log_flush(l);
	assert_int_equal(decode(l->bytes, l->len, false, d, &why), 0);
	assert_int_equal(d->n, added + 1);
	assert_int_equal(d->e[added].tsc, e.tsc);
	assert_int_equal(d->frames, 2);
	free(d);
	free(l);
}

/* An entry no frame of this buffer can hold is not -ENOSPC (which would
 * make the caller loop) but -E2BIG. (The buffer is smaller than
 * rrlog_writer_init asks for, to reach that case.) */
static void test_entry_too_big(void **state)
{
	struct log *l = log_new(RRLOG_FRAME_HEADER_SIZE + 100);
	struct rrlog_entry e = entry(RR_DIGEST, 0, 0);
	unsigned r;

	for (r = 0; r < RRLOG_DIGEST_REGS; r++)
		e.digest.regs[r] = UINT64_MAX;
	assert_int_equal(rrlog_append(&l->w, &e), -E2BIG);
	assert_int_equal(l->w.len, 0);
	assert_int_equal(rrlog_finish_frame(&l->w), 0);
	free(l);
}

static void test_writer_refusals(void **state)
{
	struct log *l = log_new(FRAME_BUF);
	struct rrlog_writer before;
	struct rrlog_entry e = entry(RR_CLOCK, 10, 0);

	e.clock_ns = 500;
	e.has_branches = true;
	e.branches = 100;
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	memcpy(&before, &l->w, sizeof(before));

	e.landmark = 9; /* landmark going backwards */
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e.landmark = 10;
	e.clock_ns = 499; /* clock going backwards */
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e.clock_ns = 500;
	e.branches = 99; /* branches going backwards */
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e = entry(RR_T_INSN, 10, 0);
	e.t_insn.len = 16;
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e = entry(14, 10, 0); /* unknown type */
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	e = entry(RR_DIGEST, 10, 0);
	e.digest.count = 5;
	assert_int_equal(rrlog_append(&l->w, &e), -EINVAL);
	assert_memory_equal(&before, &l->w, sizeof(before));

	/* equal values are fine; branches only count when present */
	e = entry(RR_CLOCK, 10, 0);
	e.clock_ns = 500;
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	e = entry(RR_RDTSC, 10, 0);
	e.tsc = 0; /* TSC may go backwards */
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	free(l);
}

static void test_finish_frame(void **state)
{
	struct log *l = log_new(FRAME_BUF);
	struct rrlog_entry e = entry(RR_SERIAL_IN, 0, 0);
	size_t n;

	assert_int_equal(rrlog_finish_frame(&l->w), 0);
	assert_int_equal(l->w.seq, 0);
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	n = rrlog_finish_frame(&l->w);
	assert_int_equal(n, RRLOG_FRAME_HEADER_SIZE + 10);
	assert_memory_equal(l->frame, "FRM1", 4);
	assert_int_equal(l->frame[4], 10);
	assert_int_equal(l->frame[8], 0);
	assert_int_equal(l->frame[16], 2);
	assert_int_equal(l->frame[20] | l->frame[21] << 8 | l->frame[22] << 16 |
				 (u32)l->frame[23] << 24,
			 hash32(l->frame + RRLOG_FRAME_HEADER_SIZE, 10, 0));
	assert_int_equal(l->w.seq, 1);
	assert_int_equal(l->w.len, 0);
	assert_int_equal(l->w.entries, 0);
	assert_int_equal(rrlog_append(&l->w, &e), 0);
	rrlog_finish_frame(&l->w);
	assert_int_equal(l->frame[8], 1);
	free(l);
}

/* --- header ------------------------------------------------------------- */

static struct rrlog_header sample_header(void)
{
	struct rrlog_header h;

	memset(&h, 0, sizeof(h));
	h.flags = RRLOG_FLAG_TBIT | RRLOG_FLAG_BRANCHES;
	h.kernel_hash = 0x1111111111111111ULL;
	h.modules_hash = 0x2222222222222222ULL;
	h.cmdline_hash = 0x3333333333333333ULL;
	h.ram_size = 128ULL << 20;
	h.start_epoch = 1700000000;
	h.tsc_hz = 2400000000ULL;
	strcpy(h.backend, "vmx");
	h.digest_interval = 1000;
	h.window_pages = 128;
	strcpy(h.version, "0.1-g1234567-dirty");
	return h;
}

static void test_header_round_trip(void **state)
{
	struct rrlog_header h = sample_header(), got;
	u8 buf[RRLOG_HEADER_SIZE];
	const char *why;

	assert_int_equal(rrlog_write_header(&h, buf, sizeof(buf) - 1), 0);
	assert_int_equal(rrlog_write_header(&h, buf, sizeof(buf)), RRLOG_HEADER_SIZE);
	assert_memory_equal(buf, "USTDYLOG", 8);
	assert_int_equal(buf[8], 6);
	assert_int_equal(buf[10], 112);
	assert_int_equal(buf[12], 3);
	assert_int_equal(buf[16], 0x11);
	assert_int_equal(buf[40 + 3], 0x08); /* 128 MiB */
	assert_memory_equal(buf + 64, "vmx\0\0\0\0\0", 8);
	assert_int_equal(buf[76], 128); /* the write window's pages, version 5 */
	assert_memory_equal(buf + 80, "0.1-g1234567-dirty\0\0\0\0\0\0", 24);
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), RRLOG_HEADER_SIZE);
	assert_null(why);
	assert_false(got.trace);
	assert_int_equal(got.flags, h.flags);
	assert_int_equal(got.kernel_hash, h.kernel_hash);
	assert_int_equal(got.modules_hash, h.modules_hash);
	assert_int_equal(got.cmdline_hash, h.cmdline_hash);
	assert_int_equal(got.ram_size, h.ram_size);
	assert_int_equal(got.start_epoch, h.start_epoch);
	assert_int_equal(got.tsc_hz, h.tsc_hz);
	assert_string_equal(got.backend, "vmx");
	assert_int_equal(got.digest_interval, h.digest_interval);
	assert_int_equal(got.window_pages, 128);
	assert_string_equal(got.version, h.version);

	/* a trace, and strings that fill their fields */
	h.trace = true;
	h.flags |= RRLOG_FLAG_TRACE;
	strcpy(h.backend, "12345678");
	strcpy(h.version, "abcdefghijklmnopqrstuvwx");
	rrlog_write_header(&h, buf, sizeof(buf));
	assert_memory_equal(buf, "USTDYTRC", 8);
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), RRLOG_HEADER_SIZE);
	assert_true(got.trace);
	assert_string_equal(got.backend, "12345678");
	assert_string_equal(got.version, "abcdefghijklmnopqrstuvwx");
}

/* A longer header (a later minor revision) is read; its extra fields are
 * skipped and the checksum is at H - 8. */
static void test_header_longer(void **state)
{
	struct rrlog_header h = sample_header(), got;
	u8 buf[RRLOG_HEADER_SIZE + 16];
	const char *why;

	rrlog_write_header(&h, buf, sizeof(buf));
	memset(buf + 104, 0xEE, 16);
	put16(buf + 10, sizeof(buf));
	put64(buf + sizeof(buf) - 8, hash64(buf, sizeof(buf) - 8, 0));
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), sizeof(buf));
	assert_int_equal(got.ram_size, h.ram_size);
	assert_int_equal(rrlog_read_header(buf, sizeof(buf) - 1, &got, &why), -EINVAL);
}

static void test_header_refusals(void **state)
{
	struct rrlog_header h = sample_header(), got;
	u8 good[RRLOG_HEADER_SIZE], buf[RRLOG_HEADER_SIZE];
	const char *why;

	rrlog_write_header(&h, good, sizeof(good));

	memcpy(buf, good, sizeof(buf));
	buf[0] = 'X';
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -EBADMSG);
	assert_non_null(strstr(why, "magic"));

	memcpy(buf, good, sizeof(buf));
	put16(buf + 8, 7);
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -ENOTSUP);
	assert_non_null(strstr(why, "version 7"));
	put16(buf + 8, 4); /* before the window's size was in the header: still read */
	put64(buf + RRLOG_HEADER_SIZE - 8, hash64(buf, RRLOG_HEADER_SIZE - 8, 0));
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), RRLOG_HEADER_SIZE);
	put16(buf + 8, 3); /* before OUTPUT and CHECKPOINT_DATA: still read */
	put64(buf + RRLOG_HEADER_SIZE - 8, hash64(buf, RRLOG_HEADER_SIZE - 8, 0));
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), RRLOG_HEADER_SIZE);
	put16(buf + 8, 2); /* recorded before the state hash covered NMI blocking */
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -ENOTSUP);
	assert_non_null(strstr(why, "version 2 not supported (this reader knows 3 to 6)"));
	put16(buf + 8, 1); /* recorded before landmarks counted the write window's exits */
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -ENOTSUP);
	assert_non_null(strstr(why, "version 1 not supported (this reader knows 3 to 6)"));
	put16(buf + 8, 0);
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -ENOTSUP);

	memcpy(buf, good, sizeof(buf));
	put16(buf + 10, 111);
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -EBADMSG);
	assert_non_null(strstr(why, "header length 111"));
	put16(buf + 10, 0);
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -EBADMSG);

	memcpy(buf, good, sizeof(buf));
	buf[40] ^= 1;
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -EBADMSG);
	assert_string_equal(why, "header checksum mismatch");
	memcpy(buf, good, sizeof(buf));
	buf[RRLOG_HEADER_SIZE - 1] ^= 0x80;
	assert_int_equal(rrlog_read_header(buf, sizeof(buf), &got, &why), -EBADMSG);

	/* truncated anywhere */
	assert_int_equal(rrlog_read_header(good, 0, &got, &why), -EINVAL);
	assert_int_equal(rrlog_read_header(good, 7, &got, &why), -EINVAL);
	assert_int_equal(rrlog_read_header(good, 11, &got, &why), -EINVAL);
	assert_int_equal(rrlog_read_header(good, RRLOG_HEADER_SIZE - 1, &got, &why), -EINVAL);
	assert_non_null(strstr(why, "truncated"));
}

/* --- frames ------------------------------------------------------------- */

/* A two-entry frame 0 in buf; returns its size. */
static size_t good_frame(u8 *buf)
{
	struct rrlog_writer w;
	struct rrlog_entry e = entry(RR_SERIAL_IN, 1, 2);

	rrlog_writer_init(&w, buf, FRAME_BUF);
	assert_int_equal(rrlog_append(&w, &e), 0);
	assert_int_equal(rrlog_append(&w, &e), 0);
	return rrlog_finish_frame(&w);
}

static long open_frame(const u8 *buf, size_t len, u64 next_seq, const char **why)
{
	struct rrlog_reader r;
	long rc;

	rrlog_reader_init(&r, false);
	r.next_seq = next_seq;
	rc = rrlog_open_frame(&r, buf, len);
	*why = r.error;
	if (rc > 0)
		assert_int_equal(r.next_seq, next_seq + 1);
	return rc;
}

static void test_frame_refusals(void **state)
{
	static u8 good[FRAME_BUF], buf[FRAME_BUF];
	size_t n = good_frame(good);
	const char *why;

	assert_int_equal(open_frame(good, n, 0, &why), (long)n);
	assert_int_equal(open_frame(good, n + 100, 0, &why), (long)n);

	memcpy(buf, good, n);
	buf[3] = '2';
	assert_int_equal(open_frame(buf, n, 0, &why), -EBADMSG);
	assert_string_equal(why, "bad frame magic");

	memcpy(buf, good, n);
	put32(buf + 4, 0);
	assert_int_equal(open_frame(buf, n, 0, &why), -EBADMSG);
	assert_non_null(strstr(why, "length 0"));
	put32(buf + 4, RRLOG_FRAME_MAX_PAYLOAD + 1);
	assert_int_equal(open_frame(buf, sizeof(buf), 0, &why), -EBADMSG);
	assert_non_null(strstr(why, "length 65537"));

	memcpy(buf, good, n);
	put64(buf + 8, 7);
	assert_int_equal(open_frame(buf, n, 5, &why), -EBADMSG);
	assert_string_equal(why, "frame sequence number 7, expected 5");
	assert_int_equal(open_frame(buf, n, 7, &why), (long)n);
	assert_int_equal(open_frame(good, n, 1, &why), -EBADMSG);

	memcpy(buf, good, n);
	buf[RRLOG_FRAME_HEADER_SIZE + 2] ^= 1;
	assert_int_equal(open_frame(buf, n, 0, &why), -EBADMSG);
	assert_string_equal(why, "frame checksum mismatch");
	memcpy(buf, good, n);
	buf[20] ^= 1;
	assert_int_equal(open_frame(buf, n, 0, &why), -EBADMSG);

	memcpy(buf, good, n);
	put32(buf + 16, 0);
	assert_int_equal(open_frame(buf, n, 0, &why), -EBADMSG);
	assert_string_equal(why, "frame holds 0 entries");
}

static void test_frame_truncated(void **state)
{
	static u8 good[FRAME_BUF];
	size_t n = good_frame(good), len;
	const char *why;

	for (len = 0; len < n; len++) {
		assert_int_equal(open_frame(good, len, 0, &why), -ENODATA);
		assert_non_null(strstr(why, "truncated"));
	}
}

/* The stated entry count must be reached exactly at the payload's end. */
static void test_frame_entry_count(void **state)
{
	static u8 buf[FRAME_BUF];
	size_t n = good_frame(buf);
	struct rrlog_reader r;
	struct rrlog_entry e;

	put32(buf + 16, 3);
	rrlog_reader_init(&r, false);
	assert_int_equal(rrlog_open_frame(&r, buf, n), (long)n);
	assert_int_equal(rrlog_next(&r, &e), 1);
	assert_int_equal(rrlog_next(&r, &e), 1);
	assert_int_equal(rrlog_next(&r, &e), -EBADMSG);
	assert_string_equal(r.error, "frame payload ends before its stated entry count (1 missing)");

	put32(buf + 16, 1);
	rrlog_reader_init(&r, false);
	assert_int_equal(rrlog_open_frame(&r, buf, n), (long)n);
	assert_int_equal(rrlog_next(&r, &e), 1);
	assert_int_equal(rrlog_next(&r, &e), -EBADMSG);
	assert_string_equal(r.error, "frame payload has 5 bytes after its stated entries");
}

/* --- entries ------------------------------------------------------------- */

static void test_entry_unknown_type(void **state)
{
	static const u8 type45[] = { 45, 0, 0, 0 };
	static const u8 type0[] = { 0 | RRLOG_KIND_ASYNC, 0, 0, 0 };
	static const u8 trace_type[] = { RR_T_PT_WRITE, 0, 0, 1, 5 };
	struct rrlog_entry e;
	const char *why;

	assert_int_equal(decode_payload(type45, sizeof(type45), 1, true, &e, &why), -EBADMSG);
	assert_string_equal(why, "unknown entry type 45");
	assert_int_equal(decode_payload(type0, sizeof(type0), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "unknown entry type 0");
	/* trace types only in a trace */
	assert_int_equal(decode_payload(trace_type, sizeof(trace_type), 1, false, &e, &why),
			 -EBADMSG);
	assert_string_equal(why, "unknown entry type 34");
	assert_int_equal(decode_payload(trace_type, sizeof(trace_type), 1, true, &e, &why), 1);
	assert_int_equal(e.t_pt_gpa, 5);
}

static void test_entry_varints(void **state)
{
	static const u8 cut[] = { RR_SERIAL_IN, 0x80 };
	static const u8 cut_len[] = { RR_SERIAL_IN, 0, 0, 0x81 };
	static const u8 eleven[] = { RR_SERIAL_IN, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
				     0x80, 0x80, 0x80, 0x00, 0, 1, 'x' };
	static const u8 bit64[] = { RR_SERIAL_IN, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
				    0x80, 0x80, 0x02, 0, 1, 'x' };
	static const u8 max[] = { RR_SERIAL_IN, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
				  0xFF, 0xFF, 0x01, 0, 1, 'x' };
	/* non-minimal encodings are still the same number */
	static const u8 padded[] = { RR_SERIAL_IN, 0x85, 0x80, 0x00, 0, 1, 'x' };
	static const u8 body_cut[] = { RR_CLOCK, 0, 0, 2, 0x80 };
	static const u8 body_varint[] = { RR_CLOCK, 0, 0, 1, 0x80, 0x01 };
	struct rrlog_entry e;
	const char *why;

	assert_int_equal(decode_payload(cut, sizeof(cut), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "varint runs past the frame");
	assert_int_equal(decode_payload(cut_len, sizeof(cut_len), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "varint runs past the frame");
	assert_int_equal(decode_payload(eleven, sizeof(eleven), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "varint longer than 10 bytes");
	assert_int_equal(decode_payload(bit64, sizeof(bit64), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "varint exceeds 64 bits");
	assert_int_equal(decode_payload(max, sizeof(max), 1, false, &e, &why), 1);
	assert_int_equal(e.landmark, UINT64_MAX);
	assert_int_equal(decode_payload(padded, sizeof(padded), 1, false, &e, &why), 1);
	assert_int_equal(e.landmark, 5);
	assert_int_equal(e.byte, 'x');
	assert_int_equal(decode_payload(body_cut, sizeof(body_cut), 1, false, &e, &why),
			 -EBADMSG);
	assert_non_null(strstr(why, "runs past the frame"));
	assert_int_equal(decode_payload(body_varint, sizeof(body_varint), 1, false, &e, &why),
			 -EBADMSG);
	assert_string_equal(why, "CLOCK body too short");
}

/* Each type's body shorter than the type requires is refused. */
static void test_entry_short_bodies(void **state)
{
	static const struct {
		u8 type;
		u8 need; /* body bytes with every varint one byte long */
	} types[] = {
		{ RR_RDTSC, 1 }, { RR_RDTSCP, 2 }, { RR_RDRAND, 10 }, { RR_RDSEED, 10 },
		{ RR_CLOCK, 1 }, { RR_IO_IN, 3 }, { RR_INTERRUPT, 1 },
		{ RR_DIGEST, 1 + 22 + 8 + 1 }, { RR_END, 2 }, { RR_MMIO_IN, 3 },
		{ RR_SERIAL_IN, 1 }, { RR_DIGEST_PAGES, 1 }, { RR_T_EXIT, 2 }, { RR_T_IO, 4 },
		{ RR_T_PT_WRITE, 1 }, { RR_T_INSN, 1 },
	};
	u8 p[64];
	struct rrlog_entry e;
	const char *why;
	char want[64];
	size_t i;
	u8 len;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		for (len = 0; len <= types[i].need; len++) {
			p[0] = types[i].type;
			p[1] = 0;
			p[2] = 0;
			p[3] = len;
			memset(p + 4, 0, len);
			if (types[i].type == RR_DIGEST)
				p[4] = 22;
			if (len < types[i].need) {
				assert_int_equal(decode_payload(p, 4u + len, 1, true, &e, &why),
						 -EBADMSG);
				snprintf(want, sizeof(want), "%s body too short",
					 rrlog_type_name(types[i].type));
				assert_string_equal(why, want);
			} else {
				assert_int_equal(decode_payload(p, 4u + len, 1, true, &e, &why), 1);
			}
		}
	}
}

static void test_entry_body_past_frame(void **state)
{
	static const u8 p[] = { RR_SERIAL_IN, 0, 0, 5, 'x' };
	struct rrlog_entry e;
	const char *why;

	assert_int_equal(decode_payload(p, sizeof(p), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "entry body of 5 bytes runs past the frame");
}

/* Values that do not fit their field, and other malformed bodies. */
static void test_entry_bad_values(void **state)
{
	static const u8 port[] = { RR_IO_IN, 0, 0, 5, 0x80, 0x80, 0x04, 1, 0 };
	static const u8 value[] = { RR_IO_IN, 0, 0, 7, 1, 4, 0x80, 0x80, 0x80, 0x80, 0x10 };
	static const u8 insn[] = { RR_T_INSN, 0, 0, 17, 16, 0, 0, 0, 0, 0, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 0 };
	static const u8 insn_short[] = { RR_T_INSN, 0, 0, 3, 3, 0x0F, 0x01 };
	static const u8 regs[] = { RR_DIGEST, 0, 0, 1, 5 };
	static const u8 many[] = { RR_DIGEST_PAGES, 0, 0, 2, 0x89, 0x20 }; /* 4105 */
	static const u8 dup[] = { RR_DIGEST_PAGES, 0, 0, 11, 2, 3, 1, 1, 1, 1, 0, 2, 2, 2, 2 };
	static const u8 landmark[] = { RR_SERIAL_IN, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
				       0xFF, 0xFF, 0x01, 0, 1, 'a', RR_SERIAL_IN, 1, 0, 1, 'b' };
	static const u8 aux[] = { RR_RDTSCP, 0, 0, 6, 0, 0x80, 0x80, 0x80, 0x80, 0x10 };
	struct rrlog_entry e;
	const char *why;

	assert_int_equal(decode_payload(port, sizeof(port), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "IO_IN port 65536 exceeds 16 bits");
	assert_int_equal(decode_payload(value, sizeof(value), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "IO_IN value 4294967296 exceeds 32 bits");
	assert_int_equal(decode_payload(aux, sizeof(aux), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "RDTSCP TSC_AUX 4294967296 exceeds 32 bits");
	assert_int_equal(decode_payload(insn, sizeof(insn), 1, true, &e, &why), -EBADMSG);
	assert_string_equal(why, "T_INSN length 16 exceeds 15");
	assert_int_equal(decode_payload(insn_short, sizeof(insn_short), 1, true, &e, &why),
			 -EBADMSG);
	assert_string_equal(why, "T_INSN body too short");
	assert_int_equal(decode_payload(regs, sizeof(regs), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "DIGEST holds 5 registers (needs 22)");
	assert_int_equal(decode_payload(many, sizeof(many), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "DIGEST_PAGES holds 4105 pages (at most 4096)");
	assert_int_equal(decode_payload(dup, sizeof(dup), 1, false, &e, &why), -EBADMSG);
	assert_string_equal(why, "DIGEST_PAGES page numbers do not increase");
	assert_int_equal(decode_payload(landmark, sizeof(landmark), 2, false, &e, &why),
			 -EBADMSG);
	assert_string_equal(why, "landmark overflows 64 bits");
}

/* Body bytes past what the type defines are skipped, and so are the extra
 * registers of a longer DIGEST. */
static void test_entry_extra_body_ignored(void **state)
{
	u8 p[128];
	size_t n = 0;
	unsigned i;
	struct rrlog_entry e;
	static u8 frame[FRAME_BUF];
	struct rrlog_reader r;

	/* RDTSC +5 with three extra bytes, then SERIAL_IN */
	static const u8 head[] = { RR_RDTSC, 1, 0, 4, 10, 0xEE, 0xEE, 0xEE,
				   RR_SERIAL_IN, 1, 2, 2, 'z', 0xEE };
	memcpy(p, head, sizeof(head));
	n = sizeof(head);
	/* DIGEST of 24 registers */
	p[n++] = RR_DIGEST;
	p[n++] = 0;
	p[n++] = 0;
	p[n++] = 1 + 24 + 8 + 1;
	p[n++] = 24;
	for (i = 0; i < 24; i++)
		p[n++] = (u8)i;
	for (i = 0; i < 8; i++)
		p[n++] = 0xAB;
	p[n++] = 0;

	n = make_frame(frame, 0, 3, p, n);
	rrlog_reader_init(&r, false);
	assert_int_equal(rrlog_open_frame(&r, frame, n), (long)n);
	assert_int_equal(rrlog_next(&r, &e), 1);
	assert_int_equal(e.tsc, 5);
	assert_int_equal(e.landmark, 1);
	assert_int_equal(rrlog_next(&r, &e), 1);
	assert_int_equal(e.byte, 'z');
	assert_int_equal(e.landmark, 2);
	assert_int_equal(e.rip, 1);
	assert_int_equal(rrlog_next(&r, &e), 1);
	assert_int_equal(e.type, RR_DIGEST);
	assert_int_equal(e.digest.count, RRLOG_DIGEST_REGS);
	assert_int_equal(e.digest.regs[21], 21);
	assert_int_equal(e.digest.memory_hash, 0xABABABABABABABABULL);
	assert_int_equal(rrlog_next(&r, &e), 0);
}

/* A failed entry leaves the reader where it was. */
static void test_reader_unchanged_on_error(void **state)
{
	static const u8 p[] = { RR_RDTSC, 3, 0, 1, 10, RR_RDTSC, 1, 0, 1, 0x80 };
	static u8 frame[FRAME_BUF];
	struct rrlog_reader r, before;
	struct rrlog_entry e;
	size_t n = make_frame(frame, 0, 2, p, sizeof(p));

	rrlog_reader_init(&r, false);
	assert_int_equal(rrlog_open_frame(&r, frame, n), (long)n);
	assert_int_equal(rrlog_next(&r, &e), 1);
	before = r;
	assert_int_equal(rrlog_next(&r, &e), -EBADMSG);
	assert_string_equal(r.error, "RDTSC body too short");
	assert_int_equal(r.pos, before.pos);
	assert_int_equal(r.entries_left, before.entries_left);
	assert_memory_equal(&r.d, &before.d, sizeof(r.d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint_sizes),
		cmocka_unit_test(test_varint_bytes),
		cmocka_unit_test(test_svarint_edges),
		cmocka_unit_test(test_rip_deltas),
		cmocka_unit_test(test_every_type_round_trips),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_deltas_across_frames),
		cmocka_unit_test(test_async_branch_flags),
		cmocka_unit_test(test_digest_pages_thousands),
		cmocka_unit_test(test_digest_pages_skipped),
		cmocka_unit_test(test_digest_pages_writer_refusals),
		cmocka_unit_test(test_enospc_leaves_frame),
		cmocka_unit_test(test_entry_too_big),
		cmocka_unit_test(test_writer_refusals),
		cmocka_unit_test(test_finish_frame),
		cmocka_unit_test(test_header_round_trip),
		cmocka_unit_test(test_header_longer),
		cmocka_unit_test(test_header_refusals),
		cmocka_unit_test(test_frame_refusals),
		cmocka_unit_test(test_frame_truncated),
		cmocka_unit_test(test_frame_entry_count),
		cmocka_unit_test(test_entry_unknown_type),
		cmocka_unit_test(test_entry_varints),
		cmocka_unit_test(test_entry_short_bodies),
		cmocka_unit_test(test_entry_body_past_frame),
		cmocka_unit_test(test_entry_bad_values),
		cmocka_unit_test(test_entry_extra_body_ignored),
		cmocka_unit_test(test_reader_unchanged_on_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
