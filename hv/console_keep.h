/*
 * The console bytes a console_out= sender keeps (docs/console-stream.md):
 * the guest's console as it went out, numbered by offset from 0, in a ring.
 * A live sender (a primary, a hypervisor alone, a backup that went live)
 * keeps every byte the listener has not acknowledged: the guest waits when
 * that would be overwritten. A backup that replays keeps its last bytes
 * only (the oldest overwritten, nothing waits): the ones it may have to
 * send once it goes live, from the offset the listener says it has.
 * Pure: no hardware, no network.
 */
#ifndef UNDERSTUDY_HV_CONSOLE_KEEP_H
#define UNDERSTUDY_HV_CONSOLE_KEEP_H

#include "types.h"

#define CONSOLE_KEEP_BYTES 131072  /* a power of two, above the output rule's 64 KiB */
#define CONSOLE_RESEND_BEHIND 4096 /* bytes a new connection sends again before the listener's end */

struct console_keep {
	u8 buf[CONSOLE_KEEP_BYTES];
	u64 base;     /* the first offset kept since init or a restart */
	u64 head;     /* bytes ever kept: the next one's offset */
	u64 acked;    /* the listener has every byte before this (it may be past head) */
	bool live;    /* unacknowledged bytes are never overwritten */
};

void console_keep_init(struct console_keep *k, bool live);

/* The first byte still kept. */
static inline u64 console_keep_oldest(const struct console_keep *k)
{
	u64 ring = k->head > CONSOLE_KEEP_BYTES ? k->head - CONSOLE_KEEP_BYTES : 0;

	return ring > k->base ? ring : k->base;
}

/* The guest's console stream goes on at offset (a backup resynced from a
 * checkpoint, or one that joined a running guest: hv/rr/rr_output.c,
 * rr_resync.c): what was kept is dropped, the next byte is offset's, and
 * none before it is this side's to send. */
void console_keep_restart(struct console_keep *k, u64 offset);

/* Bytes the ring takes now without losing one the listener lacks
 * (UINT64_MAX when not live: it overwrites). */
u64 console_keep_room(const struct console_keep *k);

/* Keeps len bytes. @pre len <= console_keep_room(k) */
void console_keep_put(struct console_keep *k, const u8 *bytes, size_t len);

/* The listener has every byte before offset. */
void console_keep_ack(struct console_keep *k, u64 offset);

/* Bytes the listener has not acknowledged. */
u64 console_keep_unacked(const struct console_keep *k);

/* Where a connection whose listener has the bytes before has starts
 * sending: up to CONSOLE_RESEND_BEHIND bytes before the listener's end (so
 * that it checks them against its copy), never before the oldest kept. */
u64 console_keep_resend_from(const struct console_keep *k, u64 has);

/* Copies bytes from offset from (at least the oldest kept), at most max,
 * into out; returns how many (0: none after from). */
u32 console_keep_copy(const struct console_keep *k, u64 from, u8 *out, u32 max);

#endif
