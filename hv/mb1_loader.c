/*
 * Multiboot (version 1) guest loader (see mb1_loader.h). Multiboot
 * Specification 0.6.96: 3.1.1 "The layout of Multiboot header", 3.1.2 "The
 * magic fields of Multiboot header", 3.1.3 "The address fields of Multiboot
 * header", 3.3 "Boot information format". ELF layouts: System V ABI, "ELF
 * Header" and "Program Header" (ELF-64 Object File Format for ELF64).
 *
 * Everything is planned and checked first, then written: a refused kernel
 * leaves guest RAM untouched. The image and modules must not lie inside the
 * guest RAM buffer.
 */
#include "hv/mb1_loader.h"

#include <string.h>

#include "errno.h"

/* ELF identification and the values this loader accepts */
#define ELF_MAGIC "\177ELF"
#define ELF_MAGIC_LEN 4
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1 /* little-endian */
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define ENTRY_LIMIT_64 0xFFFFFFFFULL /* the kernel starts in 32-bit mode */

struct elf32_ehdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version, e_entry, e_phoff, e_shoff, e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
ASSERT_SIZE(struct elf32_ehdr, 52);

struct elf64_ehdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
ASSERT_SIZE(struct elf64_ehdr, 64);

struct elf32_phdr {
	u32 p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};
ASSERT_SIZE(struct elf32_phdr, 32);

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};
ASSERT_SIZE(struct elf64_phdr, 56);

#define MODULE_ALIGN_PAGE KiB(4)   /* header flag 0 */
#define MODULE_ALIGN_DEFAULT 8
#define MEM_LOWER_KIB 640          /* conventional memory below 0xA0000 */
#define KIB_SHIFT 10
#define INFO_AREA_SIZE (MB1_INFO_END - MB1_INFO_BASE)
#define NO_SEGMENT (-1)

/* One piece of the kernel: file bytes copied to paddr, the rest of
 * mem_size zeroed. */
struct segment {
	u64 file_off, file_size;
	u64 vaddr, paddr, mem_size;
};

struct elf_info {
	bool is64;
	u64 entry;
	u64 phoff;
	u32 phnum, phentsize;
};

/* Guest-physical addresses of the pieces of the boot information. */
struct info_layout {
	u64 info, mmap, mods, loader_name, cmdline, mod_strings, end;
};

struct loader {
	const struct mb1_load_params *p;
	struct mb1_load_result *out;
	u64 ram_limit;      /* guest RAM the loader uses: [0, ram_limit) */
	struct mb1_header hdr;
	struct elf_info elf;
	struct segment aout;
	u64 lo, hi;         /* the kernel occupies [lo, hi) */
	u64 mod_align;
	struct info_layout layout;
};

static int fail(struct loader *l, int err, const char *why, int segment)
{
	l->out->why = why;
	l->out->segment = segment;
	return err;
}

/* Whether [start, start+len) lies inside [0, limit), without overflow. */
static bool range_inside(u64 start, u64 len, u64 limit)
{
	return start <= limit && len <= limit - start;
}

/* Copies len image bytes at off, if they lie inside the image. */
static bool image_read(const struct mb1_load_params *p, u64 off, void *dst, u64 len)
{
	if (!range_inside(off, len, p->image_size))
		return false;
	memcpy(dst, p->image + off, len);
	return true;
}

/* --- the header (3.1) ------------------------------------------------------ */

int mb1_find_header(const u8 *image, u64 image_size, struct mb1_header *hdr, u32 *offset,
		    const char **why)
{
	u64 limit = MIN(image_size, (u64)MB1_SEARCH_LIMIT);
	bool magic_seen = false;

	for (u64 off = 0; off + MB1_HEADER_MIN_SIZE <= limit; off += MB1_HEADER_ALIGN) {
		u32 f[3];

		memcpy(f, image + off, sizeof(f));
		if (f[0] != MB1_HEADER_MAGIC)
			continue;
		magic_seen = true;
		if ((u32)(f[0] + f[1] + f[2]) != 0)
			continue;
		memset(hdr, 0, sizeof(*hdr));
		memcpy(hdr, image + off, MIN((u64)sizeof(*hdr), limit - off));
		*offset = (u32)off;
		return 0;
	}
	*why = magic_seen ? "Multiboot header checksum mismatch"
			  : "no Multiboot header in the first 8192 bytes";
	return -ENOEXEC;
}

/* 3.1.2: a loader must refuse a kernel whose required flags (bits 0-15) it
 * cannot honour. Understudy honours 0 (page-aligned modules) and 1 (memory
 * information, always given). */
