// sources: hv/mb1_loader.c
/*
 * Fuzzes hv/mb1_loader.c. Input: the kernel image, loaded into a fixed
 * 2 MiB guest RAM with one small module. Checks the loader's promises: a
 * refusal names its reason and leaves RAM untouched; a success places the
 * kernel, entry and boot information where it says.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "hv/mb1_loader.h"

#define RAM_SIZE MiB(2)
#define RAM_FILL 0x5C

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static u8 *ram, *fill; /* fill: RAM_SIZE bytes of RAM_FILL */
static bool ram_dirty = true;
static const u8 module_bytes[] = "module";
static const char cmdline[] = "console=ttyS0", module_cmdline[] = "mod arg";
static const struct mb1_guest_module module = { module_bytes, sizeof(module_bytes),
						 module_cmdline };

/* Whether ram[start, end) still holds the fill (reference: fill[]). */
static bool untouched(u64 start, u64 end)
{
	return !memcmp(ram + start, fill + start, end - start);
}

/* Success: the result is consistent and nothing was written where no
 * kernel byte or boot information may go. */
static void check_loaded(const struct mb1_load_result *res)
{
	u64 info_end = MB1_INFO_BASE + sizeof(struct mb1_info) +
		       MB1_MMAP_ENTRIES * sizeof(struct mb1_mmap_entry) +
		       sizeof(struct mb1_module) + sizeof(MB1_LOADER_NAME) + sizeof(cmdline) +
		       sizeof(module_cmdline);
	struct mb1_info info;
	struct mb1_module mod;

	CHECK(res->kernel_lo <= res->kernel_hi && res->kernel_hi < RAM_SIZE);
	CHECK(res->entry >= res->kernel_lo && res->entry <= res->kernel_hi);
	CHECK(res->info_gpa == MB1_INFO_BASE);
	CHECK(untouched(info_end, MB1_HIGH_MEM)); /* spare info area and BIOS hole */
	memcpy(&info, ram + res->info_gpa, sizeof(info));
	CHECK(info.mods_count == 1 && info.mem_lower == 640);
	CHECK(info.mem_upper == (RAM_SIZE - MB1_HIGH_MEM) / 1024);
	CHECK(!strcmp((const char *)ram + info.boot_loader_name, MB1_LOADER_NAME));
	memcpy(&mod, ram + info.mods_addr, sizeof(mod));
	CHECK(mod.mod_start >= MB1_HIGH_MEM && mod.mod_start > res->kernel_hi);
	CHECK(mod.mod_end == res->modules_end && res->modules_end <= RAM_SIZE);
	CHECK(!memcmp(ram + mod.mod_start, module_bytes, sizeof(module_bytes)));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct mb1_load_params p = {
		.image = data, .image_size = size, .ram_size = RAM_SIZE, .cmdline = cmdline,
		.modules = &module, .module_count = 1,
	};
	struct mb1_load_result res;
	int err;

	if (!ram) {
		ram = malloc(RAM_SIZE);
		fill = malloc(RAM_SIZE);
		CHECK(ram && fill);
		memset(fill, RAM_FILL, RAM_SIZE);
	}
	if (ram_dirty)
		memset(ram, RAM_FILL, RAM_SIZE);
	p.ram = ram;
	err = mb1_load(&p, &res);
	ram_dirty = err == 0;
	if (err) {
		CHECK(res.why != NULL);
		CHECK(err == -ENOEXEC || err == -ENOTSUP || err == -ERANGE || err == -EINVAL);
		CHECK(untouched(0, RAM_SIZE)); /* a refusal writes nothing */
	} else {
		check_loaded(&res);
	}
	return 0;
}
