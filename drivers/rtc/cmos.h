/* The host's CMOS real-time clock, read once at boot for the wall time the
 * guest's RTC starts from. */
#ifndef UNDERSTUDY_DRIVERS_RTC_CMOS_H
#define UNDERSTUDY_DRIVERS_RTC_CMOS_H

#include "types.h"

struct host_wall_time {
	u16 year;
	u8 month, day, hour, minute, second;
};

/* Reads the clock (waiting out an update in progress); 0 or -EIO when it
 * never settles or gives out-of-range fields. */
int cmos_read_time(struct host_wall_time *t);

#endif
