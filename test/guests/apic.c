/* apic: the local APIC and the IOAPIC, checked the way a CPU conformance
 * suite checks them. Through the xAPIC page: the state the BIOS leaves;
 * fixed IPIs to itself (self shorthand, physical and logical destinations,
 * broadcasts, CPUs that do not exist) with IRR, ISR, PPR and EOI; TPR
 * masking; nesting by priority class; NMI through the ICR and NMI blocking
 * until IRET; the timer one-shot and periodic, its divide configuration
 * and LVT masking. TSC-deadline mode and x2APIC mode (the same checks
 * through MSRs, and its #GP cases) when CPUID shows them: QEMU 7.2's TCG
 * has neither, so those results are "~ " lines. Then the IOAPIC routing
 * the PIT (ISA IRQ 0 on pin 2) with both 8259s masked. Counts and times
 * are "~ " lines. */
#include "apic.h"
#include "expect.h"
#include "guest.h"
#include "pic.h"
#include "pit.h"

#define MY_ID 0
#define WAIT_MS 500       /* for something that must happen */
#define QUIET_MS 10       /* for something that must not */
#define LOG_MAX 16
#define PIT_VECTOR 0x48
#define ONESHOT_COUNT 200000 /* 3.2 ms at 1 GHz / 16 */
#define LONG_COUNT 100000000 /* 100 ms at 1 GHz: room for a host that stalls */
#define PERIODIC_COUNT 62500 /* 1 ms at 1 GHz / 16 */
#define PERIODIC_TARGET 5

static const struct apic_if *apic = &apic_xapic;
static u32 tsc_per_ms;
static volatile u32 hits[256];
static volatile u32 log_vec[LOG_MAX], log_n;
static volatile u32 isr_in_handler, ppr_in_handler;

/* --- time ------------------------------------------------------------------ */

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
	vary("TSC: %u cycles a millisecond", tsc_per_ms);
}

/* Waits until *count reaches target or ms pass, with interrupts on if
 * irqs (an NMI needs none); true when it was reached. */
static bool wait_count(volatile u32 *count, u32 target, u32 ms, bool irqs)
{
	u64 end = rdtsc() + (u64)ms * tsc_per_ms;
	if (irqs)
		sti();
	while (*count < target && rdtsc() < end)
		for (int i = 0; i < 1000 && *count < target; i++)
			pause();
	cli();
	return *count >= target;
}

/* Microseconds between two TSC readings (32-bit divisions only). */
static u32 elapsed_us(u64 t0, u64 t1)
{
	u32 per_us = tsc_per_ms / 1000 ? tsc_per_ms / 1000 : 1;
	u64 d = t1 - t0;
	return d >> 32 ? 0xFFFFFFFFu : (u32)d / per_us;
}

static void quiet(u32 ms)
{
	static volatile u32 never;
	wait_count(&never, 1, ms, true);
}

/* --- handlers ---------------------------------------------------------------- */

static void reset_log(void)
{
	for (int v = 0; v < 256; v++)
		hits[v] = 0;
	log_n = 0;
}

static void note(u8 v)
{
	if (log_n < LOG_MAX)
		log_vec[log_n++] = v;
	hits[v]++;
	isr_in_handler = apic_vector_bit(apic, APIC_ISR0, v);
	ppr_in_handler = apic->rd(APIC_PPR);
}

/* A fixed interrupt: noted, then EOI. */
static void on_fixed(struct trap_frame *f)
{
	note((u8)f->vector);
	apic->wr(APIC_EOI, 0);
}

/* The spurious vector takes no EOI (SDM 11.9). */
static volatile u32 spurious;
static void on_spurious(struct trap_frame *f)
{
	(void)f;
	spurious++;
}

/* An 8259 interrupt (none is expected: they stay masked). */
static void on_pic(struct trap_frame *f)
{
	hits[f->vector]++;
	pic_eoi(f->vector - PIC_VECTOR_BASE);
}

/* --- the BIOS's state --------------------------------------------------------- */

