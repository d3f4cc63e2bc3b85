/*
 * hvctl's lines (see hvctl.h): a few per side, one for the pair. Pure:
 * everything is written into the caller's buffer, cut if it must be.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

struct text {
	char *buf;
	size_t size, len;
};

static __attribute__((format(printf, 2, 3))) void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->size || t->len + 1 >= t->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = (size_t)n < t->size - t->len ? t->len + (size_t)n : t->size - 1;
}

static bool is_primary(const struct side *s)
{
	return !strcmp(s->role, "primary");
}

static bool is_backup(const struct side *s)
{
	return !strcmp(s->role, "backup");
}

/* "live (took over at landmark N)" and the like: the state with its
 * landmark. */
static void put_state(struct text *t, const struct side *s)
{
	put(t, "%s", s->state[0] ? s->state : "?");
	if (s->took_over)
		put(t, " (took over at landmark %llu)", s->took_over_at);
	if (s->backup_lost)
		put(t, " (from landmark %llu)", s->backup_lost_at);
}

/* Checkpoint mode: the epochs instead of a log (a primary's are sent and
 * acknowledged, with the stun of those after the first, which looks at
 * all of RAM; a backup's applied). */
static void put_epochs(struct text *t, const struct side *s)
{
	if (is_primary(s))
		put(t, "  epochs of %llu ms: %llu taken, %llu acknowledged by the backup; %llu pages, "
		    "%llu bytes; stun %llu us on average, %llu us at most\n", s->epoch_ms, s->epochs,
		    s->epochs_acked, s->epoch_pages, s->epoch_bytes,
		    s->epochs > 1 ? s->epoch_stun_us / (s->epochs - 1) : 0, s->epoch_stun_max_us);
	else
		put(t, "  epochs: %llu applied\n", s->epochs);
}

static void put_log(struct text *t, const struct side *s)
{
	if (s->checkpoint_mode)
		put_epochs(t, s);
	else if (is_primary(s)) {
		put(t, "  log: %llu bytes produced, %llu acknowledged by the backup, lag %llu bytes",
		    s->log_produced, s->log_acked, s->log_lag);
		if (side_knows_backup_lag(s))
			put(t, "; the backup replayed to landmark %llu, lag %llu landmarks",
			    s->backup_replayed_landmark, s->lag_landmarks);
		put(t, "\n");
	} else if (is_backup(s))
		put(t, "  log: %llu bytes received, %llu replayed, lag %llu bytes\n",
		    s->log_received, s->log_replayed, s->log_lag);
}

static void put_heartbeat(struct text *t, const struct side *s)
{
	if (!s->has_heartbeat)
		return;
	put(t, "  heartbeats: %s, %llu sent, %llu received, %llu missed; the peer heard %llu ms "
	    "ago\n", s->heartbeats_on ? "on" : "off", s->heartbeats_sent, s->heartbeats_received,
	    s->heartbeats_missed, s->peer_heard_ms);
}

static void put_output(struct text *t, const struct side *s)
{
	if (!s->has_output)
		return;
	put(t, "  output: %llu bytes held now; %llu releases, held %llu us on average, %llu us at "
	    "most\n", s->held_bytes, s->releases, s->hold_avg_us, s->hold_max_us);
}

/* Outputs compared and resyncs on a backup, checkpoints written on a
 * primary: a line only once there is something to say. */
static void put_resync(struct text *t, const struct side *s)
{
	if (is_backup(s) && (s->outputs_compared || s->resyncs || s->digest_mismatches))
		put(t, "  resync: %llu outputs compared, %llu differed, %llu digests differed; %llu "
		    "resyncs, %llu ms waiting for their checkpoints\n", s->outputs_compared,
		    s->output_mismatches, s->digest_mismatches, s->resyncs, s->resync_wait_ms);
	else if (is_primary(s) && s->checkpoints)
		put(t, "  checkpoints: %llu written for the backup, %llu bytes, the guest waited %llu "
		    "us\n", s->checkpoints, s->checkpoint_bytes, s->checkpoint_stun_us);
}

