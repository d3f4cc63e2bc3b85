/*
 * Decoder for the MOV forms a guest uses on MMIO, and for the system
 * instructions behind intercept exits (see insn_decode.h).
 * Intel SDM Vol 2A: 2.1 "Instruction Format for Protected Mode, Real-Address
 * Mode, and Virtual-8086 Mode" (prefixes, opcode, ModR/M, SIB, displacement,
 * immediate), 2.2.1 "REX Prefixes", Table 2-1 "16-Bit Addressing Forms with
 * the ModR/M Byte", Table 2-2 "32-Bit Addressing Forms with the ModR/M Byte"
 * and Table 2-3 "32-Bit Addressing Forms with the SIB Byte".
 */
#include "hv/insn_decode.h"

#include "compiler.h"
#include "errno.h"

/* 2.1.1 "Instruction Prefixes" */
#define PFX_OPSIZE 0x66
#define PFX_ADDRSIZE 0x67
#define PFX_ES 0x26
#define PFX_CS 0x2E
#define PFX_SS 0x36
#define PFX_DS 0x3E
#define PFX_FS 0x64
#define PFX_GS 0x65
#define PFX_LOCK 0xF0
#define PFX_REPNE 0xF2
#define PFX_REP 0xF3

/* 2.2.1 "REX Prefixes": 0100WRXB, 64-bit mode only */
#define REX_MASK 0xF0
#define REX_BASE 0x40
#define REX_W 0x08 /* 64-bit operand size */
#define REX_R 0x04 /* extends ModRM.reg */
#define REX_B 0x01 /* extends ModRM.rm */

/* Supported opcodes (Vol 2B "MOV", "MOVZX", "MOVSX") */
#define OP_ESCAPE 0x0F
#define OP_MOV_STORE8 0x88  /* MOV r/m8, r8 */
#define OP_MOV_STORE 0x89   /* MOV r/m16/32/64, r */
#define OP_MOV_LOAD8 0x8A   /* MOV r8, r/m8 */
#define OP_MOV_LOAD 0x8B    /* MOV r, r/m16/32/64 */
#define OP_MOV_MOFFS_LOAD8 0xA0  /* MOV AL, moffs8 */
#define OP_MOV_MOFFS_LOAD 0xA1   /* MOV rAX, moffs */
#define OP_MOV_MOFFS_STORE8 0xA2 /* MOV moffs8, AL */
#define OP_MOV_MOFFS_STORE 0xA3  /* MOV moffs, rAX */
#define OP_MOV_IMM8 0xC6    /* MOV r/m8, imm8 (/0) */
#define OP_MOV_IMM 0xC7     /* MOV r/m, imm16/32 (/0) */
#define OP2_MOVZX8 0xB6     /* 0F B6: MOVZX r, r/m8 */
#define OP2_MOVZX16 0xB7    /* 0F B7: MOVZX r, r/m16 */
#define OP2_MOVSX8 0xBE     /* 0F BE: MOVSX r, r/m8 */
#define OP2_MOVSX16 0xBF    /* 0F BF: MOVSX r, r/m16 */

/* 2.1.5 "Addressing-Mode Encoding of ModR/M and SIB Bytes" */
#define MODRM_MOD(m) ((m) >> 6)
#define MODRM_REG(m) (((m) >> 3) & 7)
#define MODRM_RM(m) ((m) & 7)
#define MOD_NO_DISP 0     /* mod=00: no displacement (but see below) */
#define MOD_DISP8 1       /* mod=01: disp8 */
#define MOD_DISP_FULL 2   /* mod=10: disp16 or disp32 */
#define MOD_REGISTER 3    /* mod=11: register operand, no memory */
#define RM16_DISP16 6     /* Table 2-1: mod=00 r/m=110 is [disp16] */
#define RM32_SIB 4        /* Table 2-2: r/m=100 means a SIB byte follows */
#define RM32_DISP32 5     /* Table 2-2: mod=00 r/m=101 is [disp32] / [RIP+disp32] */
#define SIB_BASE(s) ((s) & 7)
#define SIB_BASE_NONE 5   /* Table 2-3: base=101 with mod=00 is disp32, no base */
#define HIGH_BYTE_REG_FIRST 4 /* r8 encodings 4-7 are AH,CH,DH,BH without REX */