static void check_entry_state(void)
{
	expect_eq64(rdmsr(MSR_APIC_BASE), 0xFEE00900ull,
		    "entry: IA32_APIC_BASE 0xfee00000, enabled, BSP");
	expect_eq(apic->rd(APIC_ID) >> 24, MY_ID, "entry: APIC ID");
	expect_eq(apic->rd(APIC_VER), 0x50014, "entry: version 0x14, 6 LVT entries");
	expect_eq(apic->rd(APIC_SVR), 0x1FF, "entry: SVR software-enabled, spurious vector 0xff");
	expect_eq(apic->rd(APIC_LVT_LINT0), 0x8700, "entry: LINT0 ExtINT, level (virtual wire)");
	expect_eq(apic->rd(APIC_LVT_LINT1), 0x8400, "entry: LINT1 NMI, level");
	expect_eq(apic->rd(APIC_LVT_TIMER), APIC_MASKED, "entry: LVT timer masked");
	expect_eq(apic->rd(APIC_TPR), 0, "entry: TPR");
	expect_eq(apic->rd(APIC_PPR), 0, "entry: PPR");
	expect_eq(ioapic_read(IOAPIC_VER), 0x170020, "entry: IOAPIC version 0x20, 24 pins");
	u32 unmasked = 0;
	for (int pin = 0; pin < 24; pin++)
		if (!(ioapic_read(IOAPIC_RTE_LO(pin)) & IOAPIC_MASKED))
			unmasked++;
	expect_eq(unmasked, 0, "entry: every IOAPIC pin masked");
}

/* --- fixed IPIs to itself ------------------------------------------------------ */

static void check_self_ipi(void)
{
	const char *m = apic->mode;
	reset_log();
	cli();
	apic->icr(APIC_SH_SELF | 0x40, 0);
	expect_eq(apic_vector_bit(apic, APIC_IRR0, 0x40), 1,
		  "%s: self IPI 0x40 with interrupts off: IRR bit", m);
	expect_eq(apic_vector_bit(apic, APIC_ISR0, 0x40), 0, "%s: self IPI 0x40: ISR bit before", m);
	wait_count(&hits[0x40], 1, WAIT_MS, true);
	expect_eq(hits[0x40], 1, "%s: self IPI 0x40: taken once interrupts are on", m);
	expect_eq(isr_in_handler, 1, "%s: self IPI 0x40: ISR bit in the handler", m);
	expect_eq(ppr_in_handler, 0x40, "%s: self IPI 0x40: PPR in the handler", m);
	expect_eq(apic_vector_bit(apic, APIC_ISR0, 0x40), 0, "%s: self IPI 0x40: ISR bit after EOI", m);
	expect_eq(apic_vector_bit(apic, APIC_IRR0, 0x40), 0, "%s: self IPI 0x40: IRR bit after", m);
	expect_eq(apic->rd(APIC_PPR), 0, "%s: PPR after EOI", m);
}

/* Sends a fixed IPI and says whether it arrived. */
static u32 ipi_arrives(u32 command, u32 dest, u8 vector)
{
	reset_log();
	apic->icr(command | vector, dest);
	wait_count(&hits[vector], 1, QUIET_MS, true);
	return hits[vector];
}

static void check_destinations(void)
{
	const char *m = apic->mode;
	u32 logical_me = 1, logical_other = 2; /* x2APIC: cluster 0, CPU bits 0 and 1 */
	if (apic == &apic_xapic) {
		apic->wr(APIC_DFR, 0xFFFFFFFF); /* flat model */
		apic->wr(APIC_LDR, 0x01000000);
	} else {
		expect_eq(apic->rd(APIC_LDR), 1, "%s: LDR derived from x2APIC ID 0", m);
	}
	expect_eq(ipi_arrives(0, MY_ID, 0x41), 1, "%s: IPI to its own APIC ID (physical)", m);
	expect_eq(ipi_arrives(0, MY_ID + 1, 0x42), 0, "%s: IPI to APIC ID 1 (no such CPU)", m);
	expect_eq(ipi_arrives(APIC_LOGICAL, logical_me, 0x43), 1, "%s: IPI to its logical ID", m);
	expect_eq(ipi_arrives(APIC_LOGICAL, logical_other, 0x44), 0,
		  "%s: IPI to another logical ID (no such CPU)", m);
	expect_eq(ipi_arrives(APIC_SH_ALL, 0, 0x45), 1, "%s: IPI to all including self", m);
	expect_eq(ipi_arrives(APIC_SH_OTHERS, 0, 0x46), 0, "%s: IPI to all excluding self", m);
}

