/*
 * The guest a snapshot is of (see snapshot.h): its kernel, modules and
 * command line, as a log names them. A file of its own: the snapshot's
 * writer, its reader and a backup's resync (hv/rr/rr_resync.c) all need
 * it, and the writer calls into the recorder.
 */
#include "hv/rr/rr_identity.h"
#include "hv/snapshot.h"

void snapshot_identity(const struct boot_info *bi, const struct config *cfg,
		       struct snap_identity *id)
{
	struct rr_guest_identity g;

	rr_guest_identity(bi, cfg, &g);
	*id = (struct snap_identity){ g.kernel_hash, g.modules_hash, g.cmdline_hash, 0 };
}
