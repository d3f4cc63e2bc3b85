/* The guest's virtio-net device, legacy interface (vnet.h). */
#include "hv/vdev/vnet.h"

#include <string.h>

#include "drivers/net/virtio_net.h"

#define HOST_FEATURES VNET_HOST_FEATURES
STATIC_ASSERT(VNET_HOST_FEATURES == ((1u << VIRTIO_NET_F_MAC) | (1u << VIRTIO_NET_F_STATUS)),
	      "the features offered are MAC and STATUS");
#define CLASS_ETHERNET 0x020000      /* PCI Code and ID Assignment 1.11: network, Ethernet */
#define SUBSYSTEM_NET 1              /* 4.1.2.3: the legacy subsystem ID is the device type */
#define INTX_PIN_A 1                 /* PCI 3.0, 6.2.4: Interrupt Pin 1 = INTA# */

STATIC_ASSERT(VIRTIO_PCI_CONFIG + VIRTIO_NET_CFG_STATUS + 2 <= VNET_BAR_SIZE,
	      "the registers and the device config fit the BAR");

static const struct vpci_id vnet_id = {
	.vendor = VIRTIO_VENDOR, .device = VIRTIO_DEV_NET_TRANSITIONAL,
	.class_code = CLASS_ETHERNET, .subsystem_vendor = VIRTIO_VENDOR,
	.subsystem = SUBSYSTEM_NET,
};

void vnet_init(struct vnet *n, const u8 mac[VNET_MAC_LEN], struct irq_line irq, u8 line,
	       struct vring_mem mem, struct vnet_backend backend)
{
	memset(n, 0, sizeof(*n));
	vpci_fn_init(&n->pci, &vnet_id);
	vpci_fn_io_bar(&n->pci, 0, VNET_BAR_SIZE);
	vpci_fn_intx(&n->pci, INTX_PIN_A, line);
	memcpy(n->mac, mac, VNET_MAC_LEN);
	n->irq = irq;
	n->mem = mem;
	n->backend = backend;
}

bool vnet_running(const struct vnet *n)
{
	return (n->status & VIRTIO_STATUS_DRIVER_OK) && !(n->status & VNET_STATUS_NEEDS_RESET);
}

/* INTx follows the ISR (4.1.5.3 "Notification of Device Configuration
 * Changes", 4.1.5.4 "Notification of Used Buffers": level-triggered until
 * the driver reads the ISR), unless the command register disables it. */
static void update_irq(struct vnet *n)
{
	irq_line_set(&n->irq, n->isr && !vpci_fn_intx_disabled(&n->pci));
}

/* The driver is told of used buffers in q, unless it suppressed that. */
static void used_notify(struct vnet *n, const struct vring *q)
{
	if (!vring_wants_interrupt(q, &n->mem)) {
		n->stats.suppressed++;
		return;
	}
	n->stats.interrupts++;
	n->isr |= VNET_ISR_QUEUE;
	update_irq(n);
}

/* A malformed ring: NEEDS_RESET, a configuration-change interrupt if the
 * driver is running (2.1.2 "Device Requirements: Device Status Field"),
 * and one report until the driver resets the device. */
static void ring_broken(struct vnet *n, const struct vring *q)
{
	if (n->status & VNET_STATUS_NEEDS_RESET)
		return;
	n->stats.ring_errors++;
	if (n->on_error)
		n->on_error(n->error_ctx, vring_error_name(q->error));
	n->status |= VNET_STATUS_NEEDS_RESET;
	if (n->status & VIRTIO_STATUS_DRIVER_OK) {
		n->isr |= VNET_ISR_CONFIG;
		update_irq(n);
	}
}

/* 4.1.4.8: writing 0 to the status resets the device. */
static void reset(struct vnet *n)
{
	n->guest_features = 0;
	n->queue_sel = 0;
	n->status = 0;
	n->isr = 0;
	memset(n->queue, 0, sizeof(n->queue));
	update_irq(n);
}

/* One transmitted chain: header and frame to the backend. */
static void transmit_chain(struct vnet *n, const struct vring_chain *c, long got)
{
	if (c->readable_len > sizeof(n->frame) || got < VNET_HDR_LEN) {
		n->stats.tx_dropped++;
		return;
	}
	n->stats.tx_frames++;
	n->stats.tx_bytes += (u64)got - VNET_HDR_LEN;
	if (n->backend.transmit)
		n->backend.transmit(n->backend.ctx, n->frame + VNET_HDR_LEN, (size_t)got - VNET_HDR_LEN);
}

/* The driver notified transmitq1: sends every chain it made available. */
static void transmit_all(struct vnet *n)
{
	struct vring *q = &n->queue[VIRTIO_NET_QUEUE_TX];
	const struct vring_chain *c = &n->chain;
	bool used = false;
	int r;

	while ((r = vring_pop(q, &n->mem, &n->chain)) > 0) {
		long got = vring_gather(c, &n->mem, 0, n->frame, sizeof(n->frame));

		if (got < 0 || vring_push(q, &n->mem, c->head, 0)) {
			r = -1;
			break;
		}
		transmit_chain(n, c, got);
		used = true;
	}
	if (used)
		used_notify(n, q);
	if (r < 0)
		ring_broken(n, q);
}

/* The next posted receive buffer into n->chain; false when there is none
 * or the ring is broken. */
static bool take_rx_buffer(struct vnet *n)
{
	struct vring *q = &n->queue[VIRTIO_NET_QUEUE_RX];
	int r = vring_pop(q, &n->mem, &n->chain);

	if (r < 0)
		ring_broken(n, q);
	return r > 0;
}

