/* Model-specific register numbers used by the hypervisor (SDM Vol 4,
 * "Model-Specific Registers"), and fault-tolerant accessors. */
#ifndef UNDERSTUDY_ARCH_X86_MSR_H
#define UNDERSTUDY_ARCH_X86_MSR_H

#include "arch/x86/cpu.h"

#define MSR_IA32_TSC 0x10
#define MSR_IA32_APIC_BASE 0x1B
#define MSR_IA32_FEATURE_CONTROL 0x3A
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_DEBUGCTL 0x1D9
#define MSR_IA32_PAT 0x277
#define MSR_IA32_MTRRCAP 0xFE
#define MSR_IA32_MTRR_DEF_TYPE 0x2FF
#define MSR_IA32_MISC_ENABLE 0x1A0
#define MSR_X2APIC_BASE 0x800
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_CSTAR 0xC0000083
#define MSR_SFMASK 0xC0000084
#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
#define MSR_TSC_AUX 0xC0000103

/* IA32_APIC_BASE bits (SDM Vol 3, 11.4.4 "Local APIC Status and Location") */
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ULL << 11)
#define APIC_BASE_ADDR_MASK 0xFFFFFFFFFF000ULL

/* Reads an MSR that may not exist: 0 with *value, or -EFAULT on #GP. */
int rdmsr_safe(u32 msr, u64 *value);
/* Writes an MSR that may refuse the value: 0, or -EFAULT on #GP. */
int wrmsr_safe(u32 msr, u64 value);
/* Reads 8 bytes at address: 0 with *value, or -EFAULT on #GP or #PF. */
int probe_read_u64(u64 address, u64 *value);

#endif
