/* TLB and EPT flushes (SDM Vol 2B, INVEPT and INVVPID; SDM Vol 3, 29.4
 * "Invalidation of Cached Mappings"). */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/vmx/vmx_caps.h"

/* INVEPT/INVVPID types (SDM Vol 2B, INVEPT and INVVPID) */
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2
#define INVVPID_SINGLE_CONTEXT 1

struct invept_desc {
	u64 eptp;
	u64 reserved;
};

struct invvpid_desc {
	u64 vpid;
	u64 linear_address;
};

static void invept(u64 type, u64 eptp)
{
	struct invept_desc d = { eptp, 0 };

	__asm__ volatile("invept %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}

void vmx_stage2_flush(struct vcpu_arch *v)
{
	if (vmx_caps()->ept_vpid & EPT_CAP_INVEPT_SINGLE)
		invept(INVEPT_SINGLE_CONTEXT, vmx(v)->eptp);
	else
		invept(INVEPT_ALL_CONTEXT, 0);
}

/* Linear translations are tagged with the VPID; without VPID every entry
 * and exit flushes them already (SDM Vol 3, 29.1 "Virtual Processor
 * Identifiers"). INVEPT also drops the combined mappings of our EPTP. */
void vmx_flush_guest_tlb(struct vcpu_arch *v)
{
	struct invvpid_desc d = { VMX_VPID, 0 };

	if (!vmx_has_vpid())
		return;
	if (vmx_caps()->ept_vpid & VPID_CAP_INVVPID_SINGLE)
		__asm__ volatile("invvpid %0, %1"
				 : : "m"(d), "r"((u64)INVVPID_SINGLE_CONTEXT) : "cc", "memory");
	else
		vmx_stage2_flush(v);
}