/* The TPR holds back vectors of its priority class and below. */
static void check_tpr(void)
{
	const char *m = apic->mode;
	reset_log();
	apic->wr(APIC_TPR, 0x50);
	expect_eq(apic->rd(APIC_PPR), 0x50, "%s: PPR follows TPR 0x50", m);
	apic->icr(APIC_SH_SELF | 0x4E, 0);
	quiet(QUIET_MS);
	expect_eq(hits[0x4E], 0, "%s: TPR 0x50 holds back vector 0x4e", m);
	expect_eq(apic_vector_bit(apic, APIC_IRR0, 0x4E), 1, "%s: vector 0x4e waits in IRR", m);
	apic->icr(APIC_SH_SELF | 0x65, 0);
	wait_count(&hits[0x65], 1, WAIT_MS, true);
	expect_eq(hits[0x65], 1, "%s: TPR 0x50 lets vector 0x65 through", m);
	apic->wr(APIC_TPR, 0);
	wait_count(&hits[0x4E], 1, WAIT_MS, true);
	expect_eq(hits[0x4E], 1, "%s: TPR 0 lets vector 0x4e through", m);
	expect_eq(log_n == 2 ? log_vec[0] << 8 | log_vec[1] : 0, 0x654E, "%s: order 0x65 then 0x4e", m);
}

/* --- nesting by priority class ------------------------------------------------- */

static volatile u32 isr_50_in_60, ppr_in_60, isr_after_eoi_60, hits_55_in_50;

/* 0x50: sends itself 0x60 (higher class: nests) and 0x55 (same class:
 * waits for this EOI), lets interrupts in, then ends. */
static void on_50(struct trap_frame *f)
{
	note((u8)f->vector);
	apic->icr(APIC_SH_SELF | 0x55, 0);
	apic->icr(APIC_SH_SELF | 0x60, 0);
	wait_count(&hits[0x60], 1, WAIT_MS, true);
	quiet(2);
	hits_55_in_50 = hits[0x55];
	apic->wr(APIC_EOI, 0);
}

static void on_60(struct trap_frame *f)
{
	note((u8)f->vector);
	isr_50_in_60 = apic_vector_bit(apic, APIC_ISR0, 0x50);
	ppr_in_60 = apic->rd(APIC_PPR);
	apic->wr(APIC_EOI, 0);
	isr_after_eoi_60 = apic_vector_bit(apic, APIC_ISR0, 0x60) << 1 |
			   apic_vector_bit(apic, APIC_ISR0, 0x50);
}

static void check_nesting(void)
{
	const char *m = apic->mode;
	reset_log();
	idt_set_handler(0x50, on_50);
	idt_set_handler(0x60, on_60);
	apic->icr(APIC_SH_SELF | 0x50, 0);
	wait_count(&hits[0x55], 1, WAIT_MS, true);
	expect_eq(log_n, 3, "%s: nesting: three interrupts taken", m);
	expect_eq(log_vec[0] << 16 | log_vec[1] << 8 | log_vec[2], 0x506055,
		  "%s: nesting: order 0x50, 0x60 (inside), 0x55 (after the EOI)", m);
	expect_eq(isr_50_in_60, 1, "%s: nesting: 0x50 still in service inside 0x60", m);
	expect_eq(ppr_in_60, 0x60, "%s: nesting: PPR 0x60 inside 0x60", m);
	expect_eq(isr_after_eoi_60, 1, "%s: nesting: EOI ends 0x60, the highest, not 0x50", m);
	expect_eq(hits_55_in_50, 0, "%s: nesting: 0x55 (same class) waits for 0x50's EOI", m);
	idt_set_handler(0x50, on_fixed);
	idt_set_handler(0x60, on_fixed);
}

/* --- NMI ------------------------------------------------------------------------ */

