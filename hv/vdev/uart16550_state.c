/* The 16550's guest side in a snapshot (hv/vdev/vdev_state.h): its
 * registers, the receive FIFO and the interrupt it drives. Where its
 * output goes is the hypervisor's, not the guest's, and stays. */
#include "hv/vdev/uart16550.h"
#include "hv/vdev/vdev_state.h"

static void vuart_io(struct vstate *s, struct vuart *u)
{
	VSTATE(s, u->ier);
	VSTATE(s, u->lcr);
	VSTATE(s, u->mcr);
	VSTATE(s, u->scr);
	VSTATE(s, u->dll);
	VSTATE(s, u->dlm);
	VSTATE(s, u->lsr_err);
	VSTATE(s, u->fcr);
	VSTATE(s, u->msr_delta);
	VSTATE(s, u->rbr);
	VSTATE_ARRAY(s, u->rx_fifo);
	VSTATE(s, u->rx_head);
	VSTATE(s, u->rx_count);
	VSTATE_BOOL(s, u->thre_pending);
	VSTATE_BOOL(s, u->irq_level);
	vstate_check(s, u->rx_head < VUART_FIFO_SIZE && u->rx_count <= VUART_FIFO_SIZE);
}

VSTATE_SAVE_LOAD(vuart_state, struct vuart, vuart_io)
