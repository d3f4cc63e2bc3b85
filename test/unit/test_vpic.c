// sources: hv/vdev/pic8259.c hv/io_bus.c
/*
 * hv/vdev/pic8259.c: the ICW sequence, priority and nesting, masking, EOI
 * forms, the slave cascade, spurious IRQ 7/15, ELCR level triggering,
 * auto-EOI, rotation, special mask mode, polling, the INT output, and
 * random port traffic.
 */
#include "vdev_helpers.h"

#include "hv/vdev/pic8259.h"

#define M_CMD 0x20
#define M_DATA 0x21
#define S_CMD 0xA0
#define S_DATA 0xA1
#define ELCR1 0x4D0
#define ELCR2 0x4D1

#define M_BASE 0x20 /* Linux-style remap: IRQ 0-7 -> 0x20-0x27 */
#define S_BASE 0x28 /* IRQ 8-15 -> 0x28-0x2F */

#define OCW2_EOI 0x20
#define OCW2_SPECIFIC_EOI 0x60
#define OCW2_ROTATE_EOI 0xA0
#define OCW2_SET_PRIORITY 0xC0
#define OCW3_READ_IRR 0x0A
#define OCW3_READ_ISR 0x0B
#define OCW3_POLL 0x0C
#define OCW3_SET_SMM 0x68
#define OCW3_CLEAR_SMM 0x48

/* The CPU's INT input is recorded on line 0 of the recorder. */
#define INT_LINE 0

struct fixture {
	struct vpic pic;
	struct io_bus bus;
	struct irq_rec cpu;
};

/* The standard PC initialization with the given ICW4. */
static void init_pair(struct fixture *f, u8 icw4)
{
	bus_outb(&f->bus, M_CMD, 0x11);
	bus_outb(&f->bus, S_CMD, 0x11);
	bus_outb(&f->bus, M_DATA, M_BASE);
	bus_outb(&f->bus, S_DATA, S_BASE);
	bus_outb(&f->bus, M_DATA, 0x04);
	bus_outb(&f->bus, S_DATA, 0x02);
	bus_outb(&f->bus, M_DATA, icw4);
	bus_outb(&f->bus, S_DATA, icw4);
}

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->bus);
	vpic_init(&f->pic, irq_rec_line(&f->cpu, INT_LINE));
	assert_int_equal(vpic_attach(&f->pic, &f->bus), 0);
	*state = f;
	return 0;
}

