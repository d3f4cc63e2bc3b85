/*
 * The guest's NIC on the hypervisor's host NIC (issue 14, item 3): the
 * netdev lwIP uses carries the guest's frames too. Received frames are
 * split by net/frame_demux.h inside net_poll() (for the guest's MAC to
 * the guest only, for the hypervisor's to lwIP only, broadcast and
 * multicast to both); the guest's frames go out through the same netdev,
 * dropped and counted when its transmit ring is full (never waited for).
 * The host NIC is told to accept the guest's MAC (netdev_ops.add_rx_mac).
 */
#ifndef UNDERSTUDY_NET_GUEST_PORT_H
#define UNDERSTUDY_NET_GUEST_PORT_H

#include "drivers/net/netdev.h"

/* Hands a received frame to the guest; true when the guest's NIC took it. */
typedef bool (*guest_port_rx_fn)(void *ctx, const u8 *frame, size_t len);

struct guest_port_stats {
	u64 rx_frames, rx_bytes;   /* handed to the guest's NIC and taken */
	u64 rx_refused;            /* handed, not taken (no buffer posted, driver not ready) */
	u64 rx_closed;             /* for the guest while delivery was closed */
	u64 rx_others;             /* for neither MAC (a promiscuous host NIC) */
	u64 tx_frames, tx_bytes;   /* the guest's, queued on the host NIC */
	u64 tx_ring_full;          /* dropped: the host NIC's transmit ring was full */
	u64 tx_bad;                /* dropped: too short, too long, or the hypervisor's source MAC */
};

/* Connects the guest (mac) to nd, the host NIC lwIP runs on (net_device():
 * the caller passes it, so this file stays below net.c): programs the
 * NIC's receive filter for mac. 0; -ENODEV without a network (nd NULL:
 * ip= off or no NIC); -EINVAL when mac is the hypervisor's own or not
 * unicast; the NIC's error when it cannot take a second address. Each with
 * a message. */
int guest_port_attach(struct netdev *nd, const u8 mac[ETH_ALEN], guest_port_rx_fn rx, void *ctx);

/* Forgets the guest (a new VM), its counters too. */
void guest_port_detach(void);

/* Frames for the guest reach it only between open and close (the run
 * loop's own poll, where an interrupt raised is delivered before the next
 * entry); elsewhere (inside a snapshot's or a log sink's waits) they are
 * dropped and counted in rx_closed, as a NIC with no buffer would. */
void guest_port_open(bool open);

/* Sends one frame the guest transmitted; never waits. */
void guest_port_send(const u8 *frame, size_t len);

/* The netif's receive hook (net/netif.c): delivers the frame to the guest
 * when it is for it; true when lwIP should have it too. own: the
 * hypervisor's MAC. Without a guest attached every frame is lwIP's. */
bool guest_port_demux(const u8 own[ETH_ALEN], const u8 *frame, size_t len);

const struct guest_port_stats *guest_port_stats(void);
bool guest_port_attached(void);

#endif
