// sources: hv/vdev/vnet.c hv/vdev/vring.c hv/vdev/pci_host.c drivers/net/virtq.c hv/io_bus.c
/*
 * hv/vdev/vnet.c: the legacy virtio-net register file as Linux's
 * virtio_pci_legacy drives it (features, queue set-up, status, ISR read-
 * to-clear, the MAC and link status in the device config), transmission to
 * the backend, reception (a loop-back backend hands transmitted frames
 * back), interrupt suppression, INTx disable, and a malformed ring putting
 * the device into NEEDS_RESET with one report until a reset.
 */
#include "vdev_helpers.h"

#include "drivers/net/virtio_net.h"
#include "hv/vdev/vnet.h"
#include "vring_fixture.h"

#define RX_BASE 0x4000
#define TX_BASE 0x8000
#define IRQ 11
#define HDR VNET_HDR_LEN

struct fixture {
	struct vnet n;
	struct virtq rx, tx;  /* the driver's side */
	struct irq_rec irq;
	bool loopback;
	unsigned frames, errors;
	size_t last_len;
	u8 last[VNET_FRAME_MAX];
	const char *why;
};

static void backend_transmit(void *ctx, const u8 *frame, size_t len)
{
	struct fixture *f = ctx;

	f->frames++;
	f->last_len = len;
	memcpy(f->last, frame, len);
	if (f->loopback)
		vnet_receive(&f->n, frame, len);
}

static void on_error(void *ctx, const char *why)
{
	struct fixture *f = ctx;

	f->errors++;
	f->why = why;
}

static u64 rd(struct fixture *f, unsigned off, u8 size)
{
	return vnet_io_read(&f->n, off, size);
}

static void wr(struct fixture *f, unsigned off, u8 size, u64 v)
{
	vnet_io_write(&f->n, off, size, v);
}

/* What virtio_pci_legacy and virtio_net's probe do: reset, acknowledge,
 * features, queues, DRIVER_OK. */
