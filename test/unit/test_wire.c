// sources: proto/wire.c proto/wire_prim.c
/*
 * proto/wire.c as a later format would use it: a record of this test's own
 * (in the shape of a snapshot section) described by a table with a field
 * of every built-in kind, encoded to bytes written out by hand, decoded
 * back, compared, refused where it breaks a limit; and one table line more
 * is one field more on the wire.
 */
#include "helpers.h"

#include "compiler.h"
#include "errno.h"
#include "proto/wire.h"

struct section {
	u32 id;
	char name[9];
	u64 pages;       /* grows: a delta against the previous section's */
	u64 rip;         /* any value: a zigzag delta */
	u16 port;
	bool has_regs;
	u64 regs[3];
	u8 len;
	u8 data[8];
	u16 flags;       /* only in the longer table */
};

struct section_run {
	u64 pages;
	u64 rip;
};

#define AT(m) WIRE_AT(struct section, m)
#define RUN(m) WIRE_RUN(struct section_run, m)

static const struct wire_field fields[] = {
	{ .name = "id", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_HEX, AT(id) },
	{ .name = "name", .kind = WIRE_STR, .bytes = 8, .fmt = WIRE_TEXT, AT(name) },
	{ .kind = WIRE_PAD, .bytes = 2 },
	{ .name = "pages", .kind = WIRE_UDELTA, .fmt = WIRE_DEC, AT(pages), RUN(pages) },
	{ .name = "rip", .kind = WIRE_SDELTA, .fmt = WIRE_HEX, AT(rip), RUN(rip) },
	{ .name = "port", .kind = WIRE_VARINT, .bits = 12, .fmt = WIRE_HEX, AT(port) },
	{ .name = "regs", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_HEX, AT(regs), .n = 3,
	  WIRE_WHEN(struct section, has_regs) },
	{ .name = "len", .kind = WIRE_LE, .bytes = 1, .max = 8, .fmt = WIRE_DEC, AT(len) },
	{ .name = "data", .kind = WIRE_BYTES, .fmt = WIRE_HEXBYTES, AT(data),
	  .len_at = offsetof(struct section, len) },
};

/* The same, and one line more. */
static const struct wire_field longer[] = {
	{ .name = "id", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_HEX, AT(id) },
	{ .name = "name", .kind = WIRE_STR, .bytes = 8, .fmt = WIRE_TEXT, AT(name) },
	{ .kind = WIRE_PAD, .bytes = 2 },
	{ .name = "pages", .kind = WIRE_UDELTA, .fmt = WIRE_DEC, AT(pages), RUN(pages) },
	{ .name = "rip", .kind = WIRE_SDELTA, .fmt = WIRE_HEX, AT(rip), RUN(rip) },
	{ .name = "port", .kind = WIRE_VARINT, .bits = 12, .fmt = WIRE_HEX, AT(port) },
	{ .name = "regs", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_HEX, AT(regs), .n = 3,
	  WIRE_WHEN(struct section, has_regs) },
	{ .name = "len", .kind = WIRE_LE, .bytes = 1, .max = 8, .fmt = WIRE_DEC, AT(len) },
	{ .name = "data", .kind = WIRE_BYTES, .fmt = WIRE_HEXBYTES, AT(data),
	  .len_at = offsetof(struct section, len) },
	{ .name = "flags", .kind = WIRE_LE, .bytes = 2, .fmt = WIRE_HEX, AT(flags) },
};

static const struct wire_table table = WIRE_TABLE(fields);
static const struct wire_table longer_table = WIRE_TABLE(longer);

static const struct section sample = {
	.id = 0x11223344, .name = "cpu0", .pages = 300, .rip = 0xFFFFFFFFFFFFFFFEULL,
	.port = 0x3F8, .has_regs = true, .regs = { 1, 0x80, 0 }, .len = 3,
	.data = { 0xAA, 0xBB, 0xCC, 0xDD }, .flags = 0x8001,
};

