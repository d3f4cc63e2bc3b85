// sources: net/guest_announce.c drivers/net/arp.c lib/fmt.c
/* net/guest_announce.c: the guest's IPv4 address learned from its own
 * frames (ARP sender, IPv4 source; nothing from others' frames, short or
 * malformed ones, or addresses no host has), and the announcements a
 * backup that goes live sends: a gratuitous ARP, or a RARP request. */
#include "helpers.h"

#include <string.h>

#include "drivers/net/arp.h"
#include "net/guest_announce.h"

static const u8 guest[ETH_ALEN] = { 0x02, 0x55, 0x53, 0x00, 0x00, 0x07 };
static const u8 other[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x09, 0x00, 0xfe };

/* An IPv4 frame from src with source address ip (a UDP header's worth). */
static size_t ipv4_frame(u8 *f, const u8 src[ETH_ALEN], u32 ip)
{
	memset(f, 0, 64);
	memset(f, 0xff, ETH_ALEN);
	memcpy(f + 6, src, ETH_ALEN);
	f[12] = 0x08, f[13] = 0x00;
	f[14] = 0x45;
	f[26] = (u8)(ip >> 24), f[27] = (u8)(ip >> 16), f[28] = (u8)(ip >> 8), f[29] = (u8)ip;
	return 64;
}

static void test_learn_from_ipv4(void **state)
{
	u8 f[64];
	u32 ip = 0;

	(void)state;
	assert_true(announce_learn_ipv4(f, ipv4_frame(f, guest, IPV4(10, 9, 0, 10)), guest, &ip));
	assert_int_equal(ip, IPV4(10, 9, 0, 10));
	ip = 7;
	assert_false(announce_learn_ipv4(f, ipv4_frame(f, other, IPV4(10, 9, 0, 11)), guest, &ip));
	assert_false(announce_learn_ipv4(f, ipv4_frame(f, guest, 0), guest, &ip)); /* DHCP */
	assert_false(announce_learn_ipv4(f, ipv4_frame(f, guest, 0xffffffff), guest, &ip));
	assert_false(announce_learn_ipv4(f, ipv4_frame(f, guest, IPV4(224, 0, 0, 1)), guest, &ip));
	ipv4_frame(f, guest, IPV4(10, 9, 0, 10));
	assert_false(announce_learn_ipv4(f, 33, guest, &ip)); /* header cut short */
	f[14] = 0x44; /* IHL 4: not a header */
	assert_false(announce_learn_ipv4(f, 64, guest, &ip));
	f[14] = 0x65; /* version 6 */
	assert_false(announce_learn_ipv4(f, 64, guest, &ip));
	assert_int_equal(ip, 7);
}

static void test_learn_from_arp(void **state)
{
	u8 f[ARP_FRAME_LEN];
	u32 ip = 0;

	(void)state;
	arp_build_request(f, guest, IPV4(10, 9, 0, 10), IPV4(10, 9, 0, 254));
	assert_true(announce_learn_ipv4(f, sizeof(f), guest, &ip));
	assert_int_equal(ip, IPV4(10, 9, 0, 10));
	ip = 7;
	assert_false(announce_learn_ipv4(f, ETH_HLEN + 27, guest, &ip)); /* short */
	arp_build_request(f, guest, 0, IPV4(10, 9, 0, 10)); /* an ARP probe: no address yet */
	assert_false(announce_learn_ipv4(f, sizeof(f), guest, &ip));
	arp_build_request(f, guest, IPV4(10, 9, 0, 10), IPV4(10, 9, 0, 254));
	memcpy(f + ETH_HLEN + 8, other, ETH_ALEN); /* someone else's sender hardware address */
	assert_false(announce_learn_ipv4(f, sizeof(f), guest, &ip));
	assert_false(announce_learn_ipv4(f, 5, guest, &ip));
	assert_int_equal(ip, 7);
}

/* The announcement built: its first bytes want_head, zeros after. */
static void check_announcement(const u8 *f, const u8 *want_head, size_t head_len)
{
	assert_memory_equal(f, want_head, head_len);
	for (size_t i = head_len; i < ANNOUNCE_FRAME_LEN; i++)
		assert_int_equal(f[i], 0);
}

/* A known address: a broadcast ARP request whose sender and target are
 * the guest's address (RFC 5227 3); what it says is learned back. */
static void test_gratuitous_arp(void **state)
{
	u8 f[ANNOUNCE_FRAME_LEN];
	u32 ip = 0;
	static const u8 want_head[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x55, 0x53, 0x00,
					0x00, 0x07, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00,
					0x01, 0x02, 0x55, 0x53, 0x00, 0x00, 0x07, 10, 9, 0, 10,
					0, 0, 0, 0, 0, 0, 10, 9, 0, 10 };

	(void)state;
	assert_int_equal(announce_build(f, guest, true, IPV4(10, 9, 0, 10)), 60);
	check_announcement(f, want_head, sizeof(want_head));
	assert_true(announce_learn_ipv4(f, sizeof(f), guest, &ip));
	assert_int_equal(ip, IPV4(10, 9, 0, 10));
}

/* No address known: a RARP reverse request about the guest's MAC, as
 * QEMU's announce sends; it teaches no address. */
static void test_rarp(void **state)
{
	u8 f[ANNOUNCE_FRAME_LEN];
	u32 ip = 7;
	static const u8 want_head[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x55, 0x53, 0x00,
					0x00, 0x07, 0x80, 0x35, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00,
					0x03, 0x02, 0x55, 0x53, 0x00, 0x00, 0x07, 0, 0, 0, 0,
					0x02, 0x55, 0x53, 0x00, 0x00, 0x07, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(announce_build(f, guest, false, 0), 60);
	check_announcement(f, want_head, sizeof(want_head));
	assert_false(announce_learn_ipv4(f, sizeof(f), guest, &ip));
	assert_int_equal(ip, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_from_ipv4),
		cmocka_unit_test(test_learn_from_arp),
		cmocka_unit_test(test_gratuitous_arp),
		cmocka_unit_test(test_rarp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
