/*
 * The output rule's outputs together (role=primary, docs/fault-tolerance.md
 * "The output rule"): the guest's console bytes (hv/guest_console.h) and
 * its NIC's sent frames (hv/vm_nic_hold.h) are held, marked, released and
 * withheld at the same points of the record log; the recorder
 * (hv/rr/rr_record.c) and the fence drive them through here.
 */
#ifndef UNDERSTUDY_HV_OUTPUT_RULE_H
#define UNDERSTUDY_HV_OUTPUT_RULE_H

#include "types.h"

/* From now on outputs are held; a full queue runs wait(ctx) until
 * releases make room. */
void output_rule_hold(void (*wait)(void *ctx), void *ctx);
/* Anything held since the last mark (the log must be cut for it)? */
bool output_rule_unmarked(void);
/* The log is cut at log_offset: everything held needs it up to there. */
void output_rule_mark(u64 log_offset);
/* The backup acknowledged the log up to acked: what that covers goes out. */
void output_rule_release(u64 acked);
/* Everything held goes out, nothing is held from now on. */
void output_rule_release_all(void);
/* Fenced: nothing held goes out, nor anything produced from now on. */
void output_rule_withhold(void);
/* What holding cost, a line per kind of output. */
void output_rule_report(void);

#endif
