/*
 * Multiboot v1 header and 32-bit entry (Multiboot Specification 0.6.96:
 * 3.1 "OS image format", 3.2 "Machine state"). The loader enters with
 * EAX = 0x2BADB002, EBX = boot information, paging off, and a GDTR that may
 * be invalid, so we load our own flat GDT before anything can reload a
 * segment (IRET does), clear .bss, set up a stack and call
 * main(magic, info); its return value is the exit code for port 0xF4.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory information */
#define STACK_SIZE 16384

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.globl _start
_start:
	cli
	cld
	movl %eax, %ebp              /* magic */
	sgdt entry_gdtr              /* what the loader left, for the entry guest */
	movw %cs, entry_cs
	movw %ds, entry_ds
	lgdt gdt_ptr
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl %eax, %ss
	movl $__bss_start, %edi      /* EBX (boot information) survives this */
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $(stack + STACK_SIZE), %esp
	pushl $0                     /* clean EFLAGS: IF=0, DF=0, AC=0 */
	popfl
	pushl %ebx
	pushl %ebp
	xorl %ebp, %ebp
	call main
	pushl %eax
	call guest_exit
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF     /* 0x08: 32-bit code, base 0, 4 GiB */
	.quad 0x00CF92000000FFFF     /* 0x10: data, base 0, 4 GiB */
gdt_end:
	.balign 4
	.short 0
gdt_ptr:
	.short gdt_end - gdt - 1
	.long gdt

	.data                        /* not .bss: cleared after they are taken */
	.balign 4
	.globl entry_gdtr, entry_cs, entry_ds
	.short 0
entry_gdtr:
	.short 0
	.long 0
entry_cs:
	.short 0
entry_ds:
	.short 0

	.bss
	.balign 16
stack:
	.skip STACK_SIZE
