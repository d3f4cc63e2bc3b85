// sources: hv/linux_load.c hv/linux_select.c hv/linux_bzimage.c hv/linux_pvh.c
/*
 * Fuzzes hv/linux_load.c hv/linux_select.c and the two Linux loaders. Input: one option byte
 * (bit 0: ask for the 32-bit entry; bit 1: no initrd; bit 2: a 3000-byte
 * command line), then the kernel image, loaded into a fixed 8 MiB guest
 * RAM with a small initrd. Checks the loaders' promises: a refusal names
 * its reason and leaves RAM untouched; a success puts the entry inside the
 * kernel, the initrd above it and inside RAM, and boot_params or
 * hvm_start_info where it says, consistent with the result.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "hv/linux_bzimage.h"
#include "hv/linux_load.h"
#include "hv/linux_pvh.h"

#define RAM_SIZE MiB(8)
#define RAM_FILL 0x5C
#define OPT_ENTRY32 BIT(0)
#define OPT_NO_INITRD BIT(1)
#define OPT_LONG_CMDLINE BIT(2)
#define LONG_CMDLINE 3000

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static u8 *ram, *fill;
static bool ram_dirty = true;
static const u8 initrd[] = "initrd bytes";
static char long_cmdline[LONG_CMDLINE + 1];

static bool untouched(u64 start, u64 end)
{
	return !memcmp(ram + start, fill + start, end - start);
}

static void check_bzimage(const struct linux_load_params *p, const struct linux_load_result *r)
{
	const struct linux_boot_params *bp = (const void *)(ram + r->info_gpa);

	CHECK(r->entry_mode == LINUX_ENTRY_64 || r->entry_mode == LINUX_ENTRY_32);
	CHECK(r->entry_mode == LINUX_ENTRY_32 || !p->entry32);
	CHECK(r->gdt_gpa == LINUX_GDT_GPA && (r->entry_mode == LINUX_ENTRY_32) == !r->cr3);
	CHECK(bp->hdr.cmd_line_ptr == LINUX_CMDLINE_GPA && bp->e820_entries == 4);
	CHECK(bp->hdr.ramdisk_image == r->initrd_gpa);
	CHECK(bp->hdr.ramdisk_image + bp->hdr.ramdisk_size <= bp->hdr.initrd_addr_max + 1ULL ||
	      !p->initrd);
}

static void check_pvh(const struct linux_load_params *p, const struct linux_load_result *r)
{
	struct hvm_start_info si;

	memcpy(&si, ram + r->info_gpa, sizeof(si));
	CHECK(si.magic == PVH_START_MAGIC && si.version == 1 && si.memmap_entries == 4);
	CHECK(si.nr_modules == (p->initrd ? 1u : 0u));
	CHECK(si.cmdline_paddr == LINUX_CMDLINE_GPA);
}

static void check_loaded(const struct linux_load_params *p, const struct linux_load_result *r)
{
	CHECK(r->kernel_lo >= LINUX_HIGH_MEM && r->kernel_lo < r->kernel_hi);
	CHECK(r->kernel_hi <= RAM_SIZE && r->written_end <= RAM_SIZE);
	CHECK(r->entry >= r->kernel_lo && r->entry < r->kernel_hi);
	CHECK(r->info_gpa == LINUX_BOOT_INFO_GPA);
	if (p->initrd) {
		CHECK(r->initrd_gpa >= r->kernel_hi && r->initrd_gpa % LINUX_PAGE_SIZE == 0);
		CHECK(!memcmp(ram + r->initrd_gpa, initrd, sizeof(initrd)));
	}
	CHECK(!strcmp((const char *)ram + LINUX_CMDLINE_GPA, p->cmdline));
	CHECK(untouched(LINUX_LOW_END, LINUX_HIGH_MEM)); /* the BIOS area is the firmware's */
	if (r->entry_mode == LINUX_ENTRY_PVH)
		check_pvh(p, r);
	else
		check_bzimage(p, r);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct linux_load_params p = { .ram_size = RAM_SIZE, .cmdline = "console=ttyS0",
				       .rsdp_gpa = 0xE0000 };
	struct linux_load_result r;
	int err;

	if (!ram) {
		ram = malloc(RAM_SIZE);
		fill = malloc(RAM_SIZE);
		CHECK(ram && fill);
		memset(fill, RAM_FILL, RAM_SIZE);
		memset(long_cmdline, 'c', LONG_CMDLINE);
	}
	if (!size)
		return 0;
	if (ram_dirty)
		memset(ram, RAM_FILL, RAM_SIZE);
	p.ram = ram;
	p.image = data + 1;
	p.image_size = size - 1;
	p.entry32 = data[0] & OPT_ENTRY32;
	if (!(data[0] & OPT_NO_INITRD)) {
		p.initrd = initrd;
		p.initrd_size = sizeof(initrd);
	}
	if (data[0] & OPT_LONG_CMDLINE)
		p.cmdline = long_cmdline;
	err = linux_load(&p, &r);
	ram_dirty = err == 0;
	if (err) {
		CHECK(r.why != NULL);
		CHECK(err == -ENOEXEC || err == -ERANGE || err == -EINVAL);
		CHECK(untouched(0, RAM_SIZE)); /* a refusal writes nothing */
	} else {
		check_loaded(&p, &r);
	}
	return 0;
}
