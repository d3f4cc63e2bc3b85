/*
 * Intel 82540EM/82545EM driver (8254x Software Developer's Manual, chapter
 * 14 "General Initialization and Reset Operation"): reset, MAC address,
 * one legacy receive ring and one legacy transmit ring in page-allocator
 * memory (identity-mapped, so buffer addresses are physical addresses),
 * polled by the network stack. Interrupt causes are unmasked in IMS for a
 * later interrupt-driven version. Nothing here waits, except (bounded) for
 * reset and EEPROM reads at probe time.
 */
#include "drivers/net/e1000.h"

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "drivers/net/e1000_regs.h"
#include "drivers/net/netdev.h"
#include "errno.h"
#include "log.h"
#include "string.h"

/* 256 receive descriptors: a backup busy replaying under an emulator
 * sharing the CPU can be a few hundred frames of the log stream behind
 * its card (docs/networking.md, "Receiving"). */
#define E1000_RX_DESCS 256
#define E1000_TX_DESCS 64
#define E1000_BUF_SIZE 2048          /* RCTL.BSIZE 2048; a whole frame fits */
#define E1000_RESET_SETTLE_NS 5000000ull   /* reset and EEPROM reload */
#define E1000_RESET_TIMEOUT_NS 20000000ull /* RST must have cleared by then */
#define E1000_EERD_TIMEOUT_NS 10000000ull
#define E1000_MAX_DEVICES NETDEV_MAX

STATIC_ASSERT(E1000_RX_DESCS * sizeof(struct e1000_rx_desc) % E1000_RING_LEN_ALIGN == 0,
	      "RDLEN must be a multiple of 128 bytes");
STATIC_ASSERT(E1000_TX_DESCS * sizeof(struct e1000_tx_desc) % E1000_RING_LEN_ALIGN == 0,
	      "TDLEN must be a multiple of 128 bytes");
STATIC_ASSERT(E1000_BUF_SIZE >= ETH_FRAME_MAX, "a receive buffer holds a whole frame");

/* Hardware statistics accumulated since probe ("Statistics Registers"). */
struct e1000_hw_stats {
	u64 gprc, gptc, gorc, gotc, tpr, tpt, bprc;
	u64 mpc, rnbc, crcerrs, algnerrc, rxerrc, rlec, ecol, latecol, colc;
};

struct e1000 {
	struct netdev nd;
	const struct pci_dev *pci;
	volatile u8 *mmio;
	struct e1000_rx_desc *rx;   /* E1000_RX_DESCS */
	struct e1000_tx_desc *tx;   /* E1000_TX_DESCS */
	u8 *rx_buf, *tx_buf;        /* E1000_BUF_SIZE each, same index */
	unsigned rx_next;           /* next descriptor the hardware fills */
	unsigned tx_tail;           /* next descriptor we fill (TDT) */
	unsigned tx_clean;          /* oldest descriptor not yet reclaimed */
	bool rx_discarding;         /* inside a multi-buffer frame we drop */
	struct e1000_hw_stats hw;
};

static struct e1000 nics[E1000_MAX_DEVICES];
static unsigned nic_count;

static u32 rd(struct e1000 *e, enum e1000_reg reg)
{
	return *(volatile u32 *)(e->mmio + reg);
}

static void wr(struct e1000 *e, enum e1000_reg reg, u32 v)
{
	*(volatile u32 *)(e->mmio + reg) = v;
}

static u32 rd_stat(struct e1000 *e, enum e1000_stat_reg reg)
{
	return *(volatile u32 *)(e->mmio + reg);
}

/* Orders our descriptor writes before the tail write that hands them to the
 * device. x86 keeps stores to write-back memory and to uncached MMIO in
 * program order, so only the compiler needs stopping. */
static inline void dma_wmb(void)
{
	__asm__ volatile("" ::: "memory");
}

static bool deadline_passed(u64 deadline)
{
	return rdtsc() >= deadline;
}

