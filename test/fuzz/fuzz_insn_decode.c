// sources: hv/insn_decode.c
/*
 * Fuzzes hv/insn_decode.c, both insn_decode() and insn_decode_system() on the
 * same input. Input: byte 0 picks the code size (low 2 bits: 16/32/64/64),
 * byte 1 how many bytes are valid, the rest are the instruction bytes.
 * Checks the decoders' promises on every accepted input.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "hv/insn_decode.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static const enum insn_mode modes[] = { INSN_MODE_16, INSN_MODE_32, INSN_MODE_64, INSN_MODE_64 };

static bool valid_size(u8 size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* A load changes only the bits its register size covers (a 32-bit load in
 * 64-bit mode clears bits 63:32). */
static void check_load(const struct insn *in, u64 old)
{
	u64 changed = insn_apply_load(in, old, ~0ULL) ^ old;

	switch (in->reg_size) {
	case 1:
		CHECK((changed & ~(in->high_byte ? 0xFF00ULL : 0xFFULL)) == 0);
		break;
	case 2:
		CHECK((changed & ~0xFFFFULL) == 0);
		break;
	case 4:
		if (in->mode != INSN_MODE_64)
			CHECK((changed >> 32) == 0);
		break;
	}
}

/* What a successful decode must satisfy. */
static void check_insn(const struct insn *in, size_t avail)
{
	u64 regs[16];

	CHECK(in->length >= 1 && in->length <= INSN_MAX_LEN && in->length <= avail);
	CHECK(valid_size(in->size) && valid_size(in->reg_size) && in->size <= in->reg_size);
	CHECK(in->addr_size == 2 || in->addr_size == 4 || in->addr_size == 8);
	CHECK(in->reg < 16);
	CHECK(!in->high_byte || (in->reg < 4 && in->size == 1));
	CHECK(!in->has_imm || in->is_write);
	CHECK(in->ext == INSN_EXT_NONE || !in->is_write);
	for (int i = 0; i < 16; i++)
		regs[i] = 0x0123456789ABCDEFULL * (u64)(i + 1);
	CHECK(in->size == 8 || insn_store_value(in, regs) >> (8 * in->size) == 0);
	check_load(in, regs[in->reg]);
}

static bool same_sys(const struct sys_insn_info *a, const struct sys_insn_info *b)
{
	return a->kind == b->kind && a->length == b->length && a->cr == b->cr &&
	       a->gpr == b->gpr && a->mem_operand == b->mem_operand && a->imm8 == b->imm8;
}

/* What a successful insn_decode_system() must satisfy: the fields fit their
 * kind, and the decode depends only on its own length of bytes (exactly
 * those decode the same, one fewer is -ENODATA). */
static void check_sys(const u8 *bytes, size_t avail, enum insn_mode mode,
		      const struct sys_insn_info *si)
{
	bool mov_cr = si->kind == SYS_INSN_MOV_FROM_CR || si->kind == SYS_INSN_MOV_TO_CR;
	bool msw = si->kind == SYS_INSN_LMSW || si->kind == SYS_INSN_SMSW;
	struct sys_insn_info again;

	CHECK(si->length >= 1 && si->length <= INSN_MAX_LEN && si->length <= avail);
	CHECK(si->kind > SYS_INSN_UNKNOWN && si->kind <= SYS_INSN_IRET);
	CHECK(si->cr < 16 && (mov_cr || si->cr == 0));
	CHECK(si->gpr < 16 && (mov_cr || (msw && !si->mem_operand) || si->gpr == 0));
	CHECK(!si->mem_operand || msw || si->kind == SYS_INSN_INVLPG);
	CHECK(si->kind != SYS_INSN_INVLPG || si->mem_operand);
	CHECK(si->kind == SYS_INSN_INTN || si->imm8 == 0);
	CHECK(insn_decode_system(bytes, si->length, mode, &again) == 0 && same_sys(si, &again));
	CHECK(insn_decode_system(bytes, si->length - 1u, mode, &again) == -ENODATA);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 bytes[INSN_MAX_LEN + 4];
	struct insn in;
	struct sys_insn_info si;
	enum insn_mode mode;
	size_t n, avail;
	int err;

	if (size < 2)
		return 0;
	n = MIN(size - 2, sizeof(bytes));
	memcpy(bytes, data + 2, n);
	avail = MIN((size_t)data[1], n);
	mode = modes[data[0] & 3];
	err = insn_decode(bytes, avail, mode, &in);
	if (err == 0)
		check_insn(&in, avail);
	else
		CHECK(err == -ENODATA || err == -EINVAL || err == -ENOTSUP);
	err = insn_decode_system(bytes, avail, mode, &si);
	if (err == 0)
		check_sys(bytes, avail, mode, &si);
	else
		CHECK((err == -ENODATA || err == -EINVAL || err == -ENOTSUP) &&
		      si.kind == SYS_INSN_UNKNOWN && si.length == 0);
	return 0;
}
