/* The guest's PC devices, attached to the VM's buses (hv/vm_devices.c). */
#ifndef UNDERSTUDY_HV_VM_DEVICES_H
#define UNDERSTUDY_HV_VM_DEVICES_H

#include "hv/vm.h"

/* SDM Vol 3, 11.4.1 "The Local APIC Block Diagram": the default base */
#define GUEST_LAPIC_BASE 0xFEE00000ULL
#define GUEST_LAPIC_SIZE 0x1000ULL
#define GUEST_APIC_ID 0
#define GUEST_LAPIC_VERSION 0x14        /* the version byte of VLAPIC_VERSION */
/* The IOAPIC the firmware tables describe (82093AA: I/O APIC datasheet,
 * 3.0 "Register Description": default base, IOAPICVER version 0x11). */
#define GUEST_IOAPIC_BASE 0xFEC00000ULL
#define GUEST_IOAPIC_ID 1               /* distinct from the local APIC's */
#define GUEST_IOAPIC_VERSION 0x11

/* Creates COM1, the PIC pair, the PIT, CMOS/RTC, port 0x80, the exit port,
 * the ACPI PM registers and the local APIC; 0 or a negative errno. */
int vm_devices_create(struct vm *vm);

/* Brings timer devices up to guest time now_ns (never backwards), raising
 * the interrupts that came due. */
void vm_devices_advance(struct vm *vm, u64 now_ns);

/* Guest time (ns) of the next timer interrupt, or UINT64_MAX. */
u64 vm_devices_next_event_ns(struct vm *vm);

/* The vector the interrupt controller would deliver now, or -1. */
int vm_devices_pending_vector(struct vm *vm);

/* Acknowledges the pending interrupt (INTA) and returns its vector. */
int vm_devices_ack_vector(struct vm *vm);

/* IA32_APIC_BASE and the task priority (CR8 = TPR[7:4]). */
u64 vm_devices_apic_base(struct vm *vm);
int vm_devices_set_apic_base(struct vm *vm, u64 value);
u8 vm_devices_tpr(struct vm *vm);
void vm_devices_set_tpr(struct vm *vm, u8 tpr);

/* The wall-clock second the guest's RTC started from; replay sets the
 * recorded one before the guest runs. */
u64 vm_devices_start_epoch(struct vm *vm);
void vm_devices_set_start_epoch(struct vm *vm, u64 epoch);

/* Prints the devices' counters after the run. */
void vm_devices_report(struct vm *vm);

#endif