static int setup_initialized(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	init_pair(f, 0x01);
	bus_outb(&f->bus, M_DATA, 0x00);
	bus_outb(&f->bus, S_DATA, 0x00);
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static void pulse(struct fixture *f, unsigned irq)
{
	vpic_set_irq(&f->pic, irq, true);
	vpic_set_irq(&f->pic, irq, false);
}

static u8 read_isr(struct fixture *f, u16 cmd)
{
	bus_outb(&f->bus, cmd, OCW3_READ_ISR);
	return bus_inb(&f->bus, cmd);
}

static u8 read_irr(struct fixture *f, u16 cmd)
{
	bus_outb(&f->bus, cmd, OCW3_READ_IRR);
	return bus_inb(&f->bus, cmd);
}

static void test_power_on_masked(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(bus_inb(&f->bus, M_DATA), 0xFF);
	assert_int_equal(bus_inb(&f->bus, S_DATA), 0xFF);
	pulse(f, 0);
	pulse(f, 9);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	assert_false(f->cpu.level[INT_LINE]);
	/* the request was latched, just masked */
	assert_int_equal(bus_inb(&f->bus, M_CMD), 0x01);
	/* an INTA with nothing deliverable: master IRQ 7, spurious */
	assert_int_equal(vpic_ack(&f->pic), 7);
	assert_int_equal(f->pic.stats.spurious, 1);
	assert_int_equal(vpic_attach(&f->pic, &f->bus), -EEXIST);
}

static void test_init_sequence(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, M_CMD, 0x11);
	/* mid-sequence: data writes are ICWs, nothing is delivered */
	bus_outb(&f->bus, M_DATA, 0x30 | 0x05); /* low 3 bits of ICW2 ignored */
	vpic_set_irq(&f->pic, 1, true);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	bus_outb(&f->bus, M_DATA, 0x04);
	bus_outb(&f->bus, M_DATA, 0x01);
	/* ICW1 cleared IMR; the IRQ 1 edge arrived after the edge-sense reset */
	assert_int_equal(bus_inb(&f->bus, M_DATA), 0x00);
	assert_int_equal(vpic_pending_vector(&f->pic), 0x31);
	assert_true(f->cpu.level[INT_LINE]);
	assert_int_equal(vpic_ack(&f->pic), 0x31);
	assert_false(f->cpu.level[INT_LINE]);
	assert_int_equal(read_isr(f, M_CMD), 0x02);

	/* a new ICW1 resets ISR and IMR; a still-high edge input needs a new
	 * low-to-high transition to request again */
	bus_outb(&f->bus, M_CMD, 0x11);
	bus_outb(&f->bus, M_DATA, 0x40);
	bus_outb(&f->bus, M_DATA, 0x04);
	bus_outb(&f->bus, M_DATA, 0x01);
	assert_int_equal(read_isr(f, M_CMD), 0x00);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	vpic_set_irq(&f->pic, 1, false);
	vpic_set_irq(&f->pic, 1, true);
	assert_int_equal(vpic_pending_vector(&f->pic), 0x41);

	/* without IC4 the sequence ends after ICW3; single mode skips ICW3 */
	bus_outb(&f->bus, S_CMD, 0x10);
	bus_outb(&f->bus, S_DATA, 0x70);
	bus_outb(&f->bus, S_DATA, 0x02);
	bus_outb(&f->bus, S_DATA, 0x5A); /* now OCW1 */
	assert_int_equal(bus_inb(&f->bus, S_DATA), 0x5A);
	bus_outb(&f->bus, S_CMD, 0x13);
	bus_outb(&f->bus, S_DATA, 0x70);
	bus_outb(&f->bus, S_DATA, 0x01); /* ICW4 */
	bus_outb(&f->bus, S_DATA, 0xA5); /* OCW1 */
	assert_int_equal(bus_inb(&f->bus, S_DATA), 0xA5);
}

static void test_priority_and_nesting(void **state)
{
	struct fixture *f = *state;

	pulse(f, 4);
	pulse(f, 1);
	pulse(f, 6);
	assert_int_equal(read_irr(f, M_CMD), 0x52);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 1);
	/* lower priorities wait while IRQ 1 is in service */
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	assert_false(f->cpu.level[INT_LINE]);
	/* a higher priority nests */
	pulse(f, 0);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 0);
	assert_int_equal(read_isr(f, M_CMD), 0x03);
	/* non-specific EOI ends the highest in service (IRQ 0) */
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(read_isr(f, M_CMD), 0x02);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 4);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 6);
	/* specific EOI names its level */
	bus_outb(&f->bus, M_CMD, OCW2_SPECIFIC_EOI | 5);
	assert_int_equal(read_isr(f, M_CMD), 0x40);
	bus_outb(&f->bus, M_CMD, OCW2_SPECIFIC_EOI | 6);
	assert_int_equal(read_isr(f, M_CMD), 0x00);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	/* an edge is one request: acknowledged once only */
	assert_int_equal(read_irr(f, M_CMD), 0x00);
}

