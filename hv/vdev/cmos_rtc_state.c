/* The CMOS/RTC's state in a snapshot (hv/vdev/vdev_state.h): CMOS RAM,
 * the index, the interrupt flags, the wall-clock base the guest's time
 * counts from and the device time events were last brought up to. */
#include "hv/vdev/cmos_rtc.h"
#include "hv/vdev/vdev_state.h"

static void vrtc_io(struct vstate *s, struct vrtc *r)
{
	VSTATE_ARRAY(s, r->ram);
	VSTATE(s, r->index);
	VSTATE_BOOL(s, r->nmi_disabled);
	VSTATE(s, r->flags);
	VSTATE_BOOL(s, r->irq_level);
	VSTATE(s, r->boot_epoch);
	VSTATE(s, r->offset);
	VSTATE(s, r->last_sync_ns);
	vstate_check(s, r->index < VRTC_RAM_SIZE);
}

VSTATE_SAVE_LOAD(vrtc_state, struct vrtc, vrtc_io)
