// sources: hv/vdev/cmos_rtc.c hv/io_bus.c
/*
 * hv/vdev/cmos_rtc.c: calendar arithmetic against the C library and a day
 * walk, BCD/binary and 12/24-hour registers, the UIP window, rollovers at
 * month and year ends and leap days (2000, 2100), setting the time with and
 * without SET, register C flags and IRQ 8 for update, periodic and alarm
 * interrupts, CMOS memory-size bytes, the NMI bit, and random traffic.
 */
#include "vdev_helpers.h"

#include <time.h>

#include "hv/vdev/cmos_rtc.h"

#define INDEX 0x70
#define DATA 0x71

#define R_SEC 0x00
#define R_SEC_ALARM 0x01
#define R_MIN 0x02
#define R_MIN_ALARM 0x03
#define R_HOUR 0x04
#define R_HOUR_ALARM 0x05
#define R_WDAY 0x06
#define R_MDAY 0x07
#define R_MONTH 0x08
#define R_YEAR 0x09
#define R_A 0x0A
#define R_B 0x0B
#define R_C 0x0C
#define R_D 0x0D
#define R_CENTURY 0x32

#define MIB (1024ULL * 1024)

struct fixture {
	struct vrtc rtc;
	struct io_bus bus;
	struct fake_clock clock;
	struct irq_rec irq;
};

/* Seconds since the epoch of a UTC date, from the C library. */
static s64 utc(int y, int mon, int d, int h, int min, int s)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d,
		.tm_hour = h, .tm_min = min, .tm_sec = s,
	};

	return (s64)timegm(&tm);
}

static struct fixture *make(void **state, s64 boot, u64 mem)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->bus);
	vrtc_init(&f->rtc, fake_vclock(&f->clock), irq_rec_line(&f->irq, VRTC_IRQ), (u64)boot,
		  mem);
	assert_int_equal(vrtc_attach(&f->rtc, &f->bus), 0);
	*state = f;
	return f;
}

