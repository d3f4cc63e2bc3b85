// sources: hv/vdev/pit8254.c hv/io_bus.c
/*
 * hv/vdev/pit8254.c: IRQ 0 timing in modes 0, 2, 3 and 4, counter values at
 * given clock readings, latch and read-back, BCD, access modes, channel 2's
 * gate and port 0x61, coalescing, reprogramming, guest times of centuries,
 * and random traffic checked against vpit_next_irq_ns().
 */
#include "vdev_helpers.h"

#include "hv/vdev/pit8254.h"

#define CH0 0x40
#define CH2 0x42
#define CTRL 0x43
#define PORT_B 0x61

/* Control words: channel << 6 | access << 4 | mode << 1 | bcd. */
#define CW(ch, access, mode) ((u8)((ch) << 6 | (access) << 4 | (mode) << 1))
#define LSB_MSB 3

struct fixture {
	struct vpit pit;
	struct io_bus bus;
	struct fake_clock clock;
	struct irq_rec irq;
};

/* The first nanosecond of PIT tick t: ceil(t * 10^9 / VPIT_HZ), computed
 * independently of the model with 128-bit arithmetic. */
static u64 tick_ns(u64 t)
{
	unsigned __int128 x = (unsigned __int128)t * NS_PER_SEC;

	return (u64)((x + VPIT_HZ - 1) / VPIT_HZ);
}

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->bus);
	vpit_init(&f->pit, fake_vclock(&f->clock), irq_rec_line(&f->irq, VPIT_IRQ));
	assert_int_equal(vpit_attach(&f->pit, &f->bus), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static void at_tick(struct fixture *f, u64 t)
{
	f->clock.now = tick_ns(t);
}

static void program(struct fixture *f, unsigned ch, u8 mode, u16 count)
{
	bus_outb(&f->bus, CTRL, CW(ch, LSB_MSB, mode));
	bus_outb(&f->bus, CH0 + ch, count & 0xFF);
	bus_outb(&f->bus, CH0 + ch, count >> 8);
}

/* Counter latch command, then LSB and MSB. */
static u16 latched(struct fixture *f, unsigned ch)
{
	u16 lo, hi;

	bus_outb(&f->bus, CTRL, CW(ch, 0, 0));
	lo = bus_inb(&f->bus, CH0 + ch);
	hi = bus_inb(&f->bus, CH0 + ch);
	return (u16)(hi << 8 | lo);
}

static u8 status(struct fixture *f, unsigned ch)
{
	bus_outb(&f->bus, CTRL, 0xE0 | 2 << ch); /* read-back, status only */
	return bus_inb(&f->bus, CH0 + ch);
}

static unsigned irq_edges(struct fixture *f)
{
	return f->irq.rises[VPIT_IRQ];
}

static void test_power_on_idle(void **state)
{
	struct fixture *f = *state;

	f->clock.now = 10 * NS_PER_SEC;
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 0);
	assert_true(vpit_next_irq_ns(&f->pit) == UINT64_MAX);
	/* mode 3, LSB/MSB, binary, null count, OUT high */
	assert_int_equal(status(f, 0), 0xC0 | 0x36);
	assert_int_equal(bus_inb(&f->bus, CTRL), 0xFF); /* write-only */
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x0F, 0x00);
	assert_int_equal(vpit_attach(&f->pit, &f->bus), -EEXIST);
}

static void test_mode2_period_exact(void **state)
{
	struct fixture *f = *state;
	u64 prev = 0;

	program(f, 0, 2, 1193); /* at tick 0: loaded at tick 1 */
	for (u64 k = 1; k <= 3000; k++) {
		u64 t = vpit_next_irq_ns(&f->pit);

		assert_true(t == tick_ns(1 + 1193 * k));
		if (prev)
			assert_true(t - prev == 999847 || t - prev == 999848);
		f->clock.now = t - 1;
		vpit_update(&f->pit);
		assert_int_equal(irq_edges(f), k - 1);
		f->clock.now = t;
		vpit_update(&f->pit);
		assert_int_equal(irq_edges(f), k);
		assert_int_equal(f->irq.falls[VPIT_IRQ], k); /* an edge: up, down */
		prev = t;
	}
	assert_int_equal(f->pit.stats.irq_coalesced, 0);
}

