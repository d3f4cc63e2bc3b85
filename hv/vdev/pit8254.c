/*
 * Guest 8254 PIT. Control word, counter latch and read-back: Intel 82C54
 * datasheet, "Control Word Format", "Counter Latch Command", "Read-Back
 * Command", "Status Byte"; counting: "Mode 0: Interrupt on Terminal Count"
 * through "Mode 5: Hardware Triggered Strobe (Retriggerable)" and "Operation
 * Common to All Modes" (GATE, counts of 0, BCD). Port 0x61: Intel 82371AB
 * (PIIX4) datasheet, "NMISC - NMI Status and Control Register".
 *
 * A counter is never ticked: it keeps the PIT tick (at VPIT_HZ since guest
 * time 0) at which its counting element held its count, and derives value
 * and output from the elapsed ticks e. A count written at tick T is loaded
 * on the next clock, T + 1, where e = 0.
 */
#include "hv/vdev/pit8254.h"

#include <string.h>

#include "compiler.h"

#define NSEC_PER_SEC 1000000000ULL
#define NO_TICK UINT64_MAX

#define REG_CONTROL 3 /* control word register, offset from VPIT_BASE */

/* Control word (82C54 datasheet, Control Word Format). */
#define CW_SC_SHIFT 6       /* SC1 SC0: counter select */
#define CW_SC_READ_BACK 3   /* SC = 11: read-back command */
#define CW_RW_SHIFT 4       /* RW1 RW0: read/write access */
#define CW_RW_MASK 0x03
#define CW_RW_LATCH 0       /* RW = 00: counter latch command */
#define CW_RW_LSB 1
#define CW_RW_MSB 2
#define CW_RW_LSB_MSB 3
#define CW_MODE_SHIFT 1     /* M2 M1 M0 */
#define CW_MODE_MASK 0x07
#define CW_BCD 0x01
#define CW_STATUS_BITS 0x3F /* RW, M and BCD as the status byte reports them */

/* Read-back command (82C54 datasheet, Read-Back Command). */
#define RB_NOT_COUNT 0x20  /* 0 = latch the count of the selected counters */
#define RB_NOT_STATUS 0x10 /* 0 = latch their status */
#define RB_CNT_SHIFT 1     /* CNT0 is bit 1, CNT1 bit 2, CNT2 bit 3 */

/* Status byte (82C54 datasheet, Status Byte). */
#define STATUS_OUTPUT 0x80
#define STATUS_NULL_COUNT 0x40

/* Port 0x61 (PIIX4 datasheet, NMISC register). */
#define PORT_B_GATE2 0x01      /* timer counter 2 enable (GATE) */
#define PORT_B_SPEAKER 0x02    /* speaker data enable */
#define PORT_B_WRITABLE 0x0F   /* plus PCI SERR# and IOCHK# NMI enables */
#define PORT_B_REFRESH 0x10    /* refresh cycle toggle */
#define PORT_B_OUT2 0x20       /* timer counter 2 OUT status */
/* The refresh request toggles every 15.085 us: the PC's refresh timer was
 * counter 1 in mode 2 with a count of 18. */
#define REFRESH_TICKS 18

#define OPEN_BUS 0xFF /* a read nothing answers */
#define BINARY_MODULUS 65536 /* a count of 0 is 2^16 in binary */
#define BCD_MODULUS 10000    /* and 10^4 in BCD */
#define BCD_DIGITS 4
#define BCD_DIGIT_BITS 4
#define BCD_DIGIT_MASK 0xF
#define DECIMAL_BASE 10

/* PIT ticks since guest time 0 at guest time ns, rounded down: whole
 * seconds and the remainder apart, so no product can overflow. */
static u64 ns_to_ticks(u64 ns)
{
	return (ns / NSEC_PER_SEC) * VPIT_HZ + (ns % NSEC_PER_SEC) * VPIT_HZ / NSEC_PER_SEC;
}

