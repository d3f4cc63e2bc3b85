// sources-list: test/unit/hv_host.sources
/*
 * hv/vm_nic.c on the fake backend: guest_nic=virtio gives the VM the PCI
 * configuration ports and the NIC, whose registers follow BAR0 and the
 * command register's I/O enable on the port bus (a BAR over another
 * device's ports refused); a frame sent through rings in guest RAM reaches
 * the counting backend and its interrupt the 8259's IRQ 11 and IOAPIC pin
 * 11 (active low); a malformed ring is reported once on the console; the
 * firmware tables describe the bus; snapshots carry the NIC (and one with
 * a NIC and a VM without refuse each other); guest_nic=off leaves no
 * trace; role= with ft=checkpoint|auto or join=on is refused with the
 * NIC. On a host NIC (net/guest_port.c
 * over a fake netdev): the guest's MAC is programmed, its frames go out
 * (padded; bad ones and a full ring counted), received frames reach it by
 * destination MAC only while delivery is open; recording, they wait in a
 * bounded queue for the recorder's delivery point and are logged, as are
 * sent frames. Under fault tolerance: a primary's sent frames are held
 * until the log up to them is acknowledged (a full queue waits, a fence
 * withholds); a backup stays off the host NIC until its guest goes live,
 * then plugs in and announces the guest.
 */
#include "helpers.h"

#include "drivers/net/virtio_net.h"
#include "drivers/net/virtq.h"
#include "drivers/pci/pci_regs.h"
#include "drivers/serial/uart16550.h"
#include "errno.h"
#include "fake_vm.h"
#include "hv/firmware_tables.h"
#include "hv/go_live.h"
#include "hv/output_hold.h"
#include "hv/output_rule.h"
#include "hv/snapshot.h"
#include "hv/vdev/vnet.h"
#include "hv/vm_devices_internal.h"
#include "hv/vm_nic.h"
#include "hv/vm_nic_hold.h"
#include "hv/vm_nic_host.h"
#include "hv/vm_nic_internal.h"
#include "hv/rr/rr_internal.h"
#include "net/guest_port.h"

#define NIC_CFG (0x80000000u | GUEST_NIC_SLOT << 11)
#define BAR 0xC000
#define RX_GPA 0x130000ULL
#define TX_GPA 0x134000ULL
#define FRAME_GPA 0x140000ULL

static u64 in(u64 port, u8 size)
{
	u64 v;

	io_bus_read(&fake_vm.pio, port, size, &v);
	return v;
}

static void out(u64 port, u8 size, u64 v)
{
	io_bus_write(&fake_vm.pio, port, size, v);
}

static void cfg_write(unsigned reg, u8 size, u32 v)
{
	out(0xCF8, 4, NIC_CFG | reg);
	out(0xCFC, size, v);
}

static int setup_nic(void **state)
{
	static const u8 mac[6] = { 0x02, 0x00, 0x00, 0xAB, 0xCD, 0xEF };

	fake_vm_prepare();
	fake_cfg.guest_nic = GUEST_NIC_VIRTIO;
	memcpy(fake_cfg.guest_mac, mac, sizeof(mac));
	fake_vm_boot(&fake_backend_ept);
	return 0;
}

static int setup_off(void **state)
{
	fake_vm_prepare();
	fake_vm_boot(&fake_backend_ept);
	return 0;
}

static int teardown(void **state)
{
	capture_stop();
	fake_vm_destroy();
	return 0;
}

