// sources: boot/efi/image.c
/*
 * Fuzzes the check understudy.efi makes before loading a hypervisor file:
 * any input is refused with a reason or yields segments that come from the
 * file, fit below 4 GiB inside the image's span, and contain the entry.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/efi/image.h"
#include "compiler.h"
#include "errno.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static void check_image(const struct efi_image *img, size_t size)
{
	bool entry_found = false;

	CHECK(img->seg_count >= 1 && img->seg_count <= EFI_IMAGE_MAX_SEGMENTS);
	CHECK(img->base % 4096 == 0 && img->end % 4096 == 0);
	CHECK(img->base < img->end && img->end <= EFI_IMAGE_LIMIT);
	for (unsigned i = 0; i < img->seg_count; i++) {
		const struct efi_image_segment *s = &img->seg[i];

		CHECK(s->file_size <= s->mem_size && s->mem_size > 0);
		CHECK(s->file_off <= size && s->file_size <= size - s->file_off);
		CHECK(s->paddr >= img->base && s->paddr + s->mem_size <= img->end);
		entry_found |= img->entry >= s->paddr && img->entry < s->paddr + s->mem_size;
	}
	CHECK(entry_found);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct efi_image img;
	const char *why = NULL;
	int err = efi_image_check(data, size, &img, &why);

	if (err) {
		CHECK(err == -ENOEXEC || err == -ENOTSUP);
		CHECK(why && *why);
		return 0;
	}
	check_image(&img, size);
	return 0;
}
