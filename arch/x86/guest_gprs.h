/*
 * Assembler macros shared by the VMX and SVM world switches: moving the
 * guest's RCX, RDX, RBX, RBP, RSI and R8-R15 between struct vcpu_arch's
 * gpr[] (at the register's encoding number times 8) and the CPU. RAX, RSP
 * and RDI differ between the backends and are handled by each.
 */
#ifndef UNDERSTUDY_ARCH_X86_GUEST_GPRS_H
#define UNDERSTUDY_ARCH_X86_GUEST_GPRS_H

/* Offsets in struct vcpu_arch (checked at build time in virt.c). */
#define VCPU_GPR(n) ((n) * 8)
#define VCPU_CR2 (16 * 8)

#ifdef __ASSEMBLER__

.macro LOAD_GUEST_GPRS base
	movq VCPU_GPR(1)(\base), %rcx
	movq VCPU_GPR(2)(\base), %rdx
	movq VCPU_GPR(3)(\base), %rbx
	movq VCPU_GPR(5)(\base), %rbp
	movq VCPU_GPR(6)(\base), %rsi
	movq VCPU_GPR(8)(\base), %r8
	movq VCPU_GPR(9)(\base), %r9
	movq VCPU_GPR(10)(\base), %r10
	movq VCPU_GPR(11)(\base), %r11
	movq VCPU_GPR(12)(\base), %r12
	movq VCPU_GPR(13)(\base), %r13
	movq VCPU_GPR(14)(\base), %r14
	movq VCPU_GPR(15)(\base), %r15
.endm

.macro SAVE_GUEST_GPRS base
	movq %rcx, VCPU_GPR(1)(\base)
	movq %rdx, VCPU_GPR(2)(\base)
	movq %rbx, VCPU_GPR(3)(\base)
	movq %rbp, VCPU_GPR(5)(\base)
	movq %rsi, VCPU_GPR(6)(\base)
	movq %r8, VCPU_GPR(8)(\base)
	movq %r9, VCPU_GPR(9)(\base)
	movq %r10, VCPU_GPR(10)(\base)
	movq %r11, VCPU_GPR(11)(\base)
	movq %r12, VCPU_GPR(12)(\base)
	movq %r13, VCPU_GPR(13)(\base)
	movq %r14, VCPU_GPR(14)(\base)
	movq %r15, VCPU_GPR(15)(\base)
.endm

/* The host's callee-saved registers (System V AMD64 ABI). */
.macro PUSH_HOST_CALLEE_SAVED
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_HOST_CALLEE_SAVED
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
.endm

#endif
#endif
