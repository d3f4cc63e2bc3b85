/*
 * understudy.efi: a GNU-EFI application that loads understudy.elf and its
 * modules from the ESP and enters it with Multiboot2 boot information, as
 * GRUB would (docs/boot.md). The firmware-facing half; the pure half
 * (config.c, image.c, mb2_build.c) is tested on the host.
 */
#ifndef UNDERSTUDY_BOOT_EFI_LOADER_H
#define UNDERSTUDY_BOOT_EFI_LOADER_H

#include <efi.h>
#include <efilib.h>

#include "boot/efi/config.h"
#include "boot/efi/image.h"
#include "boot/efi/mb2_build.h"
#include "types.h"

#define LOADER_NAME "understudy.efi"
/* AllocateMaxAddress limit below 4 GiB: the last byte of what it gives, so
 * the end (exclusive) still fits the 32 bits of a module tag. */
#define BELOW_4G 0xFFFFEFFFULL

/* Everything the loader has found so far; one, static. */
struct loader {
	EFI_HANDLE image;
	EFI_LOADED_IMAGE *loaded;       /* its load options, its device */
	EFI_FILE_HANDLE root;           /* the volume understudy.efi came from */
	char self[EFI_CFG_PATH_MAX];    /* its own path there */
	char cfg_from[EFI_CFG_PATH_MAX]; /* where the configuration came from */
	struct efi_cfg cfg;
	struct efi_image kernel;
	char kernel_path[EFI_CFG_PATH_MAX];
	bool kernel_placed;             /* its range is ours */
	struct efi_mb2_module modules[EFI_CFG_MAX_MODULES];
	unsigned modules_loaded;
	struct efi_mb2_input info;      /* what the boot information will say */
};

/* Where esp_read puts a file. */
enum esp_dest {
	ESP_POOL,      /* pool memory, anywhere: for reading and freeing */
	ESP_LOW_PAGES, /* whole pages below 4 GiB, kept: modules */
};

/* Prints "understudy.efi: MESSAGE: STATUS" on the firmware console and
 * returns status. */
EFI_STATUS loader_fail(EFI_STATUS status, const CHAR16 *fmt, ...);

/* The volume and path of understudy.efi (ld->root, ld->self). */
EFI_STATUS esp_open(struct loader *ld);

/* Reads the file at the ESP path path whole into memory of kind dest
 * (at most max bytes; a larger file fails with EFI_BAD_BUFFER_SIZE). */
EFI_STATUS esp_read(struct loader *ld, const char *path, enum esp_dest dest, u64 max,
		    void **data, u64 *size);

/* Frees what esp_read gave. */
void esp_free(enum esp_dest dest, void *data, u64 size);

/* The configuration: load options, else understudy.cfg beside us. */
EFI_STATUS load_config(struct loader *ld);

/* understudy.elf into its physical range, then each module below 4 GiB. */
EFI_STATUS load_hypervisor(struct loader *ld);
EFI_STATUS load_modules(struct loader *ld);

/* Gives back the hypervisor's range and the modules' pages, so that the
 * firmware's next boot option (GRUB, say) finds them free. */
void load_release(struct loader *ld);

/* ACPI RSDPs, the EFI system table and the GOP framebuffer into ld->info. */
void firmware_gather(struct loader *ld);

/* Final memory map, ExitBootServices, the jump to entry32. Returns only
 * when the boot services could not be left. */
EFI_STATUS handover(struct loader *ld);

#endif
