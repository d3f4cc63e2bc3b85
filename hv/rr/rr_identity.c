/* The guest identity of a log (see rr_identity.h). */
#include "hv/rr/rr_identity.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "boot/bootinfo.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/guest_boot.h"
#include "hv/mb1_loader.h"

void rr_guest_identity(const struct boot_info *bi, const struct config *cfg,
		       struct rr_guest_identity *id)
{
	static struct mb1_guest_module modules[MAX_GUEST_MODULES];
	int k = guest_find_kernel(bi, cfg);
	int initrd = guest_find_module(bi, GUEST_INITRD_ROLE);
	unsigned n = guest_collect_modules(bi, modules);
	struct hash64_state h;

	id->kernel_hash = k < 0 ? 0 : hash64(phys_to_virt(bi->modules[k].start),
					     bi->modules[k].end - bi->modules[k].start, 0);
	id->cmdline_hash = hash64(cfg->guest_args, strlen(cfg->guest_args), 0);
	id->modules_hash = 0;
	if (!n && initrd < 0)
		return;
	hash64_begin(&h, 0);
	for (unsigned i = 0; i < n; i++) {
		hash64_add(&h, modules[i].data, modules[i].size);
		if (modules[i].cmdline)
			hash64_add(&h, modules[i].cmdline, strlen(modules[i].cmdline));
	}
	if (initrd >= 0) /* a Linux guest's initrd */
		hash64_add(&h, phys_to_virt(bi->modules[initrd].start),
			   bi->modules[initrd].end - bi->modules[initrd].start);
	id->modules_hash = hash64_end(&h);
}

void rr_log_identity(const struct boot_info *bi, const struct config *cfg,
		     struct rr_guest_identity *id)
{
	int snapshot = cfg->resume ? guest_find_module(bi, SNAPSHOT_MODULE_ROLE) : -1;

	rr_guest_identity(bi, cfg, id);
	if (snapshot >= 0)
		id->modules_hash = hash64(phys_to_virt(bi->modules[snapshot].start),
					  bi->modules[snapshot].end - bi->modules[snapshot].start,
					  id->modules_hash);
}
