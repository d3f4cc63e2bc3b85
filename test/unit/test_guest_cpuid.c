// sources: hv/guest_cpuid.c hv/guest_cpu_model.c proto/snapshot_cpuid.c lib/fmt.c
/*
 * hv/guest_cpuid.c: the guest's CPUID policy over fake hosts, an Intel-like
 * server CPU with VMX and an AMD-like one with SVM, both with far more than
 * the guest may see, and the CR4/EFER/XCR0 bits that policy allows; the
 * guest's CPU as a table built from it (hv/guest_cpu_model.c): the policy
 * answers the same over the table as over the host, the table's bytes, and
 * which hosts can honour it.
 */
#include "helpers.h"

#include "arch/x86/regs.h"
#include "compiler.h"
#include "errno.h"
#include "hv/guest_cpu_model.h"
#include "hv/guest_cpuid.h"

/* Leaf 01H ECX: SDM Vol 2A, CPUID, Table 3-10 "Feature Information Returned
 * in the ECX Register". */
#define C1_SSE3 BIT(0)
#define C1_PCLMULQDQ BIT(1)
#define C1_DTES64 BIT(2)
#define C1_MONITOR BIT(3)
#define C1_DS_CPL BIT(4)
#define C1_VMX BIT(5)
#define C1_SMX BIT(6)
#define C1_EIST BIT(7)
#define C1_TM2 BIT(8)
#define C1_SSSE3 BIT(9)
#define C1_FMA BIT(12)
#define C1_CX16 BIT(13)
#define C1_XTPR BIT(14)
#define C1_PDCM BIT(15)
#define C1_PCID BIT(17)
#define C1_DCA BIT(18)
#define C1_SSE41 BIT(19)
#define C1_SSE42 BIT(20)
#define C1_X2APIC BIT(21)
#define C1_MOVBE BIT(22)
#define C1_POPCNT BIT(23)
#define C1_TSC_DEADLINE BIT(24)
#define C1_AES BIT(25)
#define C1_XSAVE BIT(26)
#define C1_OSXSAVE BIT(27)
#define C1_AVX BIT(28)
#define C1_F16C BIT(29)
#define C1_RDRAND BIT(30)
#define C1_HYPERVISOR BIT(31) /* reserved for hypervisor use, 0 on hardware */

/* Leaf 01H EDX: SDM Vol 2A, CPUID, Table 3-11 "More on Feature Information
 * Returned in the EDX Register". */
#define D1_FPU BIT(0)
#define D1_VME BIT(1)
#define D1_DE BIT(2)
#define D1_PSE BIT(3)
#define D1_TSC BIT(4)
#define D1_MSR BIT(5)
#define D1_PAE BIT(6)
#define D1_MCE BIT(7)
#define D1_CX8 BIT(8)
#define D1_APIC BIT(9)
#define D1_SEP BIT(11)
#define D1_MTRR BIT(12)
#define D1_PGE BIT(13)
#define D1_MCA BIT(14)
#define D1_CMOV BIT(15)
#define D1_PAT BIT(16)
#define D1_PSE36 BIT(17)
#define D1_CLFSH BIT(19)
#define D1_DS BIT(21)
#define D1_ACPI BIT(22)
#define D1_MMX BIT(23)
#define D1_FXSR BIT(24)
#define D1_SSE BIT(25)
#define D1_SSE2 BIT(26)
#define D1_SS BIT(27)
#define D1_HTT BIT(28)
#define D1_TM BIT(29)
#define D1_PBE BIT(31)

/* Leaf 01H EBX: SDM Vol 2A, CPUID, Table 3-8, "01H" (bits 7:0 brand index,
 * 15:8 CLFLUSH line size in 8-byte units, 23:16 logical processor IDs,
 * 31:24 initial APIC ID). */
#define B1_CLFLUSH_MASK 0x0000FF00u

/* Leaf 04H EAX: SDM Vol 2A, CPUID, Table 3-8, "04H" (bits 4:0 cache type,
 * 7:5 level, 8 self-initializing, 9 fully associative, 25:14 logical
 * processors sharing the cache - 1, 31:26 cores in the package - 1). */
#define A4_CORES_MASK 0xFC000000u
#define A4_SHARING_MASK 0x03FFC000u

/* Leaf 07H.0 EBX/ECX: SDM Vol 2A, CPUID, Table 3-8, "07H". */
#define B7_FSGSBASE BIT(0)
#define B7_TSC_ADJUST BIT(1)
#define B7_SGX BIT(2)
#define B7_BMI1 BIT(3)
#define B7_HLE BIT(4)
#define B7_AVX2 BIT(5)
#define B7_SMEP BIT(7)
#define B7_BMI2 BIT(8)
#define B7_ERMS BIT(9)
#define B7_INVPCID BIT(10)
#define B7_RTM BIT(11)
#define B7_RDT_M BIT(12)
#define B7_AVX512F BIT(16)
#define B7_AVX512DQ BIT(17)
#define B7_RDSEED BIT(18)
#define B7_ADX BIT(19)
#define B7_SMAP BIT(20)
#define B7_CLFLUSHOPT BIT(23)
#define B7_CLWB BIT(24)
#define B7_INTEL_PT BIT(25)
#define B7_AVX512CD BIT(28)
#define B7_SHA BIT(29)
#define B7_AVX512BW BIT(30)
#define B7_AVX512VL BIT(31)
#define C7_AVX512_VBMI BIT(1)
#define C7_UMIP BIT(2)
#define C7_PKU BIT(3)
#define C7_LA57 BIT(16)
#define D7_MD_CLEAR BIT(10)

/* Leaf 0DH: SDM Vol 2A, CPUID, Table 3-8, "0DH"; XCR0 components per SDM
 * Vol 1, 13.1 "XSAVE-Supported Features and State-Component Bitmaps". */
#define XCR0_X87 BIT(0)
#define XCR0_SSE BIT(1)
#define XCR0_AVX BIT(2)
#define XCR0_OPMASK BIT(5)
#define XCR0_ZMM_HI256 BIT(6)
#define XCR0_HI16_ZMM BIT(7)
#define XCR0_PKRU BIT(9)
#define AD1_XSAVEOPT BIT(0)
#define AD1_XSAVEC BIT(1)
#define AD1_XGETBV1 BIT(2)
#define AD1_XSAVES BIT(3)

/* Leaf 80000001H ECX/EDX: SDM Vol 2A, CPUID, Table 3-8, "80000001H"; the
 * AMD-only bits per AMD APM Vol 3,
 * Appendix E "Obtaining Processor Information Via the CPUID Instruction",
 * CPUID Fn8000_0001. */
#define C81_LAHF BIT(0)
#define C81_CMP_LEGACY BIT(1)   /* AMD */
#define C81_SVM BIT(2)          /* AMD */
#define C81_EXT_APIC BIT(3)     /* AMD */
#define C81_ABM BIT(5)          /* LZCNT */
#define C81_SSE4A BIT(6)        /* AMD */
#define C81_PREFETCHW BIT(8)
#define C81_IBS BIT(10)         /* AMD */
#define C81_SKINIT BIT(12)      /* AMD */
#define C81_PERFCTR_CORE BIT(23) /* AMD */
#define D81_SYSCALL BIT(11)
#define D81_NX BIT(20)
#define D81_MMXEXT BIT(22)      /* AMD */
#define D81_FFXSR BIT(25)       /* AMD */
#define D81_PAGE1GB BIT(26)
#define D81_RDTSCP BIT(27)
#define D81_LM BIT(29)

