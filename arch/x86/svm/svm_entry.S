/*
 * The SVM world switch (AMD64 APM Vol 2, 15.5 "VMRUN Instruction", 15.5.2
 * "VMSAVE and VMLOAD Instructions"). VMRUN saves and restores only part of
 * the host state; the hidden state of FS, GS, TR and LDTR and the syscall
 * MSRs move with VMLOAD/VMSAVE: the guest's are loaded before VMRUN and saved
 * after it, then the host's are loaded back. RAX and RSP travel in the VMCB;
 * the other general registers are switched here.
 */
#define VCPU_GPR(n) ((n) * 8)

	.section .text
	.code64

/* void svm_enter(struct vcpu_arch *v [rdi], u64 vmcb_pa [rsi], u64 host_save_pa [rdx]) */
	.globl svm_enter
svm_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* the vcpu_arch */
	pushq %rdx                      /* the host's VMLOAD area */
	movq %rsi, %rax                 /* VMRUN/VMLOAD/VMSAVE take the VMCB in RAX */
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
	movq VCPU_GPR(7)(%rdi), %rdi
	vmload %rax
	vmrun %rax
	vmsave %rax
	pushq %rdi                      /* guest RDI */
	movq 16(%rsp), %rdi             /* the vcpu_arch */
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
	popq %rax                       /* the host's VMLOAD area */
	vmload %rax
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
