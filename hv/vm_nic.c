/*
 * The guest's NIC wired into the VM (vm_nic.h): the PCI configuration
 * ports and the NIC's I/O BAR on the port bus (moved wherever the guest
 * programs BAR0), its INTx into the 8259 and the IOAPIC, its rings in
 * guest RAM through vm_read_gpa/vm_write_gpa, and its backend: the host
 * NIC (hv/vm_nic_host.c), or one that counts transmitted frames when the
 * run keeps the NIC unplugged. Its state in snapshots is hv/vm_nic_state.c.
 */
#include "hv/vm_nic.h"

#include "errno.h"
#include "hv/guest_mem.h"
#include "hv/rr/write_window.h"
#include "hv/vm_devices_internal.h"
#include "hv/vm_nic_internal.h"
#include "log.h"

#define PAGE_SHIFT_4K 12

static struct vm_nic the_nic; /* one VM */
static const u8 default_mac[VNET_MAC_LEN] = { 0x02, 0x55, 0x53, 0x00, 0x00, 0x01 }; /* locally administered */

static int nic_read(void *ctx, u64 gpa, void *dst, size_t len)
{
	return vm_read_gpa(ctx, gpa, dst, len);
}

/* Device writes to guest RAM are writes behind the guest's back: the
 * write window (digests, dirty logs) learns of the pages. */
static int nic_write(void *ctx, u64 gpa, const void *src, size_t len)
{
	struct vm *vm = ctx;
	int err = vm_write_gpa(vm, gpa, src, len);

	for (u64 p = gpa >> PAGE_SHIFT_4K; !err && len && p <= (gpa + len - 1) >> PAGE_SHIFT_4K; p++)
		ww_note(vm, p);
	return err;
}

/* INTA# is active low (PCI 3.0, 2.2.6 "Interrupt Pins"): the IOAPIC pin
 * (programmed active low) sees the wire; the 8259 sees it inverted, as a
 * PC's PCI interrupt router drives an ISA IRQ. */
static void intx_set(void *ctx, unsigned irq, bool asserted)
{
	struct vm_devices *d = ctx;

	vpic_set_irq(&d->pic, irq, asserted);
	vioapic_set_irq(&d->ioapic, irq, !asserted);
}

/* The backend of an unplugged NIC (no network, or a recorded run): counts
 * the frames. */
static void count_transmit(void *ctx, const u8 *frame, size_t len)
{
	struct vm_nic *nic = ctx;

	(void)frame;
	nic->backend_frames++;
	nic->backend_bytes += len;
}

static void on_ring_error(void *ctx, const char *why)
{
	(void)ctx;
	pr_warn("guest NIC: malformed virtqueue (%s): the device needs a reset", why);
}

void vm_nic_map_bar(struct vm_nic *nic)
{
	struct io_bus *pio = &nic->vm->pio;
	u16 base = vpci_fn_io_base(&nic->net.pci, 0);
	const struct io_range bar = { base, VNET_BAR_SIZE, &nic->net, vnet_io_read, vnet_io_write,
				      "virtio-net", 0 };

	if (base == nic->bar_base)
		return;
	if (nic->bar_base)
		io_bus_unregister(pio, nic->bar_base);
	nic->bar_base = 0;
	if (!base || base > 0x10000 - VNET_BAR_SIZE)
		return;
	if (io_bus_register(pio, &bar)) {
		nic->bar_refused++;
		return;
	}
	nic->bar_base = base;
}

/* The guest wrote the command register or BAR0. */
static void pci_changed(void *ctx)
{
	struct vm_nic *nic = ctx;

	vnet_pci_changed(&nic->net);
	vm_nic_map_bar(nic);
}

static bool mac_set(const u8 *m)
{
	return m[0] | m[1] | m[2] | m[3] | m[4] | m[5];
}

/* A fault-tolerant pair carries the NIC in replay mode (ft=replay, the
 * default): its received frames are logged inputs, its sent frames held
 * by the output rule, the backup plugs in when it goes live. Not yet: the
 * checkpoint modes (an epoch's frames would be held per epoch) and a
 * join (the joining backup's migration would carry the NIC unplugged). */
