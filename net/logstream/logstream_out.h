/*
 * The hypervisor's one outgoing log stream (docs/log-stream.md), for
 * whoever in hv/ has a ring of log bytes to deliver: a ring's bytes go to
 * a collector (hvcollect) over TCP and leave the ring only when it
 * acknowledges them. No lwIP type crosses this interface.
 */
#ifndef UNDERSTUDY_NET_LOGSTREAM_LOGSTREAM_OUT_H
#define UNDERSTUDY_NET_LOGSTREAM_LOGSTREAM_OUT_H

#include "byte_ring.h"
#include "types.h"

/* Connects to the collector at ip (host order) and port and will send the
 * ring from its first byte, the log header, which it also names in its
 * HELLO. The network must be up. 0 or a negative errno, with a message. */
int logstream_out_open(struct byte_ring *ring, u32 ip, u16 port, const void *log_header,
		       u16 header_len);

/* Moves the stream on (sends, takes acknowledgements). Never waits. */
void logstream_out_poll(void);

/* Sleeps until the network's next deadline (or 10 ms), then polls it. */
void logstream_out_wait(void);

/* The ring holds the whole log: nothing more will be put in it. */
void logstream_out_finish(void);

/* 1 when the collector has every byte, 0 while under way, -EIO when the
 * stream has failed for good. */
int logstream_out_flushed(void);

/* Bytes the collector has acknowledged. */
u64 logstream_out_bytes(void);

#endif
