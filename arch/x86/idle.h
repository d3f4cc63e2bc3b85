/* The host CPU asleep: HLT until a TSC deadline, woken by a one-shot LAPIC
 * timer interrupt (or any other host interrupt). Used wherever the
 * hypervisor has nothing to do until a deadline: a halted guest, a network
 * poll, a record log waiting for its collector. Nothing here spins. */
#ifndef UNDERSTUDY_ARCH_X86_IDLE_H
#define UNDERSTUDY_ARCH_X86_IDLE_H

#include "types.h"

/* Installs the handler that acknowledges the wake-up interrupt
 * (VECTOR_LAPIC_TIMER); also needed by SVM, whose deadline exits are this
 * interrupt arriving while the guest runs. */
void idle_install(void);

/* Sleeps until deadline_tsc, but at most max_ns; returns the TSC cycles
 * spent. Returns at once when the deadline has passed. @pre interrupts
 * are disabled (they are enabled only inside the HLT). */
u64 idle_until_tsc(u64 deadline_tsc, u64 max_ns);

/* The same on the time_now_ns() clock. */
u64 idle_until_ns(u64 deadline_ns, u64 max_ns);

#endif
