/* The 8254 PIT's state in a snapshot (hv/vdev/vdev_state.h): every
 * channel's registers and counting state, port B, the last tick whose
 * interrupt was delivered. Times are device-time ticks, which the RR
 * section's device time continues. */
#include "hv/vdev/pit8254.h"
#include "hv/vdev/vdev_state.h"

#define PIT_MAX_MODE 5
#define PIT_MAX_COUNT 65536 /* 82C54: a count of 0 is 65536 */

static void channel_io(struct vstate *s, struct vpit_channel *c)
{
	VSTATE(s, c->ctrl);
	VSTATE(s, c->mode);
	VSTATE(s, c->access);
	VSTATE_BOOL(s, c->bcd);
	VSTATE_BOOL(s, c->gate);
	VSTATE(s, c->state);
	VSTATE_BOOL(s, c->null_count);
	VSTATE_BOOL(s, c->have_count);
	VSTATE(s, c->cr);
	VSTATE(s, c->n);
	VSTATE(s, c->load_tick);
	VSTATE_BOOL(s, c->reload_pending);
	VSTATE(s, c->reload_tick);
	VSTATE(s, c->paused_elapsed);
	VSTATE(s, c->ce_hold);
	VSTATE_BOOL(s, c->write_msb_next);
	VSTATE(s, c->write_lsb);
	VSTATE_BOOL(s, c->read_msb_next);
	VSTATE_BOOL(s, c->count_latched);
	VSTATE_BOOL(s, c->latch_msb_next);
	VSTATE(s, c->latch);
	VSTATE_BOOL(s, c->status_latched);
	VSTATE(s, c->status);
	vstate_check(s, c->mode <= PIT_MAX_MODE && c->access <= 3 && c->state <= VPIT_WAITING &&
			     c->cr <= PIT_MAX_COUNT && c->n <= PIT_MAX_COUNT);
}

static void vpit_io(struct vstate *s, struct vpit *p)
{
	for (int i = 0; i < VPIT_CHANNELS; i++)
		channel_io(s, &p->ch[i]);
	VSTATE(s, p->port_b);
	VSTATE(s, p->irq_last_tick);
}

VSTATE_SAVE_LOAD(vpit_state, struct vpit, vpit_io)
