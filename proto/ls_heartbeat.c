/* The heartbeat clock of a log stream's end (see ls_heartbeat.h). */
#include "proto/ls_heartbeat.h"

#include <string.h>

#define NS_PER_MS 1000000ULL

void ls_beat_init(struct ls_beat *b, u64 interval_ns, u64 timeout_ns, u64 now_ns)
{
	memset(b, 0, sizeof(*b));
	b->interval_ns = interval_ns;
	b->timeout_ns = timeout_ns;
	ls_beat_restart(b, now_ns);
}

void ls_beat_restart(struct ls_beat *b, u64 now_ns)
{
	b->heard_ns = b->sent_ns = now_ns;
	b->missed_now = 0;
}

void ls_beat_heard(struct ls_beat *b, u64 now_ns, bool heartbeat)
{
	b->heard_ns = now_ns;
	b->missed_now = 0;
	if (heartbeat)
		b->received++;
}

void ls_beat_sent(struct ls_beat *b, u64 now_ns, bool heartbeat)
{
	b->sent_ns = now_ns;
	if (heartbeat)
		b->sent++;
}

bool ls_beat_due(const struct ls_beat *b, u64 now_ns)
{
	return b->interval_ns && now_ns - b->sent_ns >= b->interval_ns;
}

/* Intervals missed after quiet_ns unheard: a heartbeat is late by half an
 * interval (the peer's polls, the wire) before it counts as missed, so the
 * first is missed after one and a half intervals, the next one after
 * another. */
static u64 missed_after(u64 interval_ns, u64 quiet_ns)
{
	u64 grace = interval_ns / 2;

	return quiet_ns >= interval_ns + grace ? (quiet_ns - grace) / interval_ns : 0;
}

bool ls_beat_check(struct ls_beat *b, u64 now_ns)
{
	u64 quiet = now_ns - b->heard_ns;
	u64 missed = b->interval_ns ? missed_after(b->interval_ns, quiet) : 0;

	if (missed > b->missed_now) {
		b->missed += missed - b->missed_now;
		b->missed_now = missed;
	}
	return b->timeout_ns && quiet >= b->timeout_ns;
}

u64 ls_beat_heard_age_ms(const struct ls_beat *b, u64 now_ns)
{
	return (now_ns - b->heard_ns) / NS_PER_MS;
}

void ls_beat_status(const struct ls_beat *b, bool on, u64 now_ns, struct ls_beat_status *st)
{
	*st = (struct ls_beat_status){
		.on = on,
		.sent = b->sent,
		.received = b->received,
		.missed = b->missed,
		.heard_age_ms = ls_beat_heard_age_ms(b, now_ns),
	};
}
