/* Boot self-tests of the x86 bring-up: allocator, page-table permissions,
 * exception fixups, the TSC and the LAPIC timer. */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/time.h"
#include "arch/x86/trap.h"
#include "errno.h"
#include "selftest.h"
#include "log.h"

#define NON_CANONICAL_ADDRESS 0x8000000000000000ULL
#define TIMER_TEST_HZ 100
#define TIMER_TEST_TICKS 5

extern u8 __image_start[], __text_end[], __rodata_start[], __data_start[];

SELFTEST(page_allocator)
{
	u64 before = mm_free_pages(), a, b;

	if (page_alloc(1, 1, &a) || page_alloc(16, 16, &b))
		return -ENOMEM;
	if (b & (16 * PAGE_SIZE - 1) || a == b || *(u64 *)phys_to_virt(b) != 0)
		return -EINVAL;
	if (page_free(a, 1) || page_free(b, 16) || page_free(a, 1) != -EINVAL)
		return -EINVAL;
	return mm_free_pages() == before ? 0 : -EINVAL;
}

/* Checks that va's leaf entry has exactly the wanted W and NX bits. */
static int expect_mapping(const char *what, const void *va, bool writable, bool nx)
{
	u64 pte, size;
	bool has_nx = rdmsr(MSR_EFER) & EFER_NXE;

	if (mm_walk((u64)(uptr)va, &pte, &size)) {
		pr_err("selftest: %s at %p is not mapped", what, va);
		return -ENOENT;
	}
	if (!!(pte & PTE_W) != writable || (has_nx && !!(pte & PTE_NX) != nx)) {
		pr_err("selftest: %s at %p has PTE %#llx", what, va, pte);
		return -EINVAL;
	}
	return 0;
}

SELFTEST(page_permissions)
{
	static u64 data_probe;
	u64 pte, size;
	int err = 0;

	err |= expect_mapping("text", __image_start, false, false);
	err |= expect_mapping("rodata", __rodata_start, false, true);
	err |= expect_mapping("data", &data_probe, true, true);
	if (mm_walk(0, &pte, &size) != -ENOENT) {
		pr_err("selftest: page 0 is mapped");
		err = -EINVAL;
	}
	return err ? -EINVAL : 0;
}

/* A faulting instruction listed in the exception table resumes at its fixup
 * (emulators answer unknown MSRs with 0, so a bad address is the probe). */
SELFTEST(exception_fixup)
{
	static const u64 known = 0x5555AAAA5555AAAAULL;
	u64 v;

	if (probe_read_u64(NON_CANONICAL_ADDRESS, &v) != -EFAULT)
		return -EINVAL;
	if (probe_read_u64((u64)(uptr)&known, &v) || v != known)
		return -EINVAL;
	return rdmsr_safe(MSR_EFER, &v) == 0 && (v & EFER_LMA) ? 0 : -EINVAL;
}

SELFTEST(tsc_monotonic)
{
	u64 prev = rdtsc();

	for (int i = 0; i < 1000; i++) {
		u64 now = rdtsc();

		if (now < prev)
			return -EINVAL;
		prev = now;
	}
	return 0;
}

static volatile unsigned timer_ticks;

static void timer_tick(struct trap_frame *f)
{
	(void)f;
	timer_ticks++;
	lapic_eoi();
}

/* The periodic LAPIC timer interrupts at its calibrated rate: five ticks at
 * 100 Hz take 50 ms of TSC time, within a generous margin: half of it
 * (a timer running fast), ten times it (an emulator on a loaded host is
 * descheduled for a while: 207 ms was seen under QEMU TCG on 2 busy cores). */
SELFTEST(lapic_timer)
{
	const struct clock_info *c = time_clocks();
	u64 start, elapsed_ns, limit = start = rdtsc();

	limit += c->tsc_hz; /* give up after one second */
	timer_ticks = 0;
	trap_set_handler(VECTOR_LAPIC_TIMER, timer_tick);
	lapic_timer_start_periodic((u32)(c->lapic_timer_hz / TIMER_TEST_HZ), VECTOR_LAPIC_TIMER);
	irq_enable();
	while (timer_ticks < TIMER_TEST_TICKS && rdtsc() < limit)
		cpu_relax(); /* not HLT: a dead timer must not hang the boot */
	irq_disable();
	lapic_timer_stop();
	trap_set_handler(VECTOR_LAPIC_TIMER, NULL);
	elapsed_ns = time_tsc_to_ns(rdtsc() - start);
	pr_debug("selftest: %u timer ticks in %llu us", timer_ticks,
		 (elapsed_ns / 1000));
	if (timer_ticks < TIMER_TEST_TICKS) {
		pr_err("selftest: LAPIC timer gave %u of %d ticks", timer_ticks, TIMER_TEST_TICKS);
		return -ETIMEDOUT;
	}
	if (elapsed_ns < 25000000 || elapsed_ns > 500000000) {
		pr_err("selftest: %d ticks at %d Hz took %llu us", TIMER_TEST_TICKS, TIMER_TEST_HZ,
		       (elapsed_ns / 1000));
		return -ERANGE;
	}
	return 0;
}
