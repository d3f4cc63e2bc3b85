/*
 * VMREAD/VMWRITE with build-time width checks, and reports of failed VMX
 * instructions (SDM Vol 3, 31.2 "Conventions": VMfailInvalid sets CF,
 * VMfailValid sets ZF and VM_INSTRUCTION_ERROR).
 */
#ifndef UNDERSTUDY_ARCH_X86_VMX_VMCS_H
#define UNDERSTUDY_ARCH_X86_VMX_VMCS_H

#include "arch/x86/vmx/vmcs_fields.h"
#include "compiler.h"
#include "types.h"

/* Reports a failed VMREAD/VMWRITE (field name, VM_INSTRUCTION_ERROR and
 * caller) and panics: a failed VMCS access is a hypervisor bug. */
void vmcs_access_failed(const char *insn, u32 field, u64 value, void *caller) __noreturn;

const char *vmcs_field_name(u32 field);
const char *vmx_instruction_error_name(u32 err);

static inline u64 __vmread(u32 field)
{
	u64 value;
	u8 failed;

	__asm__ volatile("vmread %2, %0\n\tsetbe %1"
			 : "=rm"(value), "=qm"(failed)
			 : "r"((u64)field)
			 : "cc");
	if (unlikely(failed))
		vmcs_access_failed("VMREAD", field, 0, __builtin_return_address(0));
	return value;
}

static inline void __vmwrite(u32 field, u64 value)
{
	u8 failed;

	__asm__ volatile("vmwrite %1, %2\n\tsetbe %0"
			 : "=qm"(failed)
			 : "rm"(value), "r"((u64)field)
			 : "cc", "memory");
	if (unlikely(failed))
		vmcs_access_failed("VMWRITE", field, value, __builtin_return_address(0));
}

#define VMCS_CHECK_WIDTH(field, width) \
	_Static_assert(VMCS_WIDTH(field) == (width), #field " has another width")

#define vmcs_read16(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); (u16)__vmread(f); })
#define vmcs_read32(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); (u32)__vmread(f); })
#define vmcs_read64(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); __vmread(f); })
#define vmcs_readnat(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); __vmread(f); })
#define vmcs_write16(f, v) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); __vmwrite(f, (u16)(v)); })
#define vmcs_write32(f, v) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); __vmwrite(f, (u32)(v)); })
#define vmcs_write64(f, v) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); __vmwrite(f, (u64)(v)); })
#define vmcs_writenat(f, v) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); __vmwrite(f, (u64)(v)); })

/* VMCLEAR/VMPTRLD of a VMCS at physical address pa; 0 or -EIO (reported). */
int vmcs_clear(u64 pa);
int vmcs_load(u64 pa);

/* Prints every field of the current VMCS (unhandled exits, failed entries). */
void vmcs_dump(void);

#endif
