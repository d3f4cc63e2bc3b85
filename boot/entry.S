/*
 * 32-bit entry from GRUB (Multiboot2 3.3 "I386 machine state": EAX = magic,
 * EBX = boot information, paging off), switch to long mode with an identity
 * map of the first 4 GiB in 2 MiB pages, then call kmain(magic, info).
 * SDM Vol 3, 10.8.5 "Initializing IA-32e Mode".
 */
#include "arch/x86/regs.h"
#include "boot/mb2_spec.h"

#define BOOT_STACK_SIZE 16384
#define EARLY_GDT_CODE64 0x08
#define EARLY_GDT_DATA 0x10
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_LM (1 << 29) /* EDX: Intel 64 / long mode */
#define COM1 0x3F8

	.section .text.boot, "ax"
	.code32
	.globl entry32
entry32:
	cli
	cld
	movl $(boot_stack + BOOT_STACK_SIZE), %esp
	movl %eax, %edi              /* multiboot magic: kmain's 1st argument */
	movl %ebx, %esi              /* boot information: its 2nd */

	/* Refuse CPUs without long mode, with a message on COM1. */
	movl $CPUID_EXT_FEATURES, %eax
	cpuid
	testl $CPUID_EXT_LM, %edx
	jz no_long_mode

	call build_early_page_tables

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $early_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE | CR0_WP), %eax
	movl %eax, %cr0

	lgdt early_gdt_ptr
	ljmp $EARLY_GDT_CODE64, $entry64

/* PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages
 * (SDM Vol 3, 4.5 "4-Level Paging"). Clobbers eax, ebx, ecx. */
build_early_page_tables:
	movl $early_pdpt, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, early_pml4
	movl $0, early_pml4 + 4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $early_pd, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, early_pdpt(, %ecx, 8)
	movl $0, early_pdpt + 4(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, early_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax               /* high half of (ecx << 21) */
	movl %eax, early_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b
	ret

no_long_mode:
	movl $no_lm_msg, %ebx
3:	movb (%ebx), %al
	testb %al, %al
	jz 5f
	movw $COM1, %dx
	outb %al, %dx
	incl %ebx
	jmp 3b
5:	hlt
	jmp 5b

	.code64
entry64:
	movw $EARLY_GDT_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $(boot_stack + BOOT_STACK_SIZE), %rsp
	xorl %ebp, %ebp              /* ends backtraces */
	/* edi = magic, esi = info (zero-extended by the 32-bit moves) */
	call kmain
6:	cli
	hlt
	jmp 6b

	.section .rodata
no_lm_msg:
	.asciz "understudy: this CPU has no long mode (x86-64); cannot start\r\n"

	.balign 8
early_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF     /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00CF92000000FFFF     /* 0x10: data, DPL 0 */
early_gdt_end:
early_gdt_ptr:
	.short early_gdt_end - early_gdt - 1
	.long early_gdt

	.section .bss
	.balign 4096
early_pml4:
	.skip 4096
early_pdpt:
	.skip 4096
early_pd:
	.skip 4 * 4096
	.globl boot_stack
boot_stack:
	.skip BOOT_STACK_SIZE
