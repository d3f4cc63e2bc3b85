// sources: net/guest_announce.c drivers/net/arp.c lib/fmt.c
/*
 * Fuzzes the guest-address learner (net/guest_announce.c), which reads
 * every frame the guest sends. The input's first 6 bytes are the guest's
 * MAC, the rest the frame, copied to a buffer of its exact size (ASan sees
 * any read past it). A learned address must be one the frame carries where
 * the rule says, from the guest's MAC, and a usable host address; the
 * announcement built from it must teach the same address back.
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/net/arp.h"
#include "net/guest_announce.h"

/* The address at frame[at], big-endian. */
static u32 at_ip(const u8 *f, size_t at)
{
	return (u32)f[at] << 24 | (u32)f[at + 1] << 16 | (u32)f[at + 2] << 8 | f[at + 3];
}

static void check(const u8 *f, size_t len, const u8 *mac)
{
	u32 ip = 0, again = 0;
	u8 announce[ANNOUNCE_FRAME_LEN];

	if (!announce_learn_ipv4(f, len, mac, &ip))
		return;
	if (len < ETH_HLEN + 20 || memcmp(f + ETH_ALEN, mac, ETH_ALEN) || !ip || ip >> 28 >= 0xE)
		abort();
	if (ip != at_ip(f, ETH_HLEN + 14) && ip != at_ip(f, ETH_HLEN + 12)) /* ARP spa, IPv4 src */
		abort();
	announce_build(announce, mac, true, ip);
	if (!announce_learn_ipv4(announce, sizeof(announce), mac, &again) || again != ip)
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 mac[ETH_ALEN], *frame;
	size_t len;

	if (size < ETH_ALEN)
		return 0;
	memcpy(mac, data, ETH_ALEN);
	len = size - ETH_ALEN;
	frame = malloc(len ? len : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + ETH_ALEN, len);
	check(frame, len, mac);
	free(frame);
	return 0;
}
