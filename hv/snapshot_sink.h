/*
 * Where a snapshot's bytes go (snapshot_sink=): the serial log port COM3,
 * or over TCP to the collector (hvcollect), as a log stream session of its
 * own (net/logstream/logstream_out.h) that hvcollect tells from a record
 * log by the snapshot's magic in its HELLO and stores as a verified file.
 */
#ifndef UNDERSTUDY_HV_SNAPSHOT_SINK_H
#define UNDERSTUDY_HV_SNAPSHOT_SINK_H

#include "types.h"

struct config;

/* Gets the sink cfg names ready: opens COM3, or remembers the collector.
 * 0, or a negative errno with a message. */
int snapshot_sink_open(const struct config *cfg);

/* A snap_sink_fn: the snapshot's next bytes (the first call's are its
 * header, which a TCP stream also names in its HELLO). Waits while the
 * collector is behind; 0, or a negative errno with a message. */
int snapshot_sink_write(void *ctx, const void *data, size_t len);

/* The snapshot is complete: returns once every byte is delivered (the
 * collector has acknowledged the whole stream), 0; or a negative errno
 * with a message when that cannot be. */
int snapshot_sink_finish(void);

#endif
