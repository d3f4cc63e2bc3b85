/*
 * The ExitBootServices protocol of UEFI 2.x, 7.4 "Image Services": get the
 * memory map, use its key; a stale key is refused with
 * EFI_INVALID_PARAMETER and the caller must get the map again and retry; a
 * map that has outgrown its buffer (EFI_BUFFER_TOO_SMALL) needs a larger
 * one first. Pure logic over the operations below, so the host tests it
 * with a fake firmware; handover.c gives it the real one.
 */
#ifndef UNDERSTUDY_BOOT_EFI_EXIT_RETRY_H
#define UNDERSTUDY_BOOT_EFI_EXIT_RETRY_H

#include <efi.h>

#define EFI_EXIT_ATTEMPTS 8 /* each with a fresh map key */

struct efi_exit_ops {
	/* GetMemoryMap into the current buffer and everything built from it;
	 * EFI_SUCCESS with *key set, or EFI_BUFFER_TOO_SMALL with *needed
	 * set, or a failure. Must neither allocate nor print. */
	EFI_STATUS (*take_map)(void *ctx, UINTN *key, UINTN *needed);
	/* Larger buffers for a map of needed bytes. */
	EFI_STATUS (*grow)(void *ctx, UINTN needed);
	/* ExitBootServices with key. */
	EFI_STATUS (*exit)(void *ctx, UINTN key);
};

/*
 * Runs the protocol for up to EFI_EXIT_ATTEMPTS maps. Returns EFI_SUCCESS
 * only after exit succeeded; else the failure (a stale key still refused
 * after the last attempt returns EFI_INVALID_PARAMETER).
 */
EFI_STATUS efi_exit_retry(const struct efi_exit_ops *ops, void *ctx);

#endif
