// sources: hv/trace_spec.c lib/cmdline.c
/* hv/trace_spec.c: trace= parsing. Comma-separated items exits, io, pt and
 * insns=START-END (END > START, decimal or 0x hex), at least one; anything
 * else, including an empty item anywhere, is -EINVAL. */
#include "helpers.h"

#include "compiler.h"
#include "errno.h"
#include "hv/trace.h"

#define ALL_SIMPLE (TRACE_EXITS | TRACE_IO | TRACE_PT)

/* --- helpers ------------------------------------------------------------- */

/* Parses s into a spec first filled with junk, so a field trace_parse
 * forgets to set shows up. */
static int parse(const char *s, struct trace_spec *out)
{
	memset(out, 0x5a, sizeof(*out));
	return trace_parse(s, out);
}

static void assert_spec(const char *s, u32 what, u64 start, u64 end)
{
	struct trace_spec t;

	if (parse(s, &t) != 0)
		fail_msg("trace='%s' refused", s);
	if (t.what != what || t.insn_start != start || t.insn_end != end)
		fail_msg("trace='%s': what %#x [%#llx, %#llx), want %#x [%#llx, %#llx)", s, t.what,
			 t.insn_start, t.insn_end, what,
			 start, end);
}

static void assert_refused(const char *s)
{
	struct trace_spec t;
	int rc = parse(s, &t);

	if (rc != -EINVAL)
		fail_msg("trace='%s': got %d, want -EINVAL", s, rc);
}

/* --- accepted ------------------------------------------------------------ */

/* Each item alone sets its bit and only its bit; without insns= the range
 * is cleared. */
static void test_single_items(void **state)
{
	assert_spec("exits", TRACE_EXITS, 0, 0);
	assert_spec("io", TRACE_IO, 0, 0);
	assert_spec("pt", TRACE_PT, 0, 0);
	assert_spec("insns=0x100000-0x101000", TRACE_INSNS, 0x100000, 0x101000);
}

static void test_combinations(void **state)
{
	assert_spec("exits,io", TRACE_EXITS | TRACE_IO, 0, 0);
	assert_spec("io,pt", TRACE_IO | TRACE_PT, 0, 0);
	assert_spec("pt,exits", TRACE_PT | TRACE_EXITS, 0, 0);
	assert_spec("exits,io,pt", ALL_SIMPLE, 0, 0);
	assert_spec("pt,io,exits", ALL_SIMPLE, 0, 0);
	/* The example of docs/record-replay.md. */
	assert_spec("exits,io,pt,insns=0x100000-0x100200", ALL_SIMPLE | TRACE_INSNS, 0x100000,
		    0x100200);
	/* insns= anywhere in the list. */
	assert_spec("insns=16-32,exits", TRACE_INSNS | TRACE_EXITS, 16, 32);
	assert_spec("io,insns=16-32,pt", TRACE_IO | TRACE_INSNS | TRACE_PT, 16, 32);
}

/* A repeated word is harmless; a repeated insns= takes the last range. */
static void test_repeated_items(void **state)
{
	assert_spec("exits,exits", TRACE_EXITS, 0, 0);
	assert_spec("io,io,io", TRACE_IO, 0, 0);
	assert_spec("pt,exits,pt", TRACE_PT | TRACE_EXITS, 0, 0);
	assert_spec("insns=1-2,insns=3-4", TRACE_INSNS, 3, 4);
	assert_spec("insns=0x1000-0x2000,io,insns=10-11", TRACE_INSNS | TRACE_IO, 10, 11);
}

/* Bounds are decimal or 0x/0X hex in any case, mixed freely, up to the
 * whole u64 range. */
