/*
 * The guest NIC's backend on the hypervisor's host NIC (net/guest_port.h):
 * its transmitted frames go out there, frames for its MAC (and broadcast
 * and multicast) come in through vm_nic_receive while the guest runs.
 * Runs that record, replay or migrate the guest keep it unplugged: a
 * received frame is not yet a logged input (issue 14, item 4).
 */
#ifndef UNDERSTUDY_HV_VM_NIC_HOST_H
#define UNDERSTUDY_HV_VM_NIC_HOST_H

#include "hv/config.h"

struct vm_nic;

/* Plugs nic into the host NIC when the run allows it (else says why and
 * leaves the counting backend); 0, or -EINVAL when guest_mac is unusable
 * there (the hypervisor's own MAC, say). */
int vm_nic_host_connect(struct vm_nic *nic, const struct config *cfg);

/* The host NIC line of the report (nothing when unplugged). */
void vm_nic_host_report(void);

#endif
