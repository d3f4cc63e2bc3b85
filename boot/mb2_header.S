/*
 * Multiboot2 header: asks GRUB to load understudy.elf by its ELF program
 * headers and enter it in 32-bit protected mode (Multiboot2 specification,
 * 3.1 "OS image format", 3.3 "I386 machine state").
 */
#include "boot/mb2_spec.h"

	.section .multiboot2, "a"
	.balign MB2_HEADER_ALIGN
mb2_header_start:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header_start
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))

	/* Console flags tag: we drive the serial port ourselves, no EGA text
	 * console is required (3.1.7 "Console header tags"). */
	.balign MB2_TAG_ALIGN
	.short MB2_HEADER_TAG_CONSOLE_FLAGS
	.short MB2_HEADER_TAG_OPTIONAL
	.long 12
	.long 0

	/* Module alignment tag: modules start on page boundaries, so guest
	 * images and logs can be mapped without copying (3.1.11). */
	.balign MB2_TAG_ALIGN
	.short MB2_HEADER_TAG_MODULE_ALIGN
	.short 0
	.long 8

	/* End tag. */
	.balign MB2_TAG_ALIGN
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:
