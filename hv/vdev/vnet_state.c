/* The virtio-net device's state in a snapshot (hv/vdev/vdev_state.h): its
 * configuration space (read-only bytes must be this model's), MAC,
 * negotiated features, queue selector, status, ISR and both queues. The
 * counters are the run's, not the device's. */
#include "hv/vdev/vdev_state.h"
#include "hv/vdev/vnet.h"

#include <string.h>

/* A configuration space whose read-only bits are fn's own. */
static void vpci_fn_state(struct vstate *s, struct vpci_fn *fn)
{
	u8 cfg[PCI_CONFIG_SPACE_SIZE];

	memcpy(cfg, fn->cfg, sizeof(cfg));
	VSTATE_ARRAY(s, cfg);
	for (unsigned i = 0; i < sizeof(cfg); i++)
		vstate_check(s, !((cfg[i] ^ fn->cfg[i]) & ~fn->wmask[i]));
	if (s->loading)
		memcpy(fn->cfg, cfg, sizeof(cfg));
}

static void vring_state(struct vstate *s, struct vring *q)
{
	u8 error = (u8)q->error;

	VSTATE(s, q->base);
	VSTATE(s, q->size);
	VSTATE(s, q->next_avail);
	VSTATE(s, q->next_used);
	VSTATE(s, error);
	vstate_check(s, error < VRING_ERROR_COUNT && q->base % VIRTQ_LEGACY_ALIGN == 0 &&
			(q->base ? q->size == VNET_QUEUE_SIZE : q->size == 0));
	if (s->loading)
		q->error = (enum vring_error)error;
}

static void vnet_io(struct vstate *s, struct vnet *n)
{
	vpci_fn_state(s, &n->pci);
	VSTATE_ARRAY(s, n->mac);
	vstate_check(s, !(n->mac[0] & 1));
	VSTATE(s, n->guest_features);
	vstate_check(s, !(n->guest_features & ~VNET_HOST_FEATURES));
	VSTATE(s, n->queue_sel);
	VSTATE(s, n->status);
	VSTATE(s, n->isr);
	vstate_check(s, !(n->isr & ~(VNET_ISR_QUEUE | VNET_ISR_CONFIG)));
	for (unsigned q = 0; q < VNET_QUEUES; q++)
		vring_state(s, &n->queue[q]);
}

VSTATE_SAVE_LOAD(vnet_state, struct vnet, vnet_io)

/* The bus: CONFIG_ADDRESS and the host bridge's header. */
static void vpci_io(struct vstate *s, struct vpci *pci)
{
	VSTATE(s, pci->address);
	vpci_fn_state(s, &pci->host);
}

VSTATE_SAVE_LOAD(vpci_state, struct vpci, vpci_io)
