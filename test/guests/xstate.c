/* xstate: registers a snapshot must carry beyond the general ones. The
 * debug registers: DR0-3 set to breakpoint addresses (data writes, 4
 * bytes, enabled in DR7) the guest never writes, DR6 with B1 and B3
 * recorded. With AVX (CPUID.1:ECX XSAVE and AVX): CR4.OSXSAVE, XCR0 =
 * x87|SSE|AVX (SDM Vol 1, 13.3), YMM0-7 (all a 32-bit guest has) loaded
 * with recognizable 256-bit values; every round then folds YMM6 into YMM7
 * and swaps YMM7's halves, printing YMM7's top dword. The rounds' lines
 * make thousands of exits (port I/O); at the end every register is
 * checked against what was set and printed. */
#include "guest.h"

#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX (1u << 28)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXSAVE (1u << 18)
#define XCR0_X87_SSE_AVX 7u
#define YMM_REGS 8
#define ROUNDS 48
/* DR7 (SDM Vol 3, 18.2.4): L0-L3 and bit 10 (reads as 1); R/Wn = 01
 * (data writes) and LENn = 11 (4 bytes) for each of the four. */
#define DR7_FOUR_WRITE_WATCHES 0xDDDD0455u
#define DR6_B1_B3 0xFFFF0FFAu /* SDM Vol 3, 18.2.3: fixed ones, B1 and B3 */

static u32 ymm[YMM_REGS][8] __attribute__((aligned(32)));
static u32 out[YMM_REGS][8] __attribute__((aligned(32)));
static u32 watched[4][1024] __attribute__((aligned(4096))); /* never written */

static void set_ymm(void)
{
	for (int r = 0; r < YMM_REGS; r++)
		for (int d = 0; d < 8; d++)
			ymm[r][d] = 0xA0000000u | (u32)r << 16 | (u32)d << 8 | (u32)(r * 8 + d);
	__asm__ volatile("vmovdqu 0(%0), %%ymm0\n\tvmovdqu 32(%0), %%ymm1\n\t"
			 "vmovdqu 64(%0), %%ymm2\n\tvmovdqu 96(%0), %%ymm3\n\t"
			 "vmovdqu 128(%0), %%ymm4\n\tvmovdqu 160(%0), %%ymm5\n\t"
			 "vmovdqu 192(%0), %%ymm6\n\tvmovdqu 224(%0), %%ymm7"
			 : : "r"(ymm) : "memory");
}

static void get_ymm(void)
{
	__asm__ volatile("vmovdqu %%ymm0, 0(%0)\n\tvmovdqu %%ymm1, 32(%0)\n\t"
			 "vmovdqu %%ymm2, 64(%0)\n\tvmovdqu %%ymm3, 96(%0)\n\t"
			 "vmovdqu %%ymm4, 128(%0)\n\tvmovdqu %%ymm5, 160(%0)\n\t"
			 "vmovdqu %%ymm6, 192(%0)\n\tvmovdqu %%ymm7, 224(%0)"
			 : : "r"(out) : "memory");
}

/* YMM7 ^= YMM6, then its 128-bit halves swapped (VPERM2F128 imm 1). */
static void step_ymm7(void)
{
	__asm__ volatile("vxorps %%ymm6, %%ymm7, %%ymm7\n\t"
			 "vperm2f128 $1, %%ymm7, %%ymm7, %%ymm7" ::: "memory");
}

/* What step_ymm7 made of YMM7 after n rounds, in ymm[7]'s layout. */
static void expected_ymm7(int n, u32 e[8])
{
	for (int d = 0; d < 8; d++)
		e[d] = ymm[7][d];
	for (int i = 0; i < n; i++)
		for (int d = 0; d < 4; d++) {
			u32 lo = e[d] ^ ymm[6][d], hi = e[d + 4] ^ ymm[6][d + 4];
			e[d] = hi;
			e[d + 4] = lo;
		}
}

static bool enable_avx(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if (!(r.ecx & CPUID1_ECX_XSAVE) || !(r.ecx & CPUID1_ECX_AVX))
		return false;
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXSAVE);
	__asm__ volatile("xsetbv" : : "c"(0), "a"(XCR0_X87_SSE_AVX), "d"(0));
	return true;
}

static void set_drs(void)
{
	__asm__ volatile("mov %0, %%dr0" : : "r"(&watched[0][0]));
	__asm__ volatile("mov %0, %%dr1" : : "r"(&watched[1][4]));
	__asm__ volatile("mov %0, %%dr2" : : "r"(&watched[2][8]));
	__asm__ volatile("mov %0, %%dr3" : : "r"(&watched[3][12]));
	__asm__ volatile("mov %0, %%dr6" : : "r"(DR6_B1_B3));
	__asm__ volatile("mov %0, %%dr7" : : "r"(DR7_FOUR_WRITE_WATCHES));
}

static void check_drs(void)
{
	u32 dr[8];

	__asm__ volatile("mov %%dr0, %0" : "=r"(dr[0]));
	__asm__ volatile("mov %%dr1, %0" : "=r"(dr[1]));
	__asm__ volatile("mov %%dr2, %0" : "=r"(dr[2]));
	__asm__ volatile("mov %%dr3, %0" : "=r"(dr[3]));
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr[6]));
	__asm__ volatile("mov %%dr7, %0" : "=r"(dr[7]));
	for (int i = 0; i < 4; i++)
		check(dr[i] == (u32)&watched[i][4 * i], "dr%d %s the address set", i,
		      dr[i] == (u32)&watched[i][4 * i] ? "holds" : "LOST");
	check(dr[6] == DR6_B1_B3, "dr6 0x%08x (B1 and B3)", dr[6]);
	check(dr[7] == DR7_FOUR_WRITE_WATCHES, "dr7 0x%08x (four write watches)", dr[7]);
}

static void check_ymm(int rounds)
{
	u32 e7[8];

	get_ymm();
	expected_ymm7(rounds, e7);
	for (int r = 0; r < YMM_REGS; r++) {
		const u32 *want = r == 7 ? e7 : ymm[r];
		bool same = true;

		for (int d = 0; d < 8; d++)
			same = same && out[r][d] == want[d];
		check(same, "ymm%d 0x%08x..%08x (upper) %08x..%08x (lower)", r, out[r][7],
		      out[r][4], out[r][3], out[r][0]);
	}
}

int main(u32 magic, const struct mb_info *mbi)
{
	bool avx;

	guest_start("xstate", magic, mbi);
	avx = enable_avx();
	say("avx %s", avx ? "present" : "absent");
	set_drs();
	if (avx)
		set_ymm();
	for (int i = 0; i < ROUNDS; i++) {
		if (avx) {
			step_ymm7();
			get_ymm();
			say("round %d: ymm7 top dword 0x%08x", i, out[7][7]);
		} else {
			say("round %d", i);
		}
		for (int k = 0; k < 20; k++)
			inb(0x80); /* more exits */
	}
	check_drs();
	if (avx)
		check_ymm(ROUNDS);
	return (int)guest_done();
}