/* Leaf 80000007H EDX and 80000008H EAX: SDM Vol 2A, CPUID, Table 3-8. */
#define D87_INVARIANT_TSC BIT(8)
#define A88_PHYS_MASK 0x000000FFu   /* physical address bits */
#define A88_LINEAR_MASK 0x0000FF00u /* linear address bits */

/* Packs four ASCII characters the way CPUID returns them in a register. */
#define STR4(s) ((u32)(s)[0] | (u32)(s)[1] << 8 | (u32)(s)[2] << 16 | (u32)(s)[3] << 24)

/* --- fake hosts --------------------------------------------------------------- */

enum reg { EAX, EBX, ECX, EDX };

struct host_leaf {
	u32 leaf, subleaf;
	struct cpuid_result r;
};

#define HOST_MAX_LEAVES 48

struct fake_host {
	struct host_leaf leaves[HOST_MAX_LEAVES];
	unsigned n;
};

/* What the fake host answers for a (leaf, subleaf) it does not list: data
 * that must never reach the guest. */
static const struct cpuid_result garbage = { 0xBAD0BAD0, 0xBAD1BAD1, 0xBAD2BAD2, 0xBAD3BAD3 };

#define INTEL_C1 (C1_SSE3 | C1_PCLMULQDQ | C1_DTES64 | C1_MONITOR | C1_DS_CPL | C1_VMX | \
		  C1_SMX | C1_EIST | C1_TM2 | C1_SSSE3 | C1_FMA | C1_CX16 | C1_XTPR |    \
		  C1_PDCM | C1_PCID | C1_DCA | C1_SSE41 | C1_SSE42 | C1_X2APIC |          \
		  C1_MOVBE | C1_POPCNT | C1_TSC_DEADLINE | C1_AES | C1_XSAVE |           \
		  C1_OSXSAVE | C1_AVX | C1_F16C | C1_RDRAND)
#define COMMON_D1 (D1_FPU | D1_VME | D1_DE | D1_PSE | D1_TSC | D1_MSR | D1_PAE | D1_MCE | \
		   D1_CX8 | D1_APIC | D1_SEP | D1_MTRR | D1_PGE | D1_MCA | D1_CMOV |        \
		   D1_PAT | D1_PSE36 | D1_CLFSH | D1_MMX | D1_FXSR | D1_SSE | D1_SSE2 |     \
		   D1_HTT)
#define INTEL_D1 (COMMON_D1 | D1_DS | D1_ACPI | D1_SS | D1_TM | D1_PBE)
#define INTEL_B7 (B7_FSGSBASE | B7_TSC_ADJUST | B7_SGX | B7_BMI1 | B7_HLE | B7_AVX2 |     \
		  B7_SMEP | B7_BMI2 | B7_ERMS | B7_INVPCID | B7_RTM | B7_RDT_M |           \
		  B7_AVX512F | B7_AVX512DQ | B7_RDSEED | B7_ADX | B7_SMAP |                \
		  B7_CLFLUSHOPT | B7_CLWB | B7_INTEL_PT | B7_AVX512CD | B7_SHA |           \
		  B7_AVX512BW | B7_AVX512VL)
#define INTEL_XCR0 (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_OPMASK | XCR0_ZMM_HI256 | \
		    XCR0_HI16_ZMM | XCR0_PKRU)

/* Ice Lake server-like: 52 physical and 57 linear address bits, AVX-512,
 * many cores with two threads each, and itself running under KVM. */
static const struct host_leaf intel_host[] = {
	{ 0x0, 0, { 0x1B, STR4("Genu"), STR4("ntel"), STR4("ineI") } },
	{ 0x1, 0, { 0x000606A6, 0x25400800, INTEL_C1, INTEL_D1 } },
	{ 0x2, 0, { 0x00FEFF01, 0x000000F0, 0, 0 } },
	{ 0x4, 0, { 0xFC004121, 0x02C0003F, 0x0000003F, 0 } },
	{ 0x4, 1, { 0xFC004122, 0x01C0003F, 0x0000003F, 0 } },
	{ 0x4, 2, { 0xFC004143, 0x03C0003F, 0x000007FF, 0 } },
	{ 0x4, 3, { 0xFC0FC163, 0x02C0003F, 0x0000BFFF, 4 } },
	{ 0x4, 4, { 0, 0, 0, 0 } },
	{ 0x5, 0, { 0x40, 0x40, 0x3, 0x2020 } },
	{ 0x6, 0, { 0x77, 0x2, 0x9, 0 } },
	{ 0x7, 0, { 2, INTEL_B7, C7_AVX512_VBMI | C7_UMIP | C7_PKU | C7_LA57,
		    D7_MD_CLEAR } },
	{ 0x7, 1, { 0x10, 0, 0, 0 } },
	{ 0xA, 0, { 0x08300805, 0, 0xF, 0x8603 } },
	{ 0xB, 0, { 1, 2, 0x100, 0x25 } },
	{ 0xD, 0, { INTEL_XCR0, 0xA88, 0xA88, 0 } },
	{ 0xD, 1, { AD1_XSAVEOPT | AD1_XSAVEC | AD1_XGETBV1 | AD1_XSAVES, 0xA88,
		    0x100, 0 } },
	{ 0xD, 2, { 0x100, 0x240, 0, 0 } },
	{ 0xD, 5, { 0x40, 0x440, 0, 0 } },
	{ 0x14, 0, { 1, 0xF, 7, 0 } },
	{ 0x80000000, 0, { 0x80000008, 0, 0, 0 } },
	{ 0x80000001, 0, { 0, 0, C81_LAHF | C81_ABM | C81_PREFETCHW,
			   D81_SYSCALL | D81_NX | D81_PAGE1GB | D81_RDTSCP | D81_LM } },
	{ 0x80000002, 0, { STR4("Inte"), STR4("l(R)"), STR4(" Xeo"), STR4("n(R)") } },
	{ 0x80000003, 0, { STR4(" Gol"), STR4("d 63"), STR4("38 C"), STR4("PU @") } },
	{ 0x80000004, 0, { STR4(" 2.0"), STR4("0GHz"), 0, 0 } },
	{ 0x80000005, 0, { 0, 0, 0, 0 } },
	{ 0x80000006, 0, { 0, 0, 0x05007040, 0 } },
	{ 0x80000007, 0, { 0, 0, 0, D87_INVARIANT_TSC } },
	{ 0x80000008, 0, { 0x00003934, 0x200, 0, 0 } },
	{ 0x40000000, 0, { 0x40000001, STR4("KVMK"), STR4("VMKV"), STR4("M\0\0\0") } },
};

#define AMD_C1 (C1_SSE3 | C1_PCLMULQDQ | C1_MONITOR | C1_SSSE3 | C1_FMA | C1_CX16 |       \
		C1_SSE41 | C1_SSE42 | C1_X2APIC | C1_MOVBE | C1_POPCNT | C1_AES | C1_XSAVE | \
		C1_OSXSAVE | C1_AVX | C1_F16C | C1_RDRAND)
