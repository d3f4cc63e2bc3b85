/*
 * virtio-net over the legacy PCI interface (Virtio 1.0, 4.1.4.8 "Legacy
 * Interfaces: A Note on PCI Device Layout", 5.1 "Network Device"): reset,
 * features (only VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS), one receive and
 * one transmit split virtqueue in page-allocator memory, polled. Without
 * VIRTIO_F_ANY_LAYOUT the header goes in a descriptor of its own (5.1.6.6
 * "Legacy Interface: Framing Requirements"), so each buffer is a chain of
 * two: descriptor 2s the header, 2s + 1 the frame.
 */
#include "drivers/net/virtio_net.h"

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "drivers/net/netdev.h"
#include "drivers/net/virtq.h"
#include "drivers/pci/pci_regs.h"
#include "errno.h"
#include "log.h"
#include "string.h"

#define VNET_SLOTS_MAX 64              /* buffers per queue (2 descriptors each) */
#define VNET_BUF_SIZE 2048             /* frame part of a buffer */
#define VNET_BUF_PAGES (VNET_SLOTS_MAX * VNET_BUF_SIZE / 4096)
#define VNET_RESET_TIMEOUT_NS 10000000ull
#define VNET_MAX_DEVICES NETDEV_MAX
#define VNET_HDR_LEN sizeof(struct virtio_net_hdr)
#define VNET_FEATURES (BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS))

STATIC_ASSERT(VNET_BUF_SIZE >= ETH_FRAME_MAX, "a receive buffer holds a whole frame");
STATIC_ASSERT(VNET_SLOTS_MAX * sizeof(struct virtio_net_hdr) <= 4096, "headers fit a page");

struct vnet_queue {
	struct virtq vq;
	u16 index;                     /* VIRTIO_NET_QUEUE_* */
	unsigned slots;                /* min(queue size / 2, VNET_SLOTS_MAX) */
	struct virtio_net_hdr *hdr;    /* slots headers */
	u8 *buf;                       /* slots * VNET_BUF_SIZE */
};

struct vnet {
	struct netdev nd;
	const struct pci_dev *pci;
	u16 io;                        /* BAR0 port base */
	u16 cfg;                       /* device config offset in BAR0 */
	u32 features;                  /* negotiated */
	struct vnet_queue rx, tx;
	bool tx_busy[VNET_SLOTS_MAX];  /* the device still holds the slot */
	unsigned tx_next;              /* slot the next frame goes to */
};

static struct vnet nics[VNET_MAX_DEVICES];
static unsigned nic_count;

static u8 *slot_buf(const struct vnet_queue *q, unsigned s)
{
	return q->buf + (u64)s * VNET_BUF_SIZE;
}

static void notify(struct vnet *v, struct vnet_queue *q)
{
	if (virtq_needs_notify(&q->vq))
		outw(v->io + VIRTIO_PCI_QUEUE_NOTIFY, q->index);
}

/* Writing 0 to the status resets the device (2.1 "Device Status Field");
 * then waits, bounded, for it to read back 0 (3.1.1 "Driver Requirements:
 * Device Initialization"). The only wait in this driver. */