static void put_witness(struct text *t, const struct side *s)
{
	if (!s->has_witness) {
		put(t, "  witness: none\n");
		return;
	}
	if (s->lease_held)
		put(t, "  witness: lease held, epoch %llu, ", s->epoch);
	else
		put(t, "  witness: no lease (%s), epoch %llu, ", s->lease[0] ? s->lease : "?",
		    s->epoch);
	put(t, "%s", s->witness_connected ? "connected" : "not connected");
	put(t, s->witness_why[0] ? ": %s\n" : "\n", s->witness_why);
}

void side_print(char *buf, size_t size, const char *name, const struct side *s)
{
	struct text t = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	if (!s->has_ft) {
		put(&t, "%s: not in a pair; guest %s\n", name, s->guest_state);
		return;
	}
	put(&t, "%s: %s, ", name, s->role[0] ? s->role : "?");
	put_state(&t, s);
	put(&t, "; guest %s, landmark %llu", s->guest_state, s->landmark);
	put(&t, s->peer[0] ? "; peer %s\n" : "\n", s->peer);
	put_log(&t, s);
	put_heartbeat(&t, s);
	put_output(&t, s);
	put_resync(&t, s);
	put_witness(&t, s);
}

/* The other side in a word or a few. */
static const char *other_text(const struct side *s)
{
	if (s->down)
		return "unreachable";
	return s->has_ft ? s->state : "not in a pair";
}

static u64 sub_or_zero(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

/* A primary that runs the guest, and the backup's place behind it. */
static void put_primary_runs(struct text *t, const char *pname, const struct side *p,
			     const struct side *b)
{
	put(t, "pair: primary %s runs the guest", pname);
	if (p->backup_lost || !strcmp(p->state, "running without a backup")) {
		put(t, " without a backup\n");
		return;
	}
	if (!is_backup(b) || strcmp(b->state, "replaying the primary's log")) {
		put(t, "; the backup: %s", other_text(b));
		if (side_knows_backup_lag(p))
			put(t, ", lag %llu landmarks by its heartbeats", p->lag_landmarks);
		put(t, "\n");
		return;
	}
	put(t, ", backup follows, lag %llu bytes (%llu unacknowledged), %llu landmarks\n",
	    sub_or_zero(p->log_produced, b->log_replayed), p->log_lag,
	    sub_or_zero(p->landmark, b->landmark));
}

int pair_verdict(char *buf, size_t size, const char *name_a, const struct side *a,
		 const char *name_b, const struct side *b)
{
	struct text t = { buf, size, 0 };
	bool ra = side_runs_guest(a), rb = side_runs_guest(b);

	if (size)
		buf[0] = '\0';
	if (ra && rb) {
		put(&t, "pair: split brain: both run the guest (%s and %s)\n", name_a, name_b);
		return HVCTL_SPLIT_BRAIN;
	}
	if (a->down && b->down) {
		put(&t, "pair: unknown: neither side answered\n");
		return HVCTL_OK;
	}
	if (!ra && !rb && (a->down || b->down)) {
		put(&t, "pair: %s does not run the guest; %s is unreachable\n",
		    a->down ? name_b : name_a, a->down ? name_a : name_b);
		return HVCTL_OK;
	}
	if (!ra && !rb) {
		put(&t, "pair: no side runs the guest\n");
		return HVCTL_OK;
	}
	if (rb) { /* the one that runs first */
		const struct side *s = a;
		const char *n = name_a;

		a = b, b = s, name_a = name_b, name_b = n;
	}
	if (is_primary(a))
		put_primary_runs(&t, name_a, a, b);
	else if (is_backup(a))
		put(&t, "pair: backup %s runs the guest%s; the primary: %s\n", name_a,
		    a->took_over ? " (it took over)" : "", other_text(b));
	else
		put(&t, "pair: %s runs the guest, not in a pair\n", name_a);
	return HVCTL_OK;
}