static int check_header(struct loader *l)
{
	u32 required = l->hdr.flags & MB1_HDR_REQUIRED_MASK;
	u64 limit = MIN(l->p->image_size, (u64)MB1_SEARCH_LIMIT);

	if (required & MB1_HDR_VIDEO_MODE)
		return fail(l, -ENOTSUP, "the kernel requires a video mode (header flag 2), "
			    "which Understudy cannot set", NO_SEGMENT);
	if (required & ~(u32)(MB1_HDR_PAGE_ALIGN | MB1_HDR_MEMORY_INFO))
		return fail(l, -ENOTSUP, "the kernel requires features unknown to Multiboot "
			    "0.6.96 (header flags 3-15)", NO_SEGMENT);
	if ((l->hdr.flags & MB1_HDR_AOUT_KLUDGE) &&
	    l->out->header_offset + MB1_HEADER_ADDR_SIZE > limit)
		return fail(l, -ENOEXEC, "the Multiboot header's address fields lie past the "
			    "first 8192 bytes or the end of the image", NO_SEGMENT);
	l->mod_align = (required & MB1_HDR_PAGE_ALIGN) ? MODULE_ALIGN_PAGE : MODULE_ALIGN_DEFAULT;
	return 0;
}

/* --- kernel segments --------------------------------------------------------- */

/* A segment must come from the image, fit in guest RAM and keep out of the
 * boot information area and the BIOS hole. */
static int check_segment(struct loader *l, const struct segment *seg, int index)
{
	if (seg->file_size > seg->mem_size)
		return fail(l, -ENOEXEC, "a segment's file size exceeds its memory size", index);
	if (!range_inside(seg->file_off, seg->file_size, l->p->image_size))
		return fail(l, -ENOEXEC, "a segment lies outside the image", index);
	if (!range_inside(seg->paddr, seg->mem_size, l->ram_limit))
		return fail(l, -ERANGE, "a segment lies outside guest RAM", index);
	if (seg->paddr < MB1_HIGH_MEM && seg->paddr + seg->mem_size > MB1_INFO_BASE)
		return fail(l, -ERANGE, "a segment overlaps the boot information area or the "
			    "BIOS hole (0x90000-0xFFFFF)", index);
	return 0;
}

/* 3.1.3: the file byte at the header's offset is loaded at header_addr, so
 * load_addr corresponds to offset header_offset - (header_addr - load_addr). */
static int plan_aout_range(struct loader *l, u64 *load_off, u64 *load_size)
{
	const struct mb1_header *h = &l->hdr;
	u64 hdr_off = l->out->header_offset;

	if (h->header_addr < h->load_addr)
		return fail(l, -ENOEXEC, "header_addr is below load_addr", 0);
	if (h->header_addr - h->load_addr > hdr_off)
		return fail(l, -ENOEXEC, "load_addr lies before the start of the image", 0);
	*load_off = hdr_off - (h->header_addr - h->load_addr);
	if (!h->load_end_addr) {
		*load_size = l->p->image_size - *load_off;
		return 0;
	}
	if (h->load_end_addr < h->load_addr)
		return fail(l, -ENOEXEC, "load_end_addr is below load_addr", 0);
	*load_size = (u64)h->load_end_addr - h->load_addr;
	return 0;
}

/* The a.out kludge (header flag 16): one segment, then bss up to
 * bss_end_addr; the entry must lie inside it. */
static int plan_aout(struct loader *l)
{
	const struct mb1_header *h = &l->hdr;
	u64 load_off, load_size, mem_size;
	int err = plan_aout_range(l, &load_off, &load_size);

	if (err)
		return err;
	mem_size = load_size;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < h->load_addr + load_size)
			return fail(l, -ENOEXEC, "bss_end_addr is below load_end_addr", 0);
		mem_size = (u64)h->bss_end_addr - h->load_addr;
	}
	l->aout = (struct segment){ load_off, load_size, h->load_addr, h->load_addr, mem_size };
	err = check_segment(l, &l->aout, 0);
	if (err)
		return err;
	if (h->entry_addr < h->load_addr || h->entry_addr - h->load_addr >= mem_size)
		return fail(l, -ENOEXEC, "entry_addr lies outside the loaded image", NO_SEGMENT);
	l->out->entry = h->entry_addr;
	l->lo = h->load_addr;
	l->hi = h->load_addr + mem_size;
	return 0;
}

