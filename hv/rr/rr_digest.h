/* Guest-state digests for record/replay: registers and per-page memory
 * hashes (docs/log-format.md, "State digest"). */
#ifndef UNDERSTUDY_HV_RR_DIGEST_H
#define UNDERSTUDY_HV_RR_DIGEST_H

#include "hv/rr/rrlog.h"
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

/* Hashes every guest page into hashes[] and the combined memory hash;
 * reports the pages whose hash differs from prev[] into changed[] (both
 * npages long), then copies hashes into prev. Pure. */
u64 rr_digest_memory(const u8 *ram, u64 npages, u64 *prev, struct rrlog_page_hash *changed,
		     u64 *changed_count);

#endif