/* The bytes of sample from zeroed running values, written out by hand. */
static const u8 sample_bytes[] = {
	0x44, 0x33, 0x22, 0x11,                         /* id */
	'c', 'p', 'u', '0', 0, 0, 0, 0,                 /* name */
	0, 0,                                           /* pad */
	0xAC, 0x02,                                     /* pages: 300 */
	0x03,                                           /* rip: -2, zigzag 3 */
	0xF8, 0x07,                                     /* port */
	0x01, 0x80, 0x01, 0x00,                         /* regs */
	0x03, 0xAA, 0xBB, 0xCC,                         /* len, data */
};

static size_t encode(const struct wire_table *t, const struct section *s, struct section_run *run,
		     u8 *out)
{
	struct wire_sink count = { NULL, 0 }, sink = { out, 0 };
	struct section_run r = *run;

	assert_int_equal(wire_encode(&count, t, s, &r), 0);
	assert_int_equal(wire_encode(&sink, t, s, run), 0);
	assert_int_equal(count.n, sink.n);
	return sink.n;
}

static int decode(const struct wire_table *t, const u8 *p, size_t n, struct section *s,
		  struct section_run *run, const char **why)
{
	struct wire_src c = { p, p + n, "SECTION", "past the end", NULL };
	int rc = wire_decode(&c, t, s, run);

	*why = c.error;
	return rc;
}

static void test_bytes_by_hand(void **state)
{
	struct section_run run = { 0 }, back = { 0 };
	struct section got;
	u8 out[64];
	size_t n = encode(&table, &sample, &run, out);
	const char *why;

	assert_int_equal(n, sizeof(sample_bytes));
	assert_memory_equal(out, sample_bytes, n);
	assert_int_equal(run.pages, 300);
	assert_int_equal(run.rip, sample.rip);

	memset(&got, 0, sizeof(got));
	got.has_regs = true; /* a presence condition comes from outside the table */
	assert_int_equal(decode(&table, out, n, &got, &back, &why), 0);
	assert_memory_equal(&run, &back, sizeof(run));
	assert_true(wire_same(&table, &sample, &got));
	assert_string_equal(got.name, "cpu0");
	assert_int_equal(got.regs[1], 0x80);
	assert_int_equal(got.data[2], 0xCC);
	assert_int_equal(got.flags, 0); /* not in this table */
	assert_false(wire_same(&longer_table, &sample, &got));
}

/* Deltas run on from record to record; an absent field moves nothing. */
static void test_running_values(void **state)
{
	struct section a = sample, b = sample, got;
	struct section_run run = { 0 }, back = { 0 };
	u8 out[128];
	size_t n;
	const char *why;

	b.pages = 301;
	b.rip = 2;
	b.has_regs = false;
	n = encode(&table, &a, &run, out);
	assert_int_equal(decode(&table, out, n, &got, &back, &why), 0);
	n = encode(&table, &b, &run, out);
	assert_int_equal(out[14], 0x01); /* pages: +1 */
	assert_int_equal(out[15], 0x08); /* rip: +4 */
	memset(&got, 0, sizeof(got));
	assert_int_equal(decode(&table, out, n, &got, &back, &why), 0);
	assert_true(wire_same(&table, &b, &got));
	assert_int_equal(got.regs[0], 0);
	assert_memory_equal(&run, &back, sizeof(run));
}

/* One line more in the table is the field's bytes more on the wire, and
 * a reader of the shorter table reads what it knows. */
