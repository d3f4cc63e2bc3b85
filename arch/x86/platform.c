/* Emulator detection and the ways of leaving each kind of machine. */
#include "arch/x86/platform.h"

#include "arch/x86/cpu.h"
#include "log.h"

/* QEMU fw_cfg (docs/specs/fw_cfg.rst in QEMU): selector and data ports. */
#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
/* QEMU isa-debug-exit at the iobase our scripts configure. */
#define QEMU_DEBUG_EXIT_PORT 0xF4
/* Bochs: port 0xE9 reads back 0xE9 with port_e9_hack; writing "Shutdown" to
 * port 0x8900 powers the emulated machine off. */
#define BOCHS_E9_PORT 0xE9
#define BOCHS_SHUTDOWN_PORT 0x8900

static enum platform_kind kind = PLATFORM_HARDWARE;

static bool fw_cfg_says_qemu(void)
{
	char sig[4];

	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_PORT_DATA);
	return sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U';
}

void platform_detect(void)
{
	if (fw_cfg_says_qemu())
		kind = PLATFORM_QEMU;
	else if (inb(BOCHS_E9_PORT) == BOCHS_E9_PORT)
		kind = PLATFORM_BOCHS;
	else
		kind = PLATFORM_HARDWARE;
}

enum platform_kind platform_kind(void)
{
	return kind;
}

const char *platform_name(void)
{
	switch (kind) {
	case PLATFORM_QEMU: return "QEMU";
	case PLATFORM_BOCHS: return "Bochs";
	default: return "hardware";
	}
}

static void bochs_shutdown(void)
{
	static const char msg[] = "Shutdown";

	for (const char *p = msg; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, (u8)*p);
}

void platform_halt(int code)
{
	irq_disable();
	console_printf("understudy: halting (exit code %d)\n", code);
	if (kind == PLATFORM_QEMU)
		outl(QEMU_DEBUG_EXIT_PORT, (u32)code);
	else if (kind == PLATFORM_BOCHS)
		bochs_shutdown();
	console_printf("understudy: system halted\n");
	cpu_halt_forever();
}
