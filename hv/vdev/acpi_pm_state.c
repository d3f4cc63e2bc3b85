/* The ACPI PM registers' state in a snapshot (hv/vdev/vdev_state.h): the
 * enable and control registers and whether S5 was entered. The PM timer
 * is device time itself. */
#include "hv/vdev/acpi_pm.h"
#include "hv/vdev/vdev_state.h"

static void vacpi_pm_io(struct vstate *s, struct vacpi_pm *p)
{
	VSTATE(s, p->pm1_en);
	VSTATE(s, p->pm1_cnt);
	VSTATE_BOOL(s, p->off);
}

VSTATE_SAVE_LOAD(vacpi_pm_state, struct vacpi_pm, vacpi_pm_io)
