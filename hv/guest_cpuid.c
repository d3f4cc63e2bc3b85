/*
 * Guest CPUID policy (see guest_cpuid.h). Bit positions: SDM Vol 2A, CPUID,
 * Table 3-8 "Information Returned by CPUID Instruction" and Tables 3-10/3-11
 * "Feature Information Returned in the ECX/EDX Register".
 */
#include "hv/guest_cpuid.h"

#include <string.h>

#include "arch/x86/regs.h"
#include "compiler.h"
#include "hv/cpuid_bits.h"

#define LEAF1_ECX_ALLOWED (F1C_SSE3 | F1C_PCLMULQDQ | F1C_SSSE3 | F1C_FMA | F1C_CX16 | \
			   F1C_SSE41 | F1C_SSE42 | F1C_MOVBE | F1C_POPCNT | F1C_AES | \
			   F1C_XSAVE | F1C_AVX | F1C_F16C)
#define LEAF1_EDX_ALLOWED (F1D_FPU | F1D_VME | F1D_DE | F1D_PSE | F1D_TSC | F1D_MSR | \
			   F1D_PAE | F1D_CX8 | F1D_APIC | F1D_SEP | F1D_PGE | F1D_CMOV | \
			   F1D_PAT | F1D_PSE36 | F1D_CLFSH | F1D_MMX | F1D_FXSR | F1D_SSE | \
			   F1D_SSE2)
#define LEAF7_EBX_ALLOWED (F7B_FSGSBASE | F7B_BMI1 | F7B_AVX2 | F7B_SMEP | F7B_BMI2 | \
			   F7B_ERMS | F7B_ADX | F7B_SMAP | F7B_CLFLUSHOPT | F7B_SHA)
/* Leaf 7 ECX/EDX: instructions and controls that act on the guest's own
 * state only (UMIP faults its own user mode), and informational bits. Not
 * RDPID: it would read the host's IA32_TSC_AUX, not the guest's. Not PKU
 * yet: every CPU with PKU also has the PKRU XSAVE component (XCR0 bit 9),
 * which the XSAVE policy does not offer; PKU without it is a CPU no
 * kernel expects. */
#define LEAF7_ECX_ALLOWED (F7C_UMIP | F7C_GFNI | F7C_VAES | F7C_VPCLMULQDQ)
#define LEAF7_EDX_ALLOWED (F7D_FSRM | F7D_MD_CLEAR | F7D_SERIALIZE)
#define EXT1_ECX_ALLOWED (F81C_LAHF | F81C_ABM | F81C_SSE4A | F81C_PREFETCHW)
#define EXT1_EDX_ALLOWED (F81D_SYSCALL | F81D_NX | F81D_PAGE1GB | F81D_RDTSCP | F81D_LM)
/* Features of the emulated local APIC (hv/vdev/lapic.c), shown whatever
 * the host has: x2APIC mode and the TSC-deadline timer. */
#define LEAF1_ECX_EMULATED (F1C_X2APIC | F1C_TSC_DEADLINE)
#define CLFLUSH_LINE_MASK 0x0000FF00u /* leaf 1 EBX[15:8] */
#define CACHE_SHARING_MASK 0x00003FFFu /* leaf 4 EAX: drop [31:26] cores, [25:14] sharing */

static struct cpuid_result host(const struct guest_cpuid_ctx *c, u32 leaf, u32 subleaf)
{
	return c->host(c->host_ctx, leaf, subleaf);
}

static void leaf1(const struct guest_cpuid_ctx *c, struct cpuid_result *r)
{
	struct cpuid_result h = host(c, 1, 0);
	u32 ecx_allowed = LEAF1_ECX_ALLOWED | (c->trap_rdrand ? F1C_RDRAND : 0);

	r->eax = h.eax;
	r->ebx = h.ebx & CLFLUSH_LINE_MASK; /* APIC ID 0, one logical CPU */
	r->ecx = (h.ecx & ecx_allowed) | LEAF1_ECX_EMULATED | F1C_HYPERVISOR;
	if ((r->ecx & F1C_XSAVE) && c->guest_osxsave)
		r->ecx |= F1C_OSXSAVE;
	r->edx = h.edx & LEAF1_EDX_ALLOWED;
}

