/*
 * The pair's side in /status and /metrics (see http_ft.h). Which fields
 * are printed depends on the role: the primary's log is produced and
 * acknowledged, the backup's received and replayed; only the primary
 * holds outputs. Positions in the log are gauges (they only grow, but
 * they are places, not counts of events).
 */
#include "net/http/http_ft.h"

#include <string.h>

#include "net/http/http_out.h"

#define I2 "    "
#define I3 "      "

/* Roles as bits, for the fields each one reports. */
#define R_PRIMARY 1u
#define R_BACKUP 2u
#define R_BOTH (R_PRIMARY | R_BACKUP)

static unsigned role_bit(const struct hv_status_ft *ft)
{
	if (str_is(ft->role, HV_FT_ROLE_PRIMARY))
		return R_PRIMARY;
	if (str_is(ft->role, HV_FT_ROLE_BACKUP))
		return R_BACKUP;
	return 0;
}

bool ft_reported(const struct hv_status_ft *ft)
{
	return role_bit(ft) != 0;
}

static u64 sub_or_zero(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

/* Bytes of the log the other side does not have yet (primary), or that
 * this side has and has not replayed (backup). */
static u64 log_lag(const struct hv_status_ft *ft)
{
	if (role_bit(ft) == R_PRIMARY)
		return sub_or_zero(ft->log_produced, ft->log_acked);
	return sub_or_zero(ft->log_received, ft->log_replayed);
}

/* "a.b.c.d:port" */
static void out_peer(struct out *o, const struct hv_status_ft *ft)
{
	u32 ip = ft->peer_ip;

	out_printf(o, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF,
		   ft->peer_port);
}

/* --- the numbers, one table for both documents ------------------------------------ */

struct ft_number {
	const char *json;     /* field in its JSON object */
	const char *metric;
	const char *type;
	const char *help;
	size_t offset;        /* in struct hv_status_ft */
	unsigned roles;
};

#define FT_FIELD(field) __builtin_offsetof(struct hv_status_ft, field)
#define FT_WITNESS(field) __builtin_offsetof(struct hv_status_ft, witness.field)

static const struct ft_number log_numbers[] = {
	{ "produced_bytes", "understudy_ft_log_produced_bytes", GAUGE,
	  "Primary: bytes of log recorded for the backup.", FT_FIELD(log_produced), R_PRIMARY },
	{ "acked_bytes", "understudy_ft_log_acked_bytes", GAUGE,
	  "Primary: bytes of log the backup acknowledged.", FT_FIELD(log_acked), R_PRIMARY },
	{ "received_bytes", "understudy_ft_log_received_bytes", GAUGE,
	  "Backup: bytes of the primary's log received.", FT_FIELD(log_received), R_BACKUP },
	{ "replayed_bytes", "understudy_ft_log_replayed_bytes", GAUGE,
	  "Backup: bytes of the primary's log in frames the replay has opened.",
	  FT_FIELD(log_replayed), R_BACKUP },
	{ "backup_replayed_bytes", "understudy_ft_log_backup_replayed_bytes", GAUGE,
	  "Primary: bytes of log the backup's replay has reached (its heartbeats say).",
	  FT_FIELD(backup_replayed_bytes), R_PRIMARY },
	{ "backup_replayed_landmark", "understudy_ft_log_backup_replayed_landmark", GAUGE,
	  "Primary: the landmark the backup's replay has reached (its heartbeats say).",
	  FT_FIELD(backup_replayed_landmark), R_PRIMARY },
	{ "lag_landmarks", "understudy_ft_log_lag_landmarks", GAUGE,
	  "Primary: landmarks the backup's replay is behind this side.", FT_FIELD(lag_landmarks),
	  R_PRIMARY },
};

static const struct ft_number heartbeat_numbers[] = {
	{ "sent", "understudy_ft_heartbeats_sent_total", COUNTER,
	  "Heartbeats sent to the peer.", FT_FIELD(heartbeats_sent), R_BOTH },
	{ "received", "understudy_ft_heartbeats_received_total", COUNTER,
	  "Heartbeats received from the peer.", FT_FIELD(heartbeats_received), R_BOTH },
	{ "missed", "understudy_ft_heartbeats_missed_total", COUNTER,
	  "Heartbeat intervals that passed without a word from the peer.",
	  FT_FIELD(heartbeats_missed), R_BOTH },
	{ "peer_heard_ms", "understudy_ft_peer_heard_age_ms", GAUGE,
	  "Milliseconds since the peer last said anything.", FT_FIELD(peer_heard_ms), R_BOTH },
};

static const struct ft_number resync_numbers[] = {
	{ "outputs_compared", "understudy_ft_outputs_compared_total", COUNTER,
	  "Backup: console outputs its replay compared with the primary's.",
	  FT_FIELD(outputs_compared), R_BACKUP },
	{ "output_mismatches", "understudy_ft_mismatched_outputs_total", COUNTER,
	  "Backup: compared outputs that differed.", FT_FIELD(output_mismatches), R_BACKUP },
	{ "digest_mismatches", "understudy_ft_digest_mismatches_total", COUNTER,
	  "Backup: state digests that differed and were let go (ft_resync=outputs).",
	  FT_FIELD(digest_mismatches), R_BACKUP },
	{ "resyncs", "understudy_ft_resyncs_total", COUNTER,
	  "Backup: checkpoints from the primary applied after a divergence.", FT_FIELD(resyncs),
	  R_BACKUP },
	{ "resync_wait_ms", "understudy_ft_resync_wait_ms_total", COUNTER,
	  "Backup: milliseconds from asking for a checkpoint to applying it, all resyncs.",
	  FT_FIELD(resync_wait_ms), R_BACKUP },
	{ "checkpoints", "understudy_ft_checkpoints_total", COUNTER,
	  "Primary: checkpoints written into the log for the backup.", FT_FIELD(checkpoints),
	  R_PRIMARY },
	{ "checkpoint_bytes", "understudy_ft_checkpoint_bytes_total", COUNTER,
	  "Primary: bytes of those checkpoints.", FT_FIELD(checkpoint_bytes), R_PRIMARY },
	{ "checkpoint_stun_us", "understudy_ft_checkpoint_stun_us_total", COUNTER,
	  "Primary: microseconds the guest waited while checkpoints were written.",
	  FT_FIELD(checkpoint_stun_us), R_PRIMARY },
};

static const struct ft_number epoch_numbers[] = {
	{ "epoch_ms", "understudy_ft_epoch_ms", GAUGE,
	  "Checkpoint mode: the length of an epoch (ft_epoch_ms=).", FT_FIELD(epoch_ms), R_BOTH },
	{ "epochs", "understudy_ft_epochs_total", COUNTER,
	  "Checkpoint mode: epochs sent (primary) or applied (backup).", FT_FIELD(epochs), R_BOTH },
	{ "acked", "understudy_ft_epochs_acked_total", COUNTER,
	  "Primary: epochs the backup acknowledged whole.", FT_FIELD(epochs_acked), R_PRIMARY },
	{ "pages", "understudy_ft_epoch_pages_total", COUNTER,
	  "Checkpoint mode: guest pages in the epochs sent.", FT_FIELD(epoch_pages), R_PRIMARY },
	{ "bytes", "understudy_ft_epoch_bytes_total", COUNTER,
	  "Checkpoint mode: stream bytes of the epochs sent or applied.", FT_FIELD(epoch_bytes),
	  R_BOTH },
	{ "first_stun_us", "understudy_ft_epoch_first_stun_us", GAUGE,
	  "Primary: microseconds the guest was held for the first epoch (all of RAM).",
	  FT_FIELD(epoch_first_stun_us), R_PRIMARY },
	{ "stun_us", "understudy_ft_epoch_stun_us_total", COUNTER,
	  "Primary: microseconds the guest was held for the epochs after the first.",
	  FT_FIELD(epoch_stun_us), R_PRIMARY },
	{ "stun_max_us", "understudy_ft_epoch_stun_max_us", GAUGE,
	  "Primary: microseconds one epoch after the first held the guest, at most.",
	  FT_FIELD(epoch_stun_max_us), R_PRIMARY },
	{ "last_stun_us", "understudy_ft_epoch_last_stun_us", GAUGE,
	  "Primary: microseconds the last epoch held the guest.", FT_FIELD(epoch_last_stun_us),
	  R_PRIMARY },
};

static const struct ft_number output_numbers[] = {
	{ "held_bytes", "understudy_ft_output_held_bytes", GAUGE,
	  "Console bytes the output rule holds now.", FT_FIELD(output_held_now), R_PRIMARY },
	{ "held_total_bytes", "understudy_ft_output_held_bytes_total", COUNTER,
	  "Console bytes the output rule ever held.", FT_FIELD(output_held_total), R_PRIMARY },
	{ "max_held_bytes", "understudy_ft_output_max_held_bytes", GAUGE,
	  "Console bytes held at once, at most.", FT_FIELD(output_max_held), R_PRIMARY },
	{ "releases", "understudy_ft_output_releases_total", COUNTER,
	  "Batches of held console bytes released.", FT_FIELD(output_releases), R_PRIMARY },
	{ "hold_avg_us", "understudy_ft_output_hold_latency_avg_us", GAUGE,
	  "Microseconds a released batch was held, on average.", FT_FIELD(output_hold_avg_us),
	  R_PRIMARY },
	{ "hold_max_us", "understudy_ft_output_hold_latency_max_us", GAUGE,
	  "Microseconds a released batch was held, at most.", FT_FIELD(output_hold_max_us),
	  R_PRIMARY },
	{ "held_frames", "understudy_ft_output_held_frames", GAUGE,
	  "Guest NIC frames the output rule holds now.", FT_FIELD(frames_held_now), R_PRIMARY },
	{ "held_frame_bytes", "understudy_ft_output_held_frame_bytes", GAUGE,
	  "Bytes of those frames, each with its 2-byte length.", FT_FIELD(frame_bytes_held_now),
	  R_PRIMARY },
	{ "held_frames_total", "understudy_ft_output_held_frames_total", COUNTER,
	  "Guest NIC frames the output rule ever held.", FT_FIELD(frames_held_total), R_PRIMARY },
	{ "frame_releases", "understudy_ft_output_frame_releases_total", COUNTER,
	  "Batches of held guest NIC frames released.", FT_FIELD(frame_releases), R_PRIMARY },
	{ "frame_hold_avg_us", "understudy_ft_output_frame_hold_latency_avg_us", GAUGE,
	  "Microseconds a released batch of frames was held, on average.",
	  FT_FIELD(frame_hold_avg_us), R_PRIMARY },
	{ "frame_hold_max_us", "understudy_ft_output_frame_hold_latency_max_us", GAUGE,
	  "Microseconds a released batch of frames was held, at most.",
	  FT_FIELD(frame_hold_max_us), R_PRIMARY },
};

static const struct ft_number witness_numbers[] = {
	{ "epoch", "understudy_ft_witness_epoch", GAUGE,
	  "The lease's epoch: ours, else the last the witness named.", FT_WITNESS(epoch), R_BOTH },
	{ "grants", "understudy_ft_witness_grants_total", COUNTER,
	  "Leases the witness granted this side.", FT_WITNESS(grants), R_BOTH },
	{ "renewals", "understudy_ft_witness_renewals_total", COUNTER,
	  "Lease renewals the witness granted.", FT_WITNESS(renewals), R_BOTH },
	{ "refusals", "understudy_ft_witness_refusals_total", COUNTER,
	  "Requests the witness refused.", FT_WITNESS(refusals), R_BOTH },
	{ "timeouts", "understudy_ft_witness_timeouts_total", COUNTER,
	  "Requests the witness did not answer in time.", FT_WITNESS(timeouts), R_BOTH },
	{ "reconnects", "understudy_ft_witness_reconnects_total", COUNTER,
	  "Connections to the witness made again.", FT_WITNESS(reconnects), R_BOTH },
};

static u64 number_value(const struct hv_status_ft *ft, const struct ft_number *n)
{
	u64 v;

	memcpy(&v, (const u8 *)ft + n->offset, sizeof(v));
	return v;
}

/* --- /status ---------------------------------------------------------------------- */

/* The table's rows for this role as fields, the last one ending the object
 * unless more follow. */
static void json_numbers(struct out *o, const struct hv_status_ft *ft,
			 const struct ft_number *rows, size_t count, bool more)
{
	unsigned role = role_bit(ft);
	size_t last = count;

	for (size_t i = 0; i < count; i++)
		if (rows[i].roles & role)
			last = i;
	for (size_t i = 0; i < count; i++)
		if (rows[i].roles & role)
			json_u64_field(o, I3, rows[i].json, number_value(ft, &rows[i]),
				       i == last && !more);
}

/* A landmark, or null when the event has not happened. */
static void json_landmark(struct out *o, const char *key, bool happened, u64 landmark)
{
	if (happened)
		json_u64_field(o, I2, key, landmark, false);
	else
		out_printf(o, I2 "\"%s\": null,\n", key);
}

static void json_log(struct out *o, const struct hv_status_ft *ft)
{
	out_str(o, I2 "\"log\": {\n");
	json_numbers(o, ft, log_numbers, ARRAY_SIZE(log_numbers), true);
	json_u64_field(o, I3, "lag_bytes", log_lag(ft), true);
	out_str(o, I2 "},\n");
}

static void json_heartbeat(struct out *o, const struct hv_status_ft *ft)
{
	out_str(o, I2 "\"heartbeat\": {\n");
	json_bool_field(o, I3, "on", ft->heartbeats_on, false);
	json_numbers(o, ft, heartbeat_numbers, ARRAY_SIZE(heartbeat_numbers), false);
	out_str(o, I2 "},\n");
}

static void json_resync(struct out *o, const struct hv_status_ft *ft)
{
	out_str(o, I2 "\"resync\": {\n");
	json_numbers(o, ft, resync_numbers, ARRAY_SIZE(resync_numbers), false);
	out_str(o, I2 "},\n");
}

static void json_checkpoint(struct out *o, const struct hv_status_ft *ft)
{
	if (!ft->checkpoint_mode)
		return;
	out_str(o, I2 "\"checkpoint\": {\n");
	json_numbers(o, ft, epoch_numbers, ARRAY_SIZE(epoch_numbers), false);
	out_str(o, I2 "},\n");
}

static void json_output(struct out *o, const struct hv_status_ft *ft)
{
	if (role_bit(ft) != R_PRIMARY)
		return;
	out_str(o, I2 "\"output\": {\n");
	json_numbers(o, ft, output_numbers, ARRAY_SIZE(output_numbers), false);
	out_str(o, I2 "},\n");
}

static void json_witness(struct out *o, const struct hv_status_ft *ft)
{
	const struct hv_status_witness *w = &ft->witness;

	if (!w->configured) {
		out_str(o, I2 "\"witness\": null\n");
		return;
	}
	out_str(o, I2 "\"witness\": {\n");
	json_bool_field(o, I3, "connected", w->connected, false);
	json_str_field(o, I3, "lease", w->lease, false);
	json_bool_field(o, I3, "lease_held", w->lease_held, false);
	json_numbers(o, ft, witness_numbers, ARRAY_SIZE(witness_numbers), true);
	json_str_field(o, I3, "why", w->why, true);
	out_str(o, I2 "}\n");
}

void json_ft(struct out *o, const struct hv_status_ft *ft)
{
	bool primary = role_bit(ft) == R_PRIMARY;

	if (!ft_reported(ft))
		return;
	out_str(o, "  \"ft\": {\n");
	json_str_field(o, I2, "role", ft->role, false);
	if (ft->peer_ip) {
		out_str(o, I2 "\"peer\": \"");
		out_peer(o, ft);
		out_str(o, "\",\n");
	} else {
		out_str(o, I2 "\"peer\": null,\n");
	}
	json_str_field(o, I2, "state", ft->state, false);
	json_bool_field(o, I2, "live", ft->live, false);
	json_u64_field(o, I2, "landmark", ft->landmark, false);
	if (ft->mode) {
		json_str_field(o, I2, "mode", ft->mode, false);
		json_u64_field(o, I2, "switches", ft->mode_switches, false);
	}
	if (primary)
		json_landmark(o, "backup_lost_at", ft->backup_lost, ft->backup_lost_at);
	else
		json_landmark(o, "took_over_at", ft->took_over, ft->took_over_at);
	if (ft->join) {
		json_str_field(o, I2, "join", ft->join, false);
		json_u64_field(o, I2, "joins", ft->joins, false);
	}
	json_log(o, ft);
	json_heartbeat(o, ft);
	if (ft->checkpoint_mode)
		json_checkpoint(o, ft); /* instead of a log's resyncs */
	else
		json_resync(o, ft);
	json_output(o, ft);
	json_witness(o, ft);
	out_str(o, "  },\n");
}

/* --- /metrics --------------------------------------------------------------------- */

static const char *const primary_states[] = {
	HV_FT_WAITING_FOR_BACKUP, HV_FT_BACKUP_FOLLOWS, HV_FT_WITHOUT_BACKUP, HV_FT_FENCED,
	HV_FT_SWITCHING_OVER,
};

static const char *const backup_states[] = {
	HV_FT_WAITING_FOR_PRIMARY, HV_FT_REPLAYING, HV_FT_TAKING_OVER, HV_FT_LIVE,
	HV_FT_REPLAYED, HV_FT_STOOD_DOWN, HV_FT_TAKING_EPOCHS, HV_FT_HOLDS_FINAL,
};

static void metrics_numbers(struct out *o, const struct hv_status_ft *ft,
			    const struct ft_number *rows, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (rows[i].roles & role_bit(ft))
			metric_scalar(o, rows[i].metric, rows[i].type, rows[i].help,
				      number_value(ft, &rows[i]));
}

static void metrics_role(struct out *o, const struct hv_status_ft *ft)
{
	metric_family(o, "understudy_ft_role_info", GAUGE,
		      "This side's role in a fault-tolerant pair and its peer (always 1).");
	out_str(o, "understudy_ft_role_info{role=\"");
	out_label_value(o, ft->role);
	out_str(o, "\",peer=\"");
	if (ft->peer_ip)
		out_peer(o, ft);
	out_str(o, "\"} 1\n");
}

static void metrics_state(struct out *o, const struct hv_status_ft *ft)
{
	bool primary = role_bit(ft) == R_PRIMARY;
	const char *const *states = primary ? primary_states : backup_states;
	size_t count = primary ? ARRAY_SIZE(primary_states) : ARRAY_SIZE(backup_states);

	metric_family(o, "understudy_ft_state", GAUGE,
		      "This side's state in the pair: 1 for the current one, 0 for the others.");
	for (size_t i = 0; i < count; i++)
		metric_labeled(o, "understudy_ft_state", "state", states[i],
			       str_is(ft->state, states[i]));
	metric_scalar(o, "understudy_ft_live", GAUGE,
		      "1 when this side runs the guest and lets its outputs out.", ft->live);
	metric_scalar(o, "understudy_ft_landmark", GAUGE,
		      "Guest-caused exits so far: this side's place in the log.", ft->landmark);
	if (primary)
		metric_scalar(o, "understudy_ft_backup_lost", GAUGE,
			      "1 once the primary runs without its backup.", ft->backup_lost);
	else
		metric_scalar(o, "understudy_ft_failovers_total", COUNTER,
			      "Takeovers: the backup went live.", ft->took_over);
	if (ft->join)
		metric_scalar(o, "understudy_ft_joins_total", COUNTER,
			      "join=on: backups that joined this side's running guest by migration.",
			      ft->joins);
}

static void metrics_witness(struct out *o, const struct hv_status_ft *ft)
{
	const struct hv_status_witness *w = &ft->witness;

	if (!w->configured)
		return;
	metric_scalar(o, "understudy_ft_witness_connected", GAUGE,
		      "1 while the connection to the witness is up.", w->connected);
	metric_scalar(o, "understudy_ft_witness_lease_held", GAUGE,
		      "1 while this side holds a valid lease.", w->lease_held);
	metrics_numbers(o, ft, witness_numbers, ARRAY_SIZE(witness_numbers));
}

void metrics_ft(struct out *o, const struct hv_status_ft *ft)
{
	if (!ft_reported(ft))
		return;
	metrics_role(o, ft);
	metrics_state(o, ft);
	if (!ft->checkpoint_mode) { /* a log and its resyncs, or epochs */
		metrics_numbers(o, ft, log_numbers, ARRAY_SIZE(log_numbers));
		metric_scalar(o, "understudy_ft_log_lag_bytes", GAUGE,
			      "Primary: log bytes not yet acknowledged; backup: received, not yet "
			      "replayed.", log_lag(ft));
	}
	metric_scalar(o, "understudy_ft_heartbeats_on", GAUGE,
		      "1 while heartbeats are agreed with the peer on the FT link.",
		      ft->heartbeats_on);
	metrics_numbers(o, ft, heartbeat_numbers, ARRAY_SIZE(heartbeat_numbers));
	if (ft->mode)
		metric_scalar(o, "understudy_ft_mode_switches_total", COUNTER,
			      "ft=auto: switches between replay and checkpoint mode.",
			      ft->mode_switches);
	if (ft->checkpoint_mode)
		metrics_numbers(o, ft, epoch_numbers, ARRAY_SIZE(epoch_numbers));
	else
		metrics_numbers(o, ft, resync_numbers, ARRAY_SIZE(resync_numbers));
	metrics_numbers(o, ft, output_numbers, ARRAY_SIZE(output_numbers));
	metrics_witness(o, ft);
}
