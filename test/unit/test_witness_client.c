// sources: proto/witness_client.c proto/witness_lease.c proto/witness_types.c proto/witness_codec.c proto/wire.c proto/wire_prim.c lib/hash.c lib/fmt.c
/*
 * proto/witness_client.c against the real lease (proto/witness_lease.c)
 * as the witness: every request a client sends is decided by the lease
 * and its reply fed back. A primary acquires and renews, its lease counted
 * from when the request was sent; it loses the lease when a renewal is
 * refused (another node took it) or when no renewal is granted in time;
 * a bump gives a new epoch and keeps the lease. A backup that knows the
 * primary's epoch waits while the primary holds it, goes live on the next
 * epoch once the primary's lease expired, never goes live once the
 * primary bumped its epoch (even after that lease expires), and of two
 * backups racing only one goes live; down a chain of joins (a survivor
 * taking a new backup), each backup goes live at the epoch after the one
 * it learned. Replies that break the protocol,
 * timeouts and reconnects. Time is passed in, in milliseconds.
 */
#include "helpers.h"

#include "errno.h"
#include "proto/witness_client.h"
#include "proto/witness_lease.h"

#define MAX_MS 1000     /* the witness's longest lease */
#define DURATION 900    /* what the nodes ask for */
#define TIMEOUT 200     /* reply_timeout_ms */

static struct wit_lease witness;
static struct wit_client primary, backup, backup2;

static int setup(void **state)
{
	wit_lease_init(&witness, MAX_MS);
	assert_int_equal(wc_init(&primary, "10.9.0.1", DURATION, TIMEOUT), 0);
	assert_int_equal(wc_init(&backup, "10.9.0.2", DURATION, TIMEOUT), 0);
	assert_int_equal(wc_init(&backup2, "10.9.0.3", DURATION, TIMEOUT), 0);
	return 0;
}

/* The client's next request at `sent`, decided by the witness at
 * `decided` and its reply delivered at `replied`: the request's type, or
 * 0 when it had nothing to send. */
static u8 exchange_at(struct wit_client *c, u64 sent, u64 decided, u64 replied)
{
	struct wit_msg q, r;

	if (wc_next_request(c, sent, &q) != WC_SEND)
		return 0;
	q.seq = 1;
	wit_lease_decide(&witness, &q, decided, &r);
	r.seq = 1;
	wc_on_reply(c, &r, replied);
	return q.type;
}

static u8 exchange(struct wit_client *c, u64 now)
{
	return exchange_at(c, now, now, now);
}

/* The primary holds the lease of epoch 1 from time 0. */
static void primary_holds(void)
{
	wc_acquire(&primary);
	assert_int_equal(exchange(&primary, 0), WIT_ACQUIRE);
	assert_true(wc_held(&primary, 0));
	assert_int_equal(wc_epoch(&primary), 1);
}

/* The backup learns the primary's epoch as a QUERY shows it. */
static u64 learn(struct wit_client *c, u64 now)
{
	wc_query(c);
	assert_int_equal(exchange(c, now), WIT_QUERY);
	assert_string_equal(c->seen.holder, "10.9.0.1");
	return c->seen.epoch;
}

/* --- the primary ------------------------------------------------------------------- */

static void test_acquire_then_renew(void **state)
{
	struct wit_msg q;

	wc_acquire(&primary);
	assert_int_equal(wc_next_request(&primary, 0, &q), WC_SEND);
	assert_int_equal(q.type, WIT_ACQUIRE);
	assert_string_equal(q.node, "10.9.0.1");
	assert_int_equal(q.epoch, 0);
	assert_int_equal(q.duration_ms, DURATION);
	assert_int_equal(wc_next_request(&primary, 1, &q), WC_NOTHING); /* one outstanding */
	wc_on_reconnect(&primary);
	assert_int_equal(wc_next_request(&primary, 2, &q), WC_SEND); /* again, new connection */
	q.seq = 1;
	{
		struct wit_msg r;

		wit_lease_decide(&witness, &q, 2, &r);
		wc_on_reply(&primary, &r, 2);
	}
	assert_int_equal(wc_state(&primary), WC_HELD);
	assert_int_equal(primary.valid_until_ms, 2 + DURATION);

	assert_int_equal(exchange(&primary, 2 + DURATION / 3 - 1), 0); /* not due yet */
	assert_int_equal(exchange(&primary, 2 + DURATION / 3), WIT_RENEW);
	assert_int_equal(primary.valid_until_ms, 2 + DURATION / 3 + DURATION);
	assert_int_equal(primary.stats.renewals, 1);
	assert_int_equal(wc_epoch(&primary), 1);
	/* renewed every third of the duration, it stays held long past one */
	for (u64 t = 600; t < 5000; t += 100)
		exchange(&primary, t);
	assert_true(wc_held(&primary, 5000));
	assert_int_equal(wc_epoch(&primary), 1);
	assert_string_equal(witness.holder, "10.9.0.1");
}

