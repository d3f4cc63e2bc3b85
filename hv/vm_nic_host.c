/* The guest NIC on the host NIC (hv/vm_nic_host.h). */
#include "hv/vm_nic_host.h"

#include "drivers/net/arp.h"
#include "errno.h"
#include "hv/go_live.h"
#include "hv/rr/rr.h"
#include "hv/vm_devices_internal.h"
#include "hv/vm_nic.h"
#include "hv/vm_nic_internal.h"
#include "log.h"
#include "net/guest_announce.h"
#include "net/guest_port.h"
#include "net/net.h"

/* Why this run keeps the guest off the network, or NULL: a replay takes
 * its received frames from the log (hv/vm_nic_record.c), a backup too
 * until it goes live (plug_when_live), a migration would move a guest
 * whose frames arrive behind its back (issue 14, item 5). */
static const char *why_unplugged(const struct config *cfg)
{
	if (cfg->role == FT_ROLE_BACKUP)
		return "role=backup until its guest goes live";
	if (cfg->rr == RR_CHOICE_REPLAY)
		return "rr=replay";
	if (cfg->migrate_ip)
		return "migrate=";
	if (cfg->incoming_port)
		return "incoming=";
	return NULL;
}

/* The guest's frames out through the host NIC; counted as the backend's. */
static void host_transmit(void *ctx, const u8 *frame, size_t len)
{
	struct vm_nic *nic = ctx;

	nic->backend_frames++;
	nic->backend_bytes += len;
	guest_port_send(frame, len);
}

/* A frame for the guest, only while it runs (not after its end, while
 * the hypervisor lingers on the network); recording, it waits for the
 * recorder's next delivery point. */
static bool host_receive(void *ctx, const u8 *frame, size_t len)
{
	struct vm_nic *nic = ctx;

	if (nic->vm->state != VM_RUNNING)
		return false;
	if (rr_recording(nic->vm))
		return vm_nic_record_queue(nic, frame, len);
	return vnet_receive(&nic->net, frame, len);
}

static int host_connect(struct vm_nic *nic, const struct config *cfg)
{
	const char *why = why_unplugged(cfg);
	int err;

	guest_port_detach();
	if (why) {
		pr_info("guest NIC: unplugged with %s: no frame goes to or comes from the "
			"network", why);
		return 0;
	}
	err = guest_port_attach(net_device(), nic->net.mac, host_receive, nic);
	if (err == -ENODEV)
		return 0; /* said why; the NIC runs unplugged */
	if (err)
		return err;
	nic->net.backend = (struct vnet_backend){ host_transmit, nic };
	return 0;
}

/*
 * A backup's guest went live (hv/go_live.h: a takeover or a switchover):
 * its NIC plugs into the host NIC under the guest's MAC, which the host
 * NIC accepts only from now on, so frames for the guest reach the live
 * side's guest only, and the guest's MAC is announced from here: a
 * gratuitous ARP for the address the guest's own frames showed during the
 * replay, else a RARP request (net/guest_announce.h).
 */
static void plug_when_live(struct vm *vm)
{
	struct vm_nic *nic = vm_nic_present(vm) ? vm->dev->nic : NULL;
	u8 frame[ANNOUNCE_FRAME_LEN];
	char ip[16];
	size_t len;

	if (!nic)
		return;
	if (guest_port_attach(net_device(), nic->net.mac, host_receive, nic)) {
		pr_warn("guest NIC: the guest went live off the network (the host NIC cannot take "
			"its MAC)");
		return;
	}
	nic->rr.sent = (struct vnet_backend){ host_transmit, nic };
	len = announce_build(frame, nic->net.mac, nic->announce.ip_known, nic->announce.ip);
	guest_port_send(frame, len);
	nic->announce.sent++;
	if (nic->announce.ip_known)
		pr_info("guest NIC: live on the host NIC: announced %s by a gratuitous ARP",
			ipv4_str(nic->announce.ip, ip));
	else
		pr_info("guest NIC: live on the host NIC: announced its MAC by RARP (no IPv4 address "
			"seen in its frames)");
}

int vm_nic_connect(struct vm *vm, const struct config *cfg)
{
	struct vm_nic *nic = vm_nic_present(vm) ? vm->dev->nic : NULL;
	int err;

	if (!nic)
		return 0;
	err = host_connect(nic, cfg);
	if (!err && cfg->rr != RR_CHOICE_OFF)
		vm_nic_record_attach(nic); /* sent frames logged, or compared */
	if (!err && cfg->role == FT_ROLE_BACKUP)
		err = go_live_subscribe(plug_when_live);
	return err;
}

void vm_nic_host_report(void)
{
	const struct guest_port_stats *s = guest_port_stats();

	if (!guest_port_attached())
		return;
	pr_info("guest NIC: host NIC: RX %llu frames %llu bytes to the guest (%llu not taken, "
		"%llu outside the run loop's poll, %llu for other MACs); TX %llu frames %llu bytes "
		"(%llu transmit ring full, %llu refused)",
		s->rx_frames, s->rx_bytes, s->rx_refused, s->rx_closed, s->rx_others, s->tx_frames,
		s->tx_bytes, s->tx_ring_full, s->tx_bad);
}