static volatile u32 nmi_count, nmi_depth, nmi_nested, nmi_resend, nmi_count_in_handler;

/* An NMI handler that may send itself another NMI: that one must wait
 * for this handler's IRET (SDM 6.7.1). */
static void on_nmi(struct trap_frame *f)
{
	(void)f;
	nmi_count++;
	if (nmi_depth++)
		nmi_nested++;
	if (nmi_resend) {
		nmi_resend = 0;
		apic->icr(APIC_DM_NMI, MY_ID);
		for (int i = 0; i < 200000; i++)
			pause();
		nmi_count_in_handler = nmi_count;
	}
	nmi_depth--;
}

static void check_nmi(void)
{
	const char *m = apic->mode;
	nmi_count = nmi_nested = 0;
	cli();
	apic->icr(APIC_DM_NMI | 0x99, MY_ID); /* the vector is ignored */
	wait_count(&nmi_count, 1, WAIT_MS, false);
	expect_eq(nmi_count, 1, "%s: NMI to itself through the ICR, taken with interrupts off", m);
	nmi_resend = 1;
	apic->icr(APIC_DM_NMI, MY_ID);
	wait_count(&nmi_count, 3, WAIT_MS, false);
	expect_eq(nmi_count, 3, "%s: NMI sent inside the NMI handler arrives", m);
	expect_eq(nmi_count_in_handler, 2, "%s: ... only after the handler's IRET", m);
	expect_eq(nmi_nested, 0, "%s: no NMI handler ran inside another", m);
}

/* --- the timer ----------------------------------------------------------------- */

static void check_timer_oneshot(void)
{
	const char *m = apic->mode;
	reset_log();
	apic->wr(APIC_TDCR, APIC_DIV_1);
	apic->wr(APIC_LVT_TIMER, APIC_MASKED | 0x70);
	apic->wr(APIC_TMICT, LONG_COUNT);
	u32 c1 = apic->rd(APIC_TMCCT);
	for (int i = 0; i < 1000; i++)
		pause();
	u32 c2 = apic->rd(APIC_TMCCT);
	expect_that(c1 > 0 && c1 <= LONG_COUNT, "0 < count <= initial", "another count",
		    "%s: one-shot: current count within the initial count", m);
	expect_that(c2 < c1, "a smaller count", "no smaller one", "%s: one-shot: counts down", m);
	apic->wr(APIC_TDCR, APIC_DIV_16);
	apic->wr(APIC_LVT_TIMER, 0x70);
	apic->wr(APIC_TMICT, ONESHOT_COUNT);
	wait_count(&hits[0x70], 1, WAIT_MS, true);
	expect_eq(hits[0x70], 1, "%s: one-shot: interrupt", m);
	expect_eq(apic->rd(APIC_TMCCT), 0, "%s: one-shot: count 0 after it", m);
	quiet(QUIET_MS);
	expect_eq(hits[0x70], 1, "%s: one-shot: no second interrupt", m);
	expect_eq(apic->rd(APIC_TMICT), ONESHOT_COUNT, "%s: one-shot: initial count kept", m);
	vary("%s: one-shot counts read %u then %u", m, c1, c2);
}

static void check_timer_periodic(void)
{
	const char *m = apic->mode;
	reset_log();
	apic->wr(APIC_TDCR, APIC_DIV_16);
	apic->wr(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | 0x71);
	apic->wr(APIC_TMICT, PERIODIC_COUNT);
	u64 t0 = rdtsc();
	for (int i = 0; i < 200 && hits[0x71] < PERIODIC_TARGET; i++)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	u64 t1 = rdtsc();
	u32 c = apic->rd(APIC_TMCCT);
	expect_that(hits[0x71] >= PERIODIC_TARGET, "5 or more", "fewer",
		    "%s: periodic: interrupts wake HLT, again and again", m);
	expect_that(c > 0 && c <= PERIODIC_COUNT, "0 < count <= initial", "another count",
		    "%s: periodic: count reloads", m);
	apic->wr(APIC_TMICT, 0);
	quiet(1); /* an expiry before the write may still be pending: let it in */
	u32 n = hits[0x71];
	quiet(QUIET_MS);
	expect_eq(hits[0x71], n, "%s: periodic: initial count 0 stops it", m);
	expect_eq(apic->rd(APIC_TMCCT), 0, "%s: periodic: stopped count", m);
	vary("%s: periodic: %u interrupts in %u us", m, n, elapsed_us(t0, t1));
}

