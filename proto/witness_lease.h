/*
 * The witness's lease (docs/witness.md "The lease"): one lease, held by
 * one node at a time for a duration, and an epoch that only grows and
 * serves as a fencing token: each new holder gets a higher one. Time is
 * the caller's (milliseconds of a monotonic clock); nothing here reads a
 * clock or a file. Pure code, tested on the host.
 */
#ifndef UNDERSTUDY_PROTO_WITNESS_LEASE_H
#define UNDERSTUDY_PROTO_WITNESS_LEASE_H

#include "proto/witness.h"
#include "types.h"

struct wit_lease {
	u64 epoch;                      /* the last one granted (0: none yet) */
	char holder[WIT_NODE_MAX + 1];  /* "" when nobody holds the lease */
	u32 duration_ms;                /* of the holder's lease */
	u64 expires_ms;                 /* when it ends unless renewed */
	u32 max_ms;                     /* the longest lease, and what 0 asks for */
};

/* What a decision did besides its reply (flags). */
enum {
	WIT_LEASE_EXPIRED = 1 << 0, /* the holder's lease had run out before the request */
	WIT_LEASE_CHANGED = 1 << 1, /* the epoch, holder or duration changed: store them */
	WIT_LEASE_BEHIND = 1 << 2,  /* an ACQUIRE knew a higher epoch than the witness's */
};

/* A free lease at epoch 0; leases last at most max_ms (at least 1). */
void wit_lease_init(struct wit_lease *l, u32 max_ms);

/*
 * Decides a request (ACQUIRE, RENEW, RELEASE or QUERY) at now_ms and
 * fills reply (GRANTED, REFUSED or STATE; its seq is the caller's).
 * ACQUIRE: a free lease goes to the node with an epoch above both the
 * lease's and the one the node knew; the holder asking again with its
 * epoch keeps it (its duration renewed), with another epoch it gets a new
 * one; held by another node, refused. RENEW and RELEASE: only by the
 * holder with the lease's epoch; RELEASE frees the lease at once.
 * Returns WIT_LEASE_* flags.
 */
unsigned wit_lease_decide(struct wit_lease *l, const struct wit_msg *req, u64 now_ms,
			  struct wit_msg *reply);

/* Ends a held lease whose time ran out: true when it just did. */
bool wit_lease_expire(struct wit_lease *l, u64 now_ms);
/* Milliseconds before the held lease ends (0 when nobody holds it). */
u32 wit_lease_left(const struct wit_lease *l, u64 now_ms);

/*
 * What the witness keeps across its restarts: the epoch, the holder and
 * its duration, as one STATE frame (proto/witness.h). save writes it into
 * out (its length, or a negative errno); load takes the whole of data
 * (len bytes) back: the holder, if any, keeps the lease for its whole
 * duration from now_ms, since its lease may have been renewed just before
 * the witness stopped. 0, or -EBADMSG with *why.
 */
int wit_lease_save(const struct wit_lease *l, u8 *out, size_t cap);
int wit_lease_load(struct wit_lease *l, const u8 *data, size_t len, u64 now_ms, const char **why);

#endif
