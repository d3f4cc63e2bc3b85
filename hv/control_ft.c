/* The pair's side for /status and /metrics (see control_ft.h). It only
 * reads: the record/replay state, the output rule's queue, the witness. */
#include "hv/control_ft.h"

#include <string.h>

#include "arch/x86/time.h"
#include "hv/config.h"
#include "hv/ft_join.h"
#include "hv/ft_auto.h"
#include "hv/ft_checkpoint.h"
#include "hv/ft_switchover.h"
#include "hv/ft_witness.h"
#include "hv/guest_console.h"
#include "hv/output_hold.h"
#include "hv/vm_nic_hold.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_live.h"
#include "hv/rr/rr_sink.h"
#include "hv/vm.h"
#include "net/logstream/logstream_in.h"
#include "net/logstream/logstream_out.h"
#include "proto/logstream_proto.h"
#include "proto/ls_heartbeat.h"

#define NS_PER_US 1000ULL

/* The primary's state: its stream to the backup decides. */
static const char *primary_state(const struct vm *vm)
{
	const struct rr_state *rr = vm ? vm->rr : NULL;

	if (vm && vm->fenced)
		return HV_FT_FENCED;
	if (!rr)
		return HV_FT_WAITING_FOR_BACKUP;
	if (rr->backup_lost)
		return HV_FT_WITHOUT_BACKUP;
	if (ft_switchover_under_way(vm))
		return HV_FT_SWITCHING_OVER;
	if (rr->sink && rr->sink->ready && !rr->sink->ready())
		return HV_FT_WAITING_FOR_BACKUP;
	return HV_FT_BACKUP_FOLLOWS;
}

/* The backup's state: the live log and the takeover decide. */
static const char *backup_state(const struct vm *vm)
{
	const struct rr_state *rr = vm ? vm->rr : NULL;

	if (vm && vm->fenced)
		return HV_FT_STOOD_DOWN;
	if (!rr || !rr->live)
		return HV_FT_WAITING_FOR_PRIMARY;
	if (rr->took_over)
		return HV_FT_LIVE;
	if (rr_live_lost(vm))
		return HV_FT_TAKING_OVER;
	if (rr->ended)
		return HV_FT_REPLAYED;
	return HV_FT_REPLAYING;
}

/* The output rule's counters, latencies in microseconds. */
static void fill_output(struct hv_status_ft *ft)
{
	struct output_hold_stats st;
	struct vm_nic_hold_figures frames;

	ft->output_held_now = guest_console_hold_stats(&st);
	ft->output_held_total = st.held;
	ft->output_max_held = st.max_held;
	ft->output_releases = st.releases;
	if (st.releases)
		ft->output_hold_avg_us = time_tsc_to_ns(st.latency_sum / st.releases) / NS_PER_US;
	ft->output_hold_max_us = time_tsc_to_ns(st.latency_max) / NS_PER_US;
	vm_nic_hold_figures(&frames);
	ft->frames_held_now = frames.frames_now;
	ft->frame_bytes_held_now = frames.bytes_now;
	ft->frames_held_total = frames.frames_total;
	ft->frame_releases = frames.releases;
	ft->frame_hold_avg_us = frames.hold_avg_us;
	ft->frame_hold_max_us = frames.hold_max_us;
}

/* The heartbeats' counters, whichever end of the link this side holds. */
static void fill_beats(const struct ls_beat_status *st, struct hv_status_ft *ft)
{
	ft->heartbeats_on = st->on;
	ft->heartbeats_sent = st->sent;
	ft->heartbeats_received = st->received;
	ft->heartbeats_missed = st->missed;
	ft->peer_heard_ms = st->heard_age_ms;
}

/* What the backup's heartbeats say its replay has reached, and how many
 * landmarks it is behind this side. */
static void fill_backup_progress(struct hv_status_ft *ft)
{
	struct ls_beat_status st;
	struct ls_replayed replayed;

	if (logstream_out_beat_status(LOGSTREAM_RR_LOG, &st, &replayed)) {
		ft->backup_replayed_bytes = replayed.bytes;
		ft->backup_replayed_landmark = replayed.landmark;
		ft->lag_landmarks = ft->landmark > replayed.landmark
					    ? ft->landmark - replayed.landmark : 0;
	}
	fill_beats(&st, ft);
}

/* Outputs compared and resyncs (backup), checkpoints written (primary). */
static void fill_resync(const struct rr_sync *s, struct hv_status_ft *ft)
{
	ft->outputs_compared = s->outputs_checked;
	ft->output_mismatches = s->output_mismatches;
	ft->digest_mismatches = s->digest_mismatches;
	ft->resyncs = s->resyncs;
	ft->resync_wait_ms = s->wait_ns / 1000000ULL;
	ft->checkpoints = s->checkpoints;
	ft->checkpoint_bytes = s->checkpoint_bytes;
	ft->checkpoint_stun_us = time_tsc_to_ns(s->stun_cycles) / NS_PER_US;
}

static void fill_primary(const struct vm *vm, struct hv_status_ft *ft)
{
	const struct rr_state *rr = vm ? vm->rr : NULL;

	ft->role = HV_FT_ROLE_PRIMARY;
	ft->state = primary_state(vm);
	ft->live = vm && vm->state == VM_RUNNING && !vm->fenced;
	fill_output(ft);
	if (!rr)
		return;
	ft->backup_lost = rr->backup_lost;
	ft->backup_lost_at = rr->backup_lost_at;
	fill_resync(&rr->sync, ft);
	ft->log_produced = rr->ring.head;
	ft->log_acked = rr->ring.tail; /* the TCP sink consumes what the backup acknowledged */
	if (rr->sink == &rr_tcp_sink) /* the stream to the backup exists */
		fill_backup_progress(ft);
}

