/* ticker: a guest that runs for a while, for the network tests and demo
 * (the hypervisor's /status is read while it runs; its record log streams
 * to a collector). The PIT ticks at 100 Hz on IRQ0; the guest sleeps with
 * HLT between ticks and says "ticker: second N" every 100 ticks, for
 * seconds= seconds (default 5). With reads=K it also reads the TSC K times
 * per tick, each read a logged input when recording, so the log grows by
 * K entries a tick. With writes=P (at most 1024) it also writes a word
 * in each of P pages every tick from second writes_from= (default 1) to
 * second writes_until= (default: the last):
 * a guest whose dirty pages make checkpoints dear (ft=auto's tests).
 * Deterministic lines: the seconds and the tick count. */
#include "cmdline.h"
#include "cpu.h"
#include "guest.h"
#include "pic.h"
#include "pit.h"

#define HZ 100
#define SECONDS_DEFAULT 5
#define SECONDS_MAX 3600

static volatile u32 ticks;

static void on_irq0(struct trap_frame *f)
{
	(void)f;
	ticks++;
	pic_eoi(0);
}

/* A decimal number from the command line, or fallback when it is absent
 * or not a number below limit. */
static u32 arg_u32(const char *key, u32 fallback, u32 limit)
{
	char buf[12];
	u32 v = 0;

	if (!cmdline_get(key, buf, sizeof(buf)) || !buf[0])
		return fallback;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9' || v > limit / 10)
			return fallback;
		v = v * 10 + (u32)(*p - '0');
	}
	return v <= limit ? v : fallback;
}

/* Sleeps with HLT until the tick count reaches target; STI;HLT in one asm
 * statement so a tick pending before the HLT still wakes it. */
static void wait_ticks(u32 target)
{
	cli();
	while (ticks < target)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	sti();
}

#define WRITE_PAGES_MAX 1024
static volatile u64 write_pages[WRITE_PAGES_MAX][512] __attribute__((aligned(4096)));

/* One word in each of the first n pages of write_pages. */
static void write_some(u32 n, u32 tick)
{
	for (u32 p = 0; p < n; p++)
		write_pages[p][tick % 512] = tick;
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("ticker", magic, mbi);
	u32 seconds = arg_u32("seconds", SECONDS_DEFAULT, SECONDS_MAX);
	u32 reads = arg_u32("reads", 0, 1000000);
	u32 writes = arg_u32("writes", 0, WRITE_PAGES_MAX);
	u32 writes_from = arg_u32("writes_from", 1, SECONDS_MAX);
	u32 writes_until = arg_u32("writes_until", SECONDS_MAX, SECONDS_MAX);
	u64 mix = 0;

	pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8);
	idt_set_handler(PIC_VECTOR_BASE + 0, on_irq0);
	pit_ch0_periodic(HZ);
	say("running for %u seconds, %u TSC reads a tick", seconds, reads);
	ticks = 0;
	pic_unmask(0);
	for (u32 s = 1; s <= seconds; s++) {
		for (u32 t = (s - 1) * HZ + 1; t <= s * HZ; t++) {
			wait_ticks(t);
			for (u32 i = 0; i < reads; i++)
				mix = mix * 31 + rdtsc();
			if (s >= writes_from && s <= writes_until)
				write_some(writes, t);
		}
		say("second %u", s);
	}
	cli();
	pic_mask(0);
	pit_ch0_stop();
	check(ticks >= seconds * HZ, "ticks reached %u", seconds * HZ);
	vary("tsc mix %llx", mix);
	return (int)guest_done();
}
