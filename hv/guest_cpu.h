/*
 * The VM's guest CPU: the CPUID table (hv/guest_cpu_model.h) built from
 * this host when the VM is created, answered from at every CPUID exit and
 * CR4/EFER/XCR0 check, and carried by a snapshot as its DEVICE "cpuid"
 * (proto/snapshot_cpuid.h). A resume or a migration puts the snapshot's
 * table in place once it is sure this host can honour it. One VM per
 * hypervisor: the tables are this file's.
 */
#ifndef UNDERSTUDY_HV_GUEST_CPU_H
#define UNDERSTUDY_HV_GUEST_CPU_H

#include "hv/guest_cpu_model.h"
#include "hv/vm.h"
#include "proto/snapshot_cpuid.h"

/* The CPUID policy's inputs over this host's CPU itself, for the VM's
 * backend (what it can intercept), from which the guest's CPU is built. */
struct guest_cpuid_ctx;
void guest_cpu_host_ctx(struct vm *vm, struct guest_cpuid_ctx *ctx);

/* Builds this host's table for the VM's backend; the guest sees it. */
void guest_cpu_create(struct vm *vm);

/* Limits the guest's CPU to a psABI level (config guest_cpu=); 0, or
 * -ENOTSUP with a message naming what this host lacks. */
int guest_cpu_limit(enum guest_cpu_level level);

/* The table the guest sees. */
const struct snap_cpuid *guest_cpu(void);

/* Can this host give the guest the CPU t? 0, or -ENOTSUP with why (a
 * migration's HELLO, before pre-copy). */
int guest_cpu_check(const struct snap_cpuid *t, char *why, size_t cap);

/* DEVICE-table pair (hv/snapshot_devices.c): the table into buf (its
 * length, 0 when cap is short), or staged from in (0, or -EBADMSG with a
 * message: malformed, or a CPU this host cannot give the guest). */
size_t guest_cpu_save(struct vm_devices *d, u8 *buf, size_t cap);
int guest_cpu_stage(struct vm_devices *d, const u8 *in, size_t len);

/* The staged table becomes the guest's (when staged; a snapshot from
 * before "cpuid" leaves this host's). */
void guest_cpu_commit(bool staged);

#endif
