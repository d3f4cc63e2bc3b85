/*
 * Decoder for the instruction behind a guest MMIO access. The exit tells the
 * hypervisor which guest-physical address was touched but not how: this
 * decodes the bytes at the guest's RIP to find the access size, direction,
 * register or immediate operand and instruction length. Only the MOV family
 * that compilers and Linux's readX()/writeX() emit for MMIO is supported;
 * everything else is -ENOTSUP. Pure code: the bytes are guest-controlled, so
 * the host fuzzes it.
 *
 * A second entry point, insn_decode_system(), decodes the instructions that
 * cause intercept exits, for when the CPU reports neither their length nor
 * their operands: AMD SVM without the NRIP-save and decode-assist features
 * (QEMU's TCG, for one).
 *
 * Encodings: Intel SDM Vol 2A, 2.1 "Instruction Format for Protected Mode,
 * Real-Address Mode, and Virtual-8086 Mode", 2.2.1 "REX Prefixes", Tables 2-1
 * "16-Bit Addressing Forms with the ModR/M Byte" and 2-2 "32-Bit Addressing
 * Forms with the ModR/M Byte"; Vol 2B "MOV", "MOVZX", "MOVSX"; for the
 * system instructions Vol 2A "LMSW", "INVLPG", Vol 2B "MOV—Move to/from
 * Control Registers", "SMSW", "PAUSE", Vol 2C "XSETBV", Vol 3C "VMCALL",
 * and AMD APM Vol 3 "MOV(CRn)", "VMMCALL", "VMRUN", "MONITORX", "MWAITX".
 */
#ifndef UNDERSTUDY_HV_INSN_DECODE_H
#define UNDERSTUDY_HV_INSN_DECODE_H

#include "types.h"

/* Longer instructions raise #GP (SDM Vol 2A, 2.1 "Instruction Format for
 * Protected Mode, Real-Address Mode, and Virtual-8086 Mode"). */
#define INSN_MAX_LEN 15

/* Code-segment size: from CS.L (64) and CS.D (32 when set, else 16). */
enum insn_mode {
	INSN_MODE_16 = 16,
	INSN_MODE_32 = 32,
	INSN_MODE_64 = 64,
};

/* How a load's memory value reaches the (possibly wider) register. */
enum insn_ext {
	INSN_EXT_NONE, /* MOV: register and memory have the same size */
	INSN_EXT_ZERO, /* MOVZX */
	INSN_EXT_SIGN, /* MOVSX */
};

/* Segment override prefix in effect, numbered as the Sreg field. In 64-bit
 * mode only FS and GS overrides take effect (SDM Vol 2A, 2.1.1 "Instruction Prefixes"). */
enum insn_seg {
	INSN_SEG_NONE = -1, /* no override: DS, or SS for rBP/rSP bases */
	INSN_SEG_ES = 0,
	INSN_SEG_CS = 1,
	INSN_SEG_SS = 2,
	INSN_SEG_DS = 3,
	INSN_SEG_FS = 4,
	INSN_SEG_GS = 5,
};

struct insn {
	u8 length;        /* bytes, prefixes to immediate included */
	u8 size;          /* memory access size: 1, 2, 4 or 8 */
	u8 reg_size;      /* register operand size (MOVZX/MOVSX: wider than size) */
	u8 addr_size;     /* effective address size: 2, 4 or 8 */
	bool is_write;    /* store to memory (else a load from it) */
	bool has_imm;     /* a store of imm (C6/C7), not of register reg */
	bool high_byte;   /* reg 0-3 stands for AH/CH/DH/BH (byte operand, no REX) */
	bool rip_relative; /* 64-bit mode ModRM mod=0 r/m=5 */
	bool lock;        /* F0 was present (meaningless for MOV, ignored) */
	u8 reg;           /* 0-15 (RAX..R15): store source or load destination */
	u8 opcode;        /* the opcode byte after any 0F escape */
	bool two_byte;    /* opcode was escaped with 0F */
	enum insn_mode mode;
	enum insn_ext ext;
	enum insn_seg seg;
	u64 imm;          /* has_imm: sign-extended to 64 bits for REX.W C7 */
	u64 moffs;        /* A0-A3: the absolute offset; else 0 */
};

/*
 * Decodes the instruction in bytes[0..avail) (avail may exceed
 * INSN_MAX_LEN; only the first 15 bytes count). Returns 0 with *out filled;
 * -ENODATA when the instruction continues past avail; -EINVAL when it would
 * be longer than 15 bytes or its operand is a register (mod=3: not a memory
 * access); -ENOTSUP for any opcode or prefix outside the supported MOV forms.
 */
