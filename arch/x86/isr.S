/*
 * Entry stubs for all 256 IDT vectors. Each pushes a dummy error code where
 * the CPU pushes none (SDM Vol 3, 6.13 "Error Code"), then its vector, then
 * saves the general registers as struct trap_frame and calls trap_dispatch.
 */
	.section .text
	.code64

/* Vectors whose exceptions push an error code: #DF #TS #NP #SS #GP #PF #AC
 * #CP, and #VC/#SX (29, 30). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

/* 256 stubs of 16 bytes each: isr_first + vector * 16 (at most 12 bytes of
 * code in each, padded). */
	.balign 16
isr_first:
	.set vec, 0
	.rept 256
	.balign 16
	.if !HAS_ERROR_CODE(vec)
	pushq $0
	.endif
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	/* Align the stack for the C call; rbx is callee-saved. */
	movq %rsp, %rbx
	andq $-16, %rsp
	call trap_dispatch
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp               /* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl isr_stub_table
isr_stub_table:
.set vec, 0
.rept 256
	.quad isr_first + vec * 16
	.set vec, vec + 1
.endr
