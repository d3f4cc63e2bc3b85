/* timer: the 8254 PIT and 8259A PIC. Channel 0 runs periodically at 100 Hz
 * on IRQ0 (vector 0x20): (a) HLT between ticks until 20 ticks, (b) a busy
 * loop, with no I/O and nothing that exits, polling the tick counter until
 * 20 more ticks, (c) a channel 2 one-shot gated through port 0x61, measured
 * by polling its output (port 0x61 bit 5). Tick counts reached and orderings
 * are deterministic; TSC deltas, spin and poll counts are not, and neither
 * is the number of ticks in a time window (a starved emulator drops ticks). */
#include "guest.h"
#include "pic.h"
#include "pit.h"

#define HZ 100
#define HLT_TICKS 20
#define BUSY_TICKS 40
#define MAX_TSC 64
#define ONESHOT_COUNT 59659 /* 50 ms at 1.193182 MHz */

static volatile u32 ticks;
static volatile u64 tick_tsc[MAX_TSC];

/* IRQ0: count the tick, stamp it with the TSC, end of interrupt. */
static void on_irq0(struct trap_frame *f)
{
	(void)f;
	u32 t = ticks;
	if (t < MAX_TSC)
		tick_tsc[t] = rdtsc();
	ticks = t + 1;
	pic_eoi(0);
}

/* (a) Sleeps with HLT until the tick count reaches target. "sti; hlt" in one
 * asm statement: STI's one-instruction shadow means an interrupt pending
 * before the HLT still wakes it, so no tick is missed between test and HLT. */
static u32 wait_hlt(u32 target)
{
	u32 wakeups = 0;
	cli();
	while (ticks < target) {
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		wakeups++;
	}
	sti();
	return wakeups;
}

/* (b) Spins on the counter only: plain loads, compares and adds, so under a
 * hypervisor the ticks must arrive while the guest runs uninterrupted code.
 * The spin bound (4 billion) is only a safety net. */
static u32 wait_busy(u32 target)
{
	u32 spins = 0;
	while (ticks < target && spins != 0xFFFFFFFFu)
		spins++;
	return spins;
}

/* TSC deltas between consecutive ticks first..last: min, max, average. */
static void report_tsc(u32 first, u32 last)
{
	u32 min = 0xFFFFFFFFu, max = 0;
	u64 sum = 0;
	bool increasing = true;
	for (u32 i = first; i < last; i++) {
		u64 d64 = tick_tsc[i + 1] - tick_tsc[i];
		if (tick_tsc[i + 1] <= tick_tsc[i])
			increasing = false;
		u32 d = d64 > 0xFFFFFFFFull ? 0xFFFFFFFFu : (u32)d64;
		min = d < min ? d : min;
		max = d > max ? d : max;
		sum += d;
	}
	u32 n = last - first;
	u32 avg = (u32)(sum >> 8) / n << 8; /* 32-bit division only: sum/256/n*256 */
	check(increasing, "tsc increased at every tick %u..%u", first, last);
	vary("tsc per tick: min %u, max %u, avg %u (about %u MHz)", min, max, avg,
	     avg / (1000000 / HZ));
}

static void oneshot(void)
{
	pit_ch2_oneshot(ONESHOT_COUNT);
	check(!pit_ch2_out(), "one-shot: channel 2 output low after programming");
	u32 t0 = ticks;
	u64 tsc0 = rdtsc();
	pit_ch2_gate(true);
	u32 polls = 0;
	bool out = false;
	while (ticks - t0 < 100 && polls < 20000000u) {
		polls++;
		if (pit_ch2_out()) {
			out = true;
			break;
		}
	}
	u64 tsc1 = rdtsc();
	u32 dt = ticks - t0;
	check(out, "one-shot: channel 2 output went high");
	/* Not a check: when the host starves QEMU, periodic ticks are lost (not
	 * queued), so a 50 ms window can see no tick at all. */
	vary("one-shot: 50 ms took %u ticks of 10 ms, %u polls, %llu tsc", dt, polls, tsc1 - tsc0);
	u32 t1 = ticks;
	while (ticks - t1 < 2)
		;
	check(pit_ch2_out(), "one-shot: output still high 2 ticks later (mode 0 does not rearm)");
	pit_ch2_gate(false);
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("timer", magic, mbi);
	pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8);
	idt_set_handler(PIC_VECTOR_BASE + 0, on_irq0);
	u16 div = pit_ch0_periodic(HZ);
	say("pit channel 0: mode 2, divisor %u, irq0 -> vector 0x%x", div, PIC_VECTOR_BASE);
	ticks = 0;
	pic_unmask(0);

	u32 wakeups = wait_hlt(HLT_TICKS);
	u32 after_hlt = ticks;
	check(after_hlt >= HLT_TICKS, "hlt: reached %u ticks", HLT_TICKS);
	check(wakeups >= 1 && wakeups <= after_hlt, "hlt: woke up at most once per tick");
	vary("hlt: %u ticks after %u wakeups", after_hlt, wakeups);

	u32 spins = wait_busy(BUSY_TICKS);
	u32 after_busy = ticks;
	check(after_busy >= BUSY_TICKS, "busy loop: reached %u ticks", BUSY_TICKS);
	check(after_busy > after_hlt, "busy loop: ticks kept coming after hlt");
	vary("busy loop: %u ticks after %u spins", after_busy, spins);
	report_tsc(1, BUSY_TICKS - 1);

	oneshot();

	cli();
	pic_mask(0);
	pit_ch0_stop();
	say("ticks stopped");
	return (int)guest_done();
}
