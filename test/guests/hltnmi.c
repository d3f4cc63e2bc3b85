/* hltnmi: HLT with interrupts disabled waits for an NMI (SDM Vol 3, 9.7
 * "Halt": only NMI, SMI, INIT or RESET end it), checked the way a
 * conformance suite checks it. The NMI comes from PIT channel 0's one-shot
 * (mode 0, 55 ms) by two roads: through the 8259 to LINT0 programmed for
 * NMI delivery, and through IOAPIC pin 2 programmed for NMI delivery. Each
 * time "cli; hlt" must return after exactly one NMI, with IF still clear.
 * With mode=forever on the command line the guest then halts with nothing
 * that could wake it: natively the machine hangs; Understudy ends the run
 * saying why. */
#include "apic.h"
#include "expect.h"
#include "guest.h"
#include "pic.h"
#include "pit.h"

#define VEC_NMI 2
#define LVT_EXTINT 0x700u   /* delivery mode ExtINT (Figure 11-8) */
#define LVT_NMI APIC_DM_NMI
#define PIT_PIN 2           /* ISA IRQ 0 on IOAPIC pin 2 (the MADT's override) */
#define PIT_CW_CH0_MODE0 0x30 /* channel 0, LSB/MSB, mode 0 (interrupt on terminal count) */
#define ONESHOT_COUNT 0xFFFF  /* 55 ms */

static volatile u32 nmis;
static volatile u32 nmi_eflags;

static void on_nmi(struct trap_frame *f)
{
	nmis++;
	nmi_eflags = f->eflags;
}

static u32 lapic_read(u32 reg) { return *(volatile u32 *)(LAPIC_BASE + reg); }
static void lapic_write(u32 reg, u32 v) { *(volatile u32 *)(LAPIC_BASE + reg) = v; }

/* Channel 0 stops with OUT low (control word, no count yet): no edge
 * until pit_fire() writes the count. */
static void pit_hold(void) { outb(PIT_CMD, PIT_CW_CH0_MODE0); }

static void pit_fire(void)
{
	outb(PIT_CH0, (u8)ONESHOT_COUNT);
	outb(PIT_CH0, (u8)(ONESHOT_COUNT >> 8));
}

/* "cli; hlt" with the one-shot armed; true when HLT returned. */
static u32 halt_for_nmi(void)
{
	u32 before = nmis, flags;

	cli();
	pit_fire();
	__asm__ volatile("hlt\n"
			 "pushfl\n"
			 "popl %0\n"
			 : "=r"(flags)
			 :
			 : "memory");
	expect_eq(nmis - before, 1, "one NMI ended the HLT");
	expect_eq(flags & 0x200, 0, "IF still clear after the HLT");
	return nmis - before;
}

/* The 8259's INT to LINT0 in NMI mode: the PIC is re-initialised (its
 * IRR cleared) with only IRQ 0 open, so the one-shot's edge is the first
 * request and raises INT once. */
static void check_lint0(void)
{
	pit_hold();
	pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8);
	pic_unmask(0);
	lapic_write(APIC_LVT_LINT0, LVT_NMI);
	say("LINT0: NMI mode, IRQ 0 open on the 8259");
	halt_for_nmi();
	lapic_write(APIC_LVT_LINT0, LVT_EXTINT | APIC_MASKED);
	pic_set_mask(0xFFFF);
}

/* IOAPIC pin 2 in NMI mode, edge triggered, to APIC ID 0. */
static void check_ioapic(void)
{
	pit_hold();
	ioapic_write(IOAPIC_RTE_HI(PIT_PIN), 0);
	ioapic_write(IOAPIC_RTE_LO(PIT_PIN), LVT_NMI);
	say("IOAPIC pin %u: NMI mode", PIT_PIN);
	halt_for_nmi();
	ioapic_write(IOAPIC_RTE_LO(PIT_PIN), IOAPIC_MASKED);
}

int main(u32 magic, const struct mb_info *info)
{
	guest_start("hltnmi", magic, info);
	idt_set_handler(VEC_NMI, on_nmi);
	vary("LINT0 at start 0x%x", lapic_read(APIC_LVT_LINT0));
	check_lint0();
	check_ioapic();
	pit_hold();
	if (cmdline_is("mode", "forever")) {
		say("halting with interrupts off and no NMI source");
		__asm__ volatile("cli; hlt");
		fail("HLT returned with nothing to wake it");
	}
	return guest_done();
}
