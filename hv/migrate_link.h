/*
 * A migration's link as both ends judge it (hv/migrate_source.c,
 * migrate_dest.c): the stream link (net/stream_link.h), in the clear or
 * inside TLS with ft_key= (docs/migration.md, "Inside TLS with the
 * pre-shared key").
 */
#ifndef UNDERSTUDY_HV_MIGRATE_LINK_H
#define UNDERSTUDY_HV_MIGRATE_LINK_H

#include "types.h"

struct stream_link;

/* Why link went down by itself: a TLS handshake that failed because the
 * peer spoke the stream in the clear (its first bytes the head of a frame
 * of type peer_frame: clear_why), or for TLS's own reason (after
 * refused_prefix, in buf), or the connection's end. Never NULL. */
const char *mig_link_down_why(const struct stream_link *link, u8 peer_frame,
			      const char *clear_why, const char *refused_prefix, char *buf,
			      size_t size);

#endif
