/* Guest-state digests for record/replay: registers and per-page memory
 * hashes (docs/log-format.md, "State digest"). */
#ifndef UNDERSTUDY_HV_RR_DIGEST_H
#define UNDERSTUDY_HV_RR_DIGEST_H

#include "proto/rrlog.h"
#include "hv/vm.h"

struct rr_digest {
	u64 regs[RRLOG_DIGEST_REGS];
	u64 memory_hash;
	u64 changed_count;              /* pages whose hash changed since the last digest */
	struct rrlog_page_hash *changed; /* the rr_state's scratch list */
};

/* Names of the digest registers, for reports. */
const char *rr_digest_reg_name(unsigned i);

/* Takes a digest of the guest now, updating the remembered page hashes. */
void rr_digest_take(struct vm *vm, struct rr_digest *d);

/* Rehashes the guest pages marked in dirty (every page when dirty is NULL)
 * into prev[], reports those whose hash changed into changed[], and returns
 * the combined memory hash over prev[]. Pure. */
u64 rr_digest_memory(const u8 *ram, u64 npages, const u64 *dirty, u64 *prev,
		     struct rrlog_page_hash *changed, u64 *changed_count);

#endif
