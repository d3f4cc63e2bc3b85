/*
 * role=: a fault-tolerant pair's part (docs/fault-tolerance.md). A role is
 * a few options a user would otherwise combine by hand, so that the two
 * GRUB entries of a pair stay short: the primary records its guest and
 * streams the log to its peer (rr=record rr_sink=tcp rr_collector=PEER),
 * the backup replays the log as it comes on the FT port (rr=replay
 * rr_live=PORT) and takes over when the primary is gone.
 */
#include "hv/config.h"

#include "log.h"

/* ft=checkpoint: neither side records or replays (hv/ft_ckpt_primary.c,
 * hv/ft_ckpt_backup.c); the backup listens on the FT port. */
static int apply_checkpoint(struct config *cfg)
{
	if (cfg->rr != RR_CHOICE_OFF) {
		pr_err("config: ft=checkpoint neither records nor replays: not with rr=");
		return 1;
	}
	if (cfg->role == FT_ROLE_BACKUP && !cfg->rr_live_port)
		cfg->rr_live_port = cfg->ft_peer_port;
	return 0;
}

/* The primary: peer= names the backup, where the log goes. */
static int apply_primary(struct config *cfg)
{
	int errors = 0;

	if (!cfg->ft_peer_ip) {
		pr_err("config: role=primary needs peer=a.b.c.d[:port] (the backup)");
		errors++;
	}
	if (cfg->ft_mode == FT_MODE_CHECKPOINT)
		return errors + apply_checkpoint(cfg);
	if (cfg->rr == RR_CHOICE_REPLAY) {
		pr_err("config: role=primary records its guest: not with rr=replay");
		errors++;
	}
	cfg->rr = RR_CHOICE_RECORD;
	cfg->rr_sink = RR_SINK_TCP;
	cfg->rr_collector_ip = cfg->ft_peer_ip;
	cfg->rr_collector_port = cfg->ft_peer_port;
	return errors;
}

/* The backup: it listens on the FT port (peer='s, or rr_live= when given). */
static int apply_backup(struct config *cfg)
{
	int errors = 0;

	if (cfg->rr == RR_CHOICE_RECORD) {
		pr_err("config: role=backup replays the primary's log: not with rr=record");
		errors++;
	}
	if (cfg->incoming_port || cfg->migrate_ip) {
		pr_err("config: role=backup takes its guest from the primary's log: "
		       "not with incoming= or migrate=");
		errors++;
	}
	/* resume=on: the snapshot the primary resumed from, which its log
	 * names; the replay starts there (hv/rr/rr_replay.c) */
	if (cfg->resume && (cfg->ft_mode != FT_MODE_REPLAY || cfg->ft_join)) {
		pr_err("config: role=backup resume=on replays the log of a primary resumed from the "
		       "same snapshot: ft=replay only, not with join=on");
		errors++;
	}
	if (cfg->ft_mode == FT_MODE_CHECKPOINT)
		return errors + apply_checkpoint(cfg);
	cfg->rr = RR_CHOICE_REPLAY;
	if (!cfg->rr_live_port)
		cfg->rr_live_port = cfg->ft_peer_port;
	if (cfg->ft_join) /* the guest comes by migration, its log after it */
		cfg->incoming_port = CONFIG_FT_JOIN_PORT;
	return errors;
}

/* join=: a backup that joins a running guest, and a side that migrates its
 * guest into one (docs/fault-tolerance.md, "A backup joins"). It needs the
 * peer's address. Under a witness= the side that runs the guest alone
 * holds the lease, and a joined backup learns its epoch from the witness
 * as a backup does at boot. */
static int check_join(const struct config *cfg)
{
	if (!cfg->ft_join)
		return 0;
	if (cfg->role == FT_ROLE_NONE) {
		pr_err("config: join= is for role=primary|backup");
		return 1;
	}
	if (!cfg->ft_peer_ip) {
		pr_err("config: join=on needs peer=a.b.c.d: the side the guest comes from, or goes to");
		return 1;
	}
	return 0;
}

/* witness=: the pair's witness, reached over TLS with the pair's key
 * (the witness takes nothing else). */
static int check_witness(const struct config *cfg)
{
	if (!cfg->witness_ip)
		return 0;
	if (cfg->role == FT_ROLE_NONE) {
		pr_err("config: witness= is for role=primary|backup");
		return 1;
	}
	if (cfg->net != NET_STATIC) {
		pr_err("config: witness= needs a static address ip=a.b.c.d: the witness knows this "
		       "hypervisor by it");
		return 1;
	}
	if (!cfg->ft_key.len) {
		pr_err("config: witness= needs the pair's pre-shared key ft_key=HEX: the witness "
		       "speaks TLS with that key only");
		return 1;
	}
	return 0;
}