#define AMD_B7 (B7_FSGSBASE | B7_BMI1 | B7_AVX2 | B7_SMEP | B7_BMI2 | B7_ERMS |           \
		B7_INVPCID | B7_RDT_M | B7_RDSEED | B7_ADX | B7_SMAP | B7_CLFLUSHOPT |       \
		B7_CLWB | B7_SHA)
#define AMD_C81 (C81_LAHF | C81_CMP_LEGACY | C81_SVM | C81_EXT_APIC | C81_ABM |           \
		 C81_SSE4A | C81_PREFETCHW | C81_IBS | C81_SKINIT | C81_PERFCTR_CORE)
#define AMD_D81 (COMMON_D1 | D81_SYSCALL | D81_NX | D81_MMXEXT | D81_FFXSR |              \
		 D81_PAGE1GB | D81_RDTSCP | D81_LM)

/* Zen 3-like: SVM, 48 physical address bits, extended leaves up to 21h. */
static const struct host_leaf amd_host[] = {
	{ 0x0, 0, { 0x10, STR4("Auth"), STR4("cAMD"), STR4("enti") } },
	{ 0x1, 0, { 0x00A20F10, 0x05100800, AMD_C1, COMMON_D1 } },
	{ 0x5, 0, { 0x40, 0x40, 0x3, 0x11 } },
	{ 0x7, 0, { 0, AMD_B7, C7_UMIP | C7_PKU, D7_MD_CLEAR } },
	{ 0xD, 0, { XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_PKRU, 0x340, 0x380, 0 } },
	{ 0xD, 1, { AD1_XSAVEOPT | AD1_XSAVEC | AD1_XGETBV1 | AD1_XSAVES, 0x340, 0, 0 } },
	{ 0xD, 2, { 0x100, 0x240, 0, 0 } },
	{ 0x80000000, 0, { 0x80000021, STR4("Auth"), STR4("cAMD"), STR4("enti") } },
	{ 0x80000001, 0, { 0x00A20F10, 0x20000000, AMD_C81, AMD_D81 } },
	{ 0x80000002, 0, { STR4("AMD "), STR4("Ryze"), STR4("n 7 "), STR4("5800") } },
	{ 0x80000003, 0, { STR4("X 8-"), STR4("Core"), STR4(" Pro"), STR4("cess") } },
	{ 0x80000004, 0, { STR4("or  "), STR4("    "), STR4("    "), STR4("    ") } },
	{ 0x80000005, 0, { 0xFF40FF40, 0xFF40FF40, 0x20080140, 0x20080140 } },
	{ 0x80000006, 0, { 0x48002200, 0x68004200, 0x02006140, 0x02009140 } },
	{ 0x80000007, 0, { 0, 0x3B, 0, 0x6799 } },
	{ 0x80000008, 0, { 0x00003030, 0x111EF657, 0x0000500F, 0 } },
	{ 0x8000000A, 0, { 1, 0x8000, 0, 0x1EBFBCFF } },
	{ 0x8000001F, 0, { 0x0001780F, 0x3EF, 0x1FD, 1 } },
	{ 0x80000021, 0, { 0x62FCF, 0, 0, 0 } },
};

static struct fake_host host;

/* The host CPU's answer; unlisted (leaf, subleaf) pairs give garbage. */
static struct cpuid_result fake_cpuid(void *ctx, u32 leaf, u32 subleaf)
{
	const struct fake_host *h = ctx;

	for (unsigned i = 0; i < h->n; i++)
		if (h->leaves[i].leaf == leaf && h->leaves[i].subleaf == subleaf)
			return h->leaves[i].r;
	return garbage;
}

static struct cpuid_result *host_leaf(u32 leaf, u32 subleaf)
{
	for (unsigned i = 0; i < host.n; i++)
		if (host.leaves[i].leaf == leaf && host.leaves[i].subleaf == subleaf)
			return &host.leaves[i].r;
	fail_msg("fake host has no leaf %#x.%u", leaf, subleaf);
	return NULL;
}

static u32 *reg_of(struct cpuid_result *r, enum reg reg)
{
	u32 *regs[] = { &r->eax, &r->ebx, &r->ecx, &r->edx };

	return regs[reg];
}

/* Edits the host's answer, to take a feature away or lower a limit. */
static void host_clear(u32 leaf, u32 subleaf, enum reg reg, u64 bits)
{
	*reg_of(host_leaf(leaf, subleaf), reg) &= ~(u32)bits;
}

static void host_set_reg(u32 leaf, u32 subleaf, enum reg reg, u32 value)
{
	*reg_of(host_leaf(leaf, subleaf), reg) = value;
}

static struct guest_cpuid_ctx ctx;

/* Guest CPUID over an editable copy of the n leaves, no options set. */
static void use_host_n(const struct host_leaf *leaves, unsigned n)
{
	assert_true(n <= HOST_MAX_LEAVES);
	memcpy(host.leaves, leaves, n * sizeof(*leaves));
	host.n = n;
	ctx = (struct guest_cpuid_ctx){ .host = fake_cpuid, .host_ctx = &host };
}

#define use_host(leaves) use_host_n(leaves, ARRAY_SIZE(leaves))

static struct cpuid_result cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_result r;

	memset(&r, 0x5A, sizeof(r)); /* guest_cpuid must write every register */
	guest_cpuid(&ctx, leaf, subleaf, &r);
	return r;
}

static void assert_regs(struct cpuid_result r, u32 eax, u32 ebx, u32 ecx, u32 edx)
{
	if (r.eax != eax || r.ebx != ebx || r.ecx != ecx || r.edx != edx)
		fail_msg("got %08x %08x %08x %08x, want %08x %08x %08x %08x", r.eax, r.ebx,
			 r.ecx, r.edx, eax, ebx, ecx, edx);
}

static void assert_zero_leaf(u32 leaf, u32 subleaf)
{
	struct cpuid_result r = cpuid(leaf, subleaf);

	if (r.eax || r.ebx || r.ecx || r.edx)
		fail_msg("leaf %#x.%u: %08x %08x %08x %08x", leaf, subleaf, r.eax, r.ebx,
			 r.ecx, r.edx);
}

static void assert_same_as_host(u32 leaf, u32 subleaf)
{
	struct cpuid_result h = *host_leaf(leaf, subleaf);

	assert_regs(cpuid(leaf, subleaf), h.eax, h.ebx, h.ecx, h.edx);
}

/* The 12-character string spread over ebx, edx, ecx (leaf 0's order). */
static void vendor(struct cpuid_result r, char out[13])
{
	memcpy(out, &r.ebx, 4);
	memcpy(out + 4, &r.edx, 4);
	memcpy(out + 8, &r.ecx, 4);
	out[12] = '\0';
}

/* --- basic leaves ---------------------------------------------------------------- */

/* Leaf 0: the host's vendor, the max basic leaf capped at 0Dh, not raised. */
static void test_vendor_and_max_basic(void **state)
{
	char v[13];

	use_host(intel_host);
	vendor(cpuid(0, 0), v);
	assert_string_equal(v, "GenuineIntel");
	assert_int_equal(cpuid(0, 0).eax, GUEST_CPUID_MAX_BASIC);

	use_host(amd_host);
	vendor(cpuid(0, 0), v);
	assert_string_equal(v, "AuthenticAMD");
	assert_int_equal(cpuid(0, 0).eax, 0xD);

	host_set_reg(0, 0, EAX, 7);
	assert_int_equal(cpuid(0, 0).eax, 7);
	assert_zero_leaf(0xD, 0); /* above the host's max, though it answers */
}

