/*
 * Typed input for the guest (guest_input=on, the default): the bytes that
 * arrive on the guest console's host port (COM1 or COM2,
 * hv/guest_console.h) go to the guest's COM1 receiver, as if typed on its
 * serial line. They are an input like any other: each is logged as a
 * SERIAL_IN entry at the moment it reaches the guest's UART, an
 * asynchronous event delivered through the run loop's gate for them (the
 * record probe, hv/rr/rr_async.c), and a replay pushes the logged bytes
 * at the same landmarks, reading nothing from the host
 * (docs/record-replay.md).
 *
 * The host port is polled from the run loop at most every millisecond;
 * bytes wait in a small queue until the guest's 16-byte FIFO has room,
 * so none is lost to an overrun the hypervisor could have avoided.
 */
#ifndef UNDERSTUDY_HV_GUEST_INPUT_H
#define UNDERSTUDY_HV_GUEST_INPUT_H

#include "types.h"

struct config;
struct vm;

void guest_input_init(const struct config *cfg);

/* Takes what the host port received (not in replay: the log has the
 * input). Between entries; cheap when nothing is due. */
void guest_input_poll(struct vm *vm);

/* Typed bytes wait and the guest's receiver has room for one. */
bool guest_input_due(const struct vm *vm);

/* Gives the guest's receiver the waiting bytes it has room for, each
 * logged when recording. At the run loop's moment for asynchronous
 * events, before interrupts are delivered (the UART's may be one). */
void guest_input_deliver(struct vm *vm);

/* One line: bytes typed and delivered, if any. */
void guest_input_report(void);

#endif