static int setup(void **state)
{
	make(state, utc(2024, 2, 29, 23, 59, 58), 256 * MIB);
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static u8 cmos(struct fixture *f, u8 idx)
{
	bus_outb(&f->bus, INDEX, idx);
	return bus_inb(&f->bus, DATA);
}

static void cmos_set(struct fixture *f, u8 idx, u8 value)
{
	bus_outb(&f->bus, INDEX, idx);
	bus_outb(&f->bus, DATA, value);
}

/* The eight time registers, oldest-first as a BIOS would print them. */
static void expect_time(struct fixture *f, u8 century, u8 year, u8 month, u8 mday, u8 wday,
			u8 hour, u8 min, u8 sec)
{
	assert_int_equal(cmos(f, R_CENTURY), century);
	assert_int_equal(cmos(f, R_YEAR), year);
	assert_int_equal(cmos(f, R_MONTH), month);
	assert_int_equal(cmos(f, R_MDAY), mday);
	assert_int_equal(cmos(f, R_WDAY), wday);
	assert_int_equal(cmos(f, R_HOUR), hour);
	assert_int_equal(cmos(f, R_MIN), min);
	assert_int_equal(cmos(f, R_SEC), sec);
}

static bool irq8(struct fixture *f)
{
	return f->irq.level[VRTC_IRQ];
}

/* --- calendar --------------------------------------------------------------- */

static void test_days_from_civil_known(void **state)
{
	assert_int_equal(vrtc_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(vrtc_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(vrtc_days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(vrtc_days_from_civil(2000, 3, 1), 11017);
	/* 1900 and 2100 are not leap years, 2000 and 2400 are */
	assert_int_equal(vrtc_days_from_civil(1900, 3, 1) - vrtc_days_from_civil(1900, 2, 28), 1);
	assert_int_equal(vrtc_days_from_civil(2100, 3, 1) - vrtc_days_from_civil(2100, 2, 28), 1);
	assert_int_equal(vrtc_days_from_civil(2000, 3, 1) - vrtc_days_from_civil(2000, 2, 28), 2);
	assert_int_equal(vrtc_days_from_civil(2400, 3, 1) - vrtc_days_from_civil(2400, 2, 28), 2);
	assert_int_equal(vrtc_days_from_civil(2001, 1, 1) - vrtc_days_from_civil(2000, 1, 1), 366);
	assert_int_equal(vrtc_days_from_civil(2101, 1, 1) - vrtc_days_from_civil(2100, 1, 1), 365);
	assert_int_equal(vrtc_days_from_civil(2100, 1, 1) * 86400, utc(2100, 1, 1, 0, 0, 0));
}

/* Walks every day from 1600 to 2500 with a month-length table and the
 * Gregorian leap rule, checking both directions of the conversion. */
static void test_calendar_day_walk(void **state)
{
	static const u8 mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	s64 days = vrtc_days_from_civil(1600, 1, 1);

	for (int y = 1600; y <= 2500; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		for (unsigned m = 1; m <= 12; m++) {
			unsigned len = mdays[m - 1] + (m == 2 && leap);

			for (unsigned d = 1; d <= len; d++, days++) {
				struct vrtc_tm tm;

				assert_int_equal(vrtc_days_from_civil(y, m, d), days);
				vrtc_epoch_to_tm(days * 86400 + 43200, &tm);
				if (tm.year != y || tm.month != m || tm.day != d)
					fail_msg("day %lld: %lld-%u-%u, want %d-%u-%u",
						 (long long)days, (long long)tm.year, tm.month,
						 tm.day, y, m, d);
			}
		}
	}
}

/* Random instants against the C library's gmtime_r(), both directions. */
static void test_epoch_to_tm_matches_libc(void **state)
{
	u64 seed = 7;

	for (unsigned i = 0; i < 200000; i++) {
		/* years 1 to about 10000 */
		s64 secs = (s64)(vdev_rand(&seed) % 315537897600ULL) - 62135596800LL;
		time_t t = (time_t)secs;
		struct tm want;
		struct vrtc_tm got;

		assert_non_null(gmtime_r(&t, &want));
		vrtc_epoch_to_tm(secs, &got);
		assert_int_equal(got.year, want.tm_year + 1900);
		assert_int_equal(got.month, want.tm_mon + 1);
		assert_int_equal(got.day, want.tm_mday);
		assert_int_equal(got.hour, want.tm_hour);
		assert_int_equal(got.min, want.tm_min);
		assert_int_equal(got.sec, want.tm_sec);
		assert_int_equal(got.wday, want.tm_wday + 1);
		assert_int_equal(vrtc_tm_to_epoch(&got), secs);
	}
}

/* --- registers -------------------------------------------------------------- */

static void test_bcd_time_and_leap_day_rollover(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cmos(f, R_A), 0x26);
	assert_int_equal(cmos(f, R_B), 0x02);
	assert_int_equal(cmos(f, R_D), 0x80);
	/* 2024-02-29 23:59:58, a Thursday */
	expect_time(f, 0x20, 0x24, 0x02, 0x29, 5, 0x23, 0x59, 0x58);
	f->clock.now = NS_PER_SEC - 1;
	assert_int_equal(cmos(f, R_SEC), 0x58);
	f->clock.now = 2 * NS_PER_SEC;
	expect_time(f, 0x20, 0x24, 0x03, 0x01, 6, 0x00, 0x00, 0x00);
	assert_int_equal(vrtc_wall_time(&f->rtc), utc(2024, 3, 1, 0, 0, 0));
}

static void test_rollovers(void **state)
{
	static const struct {
		int y, m, d;         /* a date's last second */
		u8 cent, year, month, mday;
	} cases[] = {
		{ 1999, 12, 31, 0x20, 0x00, 0x01, 0x01 }, /* century */
		{ 2099, 12, 31, 0x21, 0x00, 0x01, 0x01 },
		{ 2000, 2, 28, 0x20, 0x00, 0x02, 0x29 },  /* 2000 is leap */
		{ 2100, 2, 28, 0x21, 0x00, 0x03, 0x01 },  /* 2100 is not */
		{ 2023, 2, 28, 0x20, 0x23, 0x03, 0x01 },
		{ 2024, 4, 30, 0x20, 0x24, 0x05, 0x01 },  /* 30-day month */
		{ 2024, 1, 31, 0x20, 0x24, 0x02, 0x01 },
		{ 2024, 12, 31, 0x20, 0x25, 0x01, 0x01 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *f;
		void *st;

		f = make(&st, utc(cases[i].y, cases[i].m, cases[i].d, 23, 59, 59), 64 * MIB);
		assert_int_equal(cmos(f, R_SEC), 0x59);
		assert_int_equal(cmos(f, R_HOUR), 0x23);
		f->clock.now = NS_PER_SEC;
		assert_int_equal(cmos(f, R_CENTURY), cases[i].cent);
		assert_int_equal(cmos(f, R_YEAR), cases[i].year);
		assert_int_equal(cmos(f, R_MONTH), cases[i].month);
		assert_int_equal(cmos(f, R_MDAY), cases[i].mday);
		assert_int_equal(cmos(f, R_HOUR), 0x00);
		assert_int_equal(cmos(f, R_SEC), 0x00);
		teardown(&st);
	}
}

static void test_binary_and_12_hour(void **state)
{
	struct fixture *f = *state;

	cmos_set(f, R_B, 0x06); /* binary, 24-hour */
	expect_time(f, 20, 24, 2, 29, 5, 23, 59, 58);
	cmos_set(f, R_B, 0x04); /* binary, 12-hour */
	assert_int_equal(cmos(f, R_HOUR), 0x80 | 11);
	cmos_set(f, R_B, 0x00); /* BCD, 12-hour */
	assert_int_equal(cmos(f, R_HOUR), 0x80 | 0x11);
	f->clock.now = 2 * NS_PER_SEC; /* midnight is 12 AM */
	assert_int_equal(cmos(f, R_HOUR), 0x12);
	f->clock.now = 12 * 3600 * NS_PER_SEC + 2 * NS_PER_SEC; /* noon is 12 PM */
	assert_int_equal(cmos(f, R_HOUR), 0x80 | 0x12);
	f->clock.now += 3600 * NS_PER_SEC;
	assert_int_equal(cmos(f, R_HOUR), 0x80 | 0x01);
	/* writing a 12-hour PM hour while running: 1 PM -> 5 PM */
	cmos_set(f, R_HOUR, 0x80 | 0x05);
	assert_int_equal(cmos(f, R_HOUR), 0x85);
	cmos_set(f, R_B, 0x02);
	assert_int_equal(cmos(f, R_HOUR), 0x17);
}

static void test_uip_window(void **state)
{
	struct fixture *f = *state;

	f->clock.now = 5 * NS_PER_SEC - 244001;
	assert_int_equal(cmos(f, R_A), 0x26);
	f->clock.now = 5 * NS_PER_SEC - 244000;
	assert_int_equal(cmos(f, R_A), 0xA6);
	/* the time has not been updated yet during UIP */
	assert_int_equal(cmos(f, R_SEC), 0x02);
	f->clock.now = 5 * NS_PER_SEC - 1;
	assert_int_equal(cmos(f, R_A), 0xA6);
	f->clock.now = 5 * NS_PER_SEC;
	assert_int_equal(cmos(f, R_A), 0x26);
	assert_int_equal(cmos(f, R_SEC), 0x03);
	/* SET inhibits updates: no UIP */
	cmos_set(f, R_B, 0x82);
	f->clock.now = 6 * NS_PER_SEC - 1000;
	assert_int_equal(cmos(f, R_A), 0x26);
	/* UIP is read-only, the rest of A is kept */
	cmos_set(f, R_A, 0xFF);
	assert_int_equal(cmos(f, R_A), 0x7F);
	cmos_set(f, R_D, 0x00);
	assert_int_equal(cmos(f, R_D), 0x80);
}

static void test_set_time_with_set_bit(void **state)
{
	struct fixture *f = *state;

	f->clock.now = 100 * NS_PER_SEC + 300 * NS_PER_MS;
	cmos_set(f, R_B, 0x82 | 0x10); /* SET (and UIE, which SET clears) */
	assert_int_equal(cmos(f, R_B), 0x82);
	cmos_set(f, R_SEC, 0x56);
	cmos_set(f, R_MIN, 0x34);
	cmos_set(f, R_HOUR, 0x12);
	cmos_set(f, R_MDAY, 0x15);
	cmos_set(f, R_MONTH, 0x06);
	cmos_set(f, R_YEAR, 0x30);
	cmos_set(f, R_CENTURY, 0x20);
	/* frozen while SET holds updates */
	f->clock.now = 103 * NS_PER_SEC;
	assert_int_equal(cmos(f, R_SEC), 0x56);
	assert_int_equal(cmos(f, R_WDAY), 6); /* the snapshot's: 2024-03-01, a Friday */
	cmos_set(f, R_B, 0x02);
	/* 2030-06-15 12:34:56 is a Saturday */
	expect_time(f, 0x20, 0x30, 0x06, 0x15, 7, 0x12, 0x34, 0x56);
	assert_int_equal(vrtc_wall_time(&f->rtc), utc(2030, 6, 15, 12, 34, 56));
	f->clock.now = 104 * NS_PER_SEC;
	assert_int_equal(cmos(f, R_SEC), 0x57);
	f->clock.now = 108 * NS_PER_SEC;
	assert_int_equal(cmos(f, R_MIN), 0x35);
	assert_int_equal(cmos(f, R_SEC), 0x01);
}

static void test_set_time_while_running(void **state)
{
	struct fixture *f = *state;

	f->clock.now = 10 * NS_PER_SEC; /* 2024-03-01 00:00:08 */
	cmos_set(f, R_YEAR, 0x25);      /* 2025-03-01 */
	cmos_set(f, R_SEC, 0x30);
	expect_time(f, 0x20, 0x25, 0x03, 0x01, 7, 0x00, 0x00, 0x30);
	cmos_set(f, R_WDAY, 0x02); /* derived from the date: ignored */
	assert_int_equal(cmos(f, R_WDAY), 7);
	f->clock.now = 40 * NS_PER_SEC;
	assert_int_equal(cmos(f, R_MIN), 0x01);
	assert_int_equal(cmos(f, R_SEC), 0x00);
	assert_int_equal(vrtc_wall_time(&f->rtc), utc(2025, 3, 1, 0, 1, 0));
	/* binary mode writes too */
	cmos_set(f, R_B, 0x06);
	cmos_set(f, R_MONTH, 12);
	cmos_set(f, R_MDAY, 31);
	assert_int_equal(vrtc_wall_time(&f->rtc), utc(2025, 12, 31, 0, 1, 0));
}

static void test_update_interrupt(void **state)
{
	struct fixture *f = *state;

	assert_true(vrtc_next_irq_ns(&f->rtc) == UINT64_MAX);
	/* the default 1024 Hz rate sets PF all the time, PIE or not */
	f->clock.now = 10 * NS_PER_MS;
	assert_int_equal(cmos(f, R_C), 0x40);
	cmos_set(f, R_A, 0x20); /* rate off: only UF below */
	cmos_set(f, R_B, 0x12); /* UIE */
	assert_true(vrtc_next_irq_ns(&f->rtc) == NS_PER_SEC);
	f->clock.now = NS_PER_SEC - 1;
	vrtc_update(&f->rtc);
	assert_false(irq8(f));
	f->clock.now = NS_PER_SEC;
	vrtc_update(&f->rtc);
	assert_true(irq8(f));
	/* IRQF stays until C is read: no further interrupt is due */
	assert_true(vrtc_next_irq_ns(&f->rtc) == UINT64_MAX);
	f->clock.now = 1500 * NS_PER_MS;
	assert_int_equal(cmos(f, R_C), 0x90);
	assert_false(irq8(f));
	assert_int_equal(cmos(f, R_C), 0x00);
	assert_true(vrtc_next_irq_ns(&f->rtc) == 2 * NS_PER_SEC);
	f->clock.now = 5 * NS_PER_SEC;
	vrtc_update(&f->rtc);
	assert_int_equal(f->rtc.stats.irqs, 2);
	assert_int_equal(f->irq.rises[VRTC_IRQ], 2);
	/* flags are set with their interrupt disabled too: UF, and AF since
	 * the alarm registers (00:00:00) matched midnight at 2 s */
	cmos_set(f, R_B, 0x02);
	assert_false(irq8(f));
	assert_int_equal(cmos(f, R_C), 0x30);
	f->clock.now = 6 * NS_PER_SEC;
	assert_int_equal(cmos(f, R_C), 0x10);
	assert_false(irq8(f));
}

static void test_periodic_interrupt(void **state)
{
	struct fixture *f = *state;

	/* rate 6: 1024 Hz, 32 ticks of the 32.768 kHz time base */
	cmos_set(f, R_B, 0x42);
	assert_true(vrtc_next_irq_ns(&f->rtc) == 976563);
	f->clock.now = 976562;
	vrtc_update(&f->rtc);
	assert_false(irq8(f));
	f->clock.now = 976563;
	vrtc_update(&f->rtc);
	assert_true(irq8(f));
	assert_int_equal(cmos(f, R_C), 0xC0);
	assert_true(vrtc_next_irq_ns(&f->rtc) == 1953125);

	/* rate 15: 2 Hz */
	cmos_set(f, R_A, 0x2F);
	assert_true(vrtc_next_irq_ns(&f->rtc) == 500 * NS_PER_MS);
	/* rate 1 and 2 are 256 and 128 Hz */
	cmos_set(f, R_A, 0x21);
	assert_true(vrtc_next_irq_ns(&f->rtc) == 3906250);
	cmos_set(f, R_A, 0x22);
	assert_true(vrtc_next_irq_ns(&f->rtc) == 7812500);
	/* rate 0: off */
	cmos_set(f, R_A, 0x20);
	assert_true(vrtc_next_irq_ns(&f->rtc) == UINT64_MAX);
	f->clock.now = 3 * NS_PER_SEC;
	vrtc_update(&f->rtc);
	assert_false(irq8(f));

	/* PF without PIE: flag only; enabling PIE then raises IRQ 8 at once */
	cmos_set(f, R_A, 0x26);
	cmos_set(f, R_B, 0x02);
	cmos(f, R_C);
	f->clock.now += NS_PER_MS;
	vrtc_update(&f->rtc);
	assert_false(irq8(f));
	cmos_set(f, R_B, 0x42);
	assert_true(irq8(f));
	assert_int_equal(cmos(f, R_C) & 0xC0, 0xC0);
}

static void test_alarm(void **state)
{
	struct fixture *f = *state;

	/* boot at 23:59:58; alarm at 00:00:05 */
	cmos_set(f, R_A, 0x20); /* no periodic flag */
	cmos_set(f, R_SEC_ALARM, 0x05);
	cmos_set(f, R_MIN_ALARM, 0x00);
	cmos_set(f, R_HOUR_ALARM, 0x00);
	cmos_set(f, R_B, 0x22); /* AIE */
	assert_true(vrtc_next_irq_ns(&f->rtc) == 7 * NS_PER_SEC);
	f->clock.now = 6 * NS_PER_SEC;
	vrtc_update(&f->rtc);
	assert_false(irq8(f));
	f->clock.now = 7 * NS_PER_SEC;
	vrtc_update(&f->rtc);
	assert_true(irq8(f));
	assert_int_equal(cmos(f, R_C), 0xB0); /* IRQF | AF | UF */
	/* next match: a day later */
	assert_true(vrtc_next_irq_ns(&f->rtc) == (7 + 86400) * NS_PER_SEC);

	/* don't-care hours and minutes: every minute at :05 */
	cmos_set(f, R_HOUR_ALARM, 0xC0);
	cmos_set(f, R_MIN_ALARM, 0xFF);
	assert_true(vrtc_next_irq_ns(&f->rtc) == (7 + 60) * NS_PER_SEC);
	/* all don't care: every update */
	cmos_set(f, R_SEC_ALARM, 0xC0);
	assert_true(vrtc_next_irq_ns(&f->rtc) == 8 * NS_PER_SEC);
	/* an impossible alarm never matches */
	cmos_set(f, R_SEC_ALARM, 0x61);
	assert_true(vrtc_next_irq_ns(&f->rtc) == UINT64_MAX);

	/* AF is set by a match inside a long gap without updates */
	cmos_set(f, R_B, 0x02);
	cmos_set(f, R_SEC_ALARM, 0x30);
	cmos_set(f, R_MIN_ALARM, 0x30);
	cmos_set(f, R_HOUR_ALARM, 0x01); /* 01:30:30, 5430 s after 00:00:00 */
	cmos(f, R_C);
	f->clock.now = (2 + 5430) * NS_PER_SEC - 1;
	assert_int_equal(cmos(f, R_C), 0x10);
	f->clock.now = (2 + 5430 + 7200) * NS_PER_SEC;
	assert_int_equal(cmos(f, R_C), 0x30);
	/* 12-hour alarm: 1:30:30 PM */
	cmos_set(f, R_B, 0x20);
	cmos_set(f, R_HOUR_ALARM, 0x81);
	cmos(f, R_C);
	assert_true(vrtc_next_irq_ns(&f->rtc) == (2 + 5430 + 12 * 3600) * NS_PER_SEC);
}

static void test_cmos_memory_bytes(void **state)
{
	static const struct {
		u64 mem;
		u16 ext, high;
	} cases[] = {
		{ 512 * 1024, 0, 0 },
		{ 8 * MIB, 7 * 1024, 0 },
		{ 64 * MIB, 63 * 1024, 48 * 16 },
		{ 512 * MIB, 0xFFFF, 496 * 16 },
		{ 4096 * MIB, 0xFFFF, 4080 * 16 },
		{ 8192 * MIB, 0xFFFF, 0xFFFF },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *st;
		struct fixture *f = make(&st, 0, cases[i].mem);
		u16 sum = 0;

		assert_int_equal(cmos(f, 0x15) | cmos(f, 0x16) << 8, 640);
		assert_int_equal(cmos(f, 0x17) | cmos(f, 0x18) << 8, cases[i].ext);
		assert_int_equal(cmos(f, 0x30) | cmos(f, 0x31) << 8, cases[i].ext);
		assert_int_equal(cmos(f, 0x34) | cmos(f, 0x35) << 8, cases[i].high);
		for (u8 r = 0x10; r < 0x2E; r++)
			sum += cmos(f, r);
		assert_int_equal(cmos(f, 0x2E) << 8 | cmos(f, 0x2F), sum);
		teardown(&st);
	}
}

static void test_index_port_and_ram(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, INDEX, 0x80 | 0x40);
	assert_true(vrtc_nmi_disabled(&f->rtc));
	bus_outb(&f->bus, DATA, 0xA5);
	bus_outb(&f->bus, INDEX, 0x40);
	assert_false(vrtc_nmi_disabled(&f->rtc));
	assert_int_equal(bus_inb(&f->bus, DATA), 0xA5);
	assert_int_equal(bus_inb(&f->bus, INDEX), 0xFF);
	for (unsigned i = 0x0E; i < 0x80; i++)
		if (i != R_CENTURY)
			cmos_set(f, (u8)i, (u8)(i * 7));
	for (unsigned i = 0x0E; i < 0x80; i++)
		if (i != R_CENTURY)
			assert_int_equal(cmos(f, (u8)i), (u8)(i * 7));
	/* a 16-bit write: index then data */
	bus_out(&f->bus, INDEX, 2, 0x5A7E);
	assert_int_equal(cmos(f, 0x7E), 0x5A);
	/* register C is read-only */
	cmos_set(f, R_C, 0xFF);
	assert_int_equal(cmos(f, R_C), 0x00);
	assert_int_equal(vrtc_attach(&f->rtc, &f->bus), -EEXIST);
}

/* Random traffic: nothing crashes, and IRQ 8 rises during an update exactly
 * when the clock reached vrtc_next_irq_ns(). */
static void test_random_traffic(void **state)
{
	struct fixture *f = *state;
	static const u8 regs[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
				   0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x32, 0x40 };
	u64 seed = 99;

	for (unsigned i = 0; i < 100000; i++) {
		u64 r = vdev_rand(&seed);
		u64 next;
		unsigned rises;

		switch (r % 4) {
		case 0:
			cmos(f, regs[(r >> 2) % 16]);
			break;
		case 1:
			cmos_set(f, regs[(r >> 2) % 16], (u8)(r >> 8));
			break;
		case 2:
			bus_out(&f->bus, INDEX + (r >> 2) % 2, 1 << ((r >> 3) % 3), r >> 16);
			break;
		default:
			vrtc_update(&f->rtc);
			next = vrtc_next_irq_ns(&f->rtc);
			rises = f->irq.rises[VRTC_IRQ];
			f->clock.now += (r >> 8) % (3 * NS_PER_SEC);
			vrtc_update(&f->rtc);
			assert_int_equal(f->irq.rises[VRTC_IRQ] - rises, f->clock.now >= next);
			break;
		}
		f->clock.now += (r >> 32) % (50 * NS_PER_MS);
		assert_int_equal(irq8(f), f->rtc.irq_level);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_from_civil_known),
		cmocka_unit_test(test_calendar_day_walk),
		cmocka_unit_test(test_epoch_to_tm_matches_libc),
		cmocka_unit_test_setup_teardown(test_bcd_time_and_leap_day_rollover, setup, teardown),
		cmocka_unit_test(test_rollovers),
		cmocka_unit_test_setup_teardown(test_binary_and_12_hour, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uip_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_time_with_set_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_time_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alarm, setup, teardown),
		cmocka_unit_test(test_cmos_memory_bytes),
		cmocka_unit_test_setup_teardown(test_index_port_and_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_traffic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
