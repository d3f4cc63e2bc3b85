// sources: proto/witness_lease.c proto/witness_lease_file.c proto/witness_types.c proto/witness_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
/* proto/witness_lease.c and witness_lease_file.c: two nodes contending
 * for the lease, expiry, renewals, stale epochs and non-holders, release,
 * the durations granted, epochs that only grow (a node that knew a higher
 * one, the last one), and a witness restarted from its saved state. Time
 * is passed in, in milliseconds. */
#include "helpers.h"

#include "errno.h"
#include "proto/witness_lease.h"

#define MAX_MS 1000

static struct wit_lease lease;
static struct wit_msg reply;
static unsigned flags;

static void setup_lease(void)
{
	wit_lease_init(&lease, MAX_MS);
}

/* One request at now; its reply in `reply`, its flags in `flags`. */
static void ask(u8 type, const char *node, u64 epoch, u32 duration_ms, u64 now)
{
	struct wit_msg q = { .type = type, .seq = 1, .epoch = epoch, .duration_ms = duration_ms };

	strncpy(q.node, node, WIT_NODE_MAX);
	flags = wit_lease_decide(&lease, &q, now, &reply);
}

static void expect_granted(const char *holder, u64 epoch, u32 duration_ms)
{
	assert_int_equal(reply.type, WIT_GRANTED);
	assert_string_equal(reply.holder, holder);
	assert_int_equal(reply.epoch, epoch);
	assert_int_equal(reply.duration_ms, duration_ms);
}

static void expect_refused(u8 reason, const char *holder, u64 epoch, u32 left_ms)
{
	assert_int_equal(reply.type, WIT_REFUSED);
	assert_int_equal(reply.reason, reason);
	assert_string_equal(reply.holder, holder);
	assert_int_equal(reply.epoch, epoch);
	assert_int_equal(reply.left_ms, left_ms);
	assert_true(reply.text[0] != '\0');
}

static void expect_state(const char *holder, u64 epoch, u32 left_ms)
{
	assert_int_equal(reply.type, WIT_STATE);
	assert_string_equal(reply.holder, holder);
	assert_int_equal(reply.epoch, epoch);
	assert_int_equal(reply.left_ms, left_ms);
}

/* Every reply the lease gives must be a frame the codec sends. */
static void expect_encodable(void)
{
	u8 out[WIT_FRAME_MAX];
	struct wit_msg r = reply;

	r.seq = 1;
	assert_true(wit_encode(&r, out, sizeof(out)) > 0);
}

/* --- contention, expiry, renewal ---------------------------------------------------- */

static void test_contention(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 500, 100);
	expect_granted("a", 1, 500);
	assert_int_equal(flags, WIT_LEASE_CHANGED);
	ask(WIT_ACQUIRE, "b", 0, 500, 200);
	expect_refused(WIT_R_HELD, "a", 1, 400);
	expect_encodable();
	assert_int_equal(flags, 0);
	ask(WIT_ACQUIRE, "b", 1, 0, 599); /* knowing the epoch changes nothing */
	expect_refused(WIT_R_HELD, "a", 1, 1);
	ask(WIT_QUERY, "", 0, 0, 300);
	expect_state("a", 1, 300);
	assert_int_equal(reply.duration_ms, 500);
	expect_encodable();
}

/* Without renewal the lease ends after its duration; the next holder gets
 * a higher epoch and the old holder's renewal is refused. */
static void test_expiry_and_stale_renewal(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 500, 100);
	assert_false(wit_lease_expire(&lease, 599));
	assert_int_equal(wit_lease_left(&lease, 599), 1);
	ask(WIT_ACQUIRE, "b", 0, 500, 600);
	expect_granted("b", 2, 500);
	assert_int_equal(flags, WIT_LEASE_EXPIRED | WIT_LEASE_CHANGED);
	ask(WIT_RENEW, "a", 1, 0, 650);
	expect_refused(WIT_R_STALE_EPOCH, "b", 2, 450);
	expect_encodable();
	assert_non_null(strstr(reply.text, "epoch 1 is not the lease's (2)"));
	ask(WIT_RENEW, "a", 2, 0, 650);  /* the right epoch, but not the holder */
	expect_refused(WIT_R_NOT_HOLDER, "b", 2, 450);
	ask(WIT_RELEASE, "a", 2, 0, 650);
	expect_refused(WIT_R_NOT_HOLDER, "b", 2, 450);
	ask(WIT_QUERY, "", 0, 0, 650);
	expect_state("b", 2, 450);
}