/* Timer ticks in about 2 ms (a masked one-shot from the largest count),
 * and the TSC cycles they took in *tsc: a host that stalls the guest
 * lengthens both alike. */
static u32 ticks_in_2ms(u32 divide, u64 *tsc)
{
	apic->wr(APIC_LVT_TIMER, APIC_MASKED | 0x72);
	apic->wr(APIC_TDCR, divide);
	apic->wr(APIC_TMICT, 0xFFFFFFFF);
	u32 c0 = apic->rd(APIC_TMCCT);
	u64 t0 = rdtsc(), t1;
	while ((t1 = rdtsc()) < t0 + 2ull * tsc_per_ms)
		pause();
	u32 c1 = apic->rd(APIC_TMCCT);
	apic->wr(APIC_TMICT, 0);
	*tsc = t1 - t0;
	return c0 - c1;
}

static void check_timer_divide_and_mask(void)
{
	const char *m = apic->mode;
	if (apic == &apic_xapic) {
		apic->wr(APIC_TDCR, 0xFF);
		expect_eq(apic->rd(APIC_TDCR), 0xB, "%s: divide register keeps bits 0, 1, 3", m);
	}
	u64 t1, t128;
	u32 d1 = ticks_in_2ms(APIC_DIV_1, &t1), d128 = ticks_in_2ms(APIC_DIV_128, &t128);
	expect_that((u64)d1 * t128 > 16 * (u64)d128 * t1, "over 16 times the rate", "less",
		    "%s: divide by 1 counts faster than divide by 128", m);
	vary("%s: timer ticks in 2 ms: %u (divide 1), %u (divide 128)", m, d1, d128);
	reset_log();
	apic->wr(APIC_LVT_TIMER, APIC_MASKED | 0x73);
	apic->wr(APIC_TDCR, APIC_DIV_1);
	apic->wr(APIC_TMICT, 100000); /* 0.1 ms */
	quiet(QUIET_MS);
	expect_eq(hits[0x73], 0, "%s: masked LVT: no interrupt", m);
	expect_eq(apic->rd(APIC_TMCCT), 0, "%s: masked LVT: the count still ran out", m);
	apic->wr(APIC_LVT_TIMER, 0x73);
	quiet(QUIET_MS);
	expect_eq(hits[0x73], 0, "%s: masked LVT: the expiry is lost, not held", m);
}

/* --- TSC-deadline mode (SDM 11.5.4.1) ------------------------------------------ */

static void check_tsc_deadline(void)
{
	const char *m = apic->mode;
	if (!cpu_has(1, 0, 2, CPUID1_ECX_TSC_DEADLINE)) {
		vary("%s: TSC-deadline: CPUID does not show it; checks skipped", m);
		return;
	}
	bool vary_was = expect_vary(true);
	reset_log();
	apic->wr(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | 0x74);
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 20ull * tsc_per_ms); /* far enough for a slow host */
	expect_that(rdmsr(MSR_TSC_DEADLINE) != 0, "armed", "0", "%s: TSC-deadline: MSR reads back", m);
	wait_count(&hits[0x74], 1, WAIT_MS, true);
	expect_eq(hits[0x74], 1, "%s: TSC-deadline: interrupt", m);
	expect_eq64(rdmsr(MSR_TSC_DEADLINE), 0, "%s: TSC-deadline: disarmed after it", m);
	wrmsr(MSR_TSC_DEADLINE, 1);
	wait_count(&hits[0x74], 2, WAIT_MS, true);
	expect_eq(hits[0x74], 2, "%s: TSC-deadline: a deadline in the past fires at once", m);
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 8ull * tsc_per_ms);
	wrmsr(MSR_TSC_DEADLINE, 0);
	quiet(3 * QUIET_MS); /* well past the deadline that was disarmed */
	expect_eq(hits[0x74], 2, "%s: TSC-deadline: writing 0 disarms", m);
	apic->wr(APIC_TMICT, 1000);
	expect_eq(apic->rd(APIC_TMICT), 0, "%s: TSC-deadline: initial count ignored", m);
	expect_eq(apic->rd(APIC_TMCCT), 0, "%s: TSC-deadline: current count 0", m);
	apic->wr(APIC_LVT_TIMER, APIC_MASKED);
	wrmsr(MSR_TSC_DEADLINE, 12345);
	expect_eq64(rdmsr(MSR_TSC_DEADLINE), 0, "%s: one-shot mode: the MSR reads 0", m);
	expect_vary(vary_was);
}

