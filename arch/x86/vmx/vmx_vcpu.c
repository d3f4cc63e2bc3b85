/*
 * Building a vCPU's VMCS: execution, exit and entry controls, the MSR
 * bitmap, the host state a VM exit returns to, and the EPT pointer
 * (SDM Vol 3, 25 "Virtual-Machine Control Structures").
 */
#include "arch/x86/vmx/vmx.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/gdt.h"
#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"
#include "errno.h"
#include "log.h"

/* 29.3.2 "EPT Translation Mechanism": EPTP fields */
#define EPTP_MEMTYPE_WB 6ULL
#define EPTP_WALK_LENGTH_4 (3ULL << 3)

/* 25.6.9 "MSR-Bitmap Address": four 1 KiB bitmaps */
#define MSR_BITMAP_READ_LOW 0
#define MSR_BITMAP_READ_HIGH 1024
#define MSR_BITMAP_WRITE_LOW 2048
#define MSR_BITMAP_WRITE_HIGH 3072
#define MSR_HIGH_BASE 0xC0000000u
#define MSR_RANGE_SIZE 0x2000u

/* 25.4.2 "Guest Non-Register State": no VMCS shadowing */
#define VMCS_LINK_POINTER_NONE (~0ULL)

/* MSRs the guest reads and writes directly: their values live in the VMCS
 * guest area or in registers the host never uses. */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SFMASK, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_PAT,
};

/* Clears the read and write intercept bits of one MSR. */
static void msr_passthrough(u8 *bitmap, u32 msr)
{
	u32 read_off = MSR_BITMAP_READ_LOW, write_off = MSR_BITMAP_WRITE_LOW;

	if (msr >= MSR_HIGH_BASE) {
		msr -= MSR_HIGH_BASE;
		read_off = MSR_BITMAP_READ_HIGH;
		write_off = MSR_BITMAP_WRITE_HIGH;
	}
	if (msr >= MSR_RANGE_SIZE)
		return;
	bitmap[read_off + msr / 8] &= (u8)~(1u << (msr % 8));
	bitmap[write_off + msr / 8] &= (u8)~(1u << (msr % 8));
}