static void test_masking(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, M_DATA, 0x01);
	pulse(f, 0);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	assert_int_equal(read_irr(f, M_CMD), 0x01);
	pulse(f, 3);
	assert_int_equal(vpic_pending_vector(&f->pic), M_BASE + 3);
	bus_outb(&f->bus, M_DATA, 0x00);
	/* unmasked, the latched IRQ 0 now outranks IRQ 3 */
	assert_int_equal(vpic_pending_vector(&f->pic), M_BASE + 0);
	/* masking the cascade masks the whole slave */
	bus_outb(&f->bus, M_DATA, 0x04 | 0x01 | 0x08);
	pulse(f, 8);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	bus_outb(&f->bus, M_DATA, 0x09);
	assert_int_equal(vpic_pending_vector(&f->pic), S_BASE + 0);
	/* a slave IMR bit masks the slave input, but the master already latched
	 * the cascade edge: its INTA would get the slave's spurious IRQ 15 */
	bus_outb(&f->bus, S_DATA, 0x01);
	assert_int_equal(vpic_pending_vector(&f->pic), S_BASE + 7);
}

static void test_cascade(void **state)
{
	struct fixture *f = *state;

	pulse(f, 12);
	assert_true(f->cpu.level[INT_LINE]);
	assert_int_equal(vpic_pending_vector(&f->pic), S_BASE + 4);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 4);
	assert_int_equal(read_isr(f, M_CMD), 0x04);
	assert_int_equal(read_isr(f, S_CMD), 0x10);
	/* IRQ 2 in service blocks master IRQ 3-7 but not IRQ 0-1 */
	pulse(f, 5);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	pulse(f, 1);
	assert_int_equal(vpic_pending_vector(&f->pic), M_BASE + 1);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 1);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	/* a higher slave request waits: the master's IRQ 2 is in service */
	pulse(f, 8);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	/* the handler EOIs the slave, then the master */
	bus_outb(&f->bus, S_CMD, OCW2_EOI);
	assert_int_equal(read_isr(f, S_CMD), 0x00);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 0);
	bus_outb(&f->bus, S_CMD, OCW2_EOI);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 5);
	/* IRQ 2 itself is the cascade: driving it does nothing */
	pulse(f, 2);
	pulse(f, 16);
	pulse(f, 1000);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
}

static void test_special_fully_nested(void **state)
{
	struct fixture *f = *state;

	init_pair(f, 0x11); /* SFNM */
	bus_outb(&f->bus, M_DATA, 0x00);
	bus_outb(&f->bus, S_DATA, 0x00);
	pulse(f, 12);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 4);
	/* a higher slave request nests despite the master's IRQ 2 in service */
	pulse(f, 9);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 1);
	assert_int_equal(read_isr(f, S_CMD), 0x12);
	/* a lower one does not */
	pulse(f, 14);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
}

static void test_spurious(void **state)
{
	struct fixture *f = *state;

	/* a level request that vanishes before INTA: IRQ 7, no ISR bit */
	bus_outb(&f->bus, ELCR1, 0x20);
	vpic_set_irq(&f->pic, 5, true);
	assert_int_equal(vpic_pending_vector(&f->pic), M_BASE + 5);
	vpic_set_irq(&f->pic, 5, false);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 7);
	assert_int_equal(read_isr(f, M_CMD), 0x00);

	/* the same on the slave after the master latched the cascade edge:
	 * IRQ 15 from the slave, the master's IRQ 2 goes into service */
	bus_outb(&f->bus, ELCR2, 0x08);
	vpic_set_irq(&f->pic, 11, true);
	bus_outb(&f->bus, S_DATA, 0x08); /* slave masks it; master IRR2 stays */
	assert_int_equal(read_irr(f, M_CMD) & 0x04, 0x04);
	assert_int_equal(vpic_pending_vector(&f->pic), S_BASE + 7);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 7);
	assert_int_equal(read_isr(f, M_CMD), 0x04);
	assert_int_equal(read_isr(f, S_CMD), 0x00);
	assert_int_equal(f->pic.stats.spurious, 2);
	assert_int_equal(f->pic.stats.acks, 2);
}