static void driver_probe(struct fixture *f)
{
	wr(f, VIRTIO_PCI_STATUS, 1, 0);
	wr(f, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(f, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(f, VIRTIO_PCI_GUEST_FEATURES, 4, rd(f, VIRTIO_PCI_HOST_FEATURES, 4));
	wr(f, VIRTIO_PCI_QUEUE_SEL, 2, VIRTIO_NET_QUEUE_RX);
	assert_int_equal(rd(f, VIRTIO_PCI_QUEUE_NUM, 2), VNET_QUEUE_SIZE);
	driver_queue_at(&f->rx, RX_BASE, VNET_QUEUE_SIZE);
	wr(f, VIRTIO_PCI_QUEUE_PFN, 4, RX_BASE >> 12);
	wr(f, VIRTIO_PCI_QUEUE_SEL, 2, VIRTIO_NET_QUEUE_TX);
	driver_queue_at(&f->tx, TX_BASE, VNET_QUEUE_SIZE);
	wr(f, VIRTIO_PCI_QUEUE_PFN, 4, TX_BASE >> 12);
	assert_int_equal(rd(f, VIRTIO_PCI_QUEUE_PFN, 4), TX_BASE >> 12);
	wr(f, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_DRIVER_OK);
	assert_true(vnet_running(&f->n));
}

static int setup(void **state)
{
	static struct fixture f;
	const u8 mac[VNET_MAC_LEN] = { 0x02, 0x55, 0x53, 0x00, 0x00, 0x07 };
	const struct vnet_backend be = { backend_transmit, &f };

	memset(&f, 0, sizeof(f));
	memset(ram, 0, sizeof(ram));
	vnet_init(&f.n, mac, irq_rec_line(&f.irq, IRQ), IRQ, ram_mem(), be);
	f.n.on_error = on_error;
	f.n.error_ctx = &f;
	driver_probe(&f);
	*state = &f;
	return 0;
}

/* The driver posts an RX buffer as legacy virtio_net does without
 * VIRTIO_F_ANY_LAYOUT: the header and the frame in two descriptors. */
static void post_rx(struct fixture *f, u16 d, u32 frame_room)
{
	virtq_set_desc(&f->rx, d, BUF_BASE + d * 0x800, HDR, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		       (u16)(d + 1));
	virtq_set_desc(&f->rx, (u16)(d + 1), BUF_BASE + d * 0x800 + 0x10, frame_room,
		       VIRTQ_DESC_F_WRITE, 0);
	virtq_publish(&f->rx, d);
	wr(f, VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_RX);
}

/* The driver sends a frame: header and data in two descriptors. */
static void send(struct fixture *f, u16 d, const void *frame, u32 len)
{
	u64 hdr = 0x30000 + d * 0x800, data = hdr + 0x10;

	memset(ram + hdr, 0, HDR);
	memcpy(ram + data, frame, len);
	virtq_set_desc(&f->tx, d, hdr, HDR, VIRTQ_DESC_F_NEXT, (u16)(d + 1));
	virtq_set_desc(&f->tx, (u16)(d + 1), data, len, 0, 0);
	virtq_publish(&f->tx, d);
	wr(f, VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
}

static void test_pci_identity(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vpci_fn_read(&f->n.pci, 0, 4), 0x10001AF4u);
	assert_int_equal(vpci_fn_read(&f->n.pci, 0x2E, 2), 1);          /* subsystem: network */
	assert_int_equal(vpci_fn_read(&f->n.pci, 0x3C, 2), 0x0100 | IRQ); /* INTA#, line */
	vpci_fn_write(&f->n.pci, 0x10, 4, 0xFFFFFFFFu);
	assert_int_equal(vpci_fn_read(&f->n.pci, 0x10, 4), ~(u32)(VNET_BAR_SIZE - 1) | 1);
}

static void test_features_and_config(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(f, VIRTIO_PCI_HOST_FEATURES, 4),
			 (1u << VIRTIO_NET_F_MAC) | (1u << VIRTIO_NET_F_STATUS));
	wr(f, VIRTIO_PCI_GUEST_FEATURES, 4, 0xFFFFFFFFu); /* only what is offered sticks */
	assert_int_equal(rd(f, VIRTIO_PCI_GUEST_FEATURES, 4),
			 (1u << VIRTIO_NET_F_MAC) | (1u << VIRTIO_NET_F_STATUS));
	for (unsigned i = 0; i < VNET_MAC_LEN; i++)   /* virtio_cread8, byte by byte */
		assert_int_equal(rd(f, VIRTIO_PCI_CONFIG + i, 1), f->n.mac[i]);
	assert_int_equal(rd(f, VIRTIO_PCI_CONFIG + VIRTIO_NET_CFG_STATUS, 2), VIRTIO_NET_S_LINK_UP);
	wr(f, VIRTIO_PCI_CONFIG, 1, 0xFF);             /* the MAC is the host's */
	assert_int_equal(rd(f, VIRTIO_PCI_CONFIG, 1), 0x02);
	wr(f, VIRTIO_PCI_QUEUE_SEL, 2, 5);             /* no such queue */
	assert_int_equal(rd(f, VIRTIO_PCI_QUEUE_NUM, 2), 0);
	assert_int_equal(rd(f, VNET_BAR_SIZE, 1), 0xFFFFFFFFFFFFFFFFull);
}

static void test_transmit_and_interrupt(void **state)
{
	struct fixture *f = *state;
	u32 id, len;

	send(f, 0, "an-ethernet-frame", 17);
	assert_int_equal(f->frames, 1);
	assert_int_equal(f->last_len, 17);
	assert_memory_equal(f->last, "an-ethernet-frame", 17);
	assert_int_equal(f->n.stats.tx_frames, 1);
	assert_int_equal(f->n.stats.tx_bytes, 17);
	assert_true(virtq_pop_used(&f->tx, &id, &len));
	assert_int_equal(id, 0);
	assert_true(f->irq.level[IRQ]);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR, 1), VNET_ISR_QUEUE);  /* read ... */
	assert_false(f->irq.level[IRQ]);                              /* ... clears */
	assert_int_equal(rd(f, VIRTIO_PCI_ISR, 1), 0);
	assert_int_equal(f->n.stats.interrupts, 1);
}

static void test_interrupt_suppressed(void **state)
{
	struct fixture *f = *state;

	f->tx.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	send(f, 0, "x", 1);
	assert_int_equal(f->frames, 1);
	assert_false(f->irq.level[IRQ]);
	assert_int_equal(f->irq.rises[IRQ], 0);
	assert_int_equal(f->n.stats.suppressed, 1);
}

static void test_intx_disable(void **state)
{
	struct fixture *f = *state;

	vpci_fn_write(&f->n.pci, 4, 2, 0x0400);
	vnet_pci_changed(&f->n);
	send(f, 0, "x", 1);
	assert_false(f->irq.level[IRQ]);
	vpci_fn_write(&f->n.pci, 4, 2, 0);
	vnet_pci_changed(&f->n);
	assert_true(f->irq.level[IRQ]);      /* the pending ISR shows again */
}

