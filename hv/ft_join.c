/* A backup joins a running guest (see ft_join.h). */
#include "hv/ft_join.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "fmt.h"
#include "hv/config.h"
#include "hv/dirty_log.h"
#include "hv/ft_join_plan.h"
#include "hv/migrate.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_sink.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "log.h"

#define NS_PER_MS 1000000ULL

static struct {
	struct ft_join_plan plan;
	const struct boot_info *bi;
	const struct config *cfg; /* NULL without join=on */
	struct config rec;        /* the recording a join starts */
	char peer[24];            /* a.b.c.d:port of the peer's join port */
} join;

bool ft_join_defers_recording(const struct config *cfg)
{
	return cfg->ft_join && cfg->role == FT_ROLE_PRIMARY;
}

/* The guest runs here without a backup from now: attempts begin. */
static void go_alone(struct vm *vm, const char *why)
{
	ft_join_plan_alone(&join.plan, time_now_ns());
	console_printf("ft: running without a backup (%s) at landmark %llu: a backup may join at "
		       "%s (join=on)\n", why, vm->stats.guest_caused_exits, join.peer);
}

int ft_join_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	u32 ip = cfg->ft_peer_ip;
	int err;

	ft_join_plan_init(&join.plan);
	if (!cfg->ft_join)
		return 0;
	join.bi = bi;
	join.cfg = cfg;
	fmt_snprintf(join.peer, sizeof(join.peer), "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xFF,
		     (ip >> 8) & 0xFF, ip & 0xFF, CONFIG_FT_JOIN_PORT);
	err = dirty_log_check_config(vm);
	err = err ? err : migrate_join_prepare(vm, bi, cfg);
	if (err)
		return err;
	if (ft_join_defers_recording(cfg))
		go_alone(vm, "the guest starts at once");
	return 0;
}

/* The migration's GO is acknowledged, the guest still held in the state
 * the backup received: the recording starts here and the backup follows
 * it (rr_record_init waits for its log stream, ft_timeout_ms at most). */
static void joined(struct vm *vm, u64 stun_start_tsc)
{
	u64 alone_ns, stun_ms;

	ft_join_record_config(join.cfg, &join.rec);
	if (rr_init(vm, join.bi, &join.rec) || tbit_init(vm, &join.rec)) {
		if (vm->rr)
			vm->rr->mode = RR_OFF;
		tbit_stop(vm); /* not stepping: it has not run (the next attempt's dirty log) */
		ww_stop(vm);
		pr_warn("ft: join: the recording could not start (above): the guest runs on without "
			"a backup");
		ft_join_plan_failed(&join.plan, time_now_ns());
		return;
	}
	alone_ns = ft_join_plan_joined(&join.plan, time_now_ns());
	stun_ms = time_tsc_to_ns(rdtsc() - stun_start_tsc) / NS_PER_MS;
	if (vm->rr->sink->ready && !vm->rr->sink->ready()) /* the stream may still come */
		console_printf("ft: the backup took the guest at landmark %llu after %llu ms but does "
			       "not follow yet (%llu ms stun)\n", vm->stats.guest_caused_exits,
			       alone_ns / NS_PER_MS, stun_ms);
	else
		console_printf("ft: backup joined at landmark %llu after %llu ms, %llu ms stun\n",
			       vm->stats.guest_caused_exits, alone_ns / NS_PER_MS, stun_ms);
}

/* Is the guest here without a backup now: the recording's backup lost,
 * or this backup went live? The guest then runs on untracked: the write
 * window and the T bit let go (false while a T-bit step is under way), so
 * that a migration's dirty log sees every write. */
static const char *alone_now(struct vm *vm)
{
	const char *why = NULL;

	if (vm->rr && vm->rr->backup_lost)
		why = "the backup is lost";
	else if (vm->rr && vm->rr->took_over)
		why = "this backup went live";
	if (!why || !tbit_stop(vm))
		return NULL;
	ww_stop(vm);
	return why;
}

void ft_join_poll(struct vm *vm)
{
	const char *why;
	u64 now;

	if (!join.cfg || vm->state != VM_RUNNING)
		return;
	now = time_now_ns();
	switch (join.plan.phase) {
	case FT_JOIN_OFF:
	case FT_JOIN_FOLLOWED:
		if ((why = alone_now(vm)))
			go_alone(vm, why);
		break;
	case FT_JOIN_ALONE:
		if (ft_join_plan_due(&join.plan, now)) {
			migrate_join_begin(join.cfg->ft_peer_ip, CONFIG_FT_JOIN_PORT, joined);
			ft_join_plan_attempt(&join.plan);
		}
		break;
	case FT_JOIN_MIGRATING:
		if (migrate_join_state() == MIGRATE_JOIN_FAILED)
			ft_join_plan_failed(&join.plan, now);
		break;
	}
}

u32 ft_join_count(void)
{
	return join.plan.joins;
}

const char *ft_join_state(void)
{
	return ft_join_phase_name(join.plan.phase);
}

bool ft_join_alone(void)
{
	return join.plan.phase == FT_JOIN_ALONE || join.plan.phase == FT_JOIN_MIGRATING;
}
