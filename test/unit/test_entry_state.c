// sources: hv/entry_state.c hv/vdev/pic8259.c hv/vdev/pit8254.c hv/io_bus.c
/*
 * hv/entry_state.c: the flat GDT a Multiboot kernel finds (decoded as the
 * CPU decodes descriptors), the 8259 pair as SeaBIOS leaves it (masks,
 * vector bases, normal EOI, the cascade) and PIT channel 0 ticking every
 * 65536 input clocks from guest time 0.
 */
#include "vdev_helpers.h"

#include <stdlib.h>

#include "hv/entry_state.h"

#define RAM_SIZE 0x200000
#define PIT_STATUS_CH0 0xE2 /* read-back: status only, counter 0 */
#define OCW3_READ_ISR 0x0B

struct fixture {
	struct vpic pic;
	struct vpit pit;
	struct fake_clock clock;
	struct irq_rec irq;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	vpic_init(&f->pic, (struct irq_line){ 0 });
	vpit_init(&f->pit, fake_vclock(&f->clock), vpic_irq_line(&f->pic, VPIT_IRQ));
	entry_state_bios_devices(&f->pic, &f->pit);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Base, byte limit, type and flags of descriptor sel, as SDM Vol 3,
 * 3.4.5 "Segment Descriptors" lays it out. */
static void decode(const u8 *gdt, u16 sel, u32 *base, u32 *limit, u8 *access, u8 *flags)
{
	const u8 *d = gdt + (sel & ~7u);
	u32 raw = d[0] | d[1] << 8 | (d[6] & 0xFu) << 16;

	*base = d[2] | d[3] << 8 | d[4] << 16 | (u32)d[7] << 24;
	*flags = d[6] >> 4;
	*limit = (*flags & 8) ? raw << 12 | 0xFFF : raw;
	*access = d[5];
}

static void test_gdt_flat(void **state)
{
	u8 *ram = calloc(1, RAM_SIZE);
	struct dtable gdtr;
	u32 base, limit;
	u8 access, flags;

	(void)state;
	assert_int_equal(entry_state_gdt(ram, RAM_SIZE, &gdtr), 0);
	assert_int_equal(gdtr.base, ENTRY_GDT_GPA);
	assert_true(gdtr.limit >= (ENTRY_SEL_DATA32 | 7));
	assert_true(gdtr.base >= 0xF0000 && gdtr.base + gdtr.limit < 0x100000);
	assert_memory_equal(ram + gdtr.base, (u8[8]){ 0 }, 8);
	decode(ram + gdtr.base, ENTRY_SEL_CODE32, &base, &limit, &access, &flags);
	assert_int_equal(base, 0);
	assert_int_equal(limit, 0xFFFFFFFF);
	assert_int_equal(access, 0x9A); /* present, ring 0, code, execute/read */
	assert_int_equal(flags, 0xC);   /* 4 KiB granular, 32-bit */
	decode(ram + gdtr.base, ENTRY_SEL_DATA32, &base, &limit, &access, &flags);
	assert_int_equal(base, 0);
	assert_int_equal(limit, 0xFFFFFFFF);
	assert_int_equal(access, 0x92); /* present, ring 0, data, read/write */
	assert_int_equal(flags, 0xC);
	free(ram);
}

static void test_gdt_small_ram(void **state)
{
	u8 ram[0x1000];
	struct dtable gdtr = { 0 };

	(void)state;
	assert_int_equal(entry_state_gdt(ram, sizeof(ram), &gdtr), -ERANGE);
	assert_int_equal(gdtr.limit, 0);
}

static void test_pic_masks(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vpic_read(&f->pic, 0x21), ENTRY_PIC_MASTER_IMR);
	assert_int_equal(vpic_read(&f->pic, 0xA1), ENTRY_PIC_SLAVE_IMR);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
	/* a masked input stays quiet */
	vpic_set_irq(&f->pic, 3, true);
	assert_int_equal(vpic_pending_vector(&f->pic), -1);
}

/* IRQ 8 through the cascade on vector 0x70; normal EOI keeps it in
 * service until the guest's EOI. */
static void test_pic_vectors(void **state)
{
	struct fixture *f = *state;

	vpic_set_irq(&f->pic, 8, true);
	assert_int_equal(vpic_pending_vector(&f->pic), ENTRY_PIC_SLAVE_VECTOR);
	assert_int_equal(vpic_ack(&f->pic), ENTRY_PIC_SLAVE_VECTOR);
	vpic_write(&f->pic, 0xA0, OCW3_READ_ISR);
	assert_int_equal(vpic_read(&f->pic, 0xA0), 1);
	vpic_write(&f->pic, 0xA0, 0x20);
	vpic_write(&f->pic, 0x20, 0x20);
	vpic_set_irq(&f->pic, 1, true);
	assert_int_equal(vpic_ack(&f->pic), ENTRY_PIC_MASTER_VECTOR + 1);
}

/* Channel 0: mode 2, count 65536 loaded at time 0, IRQ 0 on vector 0x08
 * every 54.9 ms. */
static void test_pit_ticking(void **state)
{
	struct fixture *f = *state;
	u64 period_ns = 65536ULL * NS_PER_SEC / VPIT_HZ;

	u64 next = vpit_next_irq_ns(&f->pit);

	f->clock.now = NS_PER_US; /* the count reached the counting element */
	vpit_write(&f->pit, VPIT_BASE + 3, PIT_STATUS_CH0);
	assert_int_equal(vpit_read(&f->pit, VPIT_BASE) & 0x7F, 0x34);
	assert_true(next >= period_ns - 1000 && next <= period_ns + 1000);
	f->clock.now = next;
	vpit_update(&f->pit);
	assert_int_equal(f->pit.stats.irq_edges, 1);
	assert_int_equal(vpic_pending_vector(&f->pic), ENTRY_PIC_MASTER_VECTOR);
	f->clock.now = 10 * period_ns + period_ns / 2;
	vpit_update(&f->pit);
	assert_int_equal(f->pit.stats.irq_edges + f->pit.stats.irq_coalesced, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gdt_flat),
		cmocka_unit_test(test_gdt_small_ram),
		cmocka_unit_test_setup_teardown(test_pic_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pic_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pit_ticking, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
