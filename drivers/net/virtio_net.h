/* virtio-net through the legacy virtio PCI interface (QEMU's transitional
 * virtio-net-pci, 1AF4:1000): polled, no offloads. */
#ifndef UNDERSTUDY_DRIVERS_NET_VIRTIO_NET_H
#define UNDERSTUDY_DRIVERS_NET_VIRTIO_NET_H

#include "compiler.h"
#include "drivers/pci/pci.h"
#include "types.h"

#define VIRTIO_VENDOR 0x1AF4
#define VIRTIO_DEV_NET_TRANSITIONAL 0x1000 /* Virtio 1.0, 4.1.2.3 "Legacy Interfaces" */

/* Virtio 1.0, 4.1.4.8 "Legacy Interfaces: A Note on PCI Device Layout":
 * the registers in BAR0 (I/O space) */
enum virtio_legacy_reg {
	VIRTIO_PCI_HOST_FEATURES = 0x00,  /* u32, device features bits 0-31 */
	VIRTIO_PCI_GUEST_FEATURES = 0x04, /* u32, driver features bits 0-31 */
	VIRTIO_PCI_QUEUE_PFN = 0x08,      /* u32, queue address >> 12 */
	VIRTIO_PCI_QUEUE_NUM = 0x0C,      /* u16, queue size (read-only) */
	VIRTIO_PCI_QUEUE_SEL = 0x0E,      /* u16, queue select */
	VIRTIO_PCI_QUEUE_NOTIFY = 0x10,   /* u16, queue notify */
	VIRTIO_PCI_STATUS = 0x12,         /* u8, device status */
	VIRTIO_PCI_ISR = 0x13,            /* u8, ISR status (clear on read) */
	VIRTIO_PCI_CONFIG = 0x14,         /* device config, MSI-X disabled */
	VIRTIO_PCI_CONFIG_MSIX = 0x18,    /* device config, MSI-X enabled */
};
#define VIRTIO_PCI_QUEUE_PFN_SHIFT 12

/* 2.1 "Device Status Field" */
#define VIRTIO_STATUS_ACKNOWLEDGE 1 /* the guest noticed the device */
#define VIRTIO_STATUS_DRIVER 2      /* and knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK 4   /* the driver is ready */
#define VIRTIO_STATUS_FAILED 128    /* the driver gave up */

/* 5.1.3 "Feature bits" */
#define VIRTIO_NET_F_MAC 5          /* device config has a MAC address */
#define VIRTIO_NET_F_MRG_RXBUF 15   /* merged receive buffers (not used) */
#define VIRTIO_NET_F_STATUS 16      /* device config has a link status */

/* 5.1.2 "Virtqueues" */
#define VIRTIO_NET_QUEUE_RX 0       /* receiveq1 */
#define VIRTIO_NET_QUEUE_TX 1       /* transmitq1 */

/* 5.1.4 "Device configuration layout": offsets into the device config */
#define VIRTIO_NET_CFG_MAC 0        /* u8 mac[6] */
#define VIRTIO_NET_CFG_STATUS 6     /* u16 status */
#define VIRTIO_NET_S_LINK_UP 1

/* 5.1.6 "Device Operation": the header before every frame. Without
 * VIRTIO_NET_F_MRG_RXBUF a legacy device omits num_buffers (5.1.6.1
 * "Legacy Interface: Device Operation"), leaving 10 bytes. */
struct virtio_net_hdr {
	u8 flags;
	u8 gso_type;        /* VIRTIO_NET_HDR_GSO_NONE */
	u16 hdr_len;
	u16 gso_size;
	u16 csum_start;
	u16 csum_offset;
} __packed;
ASSERT_SIZE(struct virtio_net_hdr, 10);
ASSERT_OFFSET(struct virtio_net_hdr, hdr_len, 2);
ASSERT_OFFSET(struct virtio_net_hdr, csum_offset, 8);

#define VIRTIO_NET_HDR_GSO_NONE 0

extern const struct pci_driver virtio_net_driver;

#endif
