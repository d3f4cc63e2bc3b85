/*
 * The host's network devices as the network stack sees them: send a frame,
 * poll for received frames, link state, counters. Drivers (e1000.c,
 * virtio_net.c) register themselves when PCI enumeration finds them.
 */
#ifndef UNDERSTUDY_DRIVERS_NET_NETDEV_H
#define UNDERSTUDY_DRIVERS_NET_NETDEV_H

#include "types.h"

#define NETDEV_MAX 4
#define ETH_ALEN 6
#define ETH_FRAME_MAX 1514 /* without FCS */
#define ETH_HLEN 14        /* destination, source, EtherType */
#define ETH_ZLEN 60        /* shortest frame without FCS */
#define NETDEV_MAC_STR_LEN 18 /* "52:54:00:12:34:56" and its NUL */

/* Frames and bytes handed up or queued by the driver; dropped: no buffer
 * (the device missed it, or the transmit ring was full); errors: bad
 * frames (CRC, length) or failed transmissions; interrupts: taken by the
 * driver (0 while it only polls). */
struct netdev_stats {
	u64 rx_packets, rx_bytes, rx_dropped, rx_errors;
	u64 tx_packets, tx_bytes, tx_dropped, tx_errors;
	u64 interrupts;
};

struct netdev;

/* Called for each received frame; the buffer is only valid during the call. */
typedef void (*netdev_rx_fn)(void *ctx, const void *frame, size_t len);

struct netdev_ops {
	/* Queues one Ethernet frame (without FCS) for transmission; 0, or
	 * -EAGAIN when the transmit ring is full, -EINVAL for a bad length. */
	int (*send)(struct netdev *nd, const void *frame, size_t len);
	/* Hands up to budget received frames to rx; returns how many. Never
	 * waits. */
	int (*poll)(struct netdev *nd, netdev_rx_fn rx, void *ctx, int budget);
	bool (*link_up)(struct netdev *nd);
	/* Folds the device's own counters (clear-on-read hardware statistics)
	 * into nd->stats; NULL when the driver keeps nd->stats itself. */
	void (*refresh_stats)(struct netdev *nd);
	/* Makes mac (unicast, non-zero) the device's address: its receive
	 * filter and nd->mac; 0 or -EINVAL. NULL when the address is fixed. */
	int (*set_mac)(struct netdev *nd, const u8 mac[ETH_ALEN]);
	/* Makes the device also receive frames for mac (unicast; the guest's
	 * NIC on this one, net/guest_port.h) and every multicast frame (the
	 * guest's multicast groups are not known); 0, -EINVAL, -ENOSPC. NULL
	 * when the device hands up every frame already (QEMU's virtio-net
	 * without VIRTIO_NET_F_CTRL_RX: virtio_net.c). */
	int (*add_rx_mac)(struct netdev *nd, const u8 mac[ETH_ALEN]);
};

struct netdev {
	const char *name;       /* "e1000", "virtio-net" */
	u8 mac[ETH_ALEN];
	const struct netdev_ops *ops;
	void *priv;
	struct netdev_stats stats;
	u8 pci_bus, pci_dev, pci_fn;
};

/* Called by drivers from their PCI probe; 0, -ENOSPC when NETDEV_MAX are
 * registered, -EINVAL without a name or the three mandatory ops. */
int netdev_register(struct netdev *nd);
unsigned netdev_count(void);
struct netdev *netdev_get(unsigned i);

/* Formats mac as "52:54:00:12:34:56"; returns out. */
const char *netdev_mac_str(const u8 mac[ETH_ALEN], char out[NETDEV_MAC_STR_LEN]);

#endif
