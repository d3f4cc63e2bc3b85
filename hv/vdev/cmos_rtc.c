/*
 * Guest MC146818A RTC and CMOS RAM. Registers and bits: Motorola MC146818A
 * datasheet, "Address Map", "Time, Calendar and Alarm Locations", "Register
 * A", "Register B", "Register C", "Register D", "Update Cycle", "Interrupts"
 * (Table 5, periodic rates). The memory-size bytes follow the IBM PC/AT
 * CMOS layout (IBM PC AT Technical Reference, "CMOS RAM Address Map").
 *
 * Update cycles happen at whole seconds of guest time; the periodic
 * interrupt divides a 32.768 kHz time base counted from guest time 0.
 */
#include "hv/vdev/cmos_rtc.h"

#include <string.h>

#define NSEC_PER_SEC 1000000000ULL
#define SECS_PER_DAY 86400
#define SECS_PER_HOUR 3600
#define SECS_PER_MIN 60
#define HOURS_PER_DAY 24
#define MINS_PER_HOUR 60
#define DAYS_PER_WEEK 7
#define HOURS_PER_HALF_DAY 12
#define MONTHS_PER_YEAR 12
#define YEARS_PER_CENTURY 100
#define EPOCH_WDAY 4 /* 1970-01-01 was a Thursday (Sunday = 0) */
#define MAX_BOOT_EPOCH 253402300799LL /* 9999-12-31 23:59:59 */

/* Address map (MC146818A datasheet, Address Map). */
enum rtc_reg {
	REG_SEC = 0x00,
	REG_SEC_ALARM = 0x01,
	REG_MIN = 0x02,
	REG_MIN_ALARM = 0x03,
	REG_HOUR = 0x04,
	REG_HOUR_ALARM = 0x05,
	REG_WDAY = 0x06,
	REG_MDAY = 0x07,
	REG_MONTH = 0x08,
	REG_YEAR = 0x09,
	REG_A = 0x0A,
	REG_B = 0x0B,
	REG_C = 0x0C,
	REG_D = 0x0D,
	REG_CENTURY = 0x32, /* PC/AT: century byte (ACPI FADT CENTURY default) */
};

/* Register A: UIP (read-only), DV2-DV0, RS3-RS0. */
#define A_UIP 0x80
#define A_WRITABLE 0x7F
#define A_RS_MASK 0x0F
#define A_DEFAULT 0x26 /* DV = 010 (32.768 kHz), RS = 0110 (1024 Hz) */
/* UIP is high this long before each update (MC146818A, Update Cycle). */
#define UIP_WINDOW_NS 244000ULL

/* Register B. */
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_SQWE 0x08
#define B_DM_BINARY 0x04
#define B_24H 0x02
#define B_DSE 0x01
#define B_DEFAULT B_24H

/* Register C. */
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10

/* Register D. */
#define D_VRT 0x80 /* valid RAM and time */

#define HOUR_PM 0x80         /* 12-hour mode: PM flag in the hours byte */
#define ALARM_DONT_CARE 0xC0 /* "11xxxxxx" in an alarm byte matches any */
#define INDEX_NMI_DISABLE 0x80
#define INDEX_MASK 0x7F

/* Time base of the periodic interrupt (MC146818A, Table 5). */
#define TIMEBASE_SHIFT 15      /* 32768 Hz */
#define TIMEBASE_HZ (1ULL << TIMEBASE_SHIFT)
#define RATE_256HZ_TICKS 128   /* RS = 0001 */
#define RATE_128HZ_TICKS 256   /* RS = 0010 */

/* PC/AT CMOS memory-size bytes (little-endian pairs). */
#define CMOS_BASE_MEM_LO 0x15     /* base memory in KiB */
#define CMOS_EXT_MEM_LO 0x17      /* memory above 1 MiB in KiB */
#define CMOS_CHECKSUM_HI 0x2E     /* sum of 0x10-0x2D, big-endian */
#define CMOS_CHECKSUM_FIRST 0x10
#define CMOS_EXT_MEM2_LO 0x30     /* memory above 1 MiB in KiB (POST copy) */
#define CMOS_HIGH_MEM_LO 0x34     /* memory above 16 MiB in 64 KiB units */
#define BASE_MEM_KIB 640
#define ONE_MIB 0x100000ULL
#define SIXTEEN_MIB 0x1000000ULL
#define HIGH_MEM_UNIT 0x10000ULL
#define KIB 1024
#define MEM_FIELD_MAX 0xFFFF

