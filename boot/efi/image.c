/*
 * Checks understudy.elf before understudy.efi loads it (see image.h).
 * Multiboot2 specification 2.0: 3.1.1 "The layout of Multiboot2 header",
 * 3.1.3 "General tag structure" and the header tags after it. ELF layouts:
 * "ELF-64 Object File Format", "File header" and "Program header table".
 */
#include "boot/efi/image.h"

#include <string.h>

#include "boot/mb2_spec.h"
#include "compiler.h"
#include "errno.h"

#define ELF_MAGIC "\177ELF"
#define ELF_MAGIC_LEN 4
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1 /* little-endian */
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PAGE 4096ULL

#define MB2_SEARCH_LIMIT 32768 /* 3.1.1: the header lies in the first 32 KiB */
#define MB2_HEADER_FIXED 16    /* magic, architecture, header_length, checksum */
#define MB2_TAG_HEADER 8       /* type, flags, size */
#define MB2_CONSOLE_REQUIRED 1 /* 3.1.7 console_flags bit 0: a console must exist */
#define MB2_CONSOLE_TAG_SIZE 12 /* type, flags, size, console_flags */

struct elf64_ehdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
ASSERT_SIZE(struct elf64_ehdr, 64);

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};
ASSERT_SIZE(struct elf64_phdr, 56);

/* Boot information tags understudy.efi gives (efi_mb2_build); an
 * information request for any other is refused unless optional. */
static const u32 given_tags = 1u << MB2_TAG_CMDLINE | 1u << MB2_TAG_BOOTLOADER_NAME |
	1u << MB2_TAG_MODULE | 1u << MB2_TAG_BASIC_MEMINFO | 1u << MB2_TAG_MMAP |
	1u << MB2_TAG_FRAMEBUFFER | 1u << MB2_TAG_EFI64 | 1u << MB2_TAG_ACPI_OLD |
	1u << MB2_TAG_ACPI_NEW | 1u << MB2_TAG_EFI_MMAP;

/* Whether [off, off + len) lies inside a file of size bytes. */
static bool inside(u64 off, u64 len, u64 size)
{
	return off <= size && len <= size - off;
}

static u32 get_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u16 get_u16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* 3.1.9 "Multiboot2 information request": every type asked for must be one
 * we give, unless the tag is optional. */
static int check_info_request(const u8 *tag, u32 size, const char **why)
{
	for (u32 off = MB2_TAG_HEADER; off + 4 <= size; off += 4) {
		u32 type = get_u32(tag + off);

		if (type > MB2_TAG_TYPE_MAX || !(given_tags & (1u << type))) {
			*why = "its Multiboot2 header requires boot information this loader "
			       "does not give";
			return -ENOTSUP;
		}
	}
	return 0;
}

/* One header tag: those the loader honours pass, the rest only when
 * optional (3.1.3: "If bit 0 of flags is set, the boot loader may ignore
 * this tag"). */
static int check_header_tag(const u8 *tag, u16 type, u32 size, const char **why)
{
	bool optional = get_u16(tag + 2) & MB2_HEADER_TAG_OPTIONAL;

	switch (type) {
	case MB2_HEADER_TAG_INFO_REQUEST:
		return optional ? 0 : check_info_request(tag, size, why);
	case MB2_HEADER_TAG_CONSOLE_FLAGS:
		if (!optional && size >= MB2_CONSOLE_TAG_SIZE &&
		    (get_u32(tag + 8) & MB2_CONSOLE_REQUIRED)) {
			*why = "its Multiboot2 header requires a text console, which this "
			       "loader does not describe";
			return -ENOTSUP;
		}
		return 0;
	case MB2_HEADER_TAG_FRAMEBUFFER:  /* given as the firmware set it */
	case MB2_HEADER_TAG_MODULE_ALIGN: /* modules are always page-aligned */
	case MB2_HEADER_TAG_RELOCATABLE:  /* loaded where linked, which it allows */
		return 0;
	default: /* a.out address, entry overrides, EFI boot services, unknown */
		if (optional)
			return 0;
		*why = "its Multiboot2 header requires a tag this loader does not honour "
		       "(a.out addresses, another entry point, or boot services kept)";
		return -ENOTSUP;
	}
}

/* Walks the header tags up to the end tag. */
static int check_header_tags(const u8 *hdr, u32 length, const char **why)
{
	for (u32 off = MB2_HEADER_FIXED; off + MB2_TAG_HEADER <= length;) {
		u16 type = get_u16(hdr + off);
		u32 size = get_u32(hdr + off + 4);
		int err;

		if (size < MB2_TAG_HEADER || size > length - off) {
			*why = "a Multiboot2 header tag runs past the header";
			return -ENOEXEC;
		}
		if (type == MB2_HEADER_TAG_END)
			return 0;
		err = check_header_tag(hdr + off, type, size, why);
		if (err)
			return err;
		off += ALIGN_UP(size, (u32)MB2_TAG_ALIGN);
	}
	*why = "the Multiboot2 header has no end tag";
	return -ENOEXEC;
}

