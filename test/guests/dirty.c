/* dirty: dirties memory at a controlled rate, for live-migration tests.
 * A working set of `pages=` 4 KiB pages (default 2048: 8 MiB) at 4 MiB is
 * first filled once, then rewritten for `rounds=` rounds (default 40). In
 * each round the first `hot=` pages (default 64) are written `hotwrites=`
 * times (default 32) and every other ("cold") page i when
 * hash(i, round, seed) % 8 == 0 (`seed=`, default 1).
 * Every write fills the whole page with a pattern of (page, version), the
 * version being how many times the page has been written, so what every
 * page must hold after a round follows from (page, round, seed) alone:
 * after each round the whole working set is checked against contents
 * recomputed (never stored), which finds a page lost or left stale by a
 * migration. Writes are paced at `rate=` pages a PIT tick (100 Hz; default
 * 256; 0: no pacing), HLT waiting for the next tick when a tick's budget is
 * spent. Deterministic: the checks and a checksum of the working set each
 * round, whatever the timing; tick counts are "~ " lines. `inject=R`
 * makes a stale and a lost page after round R, to see them reported. */
#include "guest.h"
#include "pic.h"
#include "pit.h"

#define HZ 100
#define PAGE_SIZE 4096u
#define WORDS_PER_PAGE (PAGE_SIZE / 4)
#define COLD_ONE_IN 8 /* a cold page is written in about 1 round in 8 */
#define MAX_REPORTS 4 /* bad pages described per round */

/* Above the image (1 MiB, under 1 MiB long with its stack and bss). */
#define WORKING_SET_BASE 0x400000u
#define MAX_PAGES 65536u /* 256 MiB */

#define DEFAULT_PAGES 2048
#define DEFAULT_HOT 64
#define DEFAULT_HOT_WRITES 32
#define DEFAULT_RATE 256
#define DEFAULT_ROUNDS 40
#define DEFAULT_SEED 1
#define MAX_ROUNDS 100000
#define MAX_HOT_WRITES 1024 /* MAX_PAGES * MAX_HOT_WRITES fits in 32 bits */
#define MAX_RATE 1000000

#define FNV_OFFSET 0x811C9DC5u
#define FNV_PRIME 0x01000193u

extern char __bss_end[];

struct params {
	u32 pages, hot, hot_writes, rate, rounds, seed, inject;
};

static struct params prm;
static volatile u32 ticks;
static u32 budget; /* page writes left in this tick */
static u32 budget_tick; /* the tick the budget belongs to */

static void on_irq0(struct trap_frame *f)
{
	(void)f;
	ticks = ticks + 1;
	pic_eoi(0);
}

/* A decimal number from the command line, or fallback when it is absent
 * or not a number up to limit. */
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

/* A 32-bit avalanche mix (the finalizer of MurmurHash3). */
static u32 mix32(u32 x)
{
	x ^= x >> 16;
	x *= 0x85EBCA6Bu;
	x ^= x >> 13;
	x *= 0xC2B2AE35u;
	x ^= x >> 16;
	return x;
}

static u32 *page_addr(u32 page)
{
	return (u32 *)(WORKING_SET_BASE + page * PAGE_SIZE);
}

static bool is_hot(u32 page) { return page < prm.hot; }

/* Whether cold page `page` is written in round `round`. */
static bool cold_written(u32 page, u32 round)
{
	return mix32(page * 0x9E3779B1u ^ mix32(round + 1) ^ prm.seed * 0x7FEB352Du) %
		       COLD_ONE_IN ==
	       0;
}

/* The number of writes page has had once `rounds_done` rounds are over,
 * the initial fill included (so every page has version 1 or more). */
static u32 version_after(u32 page, u32 rounds_done)
{
	u32 v = 1;

	if (is_hot(page))
		return v + rounds_done * prm.hot_writes;
	for (u32 r = 0; r < rounds_done; r++)
		v += cold_written(page, r);
	return v;
}

/* Word 0 of page at version: distinct for every version of a page (and
 * then every word is, since word w adds the same w * step). */
static u32 pattern_base(u32 page, u32 version)
{
	return mix32(page ^ mix32(version ^ prm.seed * 0x27D4EB2Fu));
}