/* "Device Control Register": sets RST, leaves the device alone while it
 * resets and reloads the EEPROM (Linux's e1000 waits 5 ms for the 82540),
 * then checks, bounded, that RST has self-cleared. With eeprom_read's,
 * these are the only waits in this driver. Interrupts are masked before
 * and after, as reset re-arms them. */
static int reset(struct e1000 *e)
{
	u64 start = rdtsc();
	u64 settle = start + time_ns_to_tsc(E1000_RESET_SETTLE_NS);
	u64 timeout = start + time_ns_to_tsc(E1000_RESET_TIMEOUT_NS);

	wr(e, E1000_IMC, E1000_IMC_ALL);
	wr(e, E1000_RCTL, 0);
	wr(e, E1000_TCTL, 0);
	wr(e, E1000_CTRL, rd(e, E1000_CTRL) | E1000_CTRL_RST);
	while (!deadline_passed(settle))
		cpu_relax();
	while (rd(e, E1000_CTRL) & E1000_CTRL_RST) {
		if (deadline_passed(timeout))
			return -ETIMEDOUT;
		cpu_relax();
	}
	wr(e, E1000_IMC, E1000_IMC_ALL);
	(void)rd(e, E1000_ICR);
	return 0;
}

/* "EEPROM Read Register": one 16-bit word, or -ETIMEDOUT. */
static int eeprom_read(struct e1000 *e, u8 word, u16 *out)
{
	u64 timeout = rdtsc() + time_ns_to_tsc(E1000_EERD_TIMEOUT_NS);
	u32 v;

	wr(e, E1000_EERD, ((u32)word << E1000_EERD_ADDR_SHIFT) | E1000_EERD_START);
	while (!((v = rd(e, E1000_EERD)) & E1000_EERD_DONE)) {
		if (deadline_passed(timeout))
			return -ETIMEDOUT;
		cpu_relax();
	}
	*out = (u16)(v >> E1000_EERD_DATA_SHIFT);
	return 0;
}

static bool mac_valid(const u8 *mac)
{
	static const u8 zero[ETH_ALEN];

	return memcmp(mac, zero, ETH_ALEN) && !(mac[0] & 1);
}

/* Puts mac in the receive address pair ral/rah ("Receive Address Low",
 * "Receive Address High" in the 8254x manual's "Filter Registers": 16 pairs,
 * each matched when its Address Valid bit is set). */
static void write_rx_address(struct e1000 *e, enum e1000_reg ral, enum e1000_reg rah,
			     const u8 *mac)
{
	wr(e, ral, mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24);
	wr(e, rah, mac[4] | mac[5] << 8 | E1000_RAH_AV);
}

/* nd.mac in receive address 0, valid: the unicast filter, and the source
 * we use. */
static void write_mac(struct e1000 *e)
{
	write_rx_address(e, E1000_RAL0, E1000_RAH0, e->nd.mac);
}

/* The MAC address: receive address 0 as the hardware loaded it from the
 * EEPROM at reset, else the EEPROM's words 0-2 ("EEPROM Address Map"); then
 * written back to RAL0/RAH0 with Address Valid. */
static int read_mac(struct e1000 *e)
{
	u32 ral = rd(e, E1000_RAL0), rah = rd(e, E1000_RAH0);
	u8 *mac = e->nd.mac;

	for (int i = 0; i < 4; i++)
		mac[i] = (u8)(ral >> (8 * i));
	mac[4] = (u8)rah;
	mac[5] = (u8)(rah >> 8);
	if (!(rah & E1000_RAH_AV) || !mac_valid(mac)) {
		for (u8 w = 0; w < 3; w++) {
			u16 v;

			if (eeprom_read(e, E1000_EEPROM_MAC_WORD0 + w, &v))
				return -EIO;
			mac[2 * w] = (u8)v;
			mac[2 * w + 1] = (u8)(v >> 8);
		}
		if (!mac_valid(mac))
			return -ENODATA;
	}
	write_mac(e);
	return 0;
}

/* "General Configuration": link up with auto-speed detection, nothing
 * forced, no VLANs, flow control registers cleared (unused), the multicast
 * table empty. */