#define OPEN_BUS 0xFF /* a read nothing answers */
#define NUM_PORTS 2    /* index and data */

/* BCD: two decimal digits, one per nibble. */
#define BCD_DIGIT_BITS 4
#define BCD_DIGIT_MASK 0xF
#define DECIMAL_BASE 10

/* Constants of H. Hinnant's civil calendar algorithms, which count years
 * from March so that the leap day ends the year. */
#define YEARS_PER_ERA 400         /* the Gregorian cycle */
#define DAYS_PER_ERA 146097       /* 400 * 365 + 97 leap days */
#define DAYS_0000_03_01_TO_EPOCH 719468
#define DAYS_PER_YEAR 365
#define DAYS_PER_4_YEARS_M1 1460  /* 4 * 365: leap day not yet reached */
#define DAYS_PER_CENTURY_M1 36524 /* 100 * 365 + 24 */
#define DAYS_PER_ERA_M1 146096
#define DAYS_PER_5_MONTHS 153     /* March-July, and August-December */
#define MONTHS_PER_5_MONTHS 5
#define MARCH 3

#define ALARM_ANY (-1)   /* alarm field: don't care */
#define ALARM_NEVER (-2) /* alarm field: a value no time has */

struct alarm_spec {
	int sec, min, hour;
};

/* --- calendar ------------------------------------------------------------ */

