/* The hypervisor console: its log goes to COM1. */
#ifndef UNDERSTUDY_HV_CONSOLE_H
#define UNDERSTUDY_HV_CONSOLE_H

/* Brings up COM1 and routes console output to it. */
void hv_console_init(void);

#endif
