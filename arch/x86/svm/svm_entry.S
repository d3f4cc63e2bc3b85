/*
 * The SVM world switch (AMD64 APM Vol 2, 15.5 "VMRUN Instruction", 15.5.2
 * "VMSAVE and VMLOAD Instructions"). VMRUN saves and restores only part of
 * the host state; the hidden state of FS, GS, TR and LDTR and the syscall
 * MSRs move with VMLOAD/VMSAVE: the guest's are loaded before VMRUN and saved
 * after it, then the host's are loaded back. RAX and RSP travel in the VMCB;
 * the other general registers are switched here.
 */
#include "arch/x86/guest_gprs.h"


	.section .text
	.code64

/* void svm_enter(struct vcpu_arch *v [rdi], u64 vmcb_pa [rsi], u64 host_save_pa [rdx]) */
	.globl svm_enter
svm_enter:
	PUSH_HOST_CALLEE_SAVED
	pushq %rdi                      /* the vcpu_arch */
	pushq %rdx                      /* the host's VMLOAD area */
	movq %rsi, %rax                 /* VMRUN/VMLOAD/VMSAVE take the VMCB in RAX */
	LOAD_GUEST_GPRS %rdi
	movq VCPU_GPR(7)(%rdi), %rdi
	vmload %rax
	vmrun %rax
	vmsave %rax
	pushq %rdi                      /* guest RDI */
	movq 16(%rsp), %rdi             /* the vcpu_arch */
	SAVE_GUEST_GPRS %rdi
	popq %rax
	movq %rax, VCPU_GPR(7)(%rdi)
	popq %rax                       /* the host's VMLOAD area */
	vmload %rax
	popq %rdi
	POP_HOST_CALLEE_SAVED
	ret
