/*
 * The DSDT's description of the guest's PCI bus (ACPI 6.4): a PCI root
 * bridge \_SB.PCI0 (_HID PNP0A03, 6.1.5 "_HID (Hardware ID)"), its
 * resources (6.4.3.5.3 "Word Address Space Descriptor": bus numbers 0-255
 * and the I/O ranges around the configuration ports; 6.4.2.5 "I/O Port
 * Descriptor": 0xCF8-0xCFF) and its interrupt routing table (6.2.13
 * "_PRT (PCI Routing Table)": one device's INTA# on a global system
 * interrupt, level-triggered, active low). Pure code.
 */
#ifndef UNDERSTUDY_HV_ACPI_PCI_H
#define UNDERSTUDY_HV_ACPI_PCI_H

#include "types.h"

#define ACPI_PCI_AML_MAX 160 /* bytes the scope takes at most */

/* Writes Scope (\_SB) { Device (PCI0) { ... } } for a device in slot whose
 * INTA# drives gsi; returns the bytes written, 0 when cap is too small. */
size_t acpi_pci_aml(u8 *out, size_t cap, u8 slot, u8 gsi);

#endif
