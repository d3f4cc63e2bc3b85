/*
 * The vCPU in a snapshot (docs/snapshot-format.md, VCPU section): the
 * conversion between the backend's struct vcpu_state (arch/x86/virt.h) plus
 * what hv/ keeps itself (TSC offset, TSC_AUX, XCR0, HLT) and the neutral
 * struct snap_vcpu, written once for VMX and SVM alike.
 */
#ifndef UNDERSTUDY_HV_SNAPSHOT_VCPU_H
#define UNDERSTUDY_HV_SNAPSHOT_VCPU_H

#include "hv/vm.h"
#include "proto/snapshot.h"

/* Can the vCPU be saved now without losing an event: no injection waiting
 * for delivery and no NMI handler running (neither can be handed to a
 * backend at resume through vcpu_state)? The snapshot waits for such a
 * moment. */
bool snap_vcpu_quiescent(struct vm *vm);

/* The vCPU as a VCPU record (@pre snap_vcpu_quiescent). */
void snap_vcpu_save(struct vm *vm, struct snap_vcpu *out);

/* A record's parts no backend could take (or this CPU: XCR0): 0, or
 * -EINVAL with a message. */
int snap_vcpu_check(struct vm *vm, const struct snap_vcpu *in);

/* Loads a VCPU record into the vCPU; the guest TSC continues from its
 * value when vm_run starts the clock. 0, or -EINVAL with a message for a
 * record no backend could enter (a bad segment or event). */
int snap_vcpu_load(struct vm *vm, const struct snap_vcpu *in);

#endif