/* Leaves the guest may not know about, and everything above the max basic
 * leaf up to the hypervisor range and beyond it, read as zeros. */
static void test_hidden_basic_leaves(void **state)
{
	static const u32 hidden[] = { 3, 5, 6, 8, 9, 0xA, 0xB, 0xC, 0xE, 0x14, 0x1B,
				      0x1F, 0x3FFFFFFF, 0x40000100, 0x7FFFFFFF };

	use_host(intel_host);
	for (unsigned i = 0; i < ARRAY_SIZE(hidden); i++)
		assert_zero_leaf(hidden[i], 0);
	assert_zero_leaf(0x7, 1);
	assert_zero_leaf(0xB, 1);
}

/* Leaf 1 ECX on the Intel host: the baseline, the emulated APIC's x2APIC
 * and TSC-deadline, the hypervisor bit; VMX, SMX, MONITOR, PCID, PDCM and
 * the rest are gone. */
static void test_leaf1_ecx_intel(void **state)
{
	u32 ecx;

	use_host(intel_host);
	ecx = cpuid(1, 0).ecx;
	assert_int_equal(ecx, C1_SSE3 | C1_PCLMULQDQ | C1_SSSE3 | C1_FMA | C1_CX16 | C1_SSE41 |
				      C1_SSE42 | C1_X2APIC | C1_MOVBE | C1_POPCNT |
				      C1_TSC_DEADLINE | C1_AES | C1_XSAVE | C1_AVX | C1_F16C |
				      C1_HYPERVISOR);
	assert_false(ecx & (C1_VMX | C1_SMX | C1_MONITOR | C1_PCID | C1_PDCM | C1_DCA | C1_XTPR));
}

/* x2APIC and TSC-deadline belong to the emulated local APIC: shown on a
 * host that has neither. */
static void test_leaf1_apic_features_emulated(void **state)
{
	use_host(amd_host);
	host_clear(1, 0, ECX, C1_X2APIC | C1_TSC_DEADLINE);
	assert_true(cpuid(1, 0).ecx & C1_X2APIC);
	assert_true(cpuid(1, 0).ecx & C1_TSC_DEADLINE);
}

/* Leaf 1 EDX: no machine check, MTRR or HTT; the rest of the baseline. */
static void test_leaf1_edx(void **state)
{
	const u32 want = D1_FPU | D1_VME | D1_DE | D1_PSE | D1_TSC | D1_MSR | D1_PAE |
			 D1_CX8 | D1_APIC | D1_SEP | D1_PGE | D1_CMOV | D1_PAT | D1_PSE36 |
			 D1_CLFSH | D1_MMX | D1_FXSR | D1_SSE | D1_SSE2;

	use_host(intel_host);
	assert_int_equal(cpuid(1, 0).edx, want);
	use_host(amd_host);
	assert_int_equal(cpuid(1, 0).edx, want);
	assert_false(cpuid(1, 0).edx & (D1_MCE | D1_MCA | D1_MTRR | D1_HTT));
}

/* Leaf 1 EAX is the host's signature; EBX keeps only the CLFLUSH line size:
 * APIC ID 0, one logical processor, no brand index. */
static void test_leaf1_eax_ebx(void **state)
{
	struct cpuid_result r;

	use_host(intel_host);
	r = cpuid(1, 0);
	assert_int_equal(r.eax, 0x000606A6);
	assert_int_equal(r.ebx, 0x800);

	use_host(amd_host);
	host_set_reg(1, 0, EBX, 0xFFFF10FF);
	r = cpuid(1, 0);
	assert_int_equal(r.ebx, 0xFFFF10FF & B1_CLFLUSH_MASK);
}

/* The hypervisor bit is set on every host, whatever the options. */
static void test_hypervisor_bit_always(void **state)
{
	static const struct {
		const struct host_leaf *leaves;
		unsigned n;
	} hosts[] = {
		{ intel_host, ARRAY_SIZE(intel_host) },
		{ amd_host, ARRAY_SIZE(amd_host) },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(hosts); i++) {
		for (unsigned opts = 0; opts < 8; opts++) {
			use_host_n(hosts[i].leaves, hosts[i].n);
			ctx.guest_osxsave = opts & 1;
			ctx.trap_rdrand = opts & 2;
			ctx.trap_rdseed = opts & 4;
			assert_true(cpuid(1, 0).ecx & C1_HYPERVISOR);
			assert_false(cpuid(1, 0).ecx & C1_VMX);
		}
	}
	use_host(intel_host);
	host_set_reg(1, 0, ECX, 0); /* a host with nothing: only what is emulated */
	assert_int_equal(cpuid(1, 0).ecx, C1_HYPERVISOR | C1_X2APIC | C1_TSC_DEADLINE);
}

/* RDRAND is shown only when the backend traps it and the host has it. */
static void test_rdrand(void **state)
{
	for (unsigned opts = 0; opts < 4; opts++) {
		bool trap = opts & 1, has = opts & 2;

		use_host(intel_host);
		if (!has)
			host_clear(1, 0, ECX, C1_RDRAND);
		ctx.trap_rdrand = trap;
		ctx.trap_rdseed = true; /* the other knob does not matter */
		if (!!(cpuid(1, 0).ecx & C1_RDRAND) != (trap && has))
			fail_msg("trap %d, host has %d", trap, has);
	}
}

/* RDSEED (leaf 7 EBX) likewise, independently of RDRAND. */
static void test_rdseed(void **state)
{
	for (unsigned opts = 0; opts < 4; opts++) {
		bool trap = opts & 1, has = opts & 2;

		use_host(amd_host);
		if (!has)
			host_clear(7, 0, EBX, B7_RDSEED);
		ctx.trap_rdseed = trap;
		ctx.trap_rdrand = true;
		if (!!(cpuid(7, 0).ebx & B7_RDSEED) != (trap && has))
			fail_msg("trap %d, host has %d", trap, has);
	}
}

/* OSXSAVE mirrors the guest's CR4.OSXSAVE, not the host's, and only while
 * XSAVE itself is shown. */
static void test_osxsave(void **state)
{
	use_host(intel_host);
	assert_false(cpuid(1, 0).ecx & C1_OSXSAVE); /* host's own bit is not shown */
	ctx.guest_osxsave = true;
	assert_true(cpuid(1, 0).ecx & C1_OSXSAVE);

	host_clear(1, 0, ECX, C1_XSAVE);
	assert_false(cpuid(1, 0).ecx & (C1_XSAVE | C1_OSXSAVE));
}

/* Leaf 2 (cache descriptors) is the host's. */
static void test_leaf2(void **state)
{
	use_host(intel_host);
	assert_same_as_host(2, 0);
}

/* Leaf 4 keeps the cache description but not how many cores and threads
 * share it: EAX[31:26] and EAX[25:14] read as zero (one core, one thread). */
