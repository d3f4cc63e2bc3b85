#ifndef UNDERSTUDY_ARCH_X86_VMX_EPT_H
#define UNDERSTUDY_ARCH_X86_VMX_EPT_H

#include "arch/x86/stage2.h"

extern const struct stage2_format ept_format;

#endif
