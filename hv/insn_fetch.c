/* Fetching and decoding the guest's current instruction (see insn_fetch.h). */
#include "hv/insn_fetch.h"

#include "errno.h"
#include "hv/exit_kinds.h"
#include "hv/guest_walk.h"
#include "hv/vcpu_ops.h"

#define AR_DPL_SHIFT 5 /* SDM Vol 3, Table 25-2: descriptor privilege level, bits 6:5 */
#define AR_DPL_MASK 0x3
#define CPL_USER 3

static enum insn_mode code_mode(struct vcpu *v, const struct segment *cs)
{
	if (vcpu_in_long_mode(v))
		return INSN_MODE_64;
	return cs->ar & SEG_AR_DB ? INSN_MODE_32 : INSN_MODE_16;
}

/* The fetch as the CPU made it: at CPL 3 a user access (so SMEP, which
 * forbids supervisor fetches from user pages, does not apply). The CPL is
 * CS.DPL for the non-conforming code segments kernels run on. */
static u32 fetch_access(const struct segment *cs)
{
	u32 cpl = (cs->ar >> AR_DPL_SHIFT) & AR_DPL_MASK;

	return GW_ACCESS_FETCH | (cpl == CPL_USER ? GW_ACCESS_USER : 0);
}

/* Reads up to len code bytes at CS:RIP + offset as the CPU fetches them;
 * returns how many, 0 when even the first is not readable. */
static size_t read_code(struct vcpu *v, s64 offset, u8 *bytes, size_t len, enum insn_mode *mode)
{
	const struct virt_backend *hw = v->vm->hw;
	struct gw_cpu cpu;
	struct gw_result res;
	struct segment cs;
	size_t done = 0;

	vcpu_guest_paging(v, &cpu);
	hw->get_segment(&v->arch, SEG_CS, &cs);
	*mode = code_mode(v, &cs);
	gw_read_linear(&cpu, cs.base + hw->get_rip(&v->arch) + (u64)offset, bytes, len,
		       fetch_access(&cs), &done, &res);
	return done;
}

/* Reads up to INSN_MAX_LEN bytes at CS:RIP; returns how many, 0 when even
 * the first byte is not readable. */
static size_t fetch(struct vcpu *v, u8 *bytes, enum insn_mode *mode)
{
	return read_code(v, 0, bytes, INSN_MAX_LEN, mode);
}

bool vcpu_bytes_before_rip(struct vcpu *v, u8 *bytes, size_t len)
{
	enum insn_mode mode;

	return read_code(v, -(s64)len, bytes, len, &mode) == len;
}

size_t vcpu_fetch_insn_bytes(struct vcpu *v, u8 *bytes)
{
	enum insn_mode mode;

	return fetch(v, bytes, &mode);
}

int vcpu_decode_mmio_insn(struct vcpu *v, struct insn *insn)
{
	u8 bytes[INSN_MAX_LEN];
	enum insn_mode mode;
	size_t n = fetch(v, bytes, &mode);

	return n ? insn_decode(bytes, n, mode, insn) : -EFAULT;
}

int vcpu_decode_system_insn(struct vcpu *v, struct sys_insn_info *info)
{
	u8 bytes[INSN_MAX_LEN];
	enum insn_mode mode;
	size_t n = fetch(v, bytes, &mode);

	return n ? insn_decode_system(bytes, n, mode, info) : -EFAULT;
}

static bool needs_length(enum vexit_reason r)
{
	return exit_is_guest_caused(r) && r != VEXIT_NPF && r != VEXIT_EXCEPTION &&
	       r != VEXIT_TRIPLE_FAULT && r != VEXIT_IO;
}

/* Without decode assists a CR exit says only which CR and whether read or
 * write: the instruction says MOV (and its register), CLTS or LMSW. */
static int complete_cr(struct vcpu *v, struct vexit *e, const struct sys_insn_info *info)
{
	switch (info->kind) {
	case SYS_INSN_CLTS:
		e->cr.type = CR_CLTS;
		break;
	case SYS_INSN_LMSW:
		if (info->mem_operand) {
			vm_stop(v->vm, "LMSW with a memory operand is not emulated");
			return -ENOTSUP;
		}
		e->cr.type = CR_LMSW;
		e->cr.lmsw_value = (u16)v->arch.gpr[info->gpr & 15];
		break;
	case SYS_INSN_MOV_TO_CR:
	case SYS_INSN_MOV_FROM_CR:
		break;
	default:
		vm_stop(v->vm, "a control-register exit at an instruction that is not MOV CR, CLTS "
			"or LMSW");
		return -EINVAL;
	}
	e->cr.gpr = info->gpr;
	e->cr.gpr_valid = true;
	return 0;
}

int vcpu_complete_exit(struct vcpu *v, struct vexit *e)
{
	struct sys_insn_info info;
	int err;

	if (!needs_length(e->reason) ||
	    (e->insn_len && !(e->reason == VEXIT_CR_ACCESS && !e->cr.gpr_valid)))
		return 0;
	err = vcpu_decode_system_insn(v, &info);
	if (err) {
		vm_stop(v->vm, "cannot decode the instruction behind a %s exit (%d)",
			exit_reason_name(e->reason), err);
		return err;
	}
	e->insn_len = info.length;
	/* QEMU's TCG reports RDTSCP with the RDTSC exit code. */
	if (e->reason == VEXIT_RDTSC && info.kind == SYS_INSN_RDTSCP)
		e->reason = VEXIT_RDTSCP;
	if (e->reason == VEXIT_CR_ACCESS)
		return complete_cr(v, e, &info);
	return 0;
}
