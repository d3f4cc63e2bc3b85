/*
 * PVH loader for an ELF vmlinux (see linux_pvh.h). The kernel's PT_LOAD
 * segments go to their physical addresses (p_paddr: p_vaddr is the
 * kernel's high virtual mapping); the entry comes from the
 * XEN_ELFNOTE_PHYS32_ENTRY note; hvm_start_info carries the command line,
 * the initrd as module 0, the memory map and the RSDP. ELF layouts: System V
 * ABI "ELF Header", "Program Header" and "Note Section" (ELF-64 Object File
 * Format). Everything is planned and checked first, then written.
 */
#include "hv/linux_pvh.h"

#include <string.h>

#include "errno.h"
#include "hv/linux_load.h"

#define ELF_MAGIC "\177ELF"
#define ELF_MAGIC_LEN 4
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define NOTE_ALIGN 4
#define ENTRY_LIMIT 0xFFFFFFFFULL /* the PVH entry runs in 32-bit mode */

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

struct elf64_nhdr {
	u32 n_namesz, n_descsz, n_type;
};
ASSERT_SIZE(struct elf64_nhdr, 12);

struct pvh_plan {
	struct elf64_ehdr eh;
	u32 entry;
	u64 lo, hi;         /* the segments occupy [lo, hi) */
	u64 initrd_gpa;
	u64 cmdline_len;
};

/* Program header i (its table was checked to lie inside the image). */
static struct elf64_phdr phdr(const u8 *image, const struct elf64_ehdr *eh, u32 i)
{
	struct elf64_phdr ph;

	memcpy(&ph, image + eh->e_phoff + (u64)i * eh->e_phentsize, sizeof(ph));
	return ph;
}

static int check_ehdr(const u8 *image, u64 size, struct elf64_ehdr *eh, const char **why)
{
	if (size < sizeof(*eh) || memcmp(image, ELF_MAGIC, ELF_MAGIC_LEN)) {
		*why = "the image is not an ELF file, or is truncated inside its ELF header";
		return -ENOEXEC;
	}
	memcpy(eh, image, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC) {
		*why = "the ELF image is not a little-endian x86-64 executable (a 64-bit vmlinux)";
		return -ENOEXEC;
	}
	if (!eh->e_phnum || eh->e_phentsize < sizeof(struct elf64_phdr) ||
	    !linux_range_inside(eh->e_phoff, (u64)eh->e_phnum * eh->e_phentsize, size)) {
		*why = "the ELF program headers are missing or lie outside the image";
		return -ENOEXEC;
	}
	return 0;
}

/* The PHYS32_ENTRY value of one note, if it is that note. */
static int note_entry(const u8 *image, u64 name_off, const struct elf64_nhdr *n, u32 *entry,
		      const char **why)
{
	u64 desc_off = name_off + ALIGN_UP((u64)n->n_namesz, NOTE_ALIGN);
	u64 value = 0;

	if (n->n_namesz != sizeof(PVH_NOTE_NAME) || n->n_type != PVH_NOTE_PHYS32_ENTRY ||
	    memcmp(image + name_off, PVH_NOTE_NAME, sizeof(PVH_NOTE_NAME)))
		return -ENOENT;
	if (n->n_descsz != sizeof(u32) && n->n_descsz != sizeof(u64)) {
		*why = "the PVH entry note is neither 4 nor 8 bytes";
		return -ENOEXEC;
	}
	memcpy(&value, image + desc_off, n->n_descsz);
	if (value > ENTRY_LIMIT) {
		*why = "the PVH entry point is not below 4 GiB";
		return -ENOEXEC;
	}
	*entry = (u32)value;
	return 0;
}