static void test_mode2_every_ms(void **state)
{
	struct fixture *f = *state;

	program(f, 0, 2, 1193); /* 1 kHz */
	for (unsigned ms = 1; ms <= 1000; ms++) {
		f->clock.now = ms * NS_PER_MS;
		vpit_update(&f->pit);
		/* the first period ends 1193 ticks after the load, just past 1 ms */
		assert_int_equal(irq_edges(f), ms - 1);
	}
	/* 1000 periods in the second: the 0.182-tick drift per millisecond
	 * put two of them in one millisecond (the sixth) */
	assert_int_equal(f->pit.stats.irq_edges, 999);
	assert_int_equal(f->pit.stats.irq_coalesced, 1);
}

static void test_counter_values(void **state)
{
	struct fixture *f = *state;

	program(f, 0, 2, 1000);
	at_tick(f, 1);
	assert_int_equal(latched(f, 0), 1000);
	at_tick(f, 251);
	assert_int_equal(latched(f, 0), 750);
	at_tick(f, 999);
	assert_true(vpit_channel_out(&f->pit, 0));
	at_tick(f, 1000);
	assert_int_equal(latched(f, 0), 1);
	assert_false(vpit_channel_out(&f->pit, 0)); /* low while the count is 1 */
	at_tick(f, 1001);
	assert_int_equal(latched(f, 0), 1000); /* reloaded */
	assert_true(vpit_channel_out(&f->pit, 0));
	f->clock.now = tick_ns(1501) + 500; /* within the tick */
	assert_int_equal(latched(f, 0), 500);
	/* unlatched reads follow the LSB/MSB flip-flop */
	at_tick(f, 2001 + 0x100);
	assert_int_equal(bus_inb(&f->bus, CH0), (1000 - 0x100) & 0xFF);
	assert_int_equal(bus_inb(&f->bus, CH0), (1000 - 0x100) >> 8);
}

static void test_latch(void **state)
{
	struct fixture *f = *state;

	program(f, 0, 2, 1000);
	at_tick(f, 101);
	bus_outb(&f->bus, CTRL, 0x00);
	at_tick(f, 201);
	bus_outb(&f->bus, CTRL, 0x00); /* ignored: the first is unread */
	at_tick(f, 501);
	assert_int_equal(bus_inb(&f->bus, CH0), 900 & 0xFF);
	at_tick(f, 601);
	assert_int_equal(bus_inb(&f->bus, CH0), 900 >> 8);
	/* read out: the next latch takes the live value */
	assert_int_equal(latched(f, 0), 400);
	/* a control word drops a pending latch */
	bus_outb(&f->bus, CTRL, 0x00);
	program(f, 0, 2, 50);
	at_tick(f, 602 + 10);
	assert_int_equal(latched(f, 0), 40);
}

static void test_read_back(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, CTRL, CW(0, LSB_MSB, 0));
	assert_int_equal(status(f, 0), 0x40 | 0x30); /* OUT low, null count */
	bus_outb(&f->bus, CH0, 100);
	bus_outb(&f->bus, CH0, 0);
	assert_int_equal(status(f, 0), 0x70); /* not loaded before the next clock */
	at_tick(f, 1);
	assert_int_equal(status(f, 0), 0x30);
	at_tick(f, 100);
	assert_int_equal(status(f, 0), 0x30);
	at_tick(f, 101);
	assert_int_equal(status(f, 0), 0xB0); /* terminal count: OUT high */

	/* status and count together: status first, then LSB, MSB */
	at_tick(f, 103);
	bus_outb(&f->bus, CTRL, 0xC2);
	assert_int_equal(bus_inb(&f->bus, CH0), 0xB0);
	assert_int_equal(bus_inb(&f->bus, CH0), 0xFE); /* wrapped past 0 */
	assert_int_equal(bus_inb(&f->bus, CH0), 0xFF);

	/* one command for all three counters */
	program(f, 2, 3, 0x1234);
	bus_outb(&f->bus, CTRL, 0xDE); /* count only, CNT0-2 */
	at_tick(f, 200);
	assert_int_equal(bus_inb(&f->bus, CH0), (u8)(0x10000 + 100 - 102));
	bus_inb(&f->bus, CH0);
	assert_int_equal(bus_inb(&f->bus, CH2), 0x34); /* held: gate 2 low */
	assert_int_equal(bus_inb(&f->bus, CH2), 0x12);
	/* status of a BCD mode 5 channel, no count yet */
	bus_outb(&f->bus, CTRL, CW(1, LSB_MSB, 5) | 1);
	assert_int_equal(status(f, 1), 0xC0 | 0x3B);
}