/* ft_heartbeat_ms=: 0 (none: TCP keepalive alone, for a peer from before
 * heartbeats), else often enough that a timeout spans three of them. */
static int check_heartbeat(const struct config *cfg)
{
	u32 most = cfg->ft_timeout_ms / 3;

	if (!cfg->ft_heartbeat_ms ||
	    (cfg->ft_heartbeat_ms >= CONFIG_FT_HEARTBEAT_MS_MIN && cfg->ft_heartbeat_ms <= most))
		return 0;
	pr_err("config: ft_heartbeat_ms=%u is outside %u..%u (a third of ft_timeout_ms=%u), "
	       "or 0 for none", cfg->ft_heartbeat_ms, CONFIG_FT_HEARTBEAT_MS_MIN, most,
	       cfg->ft_timeout_ms);
	return 1;
}

/* ft=auto: a pair's, starting in replay mode (the roles apply as for
 * ft=replay); a join's recording is not one it can switch. */
static int check_auto(const struct config *cfg)
{
	int errors = 0;

	if (cfg->role == FT_ROLE_NONE) {
		pr_err("config: ft=auto is for role=primary|backup");
		errors++;
	}
	if (cfg->ft_join) {
		pr_err("config: join=on is for ft=replay (ft=auto switches a pair that started together)");
		errors++;
	}
	return errors;
}

/* ft= and ft_epoch_ms=: checkpoint mode is a pair's, with epochs of a
 * sane length. */
static int check_ft_mode(const struct config *cfg)
{
	int errors = 0;

	if (cfg->ft_epoch_ms < CONFIG_FT_EPOCH_MS_MIN || cfg->ft_epoch_ms > CONFIG_FT_EPOCH_MS_MAX) {
		pr_err("config: ft_epoch_ms=%u is outside %u..%u", cfg->ft_epoch_ms,
		       CONFIG_FT_EPOCH_MS_MIN, CONFIG_FT_EPOCH_MS_MAX);
		errors++;
	}
	if (cfg->ft_auto_ms < CONFIG_FT_AUTO_MS_MIN || cfg->ft_auto_ms > CONFIG_FT_AUTO_MS_MAX) {
		pr_err("config: ft_auto_ms=%u is outside %u..%u", cfg->ft_auto_ms,
		       CONFIG_FT_AUTO_MS_MIN, CONFIG_FT_AUTO_MS_MAX);
		errors++;
	}
	if (cfg->ft_mode == FT_MODE_AUTO)
		return errors + check_auto(cfg);
	if (cfg->ft_mode != FT_MODE_CHECKPOINT)
		return errors;
	if (cfg->role == FT_ROLE_NONE) {
		pr_err("config: ft=checkpoint is for role=primary|backup");
		errors++;
	}
	if (cfg->ft_resync || cfg->ft_inject_mismatch) {
		pr_err("config: ft_resync= and ft_inject_mismatch= are for ft=replay (a checkpoint "
		       "backup replays nothing)");
		errors++;
	}
	if (cfg->ft_join) {
		pr_err("config: join=on is for ft=replay (a joining backup replays the log from the "
		       "guest it received)");
		errors++;
	}
	return errors;
}

int config_apply_role(struct config *cfg)
{
	int errors = check_ft_mode(cfg);

	if (cfg->ft_timeout_ms < CONFIG_FT_TIMEOUT_MS_MIN ||
	    cfg->ft_timeout_ms > CONFIG_FT_TIMEOUT_MS_MAX) {
		pr_err("config: ft_timeout_ms=%u is outside %u..%u", cfg->ft_timeout_ms,
		       CONFIG_FT_TIMEOUT_MS_MIN, CONFIG_FT_TIMEOUT_MS_MAX);
		errors++;
	}
	errors += check_heartbeat(cfg);
	errors += check_witness(cfg);
	errors += check_join(cfg);
	if (cfg->role != FT_ROLE_BACKUP && (cfg->ft_inject_mismatch || cfg->ft_resync)) {
		pr_err("config: ft_resync= and ft_inject_mismatch= are for role=backup");
		errors++;
	}
	if (cfg->role == FT_ROLE_PRIMARY)
		errors += apply_primary(cfg);
	else if (cfg->role == FT_ROLE_BACKUP)
		errors += apply_backup(cfg);
	else if (cfg->ft_peer_ip)
		pr_warn("config: peer= is for role=primary|backup; ignored");
	return errors;
}
