/* SVM features (AMD64 APM Vol 3, CPUID Fn8000_000A "SVM Revision and
 * Feature Identification"), read once, and one-line predicates. */
#ifndef UNDERSTUDY_ARCH_X86_SVM_CAPS_H
#define UNDERSTUDY_ARCH_X86_SVM_CAPS_H

#include "types.h"

#define CPUID_SVM_LEAF 0x8000000Au
#define SVM_FEATURE_NP (1u << 0)
#define SVM_FEATURE_NRIPS (1u << 3)
#define SVM_FEATURE_VMCB_CLEAN (1u << 5)
#define SVM_FEATURE_FLUSH_BY_ASID (1u << 6)
#define SVM_FEATURE_DECODE_ASSISTS (1u << 7)

/* APM Vol 2, 15.30 "SVM-Related MSRs" */
#define MSR_VM_CR 0xC0010114
#define VM_CR_LOCK (1ULL << 3)
#define VM_CR_SVMDIS (1ULL << 4)
#define MSR_VM_HSAVE_PA 0xC0010117

struct svm_caps {
	u32 revision;
	u32 asids;
	u32 features; /* EDX */
};

void svm_caps_read(struct svm_caps *c);
const struct svm_caps *svm_caps(void);

static inline bool svm_has_nrips(void) { return svm_caps()->features & SVM_FEATURE_NRIPS; }
static inline bool svm_has_decode_assists(void)
{
	return svm_caps()->features & SVM_FEATURE_DECODE_ASSISTS;
}
static inline bool svm_has_flush_by_asid(void)
{
	return svm_caps()->features & SVM_FEATURE_FLUSH_BY_ASID;
}

#endif
