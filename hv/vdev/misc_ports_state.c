/* Port 0x80 and the exit port in a snapshot (hv/vdev/vdev_state.h): the
 * POST codes seen and the last exit value. Optional: a resume goes on
 * without it. */
#include "hv/vdev/misc_ports.h"
#include "hv/vdev/vdev_state.h"

static void vmisc_io(struct vstate *s, struct vmisc *m)
{
	VSTATE(s, m->post_code);
	VSTATE(s, m->post_writes);
	VSTATE_ARRAY(s, m->post_history);
	VSTATE(s, m->exit_writes);
	VSTATE(s, m->exit_value);
}

VSTATE_SAVE_LOAD(vmisc_state, struct vmisc, vmisc_io)
