/* A migration's link as both ends judge it (see migrate_link.h). */
#include "hv/migrate_link.h"

#include "fmt.h"
#include "net/stream_link.h"

const char *mig_link_down_why(const struct stream_link *link, u8 peer_frame,
			      const char *clear_why, const char *refused_prefix, char *buf,
			      size_t size)
{
	const u8 frame_head[] = { peer_frame, 0, 0, 0 }; /* type, flags, reserved */
	const char *why = stream_link_failure(link);

	if (!stream_link_refused(link))
		return why ? why : "the connection ended";
	if (stream_link_peer_began_with(link, frame_head, sizeof(frame_head)))
		return clear_why;
	fmt_snprintf(buf, size, "%s: %s", refused_prefix, why);
	return buf;
}