/* Counted from when the request was sent, not when the reply came. */
static void test_valid_from_send_time(void **state)
{
	wc_acquire(&primary);
	assert_int_equal(exchange_at(&primary, 100, 350, 400), WIT_ACQUIRE);
	assert_int_equal(primary.valid_until_ms, 100 + DURATION);
	assert_true(wc_held(&primary, 100 + DURATION - 1));
	assert_false(wc_held(&primary, 100 + DURATION));
	assert_true(witness.expires_ms > primary.valid_until_ms); /* the witness holds it longer */
}

/* Another node took the lease after it expired at the witness: the late
 * renewal is refused and the lease lost for good. */
static void test_renewal_refused_loses(void **state)
{
	struct wit_msg q;

	primary_holds();
	wc_acquire(&backup);
	assert_int_equal(exchange(&backup, 950), WIT_ACQUIRE); /* expired at 900: taken */
	assert_int_equal(wc_epoch(&backup), 2);
	/* the primary's renewal sent at 300 reaches the witness late */
	assert_int_equal(exchange_at(&primary, 300, 960, 299 + DURATION), WIT_RENEW);
	assert_int_equal(wc_state(&primary), WC_LOST);
	assert_false(wc_held(&primary, 299 + DURATION));
	assert_non_null(strstr(wc_why(&primary), "stale_epoch"));
	assert_int_equal(wc_next_request(&primary, 2000, &q), WC_NOTHING); /* for good */
	assert_true(wc_held(&backup, 960));
}

/* No renewal granted in time: told once of the timeout, then lost when
 * the lease would end. */
static void test_lease_runs_out(void **state)
{
	struct wit_msg q;

	primary_holds();
	assert_int_equal(wc_next_request(&primary, 300, &q), WC_SEND);
	assert_int_equal(q.type, WIT_RENEW);
	assert_int_equal(wc_next_request(&primary, 300 + TIMEOUT - 1, &q), WC_NOTHING);
	assert_int_equal(wc_next_request(&primary, 300 + TIMEOUT, &q), WC_TIMEOUT);
	assert_int_equal(wc_next_request(&primary, 300 + TIMEOUT + 1, &q), WC_NOTHING);
	assert_int_equal(primary.stats.timeouts, 1);
	assert_true(wc_held(&primary, DURATION - 1));
	assert_false(wc_expire(&primary, DURATION - 1));
	assert_int_equal(wc_next_request(&primary, DURATION, &q), WC_NOTHING);
	assert_false(wc_expire(&primary, DURATION)); /* already noticed */
	assert_int_equal(wc_state(&primary), WC_LOST);
	assert_non_null(strstr(wc_why(&primary), "ran out"));
	/* a grant arriving after that changes nothing */
	{
		struct wit_msg r = { .type = WIT_GRANTED, .seq = 1, .epoch = 1,
				     .duration_ms = DURATION };

		strcpy(r.holder, "10.9.0.1");
		wc_on_reply(&primary, &r, DURATION + 1);
		assert_int_equal(wc_state(&primary), WC_LOST);
	}
}

/* A bump: ACQUIRE with epoch 0 while held gives the next epoch, and the
 * lease stays ours and renewable under it. */
