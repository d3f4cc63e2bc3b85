// sources: hv/insn_decode.c
/*
 * hv/insn_decode.c: known MOV encodings in every code size, prefixes, ModRM /
 * SIB / displacement lengths, the errors, and the register arithmetic of
 * insn_apply_load / insn_store_value. Every expected length was checked
 * against objdump -D -b binary (-m i386:x86-64, -m i386, -m i386 -M
 * data16,addr16) on the same bytes.
 */
#include "helpers.h"

#include "errno.h"
#include "hv/insn_decode.h"

#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSP 4
#define R8 8
#define R15 15

struct good_case {
	enum insn_mode mode;
	const char *bytes; /* string literal of raw bytes */
	u8 avail;
	const char *what;  /* objdump's rendering */
	u8 length, size, reg_size, reg;
	bool is_write, high_byte, has_imm, rip_relative;
	enum insn_ext ext;
	enum insn_seg seg;
	u64 imm, moffs;
};

#define M64 INSN_MODE_64
#define M32 INSN_MODE_32
#define M16 INSN_MODE_16
#define B(s) s, sizeof(s) - 1
#define NOSEG .seg = INSN_SEG_NONE

static const struct good_case good[] = {
	/* 64-bit mode: 88/89/8A/8B */
	{ M64, B("\x8b\x07"), "mov (%rdi),%eax", 2, 4, 4, RAX, NOSEG },
	{ M64, B("\x89\x06"), "mov %eax,(%rsi)", 2, 4, 4, RAX, .is_write = true, NOSEG },
	{ M64, B("\x48\x89\x47\x08"), "mov %rax,0x8(%rdi)", 4, 8, 8, RAX, .is_write = true, NOSEG },
	{ M64, B("\x44\x8b\x80\x00\x03\x00\x00"), "mov 0x300(%rax),%r8d", 7, 4, 4, R8, NOSEG },
	{ M64, B("\x88\x26"), "mov %ah,(%rsi)", 2, 1, 1, RAX, .is_write = true,
	  .high_byte = true, NOSEG },
	{ M64, B("\x40\x88\x26"), "mov %spl,(%rsi)", 3, 1, 1, RSP, .is_write = true, NOSEG },
	{ M64, B("\x8a\x67\x01"), "mov 0x1(%rdi),%ah", 3, 1, 1, RAX, .high_byte = true, NOSEG },
	{ M64, B("\x40\x8a\x67\x01"), "mov 0x1(%rdi),%spl", 4, 1, 1, RSP, NOSEG },
	{ M64, B("\x45\x8b\x3c\x24"), "mov (%r12),%r15d", 4, 4, 4, R15, NOSEG },
	{ M64, B("\x8b\x84\x88\x00\x10\x00\x00"), "mov 0x1000(%rax,%rcx,4),%eax", 7, 4, 4, RAX, NOSEG },
	{ M64, B("\x8b\x44\x24\x08"), "mov 0x8(%rsp),%eax", 4, 4, 4, RAX, NOSEG },
	{ M64, B("\x8b\x45\x00"), "mov 0x0(%rbp),%eax", 3, 4, 4, RAX, NOSEG },
	{ M64, B("\x41\x8b\x45\x00"), "mov 0x0(%r13),%eax", 4, 4, 4, RAX, NOSEG },
	{ M64, B("\x8b\x05\x78\x56\x34\x12"), "mov 0x12345678(%rip),%eax", 6, 4, 4, RAX,
	  .rip_relative = true, NOSEG },
	{ M64, B("\x67\x8b\x05\x78\x56\x34\x12"), "mov 0x12345678(%eip),%eax", 7, 4, 4, RAX,
	  .rip_relative = true, NOSEG },
	{ M64, B("\x4c\x8b\x05\xf0\xff\xff\xff"), "mov -0x10(%rip),%r8", 7, 8, 8, R8,
	  .rip_relative = true, NOSEG },
	/* prefixes */
	{ M64, B("\x64\x8b\x04\x25\x28\x00\x00\x00"), "mov %fs:0x28,%eax", 8, 4, 4, RAX,
	  .seg = INSN_SEG_FS },
	{ M64, B("\x65\x2e\x89\x07"), "gs mov %eax,%gs:(%rdi) (CS ignored in 64-bit mode)", 4, 4,
	  4, RAX, .is_write = true, .seg = INSN_SEG_GS },
	{ M64, B("\x2e\x89\x07"), "cs mov %eax,(%rdi)", 3, 4, 4, RAX, .is_write = true, NOSEG },
	{ M64, B("\x64\x65\x89\x07"), "fs mov %eax,%gs:(%rdi)", 4, 4, 4, RAX, .is_write = true,
	  .seg = INSN_SEG_GS },
	{ M64, B("\xf0\x89\x07"), "lock mov %eax,(%rdi)", 3, 4, 4, RAX, .is_write = true, NOSEG },
	{ M64, B("\x48\x66\x89\x07"), "rex.W (ignored) mov %ax,(%rdi)", 4, 2, 2, RAX,
	  .is_write = true, NOSEG },
	{ M64, B("\x66\x48\x89\x07"), "data16 mov %rax,(%rdi) (REX.W wins)", 4, 8, 8, RAX,
	  .is_write = true, NOSEG },
	{ M64, B("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x07"),
	  "13 x data16, mov %ax,(%rdi): exactly 15 bytes", 15, 2, 2, RAX, .is_write = true, NOSEG },
	/* C6/C7 immediates */
	{ M64, B("\xc7\x04\x25\xb0\x00\xe0\xfe\x00\x00\x00\x00"), "movl $0x0,0xfffffffffee000b0",
	  11, 4, 4, 0, .is_write = true, .has_imm = true, NOSEG },
	{ M64, B("\x48\xc7\x00\xff\xff\xff\xff"), "movq $0xffffffffffffffff,(%rax)", 7, 8, 8, 0,
	  .is_write = true, .has_imm = true, .imm = ~0ULL, NOSEG },
	{ M64, B("\x48\xc7\x04\x25\xb0\x00\xe0\xfe\x80\x00\x00\x00"), "movq $0x80,0xfffffffffee000b0",
	  12, 8, 8, 0, .is_write = true, .has_imm = true, .imm = 0x80, NOSEG },
	{ M64, B("\x66\xc7\x00\x34\x12"), "movw $0x1234,(%rax)", 5, 2, 2, 0, .is_write = true,
	  .has_imm = true, .imm = 0x1234, NOSEG },
	{ M64, B("\xc6\x40\x10\x7f"), "movb $0x7f,0x10(%rax)", 4, 1, 1, 0, .is_write = true,
	  .has_imm = true, .imm = 0x7f, NOSEG },
	{ M64, B("\xc7\x05\x00\x01\x00\x00\x00\x00\x00\x80"), "movl $0x80000000,0x100(%rip)",
	  10, 4, 4, 0, .is_write = true, .has_imm = true, .rip_relative = true,
	  .imm = 0x80000000, NOSEG },
	/* MOVZX / MOVSX */
	{ M64, B("\x0f\xb6\x47\x01"), "movzbl 0x1(%rdi),%eax", 4, 1, 4, RAX, .ext = INSN_EXT_ZERO, NOSEG },
	{ M64, B("\x48\x0f\xbf\x0c\x24"), "movswq (%rsp),%rcx", 5, 2, 8, RCX, .ext = INSN_EXT_SIGN, NOSEG },
	{ M64, B("\x66\x0f\xb6\x08"), "movzbw (%rax),%cx", 4, 1, 2, RCX, .ext = INSN_EXT_ZERO, NOSEG },
	{ M64, B("\x0f\xbe\x67\x01"), "movsbl 0x1(%rdi),%esp (no high byte)", 4, 1, 4, RSP,
	  .ext = INSN_EXT_SIGN, NOSEG },
	{ M64, B("\x41\x0f\xb7\x45\x01"), "movzwl 0x1(%r13),%eax", 5, 2, 4, RAX, .ext = INSN_EXT_ZERO, NOSEG },
	/* A0-A3 moffs */
	{ M64, B("\xa1\x88\x77\x66\x55\x44\x33\x22\x11"), "movabs 0x1122334455667788,%eax",
	  9, 4, 4, RAX, .moffs = 0x1122334455667788ULL, NOSEG },
	{ M64, B("\x67\xa3\x44\x33\x22\x11"), "addr32 mov %eax,0x11223344", 6, 4, 4, RAX,
	  .is_write = true, .moffs = 0x11223344, NOSEG },
	{ M64, B("\x48\xa3\x88\x77\x66\x55\x44\x33\x22\x11"), "movabs %rax,0x1122334455667788",
	  10, 8, 8, RAX, .is_write = true, .moffs = 0x1122334455667788ULL, NOSEG },
	{ M64, B("\xa2\x88\x77\x66\x55\x44\x33\x22\x11"), "movabs %al,0x1122334455667788",
	  9, 1, 1, RAX, .is_write = true, .moffs = 0x1122334455667788ULL, NOSEG },
	{ M64, B("\x41\xa0\x00\x00\xe0\xfe\x00\x00\x00\x00"), "movabs 0xfee00000,%al (REX.B ignored)",
	  10, 1, 1, RAX, .moffs = 0xfee00000, NOSEG },

	/* 32-bit mode */
	{ M32, B("\x8b\x07"), "mov (%edi),%eax", 2, 4, 4, RAX, NOSEG },
	{ M32, B("\xa1\x00\x00\xe0\xfe"), "mov 0xfee00000,%eax", 5, 4, 4, RAX, .moffs = 0xfee00000, NOSEG },
	{ M32, B("\x67\xa1\x34\x12"), "addr16 mov 0x1234,%eax", 4, 4, 4, RAX, .moffs = 0x1234, NOSEG },
	{ M32, B("\x8b\x05\x00\x00\xe0\xfe"), "mov 0xfee00000,%eax (not RIP-relative)", 6, 4, 4, RAX, NOSEG },
	{ M32, B("\x67\x8b\x46\x02"), "mov 0x2(%bp),%eax", 4, 4, 4, RAX, NOSEG },
	{ M32, B("\x67\x8b\x06\x34\x12"), "mov 0x1234,%eax (16-bit disp16)", 5, 4, 4, RAX, NOSEG },
	{ M32, B("\x66\x89\x07"), "mov %ax,(%edi)", 3, 2, 2, RAX, .is_write = true, NOSEG },
	{ M32, B("\xc7\x05\xb0\x00\xe0\xfe\x00\x00\x00\x00"), "movl $0x0,0xfee000b0", 10, 4, 4, 0,
	  .is_write = true, .has_imm = true, NOSEG },
	{ M32, B("\x88\x20"), "mov %ah,(%eax)", 2, 1, 1, RAX, .is_write = true, .high_byte = true, NOSEG },
	{ M32, B("\x8b\x4c\x24\x04"), "mov 0x4(%esp),%ecx", 4, 4, 4, RCX, NOSEG },
	{ M32, B("\x0f\xbf\x48\x04"), "movswl 0x4(%eax),%ecx", 4, 2, 4, RCX, .ext = INSN_EXT_SIGN, NOSEG },
	{ M32, B("\x26\x8b\x07"), "mov %es:(%edi),%eax", 3, 4, 4, RAX, .seg = INSN_SEG_ES },
	{ M32, B("\x65\x2e\x89\x07"), "gs mov %eax,%cs:(%edi) (last override wins)", 4, 4, 4, RAX,
	  .is_write = true, .seg = INSN_SEG_CS },

	/* 16-bit mode */
	{ M16, B("\x8b\x07"), "mov (%bx),%ax", 2, 2, 2, RAX, NOSEG },
	{ M16, B("\x66\x8b\x07"), "mov (%bx),%eax", 3, 4, 4, RAX, NOSEG },
	{ M16, B("\x8b\x46\xfe"), "mov -0x2(%bp),%ax", 3, 2, 2, RAX, NOSEG },
	{ M16, B("\x8b\x0e\x34\x12"), "mov 0x1234,%cx", 4, 2, 2, RCX, NOSEG },
	{ M16, B("\x8b\x87\x34\x12"), "mov 0x1234(%bx),%ax", 4, 2, 2, RAX, NOSEG },
	{ M16, B("\x67\x8b\x04\x24"), "mov (%esp),%ax", 4, 2, 2, RAX, NOSEG },
	{ M16, B("\xa1\x34\x12"), "mov 0x1234,%ax", 3, 2, 2, RAX, .moffs = 0x1234, NOSEG },
	{ M16, B("\xc7\x06\x34\x12\x78\x56"), "movw $0x5678,0x1234", 6, 2, 2, 0, .is_write = true,
	  .has_imm = true, .imm = 0x5678, NOSEG },
	{ M16, B("\x66\xc7\x06\x34\x12\x78\x56\x34\x12"), "movl $0x12345678,0x1234", 9, 4, 4, 0,
	  .is_write = true, .has_imm = true, .imm = 0x12345678, NOSEG },
	{ M16, B("\x8a\x26\x34\x12"), "mov 0x1234,%ah", 4, 1, 1, RAX, .high_byte = true, NOSEG },
	{ M16, B("\x0f\xb6\x07"), "movzbw (%bx),%ax", 3, 1, 2, RAX, .ext = INSN_EXT_ZERO, NOSEG },
	{ M16, B("\x36\x89\x1e\x00\x80"), "mov %bx,%ss:0x8000", 5, 2, 2, RBX, .is_write = true,
	  .seg = INSN_SEG_SS },
};