static void test_bounds(void **state)
{
	assert_spec("insns=0-1", TRACE_INSNS, 0, 1);
	assert_spec("insns=4096-8192", TRACE_INSNS, 4096, 8192);
	assert_spec("insns=0x0-0x1", TRACE_INSNS, 0, 1);
	assert_spec("insns=0XABCdef-0xFFFFFF", TRACE_INSNS, 0xabcdef, 0xffffff);
	assert_spec("insns=4096-0x2000", TRACE_INSNS, 4096, 0x2000);
	assert_spec("insns=0x1000-8193", TRACE_INSNS, 0x1000, 8193);
	assert_spec("insns=007-010", TRACE_INSNS, 7, 10); /* leading zeros are decimal */
	assert_spec("insns=0-18446744073709551615", TRACE_INSNS, 0, UINT64_MAX);
	assert_spec("insns=0xfffffffffffffffe-0xffffffffffffffff", TRACE_INSNS,
		    UINT64_MAX - 1, UINT64_MAX);
}

/* --- refused ------------------------------------------------------------- */

/* END must be above START: an empty or backwards range says nothing. */
static void test_bad_ranges(void **state)
{
	assert_refused("insns=5-5");
	assert_refused("insns=0-0");
	assert_refused("insns=6-5");
	assert_refused("insns=0x2000-4096");
	assert_refused("insns=0xffffffffffffffff-0xffffffffffffffff");
	assert_refused("exits,insns=2-1");
}

/* The range's shape: one dash between two numbers. */
static void test_malformed_ranges(void **state)
{
	assert_refused("insns");
	assert_refused("insns=");
	assert_refused("insns=100");          /* no dash */
	assert_refused("insns=0x100");
	assert_refused("insns=-");            /* neither number */
	assert_refused("insns=-5");           /* no START */
	assert_refused("insns=5-");           /* no END */
	assert_refused("insns=1-2-3");        /* two dashes */
	assert_refused("insns=1--3");
	assert_refused("insns=0x-0x10");      /* a prefix without digits */
	assert_refused("insns=0x10-0x");
	assert_refused("insns=0x1g-0x20");    /* not hex */
	assert_refused("insns=12a-20");       /* not decimal */
	assert_refused("insns=+1-2");         /* no signs */
	assert_refused("insns=1-+2");
	assert_refused("insns= 1-2");         /* no spaces */
	assert_refused("insns=1-2 ");
	assert_refused("insns=1 -2");
	assert_refused("insns:1-2");
	assert_refused("insns==1-2");
	assert_refused("insns =1-2");
	assert_refused("insns=1-2,exits,insns=3"); /* a later bad range */
}

/* One past the u64 range, in either bound and either base. */
static void test_overflow(void **state)
{
	assert_refused("insns=0-18446744073709551616");
	assert_refused("insns=0-99999999999999999999");
	assert_refused("insns=0-0x10000000000000000");
	assert_refused("insns=18446744073709551616-18446744073709551617");
	assert_refused("insns=0x10000000000000000-0x10000000000000001");
}

/* Every item has text: no empty string, no empty item at either end or in
 * the middle. */
static void test_empty_items(void **state)
{
	assert_refused("");
	assert_refused(",");
	assert_refused(",,");
	assert_refused(",exits");
	assert_refused("exits,");
	assert_refused("exits,io,");
	assert_refused("exits,,io");
	assert_refused("insns=1-2,");
	assert_refused(",insns=1-2");
}

/* Anything but the four items, including near misses, other case and
 * spaces. */
static void test_unknown_words(void **state)
{
	static const char *const bad[] = {
		"exit", "exitss", "exits=1", "EXITS", "Exits", " exits", "exits ",
		"i", "ioo", "io=", "IO", "p", "ptt", "pt=0", "PT",
		"insn=1-2", "insnss=1-2", "INSNS=1-2", "all", "none", "0", "trace",
		"exits io", "exits;io", "exits, io", "exits,io,bogus", "bogus,exits",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_refused(bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_items),
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_repeated_items),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_malformed_ranges),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_empty_items),
		cmocka_unit_test(test_unknown_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
