// sources: hv/vdev/ioapic.c hv/vdev/lapic*.c hv/io_bus.c
/*
 * hv/vdev/ioapic.c: reset values, IOREGSEL/IOWIN and the entry bits,
 * edge and level pins (remote IRR, EOI by the local APIC's broadcast and
 * by the EOI register), polarity, masking, NMI and ExtINT entries, and the
 * messages reaching a local APIC with the PC's routing of the PIT.
 */
#include "vlapic_fixture.h"

#include "hv/vdev/ioapic.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOEOI 0x40
#define RTE_LO(pin) (0x10 + 2 * (pin))
#define RTE_HI(pin) (0x11 + 2 * (pin))
#define RTE_MASKED 0x10000u
#define RTE_LEVEL 0x8000u
#define RTE_REMOTE_IRR 0x4000u
#define RTE_ACTIVE_LOW 0x2000u
#define RTE_NMI 0x400u
#define RTE_EXTINT 0x700u
#define PIT_PIN 2
#define MAX_MSGS 16

struct io_fix {
	struct vioapic io;
	struct io_bus mmio;
	struct vlapic_msg msgs[MAX_MSGS];
	unsigned nmsgs;
};

static void record(void *ctx, const struct vlapic_msg *m)
{
	struct io_fix *f = ctx;

	assert_true(f->nmsgs < MAX_MSGS);
	f->msgs[f->nmsgs++] = *m;
}

