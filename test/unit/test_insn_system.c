// sources: hv/insn_decode.c
/*
 * hv/insn_decode.c, insn_decode_system(): every instruction of enum sys_insn
 * in 16-, 32- and 64-bit code, legacy prefixes and REX, the control register
 * number (REX.R, and LOCK outside 64-bit mode, for CR8), LMSW/SMSW/INVLPG
 * memory operands under 16-, 32- and 64-bit addressing, truncation, the
 * 15-byte limit and what is not decoded. Every expected length was checked
 * against objdump -D -b binary (-m i386:x86-64, -m i386, -m i386 -M
 * data16,addr16) on the same bytes; "what" is objdump's rendering.
 */
#include "helpers.h"

#include "errno.h"
#include "hv/insn_decode.h"

struct sys_case {
	enum insn_mode mode;
	const char *bytes; /* string literal of raw bytes */
	u8 avail;
	const char *what;
	enum sys_insn kind;
	u8 length, cr, gpr;
	bool mem;
	u8 imm8;
};

#define M64 INSN_MODE_64
#define M32 INSN_MODE_32
#define M16 INSN_MODE_16
#define B(s) s, sizeof(s) - 1

static const struct sys_case good[] = {
	/* 64-bit mode */
	{ M64, B("\xf4"), "hlt", SYS_INSN_HLT, .length = 1 },
	{ M64, B("\x0f\xa2"), "cpuid", SYS_INSN_CPUID, .length = 2 },
	{ M64, B("\x0f\x31"), "rdtsc", SYS_INSN_RDTSC, .length = 2 },
	{ M64, B("\x0f\x01\xf9"), "rdtscp", SYS_INSN_RDTSCP, .length = 3 },
	{ M64, B("\x0f\x33"), "rdpmc", SYS_INSN_RDPMC, .length = 2 },
	{ M64, B("\x0f\x32"), "rdmsr", SYS_INSN_RDMSR, .length = 2 },
	{ M64, B("\x0f\x30"), "wrmsr", SYS_INSN_WRMSR, .length = 2 },
	{ M64, B("\x0f\x08"), "invd", SYS_INSN_INVD, .length = 2 },
	{ M64, B("\x0f\x09"), "wbinvd", SYS_INSN_WBINVD, .length = 2 },
	{ M64, B("\xf3\x0f\x09"), "wbnoinvd (a WBINVD variant)", SYS_INSN_WBINVD, .length = 3 },
	{ M64, B("\x0f\x01\xd1"), "xsetbv", SYS_INSN_XSETBV, .length = 3 },
	{ M64, B("\x0f\x01\xc1"), "vmcall", SYS_INSN_VMCALL, .length = 3 },
	{ M64, B("\x0f\x01\xd9"), "vmmcall", SYS_INSN_VMCALL, .length = 3 },
	{ M64, B("\xf3\x0f\x01\xd9"), "vmgexit (REP VMMCALL: a VMMCALL variant)",
	  SYS_INSN_VMCALL, .length = 4 },
	{ M64, B("\x0f\x01\xd8"), "vmrun", SYS_INSN_SVM, .length = 3 },
	{ M64, B("\x0f\x01\xda"), "vmload", SYS_INSN_SVM, .length = 3 },
	{ M64, B("\x0f\x01\xdb"), "vmsave", SYS_INSN_SVM, .length = 3 },
	{ M64, B("\x0f\x01\xdc"), "stgi", SYS_INSN_SVM, .length = 3 },
	{ M64, B("\x0f\x01\xdd"), "clgi", SYS_INSN_SVM, .length = 3 },
	{ M64, B("\x0f\x01\xde"), "skinit", SYS_INSN_SVM, .length = 3 },
	{ M64, B("\x0f\x01\xdf"), "invlpga", SYS_INSN_SVM, .length = 3 },
	{ M64, B("\x0f\x01\xc8"), "monitor %rax,%ecx,%edx", SYS_INSN_MONITOR, .length = 3 },
	{ M64, B("\x0f\x01\xfa"), "monitorx %rax,%ecx,%edx", SYS_INSN_MONITOR, .length = 3 },
	{ M64, B("\x0f\x01\xc9"), "mwait %eax,%ecx", SYS_INSN_MWAIT, .length = 3 },
	{ M64, B("\x0f\x01\xfb"), "mwaitx %eax,%ecx,%ebx", SYS_INSN_MWAIT, .length = 3 },
	{ M64, B("\x0f\x20\xd8"), "mov %cr3,%rax", SYS_INSN_MOV_FROM_CR, .length = 3, .cr = 3,
	  .gpr = 0 },
	{ M64, B("\x0f\x22\xd8"), "mov %rax,%cr3", SYS_INSN_MOV_TO_CR, .length = 3, .cr = 3,
	  .gpr = 0 },
	{ M64, B("\x0f\x20\xe7"), "mov %cr4,%rdi", SYS_INSN_MOV_FROM_CR, .length = 3, .cr = 4,
	  .gpr = 7 },
	{ M64, B("\x41\x0f\x22\xdf"), "mov %r15,%cr3", SYS_INSN_MOV_TO_CR, .length = 4,
	  .cr = 3, .gpr = 15 },
	{ M64, B("\x44\x0f\x20\xc0"), "mov %cr8,%rax", SYS_INSN_MOV_FROM_CR, .length = 4,
	  .cr = 8, .gpr = 0 },
	{ M64, B("\x45\x0f\x22\xc7"), "mov %r15,%cr8", SYS_INSN_MOV_TO_CR, .length = 4,
	  .cr = 8, .gpr = 15 },
	{ M64, B("\x4c\x0f\x22\xc1"), "rex.WR mov %rcx,%cr8", SYS_INSN_MOV_TO_CR, .length = 4,
	  .cr = 8, .gpr = 1 },
	{ M64, B("\x0f\x20\x00"), "mov %cr0,%rax (mod=00 read as 11)", SYS_INSN_MOV_FROM_CR,
	  .length = 3, .cr = 0, .gpr = 0 },
	{ M64, B("\x0f\x22\xa4"), "mov %rsp,%cr4 (mod=10 r/m=100: no SIB, no disp)",
	  SYS_INSN_MOV_TO_CR, .length = 3, .cr = 4, .gpr = 4 },
	{ M64, B("\x66\x0f\x20\xe0"), "data16 mov %cr4,%rax", SYS_INSN_MOV_FROM_CR,
	  .length = 4, .cr = 4, .gpr = 0 },
	{ M64, B("\xf0\x0f\x20\xc0"), "lock mov %cr0,%rax (LOCK is no CR8 in 64-bit mode)",
	  SYS_INSN_MOV_FROM_CR, .length = 4, .cr = 0, .gpr = 0 },
	{ M64, B("\xf0\x44\x0f\x22\xc0"), "lock mov %rax,%cr8", SYS_INSN_MOV_TO_CR,
	  .length = 5, .cr = 8, .gpr = 0 },
	{ M64, B("\x0f\x06"), "clts", SYS_INSN_CLTS, .length = 2 },
	{ M64, B("\x0f\x01\xf0"), "lmsw %ax", SYS_INSN_LMSW, .length = 3, .gpr = 0 },
	{ M64, B("\x41\x0f\x01\xf7"), "lmsw %r15w", SYS_INSN_LMSW, .length = 4, .gpr = 15 },
	{ M64, B("\x0f\x01\xf3"), "lmsw %bx", SYS_INSN_LMSW, .length = 3, .gpr = 3 },
	{ M64, B("\x0f\x01\x30"), "lmsw (%rax)", SYS_INSN_LMSW, .length = 3, .mem = true },
	{ M64, B("\x0f\x01\x34\x24"), "lmsw (%rsp)", SYS_INSN_LMSW, .length = 4, .mem = true },
	{ M64, B("\x0f\x01\x35\x78\x56\x34\x12"), "lmsw 0x12345678(%rip)", SYS_INSN_LMSW,
	  .length = 7, .mem = true },
	{ M64, B("\x67\x0f\x01\x70\x08"), "lmsw 0x8(%eax)", SYS_INSN_LMSW, .length = 5,
	  .mem = true },
	{ M64, B("\x0f\x01\xb4\x88\x00\x10\x00\x00"), "lmsw 0x1000(%rax,%rcx,4)",
	  SYS_INSN_LMSW, .length = 8, .mem = true },
	{ M64, B("\x0f\x01\xe0"), "smsw %eax", SYS_INSN_SMSW, .length = 3, .gpr = 0 },
	{ M64, B("\x48\x0f\x01\xe0"), "smsw %rax", SYS_INSN_SMSW, .length = 4, .gpr = 0 },
	{ M64, B("\x66\x0f\x01\xe1"), "smsw %cx", SYS_INSN_SMSW, .length = 4, .gpr = 1 },
	{ M64, B("\x41\x0f\x01\xe4"), "smsw %r12d", SYS_INSN_SMSW, .length = 4, .gpr = 12 },
	{ M64, B("\x0f\x01\x20"), "smsw (%rax)", SYS_INSN_SMSW, .length = 3, .mem = true },
	{ M64, B("\x66\x0f\x01\x60\x10"), "data16 smsw 0x10(%rax)", SYS_INSN_SMSW, .length = 5,
	  .mem = true },
	{ M64, B("\x0f\x01\x38"), "invlpg (%rax)", SYS_INSN_INVLPG, .length = 3, .mem = true },
	{ M64, B("\x0f\x01\x3c\x25\x00\x10\x00\x00"), "invlpg 0x1000", SYS_INSN_INVLPG,
	  .length = 8, .mem = true },
	{ M64, B("\x41\x0f\x01\x7d\x00"), "invlpg 0x0(%r13)", SYS_INSN_INVLPG, .length = 5,
	  .mem = true },
	{ M64, B("\x65\x0f\x01\x3c\x25\x00\x10\x00\x00"), "invlpg %gs:0x1000", SYS_INSN_INVLPG,
	  .length = 9, .mem = true },
	{ M64, B("\x67\x0f\x01\x3d\x00\x10\x00\x00"), "invlpg 0x1000(%eip)", SYS_INSN_INVLPG,
	  .length = 8, .mem = true },
	{ M64, B("\x0f\x01\xbc\x24\x00\x01\x00\x00"), "invlpg 0x100(%rsp)", SYS_INSN_INVLPG,
	  .length = 8, .mem = true },
	{ M64, B("\xf3\x90"), "pause", SYS_INSN_PAUSE, .length = 2 },
	{ M64, B("\xf3\x48\x90"), "rex.W pause", SYS_INSN_PAUSE, .length = 3 },
	{ M64, B("\xf2\xf3\x90"), "repnz pause", SYS_INSN_PAUSE, .length = 3 },
	{ M64, B("\x66\xf3\x90"), "data16 pause", SYS_INSN_PAUSE, .length = 3 },
	{ M64, B("\xcc"), "int3", SYS_INSN_INT3, .length = 1 },
	{ M64, B("\xcd\x80"), "int $0x80", SYS_INSN_INTN, .length = 2, .imm8 = 0x80 },
	{ M64, B("\xcd\xff"), "int $0xff", SYS_INSN_INTN, .length = 2, .imm8 = 0xff },
	{ M64, B("\xcf"), "iret", SYS_INSN_IRET, .length = 1 },
	{ M64, B("\x48\xcf"), "iretq", SYS_INSN_IRET, .length = 2 },
	{ M64, B("\x66\xcf"), "iretw", SYS_INSN_IRET, .length = 2 },
	{ M64, B("\x40\xf4"), "rex hlt", SYS_INSN_HLT, .length = 2 },
	{ M64, B("\x2e\x3e\x26\x36\x64\x65\xf4"), "cs ds es ss fs gs hlt", SYS_INSN_HLT,
	  .length = 7 },
	{ M64, B("\x66\x67\xf0\xf2\xf3\x0f\xa2"), "data16 addr32 lock repnz repz cpuid",
	  SYS_INSN_CPUID, .length = 7 },
	{ M64, B("\x4d\x0f\x01\xf9"), "rex.WRB rdtscp", SYS_INSN_RDTSCP, .length = 4 },
	{ M64, B("\x2e\x3e\x26\x36\x64\x65\x66\x67\xf0\xf2\xf3\x2e\x3e\x0f\xa2"),
	  "cs ds es ss fs gs data16 addr32 lock repnz repz cs ds cpuid (15 bytes)",
	  SYS_INSN_CPUID, .length = 15 },
	{ M64, B("\x66\x66\x66\x66\x66\x66\x66\x0f\x01\x3c\x25\x00\x10\x00\x00"),
	  "data16 data16 data16 data16 data16 data16 data16 invlpg 0x1000 (15 bytes)",
	  SYS_INSN_INVLPG, .length = 15, .mem = true },

	/* 32-bit mode */
	{ M32, B("\xf4"), "hlt", SYS_INSN_HLT, .length = 1 },
	{ M32, B("\x0f\xa2"), "cpuid", SYS_INSN_CPUID, .length = 2 },
	{ M32, B("\xce"), "into", SYS_INSN_INTO, .length = 1 },
	{ M32, B("\xcf"), "iret", SYS_INSN_IRET, .length = 1 },
	{ M32, B("\x66\xcf"), "iretw", SYS_INSN_IRET, .length = 2 },
	{ M32, B("\xcd\x21"), "int $0x21", SYS_INSN_INTN, .length = 2, .imm8 = 0x21 },
	{ M32, B("\xf3\x90"), "pause", SYS_INSN_PAUSE, .length = 2 },
	{ M32, B("\x0f\x01\xd8"), "vmrun", SYS_INSN_SVM, .length = 3 },
	{ M32, B("\x2e\x3e\x26\x36\x64\x65\x66\x67\xf0\xf2\xf3\x2e\x3e\x0f\xa2"),
	  "cs ds es ss fs gs data16 addr16 lock repnz repz cs ds cpuid (15 bytes)",
	  SYS_INSN_CPUID, .length = 15 },
	{ M32, B("\x0f\x01\xd9"), "vmmcall", SYS_INSN_VMCALL, .length = 3 },
	{ M32, B("\x0f\x20\xc0"), "mov %cr0,%eax", SYS_INSN_MOV_FROM_CR, .length = 3, .cr = 0,
	  .gpr = 0 },
	{ M32, B("\x0f\x22\xe1"), "mov %ecx,%cr4", SYS_INSN_MOV_TO_CR, .length = 3, .cr = 4,
	  .gpr = 1 },
	{ M32, B("\xf0\x0f\x20\xc0"), "mov %cr8,%eax", SYS_INSN_MOV_FROM_CR, .length = 4,
	  .cr = 8, .gpr = 0 },
	{ M32, B("\xf0\x0f\x22\xc3"), "mov %ebx,%cr8", SYS_INSN_MOV_TO_CR, .length = 4,
	  .cr = 8, .gpr = 3 },
	{ M32, B("\x2e\xf0\x0f\x22\xc3"), "cs mov %ebx,%cr8", SYS_INSN_MOV_TO_CR, .length = 5,
	  .cr = 8, .gpr = 3 },
	{ M32, B("\x0f\x01\xf3"), "lmsw %bx", SYS_INSN_LMSW, .length = 3, .gpr = 3 },
	{ M32, B("\x0f\x01\x35\x78\x56\x34\x12"), "lmsw 0x12345678", SYS_INSN_LMSW,
	  .length = 7, .mem = true },
	{ M32, B("\x0f\x01\xb0\x00\x10\x00\x00"), "lmsw 0x1000(%eax)", SYS_INSN_LMSW,
	  .length = 7, .mem = true },
	{ M32, B("\x0f\x01\x3c\x24"), "invlpg (%esp)", SYS_INSN_INVLPG, .length = 4,
	  .mem = true },
	{ M32, B("\x0f\x01\x7c\x24\x08"), "invlpg 0x8(%esp)", SYS_INSN_INVLPG, .length = 5,
	  .mem = true },
	{ M32, B("\x0f\x01\x3c\x8d\x00\x00\xe0\xfe"), "invlpg -0x1200000(,%ecx,4)",
	  SYS_INSN_INVLPG, .length = 8, .mem = true },
	{ M32, B("\x67\x0f\x01\x3e\x34\x12"), "invlpg 0x1234", SYS_INSN_INVLPG, .length = 6,
	  .mem = true },
	{ M32, B("\x67\x0f\x01\x7e\x02"), "invlpg 0x2(%bp)", SYS_INSN_INVLPG, .length = 5,
	  .mem = true },
	{ M32, B("\x67\x0f\x01\x38"), "invlpg (%bx,%si)", SYS_INSN_INVLPG, .length = 4,
	  .mem = true },
	{ M32, B("\x0f\x01\x25\x00\x00\xe0\xfe"), "smsw 0xfee00000", SYS_INSN_SMSW,
	  .length = 7, .mem = true },

	/* 16-bit mode (objdump -M data16,addr16) */
	{ M16, B("\xf4"), "hlt", SYS_INSN_HLT, .length = 1 },
	{ M16, B("\xcc"), "int3", SYS_INSN_INT3, .length = 1 },
	{ M16, B("\xcd\x10"), "int $0x10", SYS_INSN_INTN, .length = 2, .imm8 = 0x10 },
	{ M16, B("\xce"), "into", SYS_INSN_INTO, .length = 1 },
	{ M16, B("\xcf"), "iret", SYS_INSN_IRET, .length = 1 },
	{ M16, B("\x66\xcf"), "iretl", SYS_INSN_IRET, .length = 2 },
	{ M16, B("\x0f\x06"), "clts", SYS_INSN_CLTS, .length = 2 },
	{ M16, B("\x0f\x20\xc0"), "mov %cr0,%eax", SYS_INSN_MOV_FROM_CR, .length = 3, .cr = 0,
	  .gpr = 0 },
	{ M16, B("\x0f\x22\xd8"), "mov %eax,%cr3", SYS_INSN_MOV_TO_CR, .length = 3, .cr = 3,
	  .gpr = 0 },
	{ M16, B("\xf0\x0f\x22\xc0"), "mov %eax,%cr8", SYS_INSN_MOV_TO_CR, .length = 4,
	  .cr = 8, .gpr = 0 },
	{ M16, B("\x0f\x01\x36\x34\x12"), "lmsw 0x1234", SYS_INSN_LMSW, .length = 5,
	  .mem = true },
	{ M16, B("\x0f\x01\x30"), "lmsw (%bx,%si)", SYS_INSN_LMSW, .length = 3, .mem = true },
	{ M16, B("\x0f\x01\xf0"), "lmsw %ax", SYS_INSN_LMSW, .length = 3, .gpr = 0 },
	{ M16, B("\x0f\x01\x38"), "invlpg (%bx,%si)", SYS_INSN_INVLPG, .length = 3,
	  .mem = true },
	{ M16, B("\x0f\x01\x7e\xfe"), "invlpg -0x2(%bp)", SYS_INSN_INVLPG, .length = 4,
	  .mem = true },
	{ M16, B("\x0f\x01\xbf\x34\x12"), "invlpg 0x1234(%bx)", SYS_INSN_INVLPG, .length = 5,
	  .mem = true },
	{ M16, B("\x0f\x01\x3e\x00\x10"), "invlpg 0x1000", SYS_INSN_INVLPG, .length = 5,
	  .mem = true },
	{ M16, B("\x67\x0f\x01\x3c\x24"), "invlpg (%esp)", SYS_INSN_INVLPG, .length = 5,
	  .mem = true },
	{ M16, B("\x67\x0f\x01\xbc\x88\x00\x10\x00\x00"), "invlpg 0x1000(%eax,%ecx,4)",
	  SYS_INSN_INVLPG, .length = 9, .mem = true },
	{ M16, B("\x67\x0f\x01\x3d\x00\x10\x00\x00"), "addr32 invlpg 0x1000", SYS_INSN_INVLPG,
	  .length = 8, .mem = true },
	{ M16, B("\x0f\x01\x26\x00\x80"), "smsw -0x8000", SYS_INSN_SMSW, .length = 5,
	  .mem = true },
	{ M16, B("\x0f\x01\xe0"), "smsw %ax", SYS_INSN_SMSW, .length = 3, .gpr = 0 },
	{ M16, B("\x26\x0f\x01\x3f"), "invlpg %es:(%bx)", SYS_INSN_INVLPG, .length = 4,
	  .mem = true },
};

