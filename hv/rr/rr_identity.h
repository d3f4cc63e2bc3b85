/*
 * What identifies the guest a log or trace belongs to (docs/log-format.md,
 * header): hashes of its kernel, its modules and its command line. A
 * replay refuses a log whose identity is not the guest's.
 */
#ifndef UNDERSTUDY_HV_RR_RR_IDENTITY_H
#define UNDERSTUDY_HV_RR_RR_IDENTITY_H

#include "types.h"

struct boot_info;
struct config;

struct rr_guest_identity {
	u64 kernel_hash, modules_hash, cmdline_hash;
};

void rr_guest_identity(const struct boot_info *bi, const struct config *cfg,
		       struct rr_guest_identity *id);
/* The identity a log or trace carries: the guest's, and for a run resumed
 * from a snapshot (resume=on) the snapshot too, folded into the modules
 * hash: a log recorded from a snapshot replays only from that snapshot. */
void rr_log_identity(const struct boot_info *bi, const struct config *cfg,
		     struct rr_guest_identity *id);

#endif
