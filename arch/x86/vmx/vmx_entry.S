/*
 * The world switch. vmx_enter saves the host's callee-saved registers and
 * the vcpu_arch pointer on the stack, records that stack as HOST_RSP, loads
 * the guest's CR2 and general registers (RSP comes from the VMCS) and runs
 * VMLAUNCH or VMRESUME. A VM exit lands at vmx_exit_stub (HOST_RIP) on that
 * stack (SDM Vol 3, 28.5 "Loading Host State"), which saves the guest's
 * registers and returns 0 from vmx_enter. A failed entry instruction returns
 * 1 (VMfailInvalid, CF) or 2 (VMfailValid, ZF) instead.
 */
#define VCPU_GPR(n) ((n) * 8)
#define VCPU_CR2 (16 * 8)
#define VMCS_HOST_RSP 0x6C14

	.section .text
	.code64

/* int vmx_enter(struct vcpu_arch *v [rdi], bool launched [esi]) */
	.globl vmx_enter
vmx_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* found at (%rsp) after the exit */
	movl $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe entry_failed

	movq VCPU_CR2(%rdi), %rax
	movq %rax, %cr2
	testl %esi, %esi
	movq VCPU_GPR(0)(%rdi), %rax
	movq VCPU_GPR(1)(%rdi), %rcx
	movq VCPU_GPR(2)(%rdi), %rdx
	movq VCPU_GPR(3)(%rdi), %rbx
	movq VCPU_GPR(5)(%rdi), %rbp
	movq VCPU_GPR(6)(%rdi), %rsi
	movq VCPU_GPR(8)(%rdi), %r8
	movq VCPU_GPR(9)(%rdi), %r9
	movq VCPU_GPR(10)(%rdi), %r10
	movq VCPU_GPR(11)(%rdi), %r11
	movq VCPU_GPR(12)(%rdi), %r12
	movq VCPU_GPR(13)(%rdi), %r13
	movq VCPU_GPR(14)(%rdi), %r14
	movq VCPU_GPR(15)(%rdi), %r15
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
	movq %rcx, VCPU_GPR(1)(%rdi)
	movq %rdx, VCPU_GPR(2)(%rdi)
	movq %rbx, VCPU_GPR(3)(%rdi)
	movq %rbp, VCPU_GPR(5)(%rdi)
	movq %rsi, VCPU_GPR(6)(%rdi)
	movq %r8, VCPU_GPR(8)(%rdi)
	movq %r9, VCPU_GPR(9)(%rdi)
	movq %r10, VCPU_GPR(10)(%rdi)
	movq %r11, VCPU_GPR(11)(%rdi)
	movq %r12, VCPU_GPR(12)(%rdi)
	movq %r13, VCPU_GPR(13)(%rdi)
	movq %r14, VCPU_GPR(14)(%rdi)
	movq %r15, VCPU_GPR(15)(%rdi)
	popq %rax
	movq %rax, VCPU_GPR(7)(%rdi)
	movq %cr2, %rax
	movq %rax, VCPU_CR2(%rdi)
	popq %rdi
	xorl %eax, %eax

restore_host:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