static void test_bump_new_epoch_kept(void **state)
{
	struct wit_msg q;

	primary_holds();
	wc_bump(&primary);
	assert_int_equal(wc_next_request(&primary, 100, &q), WC_SEND);
	assert_int_equal(q.type, WIT_ACQUIRE);
	assert_int_equal(q.epoch, 0);
	wc_on_reconnect(&primary); /* resent on a new connection: still one bump */
	assert_int_equal(exchange(&primary, 110), WIT_ACQUIRE);
	assert_int_equal(wc_epoch(&primary), 2);
	assert_int_equal(witness.epoch, 2);
	assert_string_equal(witness.holder, "10.9.0.1");
	assert_true(wc_held(&primary, 110 + DURATION - 1));
	assert_int_equal(exchange(&primary, 110 + DURATION / 3), WIT_RENEW);
	assert_true(wc_held(&primary, 110 + DURATION));
	assert_int_equal(wc_epoch(&primary), 2);
	assert_int_equal(primary.stats.grants, 2);
}

/* Another node holds the lease: refused, remembered, asked again when it
 * would end, with the epoch seen. */
static void test_acquire_refused_then_retried(void **state)
{
	struct wit_msg q;

	wc_acquire(&backup);
	assert_int_equal(exchange(&backup, 0), WIT_ACQUIRE);
	wc_acquire(&primary);
	assert_int_equal(exchange(&primary, 100), WIT_ACQUIRE);
	assert_int_equal(wc_state(&primary), WC_REFUSED);
	assert_string_equal(primary.seen.holder, "10.9.0.2");
	assert_int_equal(primary.seen.epoch, 1);
	assert_int_equal(primary.seen.left_ms, DURATION - 100);
	assert_false(wc_held(&primary, 100));
	assert_int_equal(wc_next_request(&primary, 100 + DURATION - 101, &q), WC_NOTHING);
	assert_int_equal(wc_next_request(&primary, 100 + DURATION - 100, &q), WC_SEND);
	assert_int_equal(q.type, WIT_ACQUIRE);
	assert_int_equal(q.epoch, 1);
}

/* --- the backup ------------------------------------------------------------------- */

static void test_primary_alive_wait(void **state)
{
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	assert_int_equal(known, 1);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 200), WC_NO_ANSWER);
	assert_int_equal(exchange(&backup, 200), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 200), WC_WAIT);
	assert_int_equal(exchange(&backup, 250), 0); /* not before its next look */
	assert_int_equal(exchange(&backup, 300), WIT_QUERY); /* 100 ms on: held still */
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 300), WC_WAIT);
	/* the primary renews meanwhile: still WAIT after the next look */
	for (u64 t = 300; t <= 1200; t += 100)
		exchange(&primary, t);
	assert_int_equal(exchange(&backup, 200 + (DURATION - 200) + 1), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 901), WC_WAIT);
	assert_true(wc_held(&primary, 1200));
	assert_false(wc_held(&backup, 1200));
}

static void test_primary_dead_go(void **state)
{
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	wc_takeover_verdict(&backup, known, "10.9.0.1", 500);
	assert_int_equal(exchange(&backup, 500), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 500), WC_WAIT);
	assert_int_equal(exchange(&backup, 901), WIT_QUERY); /* expired: free at epoch 1 */
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 901), WC_WAIT);
	assert_int_equal(exchange(&backup, 902), WIT_ACQUIRE);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 902), WC_GO);
	assert_int_equal(wc_epoch(&backup), known + 1);
	assert_true(wc_held(&backup, 902));
	/* it keeps the lease as a primary would */
	assert_int_equal(exchange(&backup, 902 + DURATION / 3), WIT_RENEW);
	assert_true(wc_held(&backup, 902 + DURATION));
	/* the old primary, back, is refused and stops */
	assert_int_equal(exchange_at(&primary, 300, 1200, 1200), WIT_RENEW);
	assert_int_equal(wc_state(&primary), WC_LOST);
}

/* The primary went on alone (bumped): its old epoch never comes back
 * free, so the backup never goes live, even once that lease expires. */
