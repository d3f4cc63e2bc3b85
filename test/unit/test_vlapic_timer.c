// sources: hv/vdev/lapic*.c hv/io_bus.c
/*
 * hv/vdev/lapic_timer.c: the count as a function of time for every divide
 * value, one-shot and periodic expiries, coalescing, masking, divide and
 * mode changes while counting, and TSC-deadline mode (arming, firing,
 * self-disarming, past deadlines, the registers it ignores). The timer's
 * input clock is 1 GHz: one tick a nanosecond before the divider.
 */
#include "vlapic_fixture.h"

#define VEC 0x40

static void at(struct lapic_fix *f, u64 ns)
{
	f->clock.now = ns;
	vlapic_update(&f->l);
}

/* Takes (acks and EOIs) the timer's vector if it is pending. */
static bool took_interrupt(struct lapic_fix *f)
{
	if (vlapic_pending_vector(&f->l) != VEC)
		return false;
	vlapic_ack(&f->l);
	wr(f, EOI, 0);
	return true;
}

static int setup(void **state)
{
	fix_setup(state);
	sw_enable(*state);
	return 0;
}

/* Every divide configuration (Figure 11-10): divisor 2^(n+1) for bits
 * 3,1,0 = n, and 1 for 111b. */
static void test_divide_values(void **state)
{
	struct lapic_fix *f = *state;
	static const struct {
		u32 dcr, divisor;
	} divs[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 },
		{ 0xA, 128 }, { 0xB, 1 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(divs); i++) {
		u64 t0 = f->clock.now, period = 1000ULL * divs[i].divisor;

		wr(f, LVT_TIMER, VEC);
		wr(f, TDCR, divs[i].dcr | 0xF0); /* reserved bits dropped */
		assert_int_equal(rd(f, TDCR), divs[i].dcr);
		wr(f, TMICT, 1000);
		assert_int_equal(rd(f, TMCCT), 1000);
		assert_true(vlapic_next_event_ns(&f->l) == t0 + period);
		f->clock.now = t0 + divs[i].divisor * 250 + divs[i].divisor - 1;
		assert_int_equal(rd(f, TMCCT), 750);
		at(f, t0 + period - 1);
		assert_false(took_interrupt(f));
		at(f, t0 + period);
		assert_true(took_interrupt(f));
		assert_int_equal(rd(f, TMCCT), 0);
	}
}

/* One-shot: counts down once, interrupts once, stays at 0. */
static void test_oneshot(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, TDCR, DIV_16);
	wr(f, LVT_TIMER, VEC);
	wr(f, TMICT, 100); /* 1600 ns */
	f->clock.now = 800;
	assert_int_equal(rd(f, TMCCT), 50);
	at(f, 1599);
	assert_false(took_interrupt(f));
	at(f, 1600);
	assert_true(took_interrupt(f));
	assert_int_equal(rd(f, TMCCT), 0);
	assert_int_equal(rd(f, TMICT), 100);
	assert_true(vlapic_next_event_ns(&f->l) == VLAPIC_NEVER);
	at(f, 1000000);
	assert_false(took_interrupt(f));
	assert_int_equal(f->l.stats.timer_fires, 1);
	wr(f, TMICT, 10); /* a new count starts it again */
	at(f, 1000000 + 160);
	assert_true(took_interrupt(f));
}

/* Periodic: reloads at every expiry; late updates merge expiries; writing
 * 0 stops it. */
static void test_periodic(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, TDCR, DIV_2);
	wr(f, LVT_TIMER, PERIODIC | VEC);
	wr(f, TMICT, 500); /* 1000 ns */
	for (u64 k = 1; k <= 5; k++) {
		at(f, k * 1000 - 1);
		assert_false(took_interrupt(f));
		at(f, k * 1000);
		assert_true(took_interrupt(f));
		assert_int_equal(rd(f, TMCCT), 500);
	}
	f->clock.now = 5300;
	assert_int_equal(rd(f, TMCCT), 350);
	at(f, 9500); /* expiries at 6000..9000 pass unseen: one interrupt */
	assert_true(took_interrupt(f));
	assert_int_equal(f->l.stats.timer_coalesced, 3);
	assert_int_equal(rd(f, TMCCT), 250);
	assert_true(vlapic_next_event_ns(&f->l) == 10000);
	wr(f, TMICT, 0);
	assert_int_equal(rd(f, TMCCT), 0);
	at(f, 100000);
	assert_false(took_interrupt(f));
	assert_true(vlapic_next_event_ns(&f->l) == VLAPIC_NEVER);
}

/* A masked LVT: the count runs, no interrupt, no deadline to exit for; an
 * expiry while masked is lost. */
