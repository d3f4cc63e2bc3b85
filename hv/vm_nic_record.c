/*
 * The guest NIC under record/replay (vm_nic.h). Recording, a frame from
 * the host NIC is an input: it waits in a bounded queue of whole frames
 * and enters the guest only where the recorder delivers asynchronous
 * events (the run loop's prepare_entry, as typed input does), logged
 * (NET_RX) just before vnet_receive writes it and raises the interrupt; a
 * frame the guest has no buffer for is dropped unlogged (nothing entered
 * the guest). Every frame the guest sends is an output: logged (NET_TX)
 * and still sent (under role=primary, held by the output rule until the
 * backup has the log up to it: hv/vm_nic_hold.h). Replaying, the log's
 * frames enter at their landmarks (hv/rr/rr_replay.c) and the guest's
 * sent frames are compared with the log's and dropped (rr_net_tx; a
 * backup that finds one differ resyncs from a checkpoint).
 */
#include <string.h>

#include "hv/rr/rr.h"
#include "hv/vm_devices_internal.h"
#include "hv/vm_nic.h"
#include "hv/vm_nic_hold.h"
#include "hv/vm_nic_internal.h"
#include "net/guest_announce.h"
#include "proto/rrlog.h"

/* Whole frames waiting for a delivery point: as many as the guest's
 * receive queue has entries, so that a host sending a full TCP window
 * between two delivery points loses nothing the guest could have taken
 * (32 lost frames there and had TCP resend them: test/bench/guest_net.sh). */
#define RX_QUEUE_FRAMES VNET_QUEUE_SIZE

static struct {
	u8 frame[RX_QUEUE_FRAMES][RRLOG_NET_FRAME_MAX];
	u16 len[RX_QUEUE_FRAMES];
	u32 head, count;
} rxq;

bool vm_nic_record_queue(struct vm_nic *nic, const u8 *frame, size_t len)
{
	u32 tail = (rxq.head + rxq.count) % RX_QUEUE_FRAMES;

	if (len < RRLOG_NET_FRAME_MIN || len > RRLOG_NET_FRAME_MAX ||
	    !vnet_rx_ready(&nic->net, len)) {
		nic->rr.rx_no_buffer++;
		return false;
	}
	if (rxq.count == RX_QUEUE_FRAMES) {
		nic->rr.rx_queue_full++;
		return false;
	}
	memcpy(rxq.frame[tail], frame, len);
	rxq.len[tail] = (u16)len;
	rxq.count++;
	nic->rr.rx_queued++;
	return true;
}

bool vm_nic_input_due(const struct vm *vm)
{
	return rxq.count && vm_nic_present(vm);
}

/* Every queued frame the guest can take goes in now, logged first (the
 * async entry is the state before the write). */
void vm_nic_input_deliver(struct vm *vm)
{
	struct vm_nic *nic = vm_nic_present(vm) ? vm->dev->nic : NULL;

	while (nic && rxq.count) {
		const u8 *frame = rxq.frame[rxq.head];
		size_t len = rxq.len[rxq.head];

		rxq.head = (rxq.head + 1) % RX_QUEUE_FRAMES;
		rxq.count--;
		if (!vnet_rx_ready(&nic->net, len)) {
			nic->rr.rx_no_buffer++;
			continue;
		}
		rr_net_rx(vm, frame, len);
		vnet_receive(&nic->net, frame, len);
		nic->rr.rx_delivered++;
	}
}

/* Every sent frame through record/replay (its address learned for a
 * go-live's announcement, replaying too), then (unless replaying) held by
 * the output rule, or straight to the backend chosen before. */
static void transmit_through_log(void *ctx, const u8 *frame, size_t len)
{
	struct vm_nic *nic = ctx;
	u32 ip;

	if (announce_learn_ipv4(frame, len, nic->net.mac, &ip)) {
		nic->announce.ip = ip;
		nic->announce.ip_known = true;
	}
	if (!rr_net_tx(nic->vm, frame, len))
		nic->rr.tx_compared++;
	else if (!vm_nic_hold_frame(nic, frame, len))
		nic->rr.sent.transmit(nic->rr.sent.ctx, frame, len);
}

void vm_nic_record_attach(struct vm_nic *nic)
{
	rxq.head = rxq.count = 0;
	nic->rr.sent = nic->net.backend;
	nic->net.backend = (struct vnet_backend){ transmit_through_log, nic };
}
