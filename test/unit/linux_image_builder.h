/*
 * Synthetic Linux kernels for the loader's unit tests, fuzzer seeds and
 * fuzzer: a protocol 2.15 bzImage laid out as Documentation/arch/x86/boot.rst
 * describes (setup sectors, setup header at 0x1F1, protected-mode code after
 * them), and an ELF64 vmlinux with PT_LOAD segments and a PT_NOTE holding
 * the PVH entry note, as Debian's are.
 */
#ifndef UNDERSTUDY_TEST_LINUX_IMAGE_BUILDER_H
#define UNDERSTUDY_TEST_LINUX_IMAGE_BUILDER_H

#include <string.h>

#include "hv/linux_bzimage.h"
#include "hv/linux_pvh.h"

#define LIB_SETUP_SECTS 3
#define LIB_PM_OFFSET ((LIB_SETUP_SECTS + 1) * 512)
#define LIB_ELF_PHOFF 64
#define LIB_ELF_PHSIZE 56
#define LIB_NOTE_OFF 0x800       /* the PT_NOTE segment's file offset */
#define LIB_PVH_NOTE_OFF (LIB_NOTE_OFF + 20) /* the PVH note, after an unrelated one */
#define LIB_SEG0_OFF 0x1000      /* file offsets of the two PT_LOAD segments */
#define LIB_SEG1_OFF 0x5000

static inline void lib_put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static inline void lib_put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static inline void lib_put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

/* A bzImage of size bytes (> LIB_PM_OFFSET) whose kernel runs at pref with
 * init_size bytes, and a 64-bit entry. */
static inline void lib_make_bzimage(u8 *img, size_t size, u64 pref, u32 init_size)
{
	struct linux_setup_header *h = (struct linux_setup_header *)(img + BZ_SETUP_HEADER_OFF);

	memset(img, 0, size);
	h->setup_sects = LIB_SETUP_SECTS;
	h->boot_flag = 0xAA55;
	h->jump = (u16)(0xEB | ((0x26C - 0x202) << 8)); /* the header ends at 0x26C */
	h->header = 0x53726448;                          /* "HdrS" */
	h->version = 0x020F;
	h->loadflags = BZ_LOADED_HIGH;
	h->code32_start = 0x100000;
	h->initrd_addr_max = 0x7FFFFFFF;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->xloadflags = 0x7F;
	h->cmdline_size = 0x7FF;
	h->pref_address = pref;
	h->init_size = init_size;
	h->syssize = (u32)((size - LIB_PM_OFFSET) / 16);
	for (size_t i = LIB_PM_OFFSET; i < size; i++)
		img[i] = (u8)(i * 7 + 1);
}

static inline void lib_put_phdr(u8 *img, unsigned i, u32 type, u64 off, u64 paddr, u64 filesz,
				u64 memsz)
{
	u8 *ph = img + LIB_ELF_PHOFF + i * LIB_ELF_PHSIZE;

	lib_put32(ph, type);
	lib_put64(ph + 8, off);
	lib_put64(ph + 16, 0xFFFFFFFF80000000ULL + paddr); /* p_vaddr: the kernel's mapping */
	lib_put64(ph + 24, paddr);
	lib_put64(ph + 32, filesz);
	lib_put64(ph + 40, memsz);
}

/* An unrelated "Xen" note, then the PVH entry note with a desc_size-byte
 * entry; returns the notes' size. */
static inline u64 lib_put_notes(u8 *img, u32 desc_size, u64 entry)
{
	u8 *n = img + LIB_NOTE_OFF;

	lib_put32(n, 4);
	lib_put32(n + 4, 4);
	lib_put32(n + 8, 6);
	memcpy(n + 12, "Xen", 4);
	lib_put32(n + 16, 0x78756E69);
	lib_put32(n + 20, 4);
	lib_put32(n + 24, desc_size);
	lib_put32(n + 28, PVH_NOTE_PHYS32_ENTRY);
	memcpy(n + 32, "Xen", 4);
	lib_put64(n + 36, entry);
	return 36 + ((desc_size + 3) & ~3u);
}

/* A vmlinux of size bytes (>= LIB_SEG1_OFF + 0x2000): 0x4000 bytes at
 * paddr, 0x2000 bytes plus bss to bss_end at paddr + 2 MiB, and the PVH
 * entry at paddr + 0x850. */
static inline void lib_make_vmlinux(u8 *img, size_t size, u64 paddr, u64 seg1_memsz)
{
	u64 note_size;

	memset(img, 0, size);
	memcpy(img, "\177ELF", 4);
	img[4] = 2; /* ELFCLASS64 */
	img[5] = 1; /* little-endian */
	img[6] = 1;
	lib_put16(img + 16, 2);  /* ET_EXEC */
	lib_put16(img + 18, 62); /* EM_X86_64 */
	lib_put64(img + 24, paddr);
	lib_put64(img + 32, LIB_ELF_PHOFF);
	lib_put16(img + 54, LIB_ELF_PHSIZE);
	lib_put16(img + 56, 3);
	for (size_t i = LIB_SEG0_OFF; i < size; i++)
		img[i] = (u8)(i * 3 + 7);
	note_size = lib_put_notes(img, 8, paddr + 0x850);
	lib_put_phdr(img, 0, 1, LIB_SEG0_OFF, paddr, 0x4000, 0x4000);
	lib_put_phdr(img, 1, 4, LIB_NOTE_OFF, 0, note_size, note_size);
	lib_put_phdr(img, 2, 1, LIB_SEG1_OFF, paddr + 0x200000, 0x2000, seg1_memsz);
}

#endif