static void test_primary_bumped_stale(void **state)
{
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	wc_bump(&primary);
	assert_int_equal(exchange(&primary, 100), WIT_ACQUIRE);
	assert_int_equal(wc_epoch(&primary), 2);
	/* the primary dies; its lease of epoch 2 expires at 1000 */
	wc_takeover_verdict(&backup, known, "10.9.0.1", 2000);
	assert_int_equal(exchange(&backup, 2000), WIT_QUERY);
	assert_string_equal(backup.seen.holder, "");
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 2000), WC_STALE);
	assert_non_null(strstr(wc_why(&backup), "moved past"));
	assert_int_equal(exchange(&backup, 3000), 0); /* nothing more asked */
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 3000), WC_STALE);
	assert_false(wc_held(&backup, 3000));
	assert_int_equal(witness.holder[0], '\0');
}

/* join=on under a witness: a survivor (the backup that went live at
 * epoch 2) takes a new backup by migration, in the dead primary's place
 * (its node id); the new backup learns the survivor's epoch after the
 * join and, when the survivor dies, goes live at the next one, as the
 * first backup did; had the survivor gone on alone again (its new backup
 * lost: a bump), the new backup would stand down. */
static void test_join_chain(void **state)
{
	struct wit_client rejoin, late;
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	wc_takeover_verdict(&backup, known, "10.9.0.1", 901);
	exchange(&backup, 901); /* expired: free at epoch 1 */
	exchange(&backup, 902);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 902), WC_GO);
	assert_int_equal(wc_epoch(&backup), 2);
	/* the new backup joins the survivor and learns its epoch */
	assert_int_equal(wc_init(&rejoin, "10.9.0.1", DURATION, TIMEOUT), 0);
	assert_int_equal(wc_init(&late, "10.9.0.1", DURATION, TIMEOUT), 0);
	assert_int_equal(exchange(&backup, 902 + DURATION / 3), WIT_RENEW);
	wc_query(&rejoin);
	assert_int_equal(exchange(&rejoin, 1300), WIT_QUERY);
	assert_string_equal(rejoin.seen.holder, "10.9.0.2");
	known = rejoin.seen.epoch;
	assert_int_equal(known, 2);
	/* the survivor dies: its lease, renewed at 1202, runs out at 2102 */
	wc_takeover_verdict(&rejoin, known, "10.9.0.2", 1500);
	assert_int_equal(exchange(&rejoin, 1500), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&rejoin, known, "10.9.0.2", 1500), WC_WAIT);
	assert_int_equal(exchange(&rejoin, 2103), WIT_QUERY);
	assert_int_equal(exchange(&rejoin, 2104), WIT_ACQUIRE);
	assert_int_equal(wc_takeover_verdict(&rejoin, known, "10.9.0.2", 2104), WC_GO);
	assert_int_equal(wc_epoch(&rejoin), 3);
	/* a new backup that learned the survivor's epoch 2 before the
	 * survivor moved on (here: the lease is at 3) stands down */
	wc_takeover_verdict(&late, 2, "10.9.0.2", 2200);
	assert_int_equal(exchange(&late, 2200), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&late, 2, "10.9.0.2", 2200), WC_STALE);
}

/* Seen while the bumped primary holds it: STALE at once. */
static void test_bumped_and_held_stale(void **state)
{
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	wc_bump(&primary);
	exchange(&primary, 100);
	wc_takeover_verdict(&backup, known, "10.9.0.1", 200);
	assert_int_equal(exchange(&backup, 200), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 200), WC_STALE);
}

/* Two backups see the lease free at the primary's epoch and both ask for
 * it: one goes live, the other is told the lease moved. */
static void test_two_backups_race(void **state)
{
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	assert_int_equal(learn(&backup2, 10), known);
	wc_takeover_verdict(&backup, known, "10.9.0.1", 1000);
	wc_takeover_verdict(&backup2, known, "10.9.0.1", 1000);
	assert_int_equal(exchange(&backup, 1000), WIT_QUERY);
	assert_int_equal(exchange(&backup2, 1000), WIT_QUERY);
	assert_int_equal(exchange(&backup2, 1001), WIT_ACQUIRE);
	assert_int_equal(exchange(&backup, 1002), WIT_ACQUIRE);
	assert_int_equal(wc_takeover_verdict(&backup2, known, "10.9.0.1", 1002), WC_GO);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 1002), WC_STALE);
	assert_true(wc_held(&backup2, 1002));
	assert_false(wc_held(&backup, 1002));
	assert_string_equal(witness.holder, "10.9.0.3");
}

