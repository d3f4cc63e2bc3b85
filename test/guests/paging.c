/* paging: 32-bit non-PAE paging and the TLB. Identity-maps the first 8 MiB
 * with 4 KiB pages and turns on CR0.PG; a test page V maps frame A, then
 * frame B after INVLPG (must read B), then A again without INVLPG (reads A
 * or B depending on what the TLB kept: "~ "), then A after a CR3 reload
 * (must read A). Also #PF on an unmapped page, and a 4 MiB PSE page when
 * CPUID lists PSE. */
#include "guest.h"

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PDE_PS 0x080u
#define PAGE 4096u
#define IDENTITY_MB 8

#define V_ADDR 0x40000000u /* test page, outside the identity map */
#define V_UNMAPPED (V_ADDR + PAGE)
#define PSE_ADDR 0x80000000u /* 4 MiB page -> physical 0 */

#define PAT_A 0xAAAA0000u
#define PAT_B 0xBBBB0000u

static u32 pd[1024] __aligned(PAGE);
static u32 pt_identity[IDENTITY_MB / 4][1024] __aligned(PAGE);
static u32 pt_test[1024] __aligned(PAGE);
static u32 frame_a[1024] __aligned(PAGE);
static u32 frame_b[1024] __aligned(PAGE);

static volatile u32 *const v = (volatile u32 *)V_ADDR;

static void build_tables(void)
{
	for (u32 t = 0; t < IDENTITY_MB / 4; t++) {
		for (u32 i = 0; i < 1024; i++)
			pt_identity[t][i] = ((t * 1024 + i) * PAGE) | PTE_P | PTE_W;
		pd[t] = (u32)pt_identity[t] | PTE_P | PTE_W;
	}
	pt_test[0] = (u32)frame_a | PTE_P | PTE_W;
	pt_test[1] = 0; /* V_UNMAPPED */
	pd[V_ADDR >> 22] = (u32)pt_test | PTE_P | PTE_W;
	for (u32 i = 0; i < 1024; i++) {
		frame_a[i] = PAT_A | i;
		frame_b[i] = PAT_B | i;
	}
}

static void set_v(u32 *frame)
{
	pt_test[0] = (u32)frame | PTE_P | PTE_W;
	barrier();
}

static const char *which(u32 val, u32 index)
{
	return val == (PAT_A | index) ? "A" : val == (PAT_B | index) ? "B" : "neither";
}

static void touch_read(void *arg) { (void)*(volatile u32 *)arg; }
static void touch_write(void *arg) { *(volatile u32 *)arg = 1; }

/* Not-present faults: error code bit 1 says write, CR2 the address. */
static void pf_test(void)
{
	struct fault_info fi;
	int vec = fault_try(touch_read, (void *)V_UNMAPPED, &fi);
	check(vec == VEC_PF && fi.cr2 == V_UNMAPPED && fi.error == 0,
	      "read of unmapped 0x%08x: #PF, cr2 0x%08x, error 0x%x", V_UNMAPPED,
	      vec == VEC_PF ? fi.cr2 : 0, vec == VEC_PF ? fi.error : 0xFFFFFFFFu);
	vec = fault_try(touch_write, (void *)V_UNMAPPED, &fi);
	check(vec == VEC_PF && fi.cr2 == V_UNMAPPED && fi.error == 2,
	      "write to unmapped 0x%08x: #PF, cr2 0x%08x, error 0x%x", V_UNMAPPED,
	      vec == VEC_PF ? fi.cr2 : 0, vec == VEC_PF ? fi.error : 0xFFFFFFFFu);
}

/* A 4 MiB page at PSE_ADDR over physical 0: frames A and B (in the first
 * 4 MiB) must show through it. Lines are "~ " as PSE may be absent. */
static void pse_test(void)
{
	if (!cpu_has(1, 0, 3, CPUID1_EDX_PSE)) {
		vary("pse: absent");
		return;
	}
	if ((u32)frame_b + PAGE > 4u << 20) {
		fail("pse: frames above 4 MiB, test cannot run");
		return;
	}
	write_cr4(read_cr4() | CR4_PSE);
	pd[PSE_ADDR >> 22] = 0 | PDE_PS | PTE_P | PTE_W;
	invlpg((void *)PSE_ADDR);
	volatile u32 *a = (volatile u32 *)(PSE_ADDR + (u32)frame_a);
	volatile u32 *b = (volatile u32 *)(PSE_ADDR + (u32)frame_b);
	vcheck(a[3] == (PAT_A | 3) && b[1023] == (PAT_B | 1023),
	       "pse: 4 MiB page at 0x%08x reads frames A and B", PSE_ADDR);
	a[4] = 0x5EED5EED;
	vcheck(frame_a[4] == 0x5EED5EED, "pse: a write through the 4 MiB page reaches frame A");
	frame_a[4] = PAT_A | 4;
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("paging", magic, mbi);
	build_tables();
	vary("page directory at 0x%08x, frame A 0x%08x, frame B 0x%08x", (u32)pd, (u32)frame_a,
	     (u32)frame_b);
	if (!check((u32)pt_test + PAGE <= IDENTITY_MB << 20 && (u32)frame_b + PAGE <= IDENTITY_MB << 20,
		   "tables and frames inside the %u MiB identity map", IDENTITY_MB))
		return (int)guest_done();

	write_cr4(read_cr4() & ~(CR4_PAE | CR4_PGE | CR4_PSE));
	write_cr3((u32)pd);
	write_cr0(read_cr0() | CR0_PG);
	check((read_cr0() & CR0_PG) && read_cr3() == (u32)pd, "paging on, 4 KiB pages, cr3 0x%08x",
	      read_cr3());

	u32 x = v[5];
	check(x == (PAT_A | 5), "V -> A: read 0x%08x (%s)", x, which(x, 5));

	set_v(frame_b);
	invlpg(v);
	x = v[6];
	check(x == (PAT_B | 6), "V -> B with INVLPG: read 0x%08x (%s)", x, which(x, 6));
	v[7] = 0x600DF00D;
	check(frame_b[7] == 0x600DF00D && frame_a[7] == (PAT_A | 7),
	      "V -> B: a write through V reaches frame B only");
	v[7] = PAT_B | 7;

	set_v(frame_a); /* no INVLPG: the TLB may still say B */
	x = v[8];
	vary("V -> A without INVLPG: read 0x%08x (%s: %s)", x, which(x, 8),
	     x == (PAT_B | 8) ? "the TLB kept the old translation" : "the new translation");
	check(x == (PAT_A | 8) || x == (PAT_B | 8), "V -> A without INVLPG: read A's or B's pattern");

	write_cr3(read_cr3());
	x = v[9];
	check(x == (PAT_A | 9), "V -> A after CR3 reload: read 0x%08x (%s)", x, which(x, 9));

	pf_test();
	pse_test();
	return (int)guest_done();
}
