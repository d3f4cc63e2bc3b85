/* Console output on COM1, with "\n" sent as "\r\n" for serial terminals. */
#include "hv/console.h"

#include "drivers/serial/uart16550.h"
#include "log.h"

static struct uart16550 com1;

static void com1_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart16550_putc(&com1, '\r');
		uart16550_putc(&com1, buf[i]);
	}
}

void hv_console_init(void)
{
	uart16550_init(&com1, COM1_PORT);
	console_set_writer(com1_write);
}
