/* ARP request and reply frames (RFC 826), for the driver self-test. */
#include "drivers/net/arp.h"

#include "endian.h"
#include "fmt.h"
#include "string.h"

size_t arp_build_request(u8 *frame, const u8 mac[ETH_ALEN], u32 sender_ip, u32 target_ip)
{
	struct eth_hdr *eth = (struct eth_hdr *)frame;
	struct arp_packet *arp = (struct arp_packet *)(frame + ETH_HLEN);

	memset(frame, 0, ARP_FRAME_LEN);
	memset(eth->dst, 0xFF, ETH_ALEN);
	memcpy(eth->src, mac, ETH_ALEN);
	be_put(eth->type, ETH_P_ARP, 2);
	be_put(arp->htype, ARP_HTYPE_ETHERNET, 2);
	be_put(arp->ptype, ETH_P_IP, 2);
	arp->hlen = ETH_ALEN;
	arp->plen = IPV4_ALEN;
	be_put(arp->oper, ARP_OP_REQUEST, 2);
	memcpy(arp->sha, mac, ETH_ALEN);
	be_put(arp->spa, sender_ip, 4);
	be_put(arp->tpa, target_ip, 4); /* tha stays zero: unknown */
	return ARP_FRAME_LEN;
}

static bool for_us(const u8 dst[ETH_ALEN], const u8 our_mac[ETH_ALEN])
{
	static const u8 broadcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

	return !memcmp(dst, our_mac, ETH_ALEN) || !memcmp(dst, broadcast, ETH_ALEN);
}

bool arp_parse_reply(const void *frame, size_t len, u32 asked_ip, const u8 our_mac[ETH_ALEN],
		     u8 answer[ETH_ALEN])
{
	const struct eth_hdr *eth = frame;
	const struct arp_packet *arp = (const struct arp_packet *)((const u8 *)frame + ETH_HLEN);

	if (len < ETH_HLEN + sizeof(*arp) || be_get(eth->type, 2) != ETH_P_ARP ||
	    !for_us(eth->dst, our_mac))
		return false;
	if (be_get(arp->htype, 2) != ARP_HTYPE_ETHERNET || be_get(arp->ptype, 2) != ETH_P_IP ||
	    arp->hlen != ETH_ALEN || arp->plen != IPV4_ALEN ||
	    be_get(arp->oper, 2) != ARP_OP_REPLY || be_get(arp->spa, 4) != asked_ip)
		return false;
	memcpy(answer, arp->sha, ETH_ALEN);
	return true;
}

const char *ipv4_str(u32 ip, char out[16])
{
	fmt_snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF,
		     ip & 0xFF);
	return out;
}
