/* Leaving the boot services with a fresh map key (see exit_retry.h). */
#include "boot/efi/exit_retry.h"

EFI_STATUS efi_exit_retry(const struct efi_exit_ops *ops, void *ctx)
{
	EFI_STATUS st = EFI_INVALID_PARAMETER;

	for (int i = 0; i < EFI_EXIT_ATTEMPTS; i++) {
		UINTN key = 0, needed = 0;

		st = ops->take_map(ctx, &key, &needed);
		if (st == EFI_BUFFER_TOO_SMALL) {
			EFI_STATUS grown = ops->grow(ctx, needed);

			if (EFI_ERROR(grown))
				return grown;
			continue;
		}
		if (EFI_ERROR(st))
			return st;
		st = ops->exit(ctx, key);
		if (st != EFI_INVALID_PARAMETER)
			return st; /* done, or a failure a new key cannot cure */
	}
	return st; /* an error: the map was stale or too small every time */
}
