/*
 * hvctl: a fault-tolerant pair at a glance, from the control endpoints of
 * its two hypervisors (docs/fault-tolerance.md, "Watching a pair"). The
 * parsing and printing are pure (unit-tested and fuzzed on outside input);
 * fetch.c alone talks to the network.
 */
#ifndef UNDERSTUDY_TOOLS_HVCTL_H
#define UNDERSTUDY_TOOLS_HVCTL_H

#include <stddef.h>

#include "types.h"

/* Exit statuses. */
#define HVCTL_OK 0
#define HVCTL_UNREACHABLE 1 /* an endpoint did not answer, or not with a /status */
#define HVCTL_USAGE 2
#define HVCTL_SPLIT_BRAIN 3 /* both sides run the guest */
#define HVCTL_REFUSED 4     /* switchover: the endpoint refused the request */

#define HVCTL_PORT_DEFAULT 8080
#define HVCTL_REPLY_MAX (64 * 1024) /* a longer reply is refused */
#define HVCTL_WHY_MAX 128

/* --- http_reply.c: the body of a 200 reply ---------------------------------------- */

/* Finds the body of a whole HTTP/1.x reply of len bytes: 0 with *body and
 * *body_len set, or -1 with why (a status other than 200, a malformed or
 * truncated reply: Content-Length, when given, must be the body's). */
int http_reply_body(const char *reply, size_t len, const char **body, size_t *body_len,
		    char *why, size_t why_size);

/* Any whole HTTP/1.x reply: its status, and its body as above; -1 with
 * why when malformed or truncated. */
int http_reply_split(const char *reply, size_t len, int *status, const char **body,
		     size_t *body_len, char *why, size_t why_size);

/* --- auth.c: a request that changes state (net/http/http_auth.h) ------------------ */

#define HVCTL_KEY_MAX 64

/* The key in a --key-file's text: ft_key='s hex, whitespace around it
 * ignored (a final newline). Its length in bytes, or -1 with why. */
int key_parse_text(const char *text, size_t len, u8 *key, char *why, size_t why_size);

/* The nonce in a GET /ft/challenge body: 32 hex digits, then an optional
 * newline; copied to hex (33 bytes, NUL-terminated). 0, or -1 with why. */
int challenge_nonce(const char *body, size_t len, char *hex, char *why, size_t why_size);

/* The whole POST request for path, authenticated with key over nonce:
 * its length, or -1 when it does not fit size. */
int signed_request(char *buf, size_t size, const char *host, unsigned port, const char *path,
		   const u8 *key, size_t key_len, const char *nonce);

/* --- json_scan.c: a bounded JSON walker ------------------------------------------- */

#define JSON_DEPTH_MAX 8
#define JSON_PATH_MAX 128 /* "ft.witness.lease"; longer keys are cut */
#define JSON_TEXT_MAX 256 /* a string value's first bytes, NUL-terminated */

enum json_kind { JSON_STRING, JSON_NUMBER, JSON_TRUE, JSON_FALSE, JSON_NULL };

/* One scalar: its path of object keys joined by '.' (an array element
 * adds "[]"), its kind, and its text (a string decoded, \u escapes
 * outside ASCII as '?'; a number as written). */
typedef void (*json_scalar_fn)(void *ctx, const char *path, enum json_kind kind,
			       const char *text);

/* Walks one JSON value (RFC 8259; nesting at most JSON_DEPTH_MAX) that
 * must fill the len bytes, whitespace aside; calls fn for every scalar.
 * 0, or -1 with why (where and what is wrong); fn may have been called
 * for what came before the error. */
int json_scan(const char *text, size_t len, json_scalar_fn fn, void *ctx, char *why,
	      size_t why_size);

/* --- side.c: one endpoint's /status --------------------------------------------- */

struct side {
	bool down;              /* unreachable, or no usable /status (set by the caller) */
	char guest_state[16];
	char version[64];
	bool has_ft;            /* the "ft" object: this side is in a pair */
	char role[16];
	char peer[32];
	char state[48];
	bool live;
	u64 landmark;
	bool took_over;         /* "took_over_at" is a landmark */
	u64 took_over_at;
	bool backup_lost;
	u64 backup_lost_at;
	u64 log_produced, log_acked, log_received, log_replayed, log_lag;
	u64 backup_replayed_landmark, lag_landmarks; /* primary: the backup's heartbeats say */
	bool has_heartbeat;      /* the "heartbeat" object */
	bool heartbeats_on;
	u64 heartbeats_sent, heartbeats_received, heartbeats_missed, peer_heard_ms;
	bool has_output;
	u64 held_bytes, releases, hold_avg_us, hold_max_us;
	u64 outputs_compared, output_mismatches, digest_mismatches; /* backup */
	u64 resyncs, resync_wait_ms;                               /* backup */
	u64 checkpoints, checkpoint_bytes, checkpoint_stun_us;     /* primary */
	bool checkpoint_mode;    /* the "checkpoint" object: ft=checkpoint */
	u64 epoch_ms, epochs, epochs_acked, epoch_pages, epoch_bytes, epoch_stun_us,
	    epoch_stun_max_us;
	bool has_witness;
	bool witness_connected, lease_held;
	char lease[16];
	u64 epoch;
	char witness_why[96];
};

/* Reads a /status document: 0, or -1 with why (not JSON, a field of the
 * wrong kind, no "guest.state": not an Understudy /status). */
int side_parse(const char *json, size_t len, struct side *s, char *why, size_t why_size);

/* A primary that has heard the backup's heartbeats: what they said of its
 * replay (backup_replayed_landmark, lag_landmarks) stands. */
bool side_knows_backup_lag(const struct side *s);

/* Whether this side runs the guest, its outputs going out. */
bool side_runs_guest(const struct side *s);

/* --- print.c: the lines ------------------------------------------------------------- */

/* A side's lines (name: the endpoint as given), into buf. */
void side_print(char *buf, size_t size, const char *name, const struct side *s);

/* The pair's one line (names as given), into buf; HVCTL_SPLIT_BRAIN when
 * both sides run the guest, else HVCTL_OK. */
int pair_verdict(char *buf, size_t size, const char *name_a, const struct side *a,
		 const char *name_b, const struct side *b);

/* --- fetch.c: GET /status ------------------------------------------------------------- */

/* Fetches http://host:port/status within timeout_ms into reply (cap
 * bytes): the reply's length, or -1 with why. */
long fetch_status(const char *host, unsigned port, unsigned timeout_ms, char *reply, size_t cap,
		  char *why, size_t why_size);

/* Sends the request text to host:port and reads the whole reply (the
 * server closes after it) within timeout_ms: its length, or -1 with why. */
long http_exchange(const char *host, unsigned port, unsigned timeout_ms, const char *request,
		   char *reply, size_t cap, char *why, size_t why_size);

/* --- switchover.c: hvctl switchover ------------------------------------------------ */

/* GET /ft/challenge, then POST /ft/switchover signed with key; prints the
 * answer. HVCTL_OK when accepted (202), HVCTL_REFUSED for any other
 * answer, HVCTL_UNREACHABLE when no usable reply came. */
int switchover(const char *name, const char *host, unsigned port, unsigned timeout_ms,
	       const u8 *key, size_t key_len);

#endif
