#include "pit.h"
#include "io.h"

u16 pit_ch0_periodic(u32 hz)
{
	u32 div = (PIT_HZ + hz / 2) / hz;
	if (div > 0xFFFF)
		div = 0; /* 0 means 65536 */
	outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2, binary */
	outb(PIT_CH0, (u8)div);
	outb(PIT_CH0, (u8)(div >> 8));
	return (u16)div;
}

void pit_ch0_stop(void)
{
	outb(PIT_CMD, 0x30); /* channel 0, lobyte/hibyte, mode 0 */
	outb(PIT_CH0, 0xFF);
	outb(PIT_CH0, 0xFF);
}

void pit_ch2_gate(bool on)
{
	u8 v = inb(PORT_61) & 0x0C; /* keep the NMI enable bits, speaker off */
	outb(PORT_61, (u8)(v | (on ? 0x01 : 0x00)));
}

void pit_ch2_oneshot(u16 count)
{
	pit_ch2_gate(false);
	outb(PIT_CMD, 0xB0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, (u8)count);
	outb(PIT_CH2, (u8)(count >> 8));
}

bool pit_ch2_out(void) { return (inb(PORT_61) & 0x20) != 0; }