/* The first nanosecond at which ns_to_ticks() reaches tick. */
static u64 ticks_to_ns(u64 tick)
{
	u64 secs = tick / VPIT_HZ, rem = tick % VPIT_HZ;

	if (secs >= UINT64_MAX / NSEC_PER_SEC)
		return UINT64_MAX;
	return secs * NSEC_PER_SEC + (rem * NSEC_PER_SEC + VPIT_HZ - 1) / VPIT_HZ;
}

static u64 now_tick(const struct vpit *pit)
{
	return ns_to_ticks(vclock_now(&pit->clock));
}

static u32 modulus(const struct vpit_channel *c)
{
	return c->bcd ? BCD_MODULUS : BINARY_MODULUS;
}

/* A value below 10^4 as four BCD digits. */
static u16 to_bcd(u32 v)
{
	u16 bcd = 0;

	for (unsigned i = 0; i < BCD_DIGITS; i++, v /= DECIMAL_BASE)
		bcd |= (u16)(v % DECIMAL_BASE) << (i * BCD_DIGIT_BITS);
	return bcd;
}

/* A written count as a number of clocks: 0 means the modulus. Nibbles above
 * 9 in BCD are taken at face value (the result stays deterministic). */
static u32 decode_count(const struct vpit_channel *c, u16 raw)
{
	u32 v = raw;

	if (c->bcd) {
		v = 0;
		for (int i = BCD_DIGITS - 1; i >= 0; i--)
			v = v * DECIMAL_BASE + ((raw >> (i * BCD_DIGIT_BITS)) & BCD_DIGIT_MASK);
	}
	v %= modulus(c);
	return v ? v : modulus(c);
}

