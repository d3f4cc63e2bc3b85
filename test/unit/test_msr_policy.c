// sources: hv/msr_policy.c
/*
 * hv/msr_policy.c: the vendor from CPUID's vendor string, the AMD legacy
 * performance counters accepted on AMD and absent on Intel, MCG_CAP
 * readable and read-only, unknown MSRs absent, and a table whose rows are
 * named, well-formed and do not overlap for a vendor; every row named in
 * docs/guest-platform.md's MSR table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/msr_policy.h"

#define EBX_AMD 0x68747541u   /* "Auth" */
#define EDX_AMD 0x69746E65u   /* "enti" */
#define ECX_AMD 0x444D4163u   /* "cAMD" */
#define EBX_INTEL 0x756E6547u /* "Genu" */
#define EDX_INTEL 0x49656E69u /* "ineI" */
#define ECX_INTEL 0x6C65746Eu /* "ntel" */

static void test_vendor(void **state)
{
	(void)state;
	assert_int_equal(msr_policy_vendor(EBX_AMD, EDX_AMD, ECX_AMD), MSR_VENDOR_AMD);
	assert_int_equal(msr_policy_vendor(EBX_INTEL, EDX_INTEL, ECX_INTEL), MSR_VENDOR_INTEL);
}

static void test_amd_perf_counters(void **state)
{
	(void)state;
	for (unsigned i = 0xC0010000; i <= 0xC0010007; i++) {
		const struct msr_rule *amd = msr_policy_find(i, MSR_VENDOR_AMD);

		assert_int_equal(amd->action, MSR_ZERO);
		assert_false(amd->read_only);
		assert_int_equal(msr_policy_find(i, MSR_VENDOR_INTEL)->action, MSR_ABSENT);
	}
	assert_int_equal(msr_policy_find(0xC0010008, MSR_VENDOR_AMD)->action, MSR_ABSENT);
}

static void test_machine_check(void **state)
{
	(void)state;
	for (int v = MSR_VENDOR_INTEL; v <= MSR_VENDOR_AMD; v <<= 1) {
		const struct msr_rule *cap = msr_policy_find(0x179, v);

		assert_int_equal(cap->action, MSR_ZERO);
		assert_true(cap->read_only);
		assert_string_equal(cap->name, "IA32_MCG_CAP");
		assert_int_equal(msr_policy_find(0x17B, v)->action, MSR_ABSENT); /* MCG_CTL */
		assert_int_equal(msr_policy_find(0x1A0, v)->action, MSR_EMULATED);
	}
}

static void test_unknown(void **state)
{
	(void)state;
	const struct msr_rule *r = msr_policy_find(0x12345678, MSR_VENDOR_AMD);

	assert_int_equal(r->action, MSR_ABSENT);
	assert_null(r->name);
	assert_int_equal(msr_policy_find(0xFFFFFFFF, MSR_VENDOR_INTEL)->action, MSR_ABSENT);
}

/* Rows: named, first <= last, a vendor, and no two rows of one vendor
 * overlap (the first match would hide the second). */
static void test_table_well_formed(void **state)
{
	unsigned n;
	const struct msr_rule *t = msr_policy_table(&n);

	(void)state;
	assert_true(n > 0);
	for (unsigned i = 0; i < n; i++) {
		assert_non_null(t[i].name);
		assert_true(t[i].first <= t[i].last);
		assert_true(t[i].vendors & MSR_VENDOR_ANY);
		assert_true(t[i].action != MSR_ABSENT);
		for (unsigned j = i + 1; j < n; j++)
			if (t[i].vendors & t[j].vendors)
				assert_true(t[i].last < t[j].first || t[j].last < t[i].first);
	}
}

/* docs/guest-platform.md's MSR table names every row (run from the top of
 * the tree, as make test does). */
static void test_table_documented(void **state)
{
	unsigned n;
	const struct msr_rule *t = msr_policy_table(&n);
	FILE *f = fopen("docs/guest-platform.md", "r");
	static char doc[1 << 18];
	size_t len;

	(void)state;
	if (!f)
		skip();
	len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = 0;
	for (unsigned i = 0; i < n; i++) {
		char name[80];

		snprintf(name, sizeof(name), "| %s |", t[i].name);
		if (!strstr(doc, name))
			fail_msg("docs/guest-platform.md has no row '%s'", name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vendor),
		cmocka_unit_test(test_amd_perf_counters),
		cmocka_unit_test(test_machine_check),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_table_well_formed),
		cmocka_unit_test(test_table_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