struct cursor {
	const u8 *bytes;
	size_t avail; /* at most INSN_MAX_LEN */
	size_t pos;
};

struct prefixes {
	bool opsize;
	bool addrsize;
	bool lock;
	u8 rep; /* the last of F2/F3, 0 if neither */
	u8 rex; /* 0 when absent or not immediately before the opcode */
	enum insn_seg seg;
};

/* Checks that n more bytes exist: past 15 the instruction is invalid no
 * matter how many bytes the caller has, past avail we need more bytes. */
static int need(const struct cursor *c, size_t n)
{
	if (c->pos + n > INSN_MAX_LEN)
		return -EINVAL;
	if (c->pos + n > c->avail)
		return -ENODATA;
	return 0;
}

/* Consumes n (0..8) bytes as a little-endian value. */
static int take(struct cursor *c, size_t n, u64 *val)
{
	int err = need(c, n);
	u64 v = 0;

	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		v |= (u64)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*val = v;
	return 0;
}

/* Consumes n bytes whose value is not needed: displacements (the exit
 * already gives the guest-physical address). */
static int skip(struct cursor *c, size_t n)
{
	int err = need(c, n);

	if (!err)
		c->pos += n;
	return err;
}

static int take_byte(struct cursor *c, u8 *byte)
{
	u64 v = 0;
	int err = take(c, 1, &v);

	*byte = (u8)v;
	return err;
}

/* 2.1.1: in 64-bit mode the ES, CS, SS and DS overrides are ignored. */
static void segment_prefix(enum insn_seg seg, enum insn_mode mode, struct prefixes *p)
{
	if (mode != INSN_MODE_64 || seg == INSN_SEG_FS || seg == INSN_SEG_GS)
		p->seg = seg;
}

/* Applies one legacy prefix byte; returns false if b is not one. */
static bool legacy_prefix(u8 b, enum insn_mode mode, struct prefixes *p)
{
	switch (b) {
	case PFX_OPSIZE: p->opsize = true; break;
	case PFX_ADDRSIZE: p->addrsize = true; break;
	case PFX_ES: segment_prefix(INSN_SEG_ES, mode, p); break;
	case PFX_CS: segment_prefix(INSN_SEG_CS, mode, p); break;
	case PFX_SS: segment_prefix(INSN_SEG_SS, mode, p); break;
	case PFX_DS: segment_prefix(INSN_SEG_DS, mode, p); break;
	case PFX_FS: segment_prefix(INSN_SEG_FS, mode, p); break;
	case PFX_GS: segment_prefix(INSN_SEG_GS, mode, p); break;
	case PFX_LOCK: p->lock = true; break;
	case PFX_REP:
	case PFX_REPNE: p->rep = b; break;
	default: return false;
	}
	return true;
}

/*
 * Consumes the prefixes, leaving the cursor on the opcode. A REX prefix only
 * counts when it immediately precedes the opcode (2.2.1): one followed by a
 * legacy prefix is ignored, as the CPU does. Of several segment overrides
 * the last one counts (what the CPU does; the SDM leaves it undefined), and
 * likewise of F2 and F3. Without rep_ok an F2 or F3 is -ENOTSUP at once.
 */
