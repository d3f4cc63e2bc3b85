/* Where the guest's COM1 bytes go on the host: a serial port of their own
 * (COM2) when the machine has one, so they stay separable byte for byte
 * from the hypervisor's log on COM1. */
#ifndef UNDERSTUDY_HV_GUEST_CONSOLE_H
#define UNDERSTUDY_HV_GUEST_CONSOLE_H

#include "hv/config.h"

/* Opens the chosen output; "auto" picks COM2 when present, else COM1. */
void guest_console_init(enum guest_console want);
const char *guest_console_name(void);

/* A byte typed at the console's host port (COM1 or COM2: port 0xE9 has
 * no input), if one came; never waits. */
bool guest_console_get(u8 *byte);

/* Output callback for the guest's UART: writes byte unmodified, or holds
 * it (guest_console_hold). */
void guest_console_put(void *ctx, u8 byte);

/* The output rule (role=primary, docs/fault-tolerance.md): from now on the
 * guest's bytes are held (hv/output_hold.h) until released; when the
 * queue is full, wait(ctx) runs until releases make room. */
/* The bytes the guest wrote since the last call (the output rule's OUTPUT
 * entries, and a replay's comparison with them: hv/rr/rr_output.c). */
struct output_span;
void guest_console_take_span(struct output_span *span);
/* Bytes the guest has written to its console stream so far (its offset). */
u64 guest_console_written(void);
/* A resynced backup: its console stream goes on from the primary's
 * offset; returns the bytes this console had written. */
u64 guest_console_restart_span(u64 written);

void guest_console_hold(void (*wait)(void *ctx), void *ctx);
/* Every byte the guest writes also goes to capture, as it writes it
 * (ft=checkpoint: an epoch's record carries them). */
void guest_console_capture(void (*capture)(u8 byte));
/* Bytes held since the last mark (the log must be cut for them)? */
bool guest_console_unmarked(void);
/* The log is cut at log_offset: what is held needs it up to there. */
void guest_console_mark(u64 log_offset);
/* The backup has acknowledged the log up to acked: what that covers goes
 * out. */
void guest_console_release(u64 acked);
/* Everything held goes out, and nothing is held from now on (the run is
 * over with its log delivered, or there is no backup). */
void guest_console_release_all(void);
/* Fenced (witness=: this side lost the lease): what is held never goes
 * out, nor anything the guest writes from now on. */
void guest_console_withhold(void);
/* Prints what the output rule cost: bytes held, latency. */
void guest_console_report(void);
/* A second way out for the guest's bytes (console_out=, hv/console_out.c):
 * taken(bytes, len) sees every byte as it leaves for the outside, in order;
 * before a byte is written or held, room() must exceed the bytes held (the
 * guest waits in wait() until it does); goes_live() says a backup went
 * live; restart(offset), when set, that the console stream goes on at
 * offset (guest_console_restart_span). */
struct guest_console_tap {
	void (*taken)(const u8 *bytes, size_t len);
	u64 (*room)(void);
	void (*wait)(void);
	void (*goes_live)(void);
	void (*restart)(u64 offset);
};
void guest_console_tap(const struct guest_console_tap *tap);
/* This backup went live (hv/rr/rr_takeover.c): its console is the outside's now. */
void guest_console_goes_live(void);
/* The output rule's figures for the control endpoint: its counters into
 * *st; returns the bytes held at this moment. */
struct output_hold_stats;
u64 guest_console_hold_stats(struct output_hold_stats *st);

#endif
