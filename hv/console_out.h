/*
 * console_out=IP:PORT: the guest's console as a stream to an outside
 * listener (docs/console-stream.md, tools/hvlisten). Bytes are taken the
 * moment they leave for the outside (hv/guest_console.c: under the output
 * rule when its hold releases them, else at once), numbered by their
 * offset in the guest's console from 0, kept (hv/console_keep.h) until the
 * listener acknowledges them, and sent over TCP (lwIP), connecting again
 * with a backoff and resending from where the listener says it is.
 *
 * Only the live side sends: a primary, a hypervisor without a pair, a
 * backup once it went live. A backup that replays keeps its last console
 * bytes and sends nothing; when it goes live it connects and sends from
 * the listener's offset, its own bytes (the replay produced the same).
 * When the listener lacks more than the ring holds, the guest waits
 * inside its console write, as under the output rule's full queue.
 */
#ifndef UNDERSTUDY_HV_CONSOLE_OUT_H
#define UNDERSTUDY_HV_CONSOLE_OUT_H

#include "types.h"

struct config;

/* With console_out=: starts keeping the console (live unless role=backup)
 * for the guest named guest_id (a hash of its identity). 0 without it. */
void console_out_start(const struct config *cfg, u64 guest_id);

/* Moves the stream on (after net_poll()): connects, sends, takes ACKs. */
void console_out_poll(u64 now_ns);

#define CONSOLE_OUT_FINISH_MS 5000 /* the end of a run waits this long for the listener */

/* The run is over: gives the listener up to wait_ms to acknowledge every
 * byte, then reports what it has. */
void console_out_finish(u32 wait_ms);

/* For /status: whether it is on, connected, and the bytes produced and
 * acknowledged. */
struct hv_status_console_out;
void console_out_status(struct hv_status_console_out *st);

#endif