static void test_leaf4_no_sharing(void **state)
{
	use_host(intel_host);
	for (u32 sub = 0; sub < 4; sub++) {
		struct cpuid_result h = *host_leaf(4, sub);

		assert_true(h.eax & A4_CORES_MASK && h.eax & A4_SHARING_MASK);
		assert_regs(cpuid(4, sub), h.eax & ~(A4_CORES_MASK | A4_SHARING_MASK),
			    h.ebx, h.ecx, h.edx);
	}
	assert_zero_leaf(4, 4); /* type 0: no more caches */
}

/* Leaf 7.0: only the baseline EBX bits; no AVX-512, SGX, TSX, INVPCID, PT,
 * and nothing from ECX/EDX (UMIP, PKU, LA57, ...) or subleaf count. */
static void test_leaf7(void **state)
{
	const u32 want = B7_FSGSBASE | B7_BMI1 | B7_AVX2 | B7_SMEP | B7_BMI2 | B7_ERMS |
			 B7_ADX | B7_SMAP | B7_CLFLUSHOPT | B7_SHA;

	use_host(intel_host);
	/* no AVX-512 or LA57; no PKU without the PKRU XSAVE component */
	assert_regs(cpuid(7, 0), 0, want, C7_UMIP, D7_MD_CLEAR);
	use_host(amd_host);
	assert_regs(cpuid(7, 0), 0, want, C7_UMIP, D7_MD_CLEAR);
	assert_zero_leaf(7, 1);
}

/* Leaf 0Dh: x87/SSE/AVX state only, the XSAVE instruction variants but not
 * XSAVES, the AVX component's layout, and nothing for AVX-512 or PKRU. */
static void test_leaf_xsave(void **state)
{
	use_host(intel_host);
	host_set_reg(0xD, 0, EDX, 1); /* a component at XCR0[32], none yet */
	assert_int_equal(cpuid(0xD, 0).eax, XCR0_X87 | XCR0_SSE | XCR0_AVX);
	assert_int_equal(cpuid(0xD, 0).edx, 0);
	assert_regs(cpuid(0xD, 1), AD1_XSAVEOPT | AD1_XSAVEC | AD1_XGETBV1, 0, 0, 0);
	assert_same_as_host(0xD, 2);
	for (u32 sub = 3; sub < 10; sub++)
		assert_zero_leaf(0xD, sub);

	use_host(amd_host);
	assert_int_equal(cpuid(0xD, 0).eax, XCR0_X87 | XCR0_SSE | XCR0_AVX);
	assert_zero_leaf(0xD, 9); /* PKRU */
}

/* Leaf 0Dh's sizes: EBX the area the guest's XCR0 enables, ECX the area
 * for every component the guest may enable (x87/SSE: 576 bytes; AVX at
 * offset 0x240, 0x100 bytes), not the host's (0xA88 with AVX-512): Linux
 * checks EBX against its own sum after XSETBV. */
static void test_leaf_xsave_sizes(void **state)
{
	use_host(intel_host);
	ctx.guest_xcr0 = XCR0_X87;
	assert_int_equal(cpuid(0xD, 0).ebx, 576);
	assert_int_equal(cpuid(0xD, 0).ecx, 0x340);
	ctx.guest_xcr0 = XCR0_X87 | XCR0_SSE;
	assert_int_equal(cpuid(0xD, 0).ebx, 576);
	ctx.guest_xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX;
	assert_int_equal(cpuid(0xD, 0).ebx, 0x340);
	ctx.guest_xcr0 = 0; /* before any XSETBV: x87, as at reset */
	assert_int_equal(cpuid(0xD, 0).ebx, 576);

	host_set_reg(0xD, 0, EAX, XCR0_X87 | XCR0_SSE); /* no AVX to enable */
	ctx.guest_xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX;
	assert_int_equal(cpuid(0xD, 0).ebx, 576);
	assert_int_equal(cpuid(0xD, 0).ecx, 576);
}

/* Without AVX state on the host, no AVX layout; without XSAVE, no leaf 0Dh. */
static void test_leaf_xsave_reduced(void **state)
{
	use_host(intel_host);
	host_set_reg(0xD, 0, EAX, XCR0_X87 | XCR0_SSE);
	assert_int_equal(cpuid(0xD, 0).eax, XCR0_X87 | XCR0_SSE);
	assert_zero_leaf(0xD, 2);

	host_clear(1, 0, ECX, C1_XSAVE);
	for (u32 sub = 0; sub < 3; sub++)
		assert_zero_leaf(0xD, sub);
}

/* --- hypervisor and extended leaves ---------------------------------------------- */

/* 40000000h is Understudy's own, whatever the host says there (here: the
 * host is itself a KVM guest). */
static void test_hypervisor_leaf(void **state)
{
	struct cpuid_result r;
	char sig[13];

	use_host(intel_host);
	r = cpuid(GUEST_CPUID_HV_LEAF, 0);
	assert_int_equal(r.eax, 0x40000001);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	assert_string_equal(sig, "UnderstudyHV");
	assert_zero_leaf(0x40000001, 0);
	assert_zero_leaf(0x40000010, 0);
	assert_zero_leaf(0x400000FF, 0);
}

/* The max extended leaf is capped at 80000008h, not raised; leaves above it
 * (SVM, SEV, ...) read as zeros. */
static void test_max_extended(void **state)
{
	static const u32 above[] = { 0x80000009, 0x8000000A, 0x8000001F, 0x80000021,
				     0x80000100, 0xFFFFFFFF };

	use_host(amd_host);
	assert_regs(cpuid(0x80000000, 0), GUEST_CPUID_MAX_EXTENDED, 0, 0, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(above); i++)
		assert_zero_leaf(above[i], 0);

	use_host(intel_host);
	assert_int_equal(cpuid(0x80000000, 0).eax, 0x80000008);
	host_set_reg(0x80000000, 0, EAX, 0x80000004);
	assert_int_equal(cpuid(0x80000000, 0).eax, 0x80000004);
	assert_zero_leaf(0x80000007, 0);
	assert_zero_leaf(0x80000008, 0);
	assert_same_as_host(0x80000004, 0);
}

/* 80000001h: only LAHF/ABM/SSE4A/PREFETCHW and SYSCALL/NX/1G/RDTSCP/LM; SVM
 * and the rest of AMD's virtualization, topology and PMU bits are gone. */
static void test_ext_features(void **state)
{
	struct cpuid_result r;

	use_host(amd_host);
	r = cpuid(0x80000001, 0);
	assert_regs(r, 0, 0, C81_LAHF | C81_ABM | C81_SSE4A | C81_PREFETCHW,
		    D81_SYSCALL | D81_NX | D81_PAGE1GB | D81_RDTSCP | D81_LM);
	assert_false(r.ecx & C81_SVM);

	use_host(intel_host);
	assert_regs(cpuid(0x80000001, 0), 0, 0, C81_LAHF | C81_ABM | C81_PREFETCHW,
		    D81_SYSCALL | D81_NX | D81_PAGE1GB | D81_RDTSCP | D81_LM);
}

/* The brand string and cache leaves are the host's; 80000007h keeps only
 * the invariant TSC. */
static void test_ext_passthrough(void **state)
{
	use_host(amd_host);
	for (u32 leaf = 0x80000002; leaf <= 0x80000006; leaf++)
		assert_same_as_host(leaf, 0);
	assert_regs(cpuid(0x80000007, 0), 0, 0, 0, D87_INVARIANT_TSC);
}

