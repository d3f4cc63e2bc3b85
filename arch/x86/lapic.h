/* The host's local APIC (x2APIC mode where the CPU has it, else xAPIC MMIO):
 * hypervisor timer interrupts, EOI, IDs. */
#ifndef UNDERSTUDY_ARCH_X86_LAPIC_H
#define UNDERSTUDY_ARCH_X86_LAPIC_H

#include "types.h"

/* Enables the LAPIC with all local interrupts masked; 0 or -ENODEV. */
int lapic_init(void);
bool lapic_is_x2apic(void);
u32 lapic_id(void);
u32 lapic_version(void);
void lapic_eoi(void);

/* Timer (SDM Vol 3, 11.5.4 "APIC Timer"), divide-by-16 clock. Vector 0
 * counts with the interrupt masked (for calibration). */
void lapic_timer_start_oneshot(u32 count, u8 vector);
void lapic_timer_start_periodic(u32 count, u8 vector);
void lapic_timer_stop(void);
u32 lapic_timer_current(void);

#endif