static void check_good(const struct good_case *g)
{
	struct insn in;
	int err = insn_decode((const u8 *)g->bytes, g->avail, g->mode, &in);

	if (err)
		fail_msg("%s: returned %d", g->what, err);
	if (in.length != g->length || in.size != g->size || in.reg_size != g->reg_size ||
	    in.reg != g->reg)
		fail_msg("%s: length %u size %u reg_size %u reg %u, expected %u %u %u %u", g->what,
			 in.length, in.size, in.reg_size, in.reg, g->length, g->size, g->reg_size,
			 g->reg);
	if (in.is_write != g->is_write || in.high_byte != g->high_byte ||
	    in.has_imm != g->has_imm || in.rip_relative != g->rip_relative)
		fail_msg("%s: write %d high %d imm %d rip %d", g->what, in.is_write, in.high_byte,
			 in.has_imm, in.rip_relative);
	if (in.ext != g->ext || in.seg != g->seg || in.imm != g->imm || in.moffs != g->moffs)
		fail_msg("%s: ext %d seg %d imm %#llx moffs %#llx", g->what, in.ext, in.seg,
			 in.imm, in.moffs);
	assert_int_equal(in.mode, g->mode);
}

static void test_known_encodings(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		check_good(&good[i]);
}

/* Trailing bytes after the instruction do not change the decode. */
static void test_trailing_bytes_ignored(void **state)
{
	u8 buf[32];
	struct insn in;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		memset(buf, 0x90, sizeof(buf));
		memcpy(buf, good[i].bytes, good[i].avail);
		assert_int_equal(insn_decode(buf, sizeof(buf), good[i].mode, &in), 0);
		assert_int_equal(in.length, good[i].length);
	}
}

