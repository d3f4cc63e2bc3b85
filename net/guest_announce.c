/* Announcing the guest's MAC (see guest_announce.h). */
#include "net/guest_announce.h"

#include "drivers/net/arp.h"
#include "endian.h"
#include "string.h"

#define IPV4_MIN_HEADER 20  /* RFC 791: IHL of 5 words */
#define IPV4_SRC_OFFSET 12

/* An address a host can have as its own: not 0.0.0.0, not limited
 * broadcast, not class D/E (multicast, reserved). */
static bool usable_source(u32 ip)
{
	return ip && (ip >> 28) < 0xE;
}

/* The ARP packet's sender address, for Ethernet/IPv4 ARP from mac. */
static bool learn_from_arp(const u8 *frame, size_t len, const u8 mac[ETH_ALEN], u32 *ip)
{
	const struct arp_packet *arp = (const struct arp_packet *)(frame + ETH_HLEN);
	u32 spa;

	if (len < ETH_HLEN + sizeof(*arp) || be_get(arp->htype, 2) != ARP_HTYPE_ETHERNET ||
	    be_get(arp->ptype, 2) != ETH_P_IP || arp->hlen != ETH_ALEN || arp->plen != IPV4_ALEN ||
	    memcmp(arp->sha, mac, ETH_ALEN))
		return false;
	spa = (u32)be_get(arp->spa, 4);
	if (!usable_source(spa))
		return false;
	*ip = spa;
	return true;
}

/* The IPv4 header's source address (version 4, a whole header). */
static bool learn_from_ipv4(const u8 *frame, size_t len, u32 *ip)
{
	const u8 *h = frame + ETH_HLEN;
	u32 src;

	if (len < ETH_HLEN + IPV4_MIN_HEADER || h[0] >> 4 != 4 || (h[0] & 0xF) * 4 < IPV4_MIN_HEADER)
		return false;
	src = (u32)be_get(h + IPV4_SRC_OFFSET, 4);
	if (!usable_source(src))
		return false;
	*ip = src;
	return true;
}

bool announce_learn_ipv4(const u8 *frame, size_t len, const u8 mac[ETH_ALEN], u32 *ip)
{
	const struct eth_hdr *eth = (const struct eth_hdr *)frame;

	if (len < ETH_HLEN || memcmp(eth->src, mac, ETH_ALEN))
		return false;
	switch (be_get(eth->type, 2)) {
	case ETH_P_ARP: return learn_from_arp(frame, len, mac, ip);
	case ETH_P_IP: return learn_from_ipv4(frame, len, ip);
	default: return false;
	}
}

/* RFC 903: a reverse request from mac about mac, protocol addresses
 * unknown (zero), broadcast; QEMU's announce (net/announce.c) sends it.
 * An ARP request's layout with RARP's EtherType and operation. */
static size_t build_rarp(u8 *frame, const u8 mac[ETH_ALEN])
{
	struct eth_hdr *eth = (struct eth_hdr *)frame;
	struct arp_packet *rarp = (struct arp_packet *)(frame + ETH_HLEN);
	size_t len = arp_build_request(frame, mac, 0, 0);

	be_put(eth->type, ETH_P_RARP, 2);
	be_put(rarp->oper, RARP_OP_REQUEST_REVERSE, 2);
	memcpy(rarp->tha, mac, ETH_ALEN);
	return len;
}

size_t announce_build(u8 *frame, const u8 mac[ETH_ALEN], bool ip_known, u32 ip)
{
	if (!ip_known)
		return build_rarp(frame, mac);
	return arp_build_request(frame, mac, ip, ip); /* RFC 5227 3: sender = target */
}