static void check_case(const struct sys_case *g, const struct sys_insn_info *si)
{
	if (si->kind != g->kind || si->length != g->length)
		fail_msg("%s: kind %d length %u, expected %d %u", g->what, si->kind, si->length,
			 g->kind, g->length);
	if (si->cr != g->cr || si->gpr != g->gpr || si->mem_operand != g->mem ||
	    si->imm8 != g->imm8)
		fail_msg("%s: cr %u gpr %u mem %d imm8 %#x, expected %u %u %d %#x", g->what, si->cr,
			 si->gpr, si->mem_operand, si->imm8, g->cr, g->gpr, g->mem, g->imm8);
}

static void test_known_encodings(void **state)
{
	struct sys_insn_info si;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		int err = insn_decode_system((const u8 *)good[i].bytes, good[i].avail, good[i].mode,
					     &si);

		if (err)
			fail_msg("%s: returned %d", good[i].what, err);
		check_case(&good[i], &si);
	}
}

/* Every kind but UNKNOWN appears in the table above. */
static void test_every_kind_covered(void **state)
{
	bool seen[SYS_INSN_IRET + 1] = { false };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		seen[good[i].kind] = true;
	for (int k = SYS_INSN_HLT; k <= SYS_INSN_IRET; k++)
		if (!seen[k])
			fail_msg("kind %d has no test case", k);
}