static int check_options(const struct config *cfg)
{
	if (cfg->role == FT_ROLE_NONE)
		return 0;
	if (cfg->ft_mode != FT_MODE_REPLAY) {
		pr_err("config: guest_nic=virtio with role= needs ft=replay: the checkpoint modes "
		       "(ft=checkpoint, ft=auto) do not hold the guest's frames per epoch yet");
		return -ENOTSUP;
	}
	if (cfg->ft_join) {
		pr_err("config: guest_nic=virtio cannot be combined with join=on yet: a joining "
		       "backup's migration does not carry the guest's network traffic");
		return -ENOTSUP;
	}
	return 0;
}

int vm_nic_create(struct vm *vm, const struct config *cfg)
{
	struct vm_nic *nic = &the_nic;
	const u8 *mac = mac_set(cfg->guest_mac) ? cfg->guest_mac : default_mac;
	const struct vring_mem mem = { nic_read, nic_write, vm, vm->ram_size };
	const struct vnet_backend backend = { count_transmit, nic };
	const struct irq_line irq = { intx_set, vm->dev, GUEST_NIC_IRQ };
	int err;

	vm->dev->nic = NULL;
	if (cfg->guest_nic == GUEST_NIC_OFF)
		return 0;
	if ((err = check_options(cfg)))
		return err;
	*nic = (struct vm_nic){ .vm = vm };
	vpci_init(&nic->pci);
	vnet_init(&nic->net, mac, irq, GUEST_NIC_IRQ, mem, backend);
	nic->net.on_error = on_ring_error;
	nic->net.error_ctx = nic;
	nic->net.pci.changed = pci_changed;
	nic->net.pci.ctx = nic;
	vioapic_set_irq(&vm->dev->ioapic, GUEST_NIC_IRQ, true); /* INTA# idles high */
	err = vpci_plug(&nic->pci, GUEST_NIC_SLOT, &nic->net.pci);
	err = err ? err : vpci_attach(&nic->pci, &vm->pio);
	if (err) {
		pr_err("guest NIC: cannot attach the PCI bus (%d)", err);
		return err;
	}
	vm->dev->nic = nic;
	pr_info("guest NIC: virtio-net at PCI 00:%02x.0, MAC %02x:%02x:%02x:%02x:%02x:%02x, IRQ %u",
		GUEST_NIC_SLOT, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], GUEST_NIC_IRQ);
	return 0;
}

bool vm_nic_present(const struct vm *vm)
{
	return vm->dev && vm->dev->nic;
}

bool vm_nic_receive(struct vm *vm, const u8 *frame, size_t len)
{
	return vm_nic_present(vm) && vnet_receive(&vm->dev->nic->net, frame, len);
}

bool vm_nic_replay_frame(struct vm *vm, const u8 *frame, size_t len)
{
	struct vm_nic *nic = vm->dev->nic;

	if (!vnet_rx_ready(&nic->net, len))
		return false;
	vnet_receive(&nic->net, frame, len);
	nic->rr.rx_delivered++;
	return true;
}

void vm_nic_report(struct vm *vm)
{
	const struct vm_nic *nic;
	const struct vnet_stats *s;

	if (!vm_nic_present(vm))
		return;
	nic = vm->dev->nic;
	s = &nic->net.stats;
	pr_info("guest NIC: status 0x%02x; TX %llu frames %llu bytes (%llu dropped); RX %llu frames "
		"%llu bytes (%llu dropped); %llu interrupts (%llu suppressed); %llu ring errors; "
		"backend %llu frames %llu bytes; BAR0 at 0x%x (%llu refused); %llu config accesses "
		"to absent functions",
		nic->net.status, s->tx_frames, s->tx_bytes, s->tx_dropped, s->rx_frames, s->rx_bytes,
		s->rx_dropped, s->interrupts, s->suppressed, s->ring_errors, nic->backend_frames,
		nic->backend_bytes, nic->bar_base,
		nic->bar_refused, nic->pci.bad_accesses);
	if (nic->announce.sent)
		pr_info("guest NIC: %llu announcements of the guest's MAC on going live",
			nic->announce.sent);
	if (nic->rr.rx_queued || nic->rr.rx_delivered || nic->rr.tx_compared)
		pr_info("guest NIC: record/replay: RX %llu queued (%llu queue full, %llu without a "
			"buffer), %llu delivered; TX %llu compared with the log",
			nic->rr.rx_queued, nic->rr.rx_queue_full, nic->rr.rx_no_buffer,
			nic->rr.rx_delivered, nic->rr.tx_compared);
}
