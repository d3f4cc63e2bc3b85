/* bootstate: what a Multiboot kernel finds at entry when SeaBIOS and its
 * loader (GRUB, or QEMU's -kernel option ROM) started it, checked the way a
 * conformance suite checks it. The GDT the loader left (GDTR taken by
 * lib/entry.S before it loads its own): flat 32-bit code and data at the
 * entry selectors, usable for an interrupt before the kernel loads a GDT
 * of its own. The 8259 pair as the BIOS initialised it (IRQ masks, vector
 * bases 0x08 and 0x70, normal EOI), and PIT channel 0 running in mode 2
 * with count 65536 (18.2 Hz): "sti; hlt" right away wakes up on the BIOS's
 * timer tick. Times and addresses are "~ " lines. */
#include "expect.h"
#include "guest.h"
#include "pit.h"

#define BIOS_IRQ0_VECTOR 0x08 /* SeaBIOS's ICW2: BIOS_HWIRQ0_VECTOR */
#define BIOS_IRQ8_VECTOR 0x70 /* BIOS_HWIRQ8_VECTOR */
#define SEABIOS_MASTER_IMR 0xB8 /* IRQ 0, 1, 2 (cascade) and 6 open */
#define SEABIOS_SLAVE_IMR 0x8E  /* IRQ 8, 12, 13 and 14 open */
#define PIT_READBACK_STATUS0 0xE2 /* read-back: status only, counter 0 */
#define PIT_STATUS_MODE2 0x34     /* LSB then MSB, mode 2, binary */
#define PIT_STATUS_MASK 0x7F      /* leave OUT out: it toggles */
#define OCW3_READ_ISR 0x0B
#define OCW3_READ_IRR 0x0A
#define EOI 0x20
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_REG_A 0x0A
#define RTC_REG_B 0x0B
#define RTC_REG_C 0x0C
#define RTC_B_PIE 0x40
#define RTC_A_1024HZ 0x26
#define TICKS 5
#define BIOS_TICK_US 54925 /* 65536 / 1.193182 MHz */

struct gdtr {
	u16 limit;
	u32 base;
} __attribute__((packed));

extern struct gdtr entry_gdtr;
extern u16 entry_cs, entry_ds;

volatile u32 irq0_count, irq0_isr, rtc_count;
static u32 tsc_per_ms;

/* IRQ 0 on vector 8 (where the BIOS put it; the shared stub of vector 8
 * expects a #DF error code): count, note the in-service register, EOI. */
void irq0_stub(void);
__asm__(".text\n"
	"irq0_stub:\n"
	"	pushl %eax\n"
	"	incl irq0_count\n"
	"	movb $0x0B, %al\n"
	"	outb %al, $0x20\n"
	"	inb $0x20, %al\n"
	"	movzbl %al, %eax\n"
	"	movl %eax, irq0_isr\n"
	"	movb $0x20, %al\n"
	"	outb %al, $0x20\n"
	"	popl %eax\n"
	"	iretl\n");

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static void cmos_write(u8 reg, u8 v)
{
	outb(CMOS_INDEX, reg);
	outb(CMOS_DATA, v);
}

/* IRQ 8, the RTC's periodic interrupt, through the slave at vector 0x70. */
static void on_rtc(struct trap_frame *f)
{
	(void)f;
	rtc_count++;
	cmos_read(RTC_REG_C);
	outb(0xA0, EOI);
	outb(0x20, EOI);
}

static void on_bp(struct trap_frame *f) { (void)f; }

/* TSC cycles in 1 ms, against PIT channel 2 (a 50 ms one-shot). */
static void calibrate_tsc(void)
{
	pit_ch2_oneshot(59659);
	u64 t0 = rdtsc();
	pit_ch2_gate(true);
	while (!pit_ch2_out())
		;
	u64 t1 = rdtsc();
	pit_ch2_gate(false);
	tsc_per_ms = (u32)((t1 - t0) >> 1) / 25;
}

/* Waits with "sti; hlt" until *count reaches target or ms pass (the TSC
 * bounds it; a tick that never comes leaves HLT only through another
 * interrupt, so the bound is checked between wake-ups). */
static bool wait_hlt(volatile u32 *count, u32 target, u32 ms)
{
	u64 end = rdtsc() + (u64)ms * tsc_per_ms;
	while (*count < target && rdtsc() < end)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	return *count >= target;
}

/* A descriptor's base, limit in bytes and access/flags. */
static void descriptor(u16 sel, u32 *base, u32 *limit, u8 *access, u8 *flags)
{
	const u8 *d = (const u8 *)(entry_gdtr.base + (sel & ~7u));
	u32 raw_limit = d[0] | d[1] << 8 | (d[6] & 0xF) << 16;
	*base = d[2] | d[3] << 8 | d[4] << 16 | (u32)d[7] << 24;
	*flags = d[6] >> 4;
	*limit = (*flags & 0x8) ? raw_limit << 12 | 0xFFF : raw_limit;
	*access = d[5];
}

static void check_gdt(void)
{
	u32 base, limit;
	u8 access, flags;

	vary("GDTR base 0x%x limit 0x%x, CS 0x%x, DS 0x%x", entry_gdtr.base, entry_gdtr.limit,
	     entry_cs, entry_ds);
	if (!check(entry_gdtr.limit >= (entry_cs | 7) && entry_gdtr.limit >= (entry_ds | 7) &&
			   entry_cs >= 8 && entry_ds >= 8,
		   "GDT at entry holds the entry CS and DS selectors"))
		return;
	descriptor(entry_cs, &base, &limit, &access, &flags);
	expect_eq(base, 0, "entry CS descriptor: base");
	expect_eq(limit, 0xFFFFFFFF, "entry CS descriptor: limit");
	expect_eq(access & 0x9A, 0x9A, "entry CS descriptor: present ring-0 readable code");
	expect_eq(flags & 0xC, 0xC, "entry CS descriptor: 32-bit, 4 KiB granular");
	descriptor(entry_ds, &base, &limit, &access, &flags);
	expect_eq(base, 0, "entry DS descriptor: base");
	expect_eq(limit, 0xFFFFFFFF, "entry DS descriptor: limit");
	expect_eq(access & 0x9A, 0x92, "entry DS descriptor: present ring-0 writable data");
	expect_eq(flags & 0xC, 0xC, "entry DS descriptor: 32-bit, 4 KiB granular");
}