static void configure_link(struct e1000 *e)
{
	u32 ctrl = rd(e, E1000_CTRL);

	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	ctrl &= ~(u32)(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS |
		       E1000_CTRL_VME | E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPLX);
	wr(e, E1000_CTRL, ctrl);
	wr(e, E1000_FCAL, 0);
	wr(e, E1000_FCAH, 0);
	wr(e, E1000_FCT, 0);
	wr(e, E1000_FCTTV, 0);
	for (unsigned i = 0; i < E1000_MTA_ENTRIES; i++)
		wr(e, E1000_MTA + 4 * i, 0);
}

static u64 pages_for(u64 bytes)
{
	return ALIGN_UP(bytes, 4096) / 4096;
}

/* One zeroed, identity-mapped block for both rings and all buffers (so
 * there is nothing to undo when it fails): RX ring, TX ring, RX buffers,
 * TX buffers, each starting on a page. */
static int alloc_rings(struct e1000 *e)
{
	u64 rx_ring = pages_for(E1000_RX_DESCS * sizeof(struct e1000_rx_desc));
	u64 tx_ring = pages_for(E1000_TX_DESCS * sizeof(struct e1000_tx_desc));
	u64 rx_bufs = pages_for((u64)E1000_RX_DESCS * E1000_BUF_SIZE);
	u64 tx_bufs = pages_for((u64)E1000_TX_DESCS * E1000_BUF_SIZE);
	phys_addr_t pa;
	u8 *p;

	if (page_alloc(rx_ring + tx_ring + rx_bufs + tx_bufs, 1, &pa))
		return -ENOMEM;
	p = phys_to_virt(pa);
	e->rx = (struct e1000_rx_desc *)p;
	e->tx = (struct e1000_tx_desc *)(p + rx_ring * 4096);
	e->rx_buf = p + (rx_ring + tx_ring) * 4096;
	e->tx_buf = e->rx_buf + rx_bufs * 4096;
	return 0;
}

/* "Receive Initialization": every descriptor points at its buffer, the
 * hardware owns all but one (RDT = N - 1), broadcast accepted, CRC
 * stripped, 2 KiB buffers, no long packets, no loopback. */
static void init_rx(struct e1000 *e)
{
	phys_addr_t ring = virt_to_phys(e->rx);

	for (unsigned i = 0; i < E1000_RX_DESCS; i++)
		e->rx[i] = (struct e1000_rx_desc){
			.addr = virt_to_phys(e->rx_buf + (u64)i * E1000_BUF_SIZE),
		};
	wr(e, E1000_RDBAL, (u32)ring);
	wr(e, E1000_RDBAH, (u32)(ring >> 32));
	wr(e, E1000_RDLEN, E1000_RX_DESCS * sizeof(struct e1000_rx_desc));
	wr(e, E1000_RDTR, 0);
	wr(e, E1000_RADV, 0);
	wr(e, E1000_RDH, 0);
	wr(e, E1000_RDT, E1000_RX_DESCS - 1);
	e->rx_next = 0;
	wr(e, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC |
		E1000_RCTL_BSIZE_2048 | E1000_RCTL_RDMTS_HALF | E1000_RCTL_LBM_NONE);
}

/* "Transmit Initialization": empty ring (TDH = TDT = 0), short packets
 * padded, the recommended collision threshold and full-duplex distance,
 * IEEE 802.3 inter-packet gaps. */
static void init_tx(struct e1000 *e)
{
	phys_addr_t ring = virt_to_phys(e->tx);

	wr(e, E1000_TDBAL, (u32)ring);
	wr(e, E1000_TDBAH, (u32)(ring >> 32));
	wr(e, E1000_TDLEN, E1000_TX_DESCS * sizeof(struct e1000_tx_desc));
	wr(e, E1000_TDH, 0);
	wr(e, E1000_TDT, 0);
	wr(e, E1000_TIDV, 0);
	e->tx_tail = e->tx_clean = 0;
	wr(e, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
		E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT |
		E1000_TCTL_COLD_FULL << E1000_TCTL_COLD_SHIFT);
	wr(e, E1000_TIPG, E1000_TIPG_IPGT | E1000_TIPG_IPGR1 << E1000_TIPG_IPGR1_SHIFT |
		E1000_TIPG_IPGR2 << E1000_TIPG_IPGR2_SHIFT);
}

