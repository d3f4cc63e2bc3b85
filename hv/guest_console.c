/* The host side of the guest's console (see guest_console.h). */
#include "hv/guest_console.h"

#include "arch/x86/cpu.h"
#include "drivers/serial/uart16550.h"
#include "log.h"

#define DEBUG_PORT_E9 0xE9 /* Bochs/QEMU debug console port */

static struct uart16550 port;
static enum guest_console chosen;

void guest_console_init(enum guest_console want)
{
	chosen = want;
	if (want == GUEST_CONSOLE_AUTO)
		chosen = uart16550_init(&port, COM2_PORT) ? GUEST_CONSOLE_COM2 : GUEST_CONSOLE_COM1;
	else if (want == GUEST_CONSOLE_COM2 && !uart16550_init(&port, COM2_PORT))
		pr_warn("guest console: no UART at COM2; guest output is lost");
	if (chosen == GUEST_CONSOLE_COM1)
		uart16550_init(&port, COM1_PORT);
	if (chosen == GUEST_CONSOLE_COM1)
		pr_warn("guest console: sharing COM1 with the hypervisor log");
	pr_info("guest console: %s", guest_console_name());
}

const char *guest_console_name(void)
{
	switch (chosen) {
	case GUEST_CONSOLE_COM1: return "COM1";
	case GUEST_CONSOLE_COM2: return "COM2";
	case GUEST_CONSOLE_E9: return "port 0xE9";
	default: return "none";
	}
}

void guest_console_put(void *ctx, u8 byte)
{
	(void)ctx;
	if (chosen == GUEST_CONSOLE_E9)
		outb(DEBUG_PORT_E9, byte);
	else
		uart16550_putc(&port, (char)byte);
}