static void test_masked(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, TDCR, DIV_1);
	wr(f, LVT_TIMER, MASKED | VEC);
	wr(f, TMICT, 100);
	assert_true(vlapic_next_event_ns(&f->l) == VLAPIC_NEVER);
	f->clock.now = 40;
	assert_int_equal(rd(f, TMCCT), 60);
	f->clock.now = 150;
	wr(f, LVT_TIMER, VEC); /* unmasked after the expiry */
	assert_false(took_interrupt(f));
	assert_int_equal(f->l.stats.timer_masked, 1);
	assert_int_equal(rd(f, TMCCT), 0);
}

/* A new divider applies to the count as it stands. */
static void test_divide_change_while_counting(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, TDCR, DIV_1);
	wr(f, LVT_TIMER, VEC);
	wr(f, TMICT, 1000);
	f->clock.now = 400;
	wr(f, TDCR, DIV_128); /* 600 ticks left, now 128 ns each */
	assert_int_equal(rd(f, TMCCT), 600);
	assert_true(vlapic_next_event_ns(&f->l) == 400 + 600 * 128);
	at(f, 400 + 600 * 128 - 1);
	assert_false(took_interrupt(f));
	at(f, 400 + 600 * 128);
	assert_true(took_interrupt(f));
}

/* One-shot <-> periodic keeps counting; to or from TSC-deadline disarms
 * (SDM 11.5.4.1). */
static void test_mode_changes(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, TDCR, DIV_1);
	wr(f, LVT_TIMER, VEC);
	wr(f, TMICT, 100);
	f->clock.now = 30;
	wr(f, LVT_TIMER, PERIODIC | VEC);
	assert_int_equal(rd(f, TMCCT), 70);
	at(f, 100);
	assert_true(took_interrupt(f));
	at(f, 200);
	assert_true(took_interrupt(f)); /* periodic now */
	wr(f, LVT_TIMER, TSC_DEADLINE | VEC);
	assert_int_equal(rd(f, TMICT), 0);
	assert_int_equal(rd(f, TMCCT), 0);
	wr(f, TMICT, 50); /* ignored in TSC-deadline mode */
	assert_int_equal(rd(f, TMICT), 0);
	at(f, 10000);
	assert_false(took_interrupt(f));
}

static u64 deadline(struct lapic_fix *f)
{
	u64 v = 0xDEAD;

	assert_int_equal(vlapic_msr_read(&f->l, VLAPIC_MSR_TSC_DEADLINE, &v), 0);
	return v;
}

static void set_deadline(struct lapic_fix *f, u64 tsc)
{
	assert_int_equal(vlapic_msr_write(&f->l, VLAPIC_MSR_TSC_DEADLINE, tsc), 0);
}

/* TSC-deadline: fires when the TSC reaches IA32_TSC_DEADLINE, which then
 * reads 0; a past deadline fires at once; 0 disarms; other modes read 0
 * and ignore writes. */
static void test_tsc_deadline(void **state)
{
	struct lapic_fix *f = *state;

	f->tsc_offset = 1000000;
	set_deadline(f, 5000000); /* one-shot mode: ignored */
	assert_true(deadline(f) == 0);
	wr(f, LVT_TIMER, TSC_DEADLINE | VEC);
	f->clock.now = 100; /* TSC 1000300 */
	set_deadline(f, 1000300 + 3000);
	assert_true(deadline(f) == 1003300);
	assert_true(vlapic_next_event_ns(&f->l) == 100 + 1000);
	at(f, 1099);
	assert_false(took_interrupt(f));
	at(f, 1100);
	assert_true(took_interrupt(f));
	assert_true(deadline(f) == 0);
	assert_true(vlapic_next_event_ns(&f->l) == VLAPIC_NEVER);
	set_deadline(f, 5); /* in the past */
	assert_true(took_interrupt(f));
	set_deadline(f, 1003300 + 30);
	set_deadline(f, 0);
	at(f, 5000);
	assert_false(took_interrupt(f));
	f->tsc_offset += 1000000; /* the guest moved its TSC forward */
	set_deadline(f, fix_tsc_at(f, 5000) + 300);
	assert_true(vlapic_next_event_ns(&f->l) == 5100);
	wr(f, LVT_TIMER, TSC_DEADLINE | VEC | MASKED);
	at(f, 6000);
	assert_false(took_interrupt(f));
	assert_int_equal(f->l.stats.timer_masked, 1);
	assert_int_equal(f->l.stats.timer_fires, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_divide_values, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_oneshot, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_periodic, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_masked, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_divide_change_while_counting, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_mode_changes, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_tsc_deadline, setup, fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
