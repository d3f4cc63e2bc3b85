/*
 * Whether a snapshot (or a checkpoint, or a switchover's stop) may be
 * taken now while recording: right after a guest-caused exit, the T bit
 * not stepping (hv/rr/rr_snapshot.c has the why). Any moment will do
 * otherwise. An inline of its own so that its users (snapshots, the
 * primary's checkpoints, the switchover) do not call into the recorder.
 */
#ifndef UNDERSTUDY_HV_RR_MOMENT_H
#define UNDERSTUDY_HV_RR_MOMENT_H

#include "hv/rr/rr.h"
#include "hv/rr/tbit.h"

static inline bool rr_snapshot_moment(const struct vm *vm)
{
	if (!rr_recording(vm))
		return true;
	return !vm->rr->guest_ran && !(vm->tbit && vm->tbit->stepping);
}

#endif