static int parse_prefixes(struct cursor *c, enum insn_mode mode, bool rep_ok,
			  struct prefixes *p)
{
	for (;;) {
		int err = need(c, 1);
		u8 b;

		if (err)
			return err;
		b = c->bytes[c->pos];
		if (!rep_ok && (b == PFX_REP || b == PFX_REPNE))
			return -ENOTSUP;
		if (mode == INSN_MODE_64 && (b & REX_MASK) == REX_BASE) {
			p->rex = b;
		} else if (legacy_prefix(b, mode, p)) {
			p->rex = 0;
		} else {
			return 0;
		}
		c->pos++;
	}
}

/* 2.2.1 / 3.6 "Operand-size and Address-size Attributes": REX.W beats 66. */
static u8 operand_size(const struct prefixes *p, enum insn_mode mode)
{
	if (p->rex & REX_W)
		return 8;
	if (mode == INSN_MODE_16)
		return p->opsize ? 4 : 2;
	return p->opsize ? 2 : 4;
}

static u8 address_size(const struct prefixes *p, enum insn_mode mode)
{
	switch (mode) {
	case INSN_MODE_64: return p->addrsize ? 4 : 8;
	case INSN_MODE_32: return p->addrsize ? 2 : 4;
	default: return p->addrsize ? 4 : 2;
	}
}

/* Table 2-1: 16-bit addressing has no SIB; only the displacement varies. */
static size_t disp16_len(u8 mod, u8 rm)
{
	if (mod == MOD_DISP8)
		return 1;
	if (mod == MOD_DISP_FULL || rm == RM16_DISP16)
		return 2;
	return 0;
}

/* Tables 2-2 and 2-3: SIB byte and displacement of 32/64-bit addressing. */
static int skip_addr32(struct cursor *c, u8 mod, u8 rm, enum insn_mode mode,
		       bool *rip_relative)
{
	size_t disp = mod == MOD_DISP8 ? 1 : mod == MOD_DISP_FULL ? 4 : 0;
	u8 sib;
	int err;

	if (rm == RM32_SIB) {
		err = take_byte(c, &sib);
		if (err)
			return err;
		if (mod == MOD_NO_DISP && SIB_BASE(sib) == SIB_BASE_NONE)
			disp = 4;
	} else if (mod == MOD_NO_DISP && rm == RM32_DISP32) {
		disp = 4;
		/* 2.2.1.6 "RIP-Relative Addressing" (also with 67: EIP-relative) */
		*rip_relative = mode == INSN_MODE_64;
	}
	return skip(c, disp);
}

/* Consumes the SIB byte and displacement that follow the ModR/M byte modrm
 * (already consumed) of a memory operand (mod != 3). */
static int skip_mem_operand(struct cursor *c, u8 modrm, u8 addr_size, enum insn_mode mode,
			    bool *rip_relative)
{
	u8 mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm);

	if (addr_size == 2)
		return skip(c, disp16_len(mod, rm));
	return skip_addr32(c, mod, rm, mode, rip_relative);
}

/*
 * Consumes the ModR/M byte and the memory operand's SIB and displacement.
 * Sets out->reg from ModRM.reg (+REX.R); a byte register without REX may be
 * a legacy high-byte register. A register operand (mod=3) is no memory
 * access: -EINVAL.
 */
static int parse_modrm(struct cursor *c, const struct prefixes *p, bool byte_reg,
		       struct insn *out)
{
	u8 modrm;
	int err = take_byte(c, &modrm);

	if (err)
		return err;
	out->reg = MODRM_REG(modrm) | ((p->rex & REX_R) ? 8 : 0);
	if (byte_reg && !p->rex && out->reg >= HIGH_BYTE_REG_FIRST) {
		out->reg -= HIGH_BYTE_REG_FIRST;
		out->high_byte = true;
	}
	if (MODRM_MOD(modrm) == MOD_REGISTER)
		return -EINVAL;
	return skip_mem_operand(c, modrm, out->addr_size, out->mode, &out->rip_relative);
}