static void test_expire_reports_once(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 500, 0);
	assert_true(wit_lease_expire(&lease, 500));
	assert_false(wit_lease_expire(&lease, 501));
	assert_int_equal(wit_lease_left(&lease, 400), 0);
	ask(WIT_QUERY, "", 0, 0, 501);
	expect_state("", 1, 0);
	assert_int_equal(flags, 0);
}

static void test_renewal_extends(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 500, 0);
	for (u64 t = 400; t <= 4000; t += 400) {
		ask(WIT_RENEW, "a", 1, 0, t);
		expect_granted("a", 1, 500);
		assert_int_equal(flags, 0);
	}
	ask(WIT_ACQUIRE, "b", 0, 0, 4499);
	expect_refused(WIT_R_HELD, "a", 1, 1);
	ask(WIT_RENEW, "a", 1, 0, 4500);  /* a moment late */
	expect_refused(WIT_R_NOT_HELD, "", 1, 0);
	assert_int_equal(flags, WIT_LEASE_EXPIRED);
	ask(WIT_ACQUIRE, "a", 1, 0, 4600);  /* back, under a new epoch */
	expect_granted("a", 2, MAX_MS);
}

/* --- release ------------------------------------------------------------------------ */

static void test_release_frees_at_once(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 0, 0);
	ask(WIT_RELEASE, "a", 0, 0, 10);
	expect_refused(WIT_R_STALE_EPOCH, "a", 1, 990);
	ask(WIT_RELEASE, "a", 1, 0, 10);
	expect_state("", 1, 0);
	assert_int_equal(flags, WIT_LEASE_CHANGED);
	ask(WIT_ACQUIRE, "b", 0, 0, 11);
	expect_granted("b", 2, MAX_MS);
	ask(WIT_RELEASE, "b", 2, 0, 12);
	ask(WIT_RELEASE, "b", 2, 0, 13);  /* twice */
	expect_refused(WIT_R_NOT_HELD, "", 2, 0);
	ask(WIT_RENEW, "b", 2, 0, 13);
	expect_refused(WIT_R_NOT_HELD, "", 2, 0);
}

/* --- durations and epochs ----------------------------------------------------------- */

static void test_durations(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 0, 0);
	expect_granted("a", 1, MAX_MS);  /* 0: the longest */
	ask(WIT_RELEASE, "a", 1, 0, 1);
	ask(WIT_ACQUIRE, "a", 1, MAX_MS + 1, 2);
	expect_granted("a", 2, MAX_MS);  /* cut to the longest */
	ask(WIT_RENEW, "a", 2, 7, 3);     /* a renewal keeps the duration */
	expect_granted("a", 2, MAX_MS);
	wit_lease_init(&lease, 0);
	ask(WIT_ACQUIRE, "a", 0, 0, 0);
	expect_granted("a", 1, 1);        /* a witness of no duration grants 1 ms */
}

/* The holder asking again with its epoch keeps it; with another (it
 * forgot it, say after a restart) it gets a new one. */
static void test_holder_acquires_again(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 300, 0);
	ask(WIT_ACQUIRE, "a", 1, 300, 200);
	expect_granted("a", 1, 300);
	assert_int_equal(flags, 0);
	assert_int_equal(wit_lease_left(&lease, 200), 300);
	ask(WIT_ACQUIRE, "a", 1, 400, 250);
	expect_granted("a", 1, 400);
	assert_int_equal(flags, WIT_LEASE_CHANGED);
	ask(WIT_ACQUIRE, "a", 0, 400, 300);
	expect_granted("a", 2, 400);
	assert_int_equal(flags, WIT_LEASE_CHANGED);
}

/* A node that knew a higher epoch than the witness has (the witness lost
 * its state) pushes the epoch past it: epochs never go back. */
