// sources: drivers/net/arp.c lib/fmt.c
/*
 * drivers/net/arp.c: the request nettest=arp broadcasts (byte for byte) and
 * which frames count as the reply it waits for.
 */
#include "helpers.h"

#include "drivers/net/arp.h"

static const u8 our_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 gw_mac[ETH_ALEN] = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 };

static void test_request_bytes(void **state)
{
	static const u8 want[ARP_FRAME_LEN] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
		0x08, 0x06,                         /* EtherType ARP */
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, /* Ethernet, IPv4, 6, 4 */
		0x00, 0x01,                         /* request */
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 2, 15,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 2, 2,
		/* zero padding to 60 bytes */
	};
	u8 frame[ARP_FRAME_LEN];

	memset(frame, 0xAA, sizeof(frame));
	assert_int_equal(arp_build_request(frame, our_mac, IPV4(10, 0, 2, 15), IPV4(10, 0, 2, 2)),
			 ARP_FRAME_LEN);
	assert_memory_equal(frame, want, sizeof(want));
}

/* A reply as QEMU's slirp sends it: 64 bytes, to our MAC. */
static size_t make_reply(u8 *f, const u8 *dst, u16 oper, u32 spa)
{
	memset(f, 0, 64);
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + 6, gw_mac, ETH_ALEN);
	f[12] = 0x08, f[13] = 0x06;
	f[14] = 0x00, f[15] = 0x01, f[16] = 0x08, f[17] = 0x00, f[18] = 6, f[19] = 4;
	f[20] = (u8)(oper >> 8), f[21] = (u8)oper;
	memcpy(f + 22, gw_mac, ETH_ALEN);
	f[28] = (u8)(spa >> 24), f[29] = (u8)(spa >> 16), f[30] = (u8)(spa >> 8), f[31] = (u8)spa;
	memcpy(f + 32, our_mac, ETH_ALEN);
	f[38] = 10, f[39] = 0, f[40] = 2, f[41] = 15;
	return 64;
}

static void test_reply_accepted(void **state)
{
	static const u8 broadcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	u8 f[64], answer[ETH_ALEN] = { 0 };
	size_t len = make_reply(f, our_mac, ARP_OP_REPLY, IPV4(10, 0, 2, 2));

	assert_true(arp_parse_reply(f, len, IPV4(10, 0, 2, 2), our_mac, answer));
	assert_memory_equal(answer, gw_mac, ETH_ALEN);
	assert_true(arp_parse_reply(f, 42, IPV4(10, 0, 2, 2), our_mac, answer)); /* unpadded */
	make_reply(f, broadcast, ARP_OP_REPLY, IPV4(10, 0, 2, 2));
	assert_true(arp_parse_reply(f, len, IPV4(10, 0, 2, 2), our_mac, answer));
}

static void test_reply_rejected(void **state)
{
	static const u8 other[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
	u8 f[64], answer[ETH_ALEN];
	size_t len;

	len = make_reply(f, our_mac, ARP_OP_REQUEST, IPV4(10, 0, 2, 2));
	assert_false(arp_parse_reply(f, len, IPV4(10, 0, 2, 2), our_mac, answer));
	len = make_reply(f, our_mac, ARP_OP_REPLY, IPV4(10, 0, 2, 3));
	assert_false(arp_parse_reply(f, len, IPV4(10, 0, 2, 2), our_mac, answer));
	len = make_reply(f, other, ARP_OP_REPLY, IPV4(10, 0, 2, 2));
	assert_false(arp_parse_reply(f, len, IPV4(10, 0, 2, 2), our_mac, answer));
	len = make_reply(f, our_mac, ARP_OP_REPLY, IPV4(10, 0, 2, 2));
	assert_false(arp_parse_reply(f, 41, IPV4(10, 0, 2, 2), our_mac, answer));
	f[13] = 0x00; /* IPv4, not ARP */
	assert_false(arp_parse_reply(f, len, IPV4(10, 0, 2, 2), our_mac, answer));
	make_reply(f, our_mac, ARP_OP_REPLY, IPV4(10, 0, 2, 2));
	f[18] = 8; /* hardware address length */
	assert_false(arp_parse_reply(f, len, IPV4(10, 0, 2, 2), our_mac, answer));
}

static void test_ipv4_str(void **state)
{
	char buf[16];

	assert_string_equal(ipv4_str(IPV4(10, 0, 2, 2), buf), "10.0.2.2");
	assert_string_equal(ipv4_str(IPV4(255, 255, 255, 255), buf), "255.255.255.255");
	assert_string_equal(ipv4_str(0, buf), "0.0.0.0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_bytes),
		cmocka_unit_test(test_reply_accepted),
		cmocka_unit_test(test_reply_rejected),
		cmocka_unit_test(test_ipv4_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
