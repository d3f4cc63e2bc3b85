// sources: proto/wire.c proto/wire_prim.c proto/rrlog_types.c proto/rrlog_pages.c proto/rrlog_header.c proto/rrlog_writer.c proto/rrlog_reader.c lib/hash.c
/*
 * The record/replay log's tables (proto/rrlog_types.c), walked for every
 * entry type: the tables are sound; random values within each field's
 * limits are written by the writer to exactly the bytes an encoder of this
 * test's own makes from the table, and read back the same; a value past a
 * field's limit is refused by the writer and, put on the wire, by the
 * reader, naming the field.
 */
#include "helpers.h"

#include <stdlib.h>

#include "compiler.h"
#include "errno.h"
#include "hash.h"
#include "proto/rrlog.h"

#define TYPES (RRLOG_KIND_TYPE_MASK + 1)
#define ITERATIONS 300
#define FRAME_BUF (RRLOG_FRAME_HEADER_SIZE + RRLOG_FRAME_MAX_PAYLOAD)
#define PAGES_MAX 64   /* random page lists this long at most */
#define PAGE_HASH_SIZE 4

/* --- this test's own encoder, from the table ------------------------------- */

struct bytes {
	u8 b[RRLOG_ENTRY_MAX + PAGES_MAX * 16];
	size_t n;
};

static void put_byte(struct bytes *o, u8 v)
{
	assert_true(o->n < sizeof(o->b));
	o->b[o->n++] = v;
}

static void put_le(struct bytes *o, u64 v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put_byte(o, (u8)(v >> (8 * i)));
}

