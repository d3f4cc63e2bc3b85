/* The choice between the x86 boot protocol (a bzImage) and the PVH entry
 * (an ELF vmlinux), from the image (see linux_load.h). */
#include "hv/linux_load.h"

#include "errno.h"

int linux_load(const struct linux_load_params *p, struct linux_load_result *out)
{
	if (linux_is_bzimage(p->image, p->image_size))
		return linux_bzimage_load(p, out);
	if (linux_is_elf(p->image, p->image_size))
		return linux_pvh_load(p, out);
	*out = (struct linux_load_result){ 0 };
	return linux_fail(out, -ENOEXEC, "the kernel is neither a bzImage (no \"HdrS\" "
			  "setup header at 0x202) nor an ELF vmlinux");
}