/* --- the checks both modes share ------------------------------------------------- */

static void check_all(void)
{
	check_self_ipi();
	check_destinations();
	check_tpr();
	check_nesting();
	check_nmi();
	check_timer_oneshot();
	check_timer_periodic();
	check_timer_divide_and_mask();
	check_tsc_deadline();
}

/* --- x2APIC mode (SDM 11.12) ------------------------------------------------------ */

static u32 gp_read_msr, gp_write_msr;
static u64 gp_write_value;
static void do_rdmsr(void *arg) { (void)arg; rdmsr(gp_read_msr); }
static void do_wrmsr(void *arg) { (void)arg; wrmsr(gp_write_msr, gp_write_value); }

static bool rdmsr_faults(u32 msr)
{
	gp_read_msr = msr;
	return fault_try(do_rdmsr, 0, 0) == VEC_GP;
}

static bool wrmsr_faults(u32 msr, u64 value)
{
	gp_write_msr = msr;
	gp_write_value = value;
	return fault_try(do_wrmsr, 0, 0) == VEC_GP;
}

/* Table 11-6 and 11.12.1.3: #GP for a read-only register written, a
 * write-only one read, one x2APIC mode lacks, a reserved bit set. */
static void check_x2apic_faults(void)
{
	static const struct {
		u32 msr;
		bool write;
		u64 value;
		const char *what;
	} cases[] = {
		{ 0x802, true, 0, "WRMSR of the ID (read-only)" },
		{ 0x80B, false, 0, "RDMSR of EOI (write-only)" },
		{ 0x80B, true, 1, "WRMSR of EOI with a non-zero value" },
		{ 0x808, true, 0x100, "WRMSR of TPR with a reserved bit" },
		{ 0x808, true, 1ull << 32, "WRMSR of TPR with bits 63:32 set" },
		{ 0x809, false, 0, "RDMSR of APR (not in x2APIC mode)" },
		{ 0x80E, false, 0, "RDMSR of DFR (not in x2APIC mode)" },
		{ 0x831, false, 0, "RDMSR of 831H (the ICR is one MSR)" },
		{ 0x83E, true, 0xFF, "WRMSR of the divide register with reserved bits" },
		{ 0x83F, false, 0, "RDMSR of SELF IPI (write-only)" },
	};
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		bool gp = cases[i].write ? wrmsr_faults(cases[i].msr, cases[i].value)
					 : rdmsr_faults(cases[i].msr);
		expect_that(gp, "#GP", "none", "x2apic: %s", cases[i].what);
	}
}

/* Leaving x2APIC mode only through the disabled state (11.12.5), which
 * resets the APIC; the BIOS's state is put back for what follows. */
static void check_x2apic_exit(void)
{
	u32 base = LAPIC_BASE | APIC_BASE_BSP;
	expect_that(wrmsr_faults(MSR_APIC_BASE, base | APIC_BASE_EN), "#GP", "none",
		    "x2apic: straight back to xAPIC mode");
	expect_that(!wrmsr_faults(MSR_APIC_BASE, base), "no fault", "#GP", "x2apic: to disabled");
	expect_that(!wrmsr_faults(MSR_APIC_BASE, base | APIC_BASE_EN), "no fault", "#GP",
		    "x2apic: disabled, then xAPIC mode");
	apic = &apic_xapic;
	expect_eq(apic->rd(APIC_SVR), 0xFF, "x2apic: disabling reset the APIC (SVR 0xff)");
	expect_that(rdmsr_faults(MSR_X2APIC(APIC_ID)), "#GP", "none",
		    "xapic: x2APIC MSRs fault in xAPIC mode");
	apic->wr(APIC_SVR, 0x1FF);
	apic->wr(APIC_LVT_LINT0, 0x8700);
	apic->wr(APIC_LVT_LINT1, 0x8400);
}

