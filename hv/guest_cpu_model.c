/*
 * The guest's CPU as a table (see guest_cpu_model.h). Leaves: SDM Vol 2A,
 * CPUID, Table 3-8 "Information Returned by CPUID Instruction"; APM Vol 3,
 * Appendix E "Obtaining Processor Information Via the CPUID Instruction".
 */
#include "hv/guest_cpu_model.h"

#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "fmt.h"
#include "hv/cpuid_bits.h"

#define LEAF_CACHE_PARAMS 4u     /* deterministic cache parameters, by subleaf */
#define CACHE_TYPE_MASK 0x1Fu    /* leaf 4 EAX[4:0]: 0 ends the list */
#define CACHE_SUBLEAF_MAX 8u     /* more cache levels than any CPU has */
#define LEAF_XSAVE 0xDu          /* subleaves 0, 1 and 2 (AVX) are shown */
#define XSAVE_SUBLEAVES 3u
#define LEAF_EXT_BASE 0x80000000u
#define ADDR_BITS_LEAF 0x80000008u /* EAX[7:0] physical, [15:8] linear */
#define XSAVE_LEGACY_AND_HEADER 576u /* SDM Vol 1, 13.4 "XSAVE Area": 512 + 64 bytes */

enum reg { EAX, EBX, ECX, EDX };

/* A register of CPUID whose bits are features: a guest that saw a bit
 * uses what it stands for, so the hardware under it must have it. */
struct feature_reg {
	u32 leaf, subleaf;
	enum reg reg;
	const char *name;
};

static const struct feature_reg feature_regs[] = {
	{ 1, 0, ECX, "01H ECX" },
	{ 1, 0, EDX, "01H EDX" },
	{ 7, 0, EBX, "07H.0 EBX" },
	{ 7, 0, ECX, "07H.0 ECX" },
	{ 7, 0, EDX, "07H.0 EDX" },
	{ LEAF_XSAVE, 0, EAX, "0DH.0 EAX (XCR0 components)" },
	{ LEAF_XSAVE, 1, EAX, "0DH.1 EAX" },
	{ 0x80000001u, 0, ECX, "80000001H ECX" },
	{ 0x80000001u, 0, EDX, "80000001H EDX" },
	{ 0x80000007u, 0, EDX, "80000007H EDX" },
};

#define FEATURE_REGS ARRAY_SIZE(feature_regs)
/* Leaf 1 ECX bits the policy shows whatever the host: the emulated local
 * APIC's and the hypervisor bit. */
#define LEAF1_ECX_ALWAYS (F1C_X2APIC | F1C_TSC_DEADLINE | F1C_HYPERVISOR)
/* Every level's: the psABI baseline (CMOV, CX8, FPU, FXSR, MMX, SSE, SSE2,
 * SYSCALL) and what a 64-bit kernel expects of the system (paging, the
 * TSC, MSRs, the local APIC, SYSENTER, PAT, CLFLUSH, NX, long mode); not
 * VME (virtual-8086 mode extensions, absent from some hosts). */
#define BASE_LEAF1_EDX (F1D_FPU | F1D_DE | F1D_PSE | F1D_TSC | F1D_MSR | F1D_PAE | F1D_CX8 | \
			F1D_APIC | F1D_SEP | F1D_PGE | F1D_CMOV | F1D_PAT | F1D_PSE36 |    \
			F1D_CLFSH | F1D_MMX | F1D_FXSR | F1D_SSE | F1D_SSE2)
#define BASE_EXT1_EDX (F81D_SYSCALL | F81D_NX | F81D_LM)
#define V2_LEAF1_ECX (F1C_SSE3 | F1C_SSSE3 | F1C_CX16 | F1C_SSE41 | F1C_SSE42 | F1C_POPCNT)
#define V3_LEAF1_ECX (V2_LEAF1_ECX | F1C_FMA | F1C_MOVBE | F1C_XSAVE | F1C_AVX | F1C_F16C)
#define V3_LEAF7_EBX (F7B_BMI1 | F7B_AVX2 | F7B_BMI2)
#define F81C_LZCNT F81C_ABM /* AMD's name for the bit is ABM */

/* A level is one CPU wherever it runs: per feature register
 * (feature_regs' order), the bits the guest sees, which the host must
 * all have. */
struct cpu_level {
	const char *name;
	u32 features[10];
};

