/* Internal to drivers/pci: the access mechanism and the driver table. */
#ifndef UNDERSTUDY_DRIVERS_PCI_PCI_INTERNAL_H
#define UNDERSTUDY_DRIVERS_PCI_PCI_INTERNAL_H

#include "drivers/pci/pci.h"

/* Picks ECAM (ACPI MCFG, segment 0) when present and consistent, else
 * configuration mechanism 1, and reports which; 0 or -ENODEV when neither
 * works. */
int pci_config_init(void);

/* The driver in pci_drivers.c that claims d's vendor/device id, or NULL. */
const struct pci_driver *pci_driver_match(const struct pci_dev *d);

#endif
