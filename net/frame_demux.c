/* Who gets a frame on the shared host NIC (net/frame_demux.h). */
#include "net/frame_demux.h"

#include <string.h>

#define ETH_DST 0
#define ETH_SRC ETH_ALEN
#define ETH_GROUP_BIT 0x01 /* IEEE 802.3 3.2.3 "Address fields": the first bit sent, octet 0's LSB */

enum frame_dest frame_demux(const u8 *frame, size_t len, const u8 own[ETH_ALEN],
			    const u8 guest[ETH_ALEN])
{
	const u8 *dst = frame + ETH_DST;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return FRAME_DROP;
	if (dst[0] & ETH_GROUP_BIT)
		return FRAME_TO_BOTH;
	if (!memcmp(dst, own, ETH_ALEN))
		return FRAME_TO_STACK;
	if (!memcmp(dst, guest, ETH_ALEN))
		return FRAME_TO_GUEST;
	return FRAME_DROP;
}

enum guest_tx_verdict guest_tx_check(const u8 *frame, size_t len, const u8 own[ETH_ALEN])
{
	const u8 *src = frame + ETH_SRC;

	if (len < ETH_HLEN)
		return GUEST_TX_SHORT;
	if (len > ETH_FRAME_MAX)
		return GUEST_TX_LONG;
	if ((src[0] & ETH_GROUP_BIT) || !memcmp(src, own, ETH_ALEN))
		return GUEST_TX_BAD_SOURCE;
	return GUEST_TX_OK;
}
