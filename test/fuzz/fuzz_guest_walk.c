// sources: hv/guest_walk.c
/*
 * Fuzzes hv/guest_walk.c. Input: a 40-byte header of control registers and
 * the access, then the guest memory image (copied to the start of a 64 KiB
 * "guest RAM"; reads past it fail as reads outside guest RAM do).
 *   0 cr0 (u32)   4 cr4 (u32)   8 efer (u32)   12 access (u8)
 *  13 phys_bits (u8)   14 read length (u8)   15 unused
 *  16 cr3 (u64)  24 linear address (u64)  32 unused (u64)
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "hv/guest_walk.h"

#define HEADER_SIZE 40
#define RAM_SIZE KiB(64)
#define ERR_OUTSIDE (-ERANGE)

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static u8 ram[RAM_SIZE];

static int ram_read(void *ctx, u64 gpa, void *dst, size_t len)
{
	CHECK(len > 0 && len <= KiB(4));
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return ERR_OUTSIDE;
	memcpy(dst, ram + gpa, len);
	return 0;
}

static u64 get(const u8 *p, size_t n)
{
	u64 v = 0;

	memcpy(&v, p, n);
	return v;
}

static bool valid_page_size(u64 size)
{
	return size == KiB(4) || size == MiB(2) || size == MiB(4) || size == GiB(1);
}

/* The table list holds distinct, 4 KiB-aligned pages of guest RAM. */
static void check_tables(const struct gw_result *r)
{
	CHECK(r->table_count <= GW_MAX_TABLES);
	for (unsigned i = 0; i < r->table_count; i++) {
		CHECK(r->tables[i] % KiB(4) == 0 && r->tables[i] < RAM_SIZE);
		for (unsigned j = 0; j < i; j++)
			CHECK(r->tables[i] != r->tables[j]);
	}
}

static void check_translate(int err, const struct gw_result *r, u64 la)
{
	check_tables(r);
	if (err == 0) {
		CHECK(r->fault == GW_OK && valid_page_size(r->page_size));
		CHECK((r->gpa & (r->page_size - 1)) == (la & (r->page_size - 1)));
	} else if (err == -EFAULT) {
		CHECK(r->fault == GW_NOT_PRESENT || r->fault == GW_RESERVED ||
		      r->fault == GW_PROTECTION || r->fault == GW_NONCANONICAL);
		CHECK(r->fault != GW_PROTECTION || valid_page_size(r->page_size));
	} else {
		CHECK(err == ERR_OUTSIDE && r->fault == GW_UNREADABLE);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct gw_cpu cpu = { .read = ram_read };
	struct gw_result r;
	u8 buf[256];
	size_t done, len;
	u64 la;
	u32 access;
	int err;

	if (size < HEADER_SIZE)
		return 0;
	cpu.cr0 = get(data, 4);
	cpu.cr4 = get(data + 4, 4);
	cpu.efer = get(data + 8, 4);
	access = data[12] & 0xF;
	cpu.phys_bits = 32 + data[13] % 21; /* 32..52 */
	len = data[14];
	cpu.cr3 = get(data + 16, 8);
	la = get(data + 24, 8);
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + HEADER_SIZE, MIN(size - HEADER_SIZE, sizeof(ram)));

	err = gw_translate(&cpu, la, access, &r);
	check_translate(err, &r, la);
	err = gw_read_linear(&cpu, la, buf, len, access, &done, &r);
	CHECK(done <= len && (err != 0 || done == len));
	CHECK(err == 0 || err == -EFAULT || err == ERR_OUTSIDE);
	return 0;
}