#define PATTERN_STEP 0x9E3779B9u

static u32 pattern_word(u32 page, u32 version, u32 word)
{
	return pattern_base(page, version) + word * PATTERN_STEP;
}

/* Spends one page write of the tick's budget; when it is spent, sleeps
 * with HLT until the next tick (STI;HLT in one asm statement so a tick
 * pending before the HLT still wakes it). rate=0: never waits. Interrupts
 * stay on otherwise: ticks land in the middle of the writes. */
static void pace(void)
{
	if (!prm.rate)
		return;
	if (ticks != budget_tick) {
		budget_tick = ticks;
		budget = prm.rate;
	}
	if (budget) {
		budget--;
		return;
	}
	u32 t0 = budget_tick;
	cli();
	while (ticks == t0)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	sti();
	budget_tick = ticks;
	budget = prm.rate - 1;
}

/* Writes page with its pattern for version (a whole page). */
static void write_page(u32 page, u32 version)
{
	u32 *p = page_addr(page), x = pattern_base(page, version);

	pace();
	for (u32 w = 0; w < WORDS_PER_PAGE; w++, x += PATTERN_STEP)
		p[w] = x;
}

/* The first write of every page: version 1. */
static void fill_all(void)
{
	for (u32 page = 0; page < prm.pages; page++)
		write_page(page, 1);
}

/* One round of writes: hot_writes passes over the hot pages, each
 * followed by the next slice of the cold pages (1/hot_writes of them),
 * writing those the hash picks for this round. `round` rounds are already
 * over. */
static void write_round(u32 round)
{
	u32 cold = prm.pages - prm.hot, n = prm.hot_writes;

	for (u32 k = 0; k < n; k++) {
		for (u32 page = 0; page < prm.hot; page++)
			write_page(page, 1 + round * n + k + 1);
		u32 first = prm.hot + cold * k / n;
		u32 end = prm.hot + cold * (k + 1) / n;
		for (u32 page = first; page < end; page++)
			if (cold_written(page, round))
				write_page(page, version_after(page, round + 1));
	}
}

/* inject=R, to test the guest itself: after round R, what a faulty
 * migration would do: hot page 0 goes back to its previous version
 * (stale) and the last page of the working set is zeroed (lost). */
static void inject_faults(u32 rounds_done)
{
	if (prm.hot)
		write_page(0, version_after(0, rounds_done) - 1);
	memset(page_addr(prm.pages - 1), 0, PAGE_SIZE);
}

/* The version of page whose pattern the word at index word holds, among
 * versions 1..limit, or 0 when it holds none of them. */
static u32 which_version(u32 page, u32 word, u32 got, u32 limit)
{
	for (u32 v = 1; v <= limit; v++)
		if (pattern_word(page, v, word) == got)
			return v;
	return 0;
}

/* Counts the words of page that are zero (all of them: a page lost). */
static u32 zero_words(u32 page)
{
	const u32 *p = page_addr(page);
	u32 n = 0;

	for (u32 w = 0; w < WORDS_PER_PAGE; w++)
		n += p[w] == 0;
	return n;
}

/* Describes a page whose word `word` is not what version `want` put there:
 * what it holds instead, an older version (stale), zeros (lost) or neither. */
static void report_bad(u32 round, u32 page, u32 word, u32 want, u32 got)
{
	u32 found = which_version(page, word, got, want + prm.hot_writes);
	char what[48];

	if (found)
		snprintf(what, sizeof(what), "version %u", found);
	else
		snprintf(what, sizeof(what), "%u of %u words zero", zero_words(page),
			 WORDS_PER_PAGE);
	say("round %u page %u (0x%08x) FAILED: word %u expected %08x (version %u), got %08x (%s)",
	    round, page, (u32)page_addr(page), word, pattern_word(page, want, word), want, got,
	    what);
}

/* Checks one page against version want, folding its words into *hash;
 * returns the index of the first wrong word, or WORDS_PER_PAGE. */
