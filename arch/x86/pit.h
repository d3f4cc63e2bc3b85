/* The host's 8254 PIT, used only as a known clock for calibration. */
#ifndef UNDERSTUDY_ARCH_X86_PIT_H
#define UNDERSTUDY_ARCH_X86_PIT_H

#include "types.h"

#define PIT_HZ 1193182 /* 8254 input clock: 14.31818 MHz / 12 */

/* Starts channel 2 counting down ticks in mode 0 (@pre ticks <= 65535). */
void pit_oneshot_start(u16 ticks);
/* True once channel 2's countdown has reached zero (port 0x61 bit 5). */
bool pit_oneshot_done(void);

#endif