/* Frees transmit descriptors the hardware has written back (DD), counting
 * the ones that failed. */
static void reclaim_tx(struct e1000 *e)
{
	while (e->tx_clean != e->tx_tail) {
		volatile struct e1000_tx_desc *d = &e->tx[e->tx_clean];
		u8 status = d->status;

		if (!(status & E1000_TXD_STAT_DD))
			break;
		if (status & (E1000_TXD_STAT_EC | E1000_TXD_STAT_LC))
			e->nd.stats.tx_errors++;
		e->tx_clean = (e->tx_clean + 1) % E1000_TX_DESCS;
	}
}

/* Copies the frame into the tail descriptor's buffer and hands it to the
 * device by advancing TDT ("Transmit Descriptor Ring Structure"); one
 * descriptor always stays free, so TDT == TDH only when the ring is empty. */
static int e1000_send(struct netdev *nd, const void *frame, size_t len)
{
	struct e1000 *e = nd->priv;
	unsigned i = e->tx_tail, next = (i + 1) % E1000_TX_DESCS;
	u8 *buf = e->tx_buf + (u64)i * E1000_BUF_SIZE;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	reclaim_tx(e);
	if (next == e->tx_clean) {
		nd->stats.tx_dropped++;
		return -EAGAIN;
	}
	memcpy(buf, frame, len);
	e->tx[i] = (struct e1000_tx_desc){
		.addr = virt_to_phys(buf),
		.length = (u16)len,
		.cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS,
	};
	dma_wmb();
	e->tx_tail = next;
	wr(e, E1000_TDT, next);
	nd->stats.tx_packets++;
	nd->stats.tx_bytes += len;
	return 0;
}

/* Checks one completed descriptor; true when it holds a whole good frame.
 * Frames spread over several buffers cannot happen with 2 KiB buffers and
 * RCTL.LPE off; if one does, all its pieces are dropped as an error. */
static bool rx_frame_ok(struct e1000 *e, u8 status, u8 errors, u16 len)
{
	bool was_discarding = e->rx_discarding;

	e->rx_discarding = !(status & E1000_RXD_STAT_EOP);
	if (was_discarding || e->rx_discarding) {
		if (!e->rx_discarding)
			e->nd.stats.rx_errors++;
		return false;
	}
	if ((errors & E1000_RXD_ERR_FRAME) || len < ETH_HLEN || len > ETH_FRAME_MAX) {
		e->nd.stats.rx_errors++;
		return false;
	}
	return true;
}

/* Hands completed receive descriptors to rx and gives them back to the
 * hardware at once, by moving RDT onto the last one (the hardware owns RDH
 * up to RDT - 1). Once, not per descriptor: QEMU's e1000 delivers the
 * frames it queued while the ring was full at each RDT write, and drops
 * (counts in MPC) every one that finds no free descriptor, so giving one
 * descriptor back at a time lost all but one of a queued burst. */
static int e1000_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, int budget)
{
	struct e1000 *e = nd->priv;
	int done = 0;
	bool gave_back = false;
	unsigned last = 0;

	reclaim_tx(e);
	while (done < budget) {
		unsigned i = e->rx_next;
		volatile struct e1000_rx_desc *d = &e->rx[i];
		u8 status = d->status;
		const u8 *buf = e->rx_buf + (u64)i * E1000_BUF_SIZE;
		u16 len;

		if (!(status & E1000_RXD_STAT_DD))
			break;
		len = d->length; /* read after DD: x86 keeps loads in order */
		if (rx_frame_ok(e, status, d->errors, len)) {
			rx(ctx, buf, len);
			nd->stats.rx_packets++;
			nd->stats.rx_bytes += len;
			done++;
		}
		d->status = 0;
		e->rx_next = (i + 1) % E1000_RX_DESCS;
		last = i;
		gave_back = true;
	}
	if (gave_back) {
		dma_wmb();
		wr(e, E1000_RDT, last);
	}
	return done;
}

