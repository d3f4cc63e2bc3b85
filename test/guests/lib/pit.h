/* The 8254 PIT: channel 0 periodic (IRQ0), channel 2 one-shot gated through
 * port 0x61 (bit 0 gate, bit 1 speaker, bit 5 channel 2 output). */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include "types.h"

#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_61 0x61

/* Channel 0 in mode 2 (rate generator) at about hz interrupts a second;
 * returns the divisor used. */
u16 pit_ch0_periodic(u32 hz);
/* Stops channel 0's interrupts: mode 0 with the largest count, never rearmed. */
void pit_ch0_stop(void);
/* Channel 2 in mode 0 with count, gate low (speaker off): OUT is low and
 * stays low until pit_ch2_gate(true) lets it count down. */
void pit_ch2_oneshot(u16 count);
void pit_ch2_gate(bool on);
bool pit_ch2_out(void);

#endif
