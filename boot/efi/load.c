/*
 * Reading what understudy.efi is told to start: its configuration, the
 * hypervisor image (placed at the physical addresses it is linked for) and
 * the modules (whole pages below 4 GiB, as GRUB's page-aligned modules).
 */
#include "boot/efi/loader.h"

#include <string.h>

#include "compiler.h"
#include "errno.h"

#define KERNEL_MAX MiB(64)     /* far beyond understudy.elf's size */
#define MODULE_MAX GiB(3)      /* must fit below 4 GiB with everything else */
#define LOAD_OPTIONS_SOURCE "the load options"

static char cfg_text[EFI_CFG_TEXT_MAX + 1];

/* Reads understudy.cfg from understudy.efi's folder into cfg_text. */
static EFI_STATUS read_cfg_file(struct loader *ld, size_t *len)
{
	void *data;
	u64 size;
	EFI_STATUS st;

	if (efi_cfg_resolve(ld->self, EFI_CFG_FILE_NAME, ld->cfg_from, sizeof(ld->cfg_from)))
		return loader_fail(EFI_BAD_BUFFER_SIZE, L"its own path is too long");
	st = esp_read(ld, ld->cfg_from, ESP_POOL, EFI_CFG_TEXT_MAX, &data, &size);
	if (st == EFI_BAD_BUFFER_SIZE)
		return loader_fail(st, L"%a is longer than 16 KiB", ld->cfg_from);
	if (EFI_ERROR(st))
		return loader_fail(st, L"no load options and cannot read %a", ld->cfg_from);
	memcpy(cfg_text, data, size);
	cfg_text[size] = '\0';
	*len = size;
	FreePool(data);
	return EFI_SUCCESS;
}

EFI_STATUS load_config(struct loader *ld)
{
	struct efi_cfg_error err;
	size_t len = 0;
	EFI_STATUS st = EFI_SUCCESS;

	switch (efi_cfg_load_options(ld->loaded->LoadOptions, ld->loaded->LoadOptionsSize,
				     cfg_text, sizeof(cfg_text))) {
	case EFI_CFG_OPTIONS_TEXT:
		memcpy(ld->cfg_from, LOAD_OPTIONS_SOURCE, sizeof(LOAD_OPTIONS_SOURCE));
		len = strlen(cfg_text);
		break;
	case EFI_CFG_OPTIONS_TOO_LONG:
		return loader_fail(EFI_BAD_BUFFER_SIZE, L"its load options are longer than 16 KiB");
	default: /* none, or firmware data (EDK2 tags its own boot options) */
		st = read_cfg_file(ld, &len);
		break;
	}
	if (EFI_ERROR(st))
		return st;
	if (efi_cfg_parse(cfg_text, len, &ld->cfg, &err) == 0)
		return EFI_SUCCESS;
	if (err.line)
		return loader_fail(EFI_INVALID_PARAMETER, L"%a, line %d: %a%a%a%a", ld->cfg_from,
				   err.line, err.what, err.word[0] ? ": '" : "", err.word,
				   err.word[0] ? "'" : "");
	return loader_fail(EFI_INVALID_PARAMETER, L"%a: %a", ld->cfg_from, err.what);
}

/* Takes the image's physical range from the firmware, zeroes it and copies
 * the segments in. */
static EFI_STATUS place_kernel(struct loader *ld, const u8 *file)
{
	const struct efi_image *k = &ld->kernel;
	EFI_PHYSICAL_ADDRESS addr = k->base;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData,
			       EFI_SIZE_TO_PAGES(k->end - k->base), &addr);
	if (EFI_ERROR(st))
		return loader_fail(st, L"cannot have 0x%lx-0x%lx for %a (the firmware uses it)",
				   k->base, k->end, ld->kernel_path);
	ld->kernel_placed = true;
	memset((void *)(uptr)k->base, 0, k->end - k->base);
	for (unsigned i = 0; i < k->seg_count; i++)
		memcpy((void *)(uptr)k->seg[i].paddr, file + k->seg[i].file_off,
		       k->seg[i].file_size);
	return EFI_SUCCESS;
}

EFI_STATUS load_hypervisor(struct loader *ld)
{
	const struct efi_cfg_entry *e = &ld->cfg.kernel;
	const char *why = "";
	void *file;
	u64 size;
	EFI_STATUS st;
	int err;

	if (efi_cfg_resolve(ld->self, e->path, ld->kernel_path, sizeof(ld->kernel_path)))
		return loader_fail(EFI_BAD_BUFFER_SIZE, L"the path of %a is too long", e->path);
	st = esp_read(ld, ld->kernel_path, ESP_POOL, KERNEL_MAX, &file, &size);
	if (EFI_ERROR(st))
		return loader_fail(st, L"cannot read the hypervisor %a (multiboot2, %a line %d)",
				   ld->kernel_path, ld->cfg_from, e->line);
	err = efi_image_check(file, size, &ld->kernel, &why);
	if (err)
		st = loader_fail(err == -ENOTSUP ? EFI_UNSUPPORTED : EFI_LOAD_ERROR,
				 L"%a cannot be started: %a", ld->kernel_path, why);
	else
		st = place_kernel(ld, file);
	FreePool(file);
	return st;
}

EFI_STATUS load_modules(struct loader *ld)
{
	for (unsigned i = 0; i < ld->cfg.module_count; i++) {
		const struct efi_cfg_entry *e = &ld->cfg.modules[i];
		char path[EFI_CFG_PATH_MAX];
		void *data;
		u64 size;
		EFI_STATUS st;

		if (efi_cfg_resolve(ld->self, e->path, path, sizeof(path)))
			return loader_fail(EFI_BAD_BUFFER_SIZE, L"the path of %a is too long", e->path);
		st = esp_read(ld, path, ESP_LOW_PAGES, MODULE_MAX, &data, &size);
		if (EFI_ERROR(st))
			return loader_fail(st, L"cannot read module %a (module2, %a line %d)", path,
					   ld->cfg_from, e->line);
		ld->modules[i] = (struct efi_mb2_module){ (u32)(uptr)data, (u32)((uptr)data + size),
							  e->args };
		ld->modules_loaded = i + 1;
	}
	ld->info.modules = ld->modules;
	ld->info.module_count = ld->cfg.module_count;
	return EFI_SUCCESS;
}

void load_release(struct loader *ld)
{
	for (unsigned i = 0; i < ld->modules_loaded; i++)
		esp_free(ESP_LOW_PAGES, (void *)(uptr)ld->modules[i].start,
			 ld->modules[i].end - ld->modules[i].start);
	ld->modules_loaded = 0;
	if (ld->kernel_placed)
		uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)ld->kernel.base,
				  EFI_SIZE_TO_PAGES(ld->kernel.end - ld->kernel.base));
	ld->kernel_placed = false;
}
