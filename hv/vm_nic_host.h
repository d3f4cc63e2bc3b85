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

struct vm;

/* After vm_nic_create: plugs the VM's NIC (if any) into the host NIC when
 * the run allows it (else says why and leaves the counting backend), then,
 * under rr=, routes its sent frames through the log (vm_nic_record_attach).
 * 0, or -EINVAL when guest_mac is unusable there (the hypervisor's own
 * MAC, say). Above the log and the devices: they never call it. */
int vm_nic_connect(struct vm *vm, const struct config *cfg);

/* The host NIC line of the report (nothing when unplugged). */
void vm_nic_host_report(void);

#endif