/* Trailing bytes after the instruction do not change the decode. */
static void test_trailing_bytes_ignored(void **state)
{
	u8 buf[32];
	struct sys_insn_info si;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		memset(buf, 0x0f, sizeof(buf));
		memcpy(buf, good[i].bytes, good[i].avail);
		assert_int_equal(insn_decode_system(buf, sizeof(buf), good[i].mode, &si), 0);
		check_case(&good[i], &si);
	}
}

/* Every proper prefix of a valid instruction is -ENODATA. */
static void test_truncated(void **state)
{
	struct sys_insn_info si;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		for (u8 n = 0; n < good[i].length; n++)
			if (insn_decode_system((const u8 *)good[i].bytes, n, good[i].mode, &si) !=
			    -ENODATA)
				fail_msg("%s: %u of %u bytes not -ENODATA", good[i].what, n,
					 good[i].length);
}

static struct sys_insn_info decode_ok(const char *bytes, size_t n, enum insn_mode mode)
{
	struct sys_insn_info si;

	assert_int_equal(insn_decode_system((const u8 *)bytes, n, mode, &si), 0);
	return si;
}

/* CR8 is REX.R in 64-bit mode; outside it LOCK plays that part (AMD APM Vol 3
 * "MOV(CRn)"), and in 64-bit mode LOCK does not. */
