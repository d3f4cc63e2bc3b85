/* The guest's PC as hv/vm_devices.c and hv/vm_interrupts.c share it. */
#ifndef UNDERSTUDY_HV_VM_DEVICES_INTERNAL_H
#define UNDERSTUDY_HV_VM_DEVICES_INTERNAL_H

#include "hv/vdev/acpi_pm.h"
#include "hv/vdev/cmos_rtc.h"
#include "hv/vdev/ioapic.h"
#include "hv/vdev/lapic.h"
#include "hv/vdev/misc_ports.h"
#include "hv/vdev/pic8259.h"
#include "hv/vdev/pit8254.h"
#include "hv/vdev/uart16550.h"
#include "hv/vm_devices.h"

struct vm_devices {
	u64 start_epoch;
	struct vuart com1;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct vmisc misc;
	struct vlapic lapic;
	struct vioapic ioapic;
	struct vacpi_pm acpi_pm;
	u64 unsupported[VLAPIC_UNSUP_COUNT]; /* what the APIC could not do, by kind */
	u64 tsc_hz; /* the guest TSC's rate for the TSC-deadline timer */
	struct vm_nic *nic; /* guest_nic=virtio (hv/vm_nic.c); NULL: none */
};

/* Sets up the local APIC (in the state the BIOS leaves it) and the
 * IOAPIC, before the devices that drive them (vm_interrupts.c). */
void vm_interrupts_init(struct vm *vm, struct vm_devices *d, struct vclock clock);
int vm_interrupts_attach(struct vm *vm, struct vm_devices *d);

/* The line a device drives for ISA IRQ irq: the PIC's input irq and the
 * IOAPIC's pin for that IRQ. */
struct irq_line vm_isa_irq_line(struct vm_devices *d, unsigned irq);

/* The line the PIC drives with its INT output. */
struct irq_line vm_pic_intr_line(struct vm_devices *d);

/* Prints the APICs' counters. */
void vm_interrupts_report(struct vm_devices *d);

#endif