/* Checks what ELF32 and ELF64 headers share: type and program headers. */
static int check_elf_common(struct loader *l, u16 type, u32 phdr_size)
{
	if (type != ET_EXEC)
		return fail(l, -ENOEXEC, "the ELF image is not an executable (e_type)", NO_SEGMENT);
	if (!l->elf.phnum)
		return fail(l, -ENOEXEC, "the ELF image has no program headers", NO_SEGMENT);
	if (l->elf.phentsize < phdr_size)
		return fail(l, -ENOEXEC, "the ELF program header size (e_phentsize) is too small",
			    NO_SEGMENT);
	if (!range_inside(l->elf.phoff, (u64)l->elf.phnum * l->elf.phentsize, l->p->image_size))
		return fail(l, -ENOEXEC, "the ELF program headers lie outside the image", NO_SEGMENT);
	return 0;
}

static int parse_elf32(struct loader *l)
{
	struct elf32_ehdr eh;

	if (!image_read(l->p, 0, &eh, sizeof(eh)))
		return fail(l, -ENOEXEC, "the image is too short for its ELF header", NO_SEGMENT);
	if (eh.e_machine != EM_386)
		return fail(l, -ENOEXEC, "the ELF32 image is not for i386 (e_machine)", NO_SEGMENT);
	l->elf = (struct elf_info){ false, eh.e_entry, eh.e_phoff, eh.e_phnum, eh.e_phentsize };
	return check_elf_common(l, eh.e_type, sizeof(struct elf32_phdr));
}

/* ELF64 as GRUB accepts it: the entry must be reachable in 32-bit mode. */
static int parse_elf64(struct loader *l)
{
	struct elf64_ehdr eh;

	if (!image_read(l->p, 0, &eh, sizeof(eh)))
		return fail(l, -ENOEXEC, "the image is too short for its ELF header", NO_SEGMENT);
	if (eh.e_machine != EM_X86_64)
		return fail(l, -ENOEXEC, "the ELF64 image is not for x86-64 (e_machine)", NO_SEGMENT);
	if (eh.e_entry > ENTRY_LIMIT_64)
		return fail(l, -ENOEXEC, "the ELF64 entry point is not below 4 GiB", NO_SEGMENT);
	l->elf = (struct elf_info){ true, eh.e_entry, eh.e_phoff, eh.e_phnum, eh.e_phentsize };
	return check_elf_common(l, eh.e_type, sizeof(struct elf64_phdr));
}

static int parse_elf_header(struct loader *l)
{
	u8 ident[EI_NIDENT];

	if (!image_read(l->p, 0, ident, sizeof(ident)) || memcmp(ident, ELF_MAGIC, ELF_MAGIC_LEN))
		return fail(l, -ENOEXEC, "the kernel is not ELF and its Multiboot header has no "
			    "address fields (flag 16)", NO_SEGMENT);
	if (ident[EI_DATA] != ELFDATA2LSB)
		return fail(l, -ENOEXEC, "the ELF image is not little-endian", NO_SEGMENT);
	if (ident[EI_CLASS] == ELFCLASS32)
		return parse_elf32(l);
	if (ident[EI_CLASS] == ELFCLASS64)
		return parse_elf64(l);
	return fail(l, -ENOEXEC, "the ELF class is neither 32- nor 64-bit", NO_SEGMENT);
}

/* Program header i in common form; true if it is a PT_LOAD with memory. */
static bool elf_segment(const struct loader *l, u32 i, struct segment *seg)
{
	u64 off = l->elf.phoff + (u64)i * l->elf.phentsize;

	if (l->elf.is64) {
		struct elf64_phdr ph = { 0 };

		image_read(l->p, off, &ph, sizeof(ph));
		*seg = (struct segment){ ph.p_offset, ph.p_filesz, ph.p_vaddr, ph.p_paddr, ph.p_memsz };
		return ph.p_type == PT_LOAD && ph.p_memsz;
	}
	struct elf32_phdr ph = { 0 };

	image_read(l->p, off, &ph, sizeof(ph));
	*seg = (struct segment){ ph.p_offset, ph.p_filesz, ph.p_vaddr, ph.p_paddr, ph.p_memsz };
	return ph.p_type == PT_LOAD && ph.p_memsz;
}

/* GRUB's rule: an entry inside a segment's virtual range is moved with the
 * segment to its physical address. */
static bool entry_in_segment(const struct segment *seg, u64 entry, u32 *phys)
{
	if (entry < seg->vaddr || entry - seg->vaddr >= seg->mem_size)
		return false;
	*phys = (u32)(seg->paddr + (entry - seg->vaddr)); /* below MB1_RAM_LIMIT */
	return true;
}

