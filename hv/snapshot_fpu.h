/*
 * The vCPU's FPU registers in a snapshot, as two DEVICE sections (the VCPU
 * record of format version 1 has no room for them; docs/snapshot-format.md):
 * "fpu_sse", x87/SSE as FXSAVE's legacy area, and "xsave", XCR0 and the
 * AVX upper halves of YMM0-15 (proto/snapshot_xsave.h). hv/ never uses
 * these registers (arch/x86/fpu.h): they are the guest's between exits.
 * Loading stages them; the commit puts them into the CPU.
 */
#ifndef UNDERSTUDY_HV_SNAPSHOT_FPU_H
#define UNDERSTUDY_HV_SNAPSHOT_FPU_H

#include "hv/vm.h"

/* DEVICE-table pairs (hv/snapshot_devices.c): the state into buf (its
 * length, 0 when cap is short), or staged from in (0, or -EBADMSG with a
 * message). */
size_t snap_fpu_sse_save(struct vm_devices *d, u8 *buf, size_t cap);
int snap_fpu_sse_stage(struct vm_devices *d, const u8 *in, size_t len);
size_t snap_xsave_save(struct vm_devices *d, u8 *buf, size_t cap);
int snap_xsave_stage(struct vm_devices *d, const u8 *in, size_t len);

/* Loads what was staged into the CPU: x87/SSE when sse, then the AVX
 * state when xsave, else (a snapshot from before "xsave") AVX zeroed. */
void snap_fpu_commit(bool sse, bool xsave);

#endif
