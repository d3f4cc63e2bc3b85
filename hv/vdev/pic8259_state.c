/* The 8259A pair's state in a snapshot (hv/vdev/vdev_state.h): each
 * chip's registers, input levels and initialization progress, and the
 * level on the INT output. */
#include "hv/vdev/pic8259.h"
#include "hv/vdev/vdev_state.h"

#define PIC_LAST_ICW 4 /* init_step: 0 none, 2-4 = ICW2-ICW4 */

static void chip_io(struct vstate *s, struct vpic_chip *c)
{
	VSTATE(s, c->irr);
	VSTATE(s, c->isr);
	VSTATE(s, c->imr);
	VSTATE(s, c->lines);
	VSTATE(s, c->elcr);
	VSTATE(s, c->vector_base);
	VSTATE(s, c->icw3);
	VSTATE(s, c->priority_add);
	VSTATE(s, c->init_step);
	VSTATE_BOOL(s, c->icw4_needed);
	VSTATE_BOOL(s, c->single);
	VSTATE_BOOL(s, c->ltim);
	VSTATE_BOOL(s, c->auto_eoi);
	VSTATE_BOOL(s, c->rotate_on_aeoi);
	VSTATE_BOOL(s, c->special_fully_nested);
	VSTATE_BOOL(s, c->read_isr);
	VSTATE_BOOL(s, c->special_mask);
	VSTATE_BOOL(s, c->poll);
	vstate_check(s, c->init_step <= PIC_LAST_ICW && c->init_step != 1 &&
			     c->priority_add < 8);
}

static void vpic_io(struct vstate *s, struct vpic *p)
{
	chip_io(s, &p->chip[0]);
	chip_io(s, &p->chip[1]);
	VSTATE_BOOL(s, p->int_level);
}

VSTATE_SAVE_LOAD(vpic_state, struct vpic, vpic_io)
