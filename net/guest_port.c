/* The guest's frames on the host NIC lwIP uses (net/guest_port.h). */
#include "net/guest_port.h"

#include <string.h>

#include "errno.h"
#include "log.h"
#include "net/frame_demux.h"

static struct {
	struct netdev *nd;  /* NULL: no guest attached */
	u8 mac[ETH_ALEN];
	guest_port_rx_fn rx;
	void *ctx;
	bool open;
	struct guest_port_stats stats;
	u8 padded[ETH_ZLEN];
} port;

static bool unicast_set(const u8 *m)
{
	return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

/* The NIC accepts mac too: a second receive address, or nothing to do for
 * a device that receives every frame (add_rx_mac NULL, netdev.h). */
static int accept_mac(struct netdev *nd, const u8 mac[ETH_ALEN])
{
	return nd->ops->add_rx_mac ? nd->ops->add_rx_mac(nd, mac) : 0;
}

int guest_port_attach(struct netdev *nd, const u8 mac[ETH_ALEN], guest_port_rx_fn rx, void *ctx)
{
	char s[NETDEV_MAC_STR_LEN];
	int err;

	netdev_mac_str(mac, s);
	if (!nd) {
		pr_warn("guest NIC: no host network (ip= off or no NIC): %s is not connected", s);
		return -ENODEV;
	}
	if (!unicast_set(mac) || !memcmp(mac, nd->mac, ETH_ALEN)) {
		pr_err("guest NIC: guest_mac=%s must be a unicast address other than the hypervisor's", s);
		return -EINVAL;
	}
	if ((err = accept_mac(nd, mac))) {
		pr_err("guest NIC: %s cannot receive for a second address %s (%d)", nd->name, s, err);
		return err;
	}
	memcpy(port.mac, mac, ETH_ALEN);
	port.rx = rx;
	port.ctx = ctx;
	port.nd = nd;
	pr_info("guest NIC: on the host NIC %s: guest %s, hypervisor %s", nd->name, s,
		netdev_mac_str(nd->mac, (char[NETDEV_MAC_STR_LEN]){ 0 }));
	return 0;
}

void guest_port_detach(void)
{
	memset(&port, 0, sizeof(port));
}

void guest_port_open(bool open)
{
	port.open = open;
}

bool guest_port_attached(void)
{
	return port.nd != NULL;
}

const struct guest_port_stats *guest_port_stats(void)
{
	return &port.stats;
}

/* Counts why a frame of the guest's did not go out; true when it may. */
static bool tx_allowed(const u8 *frame, size_t len)
{
	if (guest_tx_check(frame, len, port.nd->mac) == GUEST_TX_OK)
		return true;
	port.stats.tx_bad++;
	return false;
}

void guest_port_send(const u8 *frame, size_t len)
{
	int err;

	if (!port.nd || !tx_allowed(frame, len))
		return;
	if (len < ETH_ZLEN) { /* padded as lwIP's frames are (net/netif.c) */
		memset(port.padded, 0, sizeof(port.padded));
		memcpy(port.padded, frame, len);
		frame = port.padded;
		len = ETH_ZLEN;
	}
	err = port.nd->ops->send(port.nd, frame, len);
	if (err == -EAGAIN) {
		port.stats.tx_ring_full++;
		return;
	}
	if (err) {
		port.stats.tx_bad++;
		return;
	}
	port.stats.tx_frames++;
	port.stats.tx_bytes += len;
}

/* One frame for the guest, if delivery is open. */
static void to_guest(const u8 *frame, size_t len)
{
	if (!port.open) {
		port.stats.rx_closed++;
		return;
	}
	if (!port.rx(port.ctx, frame, len)) {
		port.stats.rx_refused++;
		return;
	}
	port.stats.rx_frames++;
	port.stats.rx_bytes += len;
}

bool guest_port_demux(const u8 own[ETH_ALEN], const u8 *frame, size_t len)
{
	enum frame_dest dest;

	if (!port.nd || len < ETH_HLEN || len > ETH_FRAME_MAX)
		return true; /* lwIP's receive path counts bad lengths */
	dest = frame_demux(frame, len, own, port.mac);
	if (dest == FRAME_DROP)
		port.stats.rx_others++;
	if (dest & FRAME_TO_GUEST)
		to_guest(frame, len);
	return dest & FRAME_TO_STACK;
}
