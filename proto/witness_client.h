/*
 * A node's side of the witness lease (docs/witness.md): which request to
 * send and when, and what each reply means for the node. Pure code: no
 * I/O, no clock, no heap; time is the caller's, in milliseconds of a
 * monotonic clock, and replies come already decoded (wit_rx). The caller
 * (hv/ft_witness.c) owns the connection and the frames' sequence numbers.
 *
 * One request is outstanding at a time. The caller's loop:
 *   while connected:  r = wc_next_request(c, now, &req);
 *                     WC_SEND: encode req with the connection's next seq, send it;
 *                     WC_TIMEOUT: the request went unanswered: reconnect;
 *   a reply frame:    wc_on_reply(c, &msg, now);
 *   a new connection: wc_on_reconnect(c); the outstanding request goes again.
 *
 * A primary calls wc_acquire once: the client acquires the lease, then
 * renews it every third of its duration. The lease counts as valid until
 * the duration has passed since the request that won it was SENT (the
 * witness counts from when it received it, later). A renewal refused, or
 * the lease running out before a renewal is granted, loses it for good
 * (WC_LOST): the node must stop acting on it (fence itself).
 *
 * A backup asks wc_takeover_verdict whether it may go live, with the epoch
 * of the primary's lease it learned earlier (wc_query while the primary
 * held it). It goes live (WC_GO) only on the lease of the next epoch,
 * acquired after the witness showed the primary's lease free at that
 * epoch: then nobody held the lease since the primary, and the primary,
 * whose renewals are now refused, stops.
 */
#ifndef UNDERSTUDY_PROTO_WITNESS_CLIENT_H
#define UNDERSTUDY_PROTO_WITNESS_CLIENT_H

#include "proto/witness.h"
#include "types.h"

#define WC_WHY_MAX 160

enum wc_state {
	WC_IDLE,    /* not holding the lease and not trying to */
	WC_ASKING,  /* acquiring: no grant yet */
	WC_HELD,    /* the lease is ours (valid until valid_until_ms) */
	WC_REFUSED, /* an ACQUIRE was refused (seen: the holder); asked again later */
	WC_LOST,    /* held, then a renewal was refused or the lease ran out: for good */
	WC_ERROR,   /* the witness broke the protocol, or refused our frame: for good */
};

/* What the caller does now (wc_next_request). */
enum wc_action {
	WC_NOTHING = 0, /* nothing to send yet */
	WC_SEND = 1,    /* send *out */
	WC_TIMEOUT = 2, /* the outstanding request went unanswered: reconnect */
};

/* A backup's question: may it go live? */
enum wc_verdict {
	WC_NO_ANSWER, /* no reply yet (or the witness broke the protocol): keep waiting */
	WC_WAIT,      /* the primary's lease (of the known epoch) is still held */
	WC_GO,        /* the lease of the epoch after the known one is ours: go live */
	WC_STALE,     /* the epoch moved past the known one under another holder: never go live */
};

/* What a request is for (the reply is judged by it). */
enum wc_purpose {
	WC_P_NONE,
	WC_P_ACQUIRE,  /* ACQUIRE(last epoch known): the primary's lease */
	WC_P_RENEW,    /* RENEW(our epoch) */
	WC_P_BUMP,     /* ACQUIRE(0) while held: a new epoch, the lease kept */
	WC_P_QUERY,    /* QUERY */
	WC_P_TAKEOVER, /* ACQUIRE(known epoch) after the lease was seen free at it */
	WC_P_RELEASE,  /* RELEASE(our epoch): handed on (a planned switchover) */
};

/* The lease as the witness last described it (REFUSED, STATE or GRANTED). */
struct wc_seen {
	bool valid;
	char holder[WIT_NODE_MAX + 1]; /* "" nobody */
	u64 epoch;
	u32 left_ms;                   /* of the holder's lease, as of at_ms */
	u64 at_ms;                     /* when the reply came */
};

struct wc_stats {
	u64 grants;     /* ACQUIREs granted (bumps included) */
	u64 renewals;   /* RENEWs granted */
	u64 refusals;   /* REFUSED replies */
	u64 timeouts;   /* requests unanswered within reply_timeout_ms */
	u64 reconnects; /* wc_on_reconnect calls */
};

struct wit_client {
	char node[WIT_NODE_MAX + 1];
	u32 duration_ms;       /* asked for (0: the witness's longest) */
	u32 reply_timeout_ms;