/* 80000008h: physical and linear address bits capped at 48 (4-level EPT/NPT,
 * LA57 hidden), never raised; the rest of EAX, and EBX..EDX, hidden. */
static void test_ext_address_bits(void **state)
{
	use_host(intel_host);
	assert_regs(cpuid(0x80000008, 0), (GUEST_CPUID_MAX_LINEAR_BITS << 8) | GUEST_CPUID_MAX_PHYS_BITS,
		    0, 0, 0);

	use_host(amd_host);
	assert_regs(cpuid(0x80000008, 0), 0x3030, 0, 0, 0);
	host_set_reg(0x80000008, 0, EAX, 0x00303027); /* 39 bits, guest size 48 */
	assert_regs(cpuid(0x80000008, 0), 0x3027, 0, 0, 0);
	host_set_reg(0x80000008, 0, EAX, 0x30FF);
	assert_int_equal(cpuid(0x80000008, 0).eax & A88_PHYS_MASK, 48);
	assert_int_equal(cpuid(0x80000008, 0).eax & A88_LINEAR_MASK, 0x3000);
}

/* --- control-register policy ----------------------------------------------------- */

#define CR4_NEVER ((u64)CR4_VMXE | CR4_SMXE | CR4_PCIDE | CR4_LA57 | CR4_MCE | CR4_PKE)
#define CR4_ALWAYS ((u64)CR4_TSD | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT)

/* Everything the Intel host has that the guest is shown, nothing else. */
static void test_cr4_allowed_full(void **state)
{
	const u64 want = CR4_ALWAYS | CR4_VME | CR4_PVI | CR4_DE | CR4_PSE | CR4_PAE |
			 CR4_PGE | CR4_OSXSAVE | CR4_FSGSBASE | CR4_SMEP | CR4_SMAP | CR4_UMIP;

	use_host(intel_host);
	ctx.guest_osxsave = true;
	assert_true(guest_cpuid_cr4_allowed(&ctx) == want);
	use_host(amd_host);
	assert_true(guest_cpuid_cr4_allowed(&ctx) == want);
	assert_false(guest_cpuid_cr4_allowed(&ctx) & CR4_NEVER);
}

/* Each feature-gated CR4 bit goes with the CPUID bit that announces it. */
static void test_cr4_follows_features(void **state)
{
	static const struct {
		u32 leaf;
		enum reg reg;
		u64 feature, cr4;
	} gates[] = {
		{ 1, EDX, D1_PAE, CR4_PAE },
		{ 1, EDX, D1_PSE, CR4_PSE },
		{ 1, EDX, D1_PGE, CR4_PGE },
		{ 1, EDX, D1_VME, CR4_VME | CR4_PVI },
		{ 1, EDX, D1_DE, CR4_DE },
		{ 1, ECX, C1_XSAVE, CR4_OSXSAVE },
		{ 7, EBX, B7_SMEP, CR4_SMEP },
		{ 7, EBX, B7_SMAP, CR4_SMAP },
		{ 7, EBX, B7_FSGSBASE, CR4_FSGSBASE },
		{ 7, ECX, C7_UMIP, CR4_UMIP },
	};
	u64 full;

	use_host(intel_host);
	full = guest_cpuid_cr4_allowed(&ctx);
	for (unsigned i = 0; i < ARRAY_SIZE(gates); i++) {
		use_host(intel_host);
		host_clear(gates[i].leaf, 0, gates[i].reg, gates[i].feature);
		if (guest_cpuid_cr4_allowed(&ctx) != (full & ~gates[i].cr4))
			fail_msg("without feature %#llx: cr4 %#llx",
				 gates[i].feature,
				 guest_cpuid_cr4_allowed(&ctx));
	}
}

/* A bare host: only the always-allowed bits, still never VMXE and friends. */
static void test_cr4_allowed_bare(void **state)
{
	use_host(intel_host);
	host_set_reg(1, 0, ECX, (u32)INTEL_C1 & ~(u32)C1_XSAVE);
	host_set_reg(1, 0, EDX, 0);
	host_set_reg(7, 0, EBX, 0);
	host_set_reg(7, 0, ECX, 0);
	assert_true(guest_cpuid_cr4_allowed(&ctx) == CR4_ALWAYS);
}

/* SYSCALL, long mode and NX as shown; never SVME (or FFXSR, LMSLE). */
static void test_efer_allowed(void **state)
{
	const u64 full = (u64)EFER_SCE | EFER_LME | EFER_NXE;

	use_host(intel_host);
	assert_true(guest_cpuid_efer_allowed(&ctx) == full);
	use_host(amd_host);
	assert_true(guest_cpuid_efer_allowed(&ctx) == full);
	assert_false(guest_cpuid_efer_allowed(&ctx) & EFER_SVME);

	host_clear(0x80000001, 0, EDX, D81_NX);
	assert_true(guest_cpuid_efer_allowed(&ctx) == ((u64)EFER_SCE | EFER_LME));
	host_clear(0x80000001, 0, EDX, D81_SYSCALL | D81_LM);
	assert_true(guest_cpuid_efer_allowed(&ctx) == 0);

	/* No extended feature leaf at all: nothing. */
	use_host(amd_host);
	host_set_reg(0x80000000, 0, EAX, 0x80000000);
	assert_true(guest_cpuid_efer_allowed(&ctx) == 0);
}

/* XCR0: x87, SSE and AVX where the host has them; never AVX-512 or PKRU. */
static void test_xcr0_allowed(void **state)
{
	use_host(intel_host);
	assert_true(guest_cpuid_xcr0_allowed(&ctx) == (XCR0_X87 | XCR0_SSE | XCR0_AVX));
	use_host(amd_host);
	assert_true(guest_cpuid_xcr0_allowed(&ctx) == (XCR0_X87 | XCR0_SSE | XCR0_AVX));

	host_set_reg(0xD, 0, EAX, XCR0_X87 | XCR0_SSE | XCR0_PKRU);
	assert_true(guest_cpuid_xcr0_allowed(&ctx) == (XCR0_X87 | XCR0_SSE));
	host_clear(1, 0, ECX, C1_XSAVE);
	assert_true(guest_cpuid_xcr0_allowed(&ctx) == 0);
}

/* --- the guest's CPU as a table ------------------------------------------------ */

/* Every (leaf, subleaf) a guest could ask that the policy tells apart,
 * and some it does not. */
static void for_each_query(void (*check)(u32 leaf, u32 subleaf))
{
	static const u32 bases[] = { 0, GUEST_CPUID_HV_LEAF, 0x80000000u };

	for (unsigned b = 0; b < ARRAY_SIZE(bases); b++)
		for (u32 leaf = bases[b]; leaf < bases[b] + 0x22; leaf++)
			for (u32 subleaf = 0; subleaf < 10; subleaf++)
				check(leaf, subleaf);
}

static struct snap_cpuid model;
static struct guest_cpuid_ctx over_model;

/* Is subleaf past the host's last cache (leaf 4's list ends at the first
 * subleaf of type 0; the table holds 8 caches at most)? */
static bool past_last_cache(u32 leaf, u32 subleaf)
{
	if (leaf != 4)
		return false;
	if (subleaf >= 8)
		return true;
	for (u32 s = 0; s < subleaf; s++)
		if (!(cpuid(4, s).eax & 0x1F))
			return true;
	return false;
}