/* 3.1.1: an 8-byte aligned header in the first 32 KiB whose magic,
 * architecture, length and checksum add up to 0. */
static int check_mb2_header(const u8 *file, size_t size, const char **why)
{
	u64 limit = MIN((u64)size, (u64)MB2_SEARCH_LIMIT);

	for (u64 off = 0; off + MB2_HEADER_FIXED <= limit; off += MB2_HEADER_ALIGN) {
		const u8 *h = file + off;
		u32 length = get_u32(h + 8);

		if (get_u32(h) != MB2_HEADER_MAGIC)
			continue;
		if ((u32)(get_u32(h) + get_u32(h + 4) + length + get_u32(h + 12)) != 0 ||
		    length < MB2_HEADER_FIXED || length > limit - off)
			continue;
		if (get_u32(h + 4) != MB2_ARCH_I386) {
			*why = "its Multiboot2 header is not for 32-bit i386 entry";
			return -ENOEXEC;
		}
		return check_header_tags(h, length, why);
	}
	*why = "it has no valid Multiboot2 header in its first 32 KiB (not an Understudy "
	       "image)";
	return -ENOEXEC;
}

static int check_ehdr(const struct elf64_ehdr *eh, size_t size, const char **why)
{
	*why = NULL;
	if (memcmp(eh->e_ident, ELF_MAGIC, ELF_MAGIC_LEN))
		*why = "it is not an ELF file";
	else if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
		 eh->e_machine != EM_X86_64)
		*why = "it is not a little-endian ELF64 file for x86-64";
	else if (eh->e_type != ET_EXEC)
		*why = "it is not an ELF executable (e_type)";
	else if (eh->e_phnum == 0 || eh->e_phentsize < sizeof(struct elf64_phdr) ||
		 !inside(eh->e_phoff, (u64)eh->e_phnum * eh->e_phentsize, size))
		*why = "its ELF program headers are missing or lie outside the file";
	return *why ? -ENOEXEC : 0;
}

/* A PT_LOAD segment must come from the file and lie below 4 GiB. */
static int add_segment(struct efi_image *img, const struct elf64_phdr *ph, size_t size,
		       const char **why)
{
	*why = NULL;
	if (ph->p_filesz > ph->p_memsz)
		*why = "an ELF segment's file size exceeds its memory size";
	else if (!inside(ph->p_offset, ph->p_filesz, size))
		*why = "an ELF segment lies outside the file";
	else if (!inside(ph->p_paddr, ph->p_memsz, EFI_IMAGE_LIMIT))
		*why = "an ELF segment lies above 4 GiB";
	else if (ph->p_memsz && img->seg_count == EFI_IMAGE_MAX_SEGMENTS)
		*why = "more than 8 loadable ELF segments";
	if (*why)
		return -ENOEXEC;
	if (ph->p_memsz == 0)
		return 0;
	img->seg[img->seg_count++] = (struct efi_image_segment){
		ph->p_offset, ph->p_filesz, ph->p_paddr, ph->p_memsz,
	};
	img->base = MIN(img->base, ALIGN_DOWN(ph->p_paddr, PAGE));
	img->end = MAX(img->end, ALIGN_UP(ph->p_paddr + ph->p_memsz, PAGE));
	return 0;
}

static bool entry_inside(const struct efi_image *img)
{
	for (unsigned i = 0; i < img->seg_count; i++)
		if (img->entry >= img->seg[i].paddr &&
		    img->entry - img->seg[i].paddr < img->seg[i].mem_size)
			return true;
	return false;
}

int efi_image_check(const u8 *file, size_t size, struct efi_image *out, const char **why)
{
	struct elf64_ehdr eh;
	int err;

	memset(out, 0, sizeof(*out));
	out->base = EFI_IMAGE_LIMIT;
	if (size < sizeof(eh)) {
		*why = "it is too short for an ELF header";
		return -ENOEXEC;
	}
	memcpy(&eh, file, sizeof(eh));
	err = check_ehdr(&eh, size, why);
	if (!err)
		err = check_mb2_header(file, size, why);
	for (u32 i = 0; !err && i < eh.e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, file + eh.e_phoff + (u64)i * eh.e_phentsize, sizeof(ph));
		if (ph.p_type == PT_LOAD)
			err = add_segment(out, &ph, size, why);
	}
	if (err)
		return err;
	out->entry = eh.e_entry;
	if (!entry_inside(out)) {
		*why = "its entry point lies outside its loadable segments";
		return -ENOEXEC;
	}
	return 0;
}