/* Walks the notes of one PT_NOTE segment [off, end). */
static int scan_notes(const u8 *image, u64 off, u64 end, u32 *entry, const char **why)
{
	while (off + sizeof(struct elf64_nhdr) <= end) {
		struct elf64_nhdr n;
		u64 name_off = off + sizeof(n), next;
		int err;

		memcpy(&n, image + off, sizeof(n));
		next = name_off + ALIGN_UP((u64)n.n_namesz, NOTE_ALIGN) +
		       ALIGN_UP((u64)n.n_descsz, NOTE_ALIGN);
		if (next > end) {
			*why = "an ELF note runs past the end of its PT_NOTE segment";
			return -ENOEXEC;
		}
		err = note_entry(image, name_off, &n, entry, why);
		if (err != -ENOENT)
			return err;
		off = next;
	}
	return -ENOENT;
}

int linux_pvh_find_entry(const u8 *image, u64 image_size, u32 *entry, const char **why)
{
	struct elf64_ehdr eh;
	int err = check_ehdr(image, image_size, &eh, why);

	if (err)
		return err;
	for (u32 i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph = phdr(image, &eh, i);

		if (ph.p_type != PT_NOTE)
			continue;
		if (!linux_range_inside(ph.p_offset, ph.p_filesz, image_size)) {
			*why = "a PT_NOTE segment lies outside the image";
			return -ENOEXEC;
		}
		err = scan_notes(image, ph.p_offset, ph.p_offset + ph.p_filesz, entry, why);
		if (err != -ENOENT)
			return err;
	}
	*why = "the ELF image has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, type 0x12): "
	       "not a vmlinux built with CONFIG_PVH";
	return -ENOEXEC;
}

/* One PT_LOAD segment must come from the image and lie in guest RAM above
 * 1 MiB (below it are the boot structures and the BIOS area). */
static int check_segment(const struct linux_load_params *p, const struct elf64_phdr *ph,
			 struct linux_load_result *out)
{
	if (ph->p_filesz > ph->p_memsz)
		return linux_fail(out, -ENOEXEC, "a PT_LOAD segment's file size exceeds its "
				  "memory size");
	if (!linux_range_inside(ph->p_offset, ph->p_filesz, p->image_size))
		return linux_fail(out, -ENOEXEC, "the image is truncated: a PT_LOAD segment lies "
				  "outside it");
	if (ph->p_paddr < LINUX_HIGH_MEM)
		return linux_fail(out, -ENOEXEC, "a PT_LOAD segment's physical address is below 1 MiB");
	if (ph->p_paddr <= LINUX_RAM_LIMIT && ph->p_memsz <= LINUX_RAM_LIMIT)
		out->ram_needed = MAX(out->ram_needed, ph->p_paddr + ph->p_memsz);
	if (!linux_range_inside(ph->p_paddr, ph->p_memsz, linux_ram_limit(p)))
		return linux_fail(out, -ERANGE, "the kernel needs more memory than guest_mem: a "
				  "PT_LOAD segment ends beyond guest RAM");
	return 0;
}

/* The kernel's extent, and its entry inside a loaded segment. */
static int plan_segments(const struct linux_load_params *p, struct pvh_plan *b,
			 struct linux_load_result *out)
{
	bool any = false, entry_inside = false;

	for (u32 i = 0; i < b->eh.e_phnum; i++) {
		struct elf64_phdr ph = phdr(p->image, &b->eh, i);
		int err;

		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		err = check_segment(p, &ph, out);
		if (err)
			return err;
		b->lo = any ? MIN(b->lo, ph.p_paddr) : ph.p_paddr;
		b->hi = MAX(b->hi, ph.p_paddr + ph.p_memsz);
		any = true;
		entry_inside |= b->entry >= ph.p_paddr && b->entry - ph.p_paddr < ph.p_memsz;
	}
	if (!any)
		return linux_fail(out, -ENOEXEC, "the ELF image has no loadable segment");
	if (!entry_inside)
		return linux_fail(out, -ENOEXEC, "the PVH entry point is not inside a loadable "
				  "segment");
	return 0;
}