/* Every proper prefix of a valid instruction is -ENODATA. */
static void test_truncated(void **state)
{
	struct insn in;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		for (u8 n = 0; n < good[i].length; n++)
			if (insn_decode((const u8 *)good[i].bytes, n, good[i].mode, &in) != -ENODATA)
				fail_msg("%s: %u of %u bytes not -ENODATA", good[i].what, n,
					 good[i].length);
}

static void test_mode_32_rex_is_inc_dec(void **state)
{
	struct insn in;

	assert_int_equal(insn_decode((const u8 *)"\x48\x89\x07", 3, M32, &in), -ENOTSUP);
	assert_int_equal(insn_decode((const u8 *)"\x40\x8b\x07", 3, M32, &in), -ENOTSUP);
	assert_int_equal(insn_decode((const u8 *)"\x48\x89\x07", 3, M16, &in), -ENOTSUP);
}

static void test_register_operand_is_einval(void **state)
{
	static const char *const regs[] = {
		"\x89\xc0",         /* mov %eax,%eax */
		"\x8a\xe0",         /* mov %al,%ah */
		"\xc7\xc0\x01\x00\x00\x00", /* mov $1,%eax */
		"\xc6\xc0\x01",     /* mov $1,%al */
		"\x0f\xb6\xc1",     /* movzbl %cl,%eax */
		"\x48\x0f\xbf\xc1", /* movswq %cx,%rax */
	};
	struct insn in;

	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		assert_int_equal(insn_decode((const u8 *)regs[i], 8, M64, &in), -EINVAL);
}

