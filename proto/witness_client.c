/*
 * A node's side of the witness lease (proto/witness_client.h): its
 * requests, when they are due, and what each reply does.
 */
#include "proto/witness_client.h"

#include <string.h>

#include "errno.h"
#include "fmt.h"

#define WC_RETRY_MIN_MS 100 /* the least wait before asking again */
/* A backup waiting for the primary's lease looks again this often: a
 * primary that hands over (a planned switchover) releases it early, and
 * its RELEASE may reach the witness just after the backup's first look. */
#define WC_TAKEOVER_LOOK_MS 100

static void copy_name(char *dst, const char *src)
{
	size_t n = strnlen(src, WIT_NODE_MAX);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool same_name(const char *a, const char *b)
{
	return !strncmp(a, b, WIT_NODE_MAX);
}

/* The node id as the witness would take it: an ACQUIRE naming it encodes. */
static bool node_ok(const char *node)
{
	struct wit_msg m = { .type = WIT_ACQUIRE, .seq = 1 };
	u8 frame[WIT_FRAME_MAX];

	if (strlen(node) > WIT_NODE_MAX)
		return false;
	copy_name(m.node, node);
	return wit_encode(&m, frame, sizeof(frame)) > 0;
}

int wc_init(struct wit_client *c, const char *node, u32 duration_ms, u32 reply_timeout_ms)
{
	memset(c, 0, sizeof(*c));
	if (!node_ok(node) || !reply_timeout_ms)
		return -EINVAL;
	copy_name(c->node, node);
	c->duration_ms = duration_ms;
	c->reply_timeout_ms = reply_timeout_ms;
	return 0;
}

/* --- the caller's wishes ------------------------------------------------------- */

void wc_acquire(struct wit_client *c)
{
	if (c->release_wanted) { /* a release not sent yet: the lease is kept after all */
		c->release_wanted = false;
		c->hold = true;
		return;
	}
	if (c->hold || c->state == WC_LOST || c->state == WC_ERROR)
		return;
	c->hold = true;
	c->state = WC_ASKING;
	c->retry_at_ms = 0;
}

void wc_bump(struct wit_client *c)
{
	if (c->state == WC_HELD)
		c->bump_wanted = true;
}

void wc_release(struct wit_client *c)
{
	if (c->state != WC_HELD)
		return;
	c->release_wanted = true;
	c->hold = false;
	c->bump_wanted = false;
}

bool wc_releasing(const struct wit_client *c)
{
	return c->state == WC_HELD && (c->release_wanted || c->pending == WC_P_RELEASE);
}

void wc_query(struct wit_client *c)
{
	c->query_wanted = true;
}

/* --- requests ------------------------------------------------------------------- */

static void say(struct wit_client *c, const char *fmt, ...) __printf(2, 3);
static void say(struct wit_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* The lease is gone for good. */
static void lose(struct wit_client *c)
{
	c->state = WC_LOST;
	c->hold = false;
	c->bump_wanted = false;
	c->release_wanted = false;
}

/* Makes the request for purpose outstanding and hands it out. */
static enum wc_action issue(struct wit_client *c, enum wc_purpose p, u8 type, u64 epoch, u64 now,
			   struct wit_msg *out)
{
	memset(&c->req, 0, sizeof(c->req));
	c->req.type = type;
	c->req.epoch = epoch;
	if (type != WIT_QUERY)
		copy_name(c->req.node, c->node);
	if (type == WIT_ACQUIRE)
		c->req.duration_ms = c->duration_ms;
	c->pending = p;
	c->sent = true;
	c->timeout_told = false;
	c->sent_at_ms = now;
	*out = c->req;
	return WC_SEND;
}

/* The next request a wish or the lease's timing calls for, if any. */
static enum wc_action next_new(struct wit_client *c, u64 now, struct wit_msg *out)
{
	if (c->state == WC_HELD && c->release_wanted) {
		c->release_wanted = false; /* outstanding now: wc_releasing sees it pending */
		return issue(c, WC_P_RELEASE, WIT_RELEASE, c->epoch, now, out);
	}
	if (c->state == WC_HELD && now >= c->renew_at_ms)
		return issue(c, WC_P_RENEW, WIT_RENEW, c->epoch, now, out);
	if (c->state == WC_HELD && c->bump_wanted)
		return issue(c, WC_P_BUMP, WIT_ACQUIRE, 0, now, out);
	if (c->query_wanted)
		return issue(c, WC_P_QUERY, WIT_QUERY, 0, now, out);
	if (now < c->retry_at_ms)
		return WC_NOTHING;
	if (c->hold && c->state != WC_HELD)
		return issue(c, WC_P_ACQUIRE, WIT_ACQUIRE, c->epoch, now, out);
	if (c->takeover && c->verdict != WC_GO && c->verdict != WC_STALE)
		return c->take_now ? issue(c, WC_P_TAKEOVER, WIT_ACQUIRE, c->known_epoch, now, out)
				   : issue(c, WC_P_QUERY, WIT_QUERY, 0, now, out);
	return WC_NOTHING;
}

bool wc_expire(struct wit_client *c, u64 now)
{
	if (c->state != WC_HELD || now < c->valid_until_ms)
		return false;
	say(c, "the lease of epoch %llu ran out before a renewal was granted", c->epoch);
	lose(c);
	return true;
}

enum wc_action wc_next_request(struct wit_client *c, u64 now, struct wit_msg *out)
{
	if (wc_expire(c, now) || c->state == WC_ERROR || c->state == WC_LOST)
		return WC_NOTHING;
	if (c->pending && !c->sent) {
		c->sent = true;
		c->timeout_told = false;
		c->sent_at_ms = now; /* a grant counts from the last send */
		*out = c->req;
		return WC_SEND;
	}
	if (c->pending) {
		if (c->timeout_told || now - c->sent_at_ms < c->reply_timeout_ms)
			return WC_NOTHING;
		c->timeout_told = true;
		c->stats.timeouts++;
		say(c, "no reply to %s within %u ms", wit_type_name(c->req.type),
		    c->reply_timeout_ms);
		return WC_TIMEOUT;
	}
	return next_new(c, now, out);
}

void wc_on_reconnect(struct wit_client *c)
{
	c->sent = false;
	c->stats.reconnects++;
}

/* --- replies ---------------------------------------------------------------------- */

static void broken(struct wit_client *c)
{
	c->state = WC_ERROR;
	c->hold = false;
	c->release_wanted = false;
	c->pending = WC_P_NONE;
}

static void remember(struct wit_client *c, const struct wit_msg *m, u64 now)
{
	c->seen.valid = true;
	copy_name(c->seen.holder, m->holder);
	c->seen.epoch = m->epoch;
	c->seen.left_ms = m->type == WIT_GRANTED ? m->duration_ms : m->left_ms;
	c->seen.at_ms = now;
}

/* The lease is ours at m's epoch, counted from when the request was sent. */
static void held(struct wit_client *c, const struct wit_msg *m)
{
	c->state = WC_HELD;
	c->hold = true;
	c->epoch = m->epoch;
	c->granted_ms = m->duration_ms;
	c->valid_until_ms = c->sent_at_ms + m->duration_ms;
	c->renew_at_ms = c->sent_at_ms + m->duration_ms / 3;
}

/* ACQUIRE refused: asked again when the holder's lease would end. */
static void acquire_refused(struct wit_client *c, const struct wit_msg *m, u64 now)
{
	u64 wait = m->left_ms > WC_RETRY_MIN_MS ? m->left_ms : WC_RETRY_MIN_MS;

	c->state = WC_REFUSED;
	if (m->epoch > c->epoch)
		c->epoch = m->epoch;
	c->retry_at_ms = now + wait;
	say(c, "the lease is refused (%s): holder \"%s\", epoch %llu, %u ms left: %s",
	    wit_reason_name(m->reason), m->holder, m->epoch, m->left_ms, m->text);
}

static void on_acquire(struct wit_client *c, const struct wit_msg *m, u64 now)
{
	if (m->type != WIT_GRANTED) {
		acquire_refused(c, m, now);
		return;
	}
	held(c, m);
	c->stats.grants++;
	say(c, "the lease is ours: epoch %llu for %u ms", m->epoch, m->duration_ms);
}

static void on_renew(struct wit_client *c, const struct wit_msg *m)
{
	if (m->type != WIT_GRANTED) {
		say(c, "the renewal of epoch %llu is refused (%s): holder \"%s\", epoch %llu: %s",
		    c->epoch, wit_reason_name(m->reason), m->holder, m->epoch, m->text);
		lose(c);
		return;
	}
	if (m->epoch != c->epoch) {
		say(c, "the witness renewed epoch %llu, not ours (%llu)", m->epoch, c->epoch);
		broken(c);
		return;
	}
	held(c, m);
	c->stats.renewals++;
}

static void on_bump(struct wit_client *c, const struct wit_msg *m)
{
	u64 old = c->epoch;

	c->bump_wanted = false;
	if (m->type != WIT_GRANTED) {
		say(c, "the new epoch is refused (%s): holder \"%s\", epoch %llu: %s",
		    wit_reason_name(m->reason), m->holder, m->epoch, m->text);
		lose(c);
		return;
	}
	if (m->epoch <= old) {
		say(c, "the witness's epoch went back (%llu after %llu): it lost its state", m->epoch,
		    old);
		broken(c);
		return;
	}
	held(c, m);
	c->stats.grants++;
	say(c, "the lease is ours under a new epoch: %llu (was %llu)", m->epoch, old);
}

/* RELEASE answered: STATE (released) or REFUSED (not ours any more);
 * either way the lease is not ours. */
static void on_release(struct wit_client *c, const struct wit_msg *m)
{
	c->state = c->hold ? WC_ASKING : WC_IDLE; /* wc_acquire since: asked again */
	if (m->type == WIT_STATE)
		say(c, "the lease of epoch %llu is released", c->epoch);
	else
		say(c, "the release of epoch %llu is refused (%s): it was not ours any more: %s",
		    c->epoch, wit_reason_name(m->reason), m->text);
}

/* --- the takeover ---------------------------------------------------------------- */

static void verdict(struct wit_client *c, enum wc_verdict v)
{
	c->verdict = v;
	c->take_now = false;
}

/* The lease as seen, judged against the primary's epoch: STALE, WAIT
 * (asking again when the primary's lease would end) or take it. */
static void judge_seen(struct wit_client *c, u64 now)
{
	const struct wc_seen *s = &c->seen;
	u64 k = c->known_epoch;

	if (s->epoch > k) {
		say(c, "the lease moved past the primary's epoch %llu: epoch %llu, holder \"%s\"", k,
		    s->epoch, s->holder);
		verdict(c, WC_STALE);
	} else if (s->epoch < k) {
		say(c, "the witness's epoch %llu is below the primary's (%llu): it lost its state",
		    s->epoch, k);
		verdict(c, WC_STALE);
	} else if (s->holder[0] && !same_name(s->holder, c->primary)) {
		say(c, "epoch %llu is held by \"%s\", not the primary \"%s\"", k, s->holder,
		    c->primary);
		verdict(c, WC_STALE);
	} else if (s->holder[0]) {
		say(c, "the primary \"%s\" holds the lease of epoch %llu for %u ms more", s->holder, k,
		    s->left_ms);
		verdict(c, WC_WAIT);
		c->retry_at_ms = now + MIN((u64)s->left_ms + 1, (u64)WC_TAKEOVER_LOOK_MS);
	} else {
		c->take_now = true; /* free at the primary's epoch */
		c->retry_at_ms = 0;
	}
}

static void on_takeover_grant(struct wit_client *c, const struct wit_msg *m)
{
	held(c, m);
	c->stats.grants++;
	if (m->epoch == c->known_epoch + 1) {
		say(c, "the lease is ours at epoch %llu, the one after the primary's", m->epoch);
		verdict(c, WC_GO);
		return;
	}
	/* not renewed: it runs out */
	c->hold = false;
	c->state = WC_IDLE;
	say(c, "granted epoch %llu, not the one after the primary's (%llu): the lease moved "
	    "meanwhile", m->epoch, c->known_epoch);
	verdict(c, WC_STALE);
}

static void on_takeover(struct wit_client *c, const struct wit_msg *m, u64 now)
{
	if (m->type == WIT_GRANTED) {
		on_takeover_grant(c, m);
		return;
	}
	judge_seen(c, now); /* REFUSED: someone holds it, or the witness could not store */
	if (c->take_now)
		c->retry_at_ms = now + WC_RETRY_MIN_MS;
}

/* Starts (or restarts, with new arguments) the questions of a takeover. */
static void takeover_start(struct wit_client *c, u64 known_epoch, const char *primary)
{
	c->takeover = true;
	c->known_epoch = known_epoch;
	copy_name(c->primary, primary);
	c->verdict = WC_NO_ANSWER;
	c->take_now = false;
	c->retry_at_ms = 0;
	say(c, "asking the witness about the primary's lease of epoch %llu", known_epoch);
}

enum wc_verdict wc_takeover_verdict(struct wit_client *c, u64 known_epoch, const char *primary,
				    u64 now_ms)
{
	if (!c->takeover || c->known_epoch != known_epoch || !same_name(c->primary, primary))
		takeover_start(c, known_epoch, primary);
	if (c->state == WC_ERROR && c->verdict == WC_WAIT)
		return WC_NO_ANSWER; /* the primary's lease may have ended since */
	return c->verdict;
}

/* --- dispatch ---------------------------------------------------------------------- */

/* The reply type a request's purpose expects (REFUSED aside). */
static u8 expected(enum wc_purpose p)
{
	return p == WC_P_QUERY || p == WC_P_RELEASE ? WIT_STATE : WIT_GRANTED;
}

/* A reply that cannot be one to the outstanding request: true when so
 * (the client is then in error). */
static bool protocol_error(struct wit_client *c, const struct wit_msg *m)
{
	if (!c->pending)
		say(c, "a %s with no request outstanding", wit_type_name(m->type));
	else if (m->type == WIT_REFUSED && m->reason >= WIT_R_FORMAT)
		say(c, "the witness refused our %s frame (%s): %s", wit_type_name(c->req.type),
		    wit_reason_name(m->reason), m->text);
	else if (m->type != expected(c->pending) &&
		 (m->type != WIT_REFUSED || c->pending == WC_P_QUERY))
		say(c, "a %s in reply to %s", wit_type_name(m->type), wit_type_name(c->req.type));
	else if (m->type == WIT_GRANTED && !same_name(m->holder, c->node))
		say(c, "a GRANTED naming \"%s\", not us (\"%s\")", m->holder, c->node);
	else
		return false;
	broken(c);
	return true;
}

void wc_on_reply(struct wit_client *c, const struct wit_msg *m, u64 now_ms)
{
	enum wc_purpose p = c->pending;

	if (c->state == WC_ERROR || protocol_error(c, m))
		return;
	c->pending = WC_P_NONE;
	remember(c, m, now_ms);
	if (m->type == WIT_REFUSED)
		c->stats.refusals++;
	if (c->state == WC_LOST)
		return; /* for good, whatever a late reply says */
	switch (p) {
	case WC_P_ACQUIRE:
		on_acquire(c, m, now_ms);
		break;
	case WC_P_RENEW:
		on_renew(c, m);
		break;
	case WC_P_BUMP:
		on_bump(c, m);
		break;
	case WC_P_TAKEOVER:
		on_takeover(c, m, now_ms);
		break;
	case WC_P_RELEASE:
		on_release(c, m);
		break;
	default: /* WC_P_QUERY */
		c->query_wanted = false;
		if (c->takeover && c->verdict != WC_GO && c->verdict != WC_STALE)
			judge_seen(c, now_ms);
		break;
	}
}

bool wc_held(const struct wit_client *c, u64 now_ms)
{
	return c->state == WC_HELD && now_ms < c->valid_until_ms;
}

const char *wc_state_name(enum wc_state s)
{
	static const char *const names[] = { "idle", "asking", "held", "refused", "lost", "error" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *wc_verdict_name(enum wc_verdict v)
{
	static const char *const names[] = { "no answer", "wait", "go", "stale" };

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