/* 88/89 (store) and 8A/8B (load): register <-> r/m of the same size. */
static int decode_mov_modrm(struct cursor *c, const struct prefixes *p, u8 op,
			    struct insn *out)
{
	bool byte_op = op == OP_MOV_STORE8 || op == OP_MOV_LOAD8;

	out->size = byte_op ? 1 : operand_size(p, out->mode);
	out->reg_size = out->size;
	out->is_write = op == OP_MOV_STORE8 || op == OP_MOV_STORE;
	return parse_modrm(c, p, byte_op, out);
}

/* C6 /0 ib and C7 /0 iw/id: store an immediate; with REX.W the imm32 is
 * sign-extended to 64 bits. Other /digit values are not MOV. */
static int decode_mov_imm(struct cursor *c, const struct prefixes *p, u8 op,
			  struct insn *out)
{
	u64 imm;
	int err;

	err = need(c, 1);
	if (err)
		return err;
	if (MODRM_REG(c->bytes[c->pos]) != 0)
		return -ENOTSUP;
	out->size = op == OP_MOV_IMM8 ? 1 : operand_size(p, out->mode);
	out->reg_size = out->size;
	out->is_write = true;
	out->has_imm = true;
	err = parse_modrm(c, p, false, out);
	if (err)
		return err;
	out->reg = 0;
	err = take(c, out->size == 8 ? 4 : out->size, &imm);
	if (err)
		return err;
	out->imm = out->size == 8 ? (u64)(s64)(s32)(u32)imm : imm;
	return 0;
}

/* A0-A3: AL/rAX <-> an absolute offset as wide as the address size. */
static int decode_mov_moffs(struct cursor *c, const struct prefixes *p, u8 op,
			    struct insn *out)
{
	bool byte_op = op == OP_MOV_MOFFS_LOAD8 || op == OP_MOV_MOFFS_STORE8;

	out->size = byte_op ? 1 : operand_size(p, out->mode);
	out->reg_size = out->size;
	out->is_write = op == OP_MOV_MOFFS_STORE8 || op == OP_MOV_MOFFS_STORE;
	out->reg = 0; /* AL/AX/EAX/RAX; REX.B does not apply */
	return take(c, out->addr_size, &out->moffs);
}

/* 0F B6/B7/BE/BF: load 1 or 2 bytes, zero- or sign-extended into reg. */
static int decode_movx(struct cursor *c, const struct prefixes *p, u8 op2,
		       struct insn *out)
{
	out->size = (op2 == OP2_MOVZX8 || op2 == OP2_MOVSX8) ? 1 : 2;
	out->reg_size = operand_size(p, out->mode);
	out->ext = (op2 == OP2_MOVZX8 || op2 == OP2_MOVZX16) ? INSN_EXT_ZERO : INSN_EXT_SIGN;
	out->is_write = false;
	return parse_modrm(c, p, false, out);
}

static int decode_two_byte(struct cursor *c, const struct prefixes *p, struct insn *out)
{
	int err = take_byte(c, &out->opcode);

	if (err)
		return err;
	out->two_byte = true;
	switch (out->opcode) {
	case OP2_MOVZX8:
	case OP2_MOVZX16:
	case OP2_MOVSX8:
	case OP2_MOVSX16:
		return decode_movx(c, p, out->opcode, out);
	default:
		return -ENOTSUP;
	}
}

static int decode_opcode(struct cursor *c, const struct prefixes *p, struct insn *out)
{
	int err = take_byte(c, &out->opcode);

	if (err)
		return err;
	switch (out->opcode) {
	case OP_ESCAPE:
		return decode_two_byte(c, p, out);
	case OP_MOV_STORE8:
	case OP_MOV_STORE:
	case OP_MOV_LOAD8:
	case OP_MOV_LOAD:
		return decode_mov_modrm(c, p, out->opcode, out);
	case OP_MOV_IMM8:
	case OP_MOV_IMM:
		return decode_mov_imm(c, p, out->opcode, out);
	case OP_MOV_MOFFS_LOAD8:
	case OP_MOV_MOFFS_LOAD:
	case OP_MOV_MOFFS_STORE8:
	case OP_MOV_MOFFS_STORE:
		return decode_mov_moffs(c, p, out->opcode, out);
	default:
		return -ENOTSUP;
	}
}

