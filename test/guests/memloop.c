/* memloop: long exit-free loops that write memory while the PIT ticks at
 * 100 Hz, as a kernel zeroes or copies pages with interrupts on. Each pass
 * fills a working set of `pages=` 4 KiB pages (default 1024: 4 MiB) with a
 * pattern of the pass, with no I/O and nothing that exits, then reads it
 * back, checks every word and prints a CRC-32 of it; the tick handler
 * writes its own counters meanwhile. Then it waits for ticks in a loop that
 * writes the same memory word over and over (a wait loop that writes).
 * Checksums and checks are deterministic; tick counts are not. */
#include "guest.h"
#include "crc32.h"
#include "pic.h"
#include "pit.h"

#define HZ 100
#define PASSES 4
#define DEFAULT_PAGES 1024
#define MAX_PAGES 2048
#define WORDS_PER_PAGE (4096 / 4)
#define WAIT_TICKS 3

/* The working set lies at 16 MiB, outside the image: no bss to clear at
 * start (guest RAM starts zeroed; the guest needs 24 MiB of it). */
#define WORKING_SET_BASE 0x1000000u
static u32 *const working_set = (u32 *)WORKING_SET_BASE;
static volatile u32 ticks;
static volatile u32 ticks_in_pass[PASSES];
static volatile u32 current_pass;
static volatile u32 wait_counter;

static void on_irq0(struct trap_frame *f)
{
	(void)f;
	ticks = ticks + 1;
	ticks_in_pass[current_pass % PASSES] = ticks_in_pass[current_pass % PASSES] + 1;
	pic_eoi(0);
}

/* The word at index i in pass p: every pass and every word differ. */
static u32 pattern(u32 p, u32 i)
{
	u32 x = (i + 1) * 2654435761u ^ (p + 1) * 0x9E3779B1u;

	return x ^ (x >> 15);
}

static void fill(u32 p, u32 words)
{
	for (u32 i = 0; i < words; i++)
		working_set[i] = pattern(p, i);
}

/* The first word that does not hold pass p's pattern, or words. */
static u32 first_wrong(u32 p, u32 words)
{
	for (u32 i = 0; i < words; i++)
		if (working_set[i] != pattern(p, i))
			return i;
	return words;
}

static u32 parse_pages(void)
{
	char buf[16];
	u32 n = 0;

	if (!cmdline_get("pages", buf, sizeof(buf)))
		return DEFAULT_PAGES;
	for (const char *c = buf; *c >= '0' && *c <= '9'; c++)
		n = n * 10 + (u32)(*c - '0');
	return n >= 1 && n <= MAX_PAGES ? n : DEFAULT_PAGES;
}

/* Waits for n ticks while writing one memory word in every iteration. */
static u32 wait_writing(u32 n)
{
	u32 t0 = ticks;

	wait_counter = 0;
	while (ticks - t0 < n)
		wait_counter = wait_counter + 1;
	return wait_counter;
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("memloop", magic, mbi);
	u32 pages = parse_pages(), words = pages * WORDS_PER_PAGE;

	say("working set of %u pages, %u passes", pages, PASSES);
	pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8);
	idt_set_handler(PIC_VECTOR_BASE + 0, on_irq0);
	pit_ch0_periodic(HZ);
	pic_unmask(0);
	sti();
	for (u32 p = 0; p < PASSES; p++) {
		current_pass = p;
		fill(p, words);
		u32 wrong = first_wrong(p, words);
		check(wrong == words, "pass %u: every word holds its pattern (first wrong: %u)", p,
		      wrong);
		say("pass %u: crc32 %08x", p, crc32(working_set, words * 4));
		vary("pass %u: %u ticks", p, ticks_in_pass[p]);
	}
	vary("wait loop: %u iterations for %u ticks", wait_writing(WAIT_TICKS), WAIT_TICKS);
	check(ticks >= WAIT_TICKS, "ticks arrived while the wait loop wrote memory");
	cli();
	pic_mask(0);
	pit_ch0_stop();
	return (int)guest_done();
}
