/*
 * Heartbeats on the log stream (docs/log-stream.md, "Heartbeats"): the
 * clock each end of a fault-tolerant pair's link keeps. A side sends a
 * HEARTBEAT when it has sent nothing else for the interval, and declares
 * its peer silent once it has heard nothing at all from it (a heartbeat,
 * data or an acknowledgement) for the timeout; each interval that passes
 * without a word, after half an interval's grace, is a missed heartbeat.
 * Pure: the caller gives the time.
 */
#ifndef UNDERSTUDY_PROTO_LS_HEARTBEAT_H
#define UNDERSTUDY_PROTO_LS_HEARTBEAT_H

#include "types.h"

struct ls_beat {
	u64 interval_ns;      /* send after this long without sending (0: off) */
	u64 timeout_ns;       /* the peer is silent after this long unheard (0: never) */
	u64 heard_ns;         /* when the peer last said anything */
	u64 sent_ns;          /* when this side last sent anything */
	u64 missed_now;       /* intervals missed in the current silence */
	u64 sent, received, missed; /* heartbeats, counted over every connection */
};

/* Heartbeats every interval_ns, a peer unheard for timeout_ns silent;
 * counters from 0, the peer heard and this side sending at now_ns. */
void ls_beat_init(struct ls_beat *b, u64 interval_ns, u64 timeout_ns, u64 now_ns);

/* A new connection at now_ns: heard and sent then (the counters stay). */
void ls_beat_restart(struct ls_beat *b, u64 now_ns);

/* The peer said something at now_ns (heartbeat true: a HEARTBEAT). */
void ls_beat_heard(struct ls_beat *b, u64 now_ns, bool heartbeat);

/* This side sent a message at now_ns (heartbeat true: a HEARTBEAT). */
void ls_beat_sent(struct ls_beat *b, u64 now_ns, bool heartbeat);

/* This side has sent nothing for the interval: a HEARTBEAT is due. */
bool ls_beat_due(const struct ls_beat *b, u64 now_ns);

/* Counts the intervals that passed unheard up to now_ns (call each poll);
 * true once the peer has been unheard for the timeout. */
bool ls_beat_check(struct ls_beat *b, u64 now_ns);

/* Milliseconds since the peer was last heard. */
u64 ls_beat_heard_age_ms(const struct ls_beat *b, u64 now_ns);

/* The counters and the age, as /status shows them. */
struct ls_beat_status {
	bool on;              /* heartbeats agreed with the peer on this connection */
	u64 sent, received, missed;
	u64 heard_age_ms;
};
void ls_beat_status(const struct ls_beat *b, bool on, u64 now_ns, struct ls_beat_status *st);

#endif
