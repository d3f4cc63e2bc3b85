/* Where the guest's COM1 bytes go on the host: a serial port of their own
 * (COM2) when the machine has one, so they stay separable byte for byte
 * from the hypervisor's log on COM1. */
#ifndef UNDERSTUDY_HV_GUEST_CONSOLE_H
#define UNDERSTUDY_HV_GUEST_CONSOLE_H

#include "hv/config.h"

/* Opens the chosen output; "auto" picks COM2 when present, else COM1. */
void guest_console_init(enum guest_console want);
const char *guest_console_name(void);

/* Output callback for the guest's UART: writes byte unmodified. */
void guest_console_put(void *ctx, u8 byte);

#endif
