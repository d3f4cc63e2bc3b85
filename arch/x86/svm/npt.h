#ifndef UNDERSTUDY_ARCH_X86_SVM_NPT_H
#define UNDERSTUDY_ARCH_X86_SVM_NPT_H

#include "arch/x86/stage2.h"

extern const struct stage2_format npt_format;

#endif
