/*
 * The DEVICE "cpuid" of a snapshot (docs/snapshot-format.md): the CPU the
 * guest sees, as the table of CPUID leaves Understudy answers it with
 * (hv/guest_cpu_model.h). The guest's CPU is VM state: it was fixed when
 * the VM was created and goes with the guest to wherever it resumes, so a
 * guest moved from an Intel host to an AMD one still sees the Intel CPU it
 * started on. Version 1: a count (u32), then that many leaves in
 * increasing (leaf, subleaf) order, each leaf, subleaf, EAX, EBX, ECX, EDX
 * (u32 little-endian). Pure code: the hypervisor, its host tests and the
 * fuzzer share it.
 */
#ifndef UNDERSTUDY_PROTO_SNAPSHOT_CPUID_H
#define UNDERSTUDY_PROTO_SNAPSHOT_CPUID_H

#include "types.h"

#define SNAP_CPUID_NAME "cpuid"
#define SNAP_CPUID_VERSION 1
#define SNAP_CPUID_MAX 40      /* leaves a table holds (a CPU enumerates about 30) */
#define SNAP_CPUID_LEAF_SIZE 24
#define SNAP_CPUID_SIZE(n) (4 + (size_t)(n) * SNAP_CPUID_LEAF_SIZE)

/* One CPUID answer: the leaf (EAX in) and subleaf (ECX in), and the four
 * registers out. */
struct snap_cpuid_leaf {
	u32 leaf, subleaf;
	u32 eax, ebx, ecx, edx;
};

struct snap_cpuid {
	u32 count;
	struct snap_cpuid_leaf leaves[SNAP_CPUID_MAX];
};

/* The table's bytes; the length, or 0 when cap is short or the table is
 * not one snap_cpuid_decode takes. */
size_t snap_cpuid_encode(const struct snap_cpuid *t, u8 *buf, size_t cap);

/* Decodes a table: -EINVAL with why in *why for a length that is not the
 * count's, no leaves, more than SNAP_CPUID_MAX, leaves out of order or
 * twice, or no leaf 0 (the vendor and the highest basic leaf). */
int snap_cpuid_decode(struct snap_cpuid *t, const u8 *in, size_t len, const char **why);

/* The leaf's answer in the table, or NULL. */
const struct snap_cpuid_leaf *snap_cpuid_find(const struct snap_cpuid *t, u32 leaf, u32 subleaf);

#endif
