/*
 * Fencing under a witness (witness=, docs/fault-tolerance.md "Fencing"):
 * of the two sides of a pair, only the one that holds the witness's lease
 * may run the guest live and let its outputs out. The primary holds it
 * from the start; a backup may take it over only after the primary's has
 * run out, and never once the primary moved to a new epoch without it.
 * Epochs are the fencing tokens (hv/ft_witness.h). A witness that is
 * down stops nothing while the backup follows: it matters when one side
 * must go on alone. Without witness= every call here answers "go on" at
 * the cost of a test.
 */
#ifndef UNDERSTUDY_HV_FT_FENCE_H
#define UNDERSTUDY_HV_FT_FENCE_H

#include "types.h"

struct vm;

/* From now on this side runs the guest live and must hold the lease:
 * the primary at its start, a backup once it went live. */
void ft_fence_guard(struct vm *vm);

/* Before the guest runs again (the run loop): with the lease valid,
 * nothing; while it is being asked for, waits (the guest does not run);
 * once it is lost for good, stops the guest: fenced (vm->fenced), unless
 * a backup follows this primary (what it lets out the backup has, and a
 * backup goes live only after this side's lease ran out): then the guest
 * goes on until the backup is lost (ft_fence_new_epoch then fences). */
void ft_fence_poll(struct vm *vm);

/* A primary going on without its backup: a new epoch of the lease first,
 * so that the backup can tell it must never go live (after a switchover
 * that failed, the lease it had released is asked for anew: refused when
 * the backup took it). true once the new epoch is ours (or without a
 * witness); false when the lease was lost or refused meanwhile, or no new
 * epoch came within 10 s (the guest is then fenced). */
bool ft_fence_new_epoch(struct vm *vm);

/* A backup whose primary is gone: asks the witness until it says the
 * lease after the primary's is ours (true: go live, guarded from then on)
 * or that the primary went on without this backup (false: the guest is
 * stopped, never to go live here). Without a witness: true. */
bool ft_fence_may_go_live(struct vm *vm);

#endif
