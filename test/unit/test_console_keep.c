// sources: hv/console_keep.c
/* hv/console_keep.c: the bytes a console_out= sender keeps. A live ring
 * never overwrites what the listener lacks (its room says so); a replaying
 * backup's keeps the last bytes; a new connection starts a little before
 * the listener's end, never before the oldest byte kept. */
#include "helpers.h"

#include "hv/console_keep.h"

static struct console_keep keep;

static void put_text(const char *s)
{
	console_keep_put(&keep, (const u8 *)s, strlen(s));
}

static void test_live_room(void **state)
{
	static u8 big[CONSOLE_KEEP_BYTES];
	u8 out[16];

	console_keep_init(&keep, true);
	assert_int_equal(console_keep_room(&keep), CONSOLE_KEEP_BYTES);
	put_text("hello");
	assert_int_equal(console_keep_room(&keep), CONSOLE_KEEP_BYTES - 5);
	assert_int_equal(console_keep_unacked(&keep), 5);
	console_keep_ack(&keep, 3);
	assert_int_equal(console_keep_room(&keep), CONSOLE_KEEP_BYTES - 2);
	console_keep_ack(&keep, 2); /* acknowledgements never go back */
	assert_int_equal(console_keep_unacked(&keep), 2);
	console_keep_put(&keep, big, CONSOLE_KEEP_BYTES - 2);
	assert_int_equal(console_keep_room(&keep), 0);
	/* the bytes the listener lacks are all still there */
	assert_int_equal(console_keep_copy(&keep, 3, out, sizeof(out)), sizeof(out));
	assert_memory_equal(out, "lo", 2);
	console_keep_ack(&keep, keep.head);
	assert_int_equal(console_keep_room(&keep), CONSOLE_KEEP_BYTES);
}

static void test_replaying_overwrites(void **state)
{
	static u8 big[3 * CONSOLE_KEEP_BYTES];
	u8 out[8];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (u8)(i % 251);
	console_keep_init(&keep, false);
	assert_int_equal(console_keep_room(&keep), UINT64_MAX);
	console_keep_put(&keep, big, sizeof(big));
	assert_int_equal(console_keep_oldest(&keep), 2 * CONSOLE_KEEP_BYTES);
	/* a copy from before the oldest starts at the oldest */
	assert_int_equal(console_keep_copy(&keep, 0, out, sizeof(out)), sizeof(out));
	assert_memory_equal(out, big + 2 * CONSOLE_KEEP_BYTES, sizeof(out));
	assert_int_equal(console_keep_copy(&keep, keep.head - 3, out, sizeof(out)), 3);
	assert_memory_equal(out, big + sizeof(big) - 3, 3);
	assert_int_equal(console_keep_copy(&keep, keep.head, out, sizeof(out)), 0);
	/* going live: what it keeps waits for the listener */
	keep.live = true;
	assert_int_equal(console_keep_room(&keep), 0);
	console_keep_ack(&keep, keep.head - 10);
	assert_int_equal(console_keep_room(&keep), CONSOLE_KEEP_BYTES - 10);
}

static void test_resend_from(void **state)
{
	static u8 big[2 * CONSOLE_KEEP_BYTES];

	console_keep_init(&keep, false);
	put_text("0123456789");
	assert_int_equal(console_keep_resend_from(&keep, 0), 0);
	assert_int_equal(console_keep_resend_from(&keep, 7), 0);
	/* a listener ahead of this sender: from near this sender's end */
	assert_int_equal(console_keep_resend_from(&keep, 1000), 0);
	console_keep_put(&keep, big, sizeof(big));
	assert_int_equal(console_keep_resend_from(&keep, keep.head),
			 keep.head - CONSOLE_RESEND_BEHIND);
	assert_int_equal(console_keep_resend_from(&keep, keep.head + 99),
			 keep.head - CONSOLE_RESEND_BEHIND);
	/* a listener behind what is kept: from the oldest (the rest is a gap) */
	assert_int_equal(console_keep_resend_from(&keep, 5), console_keep_oldest(&keep));
}

/* A keep restarted at another offset (a joined or resynced backup): the
 * next byte is that offset's, nothing before it is kept or sent. */
static void test_restart_at_an_offset(void **state)
{
	u8 out[16];

	console_keep_init(&keep, false);
	put_text("diverged");
	console_keep_restart(&keep, 115);
	assert_int_equal(keep.head, 115);
	assert_int_equal(console_keep_oldest(&keep), 115);
	assert_int_equal(console_keep_copy(&keep, 0, out, sizeof(out)), 0);
	put_text("tick 9\n");
	assert_int_equal(keep.head, 122);
	assert_int_equal(console_keep_copy(&keep, 0, out, sizeof(out)), 7); /* from 115 */
	assert_memory_equal(out, "tick 9\n", 7);
	assert_int_equal(console_keep_copy(&keep, 120, out, sizeof(out)), 2);
	assert_memory_equal(out, "9\n", 2);
	/* a listener that has less than the restart: this side sends from it */
	assert_int_equal(console_keep_resend_from(&keep, 50), 115);
	assert_int_equal(console_keep_resend_from(&keep, 122), 115);
	/* gone live: nothing before the restart waits for the listener */
	keep.live = true;
	assert_int_equal(console_keep_unacked(&keep), 7);
	assert_int_equal(console_keep_room(&keep), CONSOLE_KEEP_BYTES - 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_room),
		cmocka_unit_test(test_replaying_overwrites),
		cmocka_unit_test(test_resend_from),
		cmocka_unit_test(test_restart_at_an_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
