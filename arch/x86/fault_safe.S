/*
 * Instructions that may fault, each with an exception-table fixup, so a
 * fault returns -EFAULT instead of being fatal: trap.c resumes at the fixup
 * with RAX = -EFAULT. RDMSR/WRMSR fault on MSRs the CPU lacks (SDM Vol 2B,
 * RDMSR: "#GP(0) if ECX specifies a reserved or unimplemented MSR address").
 */
	.section .text
	.code64

/* int rdmsr_safe(u32 msr [edi], u64 *value [rsi]) */
	.globl rdmsr_safe
rdmsr_safe:
	movl %edi, %ecx
1:	rdmsr
	shlq $32, %rdx
	movl %eax, %eax
	orq %rdx, %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
2:	ret

/* int wrmsr_safe(u32 msr [edi], u64 value [rsi]) */
	.globl wrmsr_safe
wrmsr_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
3:	wrmsr
	xorl %eax, %eax
4:	ret

	.section .extable, "a"
	.balign 8
	.quad 1b, 2b
	.quad 3b, 4b

	.section .text
/* int probe_read_u64(u64 address [rdi], u64 *value [rsi]): a read that
 * returns -EFAULT instead of faulting (non-canonical or unmapped address). */
	.globl probe_read_u64
probe_read_u64:
5:	movq (%rdi), %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
6:	ret

	.section .extable, "a"
	.quad 5b, 6b
