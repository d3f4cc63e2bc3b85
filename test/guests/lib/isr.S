/* One 16-byte stub per vector (isr_stubs + 16 * vector): pushes a zero error
 * code where the CPU pushes none (SDM Vol 3, 6.13 "Error Code"), then the
 * vector, and joins isr_common, which calls trap_dispatch(frame). */
	.text
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushl $0
	.endif
	pushl $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	pushal
	cld
	pushl %esp              /* struct trap_frame * */
	call trap_dispatch
	addl $4, %esp
	popal
	addl $8, %esp           /* vector and error code */
	iretl
