/* The VM's guest CPU (see guest_cpu.h). */
#include "hv/guest_cpu.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "compiler.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/guest_cpu_model.h"
#include "log.h"

#define WHY_MAX 160
STATIC_ASSERT((int)GUEST_CPU_CHOICE_HOST == (int)GUEST_CPU_HOST &&
		      (int)GUEST_CPU_CHOICE_V2 == (int)GUEST_CPU_X86_64_V2 &&
		      (int)GUEST_CPU_CHOICE_V3 == (int)GUEST_CPU_X86_64_V3,
	      "config's guest_cpu= values are the levels");
#define VENDOR_LEN 12 /* CPUID leaf 0: EBX, EDX, ECX */

static struct snap_cpuid model;  /* what the guest sees */
static struct snap_cpuid native; /* what this host gives a guest */
static struct snap_cpuid staged;

/* The vendor string of a table's leaf 0, NUL-terminated into out. */
static void vendor_of(const struct snap_cpuid *t, char out[VENDOR_LEN + 1])
{
	const struct snap_cpuid_leaf *l = snap_cpuid_find(t, 0, 0);
	const u32 words[3] = { l ? l->ebx : 0, l ? l->edx : 0, l ? l->ecx : 0 };

	memcpy(out, words, VENDOR_LEN);
	out[VENDOR_LEN] = '\0';
}

static struct cpuid_result host_cpuid(void *ctx, u32 leaf, u32 subleaf)
{
	struct cpuid_regs r = cpuid_count(leaf, subleaf);

	(void)ctx;
	return (struct cpuid_result){ r.eax, r.ebx, r.ecx, r.edx };
}

void guest_cpu_host_ctx(struct vm *vm, struct guest_cpuid_ctx *ctx)
{
	ctx->host = host_cpuid;
	ctx->host_ctx = NULL;
	ctx->guest_osxsave = false;
	ctx->trap_rdrand = vm->hw->can_intercept(VEXIT_RDRAND);
	ctx->trap_rdseed = vm->hw->can_intercept(VEXIT_RDSEED);
}

void guest_cpu_create(struct vm *vm)
{
	struct guest_cpuid_ctx host;
	char vendor[VENDOR_LEN + 1];

	guest_cpu_host_ctx(vm, &host);
	guest_cpu_model_build(&host, &native);
	model = native;
	vendor_of(&model, vendor);
	pr_info("vm: guest CPU %s, %u CPUID leaves", vendor, model.count);
}

int guest_cpu_limit(enum guest_cpu_level level)
{
	char why[WHY_MAX];
	int err = guest_cpu_model_limit(&model, level, why, sizeof(why));

	if (err)
		pr_err("config: guest_cpu refused: %s", why);
	else if (level != GUEST_CPU_HOST)
		pr_info("vm: guest CPU limited to %s, %u CPUID leaves", guest_cpu_level_name(level),
			model.count);
	return err;
}

const struct snap_cpuid *guest_cpu(void)
{
	return &model;
}

int guest_cpu_check(const struct snap_cpuid *t, char *why, size_t cap)
{
	return guest_cpu_model_honoured(&native, t, why, cap);
}

size_t guest_cpu_save(struct vm_devices *d, u8 *buf, size_t cap)
{
	(void)d;
	return snap_cpuid_encode(&model, buf, cap);
}

int guest_cpu_stage(struct vm_devices *d, const u8 *in, size_t len)
{
	const char *why = NULL;
	char refusal[WHY_MAX];

	(void)d;
	if (snap_cpuid_decode(&staged, in, len, &why)) {
		pr_err("snapshot refused: DEVICE %s: %s", SNAP_CPUID_NAME, why);
		return -EBADMSG;
	}
	if (guest_cpu_check(&staged, refusal, sizeof(refusal))) {
		pr_err("snapshot refused: DEVICE %s: %s", SNAP_CPUID_NAME, refusal);
		return -EBADMSG;
	}
	return 0;
}

void guest_cpu_commit(bool was_staged)
{
	char vendor[VENDOR_LEN + 1], here[VENDOR_LEN + 1];

	if (!was_staged)
		return;
	model = staged;
	vendor_of(&model, vendor);
	vendor_of(&native, here);
	pr_info("vm: the guest keeps its CPU %s (this host's: %s), %u CPUID leaves", vendor, here,
		model.count);
}
