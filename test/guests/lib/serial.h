/* COM1 16550 output, polled. */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

#include "types.h"

#define COM1 0x3F8

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);

#endif