static void test_level_triggered(void **state)
{
	struct fixture *f = *state;

	/* IRQ 0, 1, 2, 8 and 13 cannot be level-triggered */
	bus_outb(&f->bus, ELCR1, 0xFF);
	bus_outb(&f->bus, ELCR2, 0xFF);
	assert_int_equal(bus_inb(&f->bus, ELCR1), 0xF8);
	assert_int_equal(bus_inb(&f->bus, ELCR2), 0xDE);
	bus_out(&f->bus, ELCR1, 2, 0x0000);
	assert_int_equal(bus_in(&f->bus, ELCR1, 2), 0x0000);
	bus_out(&f->bus, ELCR1, 2, 0x0800);

	vpic_set_irq(&f->pic, 11, true);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 3);
	bus_outb(&f->bus, S_CMD, OCW2_EOI);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	/* still asserted: requested again after EOI */
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 3);
	/* the handler quiets the device, then EOIs: nothing more */
	vpic_set_irq(&f->pic, 11, false);
	bus_outb(&f->bus, S_CMD, OCW2_EOI);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);

	/* an edge input is requested once however long it stays high */
	vpic_set_irq(&f->pic, 10, true);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 2);
	bus_outb(&f->bus, S_CMD, OCW2_EOI);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	vpic_set_irq(&f->pic, 10, true);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);

	/* ICW1 LTIM makes every input of that chip level-triggered */
	bus_outb(&f->bus, M_CMD, 0x19);
	bus_outb(&f->bus, M_DATA, M_BASE);
	bus_outb(&f->bus, M_DATA, 0x04);
	bus_outb(&f->bus, M_DATA, 0x01);
	vpic_set_irq(&f->pic, 3, true);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 3);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 3);
}

static void test_auto_eoi(void **state)
{
	struct fixture *f = *state;

	init_pair(f, 0x03); /* 8086, AEOI */
	bus_outb(&f->bus, M_DATA, 0x00);
	bus_outb(&f->bus, S_DATA, 0x00);
	pulse(f, 3);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 3);
	assert_int_equal(read_isr(f, M_CMD), 0x00);
	/* nothing in service: a lower priority is delivered right away */
	pulse(f, 6);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 6);
	pulse(f, 15);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 7);
	assert_int_equal(read_isr(f, M_CMD), 0x00);
	assert_int_equal(read_isr(f, S_CMD), 0x00);
	assert_int_equal(f->pic.stats.spurious, 0);

	/* rotate in AEOI mode: the acknowledged IRQ becomes the lowest */
	bus_outb(&f->bus, M_CMD, 0x80);
	pulse(f, 1);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 1);
	pulse(f, 1);
	pulse(f, 4);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 4);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 1);
	bus_outb(&f->bus, M_CMD, 0x00); /* clear rotate in AEOI */
}

static void test_rotation(void **state)
{
	struct fixture *f = *state;

	/* set priority: IRQ 4 lowest, so IRQ 5 is highest */
	bus_outb(&f->bus, M_CMD, OCW2_SET_PRIORITY | 4);
	pulse(f, 0);
	pulse(f, 5);
	pulse(f, 4);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 5);
	/* rotate on non-specific EOI: IRQ 5 ends and becomes lowest */
	bus_outb(&f->bus, M_CMD, OCW2_ROTATE_EOI);
	assert_int_equal(read_isr(f, M_CMD), 0x00);
	pulse(f, 5);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 0);
	/* rotate on specific EOI: IRQ 0 lowest; then 1..7 in order */
	bus_outb(&f->bus, M_CMD, 0xE0 | 0);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 4);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 5);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	/* no-op command changes nothing */
	bus_outb(&f->bus, M_CMD, 0x40);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
}

static void test_special_mask_mode(void **state)
{
	struct fixture *f = *state;

	pulse(f, 3);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 3);
	pulse(f, 6);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	/* mask the in-service IRQ 3 in special mask mode: lower levels go */
	bus_outb(&f->bus, M_CMD, OCW3_SET_SMM);
	bus_outb(&f->bus, M_DATA, 0x08);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 6);
	assert_int_equal(read_isr(f, M_CMD), 0x48);
	bus_outb(&f->bus, M_CMD, OCW2_SPECIFIC_EOI | 6);
	bus_outb(&f->bus, M_CMD, OCW3_CLEAR_SMM);
	pulse(f, 7);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	bus_outb(&f->bus, M_CMD, OCW2_SPECIFIC_EOI | 3);
	assert_int_equal(vpic_pending_vector(&f->pic), M_BASE + 7);
}