static int reset(struct vnet *v)
{
	u64 timeout = rdtsc() + time_ns_to_tsc(VNET_RESET_TIMEOUT_NS);

	outb(v->io + VIRTIO_PCI_STATUS, 0);
	while (inb(v->io + VIRTIO_PCI_STATUS)) {
		if (rdtsc() >= timeout)
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

static void set_status(struct vnet *v, u8 bits)
{
	outb(v->io + VIRTIO_PCI_STATUS, inb(v->io + VIRTIO_PCI_STATUS) | bits);
}

/* Legacy queue set-up (4.1.4.8): selects queue index, takes the size the
 * device dictates (read-only in the legacy interface), lays the rings out
 * in zeroed 4096-aligned memory (2.4.2 "Legacy Interfaces: A Note on
 * Virtqueue Layout") and hands the device its page frame number. */
static int setup_queue(struct vnet *v, struct vnet_queue *q, u16 index)
{
	struct virtq_layout layout;
	phys_addr_t pa;
	u16 size;
	u8 *ring;

	outw(v->io + VIRTIO_PCI_QUEUE_SEL, index);
	size = inw(v->io + VIRTIO_PCI_QUEUE_NUM);
	if (virtq_legacy_layout(size, &layout) || size < 2)
		return -ENODEV;
	/* One zeroed block: the rings, a page of headers, the buffers. */
	if (page_alloc(layout.size / 4096 + 1 + VNET_BUF_PAGES, 1, &pa))
		return -ENOMEM;
	ring = phys_to_virt(pa);
	q->hdr = (struct virtio_net_hdr *)(ring + layout.size);
	q->buf = ring + layout.size + 4096;
	if (pa >> (32 + VIRTIO_PCI_QUEUE_PFN_SHIFT)) {
		page_free(pa, layout.size / 4096 + 1 + VNET_BUF_PAGES);
		return -ERANGE; /* the PFN register has 32 bits */
	}
	virtq_init(&q->vq, ring, size);
	q->index = index;
	q->slots = MIN(size / 2u, (unsigned)VNET_SLOTS_MAX);
	outl(v->io + VIRTIO_PCI_QUEUE_PFN, (u32)(virt_to_phys(ring) >> VIRTIO_PCI_QUEUE_PFN_SHIFT));
	return 0;
}

/* Builds slot s's two-descriptor chain: header, then frame. The device
 * writes both on the receive queue and reads both on the transmit queue. */
static void chain_slot(struct vnet_queue *q, unsigned s, u32 frame_len, bool device_writes)
{
	u16 w = device_writes ? VIRTQ_DESC_F_WRITE : 0;
	u16 head = (u16)(2 * s);

	virtq_set_desc(&q->vq, head, virt_to_phys(&q->hdr[s]), VNET_HDR_LEN,
		       w | VIRTQ_DESC_F_NEXT, head + 1);
	virtq_set_desc(&q->vq, head + 1, virt_to_phys(slot_buf(q, s)), frame_len, w, 0);
}

/* Offers every receive buffer to the device. */
static void fill_rx(struct vnet *v)
{
	for (unsigned s = 0; s < v->rx.slots; s++) {
		chain_slot(&v->rx, s, VNET_BUF_SIZE, true);
		virtq_publish(&v->rx.vq, (u16)(2 * s));
	}
	notify(v, &v->rx);
}

static u8 cfg_read8(struct vnet *v, u16 off)
{
	return inb(v->io + v->cfg + off);
}

/* The MAC from the device config when offered, else a made-up one:
 * 02 (locally administered, unicast), 55:4e, then the PCI location. */
static void read_mac(struct vnet *v)
{
	u8 *mac = v->nd.mac;

	if (v->features & BIT(VIRTIO_NET_F_MAC)) {
		for (int i = 0; i < ETH_ALEN; i++)
			mac[i] = cfg_read8(v, VIRTIO_NET_CFG_MAC + i);
		return;
	}
	mac[0] = 0x02;
	mac[1] = 0x55;
	mac[2] = 0x4E;
	mac[3] = v->pci->bus;
	mac[4] = v->pci->dev;
	mac[5] = v->pci->fn;
}

/* Gives back transmit slots the device has finished with. */
static void reclaim_tx(struct vnet *v)
{
	u32 id, len;

	while (virtq_pop_used(&v->tx.vq, &id, &len)) {
		unsigned s = id / 2;

		if (s < v->tx.slots)
			v->tx_busy[s] = false;
	}
}

/* Copies the frame into the next transmit slot (a zeroed header: no
 * checksum offload, no GSO) and offers its chain; -EAGAIN while the device
 * still holds that slot. */
static int vnet_send(struct netdev *nd, const void *frame, size_t len)
{
	struct vnet *v = nd->priv;
	unsigned s = v->tx_next;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	reclaim_tx(v);
	if (v->tx_busy[s]) {
		nd->stats.tx_dropped++;
		return -EAGAIN;
	}
	memset(&v->tx.hdr[s], 0, VNET_HDR_LEN);
	memcpy(slot_buf(&v->tx, s), frame, len);
	chain_slot(&v->tx, s, (u32)len, false);
	v->tx_busy[s] = true;
	v->tx_next = (s + 1) % v->tx.slots;
	virtq_publish(&v->tx.vq, (u16)(2 * s));
	notify(v, &v->tx);
	nd->stats.tx_packets++;
	nd->stats.tx_bytes += len;
	return 0;
}

/* Hands used receive buffers to rx, re-offers each, and notifies the device
 * once for all of them. len counts the header and the frame. */
static int vnet_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, int budget)
{
	struct vnet *v = nd->priv;
	int done = 0, returned = 0;
	u32 id, len;

	reclaim_tx(v);
	while (done < budget && virtq_pop_used(&v->rx.vq, &id, &len)) {
		unsigned s = id / 2;
		size_t frame_len = len - VNET_HDR_LEN;

		if (id % 2 || s >= v->rx.slots) {
			nd->stats.rx_errors++; /* not a head we offered: leave it */
			continue;
		}
		if (len < VNET_HDR_LEN + ETH_HLEN || frame_len > ETH_FRAME_MAX) {
			nd->stats.rx_errors++;
		} else {
			rx(ctx, slot_buf(&v->rx, s), frame_len);
			nd->stats.rx_packets++;
			nd->stats.rx_bytes += frame_len;
			done++;
		}
		virtq_publish(&v->rx.vq, (u16)id);
		returned++;
	}
	if (returned)
		notify(v, &v->rx);
	return done;
}

static bool vnet_link_up(struct netdev *nd)
{
	struct vnet *v = nd->priv;

	if (!(v->features & BIT(VIRTIO_NET_F_STATUS)))
		return true; /* 5.1.4: without the feature the link is assumed up */
	return inw(v->io + v->cfg + VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
}

/* A legacy device takes a new address written into its config (what
 * Linux's virtio_net does without VIRTIO_NET_F_CTRL_MAC_ADDR); without
 * VIRTIO_NET_F_MAC there is no such field and the device filters nothing. */
static int vnet_set_mac(struct netdev *nd, const u8 mac[ETH_ALEN])
{
	static const u8 zero[ETH_ALEN];
	struct vnet *v = nd->priv;

	if ((mac[0] & 1) || !memcmp(mac, zero, ETH_ALEN))
		return -EINVAL;
	if (v->features & BIT(VIRTIO_NET_F_MAC))
		for (int i = 0; i < ETH_ALEN; i++)
			outb(v->io + v->cfg + VIRTIO_NET_CFG_MAC + i, mac[i]);
	memcpy(nd->mac, mac, ETH_ALEN);
	return 0;
}

static const struct netdev_ops vnet_ops = {
	.send = vnet_send,
	.poll = vnet_poll,
	.link_up = vnet_link_up,
	.refresh_stats = NULL, /* the device keeps no counters; nd->stats is all */
	.set_mac = vnet_set_mac,
	/* No receive filter to program: without VIRTIO_NET_F_CTRL_RX the
	 * driver cannot ask for one, and QEMU's device starts promiscuous
	 * (hw/net/virtio-net.c, virtio_net_reset: "Reset back to compatibility
	 * mode", promisc = 1), as test/system/guest_nic.sh's virtio-net host NIC
	 * case shows: the guest's frames reach it. */
	.add_rx_mac = NULL,
};

/* Device config follows the MSI-X registers when MSI-X is on (4.1.4.8). */
static u16 config_offset(const struct pci_dev *pci)
{
	u8 msix = pci_find_capability(pci, PCI_CAP_ID_MSIX);

	if (msix && (pci_read16(pci, msix + PCI_MSIX_CONTROL) & PCI_MSIX_CONTROL_ENABLE))
		return VIRTIO_PCI_CONFIG_MSIX;
	return VIRTIO_PCI_CONFIG;
}

/* 3.1.1 "Driver Requirements: Device Initialization" with 3.1.2 "Legacy
 * Interface: Device Initialization" (no FEATURES_OK step). */
static int bring_up(struct vnet *v)
{
	u32 offered;
	int err;

	if ((err = reset(v)))
		return err;
	set_status(v, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(v, VIRTIO_STATUS_DRIVER);
	offered = inl(v->io + VIRTIO_PCI_HOST_FEATURES);
	v->features = offered & VNET_FEATURES;
	outl(v->io + VIRTIO_PCI_GUEST_FEATURES, v->features);
	if ((err = setup_queue(v, &v->rx, VIRTIO_NET_QUEUE_RX)) ||
	    (err = setup_queue(v, &v->tx, VIRTIO_NET_QUEUE_TX))) {
		set_status(v, VIRTIO_STATUS_FAILED);
		return err;
	}
	read_mac(v);
	set_status(v, VIRTIO_STATUS_DRIVER_OK);
	fill_rx(v);
	return 0;
}

static void report(struct vnet *v)
{
	char mac[NETDEV_MAC_STR_LEN];

	pr_info("virtio-net: %02x:%02x.%x MAC %s%s, link %s, features %#x, queues %u/%u "
		"(%u RX / %u TX buffers), polled", v->pci->bus, v->pci->dev, v->pci->fn,
		netdev_mac_str(v->nd.mac, mac),
		v->features & BIT(VIRTIO_NET_F_MAC) ? "" : " (made up)",
		vnet_link_up(&v->nd) ? "up" : "down", v->features, v->rx.vq.size, v->tx.vq.size,
		v->rx.slots, v->tx.slots);
}

static int virtio_net_probe(const struct pci_dev *pci)
{
	struct vnet *v;
	struct pci_bar bar0;
	int err;

	if (nic_count == VNET_MAX_DEVICES)
		return -ENOSPC;
	v = &nics[nic_count];
	*v = (struct vnet){
		.pci = pci,
		.nd = { .name = "virtio-net", .ops = &vnet_ops, .priv = v,
			.pci_bus = pci->bus, .pci_dev = pci->dev, .pci_fn = pci->fn },
	};
	if (pci_bar(pci, 0, &bar0) || !bar0.io || bar0.base > 0xFFFF) {
		pr_err("virtio-net: %02x:%02x.%x: BAR0 is not an I/O BAR (no legacy interface)",
		       pci->bus, pci->dev, pci->fn);
		return -ENODEV;
	}
	v->io = (u16)bar0.base;
	v->cfg = config_offset(pci);
	pci_enable(pci);
	if ((err = bring_up(v))) {
		pr_err("virtio-net: %02x:%02x.%x: initialization failed (%d)", pci->bus, pci->dev,
		       pci->fn, err);
		return err;
	}
	report(v);
	if ((err = netdev_register(&v->nd))) {
		reset(v);
		return err;
	}
	nic_count++;
	return 0;
}

static const u16 virtio_net_ids[] = { VIRTIO_DEV_NET_TRANSITIONAL, 0 };

const struct pci_driver virtio_net_driver = {
	.name = "virtio-net",
	.vendor = VIRTIO_VENDOR,
	.devices = virtio_net_ids,
	.probe = virtio_net_probe,
};
