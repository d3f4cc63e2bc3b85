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
};

/* Maps the NIC's registers where BAR0 points now (nowhere while I/O
 * decoding is off, or over another device's ports). */
void vm_nic_map_bar(struct vm_nic *nic);

#endif