static bool periodic(const struct vpit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

/* The counting element's origin and count at tick t: in modes 2/3 a count
 * written while counting takes over at the end of the current period. */
static void effective(const struct vpit_channel *c, u64 t, u64 *load, u32 *n)
{
	if (c->reload_pending && t >= c->reload_tick) {
		*load = c->reload_tick;
		*n = c->cr;
	} else {
		*load = c->load_tick;
		*n = c->n;
	}
}

/* First period boundary (load + k*n, k >= 1) after tick t. */
static u64 next_boundary(u64 load, u32 n, u64 t)
{
	if (t < load)
		return load + n;
	return load + ((t - load) / n + 1) * n;
}

/* Period boundaries in (a, b]. */
static u64 boundaries(u64 load, u32 n, u64 a, u64 b)
{
	u64 fa = a < load ? 0 : (a - load) / n;
	u64 fb = b < load ? 0 : (b - load) / n;

	return fb > fa ? fb - fa : 0;
}

/*
 * Mode 3 counting element after e ticks into a count of n: it counts down by
 * two through each half period; an odd count loses one clock on the first
 * half and gains it back on the second (82C54, Mode 3: Square Wave Mode).
 */
static u32 mode3_value(u32 n, u64 e)
{
	u32 p = (u32)(e % n), high = (n + 1) / 2;

	if (p < high)
		return p == 0 ? n : (n & 1) ? n + 1 - 2 * p : n - 2 * p;
	p -= high;
	return p == 0 ? n : (n & 1) ? n - 1 - 2 * p : n - 2 * p;
}

/* The counting element after e ticks of counting from n, as a number. */
static u32 count_after(const struct vpit_channel *c, u32 n, u64 e)
{
	u32 mod = modulus(c);

	switch (c->mode) {
	case 2:
		return (n - (u32)(e % n)) % mod;
	case 3:
		return mode3_value(n, e) % mod;
	default: /* 0, 1, 4, 5: count down, wrapping past zero */
		return (n + mod - (u32)(e % mod)) % mod;
	}
}

/* OUT after e ticks of counting from n (82C54, Mode 0 - Mode 5). */
static bool out_after(const struct vpit_channel *c, u32 n, u64 e)
{
	switch (c->mode) {
	case 0: /* low until terminal count, then high */
	case 1: /* low from the trigger until terminal count */
		return e >= n;
	case 2: /* low for the one clock at count 1 */
		return e % n != n - 1;
	case 3: /* high for the first half (rounded up) of each period */
		return e % n < (n + 1) / 2;
	default: /* 4, 5: one low strobe at terminal count */
		return e != n;
	}
}

/* The counting element's value at tick t, as read (binary or BCD). */
static u16 ce_value(const struct vpit_channel *c, u64 t)
{
	u64 load;
	u32 n, v;

	switch (c->state) {
	case VPIT_PAUSED:
		v = count_after(c, c->n, c->paused_elapsed);
		break;
	case VPIT_COUNTING:
		effective(c, t, &load, &n);
		if (t < load)
			return c->ce_hold; /* count not loaded yet */
		v = count_after(c, n, t - load);
		break;
	default:
		return c->ce_hold;
	}
	return c->bcd ? to_bcd(v) : (u16)v;
}

static bool out_level(const struct vpit_channel *c, u64 t)
{
	u64 load;
	u32 n;

	switch (c->state) {
	case VPIT_IDLE: /* the control word's initial state */
		return c->mode != 0;
	case VPIT_PAUSED:
		return out_after(c, c->n, c->paused_elapsed);
	case VPIT_COUNTING:
		effective(c, t, &load, &n);
		if (t < load)
			return c->mode != 0;
		return out_after(c, n, t - load);
	default: /* VPIT_WAITING */
		return true;
	}
}

/* Whether the last count written is not yet in the counting element
 * (82C54, Status Byte: NULL COUNT). With GATE low, modes 0 and 2-4 still
 * load it; modes 1 and 5 wait for the trigger. */
static bool null_count(const struct vpit_channel *c, u64 t)
{
	if (!c->null_count)
		return false;
	switch (c->state) {
	case VPIT_COUNTING:
		return t < (c->reload_pending ? c->reload_tick : c->load_tick);
	case VPIT_PAUSED:
		return false;
	case VPIT_WAITING:
		return !periodic(c);
	default:
		return true;
	}
}

/* Folds what happened up to tick t into the state: a pending reload that
 * took place, a count that was loaded. */
static void commit(struct vpit_channel *c, u64 t)
{
	if (c->reload_pending && t >= c->reload_tick) {
		c->load_tick = c->reload_tick;
		c->n = c->cr;
		c->reload_pending = false;
	}
	if (!null_count(c, t))
		c->null_count = false;
}

/* Tick of the first IRQ-worthy output event after tick t, or NO_TICK:
 * terminal count in modes 0/1/4/5, each period start in modes 2/3. */
static u64 next_event(const struct vpit_channel *c, u64 t)
{
	u64 e;

	if (c->state != VPIT_COUNTING)
		return NO_TICK;
	if (!periodic(c)) {
		e = c->load_tick + c->n;
		return e > t ? e : NO_TICK;
	}
	if (c->reload_pending && t >= c->reload_tick)
		return next_boundary(c->reload_tick, c->cr, t);
	return next_boundary(c->load_tick, c->n, t);
}

/* Number of such events in (a, b]. */
static u64 events_between(const struct vpit_channel *c, u64 a, u64 b)
{
	u64 e;

	if (c->state != VPIT_COUNTING || b <= a)
		return 0;
	if (!periodic(c)) {
		e = c->load_tick + c->n;
		return a < e && e <= b;
	}
	if (!c->reload_pending || b < c->reload_tick)
		return boundaries(c->load_tick, c->n, a, b);
	if (a >= c->reload_tick)
		return boundaries(c->reload_tick, c->cr, a, b);
	return boundaries(c->load_tick, c->n, a, c->reload_tick) +
	       boundaries(c->reload_tick, c->cr, c->reload_tick, b);
}

/* Delivers channel 0 events up to tick t as at most one IRQ 0 edge. */
static void settle(struct vpit *pit, u64 t)
{
	struct vpit_channel *c = &pit->ch[0];
	u64 events;

	if (t <= pit->irq_last_tick)
		return;
	events = events_between(c, pit->irq_last_tick, t);
	commit(c, t);
	pit->irq_last_tick = t;
	if (!events)
		return;
	pit->stats.irq_edges++;
	pit->stats.irq_coalesced += events - 1;
	irq_line_set(&pit->irq0, true);
	irq_line_set(&pit->irq0, false);
}

static void start_counting(struct vpit_channel *c, u32 n, u64 t)
{
	c->state = VPIT_COUNTING;
	c->n = n;
	c->load_tick = t + 1;
	c->reload_pending = false;
}

/* A complete count arrived in the count register (82C54, Mode 0 - 5: when
 * a new count takes effect). */
static void count_written(struct vpit_channel *c, u16 raw, u64 t)
{
	c->ce_hold = ce_value(c, t);
	c->cr = decode_count(c, raw);
	c->have_count = true;
	c->null_count = true;

	switch (c->mode) {
	case 1:
	case 5: /* loaded by the next trigger */
		if (c->state != VPIT_COUNTING)
			c->state = VPIT_WAITING;
		break;
	case 2:
	case 3: /* running: the new count starts with the next period */
		if (c->state == VPIT_COUNTING && t >= c->load_tick) {
			if (!c->reload_pending) {
				c->reload_pending = true;
				c->reload_tick = next_boundary(c->load_tick, c->n, t);
			}
		} else if (c->gate) {
			start_counting(c, c->cr, t);
		} else { /* loaded, but held until GATE rises */
			c->state = VPIT_WAITING;
			c->ce_hold = c->bcd ? to_bcd(c->cr % modulus(c)) : (u16)c->cr;
		}
		break;
	default: /* 0, 4: counting restarts from the new count */
		if (c->gate) {
			start_counting(c, c->cr, t);
		} else {
			c->state = VPIT_PAUSED;
			c->n = c->cr;
			c->paused_elapsed = 0;
		}
		break;
	}
}

/* A byte written to a counter port, assembled per the access mode (82C54,
 * Write Operations: LSB first in the two-byte mode). */
static void write_counter(struct vpit_channel *c, u8 value, u64 t)
{
	switch (c->access) {
	case CW_RW_LSB:
		count_written(c, value, t);
		break;
	case CW_RW_MSB:
		count_written(c, (u16)(value << 8), t);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = value;
			c->write_msb_next = true;
			if (c->mode == 0) { /* the first byte stops counting, OUT low */
				c->ce_hold = ce_value(c, t);
				c->state = VPIT_IDLE;
			}
		} else {
			c->write_msb_next = false;
			count_written(c, (u16)(c->write_lsb | value << 8), t);
		}
		break;
	}
}

