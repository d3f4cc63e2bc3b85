/*
 * What each kind of exit is, independent of how it is handled: its short
 * name for reports, and whether a guest instruction or access caused it
 * (the landmarks record/replay counts) or it came asynchronously.
 */
#ifndef UNDERSTUDY_HV_EXIT_KINDS_H
#define UNDERSTUDY_HV_EXIT_KINDS_H

#include "arch/x86/virt.h"

/* Short name of an exit reason ("io", "cpuid", ...). */
const char *exit_reason_name(enum vexit_reason r);

/* Exits caused by a guest instruction or access (record/replay landmarks),
 * as opposed to asynchronous ones (host interrupts, timers, windows). */
bool exit_is_guest_caused(enum vexit_reason r);

#endif