static void test_mode0_terminal_count(void **state)
{
	struct fixture *f = *state;

	program(f, 0, 0, 1000);
	assert_false(vpit_channel_out(&f->pit, 0));
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(1001));
	at_tick(f, 1000);
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 0);
	assert_false(vpit_channel_out(&f->pit, 0));
	at_tick(f, 1001);
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 1);
	assert_true(vpit_channel_out(&f->pit, 0));
	/* one interrupt only; the counter keeps counting, OUT stays high */
	assert_true(vpit_next_irq_ns(&f->pit) == UINT64_MAX);
	at_tick(f, 1001 + 70000);
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 1);
	assert_true(vpit_channel_out(&f->pit, 0));
	assert_int_equal(latched(f, 0), (u16)(0x10000 - 70000 % 0x10000));
	/* a count of 0 is 65536 */
	at_tick(f, 100000);
	program(f, 0, 0, 0);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(100001 + 65536));
	/* writing the first byte stops counting with OUT low */
	at_tick(f, 100101);
	bus_outb(&f->bus, CH0, 10);
	at_tick(f, 100201);
	assert_int_equal(latched(f, 0), (u16)(0x10000 - 100));
	assert_true(vpit_next_irq_ns(&f->pit) == UINT64_MAX);
	bus_outb(&f->bus, CH0, 0);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(100202 + 10));
}

static void test_mode3_square_wave(void **state)
{
	struct fixture *f = *state;
	static const u16 even[] = { 10, 8, 6, 4, 2, 10, 8, 6, 4, 2 };
	static const u16 odd[] = { 9, 8, 6, 4, 2, 9, 6, 4, 2 };

	program(f, 0, 3, 10);
	for (unsigned e = 0; e < 20; e++) {
		at_tick(f, 1 + e);
		assert_int_equal(latched(f, 0), even[e % 10]);
		assert_int_equal(vpit_channel_out(&f->pit, 0), e % 10 < 5);
	}
	at_tick(f, 1000);
	program(f, 0, 3, 9);
	for (unsigned e = 0; e < 18; e++) {
		at_tick(f, 1001 + e);
		assert_int_equal(latched(f, 0), odd[e % 9]);
		assert_int_equal(vpit_channel_out(&f->pit, 0), e % 9 < 5);
	}
	/* IRQ 0 on each rising edge of OUT */
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(1001 + 9 * 2));
	at_tick(f, 1001 + 9 * 100);
	vpit_update(&f->pit);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(1001 + 9 * 101));
	/* mode 7 is mode 3 */
	bus_outb(&f->bus, CTRL, 0x3E);
	assert_int_equal(status(f, 0), 0xC0 | 0x3E);
	bus_outb(&f->bus, CH0, 4);
	bus_outb(&f->bus, CH0, 0);
	at_tick(f, 1001 + 9 * 100 + 1 + 2);
	assert_false(vpit_channel_out(&f->pit, 0));
}

static void test_mode4_one_shot(void **state)
{
	struct fixture *f = *state;

	/* Linux's PIT clockevent: mode 4, a count per event */
	bus_outb(&f->bus, CTRL, 0x38);
	bus_outb(&f->bus, CH0, 500 & 0xFF);
	bus_outb(&f->bus, CH0, 500 >> 8);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(501));
	assert_true(vpit_channel_out(&f->pit, 0));
	at_tick(f, 501);
	assert_false(vpit_channel_out(&f->pit, 0)); /* the strobe */
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 1);
	at_tick(f, 502);
	assert_true(vpit_channel_out(&f->pit, 0));
	assert_true(vpit_next_irq_ns(&f->pit) == UINT64_MAX);
	/* the next event: a new count without a control word */
	at_tick(f, 600);
	bus_outb(&f->bus, CH0, 100);
	bus_outb(&f->bus, CH0, 0);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(701));
	at_tick(f, 5000);
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 2);
	assert_int_equal(f->pit.stats.irq_coalesced, 0);
}

static void test_bcd(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, CTRL, CW(0, LSB_MSB, 2) | 1);
	bus_outb(&f->bus, CH0, 0x00);
	bus_outb(&f->bus, CH0, 0x10); /* 1000 decimal */
	at_tick(f, 2);
	assert_int_equal(latched(f, 0), 0x0999);
	at_tick(f, 1 + 1000 + 3);
	assert_int_equal(latched(f, 0), 0x0997);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(1 + 2000));

	/* BCD 0 means 10^4 */
	at_tick(f, 5000);
	bus_outb(&f->bus, CTRL, CW(0, LSB_MSB, 0) | 1);
	bus_outb(&f->bus, CH0, 0);
	bus_outb(&f->bus, CH0, 0);
	at_tick(f, 5001);
	assert_int_equal(latched(f, 0), 0x0000);
	at_tick(f, 5002);
	assert_int_equal(latched(f, 0), 0x9999);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(5001 + 10000));
}