int insn_decode(const u8 *bytes, size_t avail, enum insn_mode mode, struct insn *out)
{
	struct cursor c = { bytes, MIN(avail, (size_t)INSN_MAX_LEN), 0 };
	struct prefixes p = { .seg = INSN_SEG_NONE };
	int err;

	*out = (struct insn){ .mode = mode, .seg = INSN_SEG_NONE };
	if (mode != INSN_MODE_16 && mode != INSN_MODE_32 && mode != INSN_MODE_64)
		return -EINVAL;
	err = parse_prefixes(&c, mode, false, &p);
	if (err)
		return err;
	out->seg = p.seg;
	out->lock = p.lock;
	out->addr_size = address_size(&p, mode);
	err = decode_opcode(&c, &p, out);
	if (err)
		return err;
	out->length = (u8)c.pos;
	return 0;
}

/* All ones in the low size bytes (size 8 or anything else: all 64 bits). */
static u64 size_mask(u8 size)
{
	return size && size < 8 ? BIT(8 * size) - 1 : ~0ULL;
}

/* value truncated to the access size, then extended as MOVZX/MOVSX do. */
static u64 extend_loaded(const struct insn *insn, u64 value)
{
	u64 v = value & size_mask(insn->size);
	u64 sign = BIT(8 * MIN(insn->size, 8) - 1);

	if (insn->ext == INSN_EXT_SIGN && insn->size && insn->size < 8 && (v & sign))
		v |= ~size_mask(insn->size);
	return v;
}

/*
 * Merges a loaded value into the destination register as the CPU does:
 * 8/16-bit writes keep the other bits (AH..BH are bits 15:8), a 32-bit write
 * zero-extends to 64 bits in 64-bit mode (SDM Vol 1, 3.4.1.1 "General-Purpose
 * Registers in 64-Bit Mode") and keeps bits 63:32 otherwise.
 */
u64 insn_apply_load(const struct insn *insn, u64 old_reg, u64 value)
{
	u64 v = extend_loaded(insn, value);

	switch (insn->reg_size) {
	case 1:
		if (insn->high_byte)
			return (old_reg & ~0xFF00ULL) | ((v & 0xFF) << 8);
		return (old_reg & ~0xFFULL) | (v & 0xFF);
	case 2:
		return (old_reg & ~0xFFFFULL) | (v & 0xFFFF);
	case 4:
		if (insn->mode == INSN_MODE_64)
			return v & 0xFFFFFFFFULL;
		return (old_reg & ~0xFFFFFFFFULL) | (v & 0xFFFFFFFFULL);
	default:
		return v;
	}
}

u64 insn_store_value(const struct insn *insn, const u64 regs[16])
{
	u64 v;

	if (insn->has_imm)
		v = insn->imm;
	else if (insn->high_byte)
		v = regs[insn->reg & 3] >> 8;
	else
		v = regs[insn->reg & 15];
	return v & size_mask(insn->size);
}

/* --- system instructions behind intercept exits ---------------------------- */

/* One-byte opcodes (Vol 2A "HLT", "INT n/INTO/INT3/INT1", "IRET/IRETD/IRETQ";
 * Vol 2B "PAUSE") */
#define OP_NOP 0x90         /* with F3: PAUSE */
#define OP_INT3 0xCC
#define OP_INTN 0xCD        /* CD ib */
#define OP_INTO 0xCE        /* invalid in 64-bit mode */
#define OP_IRET 0xCF
#define OP_HLT 0xF4

