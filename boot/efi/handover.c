/*
 * Leaving the firmware: the final memory map, the boot information built
 * from it, ExitBootServices, and the jump through the trampoline into the
 * hypervisor (UEFI 2.x, 7.4 "Image Services", EFI_BOOT_SERVICES.
 * ExitBootServices(): after a first failed call only the memory
 * allocation services may be used; the retries are exit_retry.c's).
 */
#include "boot/efi/loader.h"

#include <string.h>

#include "boot/efi/exit_retry.h"

#define MAP_SLACK_DESCS 16  /* room for descriptors our own allocations add */
#define PAGE_BYTES 4096

extern const u8 efi_trampoline_start[], efi_trampoline_end[];

typedef void (*trampoline_fn)(u32 entry32, u32 info) __attribute__((noreturn));

/* Buffers sized before the final GetMemoryMap, which must be followed by
 * no allocation before ExitBootServices. */
struct handover {
	struct loader *ld;
	void *map;
	UINTN map_cap;
	void *info;
	UINTN info_pages;
	const char *step; /* what failed, for the message */
};

/* The trampoline, copied to a page of its own below 4 GiB. */
static EFI_STATUS place_trampoline(trampoline_fn *fn)
{
	EFI_PHYSICAL_ADDRESS addr = BELOW_4G;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderCode,
					  1, &addr);

	if (EFI_ERROR(st))
		return loader_fail(st, L"no page below 4 GiB for the trampoline");
	memcpy((void *)(uptr)addr, efi_trampoline_start,
	       (size_t)(efi_trampoline_end - efi_trampoline_start));
	*fn = (trampoline_fn)(uptr)addr;
	return EFI_SUCCESS;
}

static void release(struct handover *h)
{
	if (h->map)
		FreePool(h->map);
	if (h->info)
		uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(uptr)h->info,
				  h->info_pages);
	h->map = h->info = NULL;
}

/* Map buffer for need bytes and more, and an information buffer below
 * 4 GiB large enough for a map that size. */
static EFI_STATUS make_room(struct handover *h, UINTN need, UINTN desc_size)
{
	EFI_PHYSICAL_ADDRESS addr = BELOW_4G;
	struct efi_mb2_input *info = &h->ld->info;
	EFI_STATUS st;

	release(h);
	h->map_cap = need + MAP_SLACK_DESCS * desc_size;
	h->map = AllocatePool(h->map_cap);
	if (!h->map)
		return EFI_OUT_OF_RESOURCES;
	info->efi_map_size = h->map_cap;
	info->efi_desc_size = desc_size;
	h->info_pages = EFI_SIZE_TO_PAGES(efi_mb2_size(info));
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData,
			       h->info_pages, &addr);
	h->info = EFI_ERROR(st) ? NULL : (void *)(uptr)addr;
	return st;
}

/* The map's current size, to size the buffers the first time. */
static EFI_STATUS map_size(UINTN *size, UINTN *desc_size)
{
	UINTN key;
	UINT32 version;
	EFI_STATUS st;

	*size = 0;
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, size, NULL, &key, desc_size, &version);
	return st == EFI_BUFFER_TOO_SMALL ? EFI_SUCCESS : st;
}

/* efi_exit_ops.take_map: the map now and the information from it. */
static EFI_STATUS take_map(void *ctx, UINTN *key, UINTN *needed)
{
	struct handover *h = ctx;
	struct efi_mb2_input *info = &h->ld->info;
	UINTN size = h->map_cap, desc_size;
	UINT32 version;
	size_t used;
	EFI_STATUS st;

	h->step = "GetMemoryMap";
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, h->map, key, &desc_size, &version);
	*needed = size;
	if (EFI_ERROR(st))
		return st;
	info->efi_map = h->map;
	info->efi_map_size = size;
	info->efi_desc_size = desc_size;
	info->efi_desc_version = version;
	h->step = "building the boot information from the memory map";
	if (efi_mb2_build(info, h->info, h->info_pages * PAGE_BYTES, &used))
		return EFI_LOAD_ERROR;
	h->step = "ExitBootServices";
	return EFI_SUCCESS;
}

/* efi_exit_ops.grow */
static EFI_STATUS grow(void *ctx, UINTN needed)
{
	struct handover *h = ctx;

	h->step = "growing the memory map buffer";
	return make_room(h, needed, h->ld->info.efi_desc_size);
}

/* efi_exit_ops.exit */
static EFI_STATUS exit_boot_services(void *ctx, UINTN key)
{
	struct handover *h = ctx;

	return uefi_call_wrapper(BS->ExitBootServices, 2, h->ld->image, key);
}

static const struct efi_exit_ops firmware_exit = { take_map, grow, exit_boot_services };

EFI_STATUS handover(struct loader *ld)
{
	struct handover h = { .ld = ld };
	trampoline_fn enter;
	UINTN size, desc_size;
	EFI_STATUS st;

	st = place_trampoline(&enter);
	if (EFI_ERROR(st))
		return st;
	st = map_size(&size, &desc_size);
	if (!EFI_ERROR(st))
		st = make_room(&h, size, desc_size);
	if (EFI_ERROR(st)) {
		st = loader_fail(st, L"no room for the memory map and the boot information");
	} else {
		Print(L"%a: starting %a at 0x%lx with %d module%a; leaving the boot services\n",
		      LOADER_NAME, ld->kernel_path, ld->kernel.entry, ld->cfg.module_count,
		      ld->cfg.module_count == 1 ? "" : "s");
		st = efi_exit_retry(&firmware_exit, &h);
		if (!EFI_ERROR(st))
			enter((u32)ld->kernel.entry, (u32)(uptr)h.info);
		/* the console may be gone already; try anyway */
		st = loader_fail(st, L"cannot leave the boot services (%a)", h.step);
	}
	release(&h);
	uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(uptr)enter, 1);
	return st;
}
