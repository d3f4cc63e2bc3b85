// sources: hv/insn_decode.c
/*
 * Fuzzes hv/insn_decode.c. Input: byte 0 picks the code size (low 2 bits:
 * 16/32/64/64), byte 1 how many bytes are valid, the rest are the
 * instruction bytes. Checks the decoder's promises on every accepted input.
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

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 bytes[INSN_MAX_LEN + 4];
	struct insn in;
	size_t n, avail;
	int err;

	if (size < 2)
		return 0;
	n = MIN(size - 2, sizeof(bytes));
	memcpy(bytes, data + 2, n);
	avail = MIN((size_t)data[1], n);
	err = insn_decode(bytes, avail, modes[data[0] & 3], &in);
	if (err == 0)
		check_insn(&in, avail);
	else
		CHECK(err == -ENODATA || err == -EINVAL || err == -ENOTSUP);
	return 0;
}