/* Two-byte opcodes, after 0F (Vol 2A "CLTS", "CPUID", "INVD"; Vol 2B
 * "MOV—Move to/from Control Registers", "RDMSR", "RDPMC", "RDTSC"; Vol 2C
 * "WBINVD", "WRMSR") */
#define OP2_GROUP7 0x01     /* 0F 01: ModR/M selects the instruction */
#define OP2_CLTS 0x06
#define OP2_INVD 0x08
#define OP2_WBINVD 0x09
#define OP2_MOV_FROM_CR 0x20 /* 0F 20 /r: MOV r, CRn */
#define OP2_MOV_TO_CR 0x22   /* 0F 22 /r: MOV CRn, r */
#define OP2_WRMSR 0x30
#define OP2_RDTSC 0x31
#define OP2_RDMSR 0x32
#define OP2_RDPMC 0x33
#define OP2_CPUID 0xA2

/* 0F 01 with a memory operand: ModRM.reg selects (Vol 2A "INVLPG", "LMSW";
 * Vol 2B "SMSW"). With mod=3, /4 and /6 are SMSW and LMSW of a register. */
#define G7_REG_SMSW 4
#define G7_REG_LMSW 6
#define G7_REG_INVLPG 7

/* 0F 01 with mod=3 and no register operand: the whole ModR/M byte names the
 * instruction (Vol 2B "MONITOR", "MWAIT", "RDTSCP"; Vol 2C "XSETBV"; Vol 3C
 * "VMCALL" in "VMX Instruction Reference"; AMD APM Vol 3 "VMRUN",
 * "VMMCALL", "VMLOAD", "VMSAVE", "STGI", "CLGI", "SKINIT", "INVLPGA",
 * "MONITORX", "MWAITX") */
#define G7_VMCALL 0xC1
#define G7_MONITOR 0xC8
#define G7_MWAIT 0xC9
#define G7_XSETBV 0xD1
#define G7_VMRUN 0xD8
#define G7_VMMCALL 0xD9
#define G7_VMLOAD 0xDA
#define G7_VMSAVE 0xDB
#define G7_STGI 0xDC
#define G7_CLGI 0xDD
#define G7_SKINIT 0xDE
#define G7_INVLPGA 0xDF
#define G7_RDTSCP 0xF9
#define G7_MONITORX 0xFA    /* F3 0F 01 FA is MCOMMIT (APM Vol 3 "MCOMMIT") */
#define G7_MWAITX 0xFB

/* AMD APM Vol 3 "MOV(CRn)": outside 64-bit mode a LOCK prefix stands in
 * for REX.R to reach CR8, i.e. LOCK MOV CR0 is CR8. With another CR, LOCK
 * is left alone: that would name one of CR9-CR15, which raise #UD (same
 * section), and QEMU's TCG ignores the LOCK there. */
#define CR_HIGH_BIT 8

/* An opcode (or 0F 01 ModR/M byte) that is the whole instruction. */
struct sys_opcode {
	u8 byte;
	enum sys_insn kind;
};

static const struct sys_opcode sys_one_byte[] = {
	{ OP_HLT, SYS_INSN_HLT },
	{ OP_INT3, SYS_INSN_INT3 },
	{ OP_IRET, SYS_INSN_IRET },
};

static const struct sys_opcode sys_two_byte[] = {
	{ OP2_CLTS, SYS_INSN_CLTS },
	{ OP2_INVD, SYS_INSN_INVD },
	{ OP2_WBINVD, SYS_INSN_WBINVD },
	{ OP2_WRMSR, SYS_INSN_WRMSR },
	{ OP2_RDTSC, SYS_INSN_RDTSC },
	{ OP2_RDMSR, SYS_INSN_RDMSR },
	{ OP2_RDPMC, SYS_INSN_RDPMC },
	{ OP2_CPUID, SYS_INSN_CPUID },
};

