/*
 * The witness's lease decisions (proto/witness_lease.h): who may hold the
 * lease, for how long, and under which epoch.
 */
#include "proto/witness_lease.h"

#include <string.h>

#define MAX_MS_LEAST 1  /* the shortest longest lease a witness may be set to */

void wit_lease_init(struct wit_lease *l, u32 max_ms)
{
	memset(l, 0, sizeof(*l));
	l->max_ms = max_ms ? max_ms : MAX_MS_LEAST;
}

static bool held(const struct wit_lease *l)
{
	return l->holder[0] != '\0';
}

bool wit_lease_expire(struct wit_lease *l, u64 now_ms)
{
	if (!held(l) || now_ms < l->expires_ms)
		return false;
	l->holder[0] = '\0';
	return true;
}

u32 wit_lease_left(const struct wit_lease *l, u64 now_ms)
{
	u64 left = held(l) && l->expires_ms > now_ms ? l->expires_ms - now_ms : 0;

	return left > 0xFFFFFFFFu ? 0xFFFFFFFFu : (u32)left;
}

/* --- replies --------------------------------------------------------------------- */

static void copy_name(char *dst, const char *src)
{
	size_t n = strnlen(src, WIT_NODE_MAX);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void reply_granted(const struct wit_lease *l, struct wit_msg *r)
{
	r->type = WIT_GRANTED;
	r->epoch = l->epoch;
	r->duration_ms = l->duration_ms;
	copy_name(r->holder, l->holder);
}

static void reply_state(const struct wit_lease *l, u64 now_ms, struct wit_msg *r)
{
	r->type = WIT_STATE;
	r->epoch = l->epoch;
	r->left_ms = wit_lease_left(l, now_ms);
	r->duration_ms = held(l) ? l->duration_ms : 0;
	copy_name(r->holder, l->holder);
}

/* REFUSED: the lease as it is, the reason and its text. */
static void reply_refused(const struct wit_lease *l, u64 now_ms, u8 reason, const char *text,
			  struct wit_msg *r)
{
	size_t n = strnlen(text, WIT_TEXT_MAX);

	reply_state(l, now_ms, r);
	r->type = WIT_REFUSED;
	r->duration_ms = 0;
	r->reason = reason;
	memcpy(r->text, text, n);
	r->text[n] = '\0';
}

/* --- decisions ------------------------------------------------------------------------ */

/* The lease to the node from now on, with the duration it asked for (0:
 * the longest) within the witness's longest. */
static void hold(struct wit_lease *l, const char *node, u32 asked_ms, u64 now_ms)
{
	l->duration_ms = asked_ms && asked_ms < l->max_ms ? asked_ms : l->max_ms;
	l->expires_ms = now_ms + l->duration_ms;
	copy_name(l->holder, node);
}

/* A free lease, or its holder with another epoch: a new epoch above both
 * the lease's and the one the node knew (it may know one the witness
 * lost). The holder with the lease's epoch keeps it. */
static unsigned acquire(struct wit_lease *l, const struct wit_msg *q, u64 now_ms, struct wit_msg *r)
{
	bool mine = held(l) && !strncmp(l->holder, q->node, WIT_NODE_MAX);
	u64 base = q->epoch > l->epoch ? q->epoch : l->epoch;
	u32 before = l->duration_ms;
	unsigned flags;

	if (held(l) && !mine) {
		reply_refused(l, now_ms, WIT_R_HELD, "another node holds the lease", r);
		return 0;
	}
	if (mine && q->epoch == l->epoch) {
		hold(l, q->node, q->duration_ms, now_ms);
		reply_granted(l, r);
		return l->duration_ms != before ? WIT_LEASE_CHANGED : 0;
	}
	if (base >= WIT_EPOCH_MAX) {
		reply_refused(l, now_ms, WIT_R_STALE_EPOCH, "no epoch is left to grant", r);
		return 0;
	}
	flags = WIT_LEASE_CHANGED | (q->epoch > l->epoch ? WIT_LEASE_BEHIND : 0);
	l->epoch = base + 1;
	hold(l, q->node, q->duration_ms, now_ms);
	reply_granted(l, r);
	return flags;
}

/* Refuses a RENEW or RELEASE the node may not make under its epoch: true
 * when it did (reply filled). */
static bool refuse_non_holder(const struct wit_lease *l, const struct wit_msg *q, u64 now_ms,
			      struct wit_msg *r)
{
	const char *text;
	u8 reason;

	if (q->epoch != l->epoch) {
		wire_msg("epoch ", q->epoch, " is not the lease's (");
		wire_msg_num(l->epoch);
		text = wire_msg_str(")");
		reason = WIT_R_STALE_EPOCH;
	} else if (!held(l)) {
		text = "nobody holds the lease (it expired or was released)";
		reason = WIT_R_NOT_HELD;
	} else if (strncmp(l->holder, q->node, WIT_NODE_MAX)) {
		text = "another node holds the lease of this epoch";
		reason = WIT_R_NOT_HOLDER;
	} else {
		return false;
	}
	reply_refused(l, now_ms, reason, text, r);
	return true;
}

static unsigned renew(struct wit_lease *l, const struct wit_msg *q, u64 now_ms, struct wit_msg *r)
{
	if (refuse_non_holder(l, q, now_ms, r))
		return 0;
	l->expires_ms = now_ms + l->duration_ms;
	reply_granted(l, r);
	return 0;
}

static unsigned release(struct wit_lease *l, const struct wit_msg *q, u64 now_ms, struct wit_msg *r)
{
	if (refuse_non_holder(l, q, now_ms, r))
		return 0;
	l->holder[0] = '\0';
	l->duration_ms = 0;
	l->expires_ms = 0;
	reply_state(l, now_ms, r);
	return WIT_LEASE_CHANGED;
}

unsigned wit_lease_decide(struct wit_lease *l, const struct wit_msg *req, u64 now_ms,
			  struct wit_msg *reply)
{
	unsigned flags = wit_lease_expire(l, now_ms) ? WIT_LEASE_EXPIRED : 0;

	memset(reply, 0, sizeof(*reply));
	switch (req->type) {
	case WIT_ACQUIRE:
		return flags | acquire(l, req, now_ms, reply);
	case WIT_RENEW:
		return flags | renew(l, req, now_ms, reply);
	case WIT_RELEASE:
		return flags | release(l, req, now_ms, reply);
	default:
		reply_state(l, now_ms, reply);
		return flags;
	}
}
