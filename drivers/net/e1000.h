/* Intel 82540EM/82545EM Gigabit Ethernet (e1000) as QEMU and Bochs emulate
 * it: legacy descriptors, polled. */
#ifndef UNDERSTUDY_DRIVERS_NET_E1000_H
#define UNDERSTUDY_DRIVERS_NET_E1000_H

#include "drivers/pci/pci.h"

#define E1000_VENDOR_INTEL 0x8086
#define E1000_DEV_82540EM 0x100E
#define E1000_DEV_82545EM 0x100F

extern const struct pci_driver e1000_driver;

#endif
