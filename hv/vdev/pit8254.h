/*
 * The guest's 8254 programmable interval timer at ports 0x40-0x43 and the
 * PC's system control port B at 0x61 (channel 2 gate, speaker data, refresh
 * toggle, channel 2 output). Counters are computed from the guest clock,
 * never ticked: a counter's value and output are functions of the time its
 * count was loaded. Channel 0's output drives IRQ 0. Pure code
 * (host-tested); all state lives in struct vpit.
 */
#ifndef UNDERSTUDY_HV_VDEV_PIT8254_H
#define UNDERSTUDY_HV_VDEV_PIT8254_H

#include "hv/io_bus.h"
#include "hv/vdev/vdev.h"
#include "types.h"

#define VPIT_HZ 1193182   /* input clock: 14.31818 MHz / 12 */
#define VPIT_BASE 0x40    /* counters 0-2, then the control word register */
#define VPIT_PORT_B 0x61  /* system control port B */
#define VPIT_CHANNELS 3
#define VPIT_IRQ 0        /* ISA IRQ of channel 0 */

enum vpit_state {
	VPIT_IDLE,     /* control word written, no count yet (or mode 0 half written) */
	VPIT_COUNTING, /* counting from load_tick */
	VPIT_PAUSED,   /* modes 0/4 with GATE low: elapsed frozen */
	VPIT_WAITING,  /* modes 1/5 awaiting a trigger; modes 2/3 with GATE low */
};

struct vpit_channel {
	u8 ctrl;   /* RW1 RW0 M2 M1 M0 BCD of the control word (status bits 5:0) */
	u8 mode;   /* 0-5 */
	u8 access; /* 1 LSB only, 2 MSB only, 3 LSB then MSB */
	bool bcd;
	bool gate;
	u8 state; /* enum vpit_state */
	bool null_count;
	bool have_count; /* a count was written since the control word */
	u32 cr;          /* count register as a count: 1..65536 (1..10000 BCD) */
	u32 n;           /* the count the counting element is using */
	u64 load_tick;   /* tick at which the counting element held n */
	bool reload_pending; /* modes 2/3: cr takes over at reload_tick */
	u64 reload_tick;
	u64 paused_elapsed; /* ticks counted before GATE went low */
	u16 ce_hold;        /* counting element value while not counting */

	bool write_msb_next;
	u8 write_lsb;
	bool read_msb_next;
	bool count_latched, latch_msb_next;
	u16 latch;
	bool status_latched;
	u8 status;
};

struct vpit_stats {
	u64 irq_edges;     /* IRQ 0 edges raised */
	u64 irq_coalesced; /* channel 0 events merged into an earlier edge */
};

struct vpit {
	struct vpit_channel ch[VPIT_CHANNELS];
	u8 port_b;          /* writable bits of port 0x61 */
	u64 irq_last_tick;  /* channel 0 events up to this tick are delivered */
	struct vclock clock;
	struct irq_line irq0;
	struct vpit_stats stats;
};

/* Sets up the timer at power-on: every channel idle (mode 3, LSB/MSB,
 * binary) until the guest writes a count; channel 2's gate low. */
void vpit_init(struct vpit *pit, struct vclock clock, struct irq_line irq0);

/* Claims 0x40-0x43 and 0x61 on bus. */
int vpit_attach(struct vpit *pit, struct io_bus *bus);

/* Raises one IRQ 0 edge if channel 0 reached its terminal count (modes 0,
 * 1, 4, 5) or one or more periods (modes 2, 3) passed since the last
 * update; the extra periods are counted in stats.irq_coalesced. */
void vpit_update(struct vpit *pit);

/* Guest time of the next IRQ 0 edge, or UINT64_MAX when none is due. */
u64 vpit_next_irq_ns(const struct vpit *pit);

/* The output level of a channel now. */
bool vpit_channel_out(const struct vpit *pit, unsigned channel);

/* One port access (0x40-0x43, 0x61); others read 0xFF. */
u8 vpit_read(struct vpit *pit, u16 port);
void vpit_write(struct vpit *pit, u16 port, u8 value);

/* The model's state in a snapshot (hv/vdev/pit8254_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vpit_state_save(const struct vpit *d, u8 *buf, size_t cap);
int vpit_state_load(struct vpit *d, const u8 *in, size_t len);

#endif
