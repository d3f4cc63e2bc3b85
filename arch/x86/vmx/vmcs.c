/* VMCS field names, VMX instruction error reports and the VMCS dump. */
#include "arch/x86/vmx/vmcs.h"

#include "errno.h"
#include "log.h"
#include "panic.h"

struct vmcs_field_desc {
	u32 encoding;
	const char *name;
};

#define VMCS_FIELD_DESC(name, enc) { enc, #name },
static const struct vmcs_field_desc vmcs_fields[] = { VMCS_FIELDS(VMCS_FIELD_DESC) };
#undef VMCS_FIELD_DESC

/* SDM Vol 3, 31.4 "VM Instruction Error Numbers", Table 31-1 */
static const char *const instruction_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmcs_field_name(u32 field)
{
	for (unsigned i = 0; i < ARRAY_SIZE(vmcs_fields); i++)
		if (vmcs_fields[i].encoding == field)
			return vmcs_fields[i].name;
	return "unknown field";
}

const char *vmx_instruction_error_name(u32 err)
{
	if (err < ARRAY_SIZE(instruction_errors) && instruction_errors[err])
		return instruction_errors[err];
	return "unknown error";
}

/* Reads VM_INSTRUCTION_ERROR without the checking wrapper (which would
 * recurse on failure). */
static u32 read_instruction_error(void)
{
	u64 value = 0;

	__asm__ volatile("vmread %1, %0" : "=r"(value) : "r"((u64)VMCS_VM_INSTRUCTION_ERROR) : "cc");
	return (u32)value;
}

void vmcs_access_failed(const char *insn, u32 field, u64 value, void *caller)
{
	u32 err = read_instruction_error();

	panic("%s of %s (%#x, value %#llx) failed from %p: VM-instruction error %u (%s)", insn,
	      vmcs_field_name(field), field, value, caller, err,
	      vmx_instruction_error_name(err));
}

/* VMCLEAR and VMPTRLD take a memory operand holding the VMCS address. */
static int vmcs_pointer_insn(const char *name, u64 pa, bool load)
{
	u8 failed;

	if (load)
		__asm__ volatile("vmptrld %1\n\tsetbe %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
	else
		__asm__ volatile("vmclear %1\n\tsetbe %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
	if (failed) {
		u32 err = read_instruction_error();

		pr_err("vmx: %s of VMCS at %#llx failed: VM-instruction error %u (%s)", name,
		       pa, err, vmx_instruction_error_name(err));
		return -EIO;
	}
	return 0;
}

int vmcs_clear(u64 pa)
{
	return vmcs_pointer_insn("VMCLEAR", pa, false);
}

int vmcs_load(u64 pa)
{
	return vmcs_pointer_insn("VMPTRLD", pa, true);
}

void vmcs_dump(void)
{
	console_printf("  VMCS fields:\n");
	for (unsigned i = 0; i < ARRAY_SIZE(vmcs_fields); i++) {
		u64 value = 0;
		u8 failed;

		__asm__ volatile("vmread %2, %0\n\tsetbe %1"
				 : "=r"(value), "=qm"(failed)
				 : "r"((u64)vmcs_fields[i].encoding)
				 : "cc");
		if (!failed)
			console_printf("    %-32s %#llx\n", vmcs_fields[i].name,
				       value);
	}
}
