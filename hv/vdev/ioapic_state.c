/* The IOAPIC's state in a snapshot (hv/vdev/vdev_state.h): ID, IOREGSEL,
 * the redirection table and the pins' input levels. */
#include "hv/vdev/ioapic.h"
#include "hv/vdev/vdev_state.h"

static void vioapic_io(struct vstate *s, struct vioapic *a)
{
	VSTATE(s, a->id);
	VSTATE(s, a->regsel);
	VSTATE_ARRAY(s, a->rte);
	VSTATE(s, a->levels);
}

VSTATE_SAVE_LOAD(vioapic_state, struct vioapic, vioapic_io)