	enum wc_state state;
	bool hold;             /* wc_acquire: get the lease and keep it */
	bool bump_wanted;
	bool release_wanted;   /* wc_release: let the lease go at the next request
				* (wc_acquire before it is sent cancels it) */
	bool query_wanted;
	bool takeover;         /* a takeover verdict is being worked out */
	u64 known_epoch;       /* ... for the primary's lease of this epoch */
	char primary[WIT_NODE_MAX + 1];
	enum wc_verdict verdict;
	bool take_now;         /* the lease was seen free at known_epoch: ACQUIRE it */

	u64 epoch;             /* of our lease; else the last one seen (ACQUIRE's epoch) */
	u32 granted_ms;        /* the duration granted */
	u64 valid_until_ms;
	u64 renew_at_ms;
	u64 retry_at_ms;       /* the next ACQUIRE or QUERY of the goal, not before */

	/* the outstanding request */
	enum wc_purpose pending;
	struct wit_msg req;
	bool sent;             /* on this connection */
	bool timeout_told;
	u64 sent_at_ms;

	struct wc_seen seen;
	struct wc_stats stats;
	char why[WC_WHY_MAX];
};

/* A client for node (1 to 16 letters, digits, '.', '-', '_' or ':') asking
 * for leases of duration_ms. 0, or -EINVAL for a node id the witness
 * would refuse or a zero timeout. */
int wc_init(struct wit_client *c, const char *node, u32 duration_ms, u32 reply_timeout_ms);

/* Primary: acquire the lease and keep renewing it. */
void wc_acquire(struct wit_client *c);

/* While held: a new epoch for the lease, kept (the primary goes on
 * without its backup, and a backup that knew the old epoch must see it
 * moved). Ignored when not held. */
void wc_bump(struct wit_client *c);

/* Lets the held lease go (RELEASE of our epoch) and stops keeping it: a
 * planned switchover, the backup may take the next epoch at once. The
 * state is IDLE once the witness answered (or refused: the lease was not
 * ours any more). Nothing when not held. */
void wc_release(struct wit_client *c);

/* Is a release asked for and not answered yet, the lease still held? */
bool wc_releasing(const struct wit_client *c);

/* One QUERY (its STATE in c->seen). */
void wc_query(struct wit_client *c);

/* What to send now: WC_SEND with *out (its seq left 0 for the caller),
 * WC_TIMEOUT once when the outstanding request has waited
 * reply_timeout_ms, or WC_NOTHING. Call while connected; it also notices
 * a lease that ran out. */
enum wc_action wc_next_request(struct wit_client *c, u64 now_ms, struct wit_msg *out);

/* Notices a held lease that ran out (WC_LOST from then on): true when it
 * just did. wc_next_request does it too; call it while disconnected. */
bool wc_expire(struct wit_client *c, u64 now_ms);

/* A reply from the witness (decoded, WIT_TO_NODE). A reply without an
 * outstanding request, or not of its kind, is a protocol error. */
void wc_on_reply(struct wit_client *c, const struct wit_msg *m, u64 now_ms);

/* A new connection is up: the outstanding request, if any, is sent again. */
void wc_on_reconnect(struct wit_client *c);

/*
 * Backup: may it go live, the primary (node primary) having held the
 * lease at known_epoch? The first call (or one with other arguments)
 * starts the questions: QUERY; the lease held at known_epoch by the
 * primary: WAIT, and QUERY again when it would expire; free at
 * known_epoch: ACQUIRE(known_epoch), and GO when granted known_epoch + 1
 * (the lease is then ours and renewed, as wc_acquire's). Any epoch past
 * known_epoch (the primary went on alone, or another node took over), or
 * below it (the witness lost its state: nothing can be told): STALE, for
 * good. No reply yet: WC_NO_ANSWER.
 */
enum wc_verdict wc_takeover_verdict(struct wit_client *c, u64 known_epoch, const char *primary,
				    u64 now_ms);

/* The lease is ours and valid at now_ms. */
bool wc_held(const struct wit_client *c, u64 now_ms);

static inline u64 wc_epoch(const struct wit_client *c)
{
	return c->epoch;
}

static inline enum wc_state wc_state(const struct wit_client *c)
{
	return c->state;
}

/* The last thing worth saying (a refusal, an error, a verdict's reason). */
static inline const char *wc_why(const struct wit_client *c)
{
	return c->why;
}

/* "idle", "asking", ...; "wait", "go", ... */
const char *wc_state_name(enum wc_state s);
const char *wc_verdict_name(enum wc_verdict v);

#endif
