/*
 * Guest-physical memory as the hypervisor reads and writes it on the
 * guest's behalf (instruction fetch, page-table walks, the T bit, tracing;
 * later snapshots, migration and the debugger). Seed 002's fault-safe
 * guest memory access: a range that is not all guest RAM (outside it, or
 * device memory, which never overlaps RAM: RAM ends below 3 GiB and every
 * device page lies above it) is an error the caller reports, never a fault
 * in the hypervisor.
 */
#ifndef UNDERSTUDY_HV_GUEST_MEM_H
#define UNDERSTUDY_HV_GUEST_MEM_H

#include "hv/vm.h"

/* Copies len bytes at guest-physical gpa to dst; 0, or -EFAULT when
 * [gpa, gpa+len) is not all guest RAM (nothing is copied then). */
int vm_read_gpa(struct vm *vm, u64 gpa, void *dst, size_t len);

/* Copies len bytes from src to guest-physical gpa; 0, or -EFAULT as for
 * vm_read_gpa. Writes bypass the write window: callers that write guest
 * RAM behind the guest's back note the pages themselves (ww_note). The
 * dirty log of a migration learns of them here. */
int vm_write_gpa(struct vm *vm, u64 gpa, const void *src, size_t len);

/* vm_read_gpa as a guest-walker read callback (hv/guest_walk.h); ctx is
 * the struct vm. */
int vm_read_gpa_cb(void *ctx, u64 gpa, void *dst, size_t len);

#endif