static int plan(const struct linux_load_params *p, struct pvh_plan *b,
		struct linux_load_result *out)
{
	int err = linux_check_params(p, out), len;

	if (err)
		return err;
	err = check_ehdr(p->image, p->image_size, &b->eh, &out->why);
	err = err ? err : linux_pvh_find_entry(p->image, p->image_size, &b->entry, &out->why);
	err = err ? err : plan_segments(p, b, out);
	if (err)
		return err;
	b->initrd_gpa = 0;
	if (p->initrd && linux_place_initrd(p->initrd_size, b->hi, linux_ram_limit(p),
					    &b->initrd_gpa))
		return linux_fail(out, -ERANGE, "the initrd does not fit in guest RAM above the "
				  "kernel's segments");
	len = linux_cmdline_len(p->cmdline, LINUX_CMDLINE_MAX - 1, out);
	if (len < 0)
		return len;
	b->cmdline_len = (u64)len;
	return 0;
}

static void load_segments(const struct linux_load_params *p, const struct pvh_plan *b)
{
	for (u32 i = 0; i < b->eh.e_phnum; i++) {
		struct elf64_phdr ph = phdr(p->image, &b->eh, i);

		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		memcpy(p->ram + ph.p_paddr, p->image + ph.p_offset, ph.p_filesz);
		memset(p->ram + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
	}
}

/* start_info.h: hvm_start_info version 1, the initrd as module 0, the
 * memory map. */
static void write_start_info(const struct linux_load_params *p, const struct pvh_plan *b)
{
	u8 *base = p->ram + LINUX_BOOT_INFO_GPA;
	struct linux_memmap_entry map[LINUX_MEMMAP_ENTRIES];
	unsigned n = linux_memmap(p->ram_size, map);
	struct hvm_start_info si = {
		.magic = PVH_START_MAGIC,
		.version = PVH_START_VERSION,
		.nr_modules = p->initrd ? 1 : 0,
		.modlist_paddr = p->initrd ? LINUX_BOOT_INFO_GPA + PVH_MODLIST_OFFSET : 0,
		.cmdline_paddr = LINUX_CMDLINE_GPA,
		.rsdp_paddr = p->rsdp_gpa,
		.memmap_paddr = LINUX_BOOT_INFO_GPA + PVH_MEMMAP_OFFSET,
		.memmap_entries = n,
	};
	struct hvm_modlist_entry mod = { b->initrd_gpa, p->initrd_size, 0, 0 };

	memset(base, 0, LINUX_BOOT_INFO_SIZE);
	memcpy(base, &si, sizeof(si));
	if (p->initrd)
		memcpy(base + PVH_MODLIST_OFFSET, &mod, sizeof(mod));
	for (unsigned i = 0; i < n; i++) {
		struct hvm_memmap_table_entry e = { map[i].addr, map[i].size, map[i].type, 0 };

		memcpy(base + PVH_MEMMAP_OFFSET + i * sizeof(e), &e, sizeof(e));
	}
}

int linux_pvh_load(const struct linux_load_params *p, struct linux_load_result *out)
{
	struct pvh_plan b = { 0 };
	int err;

	*out = (struct linux_load_result){ 0 };
	err = plan(p, &b, out);
	if (err)
		return err;
	load_segments(p, &b);
	if (p->initrd_size)
		memcpy(p->ram + b.initrd_gpa, p->initrd, p->initrd_size);
	write_start_info(p, &b);
	linux_put_cmdline(p, b.cmdline_len);
	out->entry_mode = LINUX_ENTRY_PVH;
	out->entry = b.entry;
	out->info_gpa = LINUX_BOOT_INFO_GPA;
	out->kernel_lo = b.lo;
	out->kernel_hi = b.hi;
	out->initrd_gpa = b.initrd_gpa;
	out->written_end = p->initrd ? b.initrd_gpa + p->initrd_size : b.hi;
	return 0;
}