static void test_unsupported(void **state)
{
	static const char *const bad[] = {
		"\x01\x07",         /* add %eax,(%rdi) */
		"\xf3\x89\x07",     /* rep mov */
		"\xf2\x8b\x07",     /* repne mov */
		"\x66\xf3\xa5",     /* rep movsw */
		"\xc7\x48\x00\x00\x00\x00\x00", /* C7 /1 is not MOV */
		"\xc6\xf8\x00",     /* xabort */
		"\x0f\x0b",         /* ud2 */
		"\x0f\xc3\x07",     /* movnti */
		"\x8c\x07",         /* mov %es,(%rdi) */
		"\xa4",             /* movsb */
		"\x0f",             /* escape, then ends: -ENODATA below, not here */
	};
	struct insn in;

	for (size_t i = 0; i + 1 < ARRAY_SIZE(bad); i++)
		if (insn_decode((const u8 *)bad[i], 8, M64, &in) != -ENOTSUP)
			fail_msg("case %zu was not -ENOTSUP", i);
	assert_int_equal(insn_decode((const u8 *)bad[ARRAY_SIZE(bad) - 1], 1, M64, &in), -ENODATA);
	assert_int_equal(insn_decode((const u8 *)"\x8b\x07", 2, (enum insn_mode)0, &in), -EINVAL);
}