/* Returns the LSB or MSB of v for one read in access mode access, stepping
 * the LSB/MSB flip-flop *msb_next; *done tells a two-byte read finished. */
static u8 read_byte(u8 access, u16 v, bool *msb_next, bool *done)
{
	*done = true;
	switch (access) {
	case CW_RW_LSB:
		return (u8)v;
	case CW_RW_MSB:
		return (u8)(v >> 8);
	default:
		*msb_next = !*msb_next;
		*done = !*msb_next;
		return *msb_next ? (u8)v : (u8)(v >> 8);
	}
}

/* A counter port read: a latched status, then a latched count, then the
 * live counting element (82C54, Read Operations). */
static u8 read_counter(struct vpit_channel *c, u64 t)
{
	bool done;
	u8 byte;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		byte = read_byte(c->access, c->latch, &c->latch_msb_next, &done);
		if (done)
			c->count_latched = false;
		return byte;
	}
	return read_byte(c->access, ce_value(c, t), &c->read_msb_next, &done);
}

/* Counter latch command; a second latch before the read is ignored. */
static void latch_count(struct vpit_channel *c, u64 t)
{
	if (c->count_latched)
		return;
	c->latch = ce_value(c, t);
	c->count_latched = true;
	c->latch_msb_next = false;
}

/* Read-back status latch; ignored while an earlier status is unread. */
static void latch_status(struct vpit_channel *c, u64 t)
{
	if (c->status_latched)
		return;
	c->status = c->ctrl;
	if (out_level(c, t))
		c->status |= STATUS_OUTPUT;
	if (null_count(c, t))
		c->status |= STATUS_NULL_COUNT;
	c->status_latched = true;
}

