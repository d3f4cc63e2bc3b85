/* TSC and LAPIC timer calibration against PIT channel 2. */
#include "arch/x86/time.h"

#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/pit.h"
#include "errno.h"
#include "log.h"

#define CALIBRATION_PIT_TICKS 59659   /* 50 ms at 1.193182 MHz */
#define CALIBRATION_TIMEOUT_TSC (1ULL << 36) /* give up: PIT not counting */
#define CPUID_TSC_LEAF 0x15            /* SDM Vol 2A, CPUID "Time Stamp Counter and Nominal Core Crystal Clock" */
#define CPUID_INVARIANT_TSC_LEAF 0x80000007
#define CPUID_INVARIANT_TSC (1u << 8)  /* EDX: SDM Vol 3, 18.17.1 "Invariant TSC" */
#define LAPIC_COUNT_MAX 0xFFFFFFFFu

static struct clock_info clocks;
static u64 boot_tsc;

static u64 tsc_hz_from_cpuid(void)
{
	struct cpuid_regs r;

	if (cpuid(0).eax < CPUID_TSC_LEAF)
		return 0;
	r = cpuid(CPUID_TSC_LEAF);
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (u64)r.ecx * r.ebx / r.eax;
}

/* Runs one PIT window with the LAPIC timer counting down beside it. */
static int measure_against_pit(u64 *tsc_delta, u32 *lapic_delta)
{
	u64 start, now;
	u32 lapic_start;

	lapic_timer_start_oneshot(LAPIC_COUNT_MAX, 0);
	lapic_start = lapic_timer_current();
	pit_oneshot_start(CALIBRATION_PIT_TICKS);
	start = rdtsc();
	do {
		now = rdtsc();
		if (now - start > CALIBRATION_TIMEOUT_TSC)
			return -ETIMEDOUT;
	} while (!pit_oneshot_done());
	*lapic_delta = lapic_start - lapic_timer_current();
	*tsc_delta = now - start;
	lapic_timer_stop();
	return 0;
}

int time_init(void)
{
	struct cpuid_regs ext;
	u64 tsc_delta;
	u32 lapic_delta;
	int err;

	ext = cpuid(0x80000000).eax >= CPUID_INVARIANT_TSC_LEAF ? cpuid(CPUID_INVARIANT_TSC_LEAF)
								 : (struct cpuid_regs){ 0 };
	clocks.tsc_invariant = ext.edx & CPUID_INVARIANT_TSC;
	clocks.tsc_hz_cpuid = tsc_hz_from_cpuid();
	err = measure_against_pit(&tsc_delta, &lapic_delta);
	if (err) {
		pr_err("time: the PIT never finished counting; cannot calibrate clocks");
		return err;
	}
	clocks.tsc_hz_measured = tsc_delta * PIT_HZ / CALIBRATION_PIT_TICKS;
	clocks.lapic_timer_hz = (u64)lapic_delta * PIT_HZ / CALIBRATION_PIT_TICKS;
	clocks.tsc_hz = clocks.tsc_hz_cpuid ? clocks.tsc_hz_cpuid : clocks.tsc_hz_measured;
	clocks.tsc_source = clocks.tsc_hz_cpuid ? "CPUID 15H" : "PIT calibration";
	boot_tsc = rdtsc();
	pr_info("time: TSC %llu kHz (%s; measured %llu kHz), %sinvariant; LAPIC timer %llu kHz",
		(clocks.tsc_hz / 1000), clocks.tsc_source,
		(clocks.tsc_hz_measured / 1000),
		clocks.tsc_invariant ? "" : "not ", (clocks.lapic_timer_hz / 1000));
	if (!clocks.tsc_hz || !clocks.lapic_timer_hz)
		return -EIO;
	return 0;
}

const struct clock_info *time_clocks(void)
{
	return &clocks;
}

u64 time_tsc_to_ns(u64 cycles)
{
	/* Split to avoid overflow for long intervals. */
	return cycles / clocks.tsc_hz * 1000000000ULL +
	       cycles % clocks.tsc_hz * 1000000000ULL / clocks.tsc_hz;
}

u64 time_ns_to_tsc(u64 ns)
{
	return ns / 1000000000ULL * clocks.tsc_hz +
	       ns % 1000000000ULL * clocks.tsc_hz / 1000000000ULL;
}

u64 time_now_ns(void)
{
	return time_tsc_to_ns(rdtsc() - boot_tsc);
}