static void test_cr8(void **state)
{
	struct sys_insn_info si;

	si = decode_ok(B("\x44\x0f\x20\xc0"), M64); /* mov %cr8,%rax */
	assert_int_equal(si.cr, 8);
	si = decode_ok(B("\xf0\x0f\x20\xc0"), M64); /* lock mov %cr0,%rax */
	assert_int_equal(si.cr, 0);
	si = decode_ok(B("\xf0\x0f\x20\xc0"), M32); /* mov %cr8,%eax */
	assert_int_equal(si.cr, 8);
	si = decode_ok(B("\xf0\x0f\x22\xc0"), M16); /* mov %eax,%cr8 */
	assert_int_equal(si.cr, 8);
	si = decode_ok(B("\xf0\x2e\x0f\x22\xc0"), M32); /* LOCK need not be last */
	assert_int_equal(si.cr, 8);
	/* LOCK only makes CR0 into CR8: objdump shows f0 0f 22 d8 as a write to
	 * %cr11, which raises #UD on the CPU; QEMU's TCG ignores the LOCK and
	 * writes CR3. */
	si = decode_ok(B("\xf0\x0f\x22\xd8"), M32);
	assert_int_equal(si.cr, 3);
	/* A REX prefix only counts right before the opcode. */
	si = decode_ok(B("\x44\x64\x0f\x20\xc0"), M64); /* REX.R dropped by FS */
	assert_int_equal(si.cr, 0);
	si = decode_ok(B("\x48\x44\x0f\x20\xc0"), M64); /* the last REX counts */
	assert_int_equal(si.cr, 8);
	si = decode_ok(B("\x41\x0f\x22\xc0"), M64); /* REX.B is the GPR's, not the CR's */
	assert_int_equal(si.cr, 0);
	assert_int_equal(si.gpr, 8);
}

