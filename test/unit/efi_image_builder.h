/*
 * Builds small hypervisor images for boot/efi/image.c's tests and fuzz
 * seeds: an ELF64 x86-64 executable shaped like understudy.elf (a
 * Multiboot2 header at the start of its first segment, loaded at 2 MiB)
 * whose fields the tests then poke at the offsets below. Header-only, no
 * cmocka.
 */
#ifndef UNDERSTUDY_TEST_UNIT_EFI_IMAGE_BUILDER_H
#define UNDERSTUDY_TEST_UNIT_EFI_IMAGE_BUILDER_H

#include <string.h>

#include "boot/mb2_spec.h"
#include "types.h"

#define IMG_SIZE 0x3000       /* the whole file */
#define IMG_PHOFF 64          /* program headers right after the ELF header */
#define IMG_PHENT 56
#define IMG_MB2_OFF 0x1000    /* Multiboot2 header: start of segment 0 */
#define IMG_SEG0_PADDR 0x200000ULL
#define IMG_SEG0_FILESZ 0x1000
#define IMG_SEG0_MEMSZ 0x1800 /* with bss */
#define IMG_SEG1_OFF 0x2000
#define IMG_SEG1_PADDR 0x202000ULL
#define IMG_SEG1_SIZE 0x800
#define IMG_ENTRY (IMG_SEG0_PADDR + 0x30)

/* ELF header field offsets ("ELF-64 Object File Format", "File header") */
#define ELF_OFF_CLASS 4
#define ELF_OFF_TYPE 16
#define ELF_OFF_MACHINE 18
#define ELF_OFF_ENTRY 24
#define ELF_OFF_PHOFF 32
#define ELF_OFF_PHENTSIZE 54
#define ELF_OFF_PHNUM 56
/* Program header field offsets, from the header's start */
#define PH_OFF_TYPE 0
#define PH_OFF_OFFSET 8
#define PH_OFF_PADDR 24
#define PH_OFF_FILESZ 32
#define PH_OFF_MEMSZ 40

static inline void img_put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static inline void img_put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static inline void img_put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

/* Program header i of img. */
static inline u8 *img_phdr(u8 *img, unsigned i)
{
	return img + IMG_PHOFF + i * IMG_PHENT;
}

static inline void img_segment(u8 *img, unsigned i, u64 off, u64 paddr, u64 filesz, u64 memsz)
{
	u8 *ph = img_phdr(img, i);

	img_put32(ph + PH_OFF_TYPE, 1); /* PT_LOAD */
	img_put32(ph + 4, i == 0 ? 5 : 6);
	img_put64(ph + PH_OFF_OFFSET, off);
	img_put64(ph + 16, paddr);
	img_put64(ph + PH_OFF_PADDR, paddr);
	img_put64(ph + PH_OFF_FILESZ, filesz);
	img_put64(ph + PH_OFF_MEMSZ, memsz);
	img_put64(ph + 48, 0x1000);
}

/*
 * Writes a Multiboot2 header at off with the given header tags (tags_len
 * bytes of 8-aligned tags, the end tag added here) and a valid checksum.
 */
static inline void img_mb2_header(u8 *img, u32 off, u32 arch, const void *tags, u32 tags_len)
{
	u32 len = 16 + tags_len + 8;

	img_put32(img + off, MB2_HEADER_MAGIC);
	img_put32(img + off + 4, arch);
	img_put32(img + off + 8, len);
	img_put32(img + off + 12, (u32)-(MB2_HEADER_MAGIC + arch + len));
	memcpy(img + off + 16, tags, tags_len);
	img_put16(img + off + 16 + tags_len, MB2_HEADER_TAG_END);
	img_put16(img + off + 16 + tags_len + 2, 0);
	img_put32(img + off + 16 + tags_len + 4, 8);
}

/* understudy.elf's own header tags (boot/mb2_header.S). */
static const u8 img_default_tags[] = {
	4, 0, 1, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* console flags, optional */
	6, 0, 0, 0, 8, 0, 0, 0,                          /* page-aligned modules */
};

/* A valid two-segment image in img (IMG_SIZE bytes). */
static inline void img_build(u8 *img)
{
	memset(img, 0, IMG_SIZE);
	memcpy(img, "\177ELF", 4);
	img[ELF_OFF_CLASS] = 2; /* ELFCLASS64 */
	img[5] = 1;             /* little-endian */
	img[6] = 1;             /* EV_CURRENT */
	img_put16(img + ELF_OFF_TYPE, 2);     /* ET_EXEC */
	img_put16(img + ELF_OFF_MACHINE, 62); /* EM_X86_64 */
	img_put32(img + 20, 1);
	img_put64(img + ELF_OFF_ENTRY, IMG_ENTRY);
	img_put64(img + ELF_OFF_PHOFF, IMG_PHOFF);
	img_put16(img + 52, 64);
	img_put16(img + ELF_OFF_PHENTSIZE, IMG_PHENT);
	img_put16(img + ELF_OFF_PHNUM, 2);
	img_segment(img, 0, IMG_MB2_OFF, IMG_SEG0_PADDR, IMG_SEG0_FILESZ, IMG_SEG0_MEMSZ);
	img_segment(img, 1, IMG_SEG1_OFF, IMG_SEG1_PADDR, IMG_SEG1_SIZE, IMG_SEG1_SIZE);
	img_mb2_header(img, IMG_MB2_OFF, MB2_ARCH_I386, img_default_tags,
		       sizeof(img_default_tags));
}

#endif