static const struct sys_opcode sys_group7_reg[] = {
	{ G7_VMCALL, SYS_INSN_VMCALL },
	{ G7_VMMCALL, SYS_INSN_VMCALL },
	{ G7_MONITOR, SYS_INSN_MONITOR },
	{ G7_MONITORX, SYS_INSN_MONITOR },
	{ G7_MWAIT, SYS_INSN_MWAIT },
	{ G7_MWAITX, SYS_INSN_MWAIT },
	{ G7_XSETBV, SYS_INSN_XSETBV },
	{ G7_RDTSCP, SYS_INSN_RDTSCP },
	{ G7_VMRUN, SYS_INSN_SVM },
	{ G7_VMLOAD, SYS_INSN_SVM },
	{ G7_VMSAVE, SYS_INSN_SVM },
	{ G7_STGI, SYS_INSN_SVM },
	{ G7_CLGI, SYS_INSN_SVM },
	{ G7_SKINIT, SYS_INSN_SVM },
	{ G7_INVLPGA, SYS_INSN_SVM },
};

static enum sys_insn sys_lookup(const struct sys_opcode *table, size_t n, u8 byte)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].byte == byte)
			return table[i].kind;
	return SYS_INSN_UNKNOWN;
}

static int sys_found(enum sys_insn kind, struct sys_insn_info *out)
{
	out->kind = kind;
	return kind == SYS_INSN_UNKNOWN ? -ENOTSUP : 0;
}

/*
 * 0F 20 /r and 0F 22 /r: ModRM.reg is the control register and ModRM.rm the
 * general register; the CPU treats every mod as 11b ("MOV—Move to/from
 * Control Registers": "The 2 bits in the mod field are ignored"), so no SIB
 * or displacement follows whatever mod says.
 */
static int decode_mov_cr(struct cursor *c, const struct prefixes *p, enum insn_mode mode,
			 u8 op2, struct sys_insn_info *out)
{
	u8 modrm;
	int err = take_byte(c, &modrm);

	if (err)
		return err;
	out->cr = MODRM_REG(modrm) | ((p->rex & REX_R) ? CR_HIGH_BIT : 0);
	if (p->lock && mode != INSN_MODE_64 && out->cr == 0)
		out->cr = CR_HIGH_BIT;
	out->gpr = MODRM_RM(modrm) | ((p->rex & REX_B) ? 8 : 0);
	return sys_found(op2 == OP2_MOV_TO_CR ? SYS_INSN_MOV_TO_CR : SYS_INSN_MOV_FROM_CR, out);
}

/* 0F 01 /4, /6, /7 with a memory operand: SMSW, LMSW, INVLPG. Its length
 * follows the address size, as for the MOV forms. */
static int decode_group7_mem(struct cursor *c, const struct prefixes *p, enum insn_mode mode,
			     u8 modrm, struct sys_insn_info *out)
{
	bool rip_relative = false;
	enum sys_insn kind;

	switch (MODRM_REG(modrm)) {
	case G7_REG_SMSW: kind = SYS_INSN_SMSW; break;
	case G7_REG_LMSW: kind = SYS_INSN_LMSW; break;
	case G7_REG_INVLPG: kind = SYS_INSN_INVLPG; break;
	default: return -ENOTSUP; /* SGDT, SIDT, LGDT, LIDT, RSTORSSP */
	}
	out->mem_operand = true;
	out->kind = kind;
	return skip_mem_operand(c, modrm, address_size(p, mode), mode, &rip_relative);
}

/* 0F 01 with mod=3: SMSW/LMSW of a register, or one of the fixed encodings
 * (/7 with mod=3 is SWAPGS, RDTSCP and others, never INVLPG). */