static void test_access_modes(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, CTRL, CW(0, 1, 2)); /* LSB only */
	bus_outb(&f->bus, CH0, 80);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(81));
	at_tick(f, 11);
	assert_int_equal(bus_inb(&f->bus, CH0), 70);
	assert_int_equal(bus_inb(&f->bus, CH0), 70);

	bus_outb(&f->bus, CTRL, CW(0, 2, 2)); /* MSB only */
	bus_outb(&f->bus, CH0, 3);            /* 768 */
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(12 + 768));
	at_tick(f, 12 + 300);
	assert_int_equal(bus_inb(&f->bus, CH0), (768 - 300) >> 8);
	bus_outb(&f->bus, CTRL, 0x00);
	at_tick(f, 12 + 600);
	assert_int_equal(bus_inb(&f->bus, CH0), (768 - 300) >> 8); /* latched MSB */
	assert_int_equal(bus_inb(&f->bus, CH0), (768 - 600) >> 8); /* live again */

	/* a 16-bit write to port 0x40 is two byte cycles at 0x40 and 0x41 */
	program(f, 1, 2, 7);
	bus_outb(&f->bus, CTRL, CW(0, 1, 2));
	bus_out(&f->bus, CH0, 2, 0x0506);
	assert_int_equal(f->pit.ch[1].write_msb_next, true);
	assert_int_equal(f->pit.ch[0].cr, 6);
}

static void test_channel2_gate_and_port_b(void **state)
{
	struct fixture *f = *state;
	u8 b;

	/* Linux's pit_calibrate_tsc(): gate high, speaker off, mode 0 */
	b = bus_inb(&f->bus, PORT_B);
	bus_outb(&f->bus, PORT_B, (b & ~0x02) | 0x01);
	bus_outb(&f->bus, CTRL, 0xB0);
	bus_outb(&f->bus, CH2, 1000 & 0xFF);
	bus_outb(&f->bus, CH2, 1000 >> 8);
	at_tick(f, 1000);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0);
	at_tick(f, 1001);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0x20);
	assert_int_equal(irq_edges(f), 0); /* channel 2 has no interrupt */

	/* mode 0 pauses while GATE is low */
	at_tick(f, 2000);
	program(f, 2, 0, 1000); /* loaded at 2001 */
	at_tick(f, 2101);
	bus_outb(&f->bus, PORT_B, 0x00);
	at_tick(f, 2500);
	assert_int_equal(latched(f, 2), 900);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0);
	bus_outb(&f->bus, PORT_B, 0x01);
	at_tick(f, 2600);
	assert_int_equal(latched(f, 2), 800);
	at_tick(f, 2500 + 900 - 1);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0);
	at_tick(f, 2500 + 900);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0x20);

	/* mode 1 waits for a rising GATE, retriggers */
	bus_outb(&f->bus, PORT_B, 0x00);
	program(f, 2, 1, 100);
	at_tick(f, 5000);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0x20);
	bus_outb(&f->bus, PORT_B, 0x01); /* trigger: loaded at 5001 */
	at_tick(f, 5001);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0);
	at_tick(f, 5050);
	bus_outb(&f->bus, PORT_B, 0x00);
	bus_outb(&f->bus, PORT_B, 0x01); /* retrigger: loaded at 5051 */
	at_tick(f, 5150);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0);
	assert_int_equal(latched(f, 2), 1);
	at_tick(f, 5151);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0x20);

	/* mode 3 (a speaker tone) stops with OUT high, restarts from the count */
	program(f, 2, 3, 100);
	at_tick(f, 5151 + 1 + 60);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0); /* second half */
	bus_outb(&f->bus, PORT_B, 0x02);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x23, 0x22);
	at_tick(f, 6000);
	bus_outb(&f->bus, PORT_B, 0x03);
	at_tick(f, 6001 + 49);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0x20);
	at_tick(f, 6001 + 50);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x20, 0);
}

