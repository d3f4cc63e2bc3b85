/*
 * VMX capability MSRs, read once (SDM Vol 3, Appendix A "VMX Capability
 * Reporting Facility"), the control bits Understudy uses (SDM Vol 3, 25.6
 * "VM-Execution Control Fields", 25.7 "VM-Exit Control Fields", 25.8
 * "VM-Entry Control Fields"), and one-line predicates.
 */
#ifndef UNDERSTUDY_ARCH_X86_VMX_CAPS_H
#define UNDERSTUDY_ARCH_X86_VMX_CAPS_H

#include "types.h"

#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48B
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48C
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48D
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48E
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48F
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490

/* A.1 "Basic VMX Information" */
#define VMX_BASIC_REVISION_MASK 0x7FFFFFFFULL
#define VMX_BASIC_TRUE_CTLS (1ULL << 55)

/* A.6 "Miscellaneous Data" */
#define VMX_MISC_TIMER_RATE_MASK 0x1FULL
#define VMX_MISC_STORES_LMA (1ULL << 5)
#define VMX_MISC_ACTIVITY_HLT (1ULL << 6)

/* A.10 "VPID and EPT Capabilities" */
#define EPT_CAP_WALK_LENGTH_4 (1ULL << 6)
#define EPT_CAP_MEMTYPE_WB (1ULL << 14)
#define EPT_CAP_INVEPT (1ULL << 20)
#define EPT_CAP_AD_FLAGS (1ULL << 21)
#define EPT_CAP_INVEPT_SINGLE (1ULL << 25)
#define EPT_CAP_INVEPT_ALL (1ULL << 26)
#define VPID_CAP_INVVPID (1ULL << 32)
#define VPID_CAP_INVVPID_SINGLE (1ULL << 41)
#define VPID_CAP_INVVPID_ALL (1ULL << 42)

/* 25.6.1 "Pin-Based VM-Execution Controls" */
#define PIN_EXTINT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)

/* 25.6.2 "Processor-Based VM-Execution Controls", Table 25-6 */
#define PROC_INTR_WINDOW_EXITING (1u << 2)
#define PROC_HLT_EXITING (1u << 7)
#define PROC_INVLPG_EXITING (1u << 9)
#define PROC_MWAIT_EXITING (1u << 10)
#define PROC_RDPMC_EXITING (1u << 11)
#define PROC_RDTSC_EXITING (1u << 12)
#define PROC_CR3_LOAD_EXITING (1u << 15)
#define PROC_CR3_STORE_EXITING (1u << 16)
#define PROC_CR8_LOAD_EXITING (1u << 19)
#define PROC_CR8_STORE_EXITING (1u << 20)
#define PROC_NMI_WINDOW_EXITING (1u << 22)
#define PROC_MOV_DR_EXITING (1u << 23)
#define PROC_UNCOND_IO_EXITING (1u << 24)
#define PROC_MONITOR_TRAP_FLAG (1u << 27)
#define PROC_USE_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR_EXITING (1u << 29)
#define PROC_SECONDARY_CONTROLS (1u << 31)

/* Table 25-7 "Definitions of Secondary Processor-Based VM-Execution Controls" */
#define PROC2_ENABLE_EPT (1u << 1)
#define PROC2_ENABLE_RDTSCP (1u << 3)
#define PROC2_ENABLE_VPID (1u << 5)
#define PROC2_WBINVD_EXITING (1u << 6)
#define PROC2_UNRESTRICTED_GUEST (1u << 7)
#define PROC2_RDRAND_EXITING (1u << 11)
#define PROC2_ENABLE_INVPCID (1u << 12)
#define PROC2_RDSEED_EXITING (1u << 16)
#define PROC2_ENABLE_PML (1u << 17)
#define PROC2_ENABLE_XSAVES (1u << 20)

/* 25.7.1 "VM-Exit Controls", Table 25-13 */
#define EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define EXIT_ACK_INTERRUPT (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER (1u << 22)

/* 25.8.1 "VM-Entry Controls", Table 25-15 */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_IA32E_MODE_GUEST (1u << 9)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* Allowed settings of one control field (A.3-A.5): bits that must be 1
 * (allowed-0 settings) and bits that may be 1 (allowed-1 settings). */
struct vmx_ctl_caps {
	u32 must_be_1;
	u32 may_be_1;
};

struct vmx_caps {
	u64 basic;
	u32 revision;
	struct vmx_ctl_caps pin, proc, proc2, exit, entry;
	u64 misc;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid;
};

/* Reads every capability MSR; @pre CPUID says VMX. */
void vmx_caps_read(struct vmx_caps *c);
const struct vmx_caps *vmx_caps(void);

/* desired adjusted to what the CPU allows; *missing gets the desired bits
 * the CPU cannot set. */
u32 vmx_adjust_controls(const struct vmx_ctl_caps *c, u32 desired, u32 *missing);

static inline bool vmx_has_ept_ad(void) { return vmx_caps()->ept_vpid & EPT_CAP_AD_FLAGS; }
static inline bool vmx_has_pml(void) { return vmx_caps()->proc2.may_be_1 & PROC2_ENABLE_PML; }
static inline bool vmx_has_unrestricted_guest(void)
{
	return vmx_caps()->proc2.may_be_1 & PROC2_UNRESTRICTED_GUEST;
}
static inline bool vmx_has_vpid(void) { return vmx_caps()->proc2.may_be_1 & PROC2_ENABLE_VPID; }
/* Virtual NMIs and NMI-window exiting, which need each other (SDM Vol 3,
 * 27.2.1.1 "VM-Execution Control Fields"). */
static inline bool vmx_has_virtual_nmis(void)
{
	return (vmx_caps()->pin.may_be_1 & PIN_VIRTUAL_NMIS) &&
	       (vmx_caps()->proc.may_be_1 & PROC_NMI_WINDOW_EXITING);
}
static inline bool vmx_has_preemption_timer(void)
{
	return vmx_caps()->pin.may_be_1 & PIN_PREEMPTION_TIMER;
}
static inline bool vmx_has_rdrand_exiting(void)
{
	return vmx_caps()->proc2.may_be_1 & PROC2_RDRAND_EXITING;
}
static inline bool vmx_has_rdseed_exiting(void)
{
	return vmx_caps()->proc2.may_be_1 & PROC2_RDSEED_EXITING;
}
static inline bool vmx_has_mtf(void) { return vmx_caps()->proc.may_be_1 & PROC_MONITOR_TRAP_FLAG; }
static inline unsigned vmx_timer_rate_shift(void) { return vmx_caps()->misc & VMX_MISC_TIMER_RATE_MASK; }

#endif
