/*
 * The witness's decisions: the one lease (proto/witness_lease.c), stored
 * in the state file before any reply that depends on it leaves, and one
 * log line per decision and per expiry.
 */
#include <string.h>

#include "hvwitness.h"

#define ERR_SIZE 256

static struct wit_lease lease;
static const char *state_path;

static void log_expired(const struct wit_lease *before)
{
	wlog("expired: holder=\"%s\" epoch=%llu (not renewed within %u ms)", before->holder,
	     before->epoch, before->duration_ms);
}

/* The lease as it was loaded, or a new one; the file must be writable. */
int decide_init(const char *path, u32 lease_ms)
{
	char err[ERR_SIZE];
	int rc;

	wit_lease_init(&lease, lease_ms);
	state_path = path;
	if (!path) {
		wlog("no --state file: epochs start again at 0 if the witness restarts");
		return 0;
	}
	rc = state_load(path, &lease, now_ms(), err, sizeof(err));
	if (rc == 0)
		rc = state_save(path, &lease, err, sizeof(err));
	if (rc < 0) {
		wlog("%s; not starting (epochs must never go back: remove the file only when "
		     "both hypervisors of the pair are stopped)", err);
		return -1;
	}
	wlog("state %s: epoch %llu, holder \"%s\"%s", path, lease.epoch, lease.holder,
	     lease.holder[0] ? ", holding its lease for its whole duration from now" : "");
	return 0;
}

/* A decision that could not be stored is undone and refused. */
static void refuse_unstored(const struct wit_lease *before, u64 now, const char *err,
			    struct wit_msg *reply)
{
	static const struct wit_msg query = { .type = WIT_QUERY };

	wlog("cannot store the state: %s", err);
	lease = *before;
	wit_lease_expire(&lease, now);
	wit_lease_decide(&lease, &query, now, reply);
	reply->type = WIT_REFUSED;
	reply->duration_ms = 0;
	reply->reason = WIT_R_STORAGE;
	snprintf(reply->text, sizeof(reply->text), "the witness cannot store its state");
}

void decide(const char *peer, const struct wit_msg *req, u64 seq, struct wit_msg *reply)
{
	struct wit_lease before = lease;
	char err[ERR_SIZE], q[LINE_MAX], r[LINE_MAX];
	u64 now = now_ms();
	unsigned flags = wit_lease_decide(&lease, req, now, reply);

	if (flags & WIT_LEASE_EXPIRED)
		log_expired(&before);
	if (flags & WIT_LEASE_BEHIND)
		wlog("%s knew epoch %llu, above the witness's %llu (its state was lost): "
		     "epochs go on above it", peer, req->epoch, before.epoch);
	if ((flags & WIT_LEASE_CHANGED) && state_path &&
	    state_save(state_path, &lease, err, sizeof(err)))
		refuse_unstored(&before, now, err, reply);
	reply->seq = seq;
	format_msg(req, q, sizeof(q));
	format_msg(reply, r, sizeof(r));
	wlog("%s: %s -> %s", peer, q, r);
}

long decide_tick(void)
{
	struct wit_lease before = lease;
	u64 now = now_ms();

	if (wit_lease_expire(&lease, now))
		log_expired(&before);
	return lease.holder[0] ? (long)wit_lease_left(&lease, now) : -1;
}
