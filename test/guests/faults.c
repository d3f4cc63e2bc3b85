/* faults: what the guest sees at the edges. (a) unclaimed I/O ports read
 * all ones and ignore writes; (b) UD2 -> #UD, resumed after the instruction
 * by a handler; (c) divide by zero -> #DE, caught; (d) a selector beyond the
 * GDT -> #GP with the selector as error code; (e) RDMSR of a
 * non-architectural MSR: #GP on hardware and under the hypervisor, but QEMU
 * TCG returns 0 ("~ "). On request (command line):
 *   mode=unmapped  read physical 0xE0000000 (beyond RAM, no device): natively
 *                  QEMU returns a value, the hypervisor all ones (or, with
 *                  strict_mmio=on, it stops the guest)
 *   mode=triple    empty IDT, then int3: a triple fault */
#include "guest.h"

#define UNMAPPED_ADDR 0xE0000000u
#define ODD_MSR 0xC0011FFFu
#define BAD_SELECTOR 0x1230 /* GDT index 0x246, far beyond our 3 entries */

/* Left unassigned by QEMU q35 (game port, COM4, a free ISA range) and by
 * the hypervisor's device list. */
static const u16 unclaimed_ports[] = { 0x200, 0x2E8, 0x310 };

static void ports_test(void)
{
	for (u32 i = 0; i < ARRAY_SIZE(unclaimed_ports); i++) {
		u16 p = unclaimed_ports[i];
		u8 b = inb(p);
		u16 w = inw(p);
		u32 l = inl(p);
		check(b == 0xFF && w == 0xFFFF && l == 0xFFFFFFFFu,
		      "port 0x%03x reads: inb 0x%02x inw 0x%04x inl 0x%08x", p, b, w, l);
		outb(p, 0x5A);
		outw(p, 0x5AA5);
		outl(p, 0x5AA55AA5u);
		b = inb(p);
		w = inw(p);
		l = inl(p);
		check(b == 0xFF && w == 0xFFFF && l == 0xFFFFFFFFu,
		      "port 0x%03x after writes: inb 0x%02x inw 0x%04x inl 0x%08x", p, b, w, l);
	}
}

/* --- #UD, resumed by a handler that steps over the 2-byte UD2 --- */

extern const u8 ud2_insn[];
static volatile u32 ud_seen, ud_eip;

static void on_ud(struct trap_frame *f)
{
	ud_seen++;
	ud_eip = f->eip;
	const u8 *insn = (const u8 *)f->eip;
	if (insn[0] == 0x0F && insn[1] == 0x0B)
		f->eip += 2;
	else
		trap_unexpected(f);
}

static __attribute__((noinline)) u32 run_ud2(void)
{
	u32 after;
	__asm__ volatile(".globl ud2_insn\n"
			 "ud2_insn: ud2\n\t"
			 "movl $0x600D, %0"
			 : "=r"(after)
			 :
			 : "memory");
	return after;
}

static void ud_test(void)
{
	idt_set_handler(VEC_UD, on_ud);
	u32 after = run_ud2();
	idt_set_handler(VEC_UD, 0);
	check(ud_seen == 1 && ud_eip == (u32)ud2_insn && after == 0x600D,
	      "ud2: #UD at the instruction, resumed after it");
}

/* --- #DE and #GP, caught (catch.h) --- */

extern const u8 div_insn[], mov_sreg_insn[];

static __attribute__((noinline)) void divide_by_zero(void *arg)
{
	(void)arg;
	u32 q, r;
	__asm__ volatile(".globl div_insn\n"
			 "div_insn: divl %2"
			 : "=a"(q), "=d"(r)
			 : "r"(0u), "a"(1u), "d"(0u));
}

static __attribute__((noinline)) void load_bad_selector(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl mov_sreg_insn\n"
			 "mov_sreg_insn: movw %w0, %%fs"
			 :
			 : "r"(BAD_SELECTOR));
}

static void de_gp_test(void)
{
	struct fault_info fi;
	int vec = fault_try(divide_by_zero, 0, &fi);
	check(vec == VEC_DE && fi.eip == (u32)div_insn, "divide by zero: #DE at the DIV (vector %d)",
	      vec);
	vec = fault_try(load_bad_selector, 0, &fi);
	check(vec == VEC_GP && fi.eip == (u32)mov_sreg_insn && fi.error == BAD_SELECTOR,
	      "selector 0x%x beyond the GDT: #GP, error 0x%x (vector %d)", BAD_SELECTOR,
	      vec == VEC_GP ? fi.error : 0xFFFFFFFFu, vec);
	/* Put FS back in case the load half-happened. */
	__asm__ volatile("movw %w0, %%fs" : : "r"(GDT_DATA32));
}

/* --- RDMSR of a model-specific number nobody implements --- */

static volatile u64 msr_value;
static void read_odd_msr(void *arg)
{
	(void)arg;
	msr_value = rdmsr(ODD_MSR);
}

static void msr_test(void)
{
	struct fault_info fi;
	int vec = fault_try(read_odd_msr, 0, &fi);
	if (vec == VEC_GP)
		vary("msr 0x%08x: #GP", ODD_MSR);
	else if (vec < 0)
		vary("msr 0x%08x: read 0x%016llx", ODD_MSR, msr_value);
	else
		fail("msr 0x%08x: unexpected %s (vector %d)", ODD_MSR, exception_name((u32)vec), vec);
}

/* --- the deliberate endings --- */

static void unmapped_test(void)
{
	say("unmapped: reading physical 0x%08x (no RAM, no device)", UNMAPPED_ADDR);
	u32 v = *(volatile u32 *)UNMAPPED_ADDR;
	vary("unmapped: read 0x%08x (QEMU 7.2 TCG gives 0x00000000)", v);
	say("unmapped: the read returned");
}

static void triple_fault(void)
{
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) empty = { 0, 0 };
	say("triple: loading an empty IDT and executing int3");
	__asm__ volatile("lidt %0\n\tint3" : : "m"(empty) : "memory");
	fail("triple: still running after int3 with an empty IDT");
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("faults", magic, mbi);
	char mode[32] = "none";
	cmdline_get("mode", mode, sizeof(mode));
	bool unmapped = strncmp(mode, "unmapped", sizeof(mode)) == 0;
	bool triple = strncmp(mode, "triple", sizeof(mode)) == 0;
	say("mode %s", mode);
	if (!unmapped && !triple && strncmp(mode, "none", sizeof(mode)) != 0)
		fail("unknown mode=%s (none, unmapped, triple)", mode);

	ports_test();
	ud_test();
	de_gp_test();
	msr_test();
	if (unmapped)
		unmapped_test();
	if (triple)
		triple_fault();
	return (int)guest_done();
}