static void read_back(struct vpit *pit, u8 value, u64 t)
{
	for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
		if (!(value & (1u << (RB_CNT_SHIFT + i))))
			continue;
		if (!(value & RB_NOT_COUNT))
			latch_count(&pit->ch[i], t);
		if (!(value & RB_NOT_STATUS))
			latch_status(&pit->ch[i], t);
	}
}

/* A control word: mode and access set, counting stops until a count is
 * written, OUT goes to the mode's initial level. Modes 6 and 7 are 2 and 3. */
static void set_mode(struct vpit_channel *c, u8 value, u64 t)
{
	u8 mode = (value >> CW_MODE_SHIFT) & CW_MODE_MASK;

	c->ce_hold = ce_value(c, t);
	c->ctrl = value & CW_STATUS_BITS;
	c->access = (value >> CW_RW_SHIFT) & CW_RW_MASK;
	c->mode = mode > 5 ? mode - 4 : mode;
	c->bcd = value & CW_BCD;
	c->state = VPIT_IDLE;
	c->have_count = false;
	c->null_count = true;
	c->reload_pending = false;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->count_latched = false;
	c->status_latched = false;
}

static void write_control(struct vpit *pit, u8 value, u64 t)
{
	unsigned sel = value >> CW_SC_SHIFT;
	struct vpit_channel *c;

	if (sel == CW_SC_READ_BACK) {
		read_back(pit, value, t);
		return;
	}
	c = &pit->ch[sel];
	if (((value >> CW_RW_SHIFT) & CW_RW_MASK) == CW_RW_LATCH)
		latch_count(c, t);
	else
		set_mode(c, value, t);
}

/* GATE of a channel changed (only channel 2's is wired to software):
 * modes 0/4 pause and resume, modes 1/5 trigger on the rising edge, modes
 * 2/3 stop with OUT high and restart from the count on the rising edge. */
static void set_gate(struct vpit_channel *c, bool gate, u64 t)
{
	if (gate == c->gate)
		return;
	c->gate = gate;
	switch (c->mode) {
	case 0:
	case 4:
		if (!gate && c->state == VPIT_COUNTING) {
			c->paused_elapsed = t >= c->load_tick ? t - c->load_tick : 0;
			c->state = VPIT_PAUSED;
		} else if (gate && c->state == VPIT_PAUSED) {
			c->state = VPIT_COUNTING;
			c->load_tick = t >= c->paused_elapsed ? t - c->paused_elapsed : 0;
		}
		break;
	case 1:
	case 5:
		if (gate && c->have_count)
			start_counting(c, c->cr, t);
		break;
	default:
		if (!gate && c->state == VPIT_COUNTING) {
			c->ce_hold = ce_value(c, t);
			c->state = VPIT_WAITING;
		} else if (gate && c->have_count) {
			start_counting(c, c->cr, t);
		}
		break;
	}
}

/* Port 0x61: the stored enables plus the refresh toggle and OUT2 now. */
static u8 read_port_b(const struct vpit *pit, u64 t)
{
	u8 value = pit->port_b;

	if ((t / REFRESH_TICKS) & 1)
		value |= PORT_B_REFRESH;
	if (out_level(&pit->ch[2], t))
		value |= PORT_B_OUT2;
	return value;
}