static int decode_group7_reg(const struct prefixes *p, u8 modrm, struct sys_insn_info *out)
{
	u8 reg = MODRM_REG(modrm);

	if (reg == G7_REG_SMSW || reg == G7_REG_LMSW) {
		out->gpr = MODRM_RM(modrm) | ((p->rex & REX_B) ? 8 : 0);
		return sys_found(reg == G7_REG_SMSW ? SYS_INSN_SMSW : SYS_INSN_LMSW, out);
	}
	if (modrm == G7_MONITORX && p->rep == PFX_REP)
		return -ENOTSUP; /* MCOMMIT */
	return sys_found(sys_lookup(sys_group7_reg, ARRAY_SIZE(sys_group7_reg), modrm), out);
}

static int decode_group7(struct cursor *c, const struct prefixes *p, enum insn_mode mode,
			 struct sys_insn_info *out)
{
	u8 modrm;
	int err = take_byte(c, &modrm);

	if (err)
		return err;
	if (MODRM_MOD(modrm) == MOD_REGISTER)
		return decode_group7_reg(p, modrm, out);
	return decode_group7_mem(c, p, mode, modrm, out);
}

static int decode_sys_two_byte(struct cursor *c, const struct prefixes *p, enum insn_mode mode,
			       struct sys_insn_info *out)
{
	u8 op2;
	int err = take_byte(c, &op2);

	if (err)
		return err;
	switch (op2) {
	case OP2_GROUP7:
		return decode_group7(c, p, mode, out);
	case OP2_MOV_FROM_CR:
	case OP2_MOV_TO_CR:
		return decode_mov_cr(c, p, mode, op2, out);
	default:
		return sys_found(sys_lookup(sys_two_byte, ARRAY_SIZE(sys_two_byte), op2), out);
	}
}

/*
 * F3 90 is PAUSE (the last of F2/F3 decides, as for the segment overrides).
 * With REX.B, 90 is XCHG r8, rAX rather than NOP (Vol 2C "XCHG"), so no
 * PAUSE either: QEMU's TCG decodes it that way (objdump says "rex.B pause").
 */
static bool is_pause(const struct prefixes *p)
{
	return p->rep == PFX_REP && !(p->rex & REX_B);
}

static int decode_sys_opcode(struct cursor *c, const struct prefixes *p, enum insn_mode mode,
			     struct sys_insn_info *out)
{
	u64 imm;
	u8 op;
	int err = take_byte(c, &op);

	if (err)
		return err;
	switch (op) {
	case OP_ESCAPE:
		return decode_sys_two_byte(c, p, mode, out);
	case OP_NOP:
		return sys_found(is_pause(p) ? SYS_INSN_PAUSE : SYS_INSN_UNKNOWN, out);
	case OP_INTN:
		err = take(c, 1, &imm);
		if (err)
			return err;
		out->imm8 = (u8)imm;
		return sys_found(SYS_INSN_INTN, out);
	case OP_INTO: /* "INT n/INTO/INT3/INT1": invalid in 64-bit mode */
		return sys_found(mode == INSN_MODE_64 ? SYS_INSN_UNKNOWN : SYS_INSN_INTO, out);
	default:
		return sys_found(sys_lookup(sys_one_byte, ARRAY_SIZE(sys_one_byte), op), out);
	}
}

int insn_decode_system(const u8 *bytes, size_t avail, enum insn_mode mode,
		       struct sys_insn_info *out)
{
	struct cursor c = { bytes, MIN(avail, (size_t)INSN_MAX_LEN), 0 };
	struct prefixes p = { .seg = INSN_SEG_NONE };
	int err;

	*out = (struct sys_insn_info){ .kind = SYS_INSN_UNKNOWN };
	if (mode != INSN_MODE_16 && mode != INSN_MODE_32 && mode != INSN_MODE_64)
		return -EINVAL;
	err = parse_prefixes(&c, mode, true, &p);
	if (err)
		return err;
	err = decode_sys_opcode(&c, &p, mode, out);
	if (err) {
		*out = (struct sys_insn_info){ .kind = SYS_INSN_UNKNOWN };
		return err;
	}
	out->length = (u8)c.pos;
	return 0;
}
