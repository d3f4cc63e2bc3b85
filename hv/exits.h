/*
 * Exit handling: one handler per struct vexit reason, dispatched through a
 * table. Contract: a handler emulates what the guest did (advancing RIP past
 * an emulated instruction, or injecting the fault hardware would raise), or
 * ends the run with vm_stop()/vm_guest_exit(); the run loop checks
 * vm->state after every handler.
 */
#ifndef UNDERSTUDY_HV_EXITS_H
#define UNDERSTUDY_HV_EXITS_H

#include "hv/exit_kinds.h"
#include "hv/vm.h"

typedef void (*exit_handler_fn)(struct vcpu *v, const struct vexit *e);

/* Dispatches e to its handler; unknown or unhandled exits stop the guest
 * with a dump. */
void exit_dispatch(struct vcpu *v, const struct vexit *e);

void exit_cpuid(struct vcpu *v, const struct vexit *e);
void exit_rdtsc(struct vcpu *v, const struct vexit *e);
void exit_rdtscp(struct vcpu *v, const struct vexit *e);
void exit_rdrand(struct vcpu *v, const struct vexit *e);
void exit_io(struct vcpu *v, const struct vexit *e);
/* INS/OUTS, with or without REP (hv/exit_string_io.c); called by exit_io. */
void exit_string_io(struct vcpu *v, const struct vexit *e);
void exit_msr_read(struct vcpu *v, const struct vexit *e);
void exit_msr_write(struct vcpu *v, const struct vexit *e);
void exit_cr_access(struct vcpu *v, const struct vexit *e);
void exit_xsetbv(struct vcpu *v, const struct vexit *e);
void exit_hlt(struct vcpu *v, const struct vexit *e);
void exit_npf(struct vcpu *v, const struct vexit *e);
void exit_exception(struct vcpu *v, const struct vexit *e);
void exit_triple_fault(struct vcpu *v, const struct vexit *e);
void exit_entry_failed(struct vcpu *v, const struct vexit *e);
void exit_undefined(struct vcpu *v, const struct vexit *e);
void exit_gp(struct vcpu *v, const struct vexit *e);
void exit_skip(struct vcpu *v, const struct vexit *e);
void exit_extint(struct vcpu *v, const struct vexit *e);
void exit_nothing(struct vcpu *v, const struct vexit *e);
void exit_unhandled(struct vcpu *v, const struct vexit *e);

#endif