void vpit_init(struct vpit *pit, struct vclock clock, struct irq_line irq0)
{
	memset(pit, 0, sizeof(*pit));
	pit->clock = clock;
	pit->irq0 = irq0;
	for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
		struct vpit_channel *c = &pit->ch[i];

		set_mode(c, CW_RW_LSB_MSB << CW_RW_SHIFT | 3 << CW_MODE_SHIFT, 0);
		c->gate = i != 2; /* GATE 0 and 1 are tied high on the PC */
	}
}

u8 vpit_read(struct vpit *pit, u16 port)
{
	u64 t = now_tick(pit);

	settle(pit, t);
	switch (port) {
	case VPIT_BASE:
	case VPIT_BASE + 1:
	case VPIT_BASE + 2:
		commit(&pit->ch[port - VPIT_BASE], t);
		return read_counter(&pit->ch[port - VPIT_BASE], t);
	case VPIT_PORT_B:
		return read_port_b(pit, t);
	default: /* the control word register is write-only */
		return OPEN_BUS;
	}
}

void vpit_write(struct vpit *pit, u16 port, u8 value)
{
	u64 t = now_tick(pit);

	settle(pit, t);
	for (unsigned i = 0; i < VPIT_CHANNELS; i++)
		commit(&pit->ch[i], t);
	switch (port) {
	case VPIT_BASE:
	case VPIT_BASE + 1:
	case VPIT_BASE + 2:
		write_counter(&pit->ch[port - VPIT_BASE], value, t);
		break;
	case VPIT_BASE + REG_CONTROL:
		write_control(pit, value, t);
		break;
	case VPIT_PORT_B:
		pit->port_b = value & PORT_B_WRITABLE;
		set_gate(&pit->ch[2], value & PORT_B_GATE2, t);
		break;
	default:
		break;
	}
}

void vpit_update(struct vpit *pit)
{
	settle(pit, now_tick(pit));
}

u64 vpit_next_irq_ns(const struct vpit *pit)
{
	u64 tick = next_event(&pit->ch[0], pit->irq_last_tick);

	return tick == NO_TICK ? UINT64_MAX : ticks_to_ns(tick);
}

bool vpit_channel_out(const struct vpit *pit, unsigned channel)
{
	if (channel >= VPIT_CHANNELS)
		return false;
	return out_level(&pit->ch[channel], now_tick(pit));
}

/* Byte cycles at successive ports for a wider access (ISA bus sizing). */
static u64 counters_io_read(void *dev, u64 offset, u8 size)
{
	u64 value = 0;

	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 off = offset + i;
		u8 byte = off <= REG_CONTROL ? vpit_read(dev, VPIT_BASE + off) : OPEN_BUS;

		value |= (u64)byte << (8 * i);
	}
	return value;
}

static void counters_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	for (unsigned i = 0; i < size && i < sizeof(value); i++) {
		u64 off = offset + i;

		if (off <= REG_CONTROL)
			vpit_write(dev, VPIT_BASE + off, value >> (8 * i));
	}
}

static u64 port_b_io_read(void *dev, u64 offset, u8 size)
{
	return offset == 0 ? vpit_read(dev, VPIT_PORT_B) : OPEN_BUS;
}

static void port_b_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	if (offset == 0)
		vpit_write(dev, VPIT_PORT_B, (u8)value);
}

int vpit_attach(struct vpit *pit, struct io_bus *bus)
{
	const struct io_range ranges[] = {
		{ .base = VPIT_BASE, .len = REG_CONTROL + 1, .dev = pit, .read = counters_io_read,
		  .write = counters_io_write, .name = "pit" },
		{ .base = VPIT_PORT_B, .len = 1, .dev = pit, .read = port_b_io_read,
		  .write = port_b_io_write, .name = "port-b" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(ranges); i++) {
		int err = io_bus_register(bus, &ranges[i]);

		if (err)
			return err;
	}
	return 0;
}
