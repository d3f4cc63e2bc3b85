/*
 * Building a vCPU's VMCB: intercepts, the I/O and MSR permission maps,
 * ASID, nested paging and virtual interrupt masking (AMD64 APM Vol 2,
 * 15.9 "Instruction Intercepts", 15.10 "IOIO Intercepts", 15.11 "MSR
 * Intercepts", 15.21.1 "Physical Interrupt Masking").
 */
#include "arch/x86/svm/svm.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "errno.h"

#define IOPM_PAGES 3  /* 12 KiB: one bit per port, plus the straddle bits */
#define MSRPM_PAGES 2 /* 8 KiB: two bits (read, write) per MSR */
#define MSRPM_RANGE_SIZE 0x2000u
#define CR_WRITE_SHIFT 16

/* The three MSR ranges the permission map covers and their byte offsets. */
static const struct { u32 base; u32 offset; } msrpm_ranges[] = {
	{ 0x00000000u, 0x0000 }, { 0xC0000000u, 0x0800 }, { 0xC0010000u, 0x1000 },
};

/* MSRs whose guest values VMRUN/VMLOAD switch in: no exit needed. */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SFMASK, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

static void msr_passthrough(u8 *msrpm, u32 msr)
{
	for (unsigned i = 0; i < ARRAY_SIZE(msrpm_ranges); i++) {
		u32 n = msr - msrpm_ranges[i].base;

		if (msr >= msrpm_ranges[i].base && n < MSRPM_RANGE_SIZE) {
			msrpm[msrpm_ranges[i].offset + n / 4] &= (u8)~(3u << ((n % 4) * 2));
			return;
		}
	}
}

static int setup_permission_maps(struct svm_vcpu *sv)
{
	int err = page_alloc(IOPM_PAGES, 1, &sv->iopm_pa);

	err = err ? err : page_alloc(MSRPM_PAGES, 1, &sv->msrpm_pa);
	if (err)
		return err;
	memset(phys_to_virt(sv->iopm_pa), 0xFF, IOPM_PAGES * PAGE_SIZE);   /* every port exits */
	memset(phys_to_virt(sv->msrpm_pa), 0xFF, MSRPM_PAGES * PAGE_SIZE); /* every MSR exits */
	for (unsigned i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msr_passthrough(phys_to_virt(sv->msrpm_pa), passthrough_msrs[i]);
	sv->vmcb->control.iopm_base_pa = sv->iopm_pa;
	sv->vmcb->control.msrpm_base_pa = sv->msrpm_pa;
	return 0;
}

static void setup_intercepts(struct vmcb_control *c)
{
	c->intercept_cr = (1u << (0 + CR_WRITE_SHIFT)) | (1u << (4 + CR_WRITE_SHIFT)) |
			  (1u << 8) | (1u << (8 + CR_WRITE_SHIFT));
	/* #AC and #DB, so a guest cannot hold the CPU in an endless delivery
	 * loop (CVE-2015-5307, CVE-2015-8104). */
	c->intercept_exceptions = (1u << EXC_AC) | (1u << EXC_DB);
	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_SMI |
			     SVM_INTERCEPT_INIT | SVM_INTERCEPT_RDTSC | SVM_INTERCEPT_RDPMC |
			     SVM_INTERCEPT_CPUID | SVM_INTERCEPT_RSM | SVM_INTERCEPT_INVD |
			     SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO_PROT |
			     SVM_INTERCEPT_MSR_PROT | SVM_INTERCEPT_TASK_SWITCH |
			     SVM_INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
			     SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_RDTSCP | SVM_INTERCEPT_WBINVD |
			     SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT |
			     SVM_INTERCEPT_MWAIT_COND | SVM_INTERCEPT_XSETBV;
}

int svm_vcpu_create(struct vcpu_arch *v)
{
	static struct svm_vcpu the_vcpu; /* one guest, one vCPU */
	struct svm_vcpu *sv = &the_vcpu;
	struct vmcb_control *c;
	int err;

	memset(sv, 0, sizeof(*sv));
	v->backend = sv;
	err = page_alloc(1, 1, &sv->vmcb_pa);
	if (err)
		return err;
	sv->vmcb = phys_to_virt(sv->vmcb_pa);
	c = &sv->vmcb->control;
	setup_intercepts(c);
	err = setup_permission_maps(sv);
	if (err)
		return err;
	c->asid = SVM_GUEST_ASID;
	c->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL; /* first run: nothing stale */
	c->np_enable = SVM_NP_ENABLE;
	c->n_cr3 = v->stage2->root;
	/* Guest RFLAGS.IF masks only virtual interrupts; physical ones exit
	 * whatever the guest does (15.21.1). */
	c->vintr = SVM_V_INTR_MASKING;
	return 0;
}
