/* The control endpoint's view of a fault-tolerant pair's side (hv/control.c
 * calls it): role, peer, state in words, the log stream, the output rule
 * and the witness, as net/http/hv_status.h reports them. */
#ifndef UNDERSTUDY_HV_CONTROL_FT_H
#define UNDERSTUDY_HV_CONTROL_FT_H

#include "net/http/hv_status.h"

struct config;
struct vm;

/* Fills ft for cfg's role (nothing without one); vm is NULL until the
 * guest starts (the primary waits for its backup, the backup for the
 * primary's log). */
void control_fill_ft(const struct vm *vm, const struct config *cfg, u64 now_ns,
		     struct hv_status_ft *ft);

#endif