/* 40-4F are INC/DEC outside 64-bit mode, not REX. */
static void test_rex_only_in_64(void **state)
{
	struct sys_insn_info si;

	assert_int_equal(insn_decode_system((const u8 *)"\x40\xf4", 2, M32, &si), -ENOTSUP);
	assert_int_equal(insn_decode_system((const u8 *)"\x44\x0f\x20\xc0", 4, M32, &si), -ENOTSUP);
	assert_int_equal(insn_decode_system((const u8 *)"\x48\xcf", 2, M16, &si), -ENOTSUP);
}

/*
 * PAUSE is F3 90, the last of F2/F3 deciding; with REX.B, 90 is XCHG r8d,eax
 * (Vol 2C "XCHG"; QEMU's TCG agrees, objdump says "rex.B pause").
 */
static void test_pause(void **state)
{
	struct sys_insn_info si;

	assert_int_equal(insn_decode_system((const u8 *)"\x90", 1, M64, &si), -ENOTSUP);
	assert_int_equal(insn_decode_system((const u8 *)"\xf2\x90", 2, M64, &si), -ENOTSUP);
	assert_int_equal(insn_decode_system((const u8 *)"\xf3\xf2\x90", 3, M64, &si), -ENOTSUP);
	assert_int_equal(insn_decode_system((const u8 *)"\xf3\x41\x90", 3, M64, &si), -ENOTSUP);
	assert_int_equal(insn_decode_system((const u8 *)"\xf3\x49\x90", 3, M64, &si), -ENOTSUP);
	si = decode_ok(B("\xf3\x41\x2e\x90"), M64); /* REX dropped by CS: PAUSE again */
	assert_int_equal(si.kind, SYS_INSN_PAUSE);
	assert_int_equal(si.length, 4);
	/* Outside 64-bit mode 41 is INC ECX, so F3 41 90 is no PAUSE either. */
	assert_int_equal(insn_decode_system((const u8 *)"\xf3\x41\x90", 3, M32, &si), -ENOTSUP);
}

