/*
 * What the two Linux loaders share (see linux_load.h): the memory map,
 * parameter checks, initrd placement and the command line, and how each
 * kind of image is recognized. linux_select.c chooses between them.
 */
#include "hv/linux_load.h"

#include <string.h>

#include "errno.h"

/* Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header" */
#define BZ_BOOT_FLAG_OFF 0x1FE
#define BZ_BOOT_FLAG 0xAA55
#define BZ_HEADER_OFF 0x202
#define BZ_HEADER_MAGIC 0x53726448 /* "HdrS" */
#define ELF_MAGIC "\177ELF"
#define ELF_MAGIC_LEN 4

int linux_fail(struct linux_load_result *out, int err, const char *why)
{
	out->why = why;
	return err;
}

bool linux_range_inside(u64 start, u64 len, u64 limit)
{
	return start <= limit && len <= limit - start;
}

u64 linux_ram_limit(const struct linux_load_params *p)
{
	return MIN(p->ram_size, LINUX_RAM_LIMIT);
}

unsigned linux_memmap(u64 ram_size, struct linux_memmap_entry out[LINUX_MEMMAP_ENTRIES])
{
	u64 top = MIN(ram_size, LINUX_RAM_LIMIT);

	out[0] = (struct linux_memmap_entry){ 0, LINUX_EBDA_GPA, LINUX_E820_RAM };
	out[1] = (struct linux_memmap_entry){ LINUX_EBDA_GPA, LINUX_LOW_RAM_END - LINUX_EBDA_GPA,
					      LINUX_E820_RESERVED };
	out[2] = (struct linux_memmap_entry){ LINUX_BIOS_GPA, LINUX_HIGH_MEM - LINUX_BIOS_GPA,
					      LINUX_E820_RESERVED };
	if (top <= LINUX_HIGH_MEM)
		return 3;
	out[3] = (struct linux_memmap_entry){ LINUX_HIGH_MEM, top - LINUX_HIGH_MEM, LINUX_E820_RAM };
	return 4;
}

int linux_check_params(const struct linux_load_params *p, struct linux_load_result *out)
{
	if (!p->image || !p->image_size)
		return linux_fail(out, -EINVAL, "no kernel image");
	if (!p->ram || p->ram_size < LINUX_RAM_MIN)
		return linux_fail(out, -EINVAL, "guest RAM is smaller than 2 MiB");
	if (!p->initrd && p->initrd_size)
		return linux_fail(out, -EINVAL, "an initrd size without initrd data");
	return 0;
}

int linux_place_initrd(u64 size, u64 floor, u64 limit, u64 *gpa)
{
	u64 start;

	if (size > limit)
		return -ERANGE;
	start = ALIGN_DOWN(limit - size, LINUX_PAGE_SIZE);
	if (start < floor)
		return -ERANGE;
	*gpa = start;
	return 0;
}

int linux_cmdline_len(const char *cmdline, u64 max, struct linux_load_result *out)
{
	u64 len = cmdline ? strnlen(cmdline, LINUX_CMDLINE_MAX) : 0;

	if (len > max || len >= LINUX_CMDLINE_MAX)
		return linux_fail(out, -ERANGE, "the command line is longer than the kernel "
				  "accepts (cmdline_size, or 64 KiB)");
	return (int)len;
}

void linux_put_cmdline(const struct linux_load_params *p, u64 len)
{
	if (len)
		memcpy(p->ram + LINUX_CMDLINE_GPA, p->cmdline, len);
	p->ram[LINUX_CMDLINE_GPA + len] = '\0';
}

bool linux_is_bzimage(const u8 *image, u64 image_size)
{
	u16 flag;
	u32 magic;

	if (!image || image_size < BZ_HEADER_OFF + sizeof(magic))
		return false;
	memcpy(&flag, image + BZ_BOOT_FLAG_OFF, sizeof(flag));
	memcpy(&magic, image + BZ_HEADER_OFF, sizeof(magic));
	return flag == BZ_BOOT_FLAG && magic == BZ_HEADER_MAGIC;
}

bool linux_is_elf(const u8 *image, u64 image_size)
{
	return image && image_size >= ELF_MAGIC_LEN && !memcmp(image, ELF_MAGIC, ELF_MAGIC_LEN);
}
