/*
 * One endpoint's /status as hvctl needs it (see hvctl.h): one table maps
 * the paths it reads to the fields of struct side; a known field of the
 * wrong kind makes the document unusable, unknown fields are ignored (a
 * newer hypervisor may add some).
 */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "compiler.h"
#include "hvctl.h"

enum field_kind {
	F_STR,       /* a string, cut to the field's size */
	F_U64,       /* a count */
	F_BOOL,
	F_LANDMARK,  /* a count, or null; flag: whether it is a count */
};

struct field {
	const char *path;
	enum field_kind kind;
	size_t offset, size;
	size_t flag;          /* F_LANDMARK: the bool set when not null */
};

#define OFF(f) __builtin_offsetof(struct side, f)
#define STR(p, f) { p, F_STR, OFF(f), sizeof(((struct side *)0)->f), 0 }
#define U64(p, f) { p, F_U64, OFF(f), 0, 0 }
#define BOOL(p, f) { p, F_BOOL, OFF(f), 0, 0 }
#define LANDMARK(p, f, flag) { p, F_LANDMARK, OFF(f), 0, OFF(flag) }

static const struct field fields[] = {
	STR("version", version),
	STR("guest.state", guest_state),
	STR("ft.role", role),
	STR("ft.peer", peer),
	STR("ft.state", state),
	BOOL("ft.live", live),
	U64("ft.landmark", landmark),
	LANDMARK("ft.took_over_at", took_over_at, took_over),
	LANDMARK("ft.backup_lost_at", backup_lost_at, backup_lost),
	U64("ft.log.produced_bytes", log_produced),
	U64("ft.log.acked_bytes", log_acked),
	U64("ft.log.received_bytes", log_received),
	U64("ft.log.replayed_bytes", log_replayed),
	U64("ft.log.lag_bytes", log_lag),
	U64("ft.log.backup_replayed_landmark", backup_replayed_landmark),
	U64("ft.log.lag_landmarks", lag_landmarks),
	BOOL("ft.heartbeat.on", heartbeats_on),
	U64("ft.heartbeat.sent", heartbeats_sent),
	U64("ft.heartbeat.received", heartbeats_received),
	U64("ft.heartbeat.missed", heartbeats_missed),
	U64("ft.heartbeat.peer_heard_ms", peer_heard_ms),
	U64("ft.output.held_bytes", held_bytes),
	U64("ft.output.releases", releases),
	U64("ft.output.hold_avg_us", hold_avg_us),
	U64("ft.output.hold_max_us", hold_max_us),
	U64("ft.resync.outputs_compared", outputs_compared),
	U64("ft.resync.output_mismatches", output_mismatches),
	U64("ft.resync.digest_mismatches", digest_mismatches),
	U64("ft.resync.resyncs", resyncs),
	U64("ft.resync.resync_wait_ms", resync_wait_ms),
	U64("ft.resync.checkpoints", checkpoints),
	U64("ft.resync.checkpoint_bytes", checkpoint_bytes),
	U64("ft.resync.checkpoint_stun_us", checkpoint_stun_us),
	U64("ft.checkpoint.epoch_ms", epoch_ms),
	U64("ft.checkpoint.epochs", epochs),
	U64("ft.checkpoint.acked", epochs_acked),
	U64("ft.checkpoint.pages", epoch_pages),
	U64("ft.checkpoint.bytes", epoch_bytes),
	U64("ft.checkpoint.stun_us", epoch_stun_us),
	U64("ft.checkpoint.stun_max_us", epoch_stun_max_us),
	BOOL("ft.witness.connected", witness_connected),
	STR("ft.witness.lease", lease),
	BOOL("ft.witness.lease_held", lease_held),
	U64("ft.witness.epoch", epoch),
	STR("ft.witness.why", witness_why),
};

struct parse {
	struct side *s;
	bool seen_state;
	const char *bad;      /* the first field of the wrong kind */
};

/* Stores one scalar in its field; false when it is of the wrong kind. */
static bool store(struct side *s, const struct field *f, enum json_kind kind, const char *text)
{
	u8 *at = (u8 *)s + f->offset;

	switch (f->kind) {
	case F_STR:
		if (kind == JSON_NULL)
			return true;
		if (kind != JSON_STRING)
			return false;
		snprintf((char *)at, f->size, "%s", text);
		return true;
	case F_BOOL:
		if (kind != JSON_TRUE && kind != JSON_FALSE)
			return false;
		*(bool *)at = kind == JSON_TRUE;
		return true;
	case F_LANDMARK:
		if (kind == JSON_NULL)
			return true;
		*((bool *)((u8 *)s + f->flag)) = true;
		/* fall through */
	case F_U64:
		return kind == JSON_NUMBER && !cmdline_parse_u64(text, strlen(text), (u64 *)at);
	}
	return false;
}

static void on_scalar(void *ctx, const char *path, enum json_kind kind, const char *text)
{
	struct parse *p = ctx;

	if (!strncmp(path, "ft.", 3))
		p->s->has_ft = true;
	if (!strncmp(path, "ft.output.", 10))
		p->s->has_output = true;
	if (!strncmp(path, "ft.witness.", 11))
		p->s->has_witness = true;
	if (!strncmp(path, "ft.heartbeat.", 13))
		p->s->has_heartbeat = true;
	if (!strncmp(path, "ft.checkpoint.", 14))
		p->s->checkpoint_mode = true;

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strcmp(path, fields[i].path))
			continue;
		if (!store(p->s, &fields[i], kind, text) && !p->bad)
			p->bad = fields[i].path;
		if (!strcmp(path, "guest.state") && kind == JSON_STRING)
			p->seen_state = true;
	}
}

int side_parse(const char *json, size_t len, struct side *s, char *why, size_t why_size)
{
	struct parse p = { .s = s };

	memset(s, 0, sizeof(*s));
	if (json_scan(json, len, on_scalar, &p, why, why_size))
		return -1;
	if (p.bad) {
		snprintf(why, why_size, "the field %s is not of the kind /status gives", p.bad);
		return -1;
	}
	if (!p.seen_state) {
		snprintf(why, why_size, "not an Understudy /status document (no guest.state)");
		return -1;
	}
	return 0;
}

bool side_runs_guest(const struct side *s)
{
	if (strcmp(s->guest_state, "running"))
		return false;
	return !s->has_ft || s->live;
}

bool side_knows_backup_lag(const struct side *s)
{
	return !strcmp(s->role, "primary") && s->heartbeats_received;
}
