/*
 * The guest's CPU as a table: every CPUID leaf the policy of
 * hv/guest_cpuid.c answers, computed once from the host the VM is created
 * on. It is VM state: a snapshot carries it (the DEVICE "cpuid",
 * proto/snapshot_cpuid.h) and a resumed or migrated guest keeps seeing the
 * CPU it started on. The policy treats the table as its host: its answers
 * over the table are its answers over the host the table came from (the
 * policy is idempotent), so CR4, EFER and XCR0 checks follow the table
 * too. Pure code (host-tested).
 */
#ifndef UNDERSTUDY_HV_GUEST_CPU_MODEL_H
#define UNDERSTUDY_HV_GUEST_CPU_MODEL_H

#include "hv/guest_cpuid.h"
#include "proto/snapshot_cpuid.h"

/* Fills m with the policy's answer for every leaf it enumerates over
 * host (whose guest_osxsave must be false: OSXSAVE follows the guest's
 * CR4 when asked, it is not part of the CPU). */
void guest_cpu_model_build(const struct guest_cpuid_ctx *host, struct snap_cpuid *m);

/* The CPUs a guest may be given: the host's (all the policy allows), or
 * one of the x86-64 psABI's micro-architecture levels (System V ABI,
 * AMD64 Architecture Processor Supplement, 3.1.1 "Processor Architecture",
 * "Micro-Architecture Levels"), a CPU every host of the level honours, so
 * a guest can move between Intel and AMD hosts. */
enum guest_cpu_level { GUEST_CPU_HOST, GUEST_CPU_X86_64_V2, GUEST_CPU_X86_64_V3 };

/* The level's psABI name ("host" for the host's CPU). */
const char *guest_cpu_level_name(enum guest_cpu_level level);

/* Gives m the level's features, no more (identity, caches and address
 * widths stay the host's). 0, or -ENOTSUP when m lacks one of them, named
 * in why. */
int guest_cpu_model_limit(struct snap_cpuid *m, enum guest_cpu_level level, char *why, size_t cap);

/* A guest_cpuid_ctx host callback answering from the table at ctx (a
 * const struct snap_cpuid *): the leaf's registers, zeros for a leaf the
 * table does not hold. */
struct cpuid_result guest_cpu_model_answer(void *ctx, u32 leaf, u32 subleaf);

/* Can a host whose own model is here run a guest that sees saved? Every
 * feature bit saved shows must be one here shows (the guest would use it
 * and the hardware must do it), and saved's physical and linear address
 * widths must be no wider than here's. Vendor, family, model, brand and
 * caches are identity: they go with the guest whatever the host.
 * 0, or -ENOTSUP with the first missing feature's leaf, register and bits
 * written to why. */
int guest_cpu_model_honoured(const struct snap_cpuid *here, const struct snap_cpuid *saved,
			     char *why, size_t cap);

#endif
