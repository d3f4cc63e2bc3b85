/*
 * The Multiboot2 information understudy.efi gives the hypervisor (see
 * mb2_build.h). Tags as in the Multiboot2 specification 2.0, 3.6 "Boot
 * information format", in the order GRUB writes them.
 */
#include "boot/efi/mb2_build.h"

#include <string.h>

#include "boot/mb2_spec.h"
#include "compiler.h"
#include "errno.h"

#define EFI_PAGE_SHIFT 12 /* UEFI 2.x, EFI_MEMORY_DESCRIPTOR: 4 KiB pages */
#define MMAP_ENTRY_VERSION 0
#define FB_RGB_COLOR_INFO 6 /* 3.6.12: red/green/blue position and size */
#define FB_RGB_TAG_SIZE (sizeof(struct mb2_tag_framebuffer) + FB_RGB_COLOR_INFO)
#define RSDP_V1_SIZE 20     /* ACPI 5.2.5.3 "Root System Description Pointer (RSDP) Structure" */
#define LOW_MEMORY_MAX KiB(640) /* 3.6.4: mem_lower is at most 640 KiB */
#define UPPER_MEMORY_BASE MiB(1) /* 3.6.4: mem_upper counts from 1 MiB */
#define U32_MAX_VALUE 0xFFFFFFFFULL

/* Appends tags to the caller's buffer; the next tag starts 8-aligned. */
struct writer {
	u8 *buf;
	size_t cap, len;
};

u32 efi_mb2_mem_type(u32 efi_type)
{
	switch (efi_type) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory:
		return MB2_MEMORY_AVAILABLE;
	case EfiACPIReclaimMemory:
		return MB2_MEMORY_ACPI_RECLAIMABLE;
	case EfiACPIMemoryNVS:
		return MB2_MEMORY_NVS;
	case EfiUnusableMemory:
		return MB2_MEMORY_BADRAM;
	default: /* reserved, runtime services, MMIO, PAL code, persistent, unknown */
		return MB2_MEMORY_RESERVED;
	}
}

/* Position and width of a contiguous colour mask; false if it is empty or
 * has holes. */
static bool mask_field(u32 mask, u8 *pos, u8 *size)
{
	if (!mask)
		return false;
	*pos = (u8)__builtin_ctz(mask);
	*size = 0;
	for (mask >>= *pos; mask & 1; mask >>= 1)
		(*size)++;
	return mask == 0;
}

static bool bitmask_format(const EFI_PIXEL_BITMASK *m, struct efi_mb2_framebuffer *fb)
{
	u32 all = m->RedMask | m->GreenMask | m->BlueMask | m->ReservedMask;

	if (!mask_field(m->RedMask, &fb->red_pos, &fb->red_size) ||
	    !mask_field(m->GreenMask, &fb->green_pos, &fb->green_size) ||
	    !mask_field(m->BlueMask, &fb->blue_pos, &fb->blue_size))
		return false;
	fb->bpp = (u8)(32 - __builtin_clz(all));
	return true;
}

bool efi_mb2_framebuffer_from_gop(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info, u64 base,
				  struct efi_mb2_framebuffer *fb)
{
	memset(fb, 0, sizeof(*fb));
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		*fb = (struct efi_mb2_framebuffer){ .bpp = 32, .red_pos = 0, .red_size = 8,
			.green_pos = 8, .green_size = 8, .blue_pos = 16, .blue_size = 8 };
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		*fb = (struct efi_mb2_framebuffer){ .bpp = 32, .red_pos = 16, .red_size = 8,
			.green_pos = 8, .green_size = 8, .blue_pos = 0, .blue_size = 8 };
		break;
	case PixelBitMask:
		if (!bitmask_format(&info->PixelInformation, fb))
			return false;
		break;
	default: /* PixelBltOnly: no framebuffer to write to */
		return false;
	}
	fb->addr = base;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pitch = info->PixelsPerScanLine * ((fb->bpp + 7u) / 8u);
	return true;
}

static size_t padded(size_t n)
{
	return ALIGN_UP(n, (size_t)MB2_TAG_ALIGN);
}

static u64 descriptor_count(const struct efi_mb2_input *in)
{
	return in->efi_desc_size ? in->efi_map_size / in->efi_desc_size : 0;
}

size_t efi_mb2_size(const struct efi_mb2_input *in)
{
	size_t n = sizeof(struct mb2_info_header) + sizeof(struct mb2_tag); /* and end */

	n += padded(8 + strlen(in->cmdline) + 1) + padded(8 + strlen(in->loader_name) + 1);
	for (unsigned i = 0; i < in->module_count; i++)
		n += padded(sizeof(struct mb2_tag_module) + strlen(in->modules[i].string) + 1);
	n += sizeof(struct mb2_tag_basic_meminfo);
	n += sizeof(struct mb2_tag_mmap) + descriptor_count(in) * sizeof(struct mb2_mmap_entry);
	n += padded(FB_RGB_TAG_SIZE) + sizeof(struct mb2_tag_efi64);
	n += padded(8 + RSDP_V1_SIZE) + padded(8 + (size_t)in->rsdp_v2_size);
	n += sizeof(struct mb2_tag_efi_mmap) + padded(in->efi_map_size);
	return n;
}

