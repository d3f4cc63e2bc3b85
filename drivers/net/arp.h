/*
 * Just enough ARP (RFC 826 "An Ethernet Address Resolution Protocol") for
 * the driver self-test to prove a NIC sends and receives without a TCP/IP
 * stack: build a request, recognize the reply. Pure code, unit-tested.
 */
#ifndef UNDERSTUDY_DRIVERS_NET_ARP_H
#define UNDERSTUDY_DRIVERS_NET_ARP_H

#include "compiler.h"
#include "drivers/net/netdev.h"
#include "types.h"

#define ETH_P_IP 0x0800            /* EtherType IPv4 */
#define ETH_P_ARP 0x0806           /* EtherType ARP */
#define ARP_HTYPE_ETHERNET 1       /* ar$hrd */
#define ARP_OP_REQUEST 1           /* ar$op */
#define ARP_OP_REPLY 2
#define IPV4_ALEN 4

#define IPV4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (u32)(d))

/* Ethernet II header; the type is big-endian on the wire. */
struct eth_hdr {
	u8 dst[ETH_ALEN];
	u8 src[ETH_ALEN];
	u8 type[2];
} __packed;
ASSERT_SIZE(struct eth_hdr, ETH_HLEN);

/* RFC 826 "Packet format", for Ethernet hardware and IPv4 protocol
 * addresses; multi-byte fields big-endian. */
struct arp_packet {
	u8 htype[2];
	u8 ptype[2];
	u8 hlen, plen;
	u8 oper[2];
	u8 sha[ETH_ALEN];
	u8 spa[IPV4_ALEN];
	u8 tha[ETH_ALEN];
	u8 tpa[IPV4_ALEN];
} __packed;
ASSERT_SIZE(struct arp_packet, 28);
ASSERT_OFFSET(struct arp_packet, sha, 8);
ASSERT_OFFSET(struct arp_packet, tpa, 24);

#define ARP_FRAME_LEN ETH_ZLEN /* 14 + 28 bytes, zero-padded to the minimum */

/* Writes a broadcast "who has target_ip, tell sender_ip" from mac into
 * frame (at least ARP_FRAME_LEN bytes); returns ARP_FRAME_LEN. */
size_t arp_build_request(u8 *frame, const u8 mac[ETH_ALEN], u32 sender_ip, u32 target_ip);

/* True when frame is an ARP reply saying where asked_ip is, addressed to
 * our_mac (or broadcast); *answer gets that hardware address. */
bool arp_parse_reply(const void *frame, size_t len, u32 asked_ip, const u8 our_mac[ETH_ALEN],
		     u8 answer[ETH_ALEN]);

/* Formats ip as "10.0.2.2"; returns out (16 bytes). */
const char *ipv4_str(u32 ip, char out[16]);

#endif
