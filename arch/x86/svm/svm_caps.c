/* Reads the SVM feature leaf once. */
#include "arch/x86/svm/svm_caps.h"

#include "arch/x86/cpu.h"

static struct svm_caps caps;

void svm_caps_read(struct svm_caps *c)
{
	struct cpuid_regs r = cpuid(CPUID_SVM_LEAF);

	c->revision = r.eax & 0xFF;
	c->asids = r.ebx;
	c->features = r.edx;
	caps = *c;
}

const struct svm_caps *svm_caps(void)
{
	return &caps;
}
