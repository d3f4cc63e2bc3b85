/*
 * A fault-tolerant pair's side in the control endpoint's documents
 * (docs/control-endpoint.md): the "ft" object of /status and the
 * understudy_ft_* families of /metrics. Both print nothing without a
 * role. Internal to net/http/ (http_response.c calls them).
 */
#ifndef UNDERSTUDY_NET_HTTP_HTTP_FT_H
#define UNDERSTUDY_NET_HTTP_HTTP_FT_H

#include "net/http/hv_status.h"

struct out;

/* Has this side a role in a pair (anything to print)? */
bool ft_reported(const struct hv_status_ft *ft);

/* "  "ft": { ... },\n" */
void json_ft(struct out *o, const struct hv_status_ft *ft);

void metrics_ft(struct out *o, const struct hv_status_ft *ft);

#endif