static void test_unsupported(void **state)
{
	static const struct {
		enum insn_mode mode;
		const char *bytes;
		const char *what;
	} bad[] = {
		{ M64, "\x0f\x01\xf8", "swapgs" },
		{ M64, "\x0f\x01\xd0", "xgetbv" },
		{ M64, "\x0f\x01\xc2", "vmlaunch" },
		{ M64, "\x0f\x01\xca", "clac" },
		{ M64, "\x0f\x01\xee", "rdpkru" },
		{ M64, "\x0f\x01\xe8", "serialize" },
		{ M64, "\x0f\x01\xfc", "clzero" },
		{ M64, "\xf3\x0f\x01\xfa", "mcommit (not MONITORX)" },
		{ M64, "\x0f\x01\x00", "sgdt (%rax)" },
		{ M64, "\x0f\x01\x08", "sidt (%rax)" },
		{ M64, "\x0f\x01\x10", "lgdt (%rax)" },
		{ M64, "\x0f\x01\x18", "lidt (%rax)" },
		{ M64, "\xf3\x0f\x01\x28", "rstorssp (%rax)" },
		{ M64, "\x0f\x00\xd8", "ltr %ax" },
		{ M64, "\x0f\x0b", "ud2" },
		{ M64, "\x0f\x05", "syscall" },
		{ M64, "\x0f\x34", "sysenter" },
		{ M64, "\x0f\x21\xc0", "mov %db0,%rax" },
		{ M64, "\x0f\x23\xc0", "mov %rax,%db0" },
		{ M64, "\xf3\x0f\xc7\xf8", "rdpid %rax" },
		{ M64, "\xce", "(bad): INTO is invalid in 64-bit mode" },
		{ M64, "\xe4\x60", "in $0x60,%al" },
		{ M64, "\xec", "in (%dx),%al" },
		{ M64, "\x89\x07", "mov %eax,(%rdi)" },
		{ M64, "\xfa", "cli" },
		{ M64, "\x9c", "pushf" },
		{ M32, "\x40\xf4", "inc %eax (then hlt)" },
	};
	struct sys_insn_info si;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (insn_decode_system((const u8 *)bad[i].bytes, 8, bad[i].mode, &si) != -ENOTSUP)
			fail_msg("%s was not -ENOTSUP", bad[i].what);
}

