/*
 * The pair's witness from the hypervisor (witness=, docs/witness.md): one
 * connection to tools/hvwitness over TLS with the pair's ft_key=, the
 * lease asked for, renewed and judged by proto/witness_client.c, made
 * again with a backoff when it drops. Polled from the run loop
 * (host_work.c); nothing here runs, and everything answers "no lease",
 * when witness= is absent.
 *
 * The node id the witness knows us by is our ip= as text ("10.9.0.1");
 * the primary's is its address, peer= on the backup. The lease lasts
 * ft_timeout_ms and is renewed every third of it.
 *
 * Primary: ft_witness_acquire() once (at start); run the guest only while
 * ft_witness_held(); ft_witness_lost() means a renewal was refused or
 * the lease ran out: another side may hold it now: fence (stop the
 * guest, release no output). ft_witness_bump() when going on without the
 * backup: a new epoch, so that the backup, which knew the old one, can
 * tell it must never go live.
 *
 * Backup: ft_witness_primary_named() with the epoch the primary's stream
 * names (each poll), else ft_witness_learn_primary() while the primary is
 * known to be alive and streaming (e.g. at its HELLO): the primary's
 * epoch is remembered. When the primary is gone: ft_witness_takeover() from the
 * waiting loop until it says GO (go live: the lease is ours and renewed
 * from then on) or STALE (never go live).
 */
#ifndef UNDERSTUDY_HV_FT_WITNESS_H
#define UNDERSTUDY_HV_FT_WITNESS_H

#include "types.h"

struct config;

enum ft_witness_verdict {
	FT_WITNESS_NO_ANSWER, /* the witness has not answered yet: wait (ft_witness_why says) */
	FT_WITNESS_WAIT,      /* the primary's lease is still held: wait */
	FT_WITNESS_GO,        /* the lease after the primary's is ours: go live */
	FT_WITNESS_STALE,     /* the lease moved on without us: never go live */
};

/* Starts the connection when witness= is given (role=, ft_key= and a
 * static ip= are then checked by the configuration); 0 without witness=.
 * 0, or a negative errno (reported). */
int ft_witness_start(const struct config *cfg);

bool ft_witness_configured(void);

/* Closes the connection and forgets everything (a new start may follow). */
void ft_witness_stop(void);

/* Moves things on (the connection, requests due, replies); after
 * net_poll(). Costs a test and a return without witness=. */
void ft_witness_poll(u64 now_ns);

/* --- the primary --- */

/* Acquire the lease and keep it: asked at the next poll, renewed from
 * then on. */
void ft_witness_acquire(void);

/* The lease is ours and valid at now_ns (counted from when the request
 * that won or renewed it was sent). */
bool ft_witness_held(u64 now_ns);

/* The lease was ours and is gone for good (a renewal refused, or it ran
 * out before one was granted): fence. */
bool ft_witness_lost(void);

/* An ACQUIRE was refused (another node holds the lease), or the witness
 * refused this side's frames: a side asking for the lease anew (after it
 * released it) may not run the guest. */
bool ft_witness_refused(void);

/* Lets the lease go (a planned switchover: the backup takes the next
 * epoch at once, without waiting for it to run out); it is not kept from
 * then on. Nothing without a lease held. */
void ft_witness_release(void);

/* Is a release asked for and not answered by the witness yet? */
bool ft_witness_releasing(void);

/* A new epoch for the lease, kept: going on without the backup. */
void ft_witness_bump(void);

/* Our lease's epoch (0: never held). */
u64 ft_witness_epoch(void);

/* --- the backup --- */

/* Asks the witness who holds the lease now; the primary's epoch is
 * remembered when the primary is the holder (asked again each third of
 * the lease until it is). */
void ft_witness_learn_primary(void);

/* The lease epoch the primary's own stream named (HELLO or HEARTBEAT;
 * 0: none, nothing changes): known from then on without asking the
 * witness, and before the backup acknowledges anything logged after it. */
void ft_witness_primary_named(u64 epoch);

/* May the backup go live? The first call starts the questions (the
 * primary's epoch as learned, 0 if never learned: then only a primary
 * that never held a lease lets it go); call again from the waiting loop. */
enum ft_witness_verdict ft_witness_takeover(u64 now_ns);

/* --- both --- */

/* The last thing worth saying: a refusal, an error, a verdict's reason. */
const char *ft_witness_why(void);

/* One line: the epoch, grants, renewals, refusals, timeouts, reconnects. */
void ft_witness_report(void);

/* The witness as the control endpoint shows it (all zero without
 * witness=). */
struct ft_witness_status {
	bool configured;
	bool connected;   /* the TLS connection is up */
	bool held;        /* the lease is ours and valid at now_ns */
	const char *lease; /* the client's state: "idle", "asking", "held", ... */
	u64 epoch;        /* ours, else the last one the witness named */
	u64 grants, renewals, refusals, timeouts, reconnects;
	const char *why;  /* ft_witness_why() */
};
void ft_witness_status(struct ft_witness_status *st, u64 now_ns);

#endif
