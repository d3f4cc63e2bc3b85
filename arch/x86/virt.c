/* Chooses the virtualization backend (VMX or SVM) at boot. */
#include "arch/x86/virt.h"

#include <string.h>

#include "arch/x86/cpu_features.h"
#include "arch/x86/guest_gprs.h"
#include "compiler.h"
#include "errno.h"
#include "log.h"

/* The world switches (vmx_entry.S, svm_entry.S) address these fields. */
ASSERT_OFFSET(struct vcpu_arch, gpr, VCPU_GPR(0));
ASSERT_OFFSET(struct vcpu_arch, cr2, VCPU_CR2);

extern const struct virt_backend vmx_backend;
extern const struct virt_backend svm_backend;

static const struct virt_backend *chosen;

static const struct virt_backend *backend_named(const char *name)
{
	if (!strcmp(name, "vmx"))
		return &vmx_backend;
	if (!strcmp(name, "svm"))
		return &svm_backend;
	return NULL;
}

int virt_select(const char *want)
{
	const struct virt_backend *b;
	int err;

	if (want && strcmp(want, "auto")) {
		b = backend_named(want);
		if (!b) {
			pr_err("virt: backend '%s' is not available in this build", want);
			return -ENODEV;
		}
	} else if (cpu_has_vmx()) {
		b = &vmx_backend;
	} else if (cpu_has_svm()) {
		b = &svm_backend;
	} else {
		pr_err("virt: this CPU offers neither VMX nor a supported SVM");
		return -ENODEV;
	}
	err = b->probe();
	if (err)
		return err;
	err = b->cpu_enable();
	if (err)
		return err;
	chosen = b;
	pr_info("virt: using %s", b->name);
	return 0;
}

const struct virt_backend *virt_backend(void)
{
	return chosen;
}