/* Reserves a tag of size bytes (zeroed) and returns it, or NULL. */
static u8 *add_tag(struct writer *w, u32 type, size_t size)
{
	struct mb2_tag t = { type, (u32)size };
	u8 *tag = w->buf + w->len;

	if (padded(size) > w->cap - w->len)
		return NULL;
	memset(tag, 0, padded(size));
	memcpy(tag, &t, sizeof(t));
	w->len += padded(size);
	return tag;
}

static int add_string(struct writer *w, u32 type, const char *s)
{
	size_t n = strlen(s) + 1;
	u8 *tag = add_tag(w, type, 8 + n);

	if (!tag)
		return -E2BIG;
	memcpy(tag + 8, s, n);
	return 0;
}

static int add_module(struct writer *w, const struct efi_mb2_module *m)
{
	size_t n = strlen(m->string) + 1;
	u8 *tag = add_tag(w, MB2_TAG_MODULE, sizeof(struct mb2_tag_module) + n);

	if (!tag)
		return -E2BIG;
	memcpy(tag + 8, &m->start, sizeof(u32));
	memcpy(tag + 12, &m->end, sizeof(u32));
	memcpy(tag + sizeof(struct mb2_tag_module), m->string, n);
	return 0;
}

/* EFI descriptors as Multiboot2 entries, unsorted; returns how many, or
 * -EINVAL. */