static bool e1000_link_up(struct netdev *nd)
{
	struct e1000 *e = nd->priv;

	return rd(e, E1000_STATUS) & E1000_STATUS_LU;
}

/* Reads a 64-bit octet counter: the low half first, as "Statistics
 * Registers" requires (reading the high half clears both). */
static u64 rd_stat64(struct e1000 *e, enum e1000_stat_reg low)
{
	u64 lo = rd_stat(e, low);

	return lo | (u64)rd_stat(e, low + 4) << 32;
}

static void read_hw_stats(struct e1000 *e, struct e1000_hw_stats *s)
{
	s->gprc = rd_stat(e, E1000_GPRC);
	s->gptc = rd_stat(e, E1000_GPTC);
	s->gorc = rd_stat64(e, E1000_GORCL);
	s->gotc = rd_stat64(e, E1000_GOTCL);
	s->tpr = rd_stat(e, E1000_TPR);
	s->tpt = rd_stat(e, E1000_TPT);
	s->bprc = rd_stat(e, E1000_BPRC);
	s->mpc = rd_stat(e, E1000_MPC);
	s->rnbc = rd_stat(e, E1000_RNBC);
	s->crcerrs = rd_stat(e, E1000_CRCERRS);
	s->algnerrc = rd_stat(e, E1000_ALGNERRC);
	s->rxerrc = rd_stat(e, E1000_RXERRC);
	s->rlec = rd_stat(e, E1000_RLEC);
	s->ecol = rd_stat(e, E1000_ECOL);
	s->latecol = rd_stat(e, E1000_LATECOL);
	s->colc = rd_stat(e, E1000_COLC);
}

/* Reads the clear-on-read counters once so the totals start from probe. */
static void clear_hw_stats(struct e1000 *e)
{
	struct e1000_hw_stats discard;

	read_hw_stats(e, &discard);
}

/* Adds the counters since the last call to the totals, and the hardware's
 * drops and errors (frames the driver never saw) to nd->stats. */
static void e1000_refresh_stats(struct netdev *nd)
{
	struct e1000 *e = nd->priv;
	struct e1000_hw_stats s;
	struct e1000_hw_stats *t = &e->hw;

	read_hw_stats(e, &s);
	t->gprc += s.gprc;
	t->gptc += s.gptc;
	t->gorc += s.gorc;
	t->gotc += s.gotc;
	t->tpr += s.tpr;
	t->tpt += s.tpt;
	t->bprc += s.bprc;
	t->mpc += s.mpc;
	t->rnbc += s.rnbc;
	t->crcerrs += s.crcerrs;
	t->algnerrc += s.algnerrc;
	t->rxerrc += s.rxerrc;
	t->rlec += s.rlec;
	t->ecol += s.ecol;
	t->latecol += s.latecol;
	t->colc += s.colc;
	nd->stats.rx_dropped += s.mpc;
	nd->stats.rx_errors += s.crcerrs + s.algnerrc + s.rxerrc + s.rlec;
	nd->stats.tx_errors += s.ecol + s.latecol;
	pr_debug("e1000: %02x:%02x.%x hardware: %llu/%llu packets %llu/%llu octets received/sent, "
		 "%llu broadcast, %llu missed, %llu without buffers", e->pci->bus, e->pci->dev,
		 e->pci->fn, t->gprc, t->gptc,
		 t->gorc, t->gotc,
		 t->bprc, t->mpc,
		 t->rnbc);
}

static int e1000_set_mac(struct netdev *nd, const u8 mac[ETH_ALEN])
{
	if (!mac_valid(mac))
		return -EINVAL;
	memcpy(nd->mac, mac, ETH_ALEN);
	write_mac(nd->priv);
	return 0;
}

/* The guest's MAC in receive address 1, and every multicast frame
 * (RCTL.MPE, "Receive Control Register"): the guest's groups are
 * its own business (IPv6 neighbour discovery, mDNS). */
