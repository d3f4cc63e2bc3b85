// sources: net/frame_demux.c
/*
 * Fuzzes the shared host NIC's demultiplexer (net/frame_demux.c), which
 * reads every frame the network sends and every frame the guest
 * transmits. The input's first 12 bytes are the hypervisor's and the
 * guest's MACs, the rest the frame, copied to a buffer of its exact size
 * (ASan sees any read past it). Each verdict is checked against the rule
 * it implements.
 */
#include <stdlib.h>
#include <string.h>

#include "net/frame_demux.h"

#define MACS (2 * ETH_ALEN)

static void check_received(const u8 *f, size_t len, const u8 *own, const u8 *guest)
{
	enum frame_dest d = frame_demux(f, len, own, guest);
	bool sized = len >= ETH_HLEN && len <= ETH_FRAME_MAX;
	bool group = sized && (f[0] & 1);

	if (!sized && d != FRAME_DROP)
		abort();
	if (group && d != FRAME_TO_BOTH)
		abort();
	if ((d & FRAME_TO_STACK) && !group && memcmp(f, own, ETH_ALEN))
		abort();
	if ((d & FRAME_TO_GUEST) && !group && memcmp(f, guest, ETH_ALEN))
		abort();
	if (sized && !memcmp(f, own, ETH_ALEN) && !(d & FRAME_TO_STACK))
		abort();
}

static void check_sent(const u8 *f, size_t len, const u8 *own)
{
	enum guest_tx_verdict v = guest_tx_check(f, len, own);

	if (v == GUEST_TX_OK && (len < ETH_HLEN || len > ETH_FRAME_MAX ||
				 (f[ETH_ALEN] & 1) || !memcmp(f + ETH_ALEN, own, ETH_ALEN)))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 own[ETH_ALEN], guest[ETH_ALEN], *frame;
	size_t len;

	if (size < MACS)
		return 0;
	memcpy(own, data, ETH_ALEN);
	memcpy(guest, data + ETH_ALEN, ETH_ALEN);
	len = size - MACS;
	frame = malloc(len ? len : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + MACS, len);
	check_received(frame, len, own, guest);
	check_sent(frame, len, own);
	free(frame);
	return 0;
}