/* 14 prefixes + 2 bytes is 16 bytes: invalid, even with ample bytes. A
 * 13-prefix MOV with a disp32 would need 19 bytes. */
static void test_too_long(void **state)
{
	u8 buf[32];
	struct insn in;

	memset(buf, 0x2e, 14);
	buf[14] = 0x89;
	buf[15] = 0x07;
	assert_int_equal(insn_decode(buf, 16, M64, &in), -EINVAL);
	assert_int_equal(insn_decode(buf, sizeof(buf), M64, &in), -EINVAL);
	memset(buf, 0x66, 13);
	memcpy(buf + 13, "\x8b\x80\x00\x10\x00\x00", 6);
	assert_int_equal(insn_decode(buf, 19, M64, &in), -EINVAL);
	assert_int_equal(insn_decode(buf, 15, M64, &in), -EINVAL);
	assert_int_equal(insn_decode(buf, 14, M64, &in), -ENODATA);
	memset(buf, 0x2e, sizeof(buf)); /* nothing but prefixes */
	assert_int_equal(insn_decode(buf, sizeof(buf), M64, &in), -EINVAL);
	assert_int_equal(insn_decode(buf, 0, M64, &in), -ENODATA);
}

/* A REX prefix only counts right before the opcode; the last one wins. */
static void test_rex_placement(void **state)
{
	struct insn in;

	assert_int_equal(insn_decode((const u8 *)"\x4c\x64\x8b\x07", 4, M64, &in), 0);
	assert_int_equal(in.reg, RAX); /* REX.R dropped by the following FS */
	assert_int_equal(in.size, 4);
	assert_int_equal(insn_decode((const u8 *)"\x48\x44\x8b\x07", 4, M64, &in), 0);
	assert_int_equal(in.reg, R8); /* 44 (REX.R) is the one before the opcode */
	assert_int_equal(in.size, 4);
	assert_int_equal(insn_decode((const u8 *)"\x48\x88\x26", 3, M64, &in), 0);
	assert_false(in.high_byte); /* any REX: SPL, not AH */
	assert_int_equal(in.reg, RSP);
}

static struct insn decode_ok(const char *bytes, size_t n, enum insn_mode mode)
{
	struct insn in;

	assert_int_equal(insn_decode((const u8 *)bytes, n, mode, &in), 0);
	return in;
}

static void test_apply_load_sizes(void **state)
{
	const u64 old = 0x1122334455667788ULL;
	struct insn in;

	in = decode_ok(B("\x8b\x07"), M64); /* 32-bit load zero-extends in 64-bit mode */
	assert_int_equal(insn_apply_load(&in, old, 0xFFFFFFFFDEADBEEFULL), 0xDEADBEEFULL);
	in = decode_ok(B("\x8b\x07"), M32); /* ... and keeps bits 63:32 elsewhere */
	assert_int_equal(insn_apply_load(&in, old, 0xDEADBEEF), 0x11223344DEADBEEFULL);
	in = decode_ok(B("\x48\x8b\x07"), M64);
	assert_int_equal(insn_apply_load(&in, old, 0xCAFEBABE12345678ULL), 0xCAFEBABE12345678ULL);
	in = decode_ok(B("\x66\x8b\x07"), M64);
	assert_int_equal(insn_apply_load(&in, old, 0xABCDEF), 0x112233445566CDEFULL);
	in = decode_ok(B("\x8a\x07"), M64); /* mov (%rdi),%al */
	assert_int_equal(insn_apply_load(&in, old, 0x1FF), 0x11223344556677FFULL);
	in = decode_ok(B("\x8a\x27"), M64); /* mov (%rdi),%ah */
	assert_int_equal(insn_apply_load(&in, old, 0xA5), 0x112233445566A588ULL);
	in = decode_ok(B("\xa0\x00\x00\x00\x00\x00\x00\x00\x00"), M64); /* AL, moffs */
	assert_int_equal(insn_apply_load(&in, old, 0x42), 0x1122334455667742ULL);
}