static int e1000_add_rx_mac(struct netdev *nd, const u8 mac[ETH_ALEN])
{
	struct e1000 *e = nd->priv;

	if (!mac_valid(mac))
		return -EINVAL;
	write_rx_address(e, E1000_RAL1, E1000_RAH1, mac);
	wr(e, E1000_RCTL, rd(e, E1000_RCTL) | E1000_RCTL_MPE);
	return 0;
}

static const struct netdev_ops e1000_ops = {
	.send = e1000_send,
	.poll = e1000_poll,
	.link_up = e1000_link_up,
	.refresh_stats = e1000_refresh_stats,
	.set_mac = e1000_set_mac,
	.add_rx_mac = e1000_add_rx_mac,
};

static const char *speed_name(u32 status)
{
	static const char *const names[] = { "10", "100", "1000", "1000" };

	return names[(status >> E1000_STATUS_SPEED_SHIFT) & E1000_STATUS_SPEED_MASK];
}

static void report(struct e1000 *e)
{
	u32 status = rd(e, E1000_STATUS);
	char mac[NETDEV_MAC_STR_LEN];

	if (status & E1000_STATUS_LU)
		pr_info("e1000: %02x:%02x.%x MAC %s, link up %s Mb/s %s duplex, %u RX / %u TX "
			"descriptors, polled", e->pci->bus, e->pci->dev, e->pci->fn,
			netdev_mac_str(e->nd.mac, mac), speed_name(status),
			status & E1000_STATUS_FD ? "full" : "half", E1000_RX_DESCS, E1000_TX_DESCS);
	else
		pr_info("e1000: %02x:%02x.%x MAC %s, link down, %u RX / %u TX descriptors, polled",
			e->pci->bus, e->pci->dev, e->pci->fn, netdev_mac_str(e->nd.mac, mac),
			E1000_RX_DESCS, E1000_TX_DESCS);
}

static const char *step_name(int err)
{
	switch (err) {
	case -ETIMEDOUT:
		return "reset";
	case -ENOMEM:
		return "ring allocation";
	}
	return "reading the MAC address";
}

/* Brings one controller up ("General Configuration", "Receive
 * Initialization", "Transmit Initialization") and registers it. */
static int e1000_probe(const struct pci_dev *pci)
{
	struct e1000 *e;
	struct pci_bar bar0;
	int err;

	if (nic_count == E1000_MAX_DEVICES)
		return -ENOSPC;
	e = &nics[nic_count];
	*e = (struct e1000){
		.pci = pci,
		.nd = { .name = "e1000", .ops = &e1000_ops, .priv = e,
			.pci_bus = pci->bus, .pci_dev = pci->dev, .pci_fn = pci->fn },
	};
	if (pci_bar(pci, 0, &bar0) || bar0.io || !(e->mmio = pci_map_bar(&bar0))) {
		pr_err("e1000: %02x:%02x.%x: BAR0 is not a usable memory BAR", pci->bus, pci->dev,
		       pci->fn);
		return -ENODEV;
	}
	pci_enable(pci);
	if ((err = reset(e)) || (err = read_mac(e)) || (err = alloc_rings(e))) {
		pr_err("e1000: %02x:%02x.%x: %s failed (%d)", pci->bus, pci->dev, pci->fn,
		       step_name(err), err);
		return err;
	}
	configure_link(e);
	init_rx(e);
	init_tx(e);
	clear_hw_stats(e);
	wr(e, E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_RXO | E1000_ICR_RXDMT0 | E1000_ICR_LSC |
		E1000_ICR_TXDW);
	report(e);
	err = netdev_register(&e->nd);
	if (err) {
		wr(e, E1000_IMC, E1000_IMC_ALL);
		wr(e, E1000_RCTL, 0);
		wr(e, E1000_TCTL, 0);
		return err;
	}
	nic_count++;
	return 0;
}

static const u16 e1000_ids[] = { E1000_DEV_82540EM, E1000_DEV_82545EM, 0 };

const struct pci_driver e1000_driver = {
	.name = "e1000",
	.vendor = E1000_VENDOR_INTEL,
	.devices = e1000_ids,
	.probe = e1000_probe,
};