static const struct cpu_level levels[] = {
	[GUEST_CPU_X86_64_V2] = {
		"x86-64-v2",
		{ V2_LEAF1_ECX, BASE_LEAF1_EDX, 0, 0, 0, 0, 0, F81C_LAHF, BASE_EXT1_EDX, 0 },
	},
	[GUEST_CPU_X86_64_V3] = {
		"x86-64-v3",
		{ V3_LEAF1_ECX, BASE_LEAF1_EDX, V3_LEAF7_EBX, 0, 0, XCR0_X87 | XCR0_SSE | XCR0_AVX, 0,
		  F81C_LAHF | F81C_LZCNT, BASE_EXT1_EDX, 0 },
	},
};
STATIC_ASSERT(ARRAY_SIZE(levels[0].features) == ARRAY_SIZE(feature_regs), "a mask per feature register");

static void add(struct snap_cpuid *m, u32 leaf, u32 subleaf, const struct cpuid_result *r)
{
	if (!r->eax && !r->ebx && !r->ecx && !r->edx)
		return; /* a leaf the table lacks answers zeros */
	if (m->count >= SNAP_CPUID_MAX)
		return; /* SNAP_CPUID_MAX is above what the policy enumerates */
	m->leaves[m->count++] = (struct snap_cpuid_leaf){ leaf, subleaf, r->eax, r->ebx, r->ecx, r->edx };
}

/* Adds the policy's answer for (leaf, subleaf); returns it. */
static struct cpuid_result add_answer(const struct guest_cpuid_ctx *host, struct snap_cpuid *m,
				      u32 leaf, u32 subleaf)
{
	struct cpuid_result r;

	guest_cpuid(host, leaf, subleaf, &r);
	add(m, leaf, subleaf, &r);
	return r;
}

/* The basic leaves, with the subleaves the policy tells apart. */
static void build_basic(const struct guest_cpuid_ctx *host, struct snap_cpuid *m)
{
	u32 max = add_answer(host, m, 0, 0).eax;

	for (u32 leaf = 1; leaf <= max; leaf++) {
		if (leaf == LEAF_CACHE_PARAMS) {
			for (u32 s = 0; s < CACHE_SUBLEAF_MAX; s++)
				if (!(add_answer(host, m, leaf, s).eax & CACHE_TYPE_MASK))
					break;
		} else if (leaf == LEAF_XSAVE) {
			for (u32 s = 0; s < XSAVE_SUBLEAVES; s++)
				add_answer(host, m, leaf, s);
		} else {
			add_answer(host, m, leaf, 0);
		}
	}
}

void guest_cpu_model_build(const struct guest_cpuid_ctx *host, struct snap_cpuid *m)
{
	u32 max_ext;

	memset(m, 0, sizeof(*m));
	build_basic(host, m);
	max_ext = add_answer(host, m, LEAF_EXT_BASE, 0).eax;
	for (u32 leaf = LEAF_EXT_BASE + 1; leaf <= max_ext && leaf >= LEAF_EXT_BASE; leaf++)
		add_answer(host, m, leaf, 0);
}

struct cpuid_result guest_cpu_model_answer(void *ctx, u32 leaf, u32 subleaf)
{
	const struct snap_cpuid_leaf *l = snap_cpuid_find(ctx, leaf, subleaf);

	if (!l)
		return (struct cpuid_result){ 0, 0, 0, 0 };
	return (struct cpuid_result){ l->eax, l->ebx, l->ecx, l->edx };
}

/* The register in m's table, or NULL when the table lacks the leaf. */
static u32 *reg_ptr(struct snap_cpuid *m, u32 leaf, u32 subleaf, enum reg reg)
{
	for (u32 i = 0; i < m->count; i++) {
		struct snap_cpuid_leaf *l = &m->leaves[i];
		u32 *regs[4] = { &l->eax, &l->ebx, &l->ecx, &l->edx };

		if (l->leaf == leaf && l->subleaf == subleaf)
			return regs[reg];
	}
	return NULL;
}

static void remove_leaf(struct snap_cpuid *m, u32 leaf, u32 subleaf)
{
	for (u32 i = 0; i < m->count; i++)
		if (m->leaves[i].leaf == leaf && m->leaves[i].subleaf == subleaf) {
			memmove(&m->leaves[i], &m->leaves[i + 1], (m->count - i - 1) * sizeof(m->leaves[0]));
			m->count--;
			return;
		}
}