static void fill_backup(const struct vm *vm, struct hv_status_ft *ft)
{
	const struct rr_state *rr = vm ? vm->rr : NULL;
	struct ls_beat_status st;

	ft->role = HV_FT_ROLE_BACKUP;
	ft->state = backup_state(vm);
	if (!rr || !rr->live)
		return;
	ft->live = vm->state == VM_RUNNING && rr->took_over && !vm->fenced;
	ft->took_over = rr->took_over;
	ft->took_over_at = rr->took_over_at;
	fill_resync(&rr->sync, ft);
	ft->log_received = rr_live_received_bytes(vm);
	ft->log_replayed = rr_live_replayed_bytes(vm);
	logstream_in_beat_status(&st);
	fill_beats(&st, ft);
}

/* join=on: the join's phase and count; a side that runs its guest alone
 * (no recording under way) is without a backup, whatever its role. */
static void fill_join(const struct vm *vm, struct hv_status_ft *ft)
{
	ft->join = ft_join_state();
	ft->joins = ft_join_count();
	if (!ft_join_alone())
		return;
	ft->role = HV_FT_ROLE_PRIMARY;
	ft->state = HV_FT_WITHOUT_BACKUP;
	ft->live = vm && vm->state == VM_RUNNING;
}

static void fill_witness(u64 now_ns, struct hv_status_witness *w)
{
	struct ft_witness_status st;

	ft_witness_status(&st, now_ns);
	*w = (struct hv_status_witness){
		.configured = st.configured,
		.connected = st.connected,
		.lease_held = st.held,
		.lease = st.lease,
		.epoch = st.epoch,
		.grants = st.grants,
		.renewals = st.renewals,
		.refusals = st.refusals,
		.timeouts = st.timeouts,
		.reconnects = st.reconnects,
		.why = st.why,
	};
}

/* Checkpoint mode's state: its figures decide (there is no log). */
static const char *checkpoint_state(const struct vm *vm, const struct ft_ckpt_stats *s,
				    bool primary)
{
	if (vm && vm->fenced)
		return primary ? HV_FT_FENCED : HV_FT_STOOD_DOWN;
	if (primary)
		return s->backup_lost ? HV_FT_WITHOUT_BACKUP : s->epochs ? HV_FT_BACKUP_FOLLOWS
									: HV_FT_WAITING_FOR_BACKUP;
	if (s->took_over)
		return HV_FT_LIVE;
	if (vm && vm->state == VM_EXITED)
		return HV_FT_HOLDS_FINAL;
	return s->epochs ? HV_FT_TAKING_EPOCHS : HV_FT_WAITING_FOR_PRIMARY;
}

/* ft=checkpoint: epochs instead of a log. */
static void fill_checkpoint(const struct vm *vm, const struct config *cfg,
			    struct hv_status_ft *ft)
{
	const struct ft_ckpt_stats *s = ft_ckpt_stats();
	bool primary = cfg->role == FT_ROLE_PRIMARY;

	ft->role = primary ? HV_FT_ROLE_PRIMARY : HV_FT_ROLE_BACKUP;
	ft->state = checkpoint_state(vm, s, primary);
	ft->live = vm && vm->state == VM_RUNNING && !vm->fenced && (primary || s->took_over);
	ft->checkpoint_mode = true;
	ft->epoch_ms = cfg->ft_epoch_ms;
	ft->epochs = s->epochs;
	ft->epochs_acked = s->epochs_acked;
	ft->epoch_pages = s->pages;
	ft->epoch_bytes = s->bytes;
	ft->epoch_first_stun_us = s->first_stun_us;
	ft->epoch_stun_us = s->stun_us;
	ft->epoch_stun_max_us = s->stun_max_us;
	ft->epoch_last_stun_us = s->last_stun_us;
	ft->backup_lost = s->backup_lost;
	ft->took_over = s->took_over;
	if (primary)
		fill_output(ft);
}

void control_fill_ft(const struct vm *vm, const struct config *cfg, u64 now_ns,
		     struct hv_status_ft *ft)
{
	if (!cfg || cfg->role == FT_ROLE_NONE)
		return;
	ft->peer_ip = cfg->ft_peer_ip;
	ft->peer_port = cfg->ft_peer_port;
	if (vm)
		ft->landmark = vm->stats.guest_caused_exits;
	ft->mode = cfg->ft_mode == FT_MODE_CHECKPOINT ? "checkpoint" : "replay";
	if (cfg->ft_mode == FT_MODE_AUTO) {
		ft->mode = ft_auto_mode();
		ft->mode_switches = ft_auto_switches();
	}
	if (cfg->ft_mode == FT_MODE_CHECKPOINT || !strcmp(ft->mode, "checkpoint"))
		fill_checkpoint(vm, cfg, ft);
	/* a survivor that a new backup joined records for it: a primary now */
	else if (cfg->role == FT_ROLE_PRIMARY || (vm && rr_recording(vm) && vm->rr->ft_primary))
		fill_primary(vm, ft);
	else
		fill_backup(vm, ft);
	if (cfg->ft_join)
		fill_join(vm, ft);
	fill_witness(now_ns, &ft->witness);
}
