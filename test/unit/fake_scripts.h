/*
 * Pieces of fake-guest scripts (fake_backend.h) that program the guest's
 * PC devices as a real guest does: the 8259A pair and the 8254's counter 0.
 */
#ifndef UNDERSTUDY_TEST_FAKE_SCRIPTS_H
#define UNDERSTUDY_TEST_FAKE_SCRIPTS_H

#include "fake_backend.h"
#include "hv/vdev/pic8259.h"
#include "hv/vdev/pit8254.h"

/* 8259A initialization (Intel 8259A datasheet, "Initialization Command
 * Words"): edge-triggered, cascaded, ICW4 needed; vectors from
 * GUEST_IRQ0_VECTOR; the slave on IR2; 8086 mode. OCW1 is the mask. */
#define PIC_ICW1 0x11
#define GUEST_IRQ0_VECTOR 0x20
#define PIC_ICW3_MASTER 0x04
#define PIC_ICW4_8086 0x01
#define PIC_OCW2_EOI 0x20          /* non-specific end of interrupt */
#define PIC_MASK_ALL_BUT_IRQ0 0xFE
#define PIC_MASK_ALL 0xFF

#define PIC_INIT(mask)                                       \
	FAKE_OUT(VPIC_MASTER_BASE, 1, PIC_ICW1),             \
	FAKE_OUT(VPIC_MASTER_BASE + 1, 1, GUEST_IRQ0_VECTOR), \
	FAKE_OUT(VPIC_MASTER_BASE + 1, 1, PIC_ICW3_MASTER),  \
	FAKE_OUT(VPIC_MASTER_BASE + 1, 1, PIC_ICW4_8086),    \
	FAKE_OUT(VPIC_MASTER_BASE + 1, 1, (mask))
#define PIC_INIT_STEPS 5

#define PIC_EOI FAKE_OUT(VPIC_MASTER_BASE, 1, PIC_OCW2_EOI)

/* 8254 counter 0 (Intel 82C54 datasheet, "Control Word Format"): LSB then
 * MSB, mode 2 (rate generator), binary; and the counter latch command. */
#define PIT_CONTROL_PORT (VPIT_BASE + 3)
#define PIT_CW_CH0_MODE2 0x34
#define PIT_CW_LATCH_CH0 0x00

#define PIT_PERIODIC(count)                                  \
	FAKE_OUT(PIT_CONTROL_PORT, 1, PIT_CW_CH0_MODE2),     \
	FAKE_OUT(VPIT_BASE, 1, (count) & 0xFF),              \
	FAKE_OUT(VPIT_BASE, 1, (count) >> 8)
#define PIT_PERIODIC_STEPS 3

/* The first nanosecond of guest time at which the PIT has counted tick t
 * (VPIT_HZ ticks a second), and the tick a guest time falls in. */
static inline u64 pit_tick_ns(u64 t)
{
	return (t * 1000000000ULL + VPIT_HZ - 1) / VPIT_HZ;
}

static inline u64 pit_ns_tick(u64 ns)
{
	return ns * VPIT_HZ / 1000000000ULL;
}

#endif
