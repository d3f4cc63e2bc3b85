/* ARP request and reply frames (RFC 826), for the driver self-test. */
#include "drivers/net/arp.h"

#include "fmt.h"
#include "string.h"

static void put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void put_be32(u8 *p, u32 v)
{
	put_be16(p, (u16)(v >> 16));
	put_be16(p + 2, (u16)v);
}

static u32 get_be32(const u8 *p)
{
	return (u32)get_be16(p) << 16 | get_be16(p + 2);
}

size_t arp_build_request(u8 *frame, const u8 mac[ETH_ALEN], u32 sender_ip, u32 target_ip)
{
	struct eth_hdr *eth = (struct eth_hdr *)frame;
	struct arp_packet *arp = (struct arp_packet *)(frame + ETH_HLEN);

	memset(frame, 0, ARP_FRAME_LEN);
	memset(eth->dst, 0xFF, ETH_ALEN);
	memcpy(eth->src, mac, ETH_ALEN);
	put_be16(eth->type, ETH_P_ARP);
	put_be16(arp->htype, ARP_HTYPE_ETHERNET);
	put_be16(arp->ptype, ETH_P_IP);
	arp->hlen = ETH_ALEN;
	arp->plen = IPV4_ALEN;
	put_be16(arp->oper, ARP_OP_REQUEST);
	memcpy(arp->sha, mac, ETH_ALEN);
	put_be32(arp->spa, sender_ip);
	put_be32(arp->tpa, target_ip); /* tha stays zero: unknown */
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

	if (len < ETH_HLEN + sizeof(*arp) || get_be16(eth->type) != ETH_P_ARP ||
	    !for_us(eth->dst, our_mac))
		return false;
	if (get_be16(arp->htype) != ARP_HTYPE_ETHERNET || get_be16(arp->ptype) != ETH_P_IP ||
	    arp->hlen != ETH_ALEN || arp->plen != IPV4_ALEN ||
	    get_be16(arp->oper) != ARP_OP_REPLY || get_be32(arp->spa) != asked_ip)
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
