/* The guest's PC devices, attached to the VM's buses (hv/vm_devices.c). */
#ifndef UNDERSTUDY_HV_VM_DEVICES_H
#define UNDERSTUDY_HV_VM_DEVICES_H

#include "hv/vdev/ioapic.h"
#include "hv/vdev/lapic.h"
#include "hv/vm.h"

/* The guest's local APIC and IOAPIC, as the models present them and the
 * firmware tables describe them. */
#define GUEST_LAPIC_BASE VLAPIC_BASE     /* SDM Vol 3, 11.4.1 "The Local APIC Block Diagram" */
#define GUEST_APIC_ID 0
#define GUEST_LAPIC_VERSION (VLAPIC_VERSION & 0xFF)
#define GUEST_IOAPIC_BASE VIOAPIC_BASE   /* 82093AA datasheet, 3.0 "Register Description" */
#define GUEST_IOAPIC_ID 0                /* the IOAPIC model's ID at reset, as QEMU's */
#define GUEST_IOAPIC_VERSION VIOAPIC_VERSION

/* Creates COM1, the PIC pair, the PIT, CMOS/RTC, port 0x80, the exit port,
 * the ACPI PM registers, the local APIC and the IOAPIC; 0 or a negative
 * errno. */
int vm_devices_create(struct vm *vm);

/* Puts the 8259 pair and PIT channel 0 in the state SeaBIOS leaves them
 * (hv/entry_state.h), before the guest starts. */
void vm_devices_bios_state(struct vm *vm);

/* Brings timer devices up to guest time now_ns (never backwards), raising
 * the interrupts that came due. */
void vm_devices_advance(struct vm *vm, u64 now_ns);

/* Guest time (ns) of the next timer interrupt, or UINT64_MAX. */
u64 vm_devices_next_event_ns(struct vm *vm);

/* The maskable interrupt the CPU would take now (the local APIC's highest
 * vector above its processor priority, else the 8259's when it reaches the
 * CPU), or -1 (hv/vm_interrupts.c). */
int vm_devices_pending_vector(struct vm *vm);

/* The CPU takes that interrupt (INTA); returns its vector. */
int vm_devices_ack_vector(struct vm *vm);

/* An NMI waits for the CPU; the CPU takes it. */
bool vm_devices_nmi_pending(struct vm *vm);
void vm_devices_ack_nmi(struct vm *vm);

/* Could an NMI still arrive while the guest executes nothing: one is
 * pending, or an NMI source is armed (LINT0, which the 8259 drives, or an
 * IOAPIC pin unmasked in NMI delivery mode)? NMIs the guest would have to
 * send itself (ICR) do not count. */
bool vm_devices_nmi_possible(struct vm *vm);

/* The local APIC's MSRs: x2APIC 0x800-0x8FF and IA32_TSC_DEADLINE. A
 * RDMSR/WRMSR of one: 0, -EINVAL (#GP) or -ENOENT (not an APIC MSR).
 * @pre devices are brought up to time (rr_advance_devices), as the timer
 * may be read or rearmed. */
bool vm_devices_is_lapic_msr(u32 index);
int vm_devices_lapic_msr(struct vm *vm, u32 index, bool write, u64 *value);

/* IA32_APIC_BASE and the task priority (CR8 = TPR[7:4]). */
u64 vm_devices_apic_base(struct vm *vm);
int vm_devices_set_apic_base(struct vm *vm, u64 value);
u8 vm_devices_tpr(struct vm *vm);
void vm_devices_set_tpr(struct vm *vm, u8 tpr);

/* The wall-clock second the guest's RTC started from; replay sets the
 * recorded one before the guest runs. */
u64 vm_devices_start_epoch(struct vm *vm);
void vm_devices_set_start_epoch(struct vm *vm, u64 epoch);

/* The guest TSC's rate the TSC-deadline timer converts with: the host's,
 * and in replay the recorded host's, so deadlines fall at the same device
 * times as they did. */
void vm_devices_set_tsc_hz(struct vm *vm, u64 hz);

/* A byte arriving on the guest's COM1 line (typed input, or its replay):
 * false when lost (the receive FIFO full). Room: bytes it takes now. */
bool vm_devices_serial_in(struct vm *vm, u8 byte);
unsigned vm_devices_serial_room(const struct vm *vm);

/* Prints the devices' counters after the run. */
void vm_devices_report(struct vm *vm);

#endif