static void leaf7(const struct guest_cpuid_ctx *c, u32 subleaf, struct cpuid_result *r)
{
	struct cpuid_result h = host(c, 7, 0);

	if (subleaf != 0)
		return;
	r->ebx = h.ebx & (LEAF7_EBX_ALLOWED | (c->trap_rdseed ? F7B_RDSEED : 0));
	r->ecx = h.ecx & LEAF7_ECX_ALLOWED;
	r->edx = h.edx & LEAF7_EDX_ALLOWED;
}

/*
 * The size of an XSAVE area (standard format) holding the components in
 * xcr0: the legacy region and the header (512 + 64 bytes), and past them
 * each enabled component i >= 2 at the offset and with the size its
 * subleaf gives (SDM Vol 1, 13.4 "XSAVE Area"; Vol 2A, CPUID leaf 0DH:
 * "EBX: maximum size required by enabled features in XCR0", "ECX: maximum
 * size of the XSAVE/XRSTOR save area required by all supported features").
 */
#define XSAVE_LEGACY_AND_HEADER 576u
static u32 xsave_area_size(const struct guest_cpuid_ctx *c, u64 xcr0)
{
	u32 size = XSAVE_LEGACY_AND_HEADER;

	for (u32 i = 2; i < 64; i++) {
		struct cpuid_result h;

		if (!(xcr0 & (1ULL << i)))
			continue;
		h = host(c, 0xD, i);
		size = MAX(size, h.ebx + h.eax);
	}
	return size;
}

/* XSAVE state enumeration for the components the guest may enable; the
 * sizes follow the guest's XCR0, as a CPU's do (Linux checks them). */
static void leaf_xsave(const struct guest_cpuid_ctx *c, u32 subleaf, struct cpuid_result *r)
{
	struct cpuid_result h = host(c, 0xD, subleaf);

	if (!(host(c, 1, 0).ecx & F1C_XSAVE))
		return;
	if (subleaf == 0) {
		u64 allowed = guest_cpuid_xcr0_allowed(c);

		*r = h;
		r->eax = (u32)allowed;
		r->ebx = xsave_area_size(c, (c->guest_xcr0 & allowed) | XCR0_X87);
		r->ecx = xsave_area_size(c, allowed);
		r->edx = 0;
	} else if (subleaf == 1) {
		r->eax = h.eax & (FDA_XSAVEOPT | FDA_XSAVEC | FDA_XGETBV1);
	} else if (subleaf == 2 && (guest_cpuid_xcr0_allowed(c) & XCR0_AVX)) {
		*r = h;
	}
}

static void hypervisor_leaf(u32 leaf, struct cpuid_result *r)
{
	if (leaf != GUEST_CPUID_HV_LEAF)
		return; /* 40000001H: no hypervisor features yet */
	r->eax = GUEST_CPUID_HV_LEAF + 1;
	memcpy(&r->ebx, GUEST_CPUID_HV_SIGNATURE, 4);
	memcpy(&r->ecx, GUEST_CPUID_HV_SIGNATURE + 4, 4);
	memcpy(&r->edx, GUEST_CPUID_HV_SIGNATURE + 8, 4);
}

static void extended_leaf(const struct guest_cpuid_ctx *c, u32 leaf, struct cpuid_result *r)
{
	struct cpuid_result h = host(c, leaf, 0);
	u32 max = host(c, 0x80000000u, 0).eax;

	if (leaf > max && leaf != 0x80000000u)
		return;
	switch (leaf) {
	case 0x80000000u:
		r->eax = h.eax < GUEST_CPUID_MAX_EXTENDED ? h.eax : GUEST_CPUID_MAX_EXTENDED;
		break;
	case 0x80000001u:
		r->ecx = h.ecx & EXT1_ECX_ALLOWED;
		r->edx = h.edx & EXT1_EDX_ALLOWED;
		break;
	case 0x80000002u: case 0x80000003u: case 0x80000004u: /* brand string */
	case 0x80000005u: case 0x80000006u:                  /* cache information */
		*r = h;
		break;
	case 0x80000007u:
		r->edx = h.edx & F87D_INVARIANT_TSC;
		break;
	case 0x80000008u:
		/* EAX[7:0] physical, [15:8] linear address bits: both within
		 * 4-level paging (stage 2 has 4 levels, LA57 is hidden). */
		r->eax = MIN(h.eax & 0xFF, GUEST_CPUID_MAX_PHYS_BITS) |
			 MIN((h.eax >> 8) & 0xFF, GUEST_CPUID_MAX_LINEAR_BITS) << 8;
		break;
	}
}

