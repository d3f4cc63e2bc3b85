/* The guest NIC as hv/vm_nic.c and hv/vm_nic_state.c share it. */
#ifndef UNDERSTUDY_HV_VM_NIC_INTERNAL_H
#define UNDERSTUDY_HV_VM_NIC_INTERNAL_H

#include "hv/vdev/vnet.h"
#include "hv/vm.h"

struct vm_nic {
	struct vm *vm;
	struct vpci pci;
	struct vnet net;
	u16 bar_base;          /* where BAR0 is on the port bus now; 0: nowhere */
	u64 bar_refused;       /* BAR0 placements over another device's ports */
	u64 backend_frames, backend_bytes; /* what the backend took */
	struct {                            /* under record/replay (vm_nic_record.c) */
		struct vnet_backend sent;   /* where sent frames go after the log */
		u64 rx_queued, rx_queue_full, rx_no_buffer, rx_delivered, tx_compared;
	} rr;
	struct {                            /* the guest's address, for a go-live's announcement */
		bool ip_known;
		u32 ip;                     /* learned from its sent frames (net/guest_announce.h) */
		u64 sent;                   /* announcements sent */
	} announce;
};

/* Maps the NIC's registers where BAR0 points now (nowhere while I/O
 * decoding is off, or over another device's ports). */
void vm_nic_map_bar(struct vm_nic *nic);

/* Sends the guest's frames through record/replay (NET_TX) on to the
 * backend set now, and empties the receive queue. */
void vm_nic_record_attach(struct vm_nic *nic);

#endif