static void test_loopback_receive(void **state)
{
	struct fixture *f = *state;
	u32 id, len;
	u8 zero[HDR] = { 0 };

	f->loopback = true;
	post_rx(f, 0, 1514);
	send(f, 0, "hello, guest", 12);
	assert_int_equal(f->n.stats.rx_frames, 1);
	assert_int_equal(f->n.stats.rx_bytes, 12);
	assert_true(virtq_pop_used(&f->rx, &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, HDR + 12);
	assert_memory_equal(ram + BUF_BASE, zero, HDR);         /* no offloads, GSO none */
	assert_memory_equal(ram + BUF_BASE + 0x10, "hello, guest", 12);
	assert_false(vnet_receive(&f->n, (const u8 *)"more", 4));          /* no buffer left */
	assert_int_equal(f->n.stats.rx_dropped, 1);
}

static void test_receive_refusals(void **state)
{
	struct fixture *f = *state;
	u8 big[VNET_FRAME_MAX + 1] = { 0 };
	u32 id, len;

	post_rx(f, 0, 8);                                   /* too small for the frame */
	assert_false(vnet_receive(&f->n, (const u8 *)"0123456789ab", 12));
	assert_true(virtq_pop_used(&f->rx, &id, &len));
	assert_int_equal(len, 0);                           /* returned empty */
	post_rx(f, 2, 2048);
	assert_false(vnet_receive(&f->n, big, sizeof(big)));
	wr(f, VIRTIO_PCI_STATUS, 1, 0);                     /* reset: not running */
	assert_false(vnet_receive(&f->n, (const u8 *)"x", 1));
	assert_int_equal(f->n.stats.rx_dropped, 3);
}

static void test_malformed_ring_needs_reset(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->tx, 0, 0x30000, HDR, VIRTQ_DESC_F_NEXT, 0); /* loops onto itself */
	virtq_publish(&f->tx, 0);
	wr(f, VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
	assert_int_equal(f->errors, 1);
	assert_non_null(strstr(f->why, "chain too long")); /* 256 entries: the 64 limit comes first */
	assert_true(rd(f, VIRTIO_PCI_STATUS, 1) & VNET_STATUS_NEEDS_RESET);
	assert_false(vnet_running(&f->n));
	assert_true(f->irq.level[IRQ]);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR, 1), VNET_ISR_CONFIG);
	wr(f, VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);        /* ignored now */
	wr(f, VIRTIO_PCI_STATUS, 1, 0x0F);                             /* NEEDS_RESET sticks */
	assert_true(rd(f, VIRTIO_PCI_STATUS, 1) & VNET_STATUS_NEEDS_RESET);
	assert_int_equal(f->errors, 1);                                /* reported once */
	assert_int_equal(f->frames, 0);
	driver_probe(f);                                               /* a reset clears it */
	send(f, 0, "ok", 2);
	assert_int_equal(f->frames, 1);
	assert_int_equal(f->n.stats.ring_errors, 1);
}

static void test_malformed_rx_ring(void **state)
{
	struct fixture *f = *state;

	virtq_set_desc(&f->rx, 0, RAM_SIZE, 2048, VIRTQ_DESC_F_WRITE, 0); /* outside RAM */
	virtq_publish(&f->rx, 0);
	assert_false(vnet_receive(&f->n, (const u8 *)"x", 1));
	assert_int_equal(f->errors, 1);
	assert_true(rd(f, VIRTIO_PCI_STATUS, 1) & VNET_STATUS_NEEDS_RESET);
}

static void test_oversized_transmit_dropped(void **state)
{
	struct fixture *f = *state;
	static u8 big[4000];

	send(f, 0, big, sizeof(big));
	assert_int_equal(f->frames, 0);
	assert_int_equal(f->n.stats.tx_dropped, 1);
	assert_int_equal(f->errors, 0);       /* the ring itself is sound */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pci_identity, setup),
		cmocka_unit_test_setup(test_features_and_config, setup),
		cmocka_unit_test_setup(test_transmit_and_interrupt, setup),
		cmocka_unit_test_setup(test_interrupt_suppressed, setup),
		cmocka_unit_test_setup(test_intx_disable, setup),
		cmocka_unit_test_setup(test_loopback_receive, setup),
		cmocka_unit_test_setup(test_receive_refusals, setup),
		cmocka_unit_test_setup(test_malformed_ring_needs_reset, setup),
		cmocka_unit_test_setup(test_malformed_rx_ring, setup),
		cmocka_unit_test_setup(test_oversized_transmit_dropped, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
