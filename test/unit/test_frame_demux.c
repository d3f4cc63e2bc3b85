// sources: net/frame_demux.c
/*
 * net/frame_demux.c: which side of the shared host NIC gets a received
 * frame (the hypervisor's lwIP, the guest, both, neither), and which of
 * the guest's transmitted frames may go out.
 */
#include "helpers.h"

#include "net/frame_demux.h"

static const u8 own[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 guest[ETH_ALEN] = { 0x02, 0x55, 0x53, 0x00, 0x00, 0x07 };
static const u8 other[ETH_ALEN] = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 };
static const u8 bcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
static const u8 mcast_v6[ETH_ALEN] = { 0x33, 0x33, 0xFF, 0x00, 0x00, 0x07 }; /* solicited-node */
static const u8 mcast_v4[ETH_ALEN] = { 0x01, 0x00, 0x5E, 0x00, 0x00, 0x01 }; /* all hosts */

/* A frame from src to dst: a buffer long enough for any length tried. */
static const u8 *frame(const u8 *dst, const u8 *src)
{
	static u8 f[ETH_FRAME_MAX + 16];

	memset(f, 0xA5, sizeof(f));
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = 0x08;
	f[13] = 0x00;
	return f;
}

static void test_unicast_goes_to_its_owner_only(void **state)
{
	assert_int_equal(frame_demux(frame(own, other), 60, own, guest), FRAME_TO_STACK);
	assert_int_equal(frame_demux(frame(guest, other), 60, own, guest), FRAME_TO_GUEST);
	assert_int_equal(frame_demux(frame(guest, own), 1514, own, guest), FRAME_TO_GUEST);
}

static void test_group_addresses_go_to_both(void **state)
{
	assert_int_equal(frame_demux(frame(bcast, other), 60, own, guest), FRAME_TO_BOTH);
	assert_int_equal(frame_demux(frame(mcast_v6, other), 86, own, guest), FRAME_TO_BOTH);
	assert_int_equal(frame_demux(frame(mcast_v4, other), 60, own, guest), FRAME_TO_BOTH);
}

/* A promiscuous host NIC (QEMU's virtio-net) hands up frames for others. */
static void test_other_unicast_is_dropped(void **state)
{
	u8 near_own[ETH_ALEN], near_guest[ETH_ALEN]; /* one bit away from each address */

	assert_int_equal(frame_demux(frame(other, guest), 60, own, guest), FRAME_DROP);
	memcpy(near_own, own, ETH_ALEN);
	near_own[5] ^= 1;
	memcpy(near_guest, guest, ETH_ALEN);
	near_guest[0] ^= 0x80;
	assert_int_equal(frame_demux(frame(near_own, other), 60, own, guest), FRAME_DROP);
	assert_int_equal(frame_demux(frame(near_guest, other), 60, own, guest), FRAME_DROP);
}

static void test_bad_lengths_are_dropped(void **state)
{
	assert_int_equal(frame_demux(frame(bcast, other), ETH_HLEN - 1, own, guest), FRAME_DROP);
	assert_int_equal(frame_demux(frame(bcast, other), 0, own, guest), FRAME_DROP);
	assert_int_equal(frame_demux(frame(guest, other), ETH_FRAME_MAX + 1, own, guest), FRAME_DROP);
	assert_int_equal(frame_demux(frame(guest, other), ETH_HLEN, own, guest), FRAME_TO_GUEST);
}

static void test_guest_frames_allowed_out(void **state)
{
	assert_int_equal(guest_tx_check(frame(other, guest), 42, own), GUEST_TX_OK);
	assert_int_equal(guest_tx_check(frame(bcast, guest), ETH_HLEN, own), GUEST_TX_OK);
	assert_int_equal(guest_tx_check(frame(own, guest), ETH_FRAME_MAX, own), GUEST_TX_OK);
	/* the guest may send from any unicast address: a bridge or a MAC change */
	assert_int_equal(guest_tx_check(frame(other, other), 60, own), GUEST_TX_OK);
}

static void test_guest_frames_refused(void **state)
{
	assert_int_equal(guest_tx_check(frame(other, guest), ETH_HLEN - 1, own), GUEST_TX_SHORT);
	assert_int_equal(guest_tx_check(frame(other, guest), 0, own), GUEST_TX_SHORT);
	assert_int_equal(guest_tx_check(frame(other, guest), ETH_FRAME_MAX + 1, own), GUEST_TX_LONG);
	assert_int_equal(guest_tx_check(frame(other, guest), 1518, own), GUEST_TX_LONG);
	assert_int_equal(guest_tx_check(frame(other, own), 60, own), GUEST_TX_BAD_SOURCE);
	assert_int_equal(guest_tx_check(frame(other, bcast), 60, own), GUEST_TX_BAD_SOURCE);
	assert_int_equal(guest_tx_check(frame(other, mcast_v4), 60, own), GUEST_TX_BAD_SOURCE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast_goes_to_its_owner_only),
		cmocka_unit_test(test_group_addresses_go_to_both),
		cmocka_unit_test(test_other_unicast_is_dropped),
		cmocka_unit_test(test_bad_lengths_are_dropped),
		cmocka_unit_test(test_guest_frames_allowed_out),
		cmocka_unit_test(test_guest_frames_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