/* The table answers as the host does; past the last cache, zeros (as
 * hardware does) where the policy would pass on whatever the host gives. */
static void check_same_answer(u32 leaf, u32 subleaf)
{
	struct cpuid_result from_host = cpuid(leaf, subleaf), from_model;

	if (past_last_cache(leaf, subleaf))
		memset(&from_host, 0, sizeof(from_host));
	guest_cpuid(&over_model, leaf, subleaf, &from_model);
	if (memcmp(&from_host, &from_model, sizeof(from_host)))
		fail_msg("leaf %#x.%u: host gives %08x %08x %08x %08x, its table %08x %08x %08x %08x",
			 leaf, subleaf, from_host.eax, from_host.ebx, from_host.ecx, from_host.edx,
			 from_model.eax, from_model.ebx, from_model.ecx, from_model.edx);
}

/* The table of the current fake host, and a policy context over it with
 * the same options. */
static void build_model(void)
{
	struct guest_cpuid_ctx building = ctx;

	building.guest_osxsave = false;
	guest_cpu_model_build(&building, &model);
	assert_true(model.count > 0 && model.count < SNAP_CPUID_MAX);
	over_model = ctx;
	over_model.host = guest_cpu_model_answer;
	over_model.host_ctx = &model;
}

/* The policy is idempotent: over the table it answers every query, and
 * allows every CR4, EFER and XCR0 bit, exactly as over the host. */
static void check_model_is_the_host(void)
{
	build_model();
	for_each_query(check_same_answer);
	assert_true(guest_cpuid_cr4_allowed(&over_model) == guest_cpuid_cr4_allowed(&ctx));
	assert_true(guest_cpuid_efer_allowed(&over_model) == guest_cpuid_efer_allowed(&ctx));
	assert_true(guest_cpuid_xcr0_allowed(&over_model) == guest_cpuid_xcr0_allowed(&ctx));
}

static void test_model_answers_as_its_host(void **state)
{
	const struct { const struct host_leaf *leaves; unsigned n; } hosts[] = {
		{ intel_host, ARRAY_SIZE(intel_host) }, { amd_host, ARRAY_SIZE(amd_host) },
	};

	for (unsigned h = 0; h < ARRAY_SIZE(hosts); h++)
		for (unsigned options = 0; options < 8; options++) {
			use_host_n(hosts[h].leaves, hosts[h].n);
			ctx.trap_rdrand = options & 1;
			ctx.trap_rdseed = options & 2;
			ctx.guest_osxsave = options & 4;
			check_model_is_the_host();
		}
}

/* A table encodes to bytes that decode to it; malformed bytes are refused. */
static void test_model_bytes(void **state)
{
	static u8 buf[SNAP_CPUID_SIZE(SNAP_CPUID_MAX)];
	struct snap_cpuid back;
	const char *why = NULL;
	size_t n;

	use_host(intel_host);
	build_model();
	n = snap_cpuid_encode(&model, buf, sizeof(buf));
	assert_true(n == SNAP_CPUID_SIZE(model.count));
	assert_int_equal(snap_cpuid_decode(&back, buf, n, &why), 0);
	assert_memory_equal(&back, &model, sizeof(model));
	assert_true(snap_cpuid_encode(&model, buf, n - 1) == 0);

	assert_int_equal(snap_cpuid_decode(&back, buf, n - 1, &why), -EINVAL);
	assert_string_equal(why, "not the length of its count of leaves");
	assert_int_equal(snap_cpuid_decode(&back, buf, 3, &why), -EINVAL);
	assert_string_equal(why, "shorter than its count");
	memcpy(buf + SNAP_CPUID_SIZE(1), buf + SNAP_CPUID_SIZE(2), 8); /* leaf 2 twice */
	assert_int_equal(snap_cpuid_decode(&back, buf, n, &why), -EINVAL);
	assert_string_equal(why, "leaves out of order or twice");
	buf[0] = 0;
	assert_int_equal(snap_cpuid_decode(&back, buf, 4, &why), -EINVAL);
	assert_string_equal(why, "no leaves");
	buf[0] = SNAP_CPUID_MAX + 1;
	assert_int_equal(snap_cpuid_decode(&back, buf, SNAP_CPUID_SIZE(SNAP_CPUID_MAX + 1), &why),
			 -EINVAL);
	assert_string_equal(why, "more leaves than a table holds");
	n = snap_cpuid_encode(&model, buf, sizeof(buf));
	memmove(buf + 4, buf + SNAP_CPUID_SIZE(1), n - SNAP_CPUID_SIZE(1)); /* leaf 0 dropped */
	buf[0]--;
	assert_int_equal(snap_cpuid_decode(&back, buf, n - SNAP_CPUID_LEAF_SIZE, &why), -EINVAL);
	assert_string_equal(why, "no leaf 0");
}

static struct snap_cpuid model_of_intel(void (*edit)(void))
{
	use_host(intel_host);
	ctx.trap_rdrand = true;
	if (edit)
		edit();
	build_model();
	return model;
}

static void no_avx2(void) { host_clear(7, 0, EBX, B7_AVX2); }
static void no_rdrand_trap(void) { ctx.trap_rdrand = false; }
static void fewer_phys_bits(void) { host_set_reg(0x80000008, 0, EAX, 0x3027); }

/* A host honours a guest's CPU when it has every feature the guest saw
 * and address widths as wide; identity (vendor, brand) goes with it. */
static void test_model_honoured(void **state)
{
	struct snap_cpuid intel = model_of_intel(NULL), here;
	char why[160];

	assert_int_equal(guest_cpu_model_honoured(&intel, &intel, why, sizeof(why)), 0);

	here = model_of_intel(no_avx2);
	assert_int_equal(guest_cpu_model_honoured(&here, &intel, why, sizeof(why)), -ENOTSUP);
	assert_string_equal(why, "the guest's CPU has CPUID 07H.0 EBX bits 0x20 that this host "
				 "cannot give it");
	assert_int_equal(guest_cpu_model_honoured(&intel, &here, why, sizeof(why)), 0);

	here = model_of_intel(no_rdrand_trap);
	assert_int_equal(guest_cpu_model_honoured(&here, &intel, why, sizeof(why)), -ENOTSUP);
	assert_string_equal(why, "the guest's CPU has CPUID 01H ECX bits 0x40000000 that this "
				 "host cannot give it");

	here = model_of_intel(fewer_phys_bits);
	assert_int_equal(guest_cpu_model_honoured(&here, &intel, why, sizeof(why)), -ENOTSUP);
	assert_string_equal(why, "the guest's CPU has 48 physical address bits, this host's 39 "
				 "(CPUID 80000008H EAX)");

	/* An AMD host gives the Intel guest's features (not the reverse:
	 * SSE4A is AMD's), and the guest keeps its vendor. */
	use_host(amd_host);
	ctx.trap_rdrand = true;
	build_model();
	here = model;
	assert_int_equal(guest_cpu_model_honoured(&here, &intel, why, sizeof(why)), 0);
	assert_int_equal(guest_cpu_model_honoured(&intel, &here, why, sizeof(why)), -ENOTSUP);
	assert_non_null(strstr(why, "80000001H ECX"));
	assert_true(snap_cpuid_find(&intel, 0, 0)->ebx == STR4("Genu"));
}