static int setup_msr_bitmap(struct vmx_vcpu *vx)
{
	int err = page_alloc(1, 1, &vx->msr_bitmap_pa);
	u8 *bitmap;

	if (err)
		return err;
	bitmap = phys_to_virt(vx->msr_bitmap_pa);
	memset(bitmap, 0xFF, PAGE_SIZE); /* every other MSR exits */
	for (unsigned i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msr_passthrough(bitmap, passthrough_msrs[i]);
	vmcs_write64(VMCS_MSR_BITMAP, vx->msr_bitmap_pa);
	return 0;
}

/* Writes one control field, reporting desired bits the CPU lacks. */
static u32 adjust_controls(const char *what, const struct vmx_ctl_caps *c, u32 desired)
{
	u32 missing, value = vmx_adjust_controls(c, desired, &missing);

	if (missing)
		pr_debug("vmx: %s controls %#x not available, running without them", what, missing);
	return value;
}

static void setup_controls(struct vmx_vcpu *vx)
{
	const struct vmx_caps *c = vmx_caps();
	u32 pin = PIN_EXTINT_EXITING | PIN_NMI_EXITING | PIN_PREEMPTION_TIMER |
		  (vmx_has_virtual_nmis() ? PIN_VIRTUAL_NMIS : 0);
	u32 proc = PROC_HLT_EXITING | PROC_RDTSC_EXITING | PROC_UNCOND_IO_EXITING |
		   PROC_USE_MSR_BITMAPS | PROC_SECONDARY_CONTROLS | PROC_MWAIT_EXITING |
		   PROC_MONITOR_EXITING | PROC_RDPMC_EXITING | PROC_CR8_LOAD_EXITING |
		   PROC_CR8_STORE_EXITING;
	u32 proc2 = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST | PROC2_ENABLE_RDTSCP |
		    PROC2_RDRAND_EXITING | PROC2_RDSEED_EXITING | PROC2_WBINVD_EXITING |
		    (vmx_has_vpid() ? PROC2_ENABLE_VPID : 0);
	u32 exit = EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT |
		   EXIT_LOAD_PAT | EXIT_SAVE_DEBUG_CONTROLS;
	u32 entry = ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG_CONTROLS;

	vmcs_write32(VMCS_PIN_BASED_CONTROLS, adjust_controls("pin-based", &c->pin, pin));
	vx->proc_controls = adjust_controls("processor-based", &c->proc, proc);
	vmcs_write32(VMCS_PRIMARY_PROC_CONTROLS, vx->proc_controls);
	vmcs_write32(VMCS_SECONDARY_PROC_CONTROLS,
		     adjust_controls("secondary", &c->proc2, proc2));
	vmcs_write32(VMCS_EXIT_CONTROLS, adjust_controls("VM-exit", &c->exit, exit));
	vx->entry_controls = adjust_controls("VM-entry", &c->entry, entry);
	vmcs_write32(VMCS_ENTRY_CONTROLS, vx->entry_controls);
	/* #AC and #DB are intercepted so a guest cannot wedge the CPU in an
	 * endless exception delivery (CVE-2015-5307, CVE-2015-8104). */
	vmcs_write32(VMCS_EXCEPTION_BITMAP, (1u << EXC_AC) | (1u << EXC_DB));
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	if (vmx_has_vpid())
		vmcs_write16(VMCS_VPID, VMX_VPID);
}

/* Which CR0/CR4 bits the guest owns and which exit (25.6.6 "Guest/Host
 * Masks and Read Shadows for CR0 and CR4"). Mode changes (PE, PG, PAE) exit
 * so the backend can track IA-32e mode and PAE PDPTEs; fixed bits exit so
 * the guest sees its own values. */
static void setup_cr_masks(struct vmx_vcpu *vx)
{
	const struct vmx_caps *c = vmx_caps();
	u64 guest_owned_cr4 = CR4_TSD | CR4_DE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;

	vx->cr0_mask = c->cr0_fixed0 | ~c->cr0_fixed1 | CR0_PE | CR0_PG | CR0_NE | CR0_CD | CR0_NW;
	vx->cr0_mask &= 0xFFFFFFFFULL;
	vx->cr4_mask = ~guest_owned_cr4 & 0xFFFFFFFFULL;
	vmcs_writenat(VMCS_CR0_GUEST_HOST_MASK, vx->cr0_mask);
	vmcs_writenat(VMCS_CR4_GUEST_HOST_MASK, vx->cr4_mask);
}

/* The state a VM exit loads (25.5 "Host-State Area"). */
static void setup_host_state(void)
{
	struct descriptor_table_ptr idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	vmcs_writenat(VMCS_HOST_CR0, read_cr0());
	vmcs_writenat(VMCS_HOST_CR3, read_cr3());
	vmcs_writenat(VMCS_HOST_CR4, read_cr4());
	vmcs_write16(VMCS_HOST_CS_SELECTOR, GDT_SEL_CODE64);
	vmcs_write16(VMCS_HOST_SS_SELECTOR, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_DS_SELECTOR, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_ES_SELECTOR, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_TR_SELECTOR, GDT_SEL_TSS);
	vmcs_writenat(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_writenat(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmcs_writenat(VMCS_HOST_TR_BASE, tss_base());
	vmcs_writenat(VMCS_HOST_GDTR_BASE, gdt_base());
	vmcs_writenat(VMCS_HOST_IDTR_BASE, idtr.base);
	vmcs_write32(VMCS_HOST_IA32_SYSENTER_CS, 0);
	vmcs_writenat(VMCS_HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writenat(VMCS_HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	vmcs_write64(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_writenat(VMCS_HOST_RIP, (u64)(uptr)vmx_exit_stub);
}

static int alloc_vmcs(struct vmx_vcpu *vx)
{
	int err = page_alloc(1, 1, &vx->vmcs_pa);

	if (err)
		return err;
	*(u32 *)phys_to_virt(vx->vmcs_pa) = vmx_caps()->revision; /* 25.2 "Format of the VMCS Region" */
	err = vmcs_clear(vx->vmcs_pa);
	return err ? err : vmcs_load(vx->vmcs_pa);
}

int vmx_vcpu_create(struct vcpu_arch *v)
{
	static struct vmx_vcpu the_vcpu; /* one guest, one vCPU */
	struct vmx_vcpu *vx = &the_vcpu;
	int err;

	memset(vx, 0, sizeof(*vx));
	v->backend = vx;
	err = alloc_vmcs(vx);
	if (err)
		return err;
	setup_controls(vx);
	setup_cr_masks(vx);
	setup_host_state();
	err = setup_msr_bitmap(vx);
	if (err)
		return err;
	vx->eptp = v->stage2->root | EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_4;
	vmcs_write64(VMCS_EPT_POINTER, vx->eptp);
	vmcs_write64(VMCS_VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE);
	return 0;
}
