/*
 * Snapshots of the running VM (docs/snapshot-format.md): snapshot= writes
 * one at a moment the user chose, between two exits, to the serial log
 * port (COM3) or over TCP to the collector (snapshot_sink=); resume=
 * starts the guest from one given as a boot module.
 */
#ifndef UNDERSTUDY_HV_SNAPSHOT_H
#define UNDERSTUDY_HV_SNAPSHOT_H

#include "hv/vm.h"
#include "proto/snapshot.h"

struct boot_info;
struct config;

/* The guest identity a snapshot of this guest carries (the rr log's). */
void snapshot_identity(const struct boot_info *bi, const struct config *cfg,
		       struct snap_identity *id);

/* Writes the whole VM (header, VCPU, each DEVICE, RR, MEMORY pages, END)
 * to sink, bringing the devices up to guest time first. @pre
 * snap_vcpu_quiescent. 0, or the writer's negative errno. */
int snapshot_write(struct vm *vm, const struct snap_identity *id, snap_sink_fn sink, void *ctx);

/* The whole VM but only the pages want takes, zero pages among them
 * written too: applied with snapshot_apply_state over RAM that holds the
 * others (a backup's resync: hv/rr/rr_checkpoint.c). */
int snapshot_write_delta(struct vm *vm, const struct snap_identity *id, snap_sink_fn sink,
			 void *ctx, bool (*want)(void *want_ctx, u64 pfn), void *want_ctx);
/* The same, a page encoded as a delta against prev(want_ctx, pfn) when
 * that is not NULL: the copy the reader holds (checkpoint mode keeps the
 * copies of pages it sent, hv/ft_ckpt_primary.c). */
int snapshot_write_delta_against(struct vm *vm, const struct snap_identity *id,
				 snap_sink_fn sink, void *ctx,
				 bool (*want)(void *want_ctx, u64 pfn),
				 const u8 *(*prev)(void *want_ctx, u64 pfn), void *want_ctx);
/* The same without the MEMORY sections: the vCPU, devices and landmark a
 * migration sends once guest RAM is across (hv/migrate_source.c). */
int snapshot_write_state(struct vm *vm, const struct snap_identity *id, snap_sink_fn sink,
			 void *ctx);

/* snapshot=: remembers when, gets the sink ready. 0, or a negative errno
 * with a message (no serial port). */
int snapshot_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* Between two exits: takes the snapshot once its moment has come and the
 * vCPU can be saved, then stops the guest (snapshot_then=exit) or lets it
 * go on. */
void snapshot_poll(struct vm *vm);

/* Was the guest stopped because its snapshot was written? */
bool snapshot_stopped_guest(void);

/* resume=: verifies the whole snapshot module against this guest, then
 * applies it (RAM, vCPU, devices, landmark, device time); nothing is
 * applied from a snapshot refused. 0, or a negative errno with a message
 * naming the section. */
int snapshot_resume(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* Applies snapshot bytes to vm (what snapshot_resume does with its module). */
int snapshot_apply(struct vm *vm, const u8 *data, size_t size, const struct snap_identity *id);

/* A snapshot without RAM (snapshot_write_state) for a VM whose RAM came
 * another way: checks everything (nothing changes), then applies the
 * vCPU, devices, landmark and device time, leaving guest RAM as it is. 0,
 * or a negative errno with a message. */
int snapshot_check_state(struct vm *vm, const u8 *data, size_t size,
			 const struct snap_identity *id);
int snapshot_apply_state(struct vm *vm, const u8 *data, size_t size,
			 const struct snap_identity *id);

#endif
