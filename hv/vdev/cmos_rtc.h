/*
 * The guest's MC146818A-compatible real-time clock and CMOS RAM behind the
 * PC's index port 0x70 (bit 7: NMI disable) and data port 0x71. The time
 * is never ticked: it is the wall-clock time at VM start, plus guest time
 * from the vclock, plus an offset the guest sets by writing the time
 * registers. Flags and IRQ 8 are derived from the same clock. Pure code
 * (host-tested); all state lives in struct vrtc.
 */
#ifndef UNDERSTUDY_HV_VDEV_CMOS_RTC_H
#define UNDERSTUDY_HV_VDEV_CMOS_RTC_H

#include "hv/io_bus.h"
#include "hv/vdev/vdev.h"
#include "types.h"

#define VRTC_INDEX_PORT 0x70
#define VRTC_DATA_PORT 0x71
#define VRTC_IRQ 8
#define VRTC_RAM_SIZE 128

/* A calendar date and time (proleptic Gregorian, UTC). */
struct vrtc_tm {
	s64 year;
	u8 month; /* 1-12 */
	u8 day;   /* 1-31 */
	u8 hour, min, sec;
	u8 wday;  /* 1-7, Sunday = 1 (the RTC's day-of-week register) */
};

struct vrtc_stats {
	u64 irqs; /* rising edges on IRQ 8 */
};

struct vrtc {
	u8 ram[VRTC_RAM_SIZE]; /* CMOS RAM; time registers hold the SET-mode copy */
	u8 index;
	bool nmi_disabled;
	u8 flags;              /* register C's PF, AF, UF */
	bool irq_level;        /* IRQF, as driven on IRQ 8 */
	s64 boot_epoch;        /* wall-clock seconds at guest time 0 */
	s64 offset;            /* seconds the guest moved the clock by */
	u64 last_sync_ns;      /* flags hold every event up to this time */
	struct vclock clock;
	struct irq_line irq;
	struct vrtc_stats stats;
};

/*
 * Sets up the RTC: the time is boot_epoch_s (seconds since 1970-01-01 UTC)
 * at guest time 0; registers A = 0x26 (32.768 kHz, 1024 Hz rate) and
 * B = 0x02 (24-hour, BCD) as PC firmware leaves them; the CMOS memory-size
 * bytes describe guest_mem_bytes of RAM.
 */
void vrtc_init(struct vrtc *rtc, struct vclock clock, struct irq_line irq8, u64 boot_epoch_s,
	       u64 guest_mem_bytes);

/* Claims ports 0x70-0x71 on bus. */
int vrtc_attach(struct vrtc *rtc, struct io_bus *bus);

/* Brings register C's flags and IRQ 8 up to the current guest time. */
void vrtc_update(struct vrtc *rtc);

/* Guest time at which an enabled event would next raise IRQ 8, or
 * UINT64_MAX when none can (none enabled, or IRQF already set). */
u64 vrtc_next_irq_ns(const struct vrtc *rtc);

/* The guest's current wall-clock time, seconds since the epoch. */
s64 vrtc_wall_time(const struct vrtc *rtc);

/* Port 0x70 bit 7 as last written. */
bool vrtc_nmi_disabled(const struct vrtc *rtc);

/* One port access (0x70 or 0x71); others read 0xFF. */
u8 vrtc_read(struct vrtc *rtc, u16 port);
void vrtc_write(struct vrtc *rtc, u16 port, u8 value);

/* Calendar arithmetic without libc (days from civil, and its inverse). */
s64 vrtc_days_from_civil(s64 year, unsigned month, unsigned day);
void vrtc_epoch_to_tm(s64 secs, struct vrtc_tm *tm);
s64 vrtc_tm_to_epoch(const struct vrtc_tm *tm);

/* The model's state in a snapshot (hv/vdev/cmos_rtc_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vrtc_state_save(const struct vrtc *d, u8 *buf, size_t cap);
int vrtc_state_load(struct vrtc *d, const u8 *in, size_t len);

#endif