/* Checks every PT_LOAD segment, finds the kernel's extent and its entry. */
static int plan_elf(struct loader *l)
{
	bool entry_found = false, any = false;
	int err = parse_elf_header(l);

	if (err)
		return err;
	for (u32 i = 0; i < l->elf.phnum; i++) {
		struct segment seg;

		if (!elf_segment(l, i, &seg))
			continue;
		err = check_segment(l, &seg, (int)i);
		if (err)
			return err;
		l->lo = any ? MIN(l->lo, seg.paddr) : seg.paddr;
		l->hi = MAX(l->hi, seg.paddr + seg.mem_size);
		any = true;
		if (!entry_found)
			entry_found = entry_in_segment(&seg, l->elf.entry, &l->out->entry);
	}
	if (!any)
		return fail(l, -ENOEXEC, "the ELF image has no loadable segment", NO_SEGMENT);
	if (!entry_found)
		return fail(l, -ENOEXEC, "the ELF entry point is not inside a loadable segment",
			    NO_SEGMENT);
	return 0;
}

/* --- boot information and modules (3.3) ------------------------------------- */

/* Bytes a string takes with its NUL; capped so huge strings fail the fit. */
static u64 str_size(const char *s)
{
	return s ? strnlen(s, INFO_AREA_SIZE) + 1 : 1;
}

/* Lays out info, memory map, module list and strings in the low area. */
static int plan_info(struct loader *l)
{
	struct info_layout *lay = &l->layout;
	u64 pos = MB1_INFO_BASE;

	lay->info = pos;
	pos += sizeof(struct mb1_info);
	lay->mmap = pos;
	pos += MB1_MMAP_ENTRIES * sizeof(struct mb1_mmap_entry);
	lay->mods = pos;
	pos += (u64)l->p->module_count * sizeof(struct mb1_module);
	lay->loader_name = pos;
	pos += sizeof(MB1_LOADER_NAME);
	lay->cmdline = pos;
	pos += str_size(l->p->cmdline);
	lay->mod_strings = pos;
	for (unsigned i = 0; i < l->p->module_count && pos <= MB1_INFO_END; i++)
		pos += str_size(l->p->modules[i].cmdline);
	lay->end = pos;
	if (pos > MB1_INFO_END)
		return fail(l, -ERANGE, "the boot information does not fit in 0x90000-0x9FBFF "
			    "(command lines too long or too many modules)", NO_SEGMENT);
	return 0;
}

/* Modules follow the kernel (and 1 MiB), each aligned; all must fit. */
static int plan_modules(struct loader *l)
{
	u64 cursor = MAX(l->hi, MB1_HIGH_MEM);

	for (unsigned i = 0; i < l->p->module_count; i++) {
		const struct mb1_guest_module *m = &l->p->modules[i];
		u64 start = ALIGN_UP(cursor, l->mod_align);

		if (!m->data && m->size)
			return fail(l, -EINVAL, "a module has a size but no data", NO_SEGMENT);
		if (!range_inside(start, m->size, l->ram_limit))
			return fail(l, -ERANGE, "the modules do not fit in guest RAM", NO_SEGMENT);
		cursor = start + m->size;
	}
	l->out->modules_end = l->p->module_count ? cursor : l->hi;
	return 0;
}

static void load_segment(const struct loader *l, const struct segment *seg)
{
	u8 *dst = l->p->ram + seg->paddr;

	memcpy(dst, l->p->image + seg->file_off, seg->file_size);
	memset(dst + seg->file_size, 0, seg->mem_size - seg->file_size);
}

static void load_kernel(const struct loader *l)
{
	struct segment seg;

	if (l->out->aout_kludge) {
		load_segment(l, &l->aout);
		return;
	}
	for (u32 i = 0; i < l->elf.phnum; i++)
		if (elf_segment(l, i, &seg))
			load_segment(l, &seg);
}

/* Copies s (NULL: empty) with its NUL to gpa; returns the bytes used. */
static u64 put_string(const struct loader *l, u64 gpa, const char *s)
{
	u64 len = s ? strlen(s) : 0;

	memcpy(l->p->ram + gpa, s ? s : "", len);
	l->p->ram[gpa + len] = '\0';
	return len + 1;
}