static void test_one_line_more(void **state)
{
	struct section_run r1 = { 0 }, r2 = { 0 }, back = { 0 };
	struct section got;
	u8 short_out[64], long_out[64];
	size_t n1 = encode(&table, &sample, &r1, short_out);
	size_t n2 = encode(&longer_table, &sample, &r2, long_out);
	const char *why;

	assert_int_equal(n2, n1 + 2);
	assert_memory_equal(long_out, short_out, n1);
	assert_int_equal(long_out[n1], 0x01);
	assert_int_equal(long_out[n1 + 1], 0x80);

	memset(&got, 0, sizeof(got));
	got.has_regs = true;
	assert_int_equal(decode(&table, long_out, n2, &got, &back, &why), 0);
	assert_true(wire_same(&table, &sample, &got));
	memset(&got, 0, sizeof(got));
	got.has_regs = true;
	back = (struct section_run){ 0 };
	assert_int_equal(decode(&longer_table, long_out, n2, &got, &back, &why), 0);
	assert_true(wire_same(&longer_table, &sample, &got));
	assert_int_equal(decode(&longer_table, short_out, n1, &got, &back, &why), -EBADMSG);
	assert_string_equal(why, "SECTION body too short");
}

/* The writer refuses what the reader would, and the reader says why. */
static void test_limits(void **state)
{
	struct section s = sample, got;
	struct section_run run = { 0 }, back = { 0 };
	struct wire_sink count = { NULL, 0 };
	u8 bytes[sizeof(sample_bytes)];
	const char *why;

	s.port = 0x1000; /* 13 bits */
	assert_int_equal(wire_encode(&count, &table, &s, &run), -EINVAL);
	s = sample;
	s.len = 9;
	assert_int_equal(wire_encode(&count, &table, &s, &run), -EINVAL);
	s = sample;
	run.pages = 301; /* pages may not go backwards */
	assert_int_equal(wire_encode(&count, &table, &s, &run), -EINVAL);

	memcpy(bytes, sample_bytes, sizeof(bytes));
	bytes[17] = 0x80; /* port 0x1000 */
	bytes[18] = 0x20;
	got.has_regs = true;
	assert_int_equal(decode(&table, bytes, sizeof(bytes), &got, &back, &why), -EBADMSG);
	assert_string_equal(why, "SECTION port 4096 exceeds 12 bits");
	memcpy(bytes, sample_bytes, sizeof(bytes));
	bytes[23] = 9; /* len */
	back = (struct section_run){ 0 };
	assert_int_equal(decode(&table, bytes, sizeof(bytes), &got, &back, &why), -EBADMSG);
	assert_string_equal(why, "SECTION len 9 exceeds 8");
	back = (struct section_run){ .pages = ~0ULL - 100 };
	assert_int_equal(decode(&table, sample_bytes, sizeof(sample_bytes), &got, &back, &why),
			 -EBADMSG);
	assert_string_equal(why, "SECTION pages overflows 64 bits");
}

/* Padding is skipped whatever it holds; text stops at its first NUL; a
 * value cut short is refused by the record's name, or without one by the
 * format's own words. */
static void test_text_pad_and_ends(void **state)
{
	struct section got;
	struct section_run run = { 0 };
	struct wire_src c = { sample_bytes, sample_bytes + 16, NULL, "runs past the end", NULL };
	u8 bytes[sizeof(sample_bytes)];
	const char *why;

	memcpy(bytes, sample_bytes, sizeof(bytes));
	bytes[12] = 0xFF;
	bytes[6] = 0;     /* "cp" then NUL, then bytes the field still holds */
	bytes[7] = 'x';
	memset(&got, 0, sizeof(got));
	got.has_regs = true;
	assert_int_equal(decode(&table, bytes, sizeof(bytes), &got, &run, &why), 0);
	assert_string_equal(got.name, "cp");

	for (size_t n = 0; n < sizeof(sample_bytes); n++) {
		run = (struct section_run){ 0 };
		got.has_regs = true;
		assert_int_equal(decode(&table, sample_bytes, n, &got, &run, &why), -EBADMSG);
		assert_string_equal(why, "SECTION body too short");
	}
	got.has_regs = true;
	assert_int_equal(wire_decode(&c, &table, &got, &run), -EBADMSG);
	assert_string_equal(c.error, "runs past the end");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_by_hand),
		cmocka_unit_test(test_running_values),
		cmocka_unit_test(test_one_line_more),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_text_pad_and_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
