/* strio: string port I/O (SDM Vol 2B, INS and OUTS; REP), checked the way
 * a conformance suite checks it: a console line written with REP OUTSB;
 * REP INSB from the 8259's mask register; REP OUTSB backwards (DF set);
 * INSW and INSD from a port nothing answers (all ones); a REP INSB of
 * 10000 bytes; 16-bit addressing (0x67 prefix: CX and DI only, their
 * upper halves kept); REP with a zero count. */
#include "expect.h"
#include "guest.h"

#define COM1 0x3F8
#define PIC1_DATA 0x21
#define UNCLAIMED_PORT 0x310
#define BIG 10000
#define LOW_BUF 0x7000 /* reachable with 16-bit DI */

static u8 buf[BIG + 16];

struct regs {
	u32 ecx, esi, edi;
};

static struct regs rep_insb(u16 port, void *dst, u32 count)
{
	struct regs r = { count, 0, (u32)dst };
	__asm__ volatile("rep insb" : "+c"(r.ecx), "+D"(r.edi) : "d"(port) : "memory");
	return r;
}

static struct regs rep_outsb(u16 port, const void *src, u32 count, bool backwards)
{
	struct regs r = { count, (u32)src, 0 };
	if (backwards)
		__asm__ volatile("std; rep outsb; cld" : "+c"(r.ecx), "+S"(r.esi) : "d"(port) : "memory");
	else
		__asm__ volatile("rep outsb" : "+c"(r.ecx), "+S"(r.esi) : "d"(port) : "memory");
	return r;
}

static void check_console_line(void)
{
	static const char line[] = "strio: this line was written with REP OUTSB\n";
	struct regs r = rep_outsb(COM1, line, sizeof(line) - 1, false);

	expect_eq(r.ecx, 0, "REP OUTSB to COM1: ECX counted down");
	expect_eq(r.esi - (u32)line, sizeof(line) - 1, "REP OUTSB to COM1: ESI advanced");
}

static void check_insb(void)
{
	outb(PIC1_DATA, 0x5A);
	memset(buf, 0, 8);
	struct regs r = rep_insb(PIC1_DATA, buf, 5);
	u32 same = 0;
	for (int i = 0; i < 5; i++)
		same += buf[i] == 0x5A;
	expect_eq(same, 5, "REP INSB from the 8259 mask: every byte");
	expect_eq(buf[5], 0, "REP INSB: nothing past the count");
	expect_eq(r.edi - (u32)buf, 5, "REP INSB: EDI advanced");
	expect_eq(r.ecx, 0, "REP INSB: ECX counted down");
}

static void check_outsb_backwards(void)
{
	static const u8 data[] = { 0x11, 0x22, 0x33 };
	struct regs r = rep_outsb(PIC1_DATA, &data[2], 3, true);

	expect_eq(inb(PIC1_DATA), 0x11, "REP OUTSB with DF set: the last byte written is the first");
	expect_eq((u32)&data[0] - r.esi, 1, "REP OUTSB with DF set: ESI moved down");
	outb(PIC1_DATA, 0xFF);
}

static void check_wide(void)
{
	u16 w[3] = { 0 };
	u32 d[2] = { 0 };
	u32 ecx = 3, edi = (u32)w;

	__asm__ volatile("rep insw" : "+c"(ecx), "+D"(edi) : "d"(UNCLAIMED_PORT) : "memory");
	expect_eq(w[0] & w[1] & w[2], 0xFFFF, "REP INSW from a port nothing answers: all ones");
	expect_eq(edi - (u32)w, 6, "REP INSW: EDI advanced by 2 an element");
	ecx = 2;
	edi = (u32)d;
	__asm__ volatile("rep insl" : "+c"(ecx), "+D"(edi) : "d"(UNCLAIMED_PORT) : "memory");
	expect_eq(d[0] & d[1], 0xFFFFFFFF, "REP INSD from a port nothing answers: all ones");
	edi = (u32)d;
	__asm__ volatile("insl" : "+D"(edi) : "d"(PIC1_DATA) : "memory");
	expect_eq(edi - (u32)d, 4, "INSD without REP: one element");
}

static void check_big(void)
{
	outb(PIC1_DATA, 0xA5);
	memset(buf, 0, sizeof(buf));
	struct regs r = rep_insb(PIC1_DATA, buf, BIG);
	u32 same = 0;
	for (int i = 0; i < BIG; i++)
		same += buf[i] == 0xA5;
	expect_eq(same, BIG, "REP INSB of %u bytes: every byte", BIG);
	expect_eq(buf[BIG], 0, "REP INSB of %u bytes: nothing past the count", BIG);
	expect_eq(r.ecx, 0, "REP INSB of %u bytes: ECX counted down", BIG);
	outb(PIC1_DATA, 0xFF);
}

/* 0x67 in 32-bit code: 16-bit addressing, CX and DI. */
static void check_addr16(void)
{
	volatile u8 *low = (volatile u8 *)LOW_BUF;
	u32 ecx = 0xABCD0002, edi = 0x12340000 | LOW_BUF;

	low[0] = low[1] = low[2] = 0;
	outb(PIC1_DATA, 0x3C);
	__asm__ volatile(".byte 0x67\n rep insb" : "+c"(ecx), "+D"(edi) : "d"(PIC1_DATA) : "memory");
	expect_eq(ecx, 0xABCD0000, "REP INSB with 16-bit addressing: only CX counted");
	expect_eq(edi, 0x12340000 | (LOW_BUF + 2), "REP INSB with 16-bit addressing: only DI moved");
	expect_eq(low[0] == 0x3C && low[1] == 0x3C && low[2] == 0, 1,
		  "REP INSB with 16-bit addressing: two bytes at ES:DI");
	outb(PIC1_DATA, 0xFF);
}

static void check_zero_count(void)
{
	buf[0] = 0x77;
	struct regs r = rep_insb(PIC1_DATA, buf, 0);
	expect_eq(buf[0], 0x77, "REP INSB with ECX = 0: no element");
	expect_eq(r.edi, (u32)buf, "REP INSB with ECX = 0: EDI unchanged");
}

int main(u32 magic, const struct mb_info *info)
{
	guest_start("strio", magic, info);
	check_console_line();
	check_insb();
	check_outsb_backwards();
	check_wide();
	check_big();
	check_addr16();
	check_zero_count();
	return guest_done();
}