static void put_varint(struct bytes *o, u64 v)
{
	do {
		put_byte(o, (u8)((v & 0x7F) | (v > 0x7F ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

static u64 *run_of(struct rrlog_delta_state *d, const struct wire_field *f)
{
	return (u64 *)((u8 *)d + f->run);
}

/* A member's value, read without the codec's accessors. */
static u64 member(const struct rrlog_entry *e, const struct wire_field *f, unsigned i)
{
	unsigned size = f->size / wire_elems(f);
	u64 v = 0;

	memcpy(&v, (const u8 *)e + f->off + i * size, size); /* little-endian host */
	return v;
}

/* A value forced onto the wire in place of the member's (a value past the
 * field's limit that the member cannot hold). */
struct force {
	const struct wire_field *f;
	u64 v;
};

static u64 value_of(const struct rrlog_entry *e, const struct wire_field *f, unsigned i,
		    const struct force *force)
{
	return force && force->f == f ? force->v : member(e, f, i);
}

static void encode_custom(struct bytes *o, const struct wire_field *f, const struct rrlog_entry *e,
			  struct rrlog_delta_state *d, const struct force *force)
{
	u64 *prev = run_of(d, f);

	if (f->custom == &rrlog_digest_regs) {
		put_byte(o, force && force->f == f ? (u8)force->v : RRLOG_DIGEST_REGS);
		for (unsigned i = 0; i < RRLOG_DIGEST_REGS; i++)
			put_varint(o, e->digest.regs[i]);
		return;
	}
	if (f->custom == &rrlog_page_contents) {
		for (unsigned i = 0; i < RRLOG_PAGE_SIZE; i++)
			put_byte(o, e->window_page.data[i]);
		return;
	}
	if (f->custom == &rrlog_sized_bytes) {
		for (unsigned i = 0; i < rrlog_sized_len(e, f); i++)
			put_byte(o, rrlog_sized_data(e, f)[i]);
		return;
	}
	put_varint(o, force && force->f == f ? force->v : e->pages.count);
	for (u32 i = 0; i < e->pages.count; i++) {
		put_varint(o, e->pages.pages[i].page - *prev);
		put_le(o, e->pages.pages[i].hash, PAGE_HASH_SIZE);
		*prev = e->pages.pages[i].page;
	}
}

/* One field as docs/log-format.md says it is written. */
static void encode_field(struct bytes *o, const struct wire_field *f, const struct rrlog_entry *e,
			 struct rrlog_delta_state *d, const struct force *force)
{
	u64 v, *prev = run_of(d, f);
	unsigned len;

	switch (f->kind) {
	case WIRE_LE:
	case WIRE_VARINT:
		for (unsigned i = 0; i < wire_elems(f); i++) {
			v = value_of(e, f, i, force);
			if (f->kind == WIRE_LE)
				put_le(o, v, f->bytes);
			else
				put_varint(o, v);
		}
		break;
	case WIRE_SDELTA:
		v = member(e, f, 0) - *prev;
		put_varint(o, (v << 1) ^ (0 - (v >> 63)));
		*prev = member(e, f, 0);
		break;
	case WIRE_UDELTA:
		put_varint(o, value_of(e, f, 0, force) - *prev);
		*prev = member(e, f, 0);
		break;
	case WIRE_BYTES:
		len = *((const u8 *)e + f->len_at);
		for (unsigned i = 0; i < len; i++)
			put_byte(o, ((const u8 *)e + f->off)[i]);
		break;
	case WIRE_RESTART:
		*prev = 0;
		break;
	case WIRE_CUSTOM:
		encode_custom(o, f, e, d, force);
		break;
	default:
		fail_msg("entry field %s of kind %u", f->name, f->kind);
	}
}

static void encode_table(struct bytes *o, const struct wire_table *t, const struct rrlog_entry *e,
			 struct rrlog_delta_state *d, const struct force *force)
{
	for (size_t i = 0; i < t->count; i++)
		if (wire_present(&t->fields[i], e))
			encode_field(o, &t->fields[i], e, d, force);
}

/* The whole entry: kind, prefix, body length, body. */
static void encode_entry(struct bytes *o, const struct rrlog_entry *e, struct rrlog_delta_state *d,
			 const struct force *force)
{
	struct bytes body = { .n = 0 };

	o->n = 0;
	encode_table(&body, &rrlog_type(e->type)->body, e, d, force);
	put_byte(o, (u8)(e->type | (e->async ? RRLOG_KIND_ASYNC : 0) |
			 (e->has_branches ? RRLOG_KIND_BRANCH : 0)));
	encode_table(o, &rrlog_prefix, e, d, force);
	put_varint(o, body.n);
	for (size_t i = 0; i < body.n; i++)
		put_byte(o, body.b[i]);
}

/* --- the writer and the reader on one entry --------------------------------- */

/* Appends e to an empty frame from running values *d: the rc, the payload
 * in out and *d moved on. */
static int write_one(const struct rrlog_entry *e, struct rrlog_delta_state *d, struct bytes *out)
{
	static u8 frame[FRAME_BUF];
	struct rrlog_writer w;
	int rc;

	rrlog_writer_init(&w, frame, sizeof(frame));
	w.d = *d;
	rc = rrlog_append(&w, e);
	if (rc == 0) {
		memcpy(out->b, frame + RRLOG_FRAME_HEADER_SIZE, w.len);
		out->n = w.len;
		*d = w.d;
	}
	return rc;
}

/* Reads the payload p back from running values *d: the rc, the entry and
 * its pages, the refusal in *why. */
static int read_one(const struct bytes *p, bool trace, struct rrlog_delta_state *d,
		    struct rrlog_entry *e, struct rrlog_page_hash *pages, const char **why)
{
	static u8 frame[FRAME_BUF];
	struct rrlog_reader r;
	struct rrlog_pages_iter it;
	u32 n = 0;
	int rc;

	memcpy(frame, RRLOG_FRAME_MAGIC, 4);
	put32(frame + RRLOG_FRAME_LENGTH, (u32)p->n);
	put64(frame + RRLOG_FRAME_SEQ, 0);
	put32(frame + RRLOG_FRAME_COUNT, 1);
	put32(frame + RRLOG_FRAME_CHECKSUM, hash32(p->b, p->n, 0));
	memcpy(frame + RRLOG_FRAME_HEADER_SIZE, p->b, p->n);
	rrlog_reader_init(&r, trace);
	r.d = *d;
	assert_int_equal(rrlog_open_frame(&r, frame, RRLOG_FRAME_HEADER_SIZE + p->n),
			 RRLOG_FRAME_HEADER_SIZE + p->n);
	rc = rrlog_next(&r, e);
	*why = r.error;
	if (rc != 1)
		return rc;
	if (e->type == RR_DIGEST_PAGES) {
		rrlog_pages_begin(&it, &r, e);
		while (rrlog_pages_next(&it, &pages[n]) == 1)
			n++;
		assert_int_equal(n, e->pages.count);
		e->pages.pages = pages;
	}
	assert_int_equal(rrlog_next(&r, e + 1), 0); /* exactly one entry */
	*d = r.d;
	return rc;
}

/* --- random entries within the limits ---------------------------------------- */

/* Up to limit, edges often. */
static u64 rand_upto(u64 *seed, u64 limit)
{
	u64 r = test_rand(seed);

	switch (r % 8) {
	case 0:
		return 0;
	case 1:
		return limit;
	case 2:
		return limit < 0x7F ? limit : r >> 57; /* a one-byte varint */
	default:
		return limit == ~0ULL ? test_rand(seed) >> (r % 64) : test_rand(seed) % (limit + 1);
	}
}

static void set_member(struct rrlog_entry *e, const struct wire_field *f, unsigned i, u64 v)
{
	unsigned size = f->size / wire_elems(f);

	memcpy((u8 *)e + f->off + i * size, &v, size);
}

/* Pages increasing from the running value (the first may repeat it only
 * when it is 0, at the start of a digest). */
static void random_pages(struct rrlog_entry *e, u64 prev, struct rrlog_page_hash *pages, u64 *seed)
{
	u32 n = (u32)rand_upto(seed, PAGES_MAX);

	for (u32 i = 0; i < n; i++) {
		u64 step = (i == 0 && prev == 0) ? 0 : 1;

		pages[i].page = prev + step + test_rand(seed) % 1000;
		pages[i].hash = (u32)test_rand(seed);
		prev = pages[i].page;
	}
	e->pages.count = n;
	e->pages.pages = pages;
}

static void random_field(struct rrlog_entry *e, const struct wire_field *f,
			 const struct rrlog_delta_state *d, struct rrlog_page_hash *pages, u64 *seed)
{
	u64 prev = f->kind == WIRE_UDELTA || f->custom == &rrlog_page_list ?
			   *(const u64 *)((const u8 *)d + f->run) : 0;

	switch (f->kind) {
	case WIRE_LE:
	case WIRE_VARINT:
		for (unsigned i = 0; i < wire_elems(f); i++)
			set_member(e, f, i, rand_upto(seed, wire_limit(f)));
		break;
	case WIRE_SDELTA:
		set_member(e, f, 0, test_rand(seed));
		break;
	case WIRE_UDELTA:
		set_member(e, f, 0, prev + rand_upto(seed, MIN(~0ULL - prev, 1ULL << 40)));
		break;
	case WIRE_BYTES:
		for (unsigned i = 0; i < f->size; i++)
			((u8 *)e + f->off)[i] = (u8)test_rand(seed);
		break;
	case WIRE_CUSTOM:
		if (f->custom == &rrlog_page_list) {
			random_pages(e, prev, pages, seed);
			break;
		}
		if (f->custom == &rrlog_page_contents) {
			static u8 contents[RRLOG_PAGE_SIZE];

			for (unsigned i = 0; i < RRLOG_PAGE_SIZE; i++)
				contents[i] = (u8)test_rand(seed);
			e->window_page.data = contents;
			break;
		}
		if (f->custom == &rrlog_sized_bytes) {
			static u8 piece[RRLOG_PAGE_CODED_MAX];
			const u8 *data = piece;
			u32 len = rrlog_sized_len(e, f) ? rrlog_sized_len(e, f) : 1;

			assert_true(f->max <= sizeof(piece));
			memcpy((u8 *)e + f->len_at, &len, sizeof(len));
			for (unsigned i = 0; i < len; i++)
				piece[i] = (u8)test_rand(seed);
			memcpy((u8 *)e + f->off, &data, sizeof(data));
			break;
		}
		for (unsigned i = 0; i < wire_elems(f); i++)
			set_member(e, f, i, test_rand(seed) >> (test_rand(seed) % 64));
		e->digest.count = test_rand(seed) & 1 ? RRLOG_DIGEST_REGS : 0; /* 0: not set */
		break;
	default:
		break;
	}
}

static void random_entry(struct rrlog_entry *e, unsigned type, const struct rrlog_delta_state *d,
			 struct rrlog_page_hash *pages, u64 *seed)
{
	const struct wire_table *body = &rrlog_type(type)->body;

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->async = test_rand(seed) & 1;
	e->has_branches = test_rand(seed) & 1;
	for (size_t i = 0; i < rrlog_prefix.count; i++)
		if (wire_present(&rrlog_prefix.fields[i], e))
			random_field(e, &rrlog_prefix.fields[i], d, pages, seed);
	for (size_t i = 0; i < body->count; i++)
		random_field(e, &body->fields[i], d, pages, seed);
}

/* Field by field, by this test's own reading of the members. */
static void assert_same(const struct rrlog_entry *a, const struct rrlog_entry *b)
{
	const struct wire_table *tables[] = { &rrlog_prefix, &rrlog_type(a->type)->body };

	assert_int_equal(a->type, b->type);
	assert_int_equal(a->async, b->async);
	assert_int_equal(a->has_branches, b->has_branches);
	for (unsigned t = 0; t < ARRAY_SIZE(tables); t++) {
		for (size_t i = 0; i < tables[t]->count; i++) {
			const struct wire_field *f = &tables[t]->fields[i];

			if (!wire_present(f, a) || f->kind == WIRE_RESTART)
				continue;
			if (f->custom == &rrlog_page_contents) {
				assert_memory_equal(a->window_page.data, b->window_page.data,
						    RRLOG_PAGE_SIZE);
			} else if (f->custom == &rrlog_sized_bytes) {
				assert_int_equal(rrlog_sized_len(a, f), rrlog_sized_len(b, f));
				assert_memory_equal(rrlog_sized_data(a, f), rrlog_sized_data(b, f),
						    rrlog_sized_len(a, f));
			} else if (f->custom == &rrlog_page_list) {
				assert_int_equal(a->pages.count, b->pages.count);
				assert_memory_equal(a->pages.pages, b->pages.pages,
						    a->pages.count * sizeof(*a->pages.pages));
			} else if (f->kind == WIRE_BYTES) {
				assert_memory_equal((const u8 *)a + f->off, (const u8 *)b + f->off,
						    *((const u8 *)a + f->len_at));
			} else {
				assert_memory_equal((const u8 *)a + f->off, (const u8 *)b + f->off,
						    f->size);
			}
		}
	}
	assert_true(rrlog_entry_same(a, b));
}

/* --- the tests ---------------------------------------------------------------- */

static const unsigned all_types[] = {
	RR_RDTSC, RR_RDTSCP, RR_RDRAND, RR_RDSEED, RR_CLOCK, RR_IO_IN, RR_INTERRUPT, RR_DIGEST,
	RR_END, RR_MMIO_IN, RR_SERIAL_IN, RR_DIGEST_PAGES, RR_CPUID, RR_WINDOW_PAGE, RR_SNAPSHOT,
	RR_OUTPUT, RR_CHECKPOINT_DATA, RR_FPU_STATE, RR_WINDOW_PAGE_CODED, RR_FPU_STATE_LZ4,
	RR_NET_RX, RR_NET_TX, RR_T_EXIT, RR_T_IO, RR_T_PT_WRITE, RR_T_INSN,
};

static bool is_member_kind(const struct wire_field *f)
{
	return f->kind != WIRE_RESTART && f->kind != WIRE_PAD;
}

/* Every field of every table can hold what it describes, says where its
 * value lives and runs, and has a name of its own. */
static void check_table(const struct wire_table *t, size_t rec_size)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct wire_field *f = &t->fields[i];
		unsigned elem = f->size / wire_elems(f);

		if (is_member_kind(f)) {
			assert_non_null(f->name);
			assert_true(f->off + f->size <= rec_size);
			assert_int_equal(f->size % wire_elems(f), 0);
		}
		for (size_t j = 0; j < i; j++)
			if (f->name && t->fields[j].name)
				assert_string_not_equal(f->name, t->fields[j].name);
		if (f->kind == WIRE_LE)
			assert_true(f->bytes >= 1 && f->bytes <= elem);
		if (f->kind == WIRE_VARINT)
			assert_true(f->bits >= 1 && f->bits <= 8 * elem);
		if (f->kind == WIRE_SDELTA || f->kind == WIRE_UDELTA || f->kind == WIRE_RESTART ||
		    f->custom == &rrlog_page_list)
			assert_true(f->run + sizeof(u64) <= sizeof(struct rrlog_delta_state));
		if (f->kind == WIRE_SDELTA || f->kind == WIRE_UDELTA)
			assert_int_equal(f->size, sizeof(u64));
		if (f->names)
			assert_true(f->n > 1);
		if (f->kind == WIRE_BYTES) {
			/* its length is an earlier field that cannot exceed it */
			size_t j;

			for (j = 0; j < i && t->fields[j].off != f->len_at; j++)
				;
			assert_true(j < i);
			assert_int_equal(t->fields[j].size, 1);
			assert_true(wire_limit(&t->fields[j]) <= f->size);
		}
	}
}

static void test_tables_sound(void **state)
{
	unsigned t, known = 0;

	check_table(&rrlog_prefix, sizeof(struct rrlog_entry));
	check_table(&rrlog_header_table, sizeof(struct rrlog_header));
	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		const struct rrlog_type_desc *d = rrlog_type(all_types[t]);

		assert_non_null(d);
		assert_true(d->body.count > 0);
		assert_int_equal(d->trace, all_types[t] >= RR_T_EXIT);
		check_table(&d->body, sizeof(struct rrlog_entry));
	}
	for (t = 0; t < TYPES + 100; t++)
		known += rrlog_type(t) != NULL;
	assert_int_equal(known, ARRAY_SIZE(all_types));
}

/* Random entries of each type, one after the other (the running values
 * carry on): the writer's bytes are this test's, and they read back. */
static void test_random_round_trips(void **state)
{
	static struct rrlog_page_hash pages[PAGES_MAX], read_pages[PAGES_MAX];
	static struct rrlog_entry e, got[2];
	static struct bytes written, expected;
	u64 seed = 0x5EED;
	unsigned t, i, checked = 0;
	const char *why;

	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct rrlog_delta_state dw = { 0 }, dr = { 0 }, dx = { 0 };

		for (i = 0; i < ITERATIONS; i++) {
			random_entry(&e, all_types[t], &dw, pages, &seed);
			assert_int_equal(write_one(&e, &dw, &written), 0);
			encode_entry(&expected, &e, &dx, NULL);
			assert_int_equal(written.n, expected.n);
			assert_memory_equal(written.b, expected.b, expected.n);
			assert_int_equal(read_one(&written, true, &dr, got, read_pages, &why), 1);
			if (e.type == RR_DIGEST)
				e.digest.count = RRLOG_DIGEST_REGS; /* what a reader sets */
			assert_same(&e, &got[0]);
			assert_memory_equal(&dw, &dr, sizeof(dr));
			assert_memory_equal(&dw, &dx, sizeof(dx));
			checked++;
		}
	}
	assert_int_equal(checked, ARRAY_SIZE(all_types) * ITERATIONS);
}

/* The refusal a value past f's limit gets: "TYPE label V exceeds ...". */
static void expect_limit_msg(char *out, size_t size, const char *type, const struct wire_field *f,
			     u64 v)
{
	const char *label = f->label ? f->label : f->name;

	if (f->max && v > f->max)
		snprintf(out, size, "%s %s %llu exceeds %llu", type, label, v, f->max);
	else
		snprintf(out, size, "%s %s %llu exceeds %u bits", type, label, v, f->bits);
}

/* A value one past an LE or VARINT field's limit. */
static unsigned past_limit(unsigned type, const struct wire_field *f, u64 *seed)
{
	u64 limit = wire_limit(f), member_max, wire_max;
	unsigned elem = f->size / wire_elems(f), ran = 0;
	struct rrlog_delta_state d = { 0 }, enc;
	struct rrlog_page_hash pages[PAGES_MAX];
	struct rrlog_entry e, got[2];
	struct bytes b;
	struct force force = { f, limit + 1 };
	char want[128];
	const char *why;

	if (limit == ~0ULL)
		return 0;
	member_max = elem >= 8 ? ~0ULL : (1ULL << (8 * elem)) - 1;
	wire_max = f->kind == WIRE_VARINT || f->bytes >= 8 ? ~0ULL : (1ULL << (8 * f->bytes)) - 1;
	random_entry(&e, type, &d, pages, seed);
	if (limit < member_max) { /* the writer sees it */
		set_member(&e, f, 0, limit + 1);
		assert_int_equal(write_one(&e, &d, &b), -EINVAL);
		set_member(&e, f, 0, limit);
		ran++;
	}
	if (limit < wire_max) { /* the reader sees it */
		enc = d;
		encode_entry(&b, &e, &enc, &force);
		assert_int_equal(read_one(&b, true, &d, got, pages, &why), -EBADMSG);
		expect_limit_msg(want, sizeof(want), rrlog_type_name(type), f, limit + 1);
		assert_string_equal(why, want);
		ran++;
	}
	return ran;
}

/* A running value that may not go backwards: the writer refuses a value
 * below it, the reader a delta that overflows it. */
static unsigned backwards(unsigned type, const struct wire_field *f, u64 *seed, bool in_prefix)
{
	struct rrlog_delta_state d = { 0 }, enc;
	struct rrlog_page_hash pages[PAGES_MAX];
	struct rrlog_entry e, got[2];
	struct bytes b;
	struct force force = { f, 4 }; /* ~0 - 5 + 10, wrapped: the delta is 10 */
	char want[128];
	const char *why;

	random_entry(&e, type, &d, pages, seed);
	e.has_branches = true; /* the prefix's branch count present */
	*run_of(&d, f) = 1000;
	set_member(&e, f, 0, 999);
	assert_int_equal(write_one(&e, &d, &b), -EINVAL);

	*run_of(&d, f) = ~0ULL - 5;
	set_member(&e, f, 0, ~0ULL - 5);
	enc = d;
	encode_entry(&b, &e, &enc, &force);
	assert_int_equal(read_one(&b, true, &d, got, pages, &why), -EBADMSG);
	snprintf(want, sizeof(want), "%s%s%s overflows 64 bits", in_prefix ? "" : rrlog_type_name(type),
		 in_prefix ? "" : " ", f->label ? f->label : f->name);
	assert_string_equal(why, want);
	return 2;
}

/* Every limit of every table, both ways. */
static void test_out_of_limits_refused(void **state)
{
	u64 seed = 0xBAD;
	unsigned t, ran = 0;

	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		const struct wire_table *body = &rrlog_type(all_types[t])->body;

		for (size_t i = 0; i < body->count; i++) {
			const struct wire_field *f = &body->fields[i];

			if (f->kind == WIRE_LE || f->kind == WIRE_VARINT)
				ran += past_limit(all_types[t], f, &seed);
			if (f->kind == WIRE_UDELTA)
				ran += backwards(all_types[t], f, &seed, false);
		}
	}
	for (size_t i = 0; i < rrlog_prefix.count; i++)
		if (rrlog_prefix.fields[i].kind == WIRE_UDELTA)
			ran += backwards(RR_SERIAL_IN, &rrlog_prefix.fields[i], &seed, true);
	/* Version 1 has, for the reader only (the members hold no more than
	 * the limit): RDTSCP aux, IO_IN port and value, END code, CPUID's six,
	 * T_EXIT's two, T_IO port and value; for both: T_INSN len, CLOCK ns,
	 * the landmark and the branch count. */
	assert_true(ran >= 14 + 4 * 2);
}