int insn_decode(const u8 *bytes, size_t avail, enum insn_mode mode, struct insn *out);

/* The value the destination register holds after a load that read value
 * from memory, given the register's previous contents old_reg. */
u64 insn_apply_load(const struct insn *insn, u64 old_reg, u64 value);

/* The value a store writes to memory (truncated to insn->size), taken from
 * the immediate or from regs[] (indexed RAX=0 .. R15=15). */
u64 insn_store_value(const struct insn *insn, const u64 regs[16]);

/* Instructions that cause VM exits and must be stepped over or decoded by
 * the hypervisor when the CPU does not say. */
enum sys_insn {
	SYS_INSN_UNKNOWN,
	SYS_INSN_HLT,        /* F4 */
	SYS_INSN_CPUID,      /* 0F A2 */
	SYS_INSN_RDTSC,      /* 0F 31 */
	SYS_INSN_RDTSCP,     /* 0F 01 F9 */
	SYS_INSN_RDPMC,      /* 0F 33 */
	SYS_INSN_RDMSR,      /* 0F 32 */
	SYS_INSN_WRMSR,      /* 0F 30 */
	SYS_INSN_INVD,       /* 0F 08 */
	SYS_INSN_WBINVD,     /* 0F 09 (and WBNOINVD, F3 0F 09) */
	SYS_INSN_XSETBV,     /* 0F 01 D1 */
	SYS_INSN_VMCALL,     /* 0F 01 C1 (Intel) and VMMCALL 0F 01 D9 (AMD) */
	SYS_INSN_SVM,        /* VMRUN D8, VMLOAD DA, VMSAVE DB, STGI DC, CLGI DD,
	                        SKINIT DE, INVLPGA DF (all 0F 01 xx) */
	SYS_INSN_MONITOR,    /* 0F 01 C8, and MONITORX 0F 01 FA */
	SYS_INSN_MWAIT,      /* 0F 01 C9, and MWAITX 0F 01 FB */
	SYS_INSN_MOV_FROM_CR, /* 0F 20 /r */
	SYS_INSN_MOV_TO_CR,  /* 0F 22 /r */
	SYS_INSN_CLTS,       /* 0F 06 */
	SYS_INSN_LMSW,       /* 0F 01 /6, register or memory operand */
	SYS_INSN_SMSW,       /* 0F 01 /4 */
	SYS_INSN_INVLPG,     /* 0F 01 /7, memory operand */
	SYS_INSN_PAUSE,      /* F3 90 */
	SYS_INSN_INT3,       /* CC */
	SYS_INSN_INTN,       /* CD ib */
	SYS_INSN_INTO,       /* CE (not in 64-bit mode) */
	SYS_INSN_IRET,       /* CF (with 66 / REX.W forms) */
};

struct sys_insn_info {
	enum sys_insn kind;
	u8 length;        /* bytes, prefixes to immediate included */
	u8 cr;            /* MOV CR: ModRM.reg plus REX.R (CR8 = 8); outside
	                     64-bit mode LOCK MOV CR0 is CR8 too (AMD APM Vol 3
	                     "MOV(CRn)") */
	u8 gpr;           /* MOV CR: ModRM.rm plus REX.B (mod is ignored, as the
	                     CPU does); LMSW/SMSW with a register operand */
	bool mem_operand; /* LMSW/SMSW/INVLPG: the operand is memory (mod != 3) */
	u8 imm8;          /* INT n */
};

/*
 * Decodes the system instruction in bytes[0..avail) (avail may exceed
 * INSN_MAX_LEN; only the first 15 bytes count). Any legacy prefixes are
 * accepted, and REX right before the opcode in 64-bit mode. Returns 0 with
 * *out filled; -ENODATA when the instruction continues past avail; -EINVAL
 * when it would be longer than 15 bytes (or mode is invalid); -ENOTSUP for
 * anything not in enum sys_insn. On failure *out is zeroed (kind
 * SYS_INSN_UNKNOWN). Prefixed variants of these instructions (F3 0F 09
 * WBNOINVD, F2/F3 0F 01 D9 VMGEXIT) decode as the instruction they vary, of
 * the same length: the caller matches kind against the exit code. F3 0F 01
 * FA, MCOMMIT, is no MONITORX variant: -ENOTSUP.
 */
int insn_decode_system(const u8 *bytes, size_t avail, enum insn_mode mode,
		       struct sys_insn_info *out);

#endif