/* A witness that lost its state (epoch back to 0) cannot say whether the
 * primary went on: never GO. */
static void test_witness_lost_state_stale(void **state)
{
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	wit_lease_init(&witness, MAX_MS);
	wc_takeover_verdict(&backup, known, "10.9.0.1", 100);
	assert_int_equal(exchange(&backup, 100), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 100), WC_STALE);
	assert_non_null(strstr(wc_why(&backup), "lost its state"));
}

/* --- protocol errors, timeouts ------------------------------------------------------- */

static void test_wrong_reply_type_error(void **state)
{
	struct wit_msg q, r = { .type = WIT_STATE, .seq = 1 };

	wc_acquire(&primary);
	assert_int_equal(wc_next_request(&primary, 0, &q), WC_SEND);
	wc_on_reply(&primary, &r, 1);
	assert_int_equal(wc_state(&primary), WC_ERROR);
	assert_non_null(strstr(wc_why(&primary), "STATE in reply to ACQUIRE"));
	assert_int_equal(wc_next_request(&primary, 2, &q), WC_NOTHING);
	assert_false(wc_held(&primary, 2));
}

static void test_unasked_reply_error(void **state)
{
	struct wit_msg r = { .type = WIT_STATE, .seq = 1 };

	wc_on_reply(&backup, &r, 1);
	assert_int_equal(wc_state(&backup), WC_ERROR);
	assert_non_null(strstr(wc_why(&backup), "no request outstanding"));
	assert_int_equal(wc_takeover_verdict(&backup, 1, "10.9.0.1", 2), WC_NO_ANSWER);
}

/* A GRANTED naming another node, a REFUSED of our frame: errors. */
static void test_bad_grant_and_frame_refusal(void **state)
{
	struct wit_msg q, r = { .type = WIT_GRANTED, .seq = 1, .epoch = 1, .duration_ms = 5 };

	strcpy(r.holder, "someone");
	wc_acquire(&primary);
	wc_next_request(&primary, 0, &q);
	wc_on_reply(&primary, &r, 1);
	assert_int_equal(wc_state(&primary), WC_ERROR);
	assert_non_null(strstr(wc_why(&primary), "not us"));

	memset(&r, 0, sizeof(r));
	r.type = WIT_REFUSED;
	r.reason = WIT_R_REPLAY;
	strcpy(r.text, "replayed");
	wc_query(&backup);
	wc_next_request(&backup, 0, &q);
	wc_on_reply(&backup, &r, 1);
	assert_int_equal(wc_state(&backup), WC_ERROR);
	assert_non_null(strstr(wc_why(&backup), "refused our QUERY frame (replay)"));
}

/* A takeover QUERY unanswered: NO_ANSWER, a timeout told, and the same
 * QUERY again after a reconnect, which answers. */
static void test_timeout_then_reconnect(void **state)
{
	struct wit_msg q;

	primary_holds();
	assert_int_equal(wc_takeover_verdict(&backup, 1, "10.9.0.1", 0), WC_NO_ANSWER);
	assert_int_equal(wc_next_request(&backup, 0, &q), WC_SEND);
	assert_int_equal(wc_next_request(&backup, TIMEOUT, &q), WC_TIMEOUT);
	assert_int_equal(wc_takeover_verdict(&backup, 1, "10.9.0.1", TIMEOUT), WC_NO_ANSWER);
	assert_non_null(strstr(wc_why(&backup), "no reply to QUERY"));
	wc_on_reconnect(&backup);
	assert_int_equal(exchange(&backup, TIMEOUT + 50), WIT_QUERY);
	assert_int_equal(wc_takeover_verdict(&backup, 1, "10.9.0.1", TIMEOUT + 50), WC_WAIT);
	assert_int_equal(backup.stats.timeouts, 1);
	assert_int_equal(backup.stats.reconnects, 1);
}

