/*
 * The host NIC shared by the hypervisor's lwIP and the guest's NIC
 * (net/guest_port.h): which side a received frame is for, by its
 * destination MAC, and whether a frame the guest transmits may go out.
 * Pure code (test/unit/test_frame_demux.c).
 */
#ifndef UNDERSTUDY_NET_FRAME_DEMUX_H
#define UNDERSTUDY_NET_FRAME_DEMUX_H

#include "drivers/net/netdev.h"

/* Bit flags: FRAME_TO_BOTH is both. */
enum frame_dest {
	FRAME_DROP = 0,
	FRAME_TO_STACK = 1, /* the hypervisor's lwIP */
	FRAME_TO_GUEST = 2, /* the guest's NIC */
	FRAME_TO_BOTH = FRAME_TO_STACK | FRAME_TO_GUEST,
};

/* A received frame: for own (the hypervisor's MAC) to the stack only, for
 * guest to the guest only, broadcast and multicast (the group bit, IEEE
 * 802.3 3.2.3 "Address fields": the destination's first bit) to both; any other destination, or a
 * length outside ETH_HLEN..ETH_FRAME_MAX, dropped. */
enum frame_dest frame_demux(const u8 *frame, size_t len, const u8 own[ETH_ALEN],
			    const u8 guest[ETH_ALEN]);

enum guest_tx_verdict {
	GUEST_TX_OK,
	GUEST_TX_SHORT,      /* shorter than an Ethernet header */
	GUEST_TX_LONG,       /* longer than ETH_FRAME_MAX (the host NIC's limit) */
	GUEST_TX_BAD_SOURCE, /* the hypervisor's own MAC, or a group address */
};

/* May a frame the guest transmitted go out on the host NIC whose MAC is
 * own? */
enum guest_tx_verdict guest_tx_check(const u8 *frame, size_t len, const u8 own[ETH_ALEN]);

#endif