/* Runs an interrupt through the entry GDT: CS and DS/SS reloaded from it,
 * then INT3, whose IRET reloads CS once more (the gate's selector is the
 * lib's 0x08, so only when the loader's CS is 0x08 too). */
static void check_gdt_live(void)
{
	struct gdtr ours;
	u32 ok = 0;

	if (entry_cs != GDT_CODE32) {
		vary("entry CS is not 0x%x: the live check is skipped", GDT_CODE32);
		return;
	}
	idt_set_handler(VEC_BP, on_bp);
	__asm__ volatile("sgdt %0" : "=m"(ours));
	__asm__ volatile("lgdt %1\n"
			 "pushl %k2\n"
			 "pushl $1f\n"
			 "lretl\n"
			 "1: movw %w3, %%ax\n"
			 "movw %%ax, %%ds\n"
			 "movw %%ax, %%es\n"
			 "movw %%ax, %%ss\n"
			 "int3\n"
			 "movl $1, %0\n"
			 : "=r"(ok)
			 : "m"(entry_gdtr), "r"((u32)entry_cs), "r"((u32)entry_ds)
			 : "eax", "memory");
	__asm__ volatile("lgdt %0\n"
			 "ljmp $0x08, $2f\n"
			 "2: movw $0x10, %%ax\n"
			 "movw %%ax, %%ds\n"
			 "movw %%ax, %%es\n"
			 "movw %%ax, %%ss\n"
			 :
			 : "m"(ours)
			 : "eax", "memory");
	idt_set_handler(VEC_BP, 0);
	check(ok == 1, "an interrupt taken with the entry GDT returns");
}

static void check_pic(u8 imr1, u8 imr2)
{
	expect_eq(imr1, SEABIOS_MASTER_IMR, "master 8259 IMR at entry");
	expect_eq(imr2, SEABIOS_SLAVE_IMR, "slave 8259 IMR at entry");
	outb(0x20, OCW3_READ_ISR);
	expect_eq(inb(0x20), 0, "master 8259 ISR at entry");
	outb(0xA0, OCW3_READ_ISR);
	expect_eq(inb(0xA0), 0, "slave 8259 ISR at entry");
	outb(0x20, OCW3_READ_IRR);
	outb(0xA0, OCW3_READ_IRR);
}

/* The BIOS's timer tick: channel 0 in mode 2 with count 65536, IRQ 0 on
 * vector 0x08 with normal EOI (the handler sees IRQ 0 in service). */
static void check_pit(u8 status)
{
	expect_eq(status & PIT_STATUS_MASK, PIT_STATUS_MODE2,
		  "PIT channel 0 status at entry (mode 2, LSB/MSB, binary, count loaded)");
	idt_set_stub(BIOS_IRQ0_VECTOR, irq0_stub);
	calibrate_tsc();
	u64 t0 = rdtsc();
	bool ticked = wait_hlt(&irq0_count, 1, 2000);
	check(ticked, "sti; hlt wakes up on the BIOS's timer (IRQ 0 on vector 0x08)");
	if (!ticked)
		return;
	expect_eq(irq0_isr, 1, "IRQ 0 in service in its handler (normal EOI)");
	t0 = rdtsc();
	u32 start = irq0_count;
	ticked = wait_hlt(&irq0_count, start + TICKS, 3000);
	u64 t1 = rdtsc();
	check(ticked, "%u more timer ticks", TICKS);
	u64 d = t1 - t0;
	u32 per_us = tsc_per_ms / 1000 ? tsc_per_ms / 1000 : 1;
	u32 us = d >> 32 ? 0xFFFFFFFFu : (u32)d / per_us / TICKS;
	vary("a tick every %u us", us);
	vcheck(us > BIOS_TICK_US / 2 && us < BIOS_TICK_US * 2,
	       "tick period near %u us (18.2 Hz)", BIOS_TICK_US);
	outb(0x21, inb(0x21) | 1); /* the timer rests */
}

/* The slave's base: the RTC's periodic interrupt arrives on vector 0x70. */
static void check_slave_base(void)
{
	idt_set_handler(BIOS_IRQ8_VECTOR, on_rtc);
	cmos_write(RTC_REG_A, RTC_A_1024HZ);
	cmos_read(RTC_REG_C);
	cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);
	u8 imr2 = inb(0xA1);
	outb(0xA1, imr2 & ~1);
	bool got = wait_hlt(&rtc_count, 3, 2000);
	cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_PIE);
	outb(0xA1, imr2 | 1);
	cmos_read(RTC_REG_C);
	check(got, "RTC periodic interrupt (IRQ 8) on vector 0x70");
}

int main(u32 magic, const struct mb_info *info)
{
	u8 imr1 = inb(0x21), imr2 = inb(0xA1);
	outb(PIT_CMD, PIT_READBACK_STATUS0);
	u8 pit_status = inb(PIT_CH0);

	guest_start("bootstate", magic, info);
	check_gdt();
	check_gdt_live();
	check_pic(imr1, imr2);
	check_pit(pit_status);
	check_slave_base();
	return guest_done();
}
