/* setjmp/longjmp for exceptions (see catch.h). catch_buf holds: return EIP,
 * ESP after the return, EBX, ESI, EDI, EBP, EFLAGS. */
	.text
	.globl catch_arm
catch_arm:
	movl (%esp), %eax
	movl %eax, catch_buf + 0
	leal 4(%esp), %eax
	movl %eax, catch_buf + 4
	movl %ebx, catch_buf + 8
	movl %esi, catch_buf + 12
	movl %edi, catch_buf + 16
	movl %ebp, catch_buf + 20
	pushfl
	popl catch_buf + 24
	movl $1, catch_armed
	xorl %eax, %eax
	ret

/* catch_return(value): back to catch_arm()'s caller with EAX = value. Runs
 * inside trap_dispatch() on the same (ring 0) stack, so dropping the trap
 * frame is just restoring ESP; EFLAGS comes back from catch_arm() time (the
 * interrupt gate had cleared IF). */
	.globl catch_return
catch_return:
	movl 4(%esp), %eax
	movl $0, catch_armed
	movl catch_buf + 8, %ebx
	movl catch_buf + 12, %esi
	movl catch_buf + 16, %edi
	movl catch_buf + 20, %ebp
	movl catch_buf + 4, %esp
	pushl catch_buf + 24
	popfl
	jmp *catch_buf + 0

	.bss
	.balign 4
catch_buf:
	.skip 28
