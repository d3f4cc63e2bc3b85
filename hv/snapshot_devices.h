/*
 * The device models in a snapshot: each one's own DEVICE section, named
 * and versioned (docs/snapshot-format.md). Loading stages every section
 * into a copy of the devices; only a complete, accepted set replaces them.
 */
#ifndef UNDERSTUDY_HV_SNAPSHOT_DEVICES_H
#define UNDERSTUDY_HV_SNAPSHOT_DEVICES_H

#include "hv/vm.h"
#include "proto/snapshot.h"

/* Writes every device's DEVICE section; 0 or the writer's error. */
int snap_devices_write(struct vm *vm, struct snap_writer *w);

/* Starts staging: a copy of the VM's devices as they are. */
void snap_devices_begin(struct vm *vm);

/* The flags of the DEVICE section whose record comes next (the reader's
 * section callback sees them first). */
void snap_devices_section_flags(u16 flags);

/* Stages one DEVICE record: 0, or -ENOTSUP (an unknown mandatory device,
 * a newer version) or -EBADMSG (state the model refuses), with a message
 * naming the device. An unknown optional device is skipped. */
int snap_devices_stage(struct vm *vm, const struct snap_device *d);

/* Every mandatory device was staged? 0, or -EINVAL naming the missing one. */
int snap_devices_complete(void);

/* Replaces the VM's devices with the staged ones. @pre complete */
void snap_devices_commit(struct vm *vm);

#endif
