/*
 * The control endpoint's requests that change state
 * (docs/control-endpoint.md, "Requests that change state"): GET
 * /ft/challenge gives a nonce, POST /ft/switchover asks the primary of a
 * pair to hand its guest to the backup. Each such request is
 * authenticated with the pair's pre-shared key (http_auth.h); without a
 * key they are all refused (403) and the endpoint is read-only.
 *
 * Pure: the server gives the time, random bytes through a callback, and
 * the action; the reply goes into the caller's buffer as
 * http_reply_build's does. New requests (snapshot, migrate) add a route
 * here and reuse the same check.
 */
#ifndef UNDERSTUDY_NET_HTTP_CONTROL_H
#define UNDERSTUDY_NET_HTTP_CONTROL_H

#include "net/http/http_auth.h"
#include "net/http/http_request.h"
#include "net/http/http_response.h"
#include "types.h"

#define HTTP_PATH_CHALLENGE "/ft/challenge"
#define HTTP_PATH_SWITCHOVER "/ft/switchover"

/* Fills len random bytes: 0, or negative when no randomness is to be had. */
typedef int (*http_random_fn)(u8 *buf, size_t len);

/* Asks the hypervisor for a switchover: 0 when it will happen (at the next
 * landmark), or negative with *why saying why not (a backup, no backup
 * following, one already under way). Must not wait. */
typedef int (*http_switchover_fn)(const char **why);

struct http_control {
	struct http_auth auth;
	http_random_fn random;
	http_switchover_fn switchover;
};

/* The verdict of one request, for the server's log. */
struct http_control_note {
	bool refused;            /* 401 or 403: worth a warning */
	const char *why;         /* what was wrong or what happened; never the key */
};

void http_control_init(struct http_control *c, const u8 *key, size_t key_len,
		       http_random_fn random, http_switchover_fn switchover);

/* Is path one of the routes here? */
bool http_control_route(const char *path);

/*
 * Answers a complete request for one of the routes at now_ns: 200 with
 * the nonce, 202 for a switchover accepted, 401 (credentials missing,
 * malformed, stale, reused, wrong), 403 (no key), 405 (another method,
 * with Allow), 409 (refused by the hypervisor: the reason), 503 (no
 * random bytes). Returns the reply's length, or -ENOSPC.
 */
int http_control_reply(struct http_control *c, const struct http_request *req, u64 now_ns,
		       char *buf, size_t size, struct http_reply *out,
		       struct http_control_note *note);

#endif
