/* The PCI driver table: pci_init probes each device with the first driver
 * here that lists its vendor and device id. */
#include "drivers/pci/pci_internal.h"

#include "compiler.h"
#include "drivers/net/e1000.h"
#include "drivers/net/virtio_net.h"

static const struct pci_driver *const drivers[] = {
	&e1000_driver,
	&virtio_net_driver,
};

const struct pci_driver *pci_driver_match(const struct pci_dev *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
		if (drivers[i]->vendor != d->vendor)
			continue;
		for (const u16 *id = drivers[i]->devices; *id; id++)
			if (*id == d->device)
				return drivers[i];
	}
	return NULL;
}