static void test_init_refuses_bad_node(void **state)
{
	struct wit_client c;

	assert_int_equal(wc_init(&c, "", DURATION, TIMEOUT), -EINVAL);
	assert_int_equal(wc_init(&c, "a-name-of-17-char", DURATION, TIMEOUT), -EINVAL);
	assert_int_equal(wc_init(&c, "bad name", DURATION, TIMEOUT), -EINVAL);
	assert_int_equal(wc_init(&c, "10.9.0.1", DURATION, 0), -EINVAL);
	assert_int_equal(wc_init(&c, "a-name-of-16-chr", DURATION, TIMEOUT), 0);
}

/* A planned switchover: the primary releases its lease and keeps it no
 * more; a backup that knew its epoch then takes the next one at once,
 * without waiting for the lease to run out. */
static void test_release_hands_over(void **state)
{
	u64 known;

	primary_holds();
	known = learn(&backup, 10);
	wc_release(&primary);
	assert_true(wc_releasing(&primary));
	assert_int_equal(exchange(&primary, 20), WIT_RELEASE);
	assert_false(wc_releasing(&primary));
	assert_int_equal(wc_state(&primary), WC_IDLE);
	assert_false(wc_held(&primary, 20));
	assert_string_equal(witness.holder, "");
	wc_takeover_verdict(&backup, known, "10.9.0.1", 30);
	assert_int_equal(exchange(&backup, 30), WIT_QUERY);
	assert_int_equal(exchange(&backup, 31), WIT_ACQUIRE);
	assert_int_equal(wc_takeover_verdict(&backup, known, "10.9.0.1", 31), WC_GO);
	assert_int_equal(wc_epoch(&backup), known + 1);
	/* the primary asks for nothing more */
	for (u64 t = 100; t < 2000; t += 100)
		assert_int_equal(exchange(&primary, t), 0);
	assert_true(wc_held(&backup, 200));
}

/* A release of a lease already gone (refused: not ours) ends idle too;
 * a release when not holding asks nothing. */
static void test_release_refused_or_idle(void **state)
{
	struct wit_msg q;

	wc_release(&primary);
	assert_false(wc_releasing(&primary));
	assert_int_equal(wc_next_request(&primary, 0, &q), WC_NOTHING);
	primary_holds();
	/* another node takes the lease after it expired, before the release is sent */
	assert_int_equal(exchange(&backup2, 5), 0);
	wc_acquire(&backup2);
	assert_int_equal(exchange(&backup2, DURATION + 1), WIT_ACQUIRE);
	assert_true(wc_held(&backup2, DURATION + 1));
	primary.valid_until_ms = DURATION + 100; /* the primary does not know yet */
	wc_release(&primary);
	assert_int_equal(exchange(&primary, DURATION + 2), WIT_RELEASE);
	assert_int_equal(wc_state(&primary), WC_IDLE);
	assert_false(wc_releasing(&primary));
	assert_string_equal(witness.holder, "10.9.0.3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_acquire_then_renew, setup),
		cmocka_unit_test_setup(test_valid_from_send_time, setup),
		cmocka_unit_test_setup(test_renewal_refused_loses, setup),
		cmocka_unit_test_setup(test_lease_runs_out, setup),
		cmocka_unit_test_setup(test_bump_new_epoch_kept, setup),
		cmocka_unit_test_setup(test_acquire_refused_then_retried, setup),
		cmocka_unit_test_setup(test_primary_alive_wait, setup),
		cmocka_unit_test_setup(test_primary_dead_go, setup),
		cmocka_unit_test_setup(test_release_hands_over, setup),
		cmocka_unit_test_setup(test_release_refused_or_idle, setup),
		cmocka_unit_test_setup(test_primary_bumped_stale, setup),
		cmocka_unit_test_setup(test_bumped_and_held_stale, setup),
		cmocka_unit_test_setup(test_join_chain, setup),
		cmocka_unit_test_setup(test_two_backups_race, setup),
		cmocka_unit_test_setup(test_witness_lost_state_stale, setup),
		cmocka_unit_test_setup(test_wrong_reply_type_error, setup),
		cmocka_unit_test_setup(test_unasked_reply_error, setup),
		cmocka_unit_test_setup(test_bad_grant_and_frame_refusal, setup),
		cmocka_unit_test_setup(test_timeout_then_reconnect, setup),
		cmocka_unit_test_setup(test_init_refuses_bad_node, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
