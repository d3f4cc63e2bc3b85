/*
 * understudy.efi's entry point: configuration, hypervisor, modules,
 * firmware facts, then the hand-over. Any failure before ExitBootServices
 * is printed with its EFI status and returned to the firmware, which goes
 * on to its next boot option.
 */
#include "boot/efi/loader.h"

#define LOADER_NAME_TAG LOADER_NAME " " UNDERSTUDY_GIT

static struct loader ld;

EFI_STATUS loader_fail(EFI_STATUS status, const CHAR16 *fmt, ...)
{
	va_list args;

	Print(L"%a: ", LOADER_NAME);
	va_start(args, fmt);
	VPrint(fmt, args);
	va_end(args);
	Print(L": %r\n", status);
	return status;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS st;

	InitializeLib(image, systab);
	ld.image = image;
	Print(L"%a: Understudy's UEFI loader (%a)\n", LOADER_NAME, UNDERSTUDY_GIT);
	st = esp_open(&ld);
	if (!EFI_ERROR(st))
		st = load_config(&ld);
	if (!EFI_ERROR(st))
		st = load_hypervisor(&ld);
	if (!EFI_ERROR(st))
		st = load_modules(&ld);
	if (!EFI_ERROR(st)) {
		ld.info.cmdline = ld.cfg.kernel.args;
		ld.info.loader_name = LOADER_NAME_TAG;
		firmware_gather(&ld);
		st = handover(&ld); /* returns only on failure */
	}
	load_release(&ld);
	return st;
}