static void test_apply_load_extension(void **state)
{
	const u64 old = 0x1122334455667788ULL;
	struct insn in;

	in = decode_ok(B("\x0f\xb6\x07"), M64); /* movzbl: zero-extend to 64 */
	assert_int_equal(insn_apply_load(&in, old, 0x80), 0x80);
	in = decode_ok(B("\x0f\xbe\x07"), M64); /* movsbl: sign to 32, zero to 64 */
	assert_int_equal(insn_apply_load(&in, old, 0x80), 0xFFFFFF80ULL);
	in = decode_ok(B("\x48\x0f\xbe\x07"), M64); /* movsbq */
	assert_int_equal(insn_apply_load(&in, old, 0x80), 0xFFFFFFFFFFFFFF80ULL);
	in = decode_ok(B("\x48\x0f\xbf\x07"), M64); /* movswq, positive */
	assert_int_equal(insn_apply_load(&in, old, 0x7FFF), 0x7FFF);
	in = decode_ok(B("\x66\x0f\xbe\x07"), M64); /* movsbw: only 16 bits change */
	assert_int_equal(insn_apply_load(&in, old, 0xFE), 0x112233445566FFFEULL);
	in = decode_ok(B("\x0f\xb7\x07"), M32); /* movzwl in 32-bit mode */
	assert_int_equal(insn_apply_load(&in, old, 0x12348765), 0x1122334400008765ULL);
}

static void test_store_value(void **state)
{
	u64 regs[16];
	struct insn in;

	for (int i = 0; i < 16; i++)
		regs[i] = 0x0101010101010101ULL * (u64)(i + 1) + 0x8070605040302000ULL;
	in = decode_ok(B("\x89\x07"), M64); /* eax */
	assert_int_equal(insn_store_value(&in, regs), (u32)regs[RAX]);
	in = decode_ok(B("\x4c\x89\x3f"), M64); /* r15 */
	assert_int_equal(insn_store_value(&in, regs), regs[R15]);
	in = decode_ok(B("\x88\x3f"), M64); /* bh */
	assert_int_equal(insn_store_value(&in, regs), (regs[RBX] >> 8) & 0xFF);
	in = decode_ok(B("\x40\x88\x3f"), M64); /* dil */
	assert_int_equal(insn_store_value(&in, regs), regs[7] & 0xFF);
	in = decode_ok(B("\x66\x89\x17"), M64); /* dx */
	assert_int_equal(insn_store_value(&in, regs), regs[RDX] & 0xFFFF);
	in = decode_ok(B("\x48\xc7\x07\x00\x00\x00\x80"), M64); /* imm32 sign-extended */
	assert_int_equal(insn_store_value(&in, regs), 0xFFFFFFFF80000000ULL);
	in = decode_ok(B("\xc7\x07\x00\x00\x00\x80"), M64);
	assert_int_equal(insn_store_value(&in, regs), 0x80000000ULL);
	in = decode_ok(B("\xc6\x07\xff"), M64);
	assert_int_equal(insn_store_value(&in, regs), 0xFF);
	in = decode_ok(B("\xa3\x00\x00\x00\x00\x00\x00\x00\x00"), M64); /* moffs <- eax */
	assert_int_equal(insn_store_value(&in, regs), (u32)regs[RAX]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_encodings),
		cmocka_unit_test(test_trailing_bytes_ignored),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_mode_32_rex_is_inc_dec),
		cmocka_unit_test(test_register_operand_is_einval),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_rex_placement),
		cmocka_unit_test(test_apply_load_sizes),
		cmocka_unit_test(test_apply_load_extension),
		cmocka_unit_test(test_store_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
