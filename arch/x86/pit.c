/*
 * 8254 channel 2 as a calibration stopwatch: gated by port 0x61 bit 0, its
 * output is readable at port 0x61 bit 5 (Intel 8254 datasheet, "Mode 0:
 * Interrupt on Terminal Count"; port 0x61 is the PC's NMI status and control
 * register).
 */
#include "arch/x86/pit.h"

#include "arch/x86/cpu.h"

#define PIT_CH2_DATA 0x42
#define PIT_MODE_CMD 0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xB0 /* channel 2, lobyte/hibyte, mode 0, binary */
#define PORT_SYS_CTRL_B 0x61
#define SYS_CTRL_B_GATE2 0x01 /* timer 2 gate */
#define SYS_CTRL_B_SPEAKER 0x02 /* speaker data enable */
#define SYS_CTRL_B_OUT2 0x20 /* timer 2 output status */

void pit_oneshot_start(u16 ticks)
{
	u8 ctrl = inb(PORT_SYS_CTRL_B);

	/* Gate low and speaker off while programming, then raise the gate. */
	outb(PORT_SYS_CTRL_B, ctrl & ~(SYS_CTRL_B_GATE2 | SYS_CTRL_B_SPEAKER));
	outb(PIT_MODE_CMD, PIT_CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2_DATA, (u8)ticks);
	outb(PIT_CH2_DATA, (u8)(ticks >> 8));
	outb(PORT_SYS_CTRL_B, (ctrl & ~SYS_CTRL_B_SPEAKER) | SYS_CTRL_B_GATE2);
}

bool pit_oneshot_done(void)
{
	return inb(PORT_SYS_CTRL_B) & SYS_CTRL_B_OUT2;
}
