/* Reading and writing guest-physical memory (see guest_mem.h). */
#include "hv/guest_mem.h"

#include <string.h>

#include "errno.h"
#include "hv/dirty_log.h"

int vm_read_gpa(struct vm *vm, u64 gpa, void *dst, size_t len)
{
	const void *src = vm_gpa_to_hva(vm, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int vm_write_gpa(struct vm *vm, u64 gpa, const void *src, size_t len)
{
	void *dst = vm_gpa_to_hva(vm, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	dirty_log_note(vm, gpa, len);
	return 0;
}

int vm_read_gpa_cb(void *ctx, u64 gpa, void *dst, size_t len)
{
	return vm_read_gpa(ctx, gpa, dst, len);
}