static int setup(void **state)
{
	struct io_fix *f = test_calloc(1, sizeof(*f));

	io_bus_init(&f->mmio);
	vioapic_init(&f->io, (struct vioapic_ops){ record, f });
	assert_int_equal(vioapic_attach(&f->io, &f->mmio), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static u32 reg_read(struct io_fix *f, u8 reg)
{
	bus_out(&f->mmio, VIOAPIC_BASE + IOREGSEL, 1, reg);
	return bus_in(&f->mmio, VIOAPIC_BASE + IOWIN, 4);
}

static void reg_write(struct io_fix *f, u8 reg, u32 value)
{
	bus_out(&f->mmio, VIOAPIC_BASE + IOREGSEL, 4, reg);
	bus_out(&f->mmio, VIOAPIC_BASE + IOWIN, 4, value);
}

static void test_reset_values(void **state)
{
	struct io_fix *f = *state;

	assert_int_equal(reg_read(f, 0x00), 0);
	assert_int_equal(reg_read(f, 0x01), 0x00170020); /* 24 entries, version 20H */
	assert_int_equal(reg_read(f, 0x02), 0);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		assert_int_equal(reg_read(f, RTE_LO(pin)), RTE_MASKED);
		assert_int_equal(reg_read(f, RTE_HI(pin)), 0);
	}
	assert_int_equal(reg_read(f, 0x40), 0); /* beyond the table: reserved */
	assert_int_equal(bus_in(&f->mmio, VIOAPIC_BASE + IOREGSEL, 4), 0x40);
}

static void test_register_bits(void **state)
{
	struct io_fix *f = *state;

	reg_write(f, 0x00, 0xFFFFFFFF);
	assert_int_equal(reg_read(f, 0x00), 0x0F000000);
	assert_int_equal(reg_read(f, 0x02), 0x0F000000); /* arbitration ID follows */
	reg_write(f, 0x01, 0);
	assert_int_equal(reg_read(f, 0x01), 0x00170020);
	reg_write(f, RTE_LO(5), 0xFFFFFFFF);
	assert_int_equal(reg_read(f, RTE_LO(5)), 0x1AFFF); /* no delivery status, no remote IRR */
	reg_write(f, RTE_HI(5), 0xFFFFFFFF);
	assert_int_equal(reg_read(f, RTE_HI(5)), 0xFFFF0000);
	bus_out(&f->mmio, VIOAPIC_BASE + 0x20, 4, 1);
	assert_int_equal(bus_in(&f->mmio, VIOAPIC_BASE + IOWIN, 2), 0); /* IOWIN is 32-bit */
	assert_int_equal(f->io.stats.bad_accesses, 2);
}

/* Edge pins: a message per rising edge while unmasked, none while masked
 * (82093AA: masked edges are ignored, not held). */
static void test_edge(void **state)
{
	struct io_fix *f = *state;

	vioapic_set_irq(&f->io, PIT_PIN, true);
	vioapic_set_irq(&f->io, PIT_PIN, false);
	assert_int_equal(f->nmsgs, 0);
	assert_int_equal(f->io.stats.masked, 1);
	reg_write(f, RTE_HI(PIT_PIN), 0x03000000);
	reg_write(f, RTE_LO(PIT_PIN), 0x800 | 0x30); /* logical, vector 0x30 */
	assert_int_equal(f->nmsgs, 0);
	vioapic_set_irq(&f->io, PIT_PIN, true);
	vioapic_set_irq(&f->io, PIT_PIN, true);
	vioapic_set_irq(&f->io, PIT_PIN, false);
	vioapic_set_irq(&f->io, PIT_PIN, true);
	assert_int_equal(f->nmsgs, 2);
	assert_int_equal(f->msgs[0].vector, 0x30);
	assert_int_equal(f->msgs[0].mode, VLAPIC_DM_FIXED);
	assert_true(f->msgs[0].logical);
	assert_false(f->msgs[0].level);
	assert_int_equal(f->msgs[0].dest, 3);
	vioapic_set_irq(&f->io, 24, true); /* no such pin */
	assert_int_equal(f->nmsgs, 2);
}

/* Level pins: remote IRR holds further messages until the EOI of the
 * vector (by broadcast or the EOI register); a pin still asserted then
 * signals again. */
static void test_level(void **state)
{
	struct io_fix *f = *state;

	reg_write(f, RTE_LO(9), RTE_LEVEL | 0x39);
	vioapic_set_irq(&f->io, 9, true);
	assert_int_equal(f->nmsgs, 1);
	assert_true(f->msgs[0].level);
	assert_true(reg_read(f, RTE_LO(9)) & RTE_REMOTE_IRR);
	vioapic_set_irq(&f->io, 9, false);
	vioapic_set_irq(&f->io, 9, true);
	assert_int_equal(f->nmsgs, 1);
	vioapic_eoi(&f->io, 0x38); /* another vector */
	assert_int_equal(f->nmsgs, 1);
	vioapic_eoi(&f->io, 0x39);
	assert_int_equal(f->nmsgs, 2); /* still asserted */
	vioapic_set_irq(&f->io, 9, false);
	bus_out(&f->mmio, VIOAPIC_BASE + IOEOI, 4, 0x39);
	assert_false(reg_read(f, RTE_LO(9)) & RTE_REMOTE_IRR);
	assert_int_equal(f->nmsgs, 2);
	assert_int_equal(f->io.stats.eois, 2);
	/* masked while asserted, then unmasked: it signals */
	reg_write(f, RTE_LO(10), RTE_LEVEL | RTE_MASKED | 0x3A);
	vioapic_set_irq(&f->io, 10, true);
	assert_int_equal(f->nmsgs, 2);
	reg_write(f, RTE_LO(10), RTE_LEVEL | 0x3A);
	assert_int_equal(f->nmsgs, 3);
	/* switching to edge ends the remote IRR */
	reg_write(f, RTE_LO(10), 0x3A);
	assert_false(reg_read(f, RTE_LO(10)) & RTE_REMOTE_IRR);
}

static void test_polarity(void **state)
{
	struct io_fix *f = *state;

	reg_write(f, RTE_LO(4), RTE_ACTIVE_LOW | 0x34);
	vioapic_set_irq(&f->io, 4, true);
	assert_int_equal(f->nmsgs, 0);
	vioapic_set_irq(&f->io, 4, false);
	assert_int_equal(f->nmsgs, 1);
}

static void test_nmi_and_extint_entries(void **state)
{
	struct io_fix *f = *state;

	assert_false(vioapic_nmi_armed(&f->io));
	reg_write(f, RTE_LO(3), RTE_NMI | RTE_LEVEL);
	assert_true(vioapic_nmi_armed(&f->io));
	vioapic_set_irq(&f->io, 3, true);
	vioapic_set_irq(&f->io, 3, true);
	assert_int_equal(f->nmsgs, 1); /* NMI is edge whatever the trigger bit says */
	assert_int_equal(f->msgs[0].mode, VLAPIC_DM_NMI);
	assert_false(f->msgs[0].level);
	assert_false(vioapic_pin_extint(&f->io, 0));
	reg_write(f, RTE_LO(0), RTE_EXTINT);
	assert_true(vioapic_pin_extint(&f->io, 0));
	vioapic_set_irq(&f->io, 0, true);
	assert_int_equal(f->nmsgs, 1); /* the 8259 is read through INTA */
}

/* Into a local APIC: the message lands in IRR; a level one's EOI comes
 * back through the local APIC's broadcast. */
static void lapic_eoi_to_ioapic(void *ctx, u8 vector)
{
	vioapic_eoi(ctx, vector);
}

static void to_lapic(void *ctx, const struct vlapic_msg *m)
{
	vlapic_accept_msg(ctx, m);
}

static void test_into_local_apic(void **state)
{
	struct io_fix *f = *state;
	struct fake_clock clock = { 0, 0 };
	struct vlapic l;

	vlapic_init(&l, 0, fake_vclock(&clock), (struct vlapic_tsc){ 0 },
		    (struct vlapic_ops){ lapic_eoi_to_ioapic, NULL, &f->io });
	vlapic_write(&l, SVR, SW_ENABLE | 0xFF);
	f->io.ops = (struct vioapic_ops){ to_lapic, &l };
	reg_write(f, RTE_LO(PIT_PIN), 0x48);
	vioapic_set_irq(&f->io, PIT_PIN, true);
	assert_int_equal(vlapic_ack(&l), 0x48);
	vlapic_write(&l, EOI, 0);
	reg_write(f, RTE_HI(11), 0x01000000); /* APIC ID 1: nobody */
	reg_write(f, RTE_LO(11), 0x4B);
	vioapic_set_irq(&f->io, 11, true);
	assert_int_equal(vlapic_pending_vector(&l), -1);
	reg_write(f, RTE_LO(12), RTE_LEVEL | 0x4C);
	vioapic_set_irq(&f->io, 12, true);
	assert_int_equal(vlapic_ack(&l), 0x4C);
	vioapic_set_irq(&f->io, 12, false);
	vlapic_write(&l, EOI, 0);
	assert_false(reg_read(f, RTE_LO(12)) & RTE_REMOTE_IRR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_polarity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nmi_and_extint_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_into_local_apic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
