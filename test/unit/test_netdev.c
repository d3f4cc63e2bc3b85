// sources: drivers/net/netdev.c lib/log.c lib/fmt.c
/*
 * drivers/net/netdev.c: registration (limits, refused devices) and the MAC
 * formatting every driver and nettest line uses.
 */
#include "helpers.h"

#include "drivers/net/netdev.h"
#include "errno.h"

static int fake_send(struct netdev *nd, const void *frame, size_t len)
{
	return 0;
}

static int fake_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, int budget)
{
	return 0;
}

static bool fake_link_up(struct netdev *nd)
{
	return true;
}

static const struct netdev_ops ops = { .send = fake_send, .poll = fake_poll,
					.link_up = fake_link_up };
static const struct netdev_ops no_poll = { .send = fake_send, .link_up = fake_link_up };

/* One test: the registry is process-wide and only grows. */
static void test_register(void **state)
{
	struct netdev devs[NETDEV_MAX + 1], bad = { .name = "bad", .ops = &no_poll };

	capture_start();
	assert_int_equal(netdev_count(), 0);
	assert_null(netdev_get(0));
	assert_int_equal(netdev_register(NULL), -EINVAL);
	assert_int_equal(netdev_register(&bad), -EINVAL);
	bad.ops = NULL;
	assert_int_equal(netdev_register(&bad), -EINVAL);
	for (unsigned i = 0; i <= NETDEV_MAX; i++) {
		devs[i] = (struct netdev){ .name = "fake", .ops = &ops,
					   .mac = { 0x52, 0x54, 0, 0, 0, (u8)i } };
		assert_int_equal(netdev_register(&devs[i]), i < NETDEV_MAX ? 0 : -ENOSPC);
	}
	assert_int_equal(netdev_count(), NETDEV_MAX);
	for (unsigned i = 0; i < NETDEV_MAX; i++)
		assert_ptr_equal(netdev_get(i), &devs[i]);
	assert_null(netdev_get(NETDEV_MAX));
	assert_captured("warn: netdev: fake 52:54:00:00:00:04 not registered");
	capture_stop();
}

static void test_mac_str(void **state)
{
	static const u8 mac[ETH_ALEN] = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0xFF };
	char buf[NETDEV_MAC_STR_LEN];

	assert_ptr_equal(netdev_mac_str(mac, buf), buf);
	assert_string_equal(buf, "52:55:0a:00:02:ff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_mac_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