bool vnet_rx_ready(const struct vnet *n, size_t len)
{
	return vnet_running(n) && len <= VNET_FRAME_MAX &&
	       vring_can_pop(&n->queue[VIRTIO_NET_QUEUE_RX], &n->mem);
}

bool vnet_receive(struct vnet *n, const u8 *frame, size_t len)
{
	struct vring *q = &n->queue[VIRTIO_NET_QUEUE_RX];
	u32 total = (u32)(VNET_HDR_LEN + len);

	if (!vnet_running(n) || len > VNET_FRAME_MAX || !take_rx_buffer(n)) {
		n->stats.rx_dropped++;
		return false;
	}
	memset(n->frame, 0, VNET_HDR_LEN); /* no checksum, VIRTIO_NET_HDR_GSO_NONE */
	memcpy(n->frame + VNET_HDR_LEN, frame, len);
	if (n->chain.writable_len < total)
		total = 0; /* returned empty: the driver counts a length error */
	if ((total && vring_scatter(&n->chain, &n->mem, n->frame, total) < 0) ||
	    vring_push(q, &n->mem, n->chain.head, total)) {
		ring_broken(n, q);
		n->stats.rx_dropped++;
		return false;
	}
	used_notify(n, q);
	if (!total) {
		n->stats.rx_dropped++;
		return false;
	}
	n->stats.rx_frames++;
	n->stats.rx_bytes += len;
	return true;
}

static void notify(struct vnet *n, u16 queue)
{
	if (vnet_running(n) && queue == VIRTIO_NET_QUEUE_TX)
		transmit_all(n);
	/* receiveq1: the new buffers wait for vnet_receive */
}

static void set_queue_pfn(struct vnet *n, u32 pfn)
{
	if (n->queue_sel < VNET_QUEUES)
		vring_setup(&n->queue[n->queue_sel], (u64)pfn << VIRTIO_PCI_QUEUE_PFN_SHIFT,
			    VNET_QUEUE_SIZE);
}

/* The register file as the driver reads it (4.1.4.8), device config after
 * it (no MSI-X: at VIRTIO_PCI_CONFIG). */
static void register_image(const struct vnet *n, u8 img[VNET_BAR_SIZE])
{
	bool q = n->queue_sel < VNET_QUEUES;
	u32 pfn = q ? (u32)(n->queue[n->queue_sel].base >> VIRTIO_PCI_QUEUE_PFN_SHIFT) : 0;
	u16 num = q ? VNET_QUEUE_SIZE : 0, link = VIRTIO_NET_S_LINK_UP;
	u32 host = HOST_FEATURES;

	memset(img, 0, VNET_BAR_SIZE);
	memcpy(img + VIRTIO_PCI_HOST_FEATURES, &host, 4);
	memcpy(img + VIRTIO_PCI_GUEST_FEATURES, &n->guest_features, 4);
	memcpy(img + VIRTIO_PCI_QUEUE_PFN, &pfn, 4);
	memcpy(img + VIRTIO_PCI_QUEUE_NUM, &num, 2);
	memcpy(img + VIRTIO_PCI_QUEUE_SEL, &n->queue_sel, 2);
	img[VIRTIO_PCI_STATUS] = n->status;
	img[VIRTIO_PCI_ISR] = n->isr;
	memcpy(img + VIRTIO_PCI_CONFIG + VIRTIO_NET_CFG_MAC, n->mac, VNET_MAC_LEN);
	memcpy(img + VIRTIO_PCI_CONFIG + VIRTIO_NET_CFG_STATUS, &link, 2);
}

u64 vnet_io_read(void *dev, u64 offset, u8 size)
{
	struct vnet *n = dev;
	u8 img[VNET_BAR_SIZE];
	u64 v = 0;

	if (offset >= VNET_BAR_SIZE || size > VNET_BAR_SIZE - offset)
		return ~0ull;
	register_image(n, img);
	for (u8 i = 0; i < size; i++)
		v |= (u64)img[offset + i] << (8 * i);
	if (offset <= VIRTIO_PCI_ISR && offset + size > VIRTIO_PCI_ISR) {
		n->isr = 0; /* 4.1.4.5: reading the ISR clears it and the interrupt */
		update_irq(n);
	}
	return v;
}

void vnet_io_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vnet *n = dev;

	if (offset == VIRTIO_PCI_GUEST_FEATURES && size == 4)
		n->guest_features = (u32)value & HOST_FEATURES;
	else if (offset == VIRTIO_PCI_QUEUE_PFN && size == 4)
		set_queue_pfn(n, (u32)value);
	else if (offset == VIRTIO_PCI_QUEUE_SEL && size == 2)
		n->queue_sel = (u16)value;
	else if (offset == VIRTIO_PCI_QUEUE_NOTIFY && size == 2)
		notify(n, (u16)value);
	else if (offset == VIRTIO_PCI_STATUS && size == 1 && !(u8)value)
		reset(n);
	else if (offset == VIRTIO_PCI_STATUS && size == 1)
		n->status = (u8)((value & ~VNET_STATUS_NEEDS_RESET) | (n->status & VNET_STATUS_NEEDS_RESET));
	/* the rest (device config included: the MAC is the host's) is read-only */
}

/* The command register changed: its interrupt disable bit gates INTx. */
void vnet_pci_changed(struct vnet *n)
{
	update_irq(n);
}