static void check_x2apic(void)
{
	if (!cpu_has(1, 0, 2, CPUID1_ECX_X2APIC)) {
		vary("x2apic: CPUID does not show it; checks skipped");
		return;
	}
	expect_vary(true);
	wrmsr(MSR_APIC_BASE, LAPIC_BASE | APIC_BASE_BSP | APIC_BASE_EN | APIC_BASE_EXTD);
	expect_eq64(rdmsr(MSR_APIC_BASE), 0xFEE00D00ull, "x2apic: IA32_APIC_BASE with EXTD");
	apic = &apic_x2apic;
	expect_eq(apic->rd(APIC_ID), MY_ID, "x2apic: x2APIC ID");
	expect_eq(apic->rd(APIC_VER), 0x50014, "x2apic: version");
	expect_eq(apic->rd(APIC_SVR), 0x1FF, "x2apic: SVR kept from xAPIC mode");
	reset_log();
	wrmsr(MSR_X2APIC_SELF_IPI, 0x4A);
	wait_count(&hits[0x4A], 1, WAIT_MS, true);
	expect_eq(hits[0x4A], 1, "x2apic: SELF IPI register");
	check_all();
	check_x2apic_faults();
	check_x2apic_exit();
	expect_vary(false);
}

/* --- the IOAPIC --------------------------------------------------------------------- */

static void check_ioapic(void)
{
	reset_log();
	pic_set_mask(0xFFFF);
	ioapic_write(IOAPIC_RTE_HI(2), MY_ID << 24);
	ioapic_write(IOAPIC_RTE_LO(2), PIT_VECTOR); /* fixed, physical, edge, active high */
	pit_ch0_periodic(1000);
	wait_count(&hits[PIT_VECTOR], 5, WAIT_MS, true);
	expect_that(hits[PIT_VECTOR] >= 5, "5 or more", "fewer",
		    "ioapic: the PIT (ISA IRQ 0) arrives through pin 2");
	expect_eq(hits[PIC_VECTOR_BASE], 0, "ioapic: the masked 8259 delivers nothing");
	expect_eq(ioapic_read(IOAPIC_RTE_LO(2)), PIT_VECTOR,
		  "ioapic: pin 2 entry reads back (delivery status idle, no remote IRR)");
	ioapic_write(IOAPIC_RTE_LO(2), IOAPIC_MASKED | PIT_VECTOR);
	quiet(2);
	u32 n = hits[PIT_VECTOR];
	quiet(QUIET_MS * 2);
	expect_eq(hits[PIT_VECTOR], n, "ioapic: a masked pin delivers nothing");
	ioapic_write(IOAPIC_RTE_LO(0), 0x49);
	quiet(QUIET_MS * 2);
	expect_eq(hits[0x49], 0, "ioapic: pin 0 does not carry IRQ 0");
	ioapic_write(IOAPIC_RTE_LO(0), IOAPIC_MASKED);
	pit_ch0_stop();
	vary("ioapic: %u PIT interrupts through pin 2", n);
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("apic", magic, mbi);
	pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8); /* the BIOS's 8259 setup is not ours */
	for (int v = PIC_VECTOR_BASE; v < PIC_VECTOR_BASE + 16; v++)
		if ((v & 7) != 7) /* IRQ 7 and 15 keep pic.c's spurious handling */
			idt_set_handler((u8)v, on_pic);
	for (int v = PIC_VECTOR_BASE + 16; v < 0xFF; v++)
		idt_set_handler((u8)v, on_fixed);
	idt_set_handler(0xFF, on_spurious);
	idt_set_handler(2, on_nmi);
	calibrate_tsc();
	check_entry_state();
	check_all();
	check_x2apic();
	check_ioapic();
	expect_eq(spurious, 0, "no spurious interrupts");
	return (int)guest_done();
}
