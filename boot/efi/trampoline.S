/*
 * The last step of understudy.efi, after ExitBootServices: leave the
 * firmware's 64-bit long mode for 32-bit protected mode with paging off and
 * enter the hypervisor at entry32 exactly as GRUB does (Multiboot2 3.3
 * "I386 machine state": EAX = magic, EBX = boot information, flat 4 GiB
 * code and data segments, CR0.PG clear, interrupts off).
 *
 * It is copied to the start of a page below 4 GiB (handover.c) and runs
 * there, identity-mapped by the firmware's page tables, so it uses only
 * RIP-relative addresses inside itself.
 *
 *     void efi_trampoline(u32 entry32, u32 info);   (never returns)
 */
#include "arch/x86/regs.h"
#include "boot/mb2_spec.h"

#define TRAMP_CODE32 0x08 /* selectors of tramp_gdt */
#define TRAMP_DATA32 0x10
#define TRAMP_PAGE 4096   /* the page it is copied to; its stack tops it */
#define GDTR_SIZE 16      /* limit (2 bytes) and base (8), rounded up */

	.section .text
	.code64
	.globl efi_trampoline_start, efi_trampoline_end
efi_trampoline_start:
	cli
	/* A stack in the page: the firmware's may lie above 4 GiB. */
	leaq efi_trampoline_start(%rip), %rsp
	addq $TRAMP_PAGE, %rsp

	/* Clearing CR0.PG with CR4.PCIDE set faults (SDM Vol 3, 4.10.1
	 * "Process-Context Identifiers (PCIDs)"). */
	movq %cr4, %rax
	andq $~CR4_PCIDE, %rax
	movq %rax, %cr4

	/* Our GDT, then a far return into its 32-bit code segment:
	 * compatibility mode. */
	leaq tramp_gdt(%rip), %rax
	subq $GDTR_SIZE, %rsp
	movw $(tramp_gdt_end - tramp_gdt - 1), (%rsp)
	movq %rax, 2(%rsp)
	lgdt (%rsp)
	leaq tramp32(%rip), %rax
	pushq $TRAMP_CODE32
	pushq %rax
	lretq

	.code32
tramp32:
	movl $TRAMP_DATA32, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl %eax, %ss

	/* Paging off leaves IA-32e mode; then EFER.LME off (SDM Vol 3,
	 * 10.8.5.4 "Switching Out of IA-32e Mode Operation"). */
	movl %cr0, %eax
	andl $(~CR0_PG & 0xFFFFFFFF), %eax
	movl %eax, %cr0
	jmp 1f
1:	movl $MSR_EFER, %ecx
	rdmsr
	andl $~EFER_LME, %eax
	wrmsr
	/* CR4 as a BIOS leaves it: entry32 sets what it needs (PAE). */
	xorl %eax, %eax
	movl %eax, %cr4

	movl %esi, %ebx              /* boot information */
	movl $MB2_BOOTLOADER_MAGIC, %eax
	jmp *%edi

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF     /* 0x08: 32-bit code, base 0, limit 4 GiB */
	.quad 0x00CF92000000FFFF     /* 0x10: 32-bit data, base 0, limit 4 GiB */
tramp_gdt_end:
efi_trampoline_end:
