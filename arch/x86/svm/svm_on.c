/* SVM availability checks and enabling (AMD64 APM Vol 2, 15.4 "Enabling
 * SVM", 15.30.1 "VM_CR MSR", 15.30.4 "VM_HSAVE_PA MSR"). */
#include "arch/x86/svm/svm.h"

#include "arch/x86/cpu.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/svm/svm_caps.h"
#include "errno.h"
#include "log.h"

static u64 host_save_area; /* VM_HSAVE_PA */
static u64 host_vmload_area; /* our own VMSAVE of the host's hidden state */

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

int svm_probe(void)
{
	struct svm_caps c;
	u64 vm_cr = 0;

	if (!cpu_has_svm()) {
		pr_err("svm: this CPU has no SVM (CPUID Fn8000_0001 ECX.SVM is 0)");
		return -ENODEV;
	}
	rdmsr_safe(MSR_VM_CR, &vm_cr);
	if (vm_cr & VM_CR_SVMDIS) {
		pr_err("svm: SVM is disabled by the firmware (VM_CR.SVMDIS%s); enable it in the "
		       "firmware setup", vm_cr & VM_CR_LOCK ? ", locked" : "");
		return -EPERM;
	}
	svm_caps_read(&c);
	if (!(c.features & SVM_FEATURE_NP)) {
		pr_err("svm: this CPU has SVM without nested paging");
		return -ENODEV;
	}
	pr_info("svm: revision %u, %u ASIDs; NRIP save %s, decode assists %s, flush by ASID %s, "
		"VMCB clean bits %s", c.revision, c.asids, yes_no(svm_has_nrips()),
		yes_no(svm_has_decode_assists()), yes_no(svm_has_flush_by_asid()),
		yes_no(c.features & SVM_FEATURE_VMCB_CLEAN));
	return 0;
}

int svm_cpu_enable(void)
{
	int err;

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	err = page_alloc(1, 1, &host_save_area);
	err = err ? err : page_alloc(1, 1, &host_vmload_area);
	if (err)
		return err;
	wrmsr(MSR_VM_HSAVE_PA, host_save_area);
	/* Capture the host's FS/GS/TR/LDTR and syscall MSRs, which VMRUN does
	 * not save (15.5.2 "VMSAVE and VMLOAD Instructions"). */
	__asm__ volatile("vmsave %%rax" : : "a"(host_vmload_area) : "memory");
	return 0;
}

u64 svm_host_save_area(void)
{
	return host_vmload_area;
}