static long translate_map(const struct efi_mb2_input *in, struct mb2_mmap_entry *out)
{
	long n = 0;

	if (in->efi_desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
		return -EINVAL;
	for (u64 i = 0; i < descriptor_count(in); i++) {
		EFI_MEMORY_DESCRIPTOR d;

		memcpy(&d, (const u8 *)in->efi_map + i * in->efi_desc_size, sizeof(d));
		if (d.NumberOfPages == 0)
			continue;
		if (d.NumberOfPages > (~d.PhysicalStart >> EFI_PAGE_SHIFT))
			return -EINVAL; /* base + length would pass 2^64 */
		out[n++] = (struct mb2_mmap_entry){ d.PhysicalStart,
			d.NumberOfPages << EFI_PAGE_SHIFT, efi_mb2_mem_type(d.Type), 0 };
	}
	return n;
}

/* Sorts by base (the map is short: insertion sort) and merges neighbours
 * of the same type; returns the new count. */
static long sort_and_merge(struct mb2_mmap_entry *e, long n)
{
	long out = 0;

	for (long i = 1; i < n; i++) {
		struct mb2_mmap_entry x = e[i];
		long j = i;

		for (; j > 0 && e[j - 1].base_addr > x.base_addr; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
	for (long i = 0; i < n; i++) {
		if (out && e[out - 1].type == e[i].type &&
		    e[out - 1].base_addr + e[out - 1].length == e[i].base_addr)
			e[out - 1].length += e[i].length;
		else
			e[out++] = e[i];
	}
	return out;
}

/* 3.6.4 "Basic memory information", from the merged map. */
static void fill_basic_meminfo(struct mb2_tag_basic_meminfo *m, const struct mb2_mmap_entry *e,
			       long n)
{
	for (long i = 0; i < n; i++) {
		u64 end = e[i].base_addr + e[i].length;

		if (e[i].type != MB2_MEMORY_AVAILABLE)
			continue;
		if (e[i].base_addr == 0)
			m->mem_lower = (u32)(MIN(end, LOW_MEMORY_MAX) >> 10);
		if (e[i].base_addr <= UPPER_MEMORY_BASE && end > UPPER_MEMORY_BASE)
			m->mem_upper = (u32)MIN((end - UPPER_MEMORY_BASE) >> 10, U32_MAX_VALUE);
	}
}

/* 3.6.8 "Memory map", then 3.6.4 from it. */
static int add_memory(struct writer *w, const struct efi_mb2_input *in)
{
	struct mb2_tag_mmap hdr = { MB2_TAG_MMAP, 0, sizeof(struct mb2_mmap_entry),
				    MMAP_ENTRY_VERSION };
	struct mb2_tag_basic_meminfo basic = { MB2_TAG_BASIC_MEMINFO, sizeof(basic), 0, 0 };
	size_t room = sizeof(hdr) + descriptor_count(in) * sizeof(struct mb2_mmap_entry);
	struct mb2_mmap_entry *e = (struct mb2_mmap_entry *)(w->buf + w->len + sizeof(hdr));
	long n;

	if (room + sizeof(basic) > w->cap - w->len)
		return -E2BIG;
	n = translate_map(in, e);
	if (n < 0)
		return (int)n;
	n = sort_and_merge(e, n);
	hdr.size = (u32)(sizeof(hdr) + (size_t)n * sizeof(*e));
	memcpy(w->buf + w->len, &hdr, sizeof(hdr));
	w->len += hdr.size; /* entries are 24 bytes: 8-aligned already */
	fill_basic_meminfo(&basic, e, n);
	memcpy(w->buf + w->len, &basic, sizeof(basic));
	w->len += sizeof(basic);
	return 0;
}

static int add_framebuffer(struct writer *w, const struct efi_mb2_framebuffer *fb)
{
	struct mb2_tag_framebuffer t = { MB2_TAG_FRAMEBUFFER, FB_RGB_TAG_SIZE, fb->addr,
		fb->pitch, fb->width, fb->height, fb->bpp, MB2_FRAMEBUFFER_RGB, 0 };
	u8 color[FB_RGB_COLOR_INFO] = { fb->red_pos, fb->red_size, fb->green_pos,
					fb->green_size, fb->blue_pos, fb->blue_size };
	u8 *tag = add_tag(w, MB2_TAG_FRAMEBUFFER, FB_RGB_TAG_SIZE);

	if (!tag)
		return -E2BIG;
	memcpy(tag, &t, sizeof(t));
	memcpy(tag + sizeof(t), color, sizeof(color));
	return 0;
}

/* A tag made of head (head_len bytes: a tag header and fixed fields) and a
 * copy of size bytes at data (RSDPs, the EFI memory map). */
static int add_tag_copy(struct writer *w, const void *head, size_t head_len, const void *data,
			size_t size)
{
	struct mb2_tag t;
	u8 *tag;

	memcpy(&t, head, sizeof(t));
	tag = add_tag(w, t.type, head_len + size);
	if (!tag)
		return -E2BIG;
	memcpy(tag + sizeof(t), (const u8 *)head + sizeof(t), head_len - sizeof(t));
	if (size)
		memcpy(tag + head_len, data, size);
	return 0;
}

/* 3.6.14 EFI 64-bit system table, 3.6.16/3.6.17 ACPI RSDPs, 3.6.19 EFI
 * memory map. */
static int add_firmware_tables(struct writer *w, const struct efi_mb2_input *in)
{
	struct mb2_tag_efi64 st = { MB2_TAG_EFI64, sizeof(st), in->efi_system_table };
	struct mb2_tag_efi_mmap em = { MB2_TAG_EFI_MMAP, 0, (u32)in->efi_desc_size,
				       in->efi_desc_version };
	struct mb2_tag acpi_old = { MB2_TAG_ACPI_OLD, 0 }, acpi_new = { MB2_TAG_ACPI_NEW, 0 };
	int err = 0;

	if (in->efi_system_table)
		err = add_tag_copy(w, &st, sizeof(st), NULL, 0);
	if (!err && in->rsdp_v1)
		err = add_tag_copy(w, &acpi_old, sizeof(acpi_old), in->rsdp_v1, RSDP_V1_SIZE);
	if (!err && in->rsdp_v2)
		err = add_tag_copy(w, &acpi_new, sizeof(acpi_new), in->rsdp_v2, in->rsdp_v2_size);
	if (!err)
		err = add_tag_copy(w, &em, sizeof(em), in->efi_map,
				   (size_t)(descriptor_count(in) * in->efi_desc_size));
	return err;
}

int efi_mb2_build(const struct efi_mb2_input *in, void *buf, size_t cap, size_t *used)
{
	struct writer w = { buf, cap, sizeof(struct mb2_info_header) };
	struct mb2_info_header hdr = { 0, 0 };
	int err;

	if (cap < w.len)
		return -E2BIG;
	err = add_string(&w, MB2_TAG_CMDLINE, in->cmdline);
	if (!err)
		err = add_string(&w, MB2_TAG_BOOTLOADER_NAME, in->loader_name);
	for (unsigned i = 0; !err && i < in->module_count; i++)
		err = add_module(&w, &in->modules[i]);
	if (!err)
		err = add_memory(&w, in);
	if (!err && in->has_framebuffer)
		err = add_framebuffer(&w, &in->fb);
	if (!err)
		err = add_firmware_tables(&w, in);
	if (!err && !add_tag(&w, MB2_TAG_END, sizeof(struct mb2_tag)))
		err = -E2BIG;
	if (err)
		return err;
	hdr.total_size = (u32)w.len;
	memcpy(buf, &hdr, sizeof(hdr));
	*used = w.len;
	return 0;
}