static void test_port_b_bits(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, PORT_B, 0xFF);
	at_tick(f, 0);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0xDF, 0x0F);
	/* the refresh toggle flips every 18 ticks */
	at_tick(f, 17);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x10, 0x00);
	at_tick(f, 18);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x10, 0x10);
	at_tick(f, 36);
	assert_int_equal(bus_inb(&f->bus, PORT_B) & 0x10, 0x00);
	/* a wide read of port 0x61 gets unclaimed bytes above it */
	assert_int_equal(bus_in(&f->bus, PORT_B, 2) & 0xFF00, 0xFF00);
}

static void test_coalescing(void **state)
{
	struct fixture *f = *state;

	program(f, 0, 2, 1193);
	f->clock.now = 10 * NS_PER_MS; /* tick 11931: boundaries 1194..11931 */
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 1);
	assert_int_equal(f->pit.stats.irq_coalesced, 9);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(1 + 1193 * 11));
	/* a port access also delivers what was due */
	f->clock.now = 20 * NS_PER_MS;
	bus_inb(&f->bus, CH2);
	assert_int_equal(irq_edges(f), 2);
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 2);
}

static void test_mode2_new_count_next_period(void **state)
{
	struct fixture *f = *state;

	program(f, 0, 2, 1000);
	at_tick(f, 501);
	bus_outb(&f->bus, CH0, 300 & 0xFF);
	bus_outb(&f->bus, CH0, 300 >> 8);
	assert_int_equal(status(f, 0) & 0x40, 0x40); /* null count until reload */
	at_tick(f, 700);
	assert_int_equal(latched(f, 0), 301);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(1001));
	at_tick(f, 1001);
	assert_int_equal(latched(f, 0), 300);
	assert_int_equal(status(f, 0) & 0x40, 0);
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 1);
	assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(1301));
	at_tick(f, 1101);
	assert_int_equal(latched(f, 0), 200);
	at_tick(f, 1601);
	vpit_update(&f->pit);
	assert_int_equal(irq_edges(f), 2);
	assert_int_equal(f->pit.stats.irq_coalesced, 1);
}

static void test_centuries_of_guest_time(void **state)
{
	struct fixture *f = *state;
	static const u64 starts[] = {
		10ULL * 86400 * NS_PER_SEC,        /* ten days */
		500ULL * 365 * 86400 * NS_PER_SEC, /* five centuries */
	};

	for (unsigned i = 0; i < 2; i++) {
		unsigned __int128 x = (unsigned __int128)starts[i] * VPIT_HZ / NS_PER_SEC;
		u64 t0 = (u64)x;

		f->clock.now = starts[i];
		program(f, 0, 2, 1193);
		assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(t0 + 1 + 1193));
		at_tick(f, t0 + 1 + 1000);
		assert_int_equal(latched(f, 0), 193);
		at_tick(f, t0 + 1 + 1193 * 5);
		vpit_update(&f->pit);
		assert_true(vpit_next_irq_ns(&f->pit) == tick_ns(t0 + 1 + 1193 * 6));
	}
}

/* Random traffic; whenever the clock moves before an update, an edge is
 * raised exactly when the clock reached vpit_next_irq_ns(). */
static void test_random_traffic(void **state)
{
	struct fixture *f = *state;
	static const u16 ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61 };
	static const u8 sizes[] = { 1, 2, 4 };
	u64 seed = 42;

	for (unsigned i = 0; i < 200000; i++) {
		u64 r = vdev_rand(&seed);
		u64 next, edges;

		switch (r % 4) {
		case 0:
			bus_in(&f->bus, ports[(r >> 2) % 5], sizes[(r >> 5) % 3]);
			break;
		case 1:
			bus_out(&f->bus, ports[(r >> 2) % 5], sizes[(r >> 5) % 3], r >> 8);
			break;
		case 2: /* small counts so that events happen */
			bus_outb(&f->bus, 0x40, (r >> 8) & 0x3F);
			break;
		default:
			vpit_update(&f->pit);
			next = vpit_next_irq_ns(&f->pit);
			edges = irq_edges(f);
			f->clock.now += (r >> 8) % 200000;
			vpit_update(&f->pit);
			assert_int_equal(irq_edges(f) - edges, f->clock.now >= next);
			break;
		}
		f->clock.now += (r >> 40) % 3000;
	}
	assert_true(f->pit.stats.irq_edges > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_power_on_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode2_period_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode2_every_ms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counter_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode0_terminal_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode3_square_wave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode4_one_shot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bcd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel2_gate_and_port_b, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_b_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coalescing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode2_new_count_next_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_centuries_of_guest_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_traffic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
