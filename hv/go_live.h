/*
 * Who must know that this backup's guest went live (docs/fault-tolerance.md,
 * "Takeover"): the replay's go-live (hv/rr/rr_takeover.c) tells every
 * subscriber, through a pointer, so the code that subscribes (the guest
 * NIC, which plugs into the host NIC then) stays above the log.
 */
#ifndef UNDERSTUDY_HV_GO_LIVE_H
#define UNDERSTUDY_HV_GO_LIVE_H

#include "types.h"

struct vm;

typedef void (*go_live_fn)(struct vm *vm);

/* Adds fn (once; a few at most): 0, or -ENOSPC. */
int go_live_subscribe(go_live_fn fn);

/* The guest of vm runs live here from now on: every subscriber, in order. */
void go_live_notify(struct vm *vm);

#endif
