/*
 * Reading the host's MC146818-compatible RTC (Motorola MC146818A datasheet,
 * "Address Map" and "Register A/B"): wait for no update in progress, read
 * every field twice until two reads agree, decode BCD and 12-hour formats.
 */
#include "drivers/rtc/cmos.h"

#include "arch/x86/cpu.h"
#include "errno.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80 /* keep NMIs masked while indexing */
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0A
#define RTC_REG_B 0x0B
#define RTC_CENTURY 0x32      /* the PC's century byte */
#define REG_A_UIP 0x80        /* update in progress */
#define REG_B_24H 0x02
#define REG_B_BINARY 0x04
#define HOUR_PM 0x80
#define UIP_WAIT_LIMIT 1000000

struct raw_time {
	u8 sec, min, hour, day, month, year, century;
};

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

static bool wait_no_update(void)
{
	for (int i = 0; i < UIP_WAIT_LIMIT; i++)
		if (!(cmos_read(RTC_REG_A) & REG_A_UIP))
			return true;
	return false;
}

static void read_raw(struct raw_time *r)
{
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->month = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = cmos_read(RTC_CENTURY);
}

static u8 from_bcd(u8 v)
{
	return (u8)((v >> 4) * 10 + (v & 0xF));
}

/* Converts BCD/12-hour fields as register B says. */
static void decode(const struct raw_time *r, u8 reg_b, struct host_wall_time *t)
{
	bool bcd = !(reg_b & REG_B_BINARY);
	u8 hour = r->hour & ~HOUR_PM;
	u8 century;

	t->second = bcd ? from_bcd(r->sec) : r->sec;
	t->minute = bcd ? from_bcd(r->min) : r->min;
	hour = bcd ? from_bcd(hour) : hour;
	if (!(reg_b & REG_B_24H))
		hour = (u8)(hour % 12 + ((r->hour & HOUR_PM) ? 12 : 0));
	t->hour = hour;
	t->day = bcd ? from_bcd(r->day) : r->day;
	t->month = bcd ? from_bcd(r->month) : r->month;
	century = bcd ? from_bcd(r->century) : r->century;
	if (century < 19 || century > 30)
		century = 20; /* no usable century byte */
	t->year = (u16)(century * 100 + (bcd ? from_bcd(r->year) : r->year));
}

int cmos_read_time(struct host_wall_time *t)
{
	struct raw_time a, b;

	for (int tries = 0; tries < 10; tries++) {
		if (!wait_no_update())
			return -EIO;
		read_raw(&a);
		if (!wait_no_update())
			return -EIO;
		read_raw(&b);
		if (a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
		    a.month == b.month && a.year == b.year) {
			decode(&a, cmos_read(RTC_REG_B), t);
			if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31 ||
			    t->hour > 23 || t->minute > 59 || t->second > 59)
				return -EIO;
			return 0;
		}
	}
	return -EIO;
}
