/*
 * hvlisten: the outside listener of a guest's console stream
 * (docs/console-stream.md). Senders (hypervisors with console_out=)
 * connect over time, one or several at once; each says HELLO and sends
 * DATA; the listener merges their bytes into one copy (merge.h), appends
 * what is new to its output in offset order and acknowledges what it has.
 */
#ifndef UNDERSTUDY_TOOLS_HVLISTEN_HVLISTEN_H
#define UNDERSTUDY_TOOLS_HVLISTEN_HVLISTEN_H

#include <stdio.h>

#include "merge.h"
#include "proto/console_stream.h"
#include "types.h"

#define MAX_SENDERS 16
#define OUT_QUEUE (4 * (CS_HDR + 8)) /* ACKs waiting for the socket (one is enough) */
#define CONTRADICTIONS_TOLD 8      /* per DATA; all are counted */

/* What the listener keeps: the copy, where it goes, the counters. */
struct listener {
	struct merge copy;
	FILE *out;
	u64 written;             /* bytes of the copy written to out */
	u64 connections;
	u64 frames_refused;      /* connections ended for a refused frame */
};

/* One sender's connection. */
struct sender {
	int fd;
	char peer[64];
	struct cs_rx rx;
	bool hello;
	u8 role;
	u64 epoch;
	u64 seq;                 /* of our last frame to it */
	u64 acked;               /* the offset our last WELCOME or ACK said */
	u64 data_bytes, contradictions;
	u8 queue[CS_HDR + 1 + CS_TEXT_MAX + OUT_QUEUE];
	size_t queued;
	bool closing;            /* close once the queue is out (after a REFUSED) */
	bool dead;
};

/* hvlisten's log lines, on standard error. */
void hlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* conn.c: a sender's connection. */
void sender_init(struct sender *s, int fd, const char *peer);
/* Reads what came and answers; marks the sender dead when it ended. */
void sender_readable(struct sender *s, struct listener *l);
/* Sends what waits in the queue. */
void sender_writable(struct sender *s);
/* Refuses a sender before any frame (the listener is full). */
void sender_refuse(struct sender *s, u8 reason, const char *text);
void sender_close(struct sender *s, const char *why);

#endif
