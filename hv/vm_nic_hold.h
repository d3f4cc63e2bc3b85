/*
 * The output rule for the guest NIC's sent frames (role=primary,
 * docs/fault-tolerance.md "The output rule"): from vm_nic_hold_start on,
 * each frame the guest sends (already logged as NET_TX) is held whole
 * (hv/frame_hold.h) until the backup has acknowledged the log up to the
 * landmark that produced it, then goes to the NIC's backend; the console's
 * bytes follow the same marks (hv/output_rule.h drives both).
 */
#ifndef UNDERSTUDY_HV_VM_NIC_HOLD_H
#define UNDERSTUDY_HV_VM_NIC_HOLD_H

#include "types.h"

struct vm_nic;

/* From now on sent frames are held; when the queue is full, wait(ctx)
 * runs (the guest waits inside its exit) until releases make room. */
void vm_nic_hold_start(void (*wait)(void *ctx), void *ctx);

/* A frame the guest sent (nic's, its NET_TX logged): true when the output
 * rule took it (held, or withheld for good), false when it goes out now
 * (nothing is held). */
bool vm_nic_hold_frame(struct vm_nic *nic, const u8 *frame, size_t len);

/* Frames held since the last mark? */
bool vm_nic_hold_unmarked(void);
/* The log is cut at log_offset: the frames held need it up to there. */
void vm_nic_hold_mark(u64 log_offset);
/* The backup acknowledged the log up to acked: what that covers goes out. */
void vm_nic_hold_release(u64 acked);
/* Everything held goes out, and nothing is held from now on. */
void vm_nic_hold_release_all(void);
/* Fenced: nothing held goes out, nor anything sent from now on. */
void vm_nic_hold_withhold(void);
/* The output rule's figures for frames (for /status and /metrics). */
struct vm_nic_hold_figures {
	u64 frames_now, bytes_now; /* held at this moment (bytes with their length prefixes) */
	u64 frames_total;          /* frames ever held */
	u64 releases;
	u64 hold_avg_us, hold_max_us;
};
void vm_nic_hold_figures(struct vm_nic_hold_figures *f);

/* The output rule's line for frames (nothing when none was held). */
void vm_nic_hold_report(void);

#endif