static u32 check_page(u32 page, u32 want, u32 *hash)
{
	const u32 *p = page_addr(page);
	u32 x = pattern_base(page, want), h = *hash, bad = WORDS_PER_PAGE;

	for (u32 w = 0; w < WORDS_PER_PAGE; w++, x += PATTERN_STEP) {
		u32 got = p[w];
		h = (h ^ got) * FNV_PRIME;
		h ^= h >> 15; /* FNV-1a's low bits see only the words' low bits */
		if (got != x && bad == WORDS_PER_PAGE)
			bad = w;
	}
	*hash = h;
	return bad;
}

/* Checks the whole working set after `rounds_done` rounds; prints the
 * round's line (ok and the checksum, or the bad pages) and returns the
 * number of bad pages. */
static u32 verify(u32 round, u32 rounds_done)
{
	u32 hash = FNV_OFFSET, bad_pages = 0;

	for (u32 page = 0; page < prm.pages; page++) {
		u32 want = version_after(page, rounds_done);
		u32 w = check_page(page, want, &hash);
		if (w == WORDS_PER_PAGE)
			continue;
		if (++bad_pages <= MAX_REPORTS)
			report_bad(round, page, w, want, page_addr(page)[w]);
	}
	if (!bad_pages)
		say("round %u ok checksum %08x", round, hash);
	else
		say("round %u: %u of %u pages FAILED", round, bad_pages, prm.pages);
	return bad_pages;
}

static void parse_params(void)
{
	prm.pages = arg_u32("pages", DEFAULT_PAGES, MAX_PAGES);
	prm.hot = arg_u32("hot", DEFAULT_HOT, MAX_PAGES);
	prm.hot_writes = arg_u32("hotwrites", DEFAULT_HOT_WRITES, MAX_HOT_WRITES);
	prm.rate = arg_u32("rate", DEFAULT_RATE, MAX_RATE);
	prm.rounds = arg_u32("rounds", DEFAULT_ROUNDS, MAX_ROUNDS);
	prm.seed = arg_u32("seed", DEFAULT_SEED, 999999999);
	prm.inject = arg_u32("inject", 0, MAX_ROUNDS);
	if (!prm.pages)
		prm.pages = 1;
	if (!prm.hot_writes)
		prm.hot_writes = 1;
	if (prm.hot > prm.pages)
		prm.hot = prm.pages;
}

/* Whether the working set lies in RAM the boot information reports and
 * above the image. */
static bool working_set_fits(const struct mb_info *mbi)
{
	u32 end_kib = WORKING_SET_BASE / 1024 + prm.pages * (PAGE_SIZE / 1024);
	bool has_mem = mbi && (mbi->flags & MB_INFO_MEMORY);

	check((u32)__bss_end <= WORKING_SET_BASE, "image ends below the working set");
	return check(has_mem && 1024 + mbi->mem_upper >= end_kib,
		     "working set 0x%08x..0x%08x in RAM", WORKING_SET_BASE, end_kib * 1024);
}

static void timer_start(void)
{
	pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8);
	idt_set_handler(PIC_VECTOR_BASE + 0, on_irq0);
	pit_ch0_periodic(HZ);
	ticks = 0;
	budget_tick = 0;
	budget = prm.rate;
	pic_unmask(0);
	sti();
}

static void timer_stop(void)
{
	cli();
	pic_mask(0);
	pit_ch0_stop();
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("dirty", magic, mbi);
	parse_params();
	say("%u pages at 0x%08x, %u hot (written %u times a round), %u rounds, seed %u",
	    prm.pages, WORKING_SET_BASE, prm.hot, prm.hot_writes, prm.rounds, prm.seed);
	vary("pacing at %u page writes a tick (%u Hz)", prm.rate, HZ);
	if (!working_set_fits(mbi))
		return (int)guest_done();

	timer_start();
	fill_all();
	guest_failures += verify(0, 0);
	vary("fill: ticks so far %u", ticks);
	for (u32 r = 0; r < prm.rounds; r++) {
		write_round(r);
		if (r + 1 == prm.inject)
			inject_faults(r + 1);
		guest_failures += verify(r + 1, r + 1);
		vary("round %u: ticks so far %u", r + 1, ticks);
	}
	timer_stop();
	return (int)guest_done();
}