/* The table is a fixed point of the policy: asked any leaf it holds, the
 * policy over it answers that leaf's registers. */
static void assert_fixed_point(void)
{
	for (u32 i = 0; i < model.count; i++) {
		const struct snap_cpuid_leaf *l = &model.leaves[i];
		struct cpuid_result r;

		guest_cpuid(&over_model, l->leaf, l->subleaf, &r);
		if (r.eax != l->eax || r.ebx != l->ebx || r.ecx != l->ecx || r.edx != l->edx)
			fail_msg("leaf %#x.%u: the table holds %08x %08x %08x %08x, the policy over "
				 "it answers %08x %08x %08x %08x", l->leaf, l->subleaf, l->eax, l->ebx,
				 l->ecx, l->edx, r.eax, r.ebx, r.ecx, r.edx);
	}
}

static int limit_model(enum guest_cpu_level level, char *why, size_t cap)
{
	int err = guest_cpu_model_limit(&model, level, why, cap);

	over_model.host_ctx = &model;
	return err;
}

/* x86-64-v2 gives the level's features and the baseline, hides leaf 7's,
 * VME, 1 GiB pages, RDTSCP and XSAVE (its leaves go), and the policy
 * agrees. */
static void test_level_v2(void **state)
{
	char why[160];
	struct cpuid_result r;

	use_host(intel_host);
	ctx.trap_rdrand = ctx.trap_rdseed = true;
	build_model();
	assert_int_equal(limit_model(GUEST_CPU_X86_64_V2, why, sizeof(why)), 0);
	assert_fixed_point();
	guest_cpuid(&over_model, 1, 0, &r);
	assert_true(r.ecx == (C1_SSE3 | C1_SSSE3 | C1_CX16 | C1_SSE41 | C1_SSE42 | C1_POPCNT |
			      C1_X2APIC | C1_TSC_DEADLINE | C1_HYPERVISOR));
	assert_true(r.edx == (cpuid(1, 0).edx & ~D1_VME));
	guest_cpuid(&over_model, 7, 0, &r);
	assert_true(r.ebx == 0 && r.ecx == 0 && r.edx == 0);
	assert_null(snap_cpuid_find(&model, 0xD, 0));
	assert_true(guest_cpuid_xcr0_allowed(&over_model) == 0);
	assert_false(guest_cpuid_cr4_allowed(&over_model) & (CR4_OSXSAVE | CR4_SMEP | CR4_FSGSBASE));
	guest_cpuid(&over_model, 0x80000001u, 0, &r);
	assert_true(r.ecx == C81_LAHF && r.edx == (D81_SYSCALL | D81_NX | D81_LM));
	guest_cpuid(&over_model, 0, 0, &r);
	assert_true(r.ebx == STR4("Genu")); /* identity stays the host's */
}

/* x86-64-v3 keeps AVX and its XSAVE leaves; a host without one of its
 * features is refused by name. */
static void test_level_v3(void **state)
{
	char why[160];
	struct cpuid_result r;

	use_host(amd_host);
	build_model();
	assert_int_equal(limit_model(GUEST_CPU_X86_64_V3, why, sizeof(why)), 0);
	assert_fixed_point();
	guest_cpuid(&over_model, 7, 0, &r);
	assert_true(r.ebx == (B7_BMI1 | B7_AVX2 | B7_BMI2));
	assert_true(guest_cpuid_xcr0_allowed(&over_model) == (XCR0_X87 | XCR0_SSE | XCR0_AVX));
	assert_non_null(snap_cpuid_find(&model, 0xD, 2));
	guest_cpuid(&over_model, 0x80000001u, 0, &r);
	assert_true(r.ecx == (C81_LAHF | C81_ABM)); /* no SSE4A */

	host_clear(7, 0, EBX, B7_AVX2);
	build_model();
	assert_int_equal(limit_model(GUEST_CPU_X86_64_V3, why, sizeof(why)), -ENOTSUP);
	assert_string_equal(why, "this host's CPU lacks CPUID 07H.0 EBX bits 0x20 of x86-64-v3");
	assert_int_equal(limit_model(GUEST_CPU_X86_64_V2, why, sizeof(why)), 0);
	assert_fixed_point();
	assert_null(snap_cpuid_find(&model, 0xD, 0));
}

/* Given the same level, an Intel host and an AMD one honour each
 * other's guests. */
static void test_level_crosses_vendors(void **state)
{
	struct snap_cpuid intel_v3, amd_host_model, amd_v3;
	char why[160];

	use_host(intel_host);
	build_model();
	assert_int_equal(limit_model(GUEST_CPU_X86_64_V3, why, sizeof(why)), 0);
	intel_v3 = model;
	use_host(amd_host);
	build_model();
	amd_host_model = model; /* as a destination builds its own */
	if (guest_cpu_model_honoured(&amd_host_model, &intel_v3, why, sizeof(why)))
		fail_msg("%s", why);
	assert_int_equal(limit_model(GUEST_CPU_X86_64_V3, why, sizeof(why)), 0);
	amd_v3 = model;
	use_host(intel_host);
	build_model(); /* the Intel host's own */
	if (guest_cpu_model_honoured(&model, &amd_v3, why, sizeof(why)))
		fail_msg("%s", why);
	if (guest_cpu_model_honoured(&model, &amd_host_model, why, sizeof(why)) == 0)
		fail_msg("the AMD host's own CPU (SSE4A) is honoured by the Intel host");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vendor_and_max_basic),
		cmocka_unit_test(test_hidden_basic_leaves),
		cmocka_unit_test(test_leaf1_ecx_intel),
		cmocka_unit_test(test_leaf1_apic_features_emulated),
		cmocka_unit_test(test_leaf1_edx),
		cmocka_unit_test(test_leaf1_eax_ebx),
		cmocka_unit_test(test_hypervisor_bit_always),
		cmocka_unit_test(test_rdrand),
		cmocka_unit_test(test_rdseed),
		cmocka_unit_test(test_osxsave),
		cmocka_unit_test(test_leaf2),
		cmocka_unit_test(test_leaf4_no_sharing),
		cmocka_unit_test(test_leaf7),
		cmocka_unit_test(test_leaf_xsave),
		cmocka_unit_test(test_leaf_xsave_reduced),
		cmocka_unit_test(test_leaf_xsave_sizes),
		cmocka_unit_test(test_hypervisor_leaf),
		cmocka_unit_test(test_max_extended),
		cmocka_unit_test(test_ext_features),
		cmocka_unit_test(test_ext_passthrough),
		cmocka_unit_test(test_ext_address_bits),
		cmocka_unit_test(test_cr4_allowed_full),
		cmocka_unit_test(test_cr4_follows_features),
		cmocka_unit_test(test_cr4_allowed_bare),
		cmocka_unit_test(test_efer_allowed),
		cmocka_unit_test(test_xcr0_allowed),
		cmocka_unit_test(test_model_answers_as_its_host),
		cmocka_unit_test(test_model_bytes),
		cmocka_unit_test(test_model_honoured),
		cmocka_unit_test(test_level_v2),
		cmocka_unit_test(test_level_v3),
		cmocka_unit_test(test_level_crosses_vendors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