/* The 15-byte limit (Intel SDM Vol 2A, 2.1 "Instruction Format ..."): past
 * it the instruction is invalid however many bytes the caller has. */
static void test_too_long(void **state)
{
	u8 buf[32];
	struct sys_insn_info si;

	/* 14 prefixes + HLT is 15 bytes: valid (objdump gives up after 13). */
	memset(buf, 0x2e, 14);
	buf[14] = 0xf4;
	assert_int_equal(insn_decode_system(buf, 15, M64, &si), 0);
	assert_int_equal(si.kind, SYS_INSN_HLT);
	assert_int_equal(si.length, 15);
	/* 15 prefixes + HLT, 14 prefixes + CPUID: 16 bytes. */
	memset(buf, 0x2e, 15);
	buf[15] = 0xf4;
	assert_int_equal(insn_decode_system(buf, 16, M64, &si), -EINVAL);
	assert_int_equal(insn_decode_system(buf, sizeof(buf), M64, &si), -EINVAL);
	assert_int_equal(insn_decode_system(buf, 15, M64, &si), -EINVAL);
	assert_int_equal(insn_decode_system(buf, 14, M64, &si), -ENODATA);
	memset(buf, 0x66, 14);
	memcpy(buf + 14, "\x0f\xa2", 2);
	assert_int_equal(insn_decode_system(buf, 16, M32, &si), -EINVAL);
	/* 14 prefixes + INT n: the imm8 is byte 16. */
	memcpy(buf + 14, "\xcd\x80", 2);
	assert_int_equal(insn_decode_system(buf, 16, M16, &si), -EINVAL);
	/* 8 prefixes + invlpg 0x1000 (SIB, disp32) is 16 bytes: the limit is
	 * known at the displacement, before the bytes run out... */
	memset(buf, 0x3e, 8);
	memcpy(buf + 8, "\x0f\x01\x3c\x25\x00\x10\x00\x00", 8);
	assert_int_equal(insn_decode_system(buf, 16, M64, &si), -EINVAL);
	assert_int_equal(insn_decode_system(buf, 12, M64, &si), -EINVAL);
	/* ...but not before it. */
	assert_int_equal(insn_decode_system(buf, 11, M64, &si), -ENODATA);
	/* Nothing but prefixes. */
	memset(buf, 0xf0, sizeof(buf));
	assert_int_equal(insn_decode_system(buf, sizeof(buf), M32, &si), -EINVAL);
	assert_int_equal(insn_decode_system(buf, 0, M32, &si), -ENODATA);
}