/* Leaf 0DH as the limited features leave it: none without XSAVE; without
 * AVX, no AVX component (subleaf 2) and sizes for x87 and SSE alone (SDM
 * Vol 1, 13.2 "Enumeration of CPU Support for XSAVE Instructions and
 * XSAVE-Supported Features": EBX and ECX are the area's size). */
static void limit_xsave_leaf(struct snap_cpuid *m)
{
	u32 *ecx1 = reg_ptr(m, 1, 0, ECX), *xcr0 = reg_ptr(m, LEAF_XSAVE, 0, EAX);

	if (!ecx1 || !(*ecx1 & F1C_XSAVE)) {
		for (u32 s = 0; s < XSAVE_SUBLEAVES; s++)
			remove_leaf(m, LEAF_XSAVE, s);
	} else if (xcr0 && !(*xcr0 & XCR0_AVX)) {
		*reg_ptr(m, LEAF_XSAVE, 0, EBX) = XSAVE_LEGACY_AND_HEADER;
		*reg_ptr(m, LEAF_XSAVE, 0, ECX) = XSAVE_LEGACY_AND_HEADER;
		remove_leaf(m, LEAF_XSAVE, 2);
	}
}

const char *guest_cpu_level_name(enum guest_cpu_level level)
{
	return level == GUEST_CPU_HOST ? "host" : levels[level].name;
}

int guest_cpu_model_limit(struct snap_cpuid *m, enum guest_cpu_level level, char *why, size_t cap)
{
	const struct cpu_level *l;

	if (level == GUEST_CPU_HOST)
		return 0;
	l = &levels[level];
	for (unsigned i = 0; i < FEATURE_REGS; i++) {
		const struct feature_reg *f = &feature_regs[i];
		u32 *r = reg_ptr(m, f->leaf, f->subleaf, f->reg);
		u32 keep = l->features[i] | (f->leaf == 1 && f->reg == ECX ? LEAF1_ECX_ALWAYS : 0);
		u32 missing = l->features[i] & ~(r ? *r : 0);

		if (missing) {
			fmt_snprintf(why, cap, "this host's CPU lacks CPUID %s bits %#x of %s", f->name,
				     missing, l->name);
			return -ENOTSUP;
		}
		if (r)
			*r &= keep;
	}
	limit_xsave_leaf(m);
	return 0;
}

static u32 reg_value(const struct snap_cpuid *m, u32 leaf, u32 subleaf, enum reg reg)
{
	const struct snap_cpuid_leaf *l = snap_cpuid_find(m, leaf, subleaf);
	const u32 regs[4] = { l ? l->eax : 0, l ? l->ebx : 0, l ? l->ecx : 0, l ? l->edx : 0 };

	return regs[reg];
}

/* The widths of 80000008H EAX: saved's must fit here's. */
static int address_bits_fit(const struct snap_cpuid *here, const struct snap_cpuid *saved,
			    char *why, size_t cap)
{
	u32 h = reg_value(here, ADDR_BITS_LEAF, 0, EAX), s = reg_value(saved, ADDR_BITS_LEAF, 0, EAX);
	static const char *const names[] = { "physical", "linear" };

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		u32 hb = (h >> (8 * i)) & 0xFF, sb = (s >> (8 * i)) & 0xFF;

		if (sb > hb) {
			fmt_snprintf(why, cap,
				     "the guest's CPU has %u %s address bits, this host's %u "
				     "(CPUID 80000008H EAX)", sb, names[i], hb);
			return -ENOTSUP;
		}
	}
	return 0;
}

int guest_cpu_model_honoured(const struct snap_cpuid *here, const struct snap_cpuid *saved,
			     char *why, size_t cap)
{
	for (unsigned i = 0; i < ARRAY_SIZE(feature_regs); i++) {
		const struct feature_reg *f = &feature_regs[i];
		u32 missing = reg_value(saved, f->leaf, f->subleaf, f->reg) &
			      ~reg_value(here, f->leaf, f->subleaf, f->reg);

		if (missing) {
			fmt_snprintf(why, cap,
				     "the guest's CPU has CPUID %s bits %#x that this host cannot give it",
				     f->name, missing);
			return -ENOTSUP;
		}
	}
	return address_bits_fit(here, saved, why, cap);
}
