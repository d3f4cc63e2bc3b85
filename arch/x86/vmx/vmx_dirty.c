/*
 * Dirty-page tracking by the hardware: the EPT accessed/dirty flags (SDM
 * Vol 3C, 29.3.5 "Accessed and Dirty Flags for EPT") and the
 * page-modification log that records each guest-physical page whose EPT
 * dirty flag the CPU sets (29.3.6 "Page-Modification Logging").
 */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/mm.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"

/* 29.3.6: the CPU logs at the PML index, then decrements it; the index
 * starts at 511 and a log-full exit comes when it has left 0..511. */
#define PML_INDEX_FIRST (VIRT_PML_ENTRIES - 1)
#define PML_GPA_MASK (~0xFFFULL) /* entries are 4 KiB aligned */

STATIC_ASSERT(VIRT_PML_ENTRIES * sizeof(u64) == PAGE_SIZE, "the PML log is one 4 KiB page");

bool vmx_stage2_has_ad(void)
{
	return vmx_has_ept_ad();
}

/* PML logs dirty-flag changes, so it needs EPT A/D too. */
bool vmx_has_pml_logging(void)
{
	return vmx_has_pml() && vmx_has_ept_ad();
}

/* A new EPTP takes effect at the next entry; the flush drops translations
 * cached without the flags' setting. */
void vmx_stage2_set_ad(struct vcpu_arch *v, bool on)
{
	struct vmx_vcpu *vx = vmx(v);

	vx->eptp = on ? vx->eptp | EPTP_AD_ENABLE : vx->eptp & ~EPTP_AD_ENABLE;
	vmcs_write64(VMCS_EPT_POINTER, vx->eptp);
	vmx_stage2_flush(v);
}

void vmx_pml_set(struct vcpu_arch *v, u64 log_hpa, bool on)
{
	u32 proc2 = vmcs_read32(VMCS_SECONDARY_PROC_CONTROLS);

	vmx(v)->pml_hpa = on ? log_hpa : 0;
	if (on) {
		vmcs_write64(VMCS_PML_ADDRESS, log_hpa);
		vmcs_write16(VMCS_GUEST_PML_INDEX, PML_INDEX_FIRST);
	}
	proc2 = on ? proc2 | PROC2_ENABLE_PML : proc2 & ~PROC2_ENABLE_PML;
	vmcs_write32(VMCS_SECONDARY_PROC_CONTROLS, proc2);
}

/* Entries index+1..511 are the logged ones; an index past 0 (it wraps to
 * 0xFFFF) means all 512. */
u32 vmx_pml_drain(struct vcpu_arch *v, u64 *gpas)
{
	struct vmx_vcpu *vx = vmx(v);
	u16 index = vmcs_read16(VMCS_GUEST_PML_INDEX);
	u32 first = index > PML_INDEX_FIRST ? 0 : index + 1u, n = 0;
	const u64 *log;

	if (!vx->pml_hpa)
		return 0;
	log = phys_to_virt(vx->pml_hpa);
	for (u32 i = first; i < VIRT_PML_ENTRIES; i++)
		gpas[n++] = log[i] & PML_GPA_MASK;
	vmcs_write16(VMCS_GUEST_PML_INDEX, PML_INDEX_FIRST);
	return n;
}