static void test_bad_mode(void **state)
{
	const u8 hlt = 0xf4;
	struct sys_insn_info si;

	assert_int_equal(insn_decode_system(&hlt, 1, (enum insn_mode)0, &si), -EINVAL);
	assert_int_equal(insn_decode_system(&hlt, 1, (enum insn_mode)8, &si), -EINVAL);
}

/* On failure *out holds nothing from the partial decode. */
static void test_failure_clears_out(void **state)
{
	struct sys_insn_info si;

	memset(&si, 0xAA, sizeof(si));
	assert_int_equal(insn_decode_system((const u8 *)"\x0f\x01\x3c", 3, M64, &si), -ENODATA);
	assert_int_equal(si.kind, SYS_INSN_UNKNOWN);
	assert_int_equal(si.length, 0);
	assert_false(si.mem_operand);
	memset(&si, 0xAA, sizeof(si));
	assert_int_equal(insn_decode_system((const u8 *)"\x0f\x0b", 2, M64, &si), -ENOTSUP);
	assert_int_equal(si.kind, SYS_INSN_UNKNOWN);
	assert_int_equal(si.cr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_encodings),
		cmocka_unit_test(test_every_kind_covered),
		cmocka_unit_test(test_trailing_bytes_ignored),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_cr8),
		cmocka_unit_test(test_rex_only_in_64),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_bad_mode),
		cmocka_unit_test(test_failure_clears_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