static void test_poll(void **state)
{
	struct fixture *f = *state;

	bus_outb(&f->bus, M_CMD, OCW3_POLL);
	assert_int_equal(bus_inb(&f->bus, M_DATA), 0x00); /* nothing requested */
	assert_int_equal(bus_inb(&f->bus, M_DATA), 0x00); /* plain IMR read again */
	pulse(f, 6);
	pulse(f, 3);
	bus_outb(&f->bus, M_CMD, OCW3_POLL);
	assert_int_equal(bus_inb(&f->bus, M_CMD), 0x83);
	assert_int_equal(read_isr(f, M_CMD), 0x08);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	bus_outb(&f->bus, M_CMD, OCW3_POLL);
	assert_int_equal(bus_inb(&f->bus, M_CMD), 0x86);
	bus_outb(&f->bus, M_CMD, OCW2_EOI);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
}

static void test_int_output(void **state)
{
	struct fixture *f = *state;
	struct irq_line l3 = vpic_irq_line(&f->pic, 3);
	struct irq_line l14 = vpic_irq_line(&f->pic, 14);

	irq_line_set(&l3, true);
	assert_true(f->cpu.level[INT_LINE]);
	assert_int_equal(f->cpu.rises[INT_LINE], 1);
	irq_line_set(&l3, false); /* the edge stays latched */
	assert_true(f->cpu.level[INT_LINE]);
	assert_int_equal(vpic_ack(&f->pic), M_BASE + 3);
	assert_false(f->cpu.level[INT_LINE]);
	/* a slave request outranks the in-service IRQ 3 through IRQ 2 */
	irq_line_set(&l14, true);
	assert_true(f->cpu.level[INT_LINE]);
	assert_int_equal(vpic_pending_vector(&f->pic), S_BASE + 6);
	assert_int_equal(vpic_ack(&f->pic), S_BASE + 6);
	assert_false(f->cpu.level[INT_LINE]);
	assert_int_equal(f->cpu.rises[INT_LINE], 2);
	assert_int_equal(f->cpu.falls[INT_LINE], 2);
}

/* Random port traffic and IRQ activity: never a crash, and the INT output
 * always matches vpic_pending_vector(). */
static void test_random_traffic(void **state)
{
	struct fixture *f = *state;
	static const u16 ports[] = { M_CMD, M_DATA, S_CMD, S_DATA, ELCR1, ELCR2 };
	static const u8 sizes[] = { 1, 2, 4 };
	u64 seed = 0xC0FFEE;

	for (unsigned i = 0; i < 200000; i++) {
		u64 r = vdev_rand(&seed);
		u16 port = ports[r % 6];
		u8 size = sizes[(r >> 3) % 3];
		int v;

		switch ((r >> 5) % 5) {
		case 0:
			bus_in(&f->bus, port, size);
			break;
		case 1:
			bus_out(&f->bus, port, size, r >> 16);
			break;
		case 2:
			vpic_set_irq(&f->pic, (r >> 8) % 20, (r >> 13) & 1);
			break;
		case 3:
			v = vpic_ack(&f->pic);
			assert_true(v >= 0 && v <= 0xFF);
			break;
		default:
			v = vpic_pending_vector(&f->pic);
			assert_true(v >= -1 && v <= 0xFF);
			break;
		}
		assert_int_equal(f->cpu.level[INT_LINE], vpic_pending_vector(&f->pic) >= 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_power_on_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_and_nesting, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_masking, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_cascade, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_special_fully_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spurious, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_level_triggered, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_auto_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_special_mask_mode, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_poll, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_int_output, setup_initialized, teardown),
		cmocka_unit_test_setup_teardown(test_random_traffic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
