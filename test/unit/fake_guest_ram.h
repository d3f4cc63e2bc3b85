/*
 * A buffer standing in for guest RAM, for the tests of the guest page-table
 * walker and scanner (hv/guest_walk.c, hv/pt_scan.c): pages handed out one
 * by one for tables, entries written into them, and the CPU state that
 * names them. The includer defines mem_read (what a read of "guest RAM"
 * does: the buffer, and whatever faults it wants to inject).
 */
#ifndef UNDERSTUDY_TEST_FAKE_GUEST_RAM_H
#define UNDERSTUDY_TEST_FAKE_GUEST_RAM_H

#include "arch/x86/regs.h"
#include "errno.h"
#include "hv/guest_walk.h"

#define MEM_PAGES 64
#define MEM_SIZE (MEM_PAGES * 4096)
#define ERR_OUTSIDE (-ERANGE) /* what mem_read returns outside "RAM" */

/* Paging-structure entry bits (SDM Vol 3, 4.3 "32-Bit Paging" to 4.5
 * "4-Level Paging and 5-Level Paging", tables 4-4 to 4-20). */
#define P BIT(0)
#define RW BIT(1)
#define US BIT(2)
#define PS BIT(7)
#define XD BIT(63)

#define PG32 (CR0_PE | CR0_PG)
#define LONG_EFER (EFER_LME | EFER_LMA)

static u8 mem[MEM_SIZE];
static unsigned next_page;
static unsigned reads;

static int mem_read(void *ctx, u64 gpa, void *dst, size_t len);

/* A zeroed page of "guest RAM" for a table or data. */
static u64 new_page(void)
{
	assert_true(next_page < MEM_PAGES);
	return (u64)next_page++ * 4096;
}

static void set64(u64 table, unsigned index, u64 entry)
{
	put64(mem + table + index * 8, entry);
}

static void set32(u64 table, unsigned index, u32 entry)
{
	put32(mem + table + index * 4, entry);
}

static struct gw_cpu cpu(u64 cr0, u64 cr3, u64 cr4, u64 efer)
{
	return (struct gw_cpu){ .cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer,
				.phys_bits = 46, .read = mem_read };
}

#endif
