/*
 * The guest NIC's state in snapshots and migrations (vm_nic.h): the DEVICE
 * sections "pci_host" and "virtio_net" (hv/vdev/vnet_state.c) staged into
 * a copy of the NIC and committed with the other devices
 * (hv/snapshot_devices.c).
 */
#include "errno.h"
#include "hv/vm_devices_internal.h"
#include "hv/vm_nic.h"
#include "hv/vm_nic_internal.h"
#include "log.h"

static struct vm_nic staged;     /* the NIC a snapshot being read will give */
static bool staging_nic;         /* the VM has a NIC: both sections are needed */
static u8 staged_parts;          /* STAGED_PCI, STAGED_NET */
#define STAGED_PCI 1
#define STAGED_NET 2

bool vm_nic_in(const struct vm_devices *d)
{
	return d->nic != NULL;
}

size_t vm_nic_save_pci(struct vm_devices *d, u8 *buf, size_t cap)
{
	return vpci_state_save(&d->nic->pci, buf, cap);
}

size_t vm_nic_save_net(struct vm_devices *d, u8 *buf, size_t cap)
{
	return vnet_state_save(&d->nic->net, buf, cap);
}

void vm_nic_stage_begin(const struct vm *vm)
{
	staging_nic = vm_nic_present(vm);
	staged_parts = 0;
	if (staging_nic)
		staged = *vm->dev->nic;
}

/* A section of a NIC this VM does not have is refused. */
static int stage_part(u8 part, int err)
{
	if (!staging_nic) {
		pr_err("snapshot refused: it has a guest NIC and this VM has none (guest_nic=virtio)");
		return -ENODEV;
	}
	if (!err)
		staged_parts |= part;
	return err;
}

int vm_nic_stage_pci(struct vm_devices *d, const u8 *in, size_t len)
{
	(void)d;
	return stage_part(STAGED_PCI, staging_nic ? vpci_state_load(&staged.pci, in, len) : 0);
}

int vm_nic_stage_net(struct vm_devices *d, const u8 *in, size_t len)
{
	(void)d;
	return stage_part(STAGED_NET, staging_nic ? vnet_state_load(&staged.net, in, len) : 0);
}

bool vm_nic_stage_complete(void)
{
	if (!staging_nic || staged_parts == (STAGED_PCI | STAGED_NET))
		return true;
	pr_err("snapshot refused: this VM has a guest NIC and the snapshot does not");
	return false;
}

/* The staged state becomes the NIC's, its registers mapped where the
 * staged BAR0 says. Its INTx level is in the interrupt controllers' own
 * state, restored with them. */
void vm_nic_commit(struct vm *vm)
{
	struct vm_nic *nic;

	if (!staging_nic || !vm_nic_present(vm))
		return;
	nic = vm->dev->nic;
	nic->pci.address = staged.pci.address;
	nic->pci.host = staged.pci.host;
	nic->net = staged.net;
	vm_nic_map_bar(nic);
}