static void basic_leaf(const struct guest_cpuid_ctx *c, u32 leaf, u32 subleaf,
		       struct cpuid_result *r)
{
	struct cpuid_result h0 = host(c, 0, 0);

	if (leaf > h0.eax || leaf > GUEST_CPUID_MAX_BASIC)
		return;
	switch (leaf) {
	case 0:
		*r = h0;
		r->eax = h0.eax < GUEST_CPUID_MAX_BASIC ? h0.eax : GUEST_CPUID_MAX_BASIC;
		break;
	case 1: leaf1(c, r); break;
	case 2: *r = host(c, 2, 0); break; /* cache descriptors */
	case 4:
		*r = host(c, 4, subleaf);
		r->eax &= CACHE_SHARING_MASK;
		break;
	case 7: leaf7(c, subleaf, r); break;
	case 0xD: leaf_xsave(c, subleaf, r); break;
	default: break; /* MONITOR, power, topology, PMU: hidden */
	}
}

void guest_cpuid(const struct guest_cpuid_ctx *c, u32 leaf, u32 subleaf, struct cpuid_result *out)
{
	memset(out, 0, sizeof(*out));
	if (leaf >= 0x80000000u)
		extended_leaf(c, leaf, out);
	else if (leaf >= GUEST_CPUID_HV_LEAF && leaf <= GUEST_CPUID_HV_LEAF + 0xFF)
		hypervisor_leaf(leaf, out);
	else
		basic_leaf(c, leaf, subleaf, out);
}

u64 guest_cpuid_cr4_allowed(const struct guest_cpuid_ctx *c)
{
	struct cpuid_result l1, l7;
	u64 allowed = CR4_TSD | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;

	guest_cpuid(c, 1, 0, &l1);
	guest_cpuid(c, 7, 0, &l7);
	if (l1.edx & F1D_VME)
		allowed |= CR4_VME | CR4_PVI;
	if (l1.edx & F1D_DE)
		allowed |= CR4_DE;
	if (l1.edx & F1D_PSE)
		allowed |= CR4_PSE;
	if (l1.edx & F1D_PAE)
		allowed |= CR4_PAE;
	if (l1.edx & F1D_PGE)
		allowed |= CR4_PGE;
	if (l1.ecx & F1C_XSAVE)
		allowed |= CR4_OSXSAVE;
	if (l7.ebx & F7B_FSGSBASE)
		allowed |= CR4_FSGSBASE;
	if (l7.ebx & F7B_SMEP)
		allowed |= CR4_SMEP;
	if (l7.ebx & F7B_SMAP)
		allowed |= CR4_SMAP;
	if (l7.ecx & F7C_UMIP)
		allowed |= CR4_UMIP;
	return allowed;
}

u64 guest_cpuid_efer_allowed(const struct guest_cpuid_ctx *c)
{
	struct cpuid_result e1;
	u64 allowed = 0;

	guest_cpuid(c, 0x80000001u, 0, &e1);
	if (e1.edx & F81D_SYSCALL)
		allowed |= EFER_SCE;
	if (e1.edx & F81D_LM)
		allowed |= EFER_LME;
	if (e1.edx & F81D_NX)
		allowed |= EFER_NXE;
	return allowed;
}

u64 guest_cpuid_xcr0_allowed(const struct guest_cpuid_ctx *c)
{
	struct cpuid_result h;

	if (!(host(c, 1, 0).ecx & F1C_XSAVE))
		return 0;
	h = host(c, 0xD, 0);
	return h.eax & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
}

bool guest_cpuid_xcr0_valid(const struct guest_cpuid_ctx *c, u64 xcr0)
{
	return (xcr0 & XCR0_X87) && (!(xcr0 & XCR0_AVX) || (xcr0 & XCR0_SSE)) &&
	       !(xcr0 & ~guest_cpuid_xcr0_allowed(c));
}