static void test_known_higher_epoch(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 41, 0, 0);
	expect_granted("a", 42, MAX_MS);
	assert_int_equal(flags, WIT_LEASE_CHANGED | WIT_LEASE_BEHIND);
	ask(WIT_RELEASE, "a", 42, 0, 1);
	ask(WIT_ACQUIRE, "b", 3, 0, 2);
	expect_granted("b", 43, MAX_MS);
	assert_int_equal(flags, WIT_LEASE_CHANGED);
	ask(WIT_RELEASE, "b", 43, 0, 3);
	ask(WIT_ACQUIRE, "b", WIT_EPOCH_MAX - 1, 0, 4);
	expect_granted("b", WIT_EPOCH_MAX, MAX_MS);
	expect_encodable();
	ask(WIT_RELEASE, "b", WIT_EPOCH_MAX, 0, 5);
	ask(WIT_ACQUIRE, "a", 0, 0, 6);
	expect_refused(WIT_R_STALE_EPOCH, "", WIT_EPOCH_MAX, 0);
	expect_encodable();
}

/* --- restarts ----------------------------------------------------------------------- */

/* The lease saved, the witness gone, a new one loading it at another time. */
static void restart(u64 now)
{
	u8 file[WIT_FRAME_MAX];
	const char *why = NULL;
	int n = wit_lease_save(&lease, file, sizeof(file));

	assert_true(n > 0);
	wit_lease_init(&lease, MAX_MS);
	assert_int_equal(wit_lease_load(&lease, file, (size_t)n, now, &why), 0);
	assert_null(why);
}

static void test_restart_keeps_epoch(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 0, 0);
	ask(WIT_RELEASE, "a", 1, 0, 1);
	ask(WIT_ACQUIRE, "b", 0, 0, 2);
	ask(WIT_RELEASE, "b", 2, 0, 3);
	restart(50000);
	ask(WIT_QUERY, "", 0, 0, 50000);
	expect_state("", 2, 0);
	ask(WIT_ACQUIRE, "a", 0, 0, 50001);
	expect_granted("a", 3, MAX_MS);
}

/* A holder saved holds its lease for its whole duration after the
 * restart (it may have renewed just before), then may renew it. */
static void test_restart_keeps_holder(void **state)
{
	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 400, 0);
	restart(7000);
	ask(WIT_ACQUIRE, "b", 0, 0, 7001);
	expect_refused(WIT_R_HELD, "a", 1, 399);
	ask(WIT_RENEW, "a", 1, 0, 7300);
	expect_granted("a", 1, 400);
	ask(WIT_ACQUIRE, "b", 0, 0, 7700);
	expect_granted("b", 2, MAX_MS);
	assert_true(flags & WIT_LEASE_EXPIRED);
}

static void test_load_refusals(void **state)
{
	u8 file[WIT_FRAME_MAX + 1];
	struct wit_msg g = { .type = WIT_GRANTED, .seq = 1, .holder = "a", .epoch = 1 };
	const char *why;
	int n;

	setup_lease();
	ask(WIT_ACQUIRE, "a", 0, 0, 0);
	n = wit_lease_save(&lease, file, sizeof(file));
	why = NULL;
	assert_int_equal(wit_lease_load(&lease, file, (size_t)n - 1, 0, &why), -EBADMSG);
	assert_non_null(why);
	file[n] = 0;
	why = NULL;
	assert_int_equal(wit_lease_load(&lease, file, (size_t)n + 1, 0, &why), -EBADMSG);
	assert_non_null(why);
	file[n - 1] ^= 1;
	why = NULL;
	assert_int_equal(wit_lease_load(&lease, file, (size_t)n, 0, &why), -EBADMSG);
	assert_non_null(strstr(why, "checksum"));
	n = wit_encode(&g, file, sizeof(file));
	why = NULL;
	assert_int_equal(wit_lease_load(&lease, file, (size_t)n, 0, &why), -EBADMSG);
	assert_non_null(why);
	assert_int_equal(wit_lease_load(&lease, file, 0, 0, &why), -EBADMSG);
	assert_int_equal(wit_lease_save(&lease, file, WIT_HDR), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contention),
		cmocka_unit_test(test_expiry_and_stale_renewal),
		cmocka_unit_test(test_expire_reports_once),
		cmocka_unit_test(test_renewal_extends),
		cmocka_unit_test(test_release_frees_at_once),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_holder_acquires_again),
		cmocka_unit_test(test_known_higher_epoch),
		cmocka_unit_test(test_restart_keeps_epoch),
		cmocka_unit_test(test_restart_keeps_holder),
		cmocka_unit_test(test_load_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
