/*
 * The debug registers the guest's MOV DR reaches without an exit (neither
 * backend intercepts MOV DR): DR0-3 are not switched by VM entry or exit
 * on VMX (only DR7 is in the VMCS, SDM Vol 3, 25.4.1 "Guest Register
 * State") nor by VMRUN/#VMEXIT on SVM (the VMCB holds DR6 and DR7, APM
 * Vol 2, 15.5.1 "Basic Operation"), and on VMX DR6 is not switched either
 * (SDM Vol 3, 28.2.1 "Basic VM-Exit Information"). The hypervisor uses no
 * breakpoint of its own but record/replay's DR0 (arch/x86/vcpu_debug.h),
 * so between exits these hold the guest's values (SDM Vol 3, 18.2 "Debug
 * Registers"; APM Vol 2, 13.1.1 "Debug Registers").
 */
#ifndef UNDERSTUDY_ARCH_X86_DEBUG_REGS_H
#define UNDERSTUDY_ARCH_X86_DEBUG_REGS_H

#include "types.h"

static inline u64 debug_dr0_read(void)
{
	u64 v;

	__asm__ volatile("mov %%dr0, %0" : "=r"(v));
	return v;
}

/* DR0-3: the four breakpoint addresses. */
static inline void debug_regs_read(u64 dr[4])
{
	__asm__ volatile("mov %%dr0, %0" : "=r"(dr[0]));
	__asm__ volatile("mov %%dr1, %0" : "=r"(dr[1]));
	__asm__ volatile("mov %%dr2, %0" : "=r"(dr[2]));
	__asm__ volatile("mov %%dr3, %0" : "=r"(dr[3]));
}

static inline void debug_regs_write(const u64 dr[4])
{
	__asm__ volatile("mov %0, %%dr0" : : "r"(dr[0]));
	__asm__ volatile("mov %0, %%dr1" : : "r"(dr[1]));
	__asm__ volatile("mov %0, %%dr2" : : "r"(dr[2]));
	__asm__ volatile("mov %0, %%dr3" : : "r"(dr[3]));
}

/* The guest's DR0-3: while record/replay's breakpoint is armed, DR0 is
 * ours and the guest's own waits in saved_dr0 (arch/x86/vcpu_debug.h). */
static inline void debug_guest_drs_read(u64 dr[4], bool armed, u64 saved_dr0)
{
	debug_regs_read(dr);
	if (armed)
		dr[0] = saved_dr0;
}

static inline void debug_guest_drs_write(const u64 dr[4], bool armed, u64 *saved_dr0)
{
	u64 hw[4] = { dr[0], dr[1], dr[2], dr[3] };

	if (armed) {
		*saved_dr0 = dr[0];
		hw[0] = debug_dr0_read();
	}
	debug_regs_write(hw);
}

/* DR6 (bits 63:32 must be 0: MOV to DR6 raises #GP otherwise, SDM Vol 2B,
 * "MOV—Move to/from Debug Registers"). */
static inline u64 debug_dr6_read(void)
{
	u64 v;

	__asm__ volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline void debug_dr6_write(u64 v)
{
	__asm__ volatile("mov %0, %%dr6" : : "r"(v));
}

#endif
