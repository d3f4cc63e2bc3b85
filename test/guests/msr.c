/* msr: MSR semantics by CPU vendor, checked the way a conformance suite
 * checks them. On an AMD CPU the legacy performance counters
 * (PerfEvtSel0-3, PerfCtr0-3 at 0xC0010000-0xC0010007) take reads and
 * writes; IA32_MISC_ENABLE keeps what is written; IA32_MCG_CAP and
 * IA32_MCG_STATUS are readable; IA32_TSC reads; on Intel the
 * architectural counters take reads and writes. What QEMU's TCG does
 * differently from hardware (it answers every unknown MSR with 0 and never
 * raises #GP; its machine-check banks) is on "~ " lines. */
#include "expect.h"
#include "guest.h"

#define MSR_TSC 0x10
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17A
#define MSR_MISC_ENABLE 0x1A0
#define MSR_AMD_PERFEVTSEL0 0xC0010000
#define MSR_INTEL_PMC0 0xC1
#define MSR_MCG_CTL 0x17B          /* absent without MCG_CTL_P */
#define MSR_UNKNOWN 0x4C4D0001     /* in no vendor's list */
#define MISC_ENABLE_PATTERN 0x400C50809ull /* fast strings, bits 3, 11, 16, 18, 22, 23, 34 */
#define CPUID0_EBX_AMD 0x68747541u /* "Auth" */

static u32 msr_index;
static u64 msr_value, msr_read;
static void do_rdmsr(void *arg) { (void)arg; msr_read = rdmsr(msr_index); }
static void do_wrmsr(void *arg) { (void)arg; wrmsr(msr_index, msr_value); }

/* The vector RDMSR/WRMSR raised, or -1; *value gets what RDMSR returned. */
static int try_rdmsr(u32 index, u64 *value)
{
	msr_index = index;
	int v = fault_try(do_rdmsr, 0, 0);
	if (value)
		*value = msr_read;
	return v;
}

static int try_wrmsr(u32 index, u64 value)
{
	msr_index = index;
	msr_value = value;
	return fault_try(do_wrmsr, 0, 0);
}

static const char *outcome(int vector) { return vector < 0 ? "no fault" : exception_name(vector); }

/* The vendor's performance counters take RDMSR and WRMSR of 0 (they
 * exist on every CPU of the vendor): AMD's legacy PerfEvtSel0-3 and
 * PerfCtr0-3, Intel's IA32_PMC0-3 and IA32_PERFEVTSEL0-3. The lines do not
 * name the vendor, so runs on CPUs of either vendor compare. */
static void check_counters(bool amd)
{
	static const u32 amd_msrs[] = { 0xC0010000, 0xC0010001, 0xC0010002, 0xC0010003,
					0xC0010004, 0xC0010005, 0xC0010006, 0xC0010007 };
	static const u32 intel_msrs[] = { 0xC1, 0xC2, 0xC3, 0xC4, 0x186, 0x187, 0x188, 0x189 };
	const u32 *msrs = amd ? amd_msrs : intel_msrs;

	for (int i = 0; i < 8; i++) {
		int r = try_rdmsr(msrs[i], 0);
		int w = try_wrmsr(msrs[i], 0);

		expect_that(r < 0, "no fault", outcome(r), "RDMSR of the vendor's counter MSR %d", i);
		expect_that(w < 0, "no fault", outcome(w), "WRMSR of the vendor's counter MSR %d = 0",
			    i);
	}
	/* the other vendor's do not exist on hardware (QEMU accepts them) */
	vary("RDMSR of the other vendor's counter 0x%x: %s", amd ? MSR_INTEL_PMC0 : MSR_AMD_PERFEVTSEL0,
	     outcome(try_rdmsr(amd ? MSR_INTEL_PMC0 : MSR_AMD_PERFEVTSEL0, 0)));
}

static void check_misc_enable(void)
{
	u64 start = 0, got = 0;
	int r = try_rdmsr(MSR_MISC_ENABLE, &start);

	expect_that(r < 0, "no fault", outcome(r), "RDMSR IA32_MISC_ENABLE");
	vary("IA32_MISC_ENABLE at start: 0x%llx", start);
	expect_eq64(start & 1, 1, "IA32_MISC_ENABLE: fast strings at start");
	r = try_wrmsr(MSR_MISC_ENABLE, MISC_ENABLE_PATTERN);
	expect_that(r < 0, "no fault", outcome(r), "WRMSR IA32_MISC_ENABLE = 0x%llx",
		    MISC_ENABLE_PATTERN);
	try_rdmsr(MSR_MISC_ENABLE, &got);
	expect_eq64(got, MISC_ENABLE_PATTERN, "IA32_MISC_ENABLE keeps what was written");
	try_wrmsr(MSR_MISC_ENABLE, start);
	try_rdmsr(MSR_MISC_ENABLE, &got);
	expect_eq64(got, start, "IA32_MISC_ENABLE back to its start value");
}

static void check_machine_check(void)
{
	u64 cap = 0, status = 1;
	int r = try_rdmsr(MSR_MCG_CAP, &cap);

	expect_that(r < 0, "no fault", outcome(r), "RDMSR IA32_MCG_CAP");
	vary("IA32_MCG_CAP 0x%llx (%u banks)", cap, (u32)(cap & 0xFF));
	r = try_rdmsr(MSR_MCG_STATUS, &status);
	expect_that(r < 0, "no fault", outcome(r), "RDMSR IA32_MCG_STATUS");
	expect_eq64(status, 0, "IA32_MCG_STATUS: no machine check in progress");
	vary("WRMSR IA32_MCG_CAP (read-only): %s", outcome(try_wrmsr(MSR_MCG_CAP, 0)));
}

static void check_tsc(void)
{
	u64 a = 0, b = 0;
	int r = try_rdmsr(MSR_TSC, &a);

	expect_that(r < 0, "no fault", outcome(r), "RDMSR IA32_TSC");
	for (int i = 0; i < 1000; i++)
		pause();
	try_rdmsr(MSR_TSC, &b);
	/* QEMU 7.2's TCG reads IA32_TSC as 0 */
	vary("IA32_TSC 0x%llx then 0x%llx: %s", a, b, b > a ? "counts" : "does not count");
}

/* Hardware raises #GP for an MSR it does not have; QEMU's TCG reads 0. */
static void check_unknown(void)
{
	vary("RDMSR 0x%x (no such MSR): %s", MSR_UNKNOWN, outcome(try_rdmsr(MSR_UNKNOWN, 0)));
	vary("RDMSR IA32_MCG_CTL (no MCG_CTL_P): %s", outcome(try_rdmsr(MSR_MCG_CTL, 0)));
}

int main(u32 magic, const struct mb_info *info)
{
	guest_start("msr", magic, info);
	bool amd = cpuid(0, 0).ebx == CPUID0_EBX_AMD;
	vary("vendor %s", amd ? "AMD" : "Intel");
	check_counters(amd);
	check_misc_enable();
	check_machine_check();
	check_tsc();
	check_unknown();
	return guest_done();
}