/* Copies each module after the kernel and writes its list entry and string. */
static void load_modules(const struct loader *l)
{
	u64 cursor = MAX(l->hi, MB1_HIGH_MEM), str = l->layout.mod_strings;

	for (unsigned i = 0; i < l->p->module_count; i++) {
		const struct mb1_guest_module *m = &l->p->modules[i];
		u64 start = ALIGN_UP(cursor, l->mod_align);
		struct mb1_module entry = { (u32)start, (u32)(start + m->size), (u32)str, 0 };

		if (m->size)
			memcpy(l->p->ram + start, m->data, m->size);
		memcpy(l->p->ram + l->layout.mods + i * sizeof(entry), &entry, sizeof(entry));
		str += put_string(l, str, m->cmdline);
		cursor = start + m->size;
	}
}

/* 3.3 "Boot information format", mmap_*: the guest's fixed PC layout. */
static void write_mmap(const struct loader *l)
{
	const struct { u64 base, end; u32 type; } map[MB1_MMAP_ENTRIES] = {
		{ 0, MB1_INFO_END, MB1_MMAP_AVAILABLE },
		{ MB1_INFO_END, MB1_LOW_MEM_END, MB1_MMAP_RESERVED },
		{ MB1_BIOS_BASE, MB1_HIGH_MEM, MB1_MMAP_RESERVED },
		{ MB1_HIGH_MEM, l->ram_limit, MB1_MMAP_AVAILABLE },
	};

	for (unsigned i = 0; i < MB1_MMAP_ENTRIES; i++) {
		struct mb1_mmap_entry e = {
			.size = sizeof(e) - sizeof(e.size),
			.base_addr = map[i].base,
			.length = map[i].end - map[i].base,
			.type = map[i].type,
		};

		memcpy(l->p->ram + l->layout.mmap + i * sizeof(e), &e, sizeof(e));
	}
}

static void write_info(const struct loader *l)
{
	const struct info_layout *lay = &l->layout;
	struct mb1_info info = {
		.flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | MB1_INFO_MMAP |
			 MB1_INFO_LOADER_NAME,
		.mem_lower = MEM_LOWER_KIB,
		.mem_upper = (u32)((l->ram_limit - MB1_HIGH_MEM) >> KIB_SHIFT),
		.cmdline = (u32)lay->cmdline,
		.mods_count = l->p->module_count,
		.mods_addr = (u32)lay->mods,
		.mmap_length = MB1_MMAP_ENTRIES * sizeof(struct mb1_mmap_entry),
		.mmap_addr = (u32)lay->mmap,
		.boot_loader_name = (u32)lay->loader_name,
	};

	memcpy(l->p->ram + lay->info, &info, sizeof(info));
	write_mmap(l);
	put_string(l, lay->loader_name, MB1_LOADER_NAME);
	put_string(l, lay->cmdline, l->p->cmdline);
}

/* --- entry point ------------------------------------------------------------ */

static int check_params(struct loader *l)
{
	const struct mb1_load_params *p = l->p;

	if (!p->image || !p->image_size)
		return fail(l, -EINVAL, "no kernel image", NO_SEGMENT);
	if (!p->ram || p->ram_size < MB1_RAM_MIN)
		return fail(l, -EINVAL, "guest RAM is smaller than 2 MiB", NO_SEGMENT);
	if (p->module_count && !p->modules)
		return fail(l, -EINVAL, "module count without a module list", NO_SEGMENT);
	l->ram_limit = MIN(p->ram_size, MB1_RAM_LIMIT);
	return 0;
}

/* Finds and checks the header, then plans the kernel by ELF or a.out. */
static int plan_kernel(struct loader *l)
{
	struct mb1_load_result *out = l->out;
	int err = mb1_find_header(l->p->image, l->p->image_size, &l->hdr, &out->header_offset,
				  &out->why);

	if (err)
		return err;
	out->header_flags = l->hdr.flags;
	err = check_header(l);
	if (err)
		return err;
	out->aout_kludge = l->hdr.flags & MB1_HDR_AOUT_KLUDGE;
	return out->aout_kludge ? plan_aout(l) : plan_elf(l);
}

int mb1_load(const struct mb1_load_params *p, struct mb1_load_result *out)
{
	struct loader l = { .p = p, .out = out };
	int err;

	*out = (struct mb1_load_result){ .segment = NO_SEGMENT };
	err = check_params(&l);
	if (!err)
		err = plan_kernel(&l);
	if (!err)
		err = plan_info(&l);
	if (!err)
		err = plan_modules(&l);
	if (err)
		return err;
	memset(p->ram + MB1_INFO_BASE, 0, l.layout.end - MB1_INFO_BASE);
	load_kernel(&l);
	load_modules(&l);
	write_info(&l);
	out->info_gpa = (u32)l.layout.info;
	out->kernel_lo = l.lo;
	out->kernel_hi = l.hi - 1;
	return 0;
}