/* The two hand-written kinds refuse what their tables say. */
static void test_custom_limits_refused(void **state)
{
	static struct rrlog_page_hash pages[RRLOG_DIGEST_PAGES_MAX + 1], got_pages[PAGES_MAX];
	const struct wire_field *regs = &rrlog_type(RR_DIGEST)->body.fields[0];
	const struct wire_field *list = &rrlog_type(RR_DIGEST_PAGES)->body.fields[0];
	struct rrlog_delta_state d = { 0 };
	struct rrlog_entry e = { .type = RR_DIGEST }, got[2];
	struct force force = { regs, RRLOG_DIGEST_REGS - 1 };
	struct bytes b;
	const char *why;

	assert_ptr_equal(regs->custom, &rrlog_digest_regs);
	e.digest.count = 5;
	assert_int_equal(write_one(&e, &d, &b), -EINVAL);
	e.digest.count = 0;
	encode_entry(&b, &e, &d, &force);
	assert_int_equal(read_one(&b, false, &d, got, got_pages, &why), -EBADMSG);
	assert_string_equal(why, "DIGEST holds 21 registers (needs 22)");

	assert_ptr_equal(list->custom, &rrlog_page_list);
	memset(&e, 0, sizeof(e));
	e.type = RR_DIGEST_PAGES;
	for (u32 i = 0; i <= list->max; i++)
		pages[i].page = i;
	e.pages.pages = pages;
	e.pages.count = (u32)list->max + 1;
	assert_int_equal(write_one(&e, &d, &b), -EINVAL);
	e.pages.count = 0;
	force = (struct force){ list, list->max + 1 };
	encode_entry(&b, &e, &d, &force);
	assert_int_equal(read_one(&b, false, &d, got, got_pages, &why), -EBADMSG);
	assert_string_equal(why, "DIGEST_PAGES holds 4097 pages (at most 4096)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_sound),
		cmocka_unit_test(test_random_round_trips),
		cmocka_unit_test(test_out_of_limits_refused),
		cmocka_unit_test(test_custom_limits_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
