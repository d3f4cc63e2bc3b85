/*
 * Checkpoint mode (ft=checkpoint, docs/fault-tolerance.md "Checkpoint
 * mode"), the Remus way: the primary runs its guest without recording;
 * every ft_epoch_ms it stops the guest between two exits, sends the pages
 * the guest dirtied since the last epoch and the vCPU and devices (a
 * snapshot delta) with the console bytes of the epoch, and lets the guest
 * go on at once; the epoch's console bytes go out only once the backup has
 * acknowledged the whole epoch (hv/ft_ckpt_primary.c). The backup applies
 * each epoch only when whole, and when the primary is gone it runs the
 * guest on from the last one (hv/ft_ckpt_backup.c). The stream is the log
 * stream's transport (TLS with ft_key=, heartbeats, reconnects), its bytes
 * proto/ft_epoch.h's.
 */
#ifndef UNDERSTUDY_HV_FT_CHECKPOINT_H
#define UNDERSTUDY_HV_FT_CHECKPOINT_H

#include "types.h"

struct boot_info;
struct config;
struct vm;

/* What a side did, for its report, /status and /metrics. */
struct ft_ckpt_stats {
	bool on;              /* this side is a checkpoint pair's */
	bool primary;
	u32 epoch_ms;
	u64 epochs;           /* sent (primary) or applied (backup) */
	u64 epochs_acked;     /* primary: acknowledged whole by the backup */
	u64 pages;            /* pages in them */
	u64 bytes;            /* stream bytes of them */
	u64 first_stun_us;    /* primary: the first epoch's (all of RAM, the dirty log started) */
	u64 stun_us;          /* primary: the guest held for the others, in all */
	u64 stun_max_us;      /* ... and for one of them at most */
	u64 last_stun_us;
	u64 guest_ms;         /* primary: guest time at the last epoch */
	u64 started_ns;       /* when the first epoch was taken or applied */
	u64 last_epoch_ns;    /* when the last one was */
	bool backup_lost;     /* primary: it runs on without a backup */
	bool took_over;       /* backup: it runs the guest live */
	u64 took_over_epoch;
};

/* role=primary ft=checkpoint: opens the stream to the backup, waits (at
 * most ft_timeout_ms) until it follows and holds the guest's console from
 * then on. 0 (also when not in checkpoint mode), or a negative errno with
 * a message. */
int ft_ckpt_primary_start(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* ft=auto: the recording ended for checkpoint mode (its log all with the
 * backup): the same as ft_ckpt_primary_start from this moment, the
 * epochs' console bytes from the guest's console offset now; the first
 * epoch sends the pages the backup, which replayed to here, does not hold
 * alike. False when the backup does not follow: the guest runs on
 * without one (under a witness, in a new lease epoch first). */
bool ft_ckpt_primary_switch_in(struct vm *vm, const struct boot_info *bi,
			       const struct config *cfg);

/* ft=auto, between two exits with the vCPU quiescent: a last epoch of
 * the state now, the stream ended once the backup has all of it (it then
 * expects a log: no END), what was held released, the dirty log stopped.
 * False when the backup is lost instead (the guest runs on without it). */
bool ft_ckpt_primary_switch_out(struct vm *vm);

/* The run loop, between two exits: an epoch when one is due and the vCPU
 * can be saved; the stream moved on; acknowledged epochs' console bytes
 * released. */
void ft_ckpt_poll(struct vm *vm);

/* The guest ended: a last epoch, then END with its exit code and final
 * memory digest; waits (60 s at most) until the backup has all of it,
 * then releases every console byte held. A guest the hypervisor stopped
 * (or fenced) sends nothing more and releases nothing more: the backup
 * takes it as a primary gone. */
void ft_ckpt_primary_finish(struct vm *vm);

/* role=backup ft=checkpoint: the guest booted here is not run; epochs are
 * applied over it as they come whole. Returns when the primary's guest
 * ended (the VM is then marked exited with its code: nothing runs here)
 * or when the primary is gone: 0 with the guest at the last epoch, to run
 * on live (under a witness only with its lease); a negative errno when
 * this side cannot run it (no epoch came, or it must stand down). */
int ft_ckpt_follow(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* ft=auto, role=backup: the primary's log ended for checkpoint mode and
 * the replay reached its end (this guest is the primary's there): epochs
 * are followed from here as ft_ckpt_follow does, the first named within
 * ft_timeout_ms. How it ended: */
enum ft_ckpt_outcome {
	FT_CKPT_ENDED,           /* the primary's guest ended (the VM marked exited) */
	FT_CKPT_LIVE_FROM_EPOCH, /* the primary is gone: the guest runs on from the last epoch */
	FT_CKPT_LIVE_HERE,       /* ... gone before an epoch came: from the replay's state */
	FT_CKPT_STOPPED,         /* this side may not run the guest (stopped, or stood down) */
	FT_CKPT_LOG_FOLLOWS,     /* the stream ended without END after an epoch: the primary
				  * records again from it (a joined log) */
};
enum ft_ckpt_outcome ft_ckpt_follow_from(struct vm *vm);

/* The guest's RAM as one hash (both sides print it at the end). */
u64 ft_ckpt_memory_digest(const struct vm *vm);

const struct ft_ckpt_stats *ft_ckpt_stats(void);
/* The side's summary at the end of its run. */
void ft_ckpt_report(void);

#endif