static s64 floor_div(s64 a, s64 b)
{
	s64 q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static s64 floor_mod(s64 a, s64 b)
{
	return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil: March-based years put the leap day last, so a 400-year
 * era has a fixed length and century years follow the Gregorian rule). */
s64 vrtc_days_from_civil(s64 year, unsigned month, unsigned day)
{
	s64 y = year - (month < MARCH);
	s64 era = floor_div(y, YEARS_PER_ERA);
	s64 yoe = y - era * YEARS_PER_ERA; /* year of era, 0-399 */
	s64 mp = month >= MARCH ? (s64)month - MARCH : (s64)month + MONTHS_PER_YEAR - MARCH;
	s64 doy = (DAYS_PER_5_MONTHS * mp + 2) / MONTHS_PER_5_MONTHS + (s64)day - 1; /* 0-365 */
	s64 doe = yoe * DAYS_PER_YEAR + yoe / 4 - yoe / YEARS_PER_CENTURY + doy; /* 0-146096 */

	return era * DAYS_PER_ERA + doe - DAYS_0000_03_01_TO_EPOCH;
}

/* The inverse: year, month and day of a day number. */
static void civil_from_days(s64 days, s64 *year, u8 *month, u8 *day)
{
	s64 z = days + DAYS_0000_03_01_TO_EPOCH;
	s64 era = floor_div(z, DAYS_PER_ERA);
	s64 doe = z - era * DAYS_PER_ERA; /* day of era */
	s64 yoe = (doe - doe / DAYS_PER_4_YEARS_M1 + doe / DAYS_PER_CENTURY_M1 -
		   doe / DAYS_PER_ERA_M1) / DAYS_PER_YEAR;
	s64 doy = doe - (DAYS_PER_YEAR * yoe + yoe / 4 - yoe / YEARS_PER_CENTURY);
	s64 mp = (MONTHS_PER_5_MONTHS * doy + 2) / DAYS_PER_5_MONTHS; /* March = 0 */

	*day = (u8)(doy - (DAYS_PER_5_MONTHS * mp + 2) / MONTHS_PER_5_MONTHS + 1);
	*month = (u8)(mp < MONTHS_PER_YEAR - MARCH + 1 ? mp + MARCH : mp + MARCH - MONTHS_PER_YEAR);
	*year = yoe + era * YEARS_PER_ERA + (*month < MARCH);
}

void vrtc_epoch_to_tm(s64 secs, struct vrtc_tm *tm)
{
	s64 days = floor_div(secs, SECS_PER_DAY);
	s64 rem = secs - days * SECS_PER_DAY;

	civil_from_days(days, &tm->year, &tm->month, &tm->day);
	tm->hour = (u8)(rem / SECS_PER_HOUR);
	tm->min = (u8)(rem / SECS_PER_MIN % MINS_PER_HOUR);
	tm->sec = (u8)(rem % SECS_PER_MIN);
	tm->wday = (u8)(floor_mod(days + EPOCH_WDAY, DAYS_PER_WEEK) + 1);
}

/* Out-of-range hours, minutes and seconds carry; the month is clamped. */
s64 vrtc_tm_to_epoch(const struct vrtc_tm *tm)
{
	unsigned month = tm->month < 1 ? 1 : tm->month > MONTHS_PER_YEAR ? MONTHS_PER_YEAR : tm->month;

	return vrtc_days_from_civil(tm->year, month, tm->day) * SECS_PER_DAY +
	       tm->hour * SECS_PER_HOUR + tm->min * SECS_PER_MIN + tm->sec;
}

/* --- register encoding ---------------------------------------------------- */

static bool binary(const struct vrtc *rtc)
{
	return rtc->ram[REG_B] & B_DM_BINARY;
}

/* A register value in the data mode of register B (DM: binary or BCD). */
static u8 encode(const struct vrtc *rtc, unsigned v)
{
	if (binary(rtc))
		return (u8)v;
	return (u8)((v / DECIMAL_BASE % DECIMAL_BASE) << BCD_DIGIT_BITS | v % DECIMAL_BASE);
}

/* Invalid BCD digits are taken at face value (the result stays defined). */
static unsigned decode(const struct vrtc *rtc, u8 byte)
{
	if (binary(rtc))
		return byte;
	return (byte >> BCD_DIGIT_BITS) * DECIMAL_BASE + (byte & BCD_DIGIT_MASK);
}

static bool valid_bcd(u8 byte)
{
	return (byte >> BCD_DIGIT_BITS) < DECIMAL_BASE && (byte & BCD_DIGIT_MASK) < DECIMAL_BASE;
}

/* Hours in 24-hour or 12-hour (1-12, bit 7 = PM) form, per register B. */
static u8 encode_hour(const struct vrtc *rtc, unsigned hour)
{
	unsigned h12;

	if (rtc->ram[REG_B] & B_24H)
		return encode(rtc, hour);
	h12 = hour % HOURS_PER_HALF_DAY ? hour % HOURS_PER_HALF_DAY : HOURS_PER_HALF_DAY;
	return encode(rtc, h12) | (hour >= HOURS_PER_HALF_DAY ? HOUR_PM : 0);
}

static unsigned decode_hour(const struct vrtc *rtc, u8 byte)
{
	if (rtc->ram[REG_B] & B_24H)
		return decode(rtc, byte);
	return decode(rtc, byte & ~HOUR_PM) % HOURS_PER_HALF_DAY +
	       ((byte & HOUR_PM) ? HOURS_PER_HALF_DAY : 0);
}

/* --- time ------------------------------------------------------------------ */

static u64 now_ns(const struct vrtc *rtc)
{
	return vclock_now(&rtc->clock);
}

static s64 wall_at(const struct vrtc *rtc, u64 ns)
{
	return rtc->boot_epoch + rtc->offset + (s64)(ns / NSEC_PER_SEC);
}

static bool set_mode(const struct vrtc *rtc)
{
	return rtc->ram[REG_B] & B_SET;
}

/* The time register idx as the update cycle would leave it at wall time. */
static u8 time_register(const struct vrtc *rtc, unsigned idx, s64 wall)
{
	struct vrtc_tm tm;
	s64 year;

	vrtc_epoch_to_tm(wall, &tm);
	year = tm.year < 0 ? 0 : tm.year;
	switch (idx) {
	case REG_SEC:
		return encode(rtc, tm.sec);
	case REG_MIN:
		return encode(rtc, tm.min);
	case REG_HOUR:
		return encode_hour(rtc, tm.hour);
	case REG_WDAY:
		return encode(rtc, tm.wday);
	case REG_MDAY:
		return encode(rtc, tm.day);
	case REG_MONTH:
		return encode(rtc, tm.month);
	case REG_YEAR:
		return encode(rtc, (unsigned)(year % YEARS_PER_CENTURY));
	default: /* REG_CENTURY */
		return encode(rtc, (unsigned)(year / YEARS_PER_CENTURY % YEARS_PER_CENTURY));
	}
}

static bool is_time_register(unsigned idx)
{
	switch (idx) {
	case REG_SEC:
	case REG_MIN:
	case REG_HOUR:
	case REG_WDAY:
	case REG_MDAY:
	case REG_MONTH:
	case REG_YEAR:
	case REG_CENTURY:
		return true;
	default:
		return false;
	}
}

static const u8 time_registers[] = {
	REG_SEC, REG_MIN, REG_HOUR, REG_WDAY, REG_MDAY, REG_MONTH, REG_YEAR, REG_CENTURY,
};

/* Copies the running time into RAM: what SET mode freezes and edits. */
static void snapshot_time(struct vrtc *rtc, s64 wall)
{
	for (unsigned i = 0; i < sizeof(time_registers); i++)
		rtc->ram[time_registers[i]] = time_register(rtc, time_registers[i], wall);
}

/* Reads the time registers in RAM back as wall-clock seconds. */
static s64 parse_time(const struct vrtc *rtc)
{
	struct vrtc_tm tm = {
		.year = decode(rtc, rtc->ram[REG_CENTURY]) * YEARS_PER_CENTURY +
			decode(rtc, rtc->ram[REG_YEAR]),
		.month = (u8)decode(rtc, rtc->ram[REG_MONTH]),
		.day = (u8)decode(rtc, rtc->ram[REG_MDAY]),
		.hour = (u8)decode_hour(rtc, rtc->ram[REG_HOUR]),
		.min = (u8)decode(rtc, rtc->ram[REG_MIN]),
		.sec = (u8)decode(rtc, rtc->ram[REG_SEC]),
	};

	return vrtc_tm_to_epoch(&tm);
}

/* The clock now shows the time in RAM: record the offset that makes it so. */
static void adopt_time(struct vrtc *rtc, u64 ns)
{
	rtc->offset = parse_time(rtc) - rtc->boot_epoch - (s64)(ns / NSEC_PER_SEC);
}

/* --- alarm ----------------------------------------------------------------- */

/* An alarm byte as a value below limit, ALARM_ANY for "11xxxxxx", or
 * ALARM_NEVER for a byte no time register can hold. */
static int alarm_field(const struct vrtc *rtc, u8 byte, unsigned limit)
{
	unsigned v;

	if ((byte & ALARM_DONT_CARE) == ALARM_DONT_CARE)
		return ALARM_ANY;
	if (!binary(rtc) && !valid_bcd(byte))
		return ALARM_NEVER;
	v = decode(rtc, byte);
	return v < limit ? (int)v : ALARM_NEVER;
}

static int alarm_hour(const struct vrtc *rtc, u8 byte)
{
	unsigned v;

	if ((byte & ALARM_DONT_CARE) == ALARM_DONT_CARE)
		return ALARM_ANY;
	if (rtc->ram[REG_B] & B_24H)
		return alarm_field(rtc, byte, HOURS_PER_DAY);
	if (!binary(rtc) && !valid_bcd(byte & ~HOUR_PM))
		return ALARM_NEVER;
	v = decode(rtc, byte & ~HOUR_PM);
	if (v < 1 || v > HOURS_PER_HALF_DAY)
		return ALARM_NEVER;
	return (int)(v % HOURS_PER_HALF_DAY + ((byte & HOUR_PM) ? HOURS_PER_HALF_DAY : 0));
}

static struct alarm_spec alarm_spec(const struct vrtc *rtc)
{
	struct alarm_spec a = {
		.sec = alarm_field(rtc, rtc->ram[REG_SEC_ALARM], SECS_PER_MIN),
		.min = alarm_field(rtc, rtc->ram[REG_MIN_ALARM], MINS_PER_HOUR),
		.hour = alarm_hour(rtc, rtc->ram[REG_HOUR_ALARM]),
	};

	return a;
}

static bool field_matches(int field, int v)
{
	return field == ALARM_ANY || field == v;
}

/*
 * Seconds from time of day tod (0-86399) to the next later time of day the
 * alarm matches (1-86400), or 0 when it never does. Walks candidate minutes
 * of today and tomorrow in order: at most 2 * 24 * 60 steps.
 */
static u32 alarm_delta(const struct alarm_spec *a, u32 tod)
{
	if (a->sec == ALARM_NEVER || a->min == ALARM_NEVER || a->hour == ALARM_NEVER)
		return 0;
	for (u32 day = 0; day < 2; day++) {
		for (int h = 0; h < HOURS_PER_DAY; h++) {
			if (!field_matches(a->hour, h))
				continue;
			for (int m = 0; m < MINS_PER_HOUR; m++) {
				u32 base = day * SECS_PER_DAY + h * SECS_PER_HOUR + m * SECS_PER_MIN;
				u32 s;

				if (!field_matches(a->min, m) || base + SECS_PER_MIN - 1 <= tod)
					continue;
				if (a->sec == ALARM_ANY) {
					s = base > tod ? base : tod + 1;
				} else {
					s = base + a->sec;
					if (s <= tod)
						continue;
				}
				return s - tod;
			}
		}
	}
	return 0;
}

/* Time of day of wall-clock seconds. */
static u32 time_of_day(s64 wall)
{
	return (u32)floor_mod(wall, SECS_PER_DAY);
}

/* Seconds after update cycle `second` (guest seconds since VM start) until
 * an update that matches the alarm, or 0 for never. */
static u32 seconds_to_alarm(const struct vrtc *rtc, u64 second)
{
	struct alarm_spec a = alarm_spec(rtc);

	return alarm_delta(&a, time_of_day(wall_at(rtc, second * NSEC_PER_SEC)));
}

/* --- periodic interrupt ---------------------------------------------------- */

/* Period in 32.768 kHz ticks for rate select rs, 0 when off (Table 5). */
static u64 periodic_ticks(const struct vrtc *rtc)
{
	unsigned rs = rtc->ram[REG_A] & A_RS_MASK;

	if (rs == 0)
		return 0;
	if (rs == 1)
		return RATE_256HZ_TICKS;
	if (rs == 2)
		return RATE_128HZ_TICKS;
	return 1ULL << (rs - 1);
}

static u64 ns_to_timebase(u64 ns)
{
	return ((ns / NSEC_PER_SEC) << TIMEBASE_SHIFT) +
	       ((ns % NSEC_PER_SEC) << TIMEBASE_SHIFT) / NSEC_PER_SEC;
}

/* First nanosecond at which ns_to_timebase() reaches t. */
static u64 timebase_to_ns(u64 t)
{
	u64 secs = t >> TIMEBASE_SHIFT, rem = t & (TIMEBASE_HZ - 1);

	if (secs >= UINT64_MAX / NSEC_PER_SEC)
		return UINT64_MAX;
	return secs * NSEC_PER_SEC + (rem * NSEC_PER_SEC + TIMEBASE_HZ - 1) / TIMEBASE_HZ;
}

/* --- flags and IRQ 8 -------------------------------------------------------- */

static bool irqf(const struct vrtc *rtc)
{
	u8 b = rtc->ram[REG_B];

	return ((rtc->flags & C_PF) && (b & B_PIE)) || ((rtc->flags & C_AF) && (b & B_AIE)) ||
	       ((rtc->flags & C_UF) && (b & B_UIE));
}

static void update_irq(struct vrtc *rtc)
{
	bool level = irqf(rtc);

	if (level == rtc->irq_level)
		return;
	rtc->irq_level = level;
	if (level)
		rtc->stats.irqs++;
	irq_line_set(&rtc->irq, level);
}

/*
 * Sets the flags of the events in (last_sync_ns, ns]: periodic edges of the
 * time base (PF) and, unless SET holds updates, update cycles at whole
 * seconds (UF) and those among them matching the alarm (AF).
 */
static void sync(struct vrtc *rtc, u64 ns)
{
	u64 last = rtc->last_sync_ns, period = periodic_ticks(rtc);
	u64 s0 = last / NSEC_PER_SEC, s1 = ns / NSEC_PER_SEC;
	u32 to_alarm;

	if (ns <= last)
		return;
	if (period && ns_to_timebase(ns) / period > ns_to_timebase(last) / period)
		rtc->flags |= C_PF;
	if (!set_mode(rtc) && s1 > s0) {
		rtc->flags |= C_UF;
		to_alarm = seconds_to_alarm(rtc, s0);
		if (to_alarm && to_alarm <= s1 - s0)
			rtc->flags |= C_AF;
	}
	rtc->last_sync_ns = ns;
}

/* Brings flags and IRQ 8 up to now; returns the time it used. */
static u64 catch_up(struct vrtc *rtc)
{
	u64 ns = now_ns(rtc);

	sync(rtc, ns);
	update_irq(rtc);
	return ns;
}

/* --- registers --------------------------------------------------------------- */

static bool update_in_progress(const struct vrtc *rtc, u64 ns)
{
	return !set_mode(rtc) && ns % NSEC_PER_SEC >= NSEC_PER_SEC - UIP_WINDOW_NS;
}

/* A data-port read of register idx: time registers computed from the clock
 * unless SET froze them; A with UIP; C read-and-clear; D constant. */
static u8 read_register(struct vrtc *rtc, unsigned idx)
{
	u64 ns = catch_up(rtc);
	u8 value;

	if (is_time_register(idx) && !set_mode(rtc))
		return time_register(rtc, idx, wall_at(rtc, ns));
	switch (idx) {
	case REG_A:
		return rtc->ram[REG_A] | (update_in_progress(rtc, ns) ? A_UIP : 0);
	case REG_C: /* reading clears every flag and releases IRQ 8 */
		value = rtc->flags | (irqf(rtc) ? C_IRQF : 0);
		rtc->flags = 0;
		update_irq(rtc);
		return value;
	case REG_D:
		return D_VRT;
	default:
		return rtc->ram[idx];
	}
}

/* Register B: setting SET freezes the time into RAM and clears UIE;
 * clearing it makes the clock run from what the guest wrote there. */
static void write_b(struct vrtc *rtc, u8 value, u64 ns)
{
	bool was_set = set_mode(rtc);

	if ((value & B_SET) && !was_set) {
		snapshot_time(rtc, wall_at(rtc, ns));
		value &= ~B_UIE;
	}
	rtc->ram[REG_B] = value;
	if (!(value & B_SET) && was_set)
		adopt_time(rtc, ns);
}

/* A time register written while the clock runs: the other fields keep the
 * current time and the clock continues from the result. */
static void write_running_time(struct vrtc *rtc, unsigned idx, u8 value, u64 ns)
{
	if (idx == REG_WDAY) /* derived from the date */
		return;
	snapshot_time(rtc, wall_at(rtc, ns));
	rtc->ram[idx] = value;
	adopt_time(rtc, ns);
}

/* A data-port write of register idx, after flags are brought up to date
 * under the old settings. */
static void write_register(struct vrtc *rtc, unsigned idx, u8 value)
{
	u64 ns = catch_up(rtc);

	if (is_time_register(idx) && !set_mode(rtc)) {
		write_running_time(rtc, idx, value, ns);
		return;
	}
	switch (idx) {
	case REG_A:
		rtc->ram[REG_A] = value & A_WRITABLE;
		break;
	case REG_B:
		write_b(rtc, value, ns);
		break;
	case REG_C: /* read-only */
	case REG_D:
		break;
	default:
		rtc->ram[idx] = value;
		break;
	}
	update_irq(rtc);
}

u8 vrtc_read(struct vrtc *rtc, u16 port)
{
	if (port != VRTC_DATA_PORT)
		return OPEN_BUS; /* the index register is write-only */
	return read_register(rtc, rtc->index);
}

void vrtc_write(struct vrtc *rtc, u16 port, u8 value)
{
	if (port == VRTC_INDEX_PORT) {
		rtc->index = value & INDEX_MASK;
		rtc->nmi_disabled = value & INDEX_NMI_DISABLE;
	} else if (port == VRTC_DATA_PORT) {
		write_register(rtc, rtc->index, value);
	}
}

void vrtc_update(struct vrtc *rtc)
{
	catch_up(rtc);
}

static u64 secs_to_ns(u64 secs)
{
	return secs >= UINT64_MAX / NSEC_PER_SEC ? UINT64_MAX : secs * NSEC_PER_SEC;
}

/* Earliest of the enabled events after last_sync_ns. */
u64 vrtc_next_irq_ns(const struct vrtc *rtc)
{
	u64 last = rtc->last_sync_ns, next = UINT64_MAX, period = periodic_ticks(rtc);
	u64 second = last / NSEC_PER_SEC;
	u8 b = rtc->ram[REG_B];
	u32 to_alarm;

	if (irqf(rtc))
		return UINT64_MAX;
	if ((b & B_PIE) && period)
		next = timebase_to_ns((ns_to_timebase(last) / period + 1) * period);
	if (set_mode(rtc))
		return next;
	if ((b & B_UIE) && secs_to_ns(second + 1) < next)
		next = secs_to_ns(second + 1);
	if (b & B_AIE) {
		to_alarm = seconds_to_alarm(rtc, second);
		if (to_alarm && secs_to_ns(second + to_alarm) < next)
			next = secs_to_ns(second + to_alarm);
	}
	return next;
}

s64 vrtc_wall_time(const struct vrtc *rtc)
{
	return wall_at(rtc, now_ns(rtc));
}

bool vrtc_nmi_disabled(const struct vrtc *rtc)
{
	return rtc->nmi_disabled;
}

static void put16(u8 *ram, unsigned idx, u64 v)
{
	if (v > MEM_FIELD_MAX)
		v = MEM_FIELD_MAX;
	ram[idx] = (u8)v;
	ram[idx + 1] = (u8)(v >> 8);
}

/* PC/AT memory-size bytes and their checksum. */
static void fill_memory_size(struct vrtc *rtc, u64 mem)
{
	u64 ext_kib = mem > ONE_MIB ? (mem - ONE_MIB) / KIB : 0;
	u64 high = mem > SIXTEEN_MIB ? (mem - SIXTEEN_MIB) / HIGH_MEM_UNIT : 0;
	u16 sum = 0;

	put16(rtc->ram, CMOS_BASE_MEM_LO, BASE_MEM_KIB);
	put16(rtc->ram, CMOS_EXT_MEM_LO, ext_kib);
	put16(rtc->ram, CMOS_EXT_MEM2_LO, ext_kib);
	put16(rtc->ram, CMOS_HIGH_MEM_LO, high);
	for (unsigned i = CMOS_CHECKSUM_FIRST; i < CMOS_CHECKSUM_HI; i++)
		sum += rtc->ram[i];
	rtc->ram[CMOS_CHECKSUM_HI] = (u8)(sum >> 8);
	rtc->ram[CMOS_CHECKSUM_HI + 1] = (u8)sum;
}

void vrtc_init(struct vrtc *rtc, struct vclock clock, struct irq_line irq8, u64 boot_epoch_s,
	       u64 guest_mem_bytes)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->clock = clock;
	rtc->irq = irq8;
	rtc->boot_epoch = boot_epoch_s > MAX_BOOT_EPOCH ? MAX_BOOT_EPOCH : (s64)boot_epoch_s;
	rtc->ram[REG_A] = A_DEFAULT;
	rtc->ram[REG_B] = B_DEFAULT;
	fill_memory_size(rtc, guest_mem_bytes);
}

/* Byte cycles at successive ports for a wider access (ISA bus sizing). */
static u64 vrtc_io_read(void *dev, u64 offset, u8 size)
{
	u64 value = 0;

	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 off = offset + i;
		u8 byte = off < NUM_PORTS ? vrtc_read(dev, VRTC_INDEX_PORT + off) : OPEN_BUS;

		value |= (u64)byte << (8 * i);
	}
	return value;
}

static void vrtc_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 off = offset + i;

		if (off < NUM_PORTS)
			vrtc_write(dev, VRTC_INDEX_PORT + off, value >> (8 * i));
	}
}

int vrtc_attach(struct vrtc *rtc, struct io_bus *bus)
{
	struct io_range range = {
		.base = VRTC_INDEX_PORT,
		.len = NUM_PORTS,
		.dev = rtc,
		.read = vrtc_io_read,
		.write = vrtc_io_write,
		.name = "cmos-rtc",
	};

	return io_bus_register(bus, &range);
}