/* BAR0 at port, I/O decoding on. */
static void place_bar(u16 port)
{
	cfg_write(0x10, 4, port);
	cfg_write(0x04, 2, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
}

static void test_bar_follows_the_guest(void **state)
{
	out(0xCF8, 4, NIC_CFG);
	assert_int_equal(in(0xCFC, 4), 0x10001AF4u);
	assert_int_equal(in(BAR + VIRTIO_PCI_CONFIG, 1), 0xFF); /* not decoded yet */
	place_bar(BAR);
	assert_int_equal(in(BAR + VIRTIO_PCI_CONFIG + 3, 1), 0xAB);
	assert_int_equal(in(BAR + VIRTIO_PCI_CONFIG + VIRTIO_NET_CFG_STATUS, 2), VIRTIO_NET_S_LINK_UP);
	cfg_write(0x10, 4, BAR + 0x1000);                         /* moved */
	assert_int_equal(in(BAR + VIRTIO_PCI_CONFIG + 3, 1), 0xFF);
	assert_int_equal(in(BAR + 0x1000 + VIRTIO_PCI_CONFIG + 3, 1), 0xAB);
	cfg_write(0x04, 2, 0);                                    /* decoding off */
	assert_int_equal(in(BAR + 0x1000 + VIRTIO_PCI_CONFIG + 3, 1), 0xFF);
	place_bar(0x20);                                          /* over the 8259 */
	assert_int_not_equal(in(0x20 + VIRTIO_PCI_CONFIG + 3, 1), 0xAB);
	capture_start();
	vm_devices_report(&fake_vm);
	vm_nic_host_report();
	assert_true(capture_contains("BAR0 at 0x0 (1 refused)"));
	place_bar(BAR);
	assert_int_equal(in(BAR + VIRTIO_PCI_CONFIG + 3, 1), 0xAB);
}

/* The driver's start-up (virtio_pci_legacy) with queues at RX_GPA and TX_GPA. */
static void driver_start(struct virtq *rx, struct virtq *tx)
{
	place_bar(BAR);
	out(BAR + VIRTIO_PCI_STATUS, 1, 0);
	out(BAR + VIRTIO_PCI_GUEST_FEATURES, 4, in(BAR + VIRTIO_PCI_HOST_FEATURES, 4));
	assert_int_equal(virtq_init(rx, fake_vm.ram + RX_GPA, 256), 0);
	assert_int_equal(virtq_init(tx, fake_vm.ram + TX_GPA, 256), 0);
	out(BAR + VIRTIO_PCI_QUEUE_SEL, 2, VIRTIO_NET_QUEUE_RX);
	out(BAR + VIRTIO_PCI_QUEUE_PFN, 4, RX_GPA >> 12);
	out(BAR + VIRTIO_PCI_QUEUE_SEL, 2, VIRTIO_NET_QUEUE_TX);
	out(BAR + VIRTIO_PCI_QUEUE_PFN, 4, TX_GPA >> 12);
	out(BAR + VIRTIO_PCI_STATUS, 1, 7);
}

static bool pic_irq11(void)
{
	return fake_vm.dev->pic.chip[1].irr & (1u << 3);
}

static bool ioapic_pin11_high(void)
{
	return fake_vm.dev->ioapic.levels & (1u << GUEST_NIC_IRQ);
}

static void test_frame_and_interrupt(void **state)
{
	struct virtq rx, tx;

	driver_start(&rx, &tx);
	assert_true(ioapic_pin11_high());                      /* INTA# idles high */
	memset(fake_vm.ram + FRAME_GPA, 0x5A, 70);
	virtq_set_desc(&tx, 0, FRAME_GPA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	virtq_set_desc(&tx, 1, FRAME_GPA + 16, 60, 0, 0);
	virtq_publish(&tx, 0);
	out(BAR + VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
	assert_false(ioapic_pin11_high());                     /* asserted: driven low */
	assert_true(pic_irq11());                              /* and IRQ 11 raised */
	assert_int_equal(in(BAR + VIRTIO_PCI_ISR, 1), 1);
	assert_true(ioapic_pin11_high());                      /* read: released */
	capture_start();
	vm_devices_report(&fake_vm);
	vm_nic_host_report();
	assert_true(capture_contains("TX 1 frames 60 bytes (0 dropped)"));
	assert_true(capture_contains("backend 1 frames 60 bytes"));
	assert_true(capture_contains("1 interrupts (0 suppressed); 0 ring errors"));
}

static void test_malformed_ring_reported_once(void **state)
{
	struct virtq rx, tx;

	driver_start(&rx, &tx);
	virtq_set_desc(&tx, 0, fake_cfg.guest_mem, 64, 0, 0);  /* past guest RAM */
	virtq_publish(&tx, 0);
	capture_start();
	out(BAR + VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
	out(BAR + VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
	assert_true(capture_contains("guest NIC: malformed virtqueue (ring or buffer outside guest RAM)"));
	assert_int_equal(capture.writes, 1);
	assert_true(in(BAR + VIRTIO_PCI_STATUS, 1) & VNET_STATUS_NEEDS_RESET);
	assert_false(vm_nic_receive(&fake_vm, (const u8 *)"x", 1));
	assert_true(fake_vm.state != VM_STOPPED);              /* the guest goes on */
}

/* The DSDT holds \_SB.PCI0 and the MP table a PCI bus, only with the NIC. */
static bool dsdt_has_pci0(void)
{
	const u8 *t = fake_vm.ram + FW_ACPI_GPA;

	for (u64 i = 0; i + 4 <= ACPI_TABLES_SIZE; i++)
		if (!memcmp(t + i, "PCI0", 4))
			return true;
	return false;
}

static bool mp_has_pci_bus(void)
{
	const u8 *t = fake_vm.ram + FW_MP_GPA;

	for (u64 i = 0; i + 6 <= MP_TABLES_SIZE; i++)
		if (!memcmp(t + i, "PCI   ", 6))
			return true;
	return false;
}

static void test_firmware_describes_the_bus(void **state)
{
	assert_true(vm_nic_present(&fake_vm));
	assert_true(dsdt_has_pci0());
	assert_true(mp_has_pci_bus());
}

/* --- on the host NIC (net/guest_port.h) ----------------------------------- */

static struct {
	u8 sent[ETH_FRAME_MAX];
	size_t sent_len;
	unsigned sends;
	int send_result;     /* what send returns: 0, or -EAGAIN for a full ring */
	u8 rx_mac[ETH_ALEN];
	unsigned rx_macs;
} host;

static int host_send(struct netdev *nd, const void *frame, size_t len)
{
	host.sends++;
	if (host.send_result)
		return host.send_result;
	memcpy(host.sent, frame, len);
	host.sent_len = len;
	return 0;
}

static int host_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, int budget)
{
	return 0;
}

static int host_add_rx_mac(struct netdev *nd, const u8 mac[ETH_ALEN])
{
	memcpy(host.rx_mac, mac, ETH_ALEN);
	host.rx_macs++;
	return 0;
}

static const struct netdev_ops host_ops = { .send = host_send, .poll = host_poll,
					    .add_rx_mac = host_add_rx_mac };
static struct netdev host_nd = { .name = "fake", .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
				 .ops = &host_ops };
static const u8 guest_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0xAB, 0xCD, 0xEF };

/* A VM to be, with the NIC (guest_mac) on the fake host NIC. */
static void prepare_on_host(void)
{
	fake_vm_prepare();
	fake_platform.netdev = &host_nd;
	fake_cfg.guest_nic = GUEST_NIC_VIRTIO;
	memcpy(fake_cfg.guest_mac, guest_mac, ETH_ALEN);
}

static int setup_host(void **state)
{
	memset(&host, 0, sizeof(host));
	prepare_on_host();
	fake_vm_boot(&fake_backend_ept);
	return 0;
}

/* The guest makes len bytes from src (to the broadcast address)
 * available on transmitq1, without notifying the device. */
static void guest_posts_tx(struct virtq *tx, u16 desc, const u8 *src, u32 len)
{
	u8 *f = fake_vm.ram + FRAME_GPA + 16;

	memset(f, 0xFF, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	virtq_set_desc(tx, desc, FRAME_GPA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, desc + 1);
	virtq_set_desc(tx, desc + 1, FRAME_GPA + 16, len, 0, 0);
	virtq_publish(tx, desc);
}

/* The guest transmits len bytes from src (to the broadcast address). */
static void guest_sends(struct virtq *tx, u16 desc, const u8 *src, u32 len)
{
	guest_posts_tx(tx, desc, src, len);
	out(BAR + VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
}

static void test_host_sends_the_guests_frames(void **state)
{
	struct virtq rx, tx;

	assert_true(guest_port_attached());
	assert_int_equal(host.rx_macs, 1);
	assert_memory_equal(host.rx_mac, guest_mac, ETH_ALEN);
	driver_start(&rx, &tx);
	guest_sends(&tx, 0, guest_mac, 42);                    /* an ARP request */
	assert_int_equal(host.sends, 1);
	assert_int_equal(host.sent_len, ETH_ZLEN);             /* padded with zeros */
	assert_memory_equal(host.sent + ETH_ALEN, guest_mac, ETH_ALEN);
	assert_int_equal(host.sent[ETH_ZLEN - 1], 0);
	guest_sends(&tx, 2, host_nd.mac, 60);                  /* the hypervisor's source MAC */
	guest_sends(&tx, 4, guest_mac, ETH_FRAME_MAX + 4);     /* a VLAN-sized frame: too long */
	assert_int_equal(host.sends, 1);
	host.send_result = -EAGAIN;                            /* the host's ring is full */
	guest_sends(&tx, 6, guest_mac, 60);
	assert_int_equal(host.sends, 2);
	assert_int_equal(guest_port_stats()->tx_frames, 1);
	assert_int_equal(guest_port_stats()->tx_bad, 2);
	assert_int_equal(guest_port_stats()->tx_ring_full, 1);
	capture_start();
	vm_devices_report(&fake_vm);
	vm_nic_host_report();
	assert_true(capture_contains("TX 1 frames 60 bytes (1 transmit ring full, 2 refused)"));
}

/* A frame to dst (60 bytes, its last byte tag). */
static const u8 *frame_to(const u8 *dst, u8 tag)
{
	static u8 f[60];

	memset(f, 0, sizeof(f));
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, (const u8[]){ 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 }, ETH_ALEN);
	f[59] = tag;
	return f;
}

/* Posts receive buffer i (header and frame in one descriptor). */
static void post_rx(struct virtq *rx, u16 i)
{
	virtq_set_desc(rx, i, FRAME_GPA + 0x1000 + i * 0x100u, 0x100, VIRTQ_DESC_F_WRITE, 0);
	virtq_publish(rx, i);
}

static void test_host_frames_reach_the_guest_by_mac(void **state)
{
	static const u8 bcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	static const u8 other[ETH_ALEN] = { 0x02, 0x00, 0x00, 0xAB, 0xCD, 0xEE };
	struct virtq rx, tx;
	u32 used_id, used_len;

	driver_start(&rx, &tx);
	for (u16 i = 0; i < 4; i++)
		post_rx(&rx, i);
	assert_false(guest_port_demux(host_nd.mac, frame_to(guest_mac, 1), 60)); /* closed: dropped */
	assert_int_equal(guest_port_stats()->rx_closed, 1);
	guest_port_open(true);
	assert_false(guest_port_demux(host_nd.mac, frame_to(guest_mac, 2), 60)); /* the guest's only */
	assert_true(guest_port_demux(host_nd.mac, frame_to(bcast, 3), 60));      /* both */
	assert_true(guest_port_demux(host_nd.mac, frame_to(host_nd.mac, 4), 60)); /* lwIP's only */
	assert_false(guest_port_demux(host_nd.mac, frame_to(other, 5), 60));     /* no one's */
	guest_port_open(false);
	assert_true(virtq_pop_used(&rx, &used_id, &used_len));
	assert_int_equal(used_len, VNET_HDR_LEN + 60);
	assert_int_equal(fake_vm.ram[FRAME_GPA + 0x1000 + VNET_HDR_LEN + 59], 2);
	assert_true(virtq_pop_used(&rx, &used_id, &used_len));
	assert_int_equal(fake_vm.ram[FRAME_GPA + 0x1100 + VNET_HDR_LEN + 59], 3);
	assert_false(virtq_pop_used(&rx, &used_id, &used_len)); /* nothing else */
	assert_true(pic_irq11());
	assert_int_equal(guest_port_stats()->rx_frames, 2);
	assert_int_equal(guest_port_stats()->rx_others, 1);
}

/* Recording: frames from the host NIC wait in the queue (32 at most, the
 * rest dropped and counted; none while the guest has no buffer posted)
 * until the run loop's delivery point writes them into the guest, each
 * logged as NET_RX, its interrupt raised; a sent frame is logged as
 * NET_TX and still goes out. */
static void test_recorded_frames(void **state)
{
	struct virtq rx, tx;
	u32 used_id, used_len;
	u64 *entries;

	memset(&host, 0, sizeof(host));
	prepare_on_host();
	fake_cfg.rr = RR_CHOICE_RECORD;
	fake_vm_boot(&fake_backend_ept);
	entries = fake_vm.rr->stats.entries;
	assert_true(guest_port_attached());
	driver_start(&rx, &tx);
	guest_port_open(true);
	assert_false(guest_port_demux(host_nd.mac, frame_to(guest_mac, 1), 60)); /* no buffer */
	for (u16 i = 0; i < VNET_QUEUE_SIZE; i++)
		post_rx(&rx, i);
	for (u16 n = 0; n < VNET_QUEUE_SIZE + 8; n++)
		guest_port_demux(host_nd.mac, frame_to(guest_mac, (u8)(2 + n)), 60);
	guest_port_open(false);
	assert_int_equal(guest_port_stats()->rx_frames, VNET_QUEUE_SIZE); /* the queue's bound */
	assert_int_equal(guest_port_stats()->rx_refused, 9);
	assert_false(virtq_pop_used(&rx, &used_id, &used_len)); /* not in the guest yet */
	assert_false(pic_irq11());
	assert_int_equal(entries[RR_NET_RX], 0);
	assert_true(vm_nic_input_due(&fake_vm));
	vm_nic_input_deliver(&fake_vm);
	assert_false(vm_nic_input_due(&fake_vm));
	assert_int_equal(entries[RR_NET_RX], VNET_QUEUE_SIZE);
	assert_true(virtq_pop_used(&rx, &used_id, &used_len));
	assert_int_equal(used_len, VNET_HDR_LEN + 60);
	assert_int_equal(fake_vm.ram[FRAME_GPA + 0x1000 + VNET_HDR_LEN + 59], 2);
	assert_true(pic_irq11());
	guest_sends(&tx, 0, guest_mac, 42);
	assert_int_equal(entries[RR_NET_TX], 1);
	assert_int_equal(host.sends, 1);                        /* it still goes out */
	capture_start();
	vm_devices_report(&fake_vm);
	vm_nic_host_report();
	assert_true(capture_contains("record/replay: RX 256 queued (8 queue full, 1 without a "
				     "buffer), 256 delivered"));
}

/* --- recorded and replayed ------------------------------------------------------ */

#define REC_EXIT_CODE 3
#define TX_TAG_GPA (FRAME_GPA + 16 + 59) /* the sent frame's last byte */

/* The guest notifies transmitq1 (one frame goes), then reads the ISR. */
static const struct fake_step nic_guest[] = {
	FAKE_OUT(BAR + VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX),
	FAKE_IN(BAR + VIRTIO_PCI_ISR, 1), FAKE_NOP,
};

static struct {
	u8 log[FAKE_UART_CAPTURE];
	size_t len;
} nic_rec;

/* The state both runs start from: the driver running, a receive buffer
 * posted (or not), a 60-byte frame ending in tx_tag waiting to be sent. */
static void nic_rr_start(bool rx_buffer, u8 tx_tag)
{
	struct virtq rx, tx;

	driver_start(&rx, &tx);
	if (rx_buffer)
		post_rx(&rx, 0);
	guest_posts_tx(&tx, 0, guest_mac, 60);
	fake_vm.ram[TX_TAG_GPA] = tx_tag;
}

static void nic_rr_run(void)
{
	fake.exit_code = REC_EXIT_CODE;
	fake_load_script(nic_guest, ARRAY_SIZE(nic_guest));
	capture_start();
	vm_run(&fake_vm);
}

static void nic_cfg(enum rr_choice rr)
{
	fake_vm_prepare();
	fake_cfg.guest_nic = GUEST_NIC_VIRTIO;
	memcpy(fake_cfg.guest_mac, guest_mac, ETH_ALEN);
	fake_cfg.rr = rr;
}

/* Records the guest given a frame from the network before its first
 * instruction: NET_RX, then its NET_TX. */
static void nic_record(void)
{
	const u8 *log;

	nic_cfg(RR_CHOICE_RECORD);
	fake_vm_boot(&fake_backend_ept);
	nic_rr_start(true, 0x5A);
	assert_true(vm_nic_record_queue(fake_vm.dev->nic, frame_to(guest_mac, 0x77), 60));
	nic_rr_run();
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.rr->stats.entries[RR_NET_RX], 1);
	assert_int_equal(fake_vm.rr->stats.entries[RR_NET_TX], 1);
	log = fake_uart_bytes(COM3_PORT, &nic_rec.len);
	memcpy(nic_rec.log, log, nic_rec.len);
	capture_stop();
	fake_vm_destroy();
}

/* Replays the recording from the state rx_buffer and tx_tag give. */
static void nic_replay(bool rx_buffer, u8 tx_tag)
{
	nic_cfg(RR_CHOICE_REPLAY);
	fake_vm_add_module("replay_log", nic_rec.log, nic_rec.len);
	capture_start();
	assert_int_equal(fake_vm_create(&fake_backend_ept), 0);
	assert_int_equal(fake_vm_start(), 0);
	nic_rr_start(rx_buffer, tx_tag);
	nic_rr_run();
}

/* The replay, with no network, writes the logged frame into the posted
 * buffer (the same guest memory: the final digest matches) and raises
 * the interrupt; the frame the guest sends is compared and dropped. */
static void test_frames_replayed(void **state)
{
	nic_record();
	nic_replay(true, 0x5A);
	if (fake_vm.rr->divergence.diverged)
		fail_msg("diverged: %s", fake_vm.rr->divergence.what);
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_true(capture_contains("rr: replay matches the recording"));
	assert_int_equal(fake_vm.ram[FRAME_GPA + 0x1000 + VNET_HDR_LEN + 59], 0x77);
	assert_int_equal(fake_vm.dev->nic->net.stats.interrupts, 2); /* RX, then TX */
	assert_int_equal(fake_vm.dev->nic->rr.tx_compared, 1);
	assert_int_equal(fake_vm.dev->nic->backend_frames, 0);     /* dropped */
}

/* A NET_RX the replayed guest has no buffer for is a divergence there. */
static void test_replayed_frame_without_buffer_diverges(void **state)
{
	nic_record();
	nic_replay(false, 0x5A);
	assert_true(fake_vm.rr->divergence.diverged);
	assert_int_equal(fake_vm.rr->divergence.landmark, 0);
	assert_string_equal(fake_vm.rr->divergence.what, "the log's received 60-byte frame finds "
			    "no receive buffer posted (the guest cannot take it)");
}

/* A sent frame whose bytes differ from the recording's is a divergence
 * naming its landmark. */
static void test_other_sent_frame_diverges(void **state)
{
	nic_record();
	nic_replay(true, 0xA5);
	assert_true(fake_vm.rr->divergence.diverged);
	assert_int_equal(fake_vm.rr->divergence.landmark, 1);
	assert_non_null(strstr(fake_vm.rr->divergence.what, "the guest's NIC sends a 60-byte frame"));
	assert_non_null(strstr(fake_vm.rr->divergence.what, "at landmark 1; the log has 60 bytes"));
}

static void test_own_mac_refused(void **state)
{
	fake_vm_prepare();
	fake_platform.netdev = &host_nd;
	fake_cfg.guest_nic = GUEST_NIC_VIRTIO;
	memcpy(fake_cfg.guest_mac, host_nd.mac, ETH_ALEN);
	capture_start();
	assert_int_equal(fake_vm_create(&fake_backend_ept), -EINVAL);
	assert_true(capture_contains("must be a unicast address other than the hypervisor's"));
}

/* --- snapshots ---------------------------------------------------------------- */

#define SNAP_BUF (4u << 20)


static size_t snapshot_into(u8 *buf)
{
	struct snap_identity id = fake_vm_identity();
	struct snap_buf sb = { buf, SNAP_BUF, 0 };

	assert_int_equal(snapshot_write(&fake_vm, &id, snap_buf_sink, &sb), 0);
	return sb.len;
}

/* A running NIC (BAR at 0xC000, queues set up, a frame sent, ISR pending)
 * snapshotted, reset and moved by the guest, then resumed: its state and
 * BAR mapping come back, and it goes on sending. */
static void test_snapshot_round_trip(void **state)
{
	static u8 buf[SNAP_BUF];
	struct snap_identity id;
	struct virtq rx, tx;
	size_t n;

	driver_start(&rx, &tx);
	memset(fake_vm.ram + FRAME_GPA, 0x5A, 80);
	virtq_set_desc(&tx, 0, FRAME_GPA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	virtq_set_desc(&tx, 1, FRAME_GPA + 16, 60, 0, 0);
	virtq_publish(&tx, 0);
	out(BAR + VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
	n = snapshot_into(buf);
	out(BAR + VIRTIO_PCI_STATUS, 1, 0);                    /* reset */
	cfg_write(0x10, 4, BAR + 0x100);                       /* moved */
	assert_int_equal(in(BAR + VIRTIO_PCI_STATUS, 1), 0xFF);
	id = fake_vm_identity();
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), 0);
	assert_int_equal(in(BAR + VIRTIO_PCI_STATUS, 1), 7);   /* back at 0xC000, running */
	assert_int_equal(in(BAR + 0x100 + VIRTIO_PCI_STATUS, 1), 0xFF);
	assert_int_equal(in(BAR + VIRTIO_PCI_QUEUE_PFN, 4), TX_GPA >> 12);
	assert_int_equal(in(BAR + VIRTIO_PCI_ISR, 1), 1);      /* still pending */
	virtq_set_desc(&tx, 2, FRAME_GPA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 3);
	virtq_set_desc(&tx, 3, FRAME_GPA + 16, 40, 0, 0);
	virtq_publish(&tx, 2);                                 /* the guest's ring, restored */
	out(BAR + VIRTIO_PCI_QUEUE_NOTIFY, 2, VIRTIO_NET_QUEUE_TX);
	assert_true(virtq_pop_used(&tx, &(u32){ 0 }, &(u32){ 0 }));
	assert_true(virtq_pop_used(&tx, &(u32){ 0 }, &(u32){ 0 }));
	capture_start();
	vm_devices_report(&fake_vm);
	vm_nic_host_report();
	assert_true(capture_contains("TX 2 frames 100 bytes"));
}

/* A snapshot with a NIC into a VM without one, and the other way round. */
static void test_snapshot_nic_mismatch(void **state)
{
	static u8 with[SNAP_BUF], without[SNAP_BUF];
	struct snap_identity id;
	size_t n_with = snapshot_into(with), n_without;

	fake_vm_destroy();
	fake_vm_prepare();
	fake_vm_boot(&fake_backend_ept);
	n_without = snapshot_into(without);
	id = fake_vm_identity();
	capture_start();
	assert_int_not_equal(snapshot_apply(&fake_vm, with, n_with, &id), 0);
	assert_true(capture_contains("it has a guest NIC and this VM has none"));
	fake_vm_destroy();
	setup_nic(NULL);
	id = fake_vm_identity();
	capture_start();
	assert_int_not_equal(snapshot_apply(&fake_vm, without, n_without, &id), 0);
	assert_true(capture_contains("this VM has a guest NIC and the snapshot does not"));
}

static void test_off_leaves_no_trace(void **state)
{
	assert_false(vm_nic_present(&fake_vm));
	assert_false(dsdt_has_pci0());
	assert_false(mp_has_pci_bus());
	out(0xCF8, 4, 0x80000000u);
	assert_int_equal(in(0xCF8, 4), 0xFFFFFFFFu);           /* nothing there */
	assert_int_equal(in(0xCFC, 4), 0xFFFFFFFFu);
	assert_false(vm_nic_receive(&fake_vm, (const u8 *)"x", 1));
	capture_start();
	vm_devices_report(&fake_vm);
	vm_nic_host_report();
	assert_false(capture_contains("guest NIC"));
}

/* The VM with the NIC and role, ft_mode and join is refused, saying why. */
static void refused(enum ft_role role, enum ft_mode mode, bool join, const char *why)
{
	fake_vm_prepare();
	fake_cfg.guest_nic = GUEST_NIC_VIRTIO;
	fake_cfg.role = role;
	fake_cfg.ft_mode = mode;
	fake_cfg.ft_join = join;
	capture_start();
	assert_int_equal(fake_vm_create(&fake_backend_ept), -ENOTSUP);
	assert_true(capture_contains(why));
	capture_stop();
	fake_vm_destroy();
}

/* A pair carries the NIC in replay mode only: the checkpoint modes and a
 * join are refused with their reason. */
static void test_refused_with_checkpoints_or_join(void **state)
{
	refused(FT_ROLE_PRIMARY, FT_MODE_CHECKPOINT, false, "with role= needs ft=replay");
	refused(FT_ROLE_BACKUP, FT_MODE_AUTO, false, "with role= needs ft=replay");
	refused(FT_ROLE_BACKUP, FT_MODE_REPLAY, true, "cannot be combined with join=on yet");
}

/* --- under fault tolerance (hv/vm_nic_hold.c, the go-live) ------------------ */

static unsigned hold_waits;
static u64 hold_log; /* the log offset the fake recorder cuts at next */

/* The recorder's wait for a full queue: it cuts the log and the backup
 * acknowledges it at once. */
static void hold_wait(void *ctx)
{
	hold_waits++;
	vm_nic_hold_mark(++hold_log);
	vm_nic_hold_release(hold_log);
}

/* Recording on the host NIC, as a primary's is, with the output rule on. */
static void boot_primary_nic(struct virtq *rx, struct virtq *tx)
{
	memset(&host, 0, sizeof(host));
	hold_waits = 0;
	hold_log = 100;
	prepare_on_host();
	fake_cfg.rr = RR_CHOICE_RECORD;
	fake_vm_boot(&fake_backend_ept);
	driver_start(rx, tx);
	output_rule_hold(hold_wait, NULL);
}

/* role=primary: a sent frame is logged (NET_TX) and held; it leaves whole
 * once the backup has acknowledged the log up to the mark after it, not
 * before; without a backup everything held goes and nothing is held any
 * more. The report line counts frames, bytes, releases. */
static void test_primary_holds_sent_frames(void **state)
{
	struct virtq rx, tx;
	struct vm_nic_hold_figures figures;

	boot_primary_nic(&rx, &tx);
	fake_vm.ram[TX_TAG_GPA] = 0x11;
	guest_sends(&tx, 0, guest_mac, 60);
	assert_int_equal(fake_vm.rr->stats.entries[RR_NET_TX], 1);
	assert_int_equal(host.sends, 0);
	vm_nic_hold_figures(&figures);               /* what /status shows */
	assert_int_equal(figures.frames_now, 1);
	assert_int_equal(figures.bytes_now, 2 + 60); /* its 2-byte length, then the frame */
	assert_int_equal(figures.frames_total, 1);
	assert_int_equal(figures.releases, 0);
	assert_true(output_rule_unmarked());
	output_rule_mark(500);
	assert_false(output_rule_unmarked());
	output_rule_release(499);
	assert_int_equal(host.sends, 0);
	output_rule_release(500);
	assert_int_equal(host.sends, 1);
	vm_nic_hold_figures(&figures);
	assert_int_equal(figures.frames_now, 0);
	assert_int_equal(figures.bytes_now, 0);
	assert_int_equal(figures.releases, 1);
	assert_int_equal(host.sent_len, 60);
	assert_int_equal(host.sent[59], 0x11);
	fake_vm.ram[TX_TAG_GPA] = 0x22;
	guest_sends(&tx, 2, guest_mac, 60);
	assert_int_equal(host.sends, 1);
	output_rule_release_all();                 /* the backup is lost */
	assert_int_equal(host.sends, 2);
	assert_int_equal(host.sent[59], 0x22);
	guest_sends(&tx, 4, guest_mac, 60);        /* from now on, straight out */
	assert_int_equal(host.sends, 3);
	capture_start();
	output_rule_report();
	assert_true(capture_contains("ft: output rule: 2 guest NIC frames (120 bytes) held in 2 "
				     "releases"));
	assert_int_equal(hold_waits, 0);
}

/* A full queue makes the guest wait (inside its exit) until the backup's
 * acknowledgements make room: no frame is dropped, all leave in order. */
static void test_full_hold_waits(void **state)
{
	struct virtq rx, tx;
	const unsigned frames = OUTPUT_HOLD_BYTES / (ETH_FRAME_MAX + 2) + 4;

	boot_primary_nic(&rx, &tx);
	for (unsigned i = 0; i < frames; i++) {
		fake_vm.ram[FRAME_GPA + 16 + ETH_FRAME_MAX - 1] = (u8)i;
		guest_sends(&tx, (u16)(2 * (i % 100)), guest_mac, ETH_FRAME_MAX);
	}
	assert_true(hold_waits > 0);
	assert_true(host.sends > 0 && host.sends < frames);
	output_rule_release_all();
	assert_int_equal(host.sends, frames);
	assert_int_equal(host.sent[ETH_FRAME_MAX - 1], (u8)(frames - 1));
	assert_int_equal(guest_port_stats()->tx_frames, frames);
}

/* Fenced: nothing held goes out, nor anything sent after. */
static void test_fenced_frames_withheld(void **state)
{
	struct virtq rx, tx;

	boot_primary_nic(&rx, &tx);
	guest_sends(&tx, 0, guest_mac, 60);
	output_rule_mark(200);
	output_rule_withhold();
	output_rule_release(1000);
	guest_sends(&tx, 2, guest_mac, 60);
	output_rule_release_all();
	assert_int_equal(host.sends, 0);
	capture_start();
	output_rule_report();
	assert_true(capture_contains("ft: fenced: 2 guest NIC frames held or sent after were never "
				     "released"));
}

/* The guest sends an ARP request from 10.9.0.10 (len 42). */
static void guest_sends_arp(struct virtq *tx, u16 desc)
{
	static const u8 arp_body[] = { 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1,
				       0x02, 0x00, 0x00, 0xAB, 0xCD, 0xEF, 10, 9, 0, 10,
				       0, 0, 0, 0, 0, 0, 10, 9, 0, 254 };

	memcpy(fake_vm.ram + FRAME_GPA + 16 + 12, arp_body, sizeof(arp_body));
	guest_sends(tx, desc, guest_mac, 42);
}

/* A backup keeps its NIC off the host NIC (frames for the guest's MAC
 * are not taken, its sent frames counted only) until its guest goes live:
 * then the host NIC takes the guest's MAC, the guest's frames go out, and
 * a gratuitous ARP announces the address its frames showed meanwhile. */
static void test_backup_plugs_in_when_live(void **state)
{
	struct virtq rx, tx;

	memset(&host, 0, sizeof(host));
	prepare_on_host();
	fake_cfg.role = FT_ROLE_BACKUP;
	capture_start();
	fake_vm_boot(&fake_backend_ept);
	assert_true(capture_contains("guest NIC: unplugged with role=backup until its guest goes live"));
	assert_false(guest_port_attached());
	assert_int_equal(host.rx_macs, 0);
	vm_nic_record_attach(fake_vm.dev->nic); /* as a replay's (rr_net_tx: no log here) */
	driver_start(&rx, &tx);
	guest_sends_arp(&tx, 0);
	assert_int_equal(host.sends, 0);
	assert_int_equal(fake_vm.dev->nic->backend_frames, 1);
	go_live_notify(&fake_vm);
	assert_true(guest_port_attached());
	assert_int_equal(host.rx_macs, 1);
	assert_memory_equal(host.rx_mac, guest_mac, ETH_ALEN);
	assert_int_equal(host.sends, 1); /* the announcement */
	assert_int_equal(host.sent_len, ETH_ZLEN);
	assert_int_equal(host.sent[12], 0x08);
	assert_int_equal(host.sent[13], 0x06);
	assert_memory_equal(host.sent + ETH_HLEN + 14, ((const u8[]){ 10, 9, 0, 10 }), 4);
	assert_memory_equal(host.sent + ETH_HLEN + 24, ((const u8[]){ 10, 9, 0, 10 }), 4);
	assert_true(capture_contains("guest NIC: live on the host NIC: announced 10.9.0.10 by a "
				     "gratuitous ARP"));
	guest_sends(&tx, 2, guest_mac, 60);
	assert_int_equal(host.sends, 2);
	capture_start();
	vm_devices_report(&fake_vm);
	assert_true(capture_contains("guest NIC: 1 announcements of the guest's MAC on going live"));
}

/* A backup whose guest sent nothing with an address announces its MAC by
 * RARP. */
static void test_backup_announces_by_rarp(void **state)
{
	memset(&host, 0, sizeof(host));
	prepare_on_host();
	fake_cfg.role = FT_ROLE_BACKUP;
	fake_vm_boot(&fake_backend_ept);
	go_live_notify(&fake_vm);
	assert_int_equal(host.sends, 1);
	assert_int_equal(host.sent[12], 0x80);
	assert_int_equal(host.sent[13], 0x35);
	assert_memory_equal(host.sent + ETH_ALEN, guest_mac, ETH_ALEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bar_follows_the_guest, setup_nic, teardown),
		cmocka_unit_test_setup_teardown(test_frame_and_interrupt, setup_nic, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_ring_reported_once, setup_nic, teardown),
		cmocka_unit_test_setup_teardown(test_firmware_describes_the_bus, setup_nic, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_round_trip, setup_nic, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_nic_mismatch, setup_nic, teardown),
		cmocka_unit_test_setup_teardown(test_off_leaves_no_trace, setup_off, teardown),
		cmocka_unit_test_teardown(test_refused_with_checkpoints_or_join, teardown),
		cmocka_unit_test_teardown(test_primary_holds_sent_frames, teardown),
		cmocka_unit_test_teardown(test_full_hold_waits, teardown),
		cmocka_unit_test_teardown(test_fenced_frames_withheld, teardown),
		cmocka_unit_test_teardown(test_backup_plugs_in_when_live, teardown),
		cmocka_unit_test_teardown(test_backup_announces_by_rarp, teardown),
		cmocka_unit_test_setup_teardown(test_host_sends_the_guests_frames, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_host_frames_reach_the_guest_by_mac, setup_host,
						teardown),
		cmocka_unit_test_teardown(test_recorded_frames, teardown),
		cmocka_unit_test_teardown(test_own_mac_refused, teardown),
		cmocka_unit_test_teardown(test_frames_replayed, teardown),
		cmocka_unit_test_teardown(test_replayed_frame_without_buffer_diverges, teardown),
		cmocka_unit_test_teardown(test_other_sent_frame_diverges, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
