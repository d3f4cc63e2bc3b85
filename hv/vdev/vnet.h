/*
 * The guest's NIC: a virtio-net device behind the legacy interface of a
 * transitional virtio PCI device (Virtio 1.0, 4.1.2.3 "Legacy Interfaces:
 * A Note on PCI Device Discovery": 1AF4:1000, subsystem 1; 4.1.4.8 "Legacy
 * Interfaces: A Note on PCI Device Layout": the registers in I/O BAR0;
 * 5.1 "Network Device"). It offers VIRTIO_NET_F_MAC and
 * VIRTIO_NET_F_STATUS (link always up) and no offloads; one receive and
 * one transmit queue, read through the fault-safe guest-memory accessors
 * (vring.h). A malformed ring puts the device in NEEDS_RESET (2.1 "Device
 * Status Field") until the driver resets it; it never hurts the
 * hypervisor. Transmitted frames go to a backend; received frames come in
 * through vnet_receive, the one function that writes them into guest
 * memory and raises the interrupt (record/replay will log and replay it).
 * Pure code (host-tested).
 */
#ifndef UNDERSTUDY_HV_VDEV_VNET_H
#define UNDERSTUDY_HV_VDEV_VNET_H

#include "hv/vdev/pci_host.h"
#include "hv/vdev/vdev.h"
#include "hv/vdev/vring.h"

#define VNET_MAC_LEN 6
#define VNET_QUEUE_SIZE 256     /* entries per queue (QEMU's default) */
#define VNET_QUEUES 2           /* receiveq1, transmitq1 */
#define VNET_BAR_SIZE 32        /* the 20 legacy registers and 8 bytes of config, rounded up */
#define VNET_HDR_LEN 10         /* struct virtio_net_hdr without num_buffers */
#define VNET_FRAME_MAX 1518     /* an Ethernet frame with a VLAN tag, no FCS */
#define VNET_STATUS_NEEDS_RESET 64 /* 2.1 "Device Status Field" */
#define VNET_ISR_QUEUE 1        /* 4.1.4.5 "ISR status capability": a used buffer */
#define VNET_ISR_CONFIG 2       /* a configuration change */
#define VNET_HOST_FEATURES ((1u << 5) | (1u << 16)) /* 5.1.3: VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS */

/* Where frames the guest transmits go (len bytes without the virtio-net
 * header). */
struct vnet_backend {
	void (*transmit)(void *ctx, const u8 *frame, size_t len);
	void *ctx;
};

struct vnet_stats {
	u64 tx_frames, tx_bytes, tx_dropped; /* dropped: longer than VNET_FRAME_MAX */
	u64 rx_frames, rx_bytes, rx_dropped; /* dropped: no buffer posted, or one too small */
	u64 interrupts, suppressed;          /* raised; not raised (NO_INTERRUPT) */
	u64 ring_errors;
};

struct vnet {
	struct vpci_fn pci;
	u8 mac[VNET_MAC_LEN];
	u32 guest_features;
	u16 queue_sel;
	u8 status, isr;
	struct vring queue[VNET_QUEUES];
	struct irq_line irq;
	struct vring_mem mem;
	struct vnet_backend backend;
	void (*on_error)(void *ctx, const char *why); /* told once per malformed ring */
	void *error_ctx;
	struct vnet_stats stats;
	struct vring_chain chain;                     /* the chain being used (off the stack) */
	u8 frame[VNET_HDR_LEN + VNET_FRAME_MAX];
};

/* A device with that MAC, its INTx on irq (asserted = true), Interrupt Line
 * line, and its I/O BAR not yet placed. */
void vnet_init(struct vnet *n, const u8 mac[VNET_MAC_LEN], struct irq_line irq, u8 line,
	       struct vring_mem mem, struct vnet_backend backend);

/* The I/O BAR's registers (offset 0 to VNET_BAR_SIZE-1). */
u64 vnet_io_read(void *dev, u64 offset, u8 size);
void vnet_io_write(void *dev, u64 offset, u8 size, u64 value);

/* A frame arriving for the guest: written with a virtio-net header into
 * the next posted receive buffer, then the interrupt (unless suppressed).
 * false when it was dropped (driver not ready, no buffer, buffer too
 * small, frame too long, or the ring broken). */
bool vnet_receive(struct vnet *n, const u8 *frame, size_t len);

/* Would vnet_receive of a len-byte frame touch the guest (a receive
 * buffer is posted, or the ring turns out malformed), rather than drop it
 * untouched? Record/replay logs exactly the frames it is true for. */
bool vnet_rx_ready(const struct vnet *n, size_t len);

/* After a write to the command register or BAR0 (vpci_fn.changed): the
 * interrupt disable bit gates INTx. */
void vnet_pci_changed(struct vnet *n);

/* The device's and the bus's state in a snapshot (vnet_state.c; the
 * VSTATE_SAVE_LOAD pairs of hv/vdev/vdev_state.h). */
size_t vnet_state_save(const struct vnet *n, u8 *buf, size_t cap);
int vnet_state_load(struct vnet *n, const u8 *in, size_t len);
size_t vpci_state_save(const struct vpci *pci, u8 *buf, size_t cap);
int vpci_state_load(struct vpci *pci, const u8 *in, size_t len);

/* Is the driver running the device (DRIVER_OK, not NEEDS_RESET)? */
bool vnet_running(const struct vnet *n);

#endif
