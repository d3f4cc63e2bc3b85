/*
 * The guest's NIC (guest_nic=virtio): a PCI bus with a host bridge and a
 * virtio-net device in slot 3, its INTA# on IOAPIC pin 11 / PIC IRQ 11
 * (level-triggered, active low), as the MP table and the DSDT describe it
 * (hv/guest_firmware.c). With guest_nic=off none of it exists: no
 * configuration ports, no PCI in the firmware tables.
 */
#ifndef UNDERSTUDY_HV_VM_NIC_H
#define UNDERSTUDY_HV_VM_NIC_H

#include "hv/config.h"
#include "hv/vm.h"

#define GUEST_NIC_SLOT 3  /* 00:03.0, where QEMU's PC puts its first NIC */
#define GUEST_NIC_IRQ 11  /* a PCI interrupt on a PC (QEMU's PIIX routes INTA# there too) */

/* Creates the PCI bus and the NIC when cfg asks for one (after
 * vm_devices_create); 0 or a negative errno. */
int vm_nic_create(struct vm *vm, const struct config *cfg);

/* Does the guest have the NIC? */
bool vm_nic_present(const struct vm *vm);

/* A frame for the guest (the backend's receive path; record/replay will
 * log and replay this call): false when dropped. */
bool vm_nic_receive(struct vm *vm, const u8 *frame, size_t len);

/* Record/replay (hv/vm_nic_record.c). Recording: a frame from the host NIC
 * waits in a bounded queue (false: the queue is full, or the guest has no
 * buffer now: dropped); vm_nic_input_due says one waits, and
 * vm_nic_input_deliver, where the recorder delivers asynchronous events,
 * writes them into the guest, each logged (NET_RX). Replaying: the log's
 * frame enters the guest (false: it has no buffer posted, a divergence). */
struct vm_nic;
bool vm_nic_record_queue(struct vm_nic *nic, const u8 *frame, size_t len);
bool vm_nic_input_due(const struct vm *vm);
void vm_nic_input_deliver(struct vm *vm);
bool vm_nic_replay_frame(struct vm *vm, const u8 *frame, size_t len);

/* Snapshots (hv/snapshot_devices.c): the DEVICE sections "pci_host" and
 * "virtio_net", written when the VM has the NIC (vm_nic_in); staged into
 * a copy (a snapshot with a NIC refused by a VM without, and the other way
 * round), committed with the other devices. */
struct vm_devices;
bool vm_nic_in(const struct vm_devices *d);
size_t vm_nic_save_pci(struct vm_devices *d, u8 *buf, size_t cap);
size_t vm_nic_save_net(struct vm_devices *d, u8 *buf, size_t cap);
void vm_nic_stage_begin(const struct vm *vm);
int vm_nic_stage_pci(struct vm_devices *d, const u8 *in, size_t len);
int vm_nic_stage_net(struct vm_devices *d, const u8 *in, size_t len);
bool vm_nic_stage_complete(void);
void vm_nic_commit(struct vm *vm);

/* Prints the NIC's counters after the run (nothing without a NIC). */
void vm_nic_report(struct vm *vm);

#endif
