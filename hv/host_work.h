/*
 * What the hypervisor does for itself while a guest runs: the network
 * (lwIP's received frames and timers, so the control endpoint, the
 * record log's TCP sink, a live replay's incoming log and a migration's
 * pre-copy). The run loop polls it between guest entries when
 * its deadline has passed and arms an exit for that deadline, so a guest
 * that never exits cannot starve it, and a halted guest sleeps no longer.
 */
#ifndef UNDERSTUDY_HV_HOST_WORK_H
#define UNDERSTUDY_HV_HOST_WORK_H

#include "types.h"

struct vm;

/* Polls when due (one RDTSC and a compare when not); vm may be NULL. */
void host_work_poll(struct vm *vm);

/* The host TSC at which host_work_poll has work, UINT64_MAX for never
 * (no network). */
u64 host_work_deadline_tsc(void);

/* Serves the network (status requests) until seconds have passed; the
 * hypervisor's way of staying reachable after its guest ended. */
void host_work_serve(struct vm *vm, u32 seconds);

#endif
