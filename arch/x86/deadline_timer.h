/* The host's local APIC timer as a one-shot at a TSC deadline that stays
 * armed from one use to the next: SVM's entries (the guest exits by the
 * INTR intercept when it fires) and the idle loop's HLT. It is written
 * only when the deadline changes. */
#ifndef UNDERSTUDY_ARCH_X86_DEADLINE_TIMER_H
#define UNDERSTUDY_ARCH_X86_DEADLINE_TIMER_H

#include "types.h"

/* Installs the handler of the timer's interrupt (VECTOR_LAPIC_TIMER): it
 * acknowledges it and notes that nothing is armed any more. */
void deadline_timer_install(void);

/* The timer interrupts at tsc (at once when tsc has passed); 0 for none.
 * Nothing is written when tsc is what is armed and has not fired.
 * @pre interrupts are disabled. */
void deadline_timer_arm(u64 tsc);

#endif
