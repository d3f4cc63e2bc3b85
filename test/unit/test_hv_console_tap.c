// sources-list: test/unit/hv_host.sources
/*
 * hv/guest_console.c's tap, what console_out= (hv/console_out.c) hangs
 * on: it sees the guest's bytes only as they leave for the outside (at
 * once without the output rule, at their release under it, never once
 * withheld), and the guest waits while the tap lacks room for the bytes
 * held and one more; a backup going live is passed on.
 */
#include "helpers.h"

#include "hv/guest_console.h"

static char seen[64];
static size_t seen_len;
static u64 tap_room, waits, lives;
static unsigned hold_waits;

static void taken(const u8 *bytes, size_t len)
{
	assert_true(seen_len + len < sizeof(seen));
	memcpy(seen + seen_len, bytes, len);
	seen_len += len;
}

static u64 room(void)
{
	return tap_room;
}

/* The listener acknowledges: one more byte of room per wait. */
static void wait_for_room(void)
{
	waits++;
	tap_room++;
}

static void goes_live(void)
{
	lives++;
}

static void hold_wait(void *ctx)
{
	hold_waits++;
}

static const struct guest_console_tap tap = { taken, room, wait_for_room, goes_live, NULL };

static void put_text(const char *s)
{
	for (; *s; s++)
		guest_console_put(NULL, (u8)*s);
}

static void test_tap(void **state)
{
	guest_console_init(GUEST_CONSOLE_COM2);
	tap_room = 100;
	guest_console_tap(&tap);
	/* without the output rule: at once */
	put_text("ab");
	assert_int_equal(seen_len, 2);
	assert_memory_equal(seen, "ab", 2);
	/* under it: only when released */
	guest_console_hold(hold_wait, NULL);
	put_text("cd");
	assert_int_equal(seen_len, 2);
	guest_console_mark(10);
	put_text("e");
	guest_console_release(9);
	assert_int_equal(seen_len, 2);
	guest_console_release(10);
	assert_int_equal(seen_len, 4);
	assert_memory_equal(seen, "abcd", 4);
	/* room for the bytes held and one more, or the guest waits */
	tap_room = 1; /* 'e' is held: "f" needs 2 */
	put_text("f");
	assert_int_equal(waits, 1);
	assert_int_equal(tap_room, 2);
	put_text("g"); /* 'e', 'f' held: needs 3 */
	assert_int_equal(waits, 2);
	guest_console_release_all();
	assert_int_equal(seen_len, 7);
	assert_memory_equal(seen, "abcdefg", 7);
	assert_int_equal(hold_waits, 0);
	/* a backup going live is passed on */
	guest_console_goes_live();
	assert_int_equal(lives, 1);
	/* withheld (fenced): nothing more goes out, nothing waits */
	tap_room = 0;
	guest_console_withhold();
	put_text("h");
	assert_int_equal(seen_len, 7);
	assert_int_equal(waits, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
