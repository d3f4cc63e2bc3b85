/*
 * The world switch. vmx_enter saves the host's callee-saved registers and
 * the vcpu_arch pointer on the stack, records that stack as HOST_RSP, loads
 * the guest's CR2 and general registers (RSP comes from the VMCS) and runs
 * VMLAUNCH or VMRESUME. A VM exit lands at vmx_exit_stub (HOST_RIP) on that
 * stack (SDM Vol 3, 28.5 "Loading Host State"), which saves the guest's
 * registers and returns 0 from vmx_enter. A failed entry instruction returns
 * 1 (VMfailInvalid, CF) or 2 (VMfailValid, ZF) instead.
 */
#include "arch/x86/guest_gprs.h"
#include "arch/x86/vmx/vmcs_fields.h"

	.section .text
	.code64

/* int vmx_enter(struct vcpu_arch *v [rdi], bool launched [esi]) */
	.globl vmx_enter
vmx_enter:
	PUSH_HOST_CALLEE_SAVED
	pushq %rdi                      /* found at (%rsp) after the exit */
	movl $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe entry_failed

	movq VCPU_CR2(%rdi), %rax
	movq %rax, %cr2
	testl %esi, %esi
	movq VCPU_GPR(0)(%rdi), %rax
	LOAD_GUEST_GPRS %rdi
	movq VCPU_GPR(7)(%rdi), %rdi   /* last: it held the pointer */
	jnz 1f                          /* flags from the testl above */
	vmlaunch
	jmp entry_failed
1:	vmresume

entry_failed:
	/* CF set: VMfailInvalid (1); ZF set: VMfailValid (2). */
	movl $1, %eax
	movl $2, %ecx
	cmovzl %ecx, %eax
	popq %rdi
	jmp restore_host

	.globl vmx_exit_stub
vmx_exit_stub:
	pushq %rdi                      /* guest RDI; the vcpu pointer is above it */
	movq 8(%rsp), %rdi
	movq %rax, VCPU_GPR(0)(%rdi)
	SAVE_GUEST_GPRS %rdi
	popq %rax
	movq %rax, VCPU_GPR(7)(%rdi)
	movq %cr2, %rax
	movq %rax, VCPU_CR2(%rdi)
	popq %rdi
	xorl %eax, %eax

restore_host:
	POP_HOST_CALLEE_SAVED
	ret
