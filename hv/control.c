/* The control endpoint's snapshot of the hypervisor (hv/control.h). It runs
 * inside net_poll(), between two guest entries, so it reads the counters
 * the run loop keeps without any locking: nothing else runs. */
#include "hv/control.h"

#include "arch/x86/time.h"
#include "drivers/net/netdev.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/console_out.h"
#include "hv/control_ft.h"
#include "hv/exit_kinds.h"
#include "hv/ft_switchover.h"
#include "hv/rr/rr.h"
#include "hv/vm.h"
#include "log.h"
#include "net/http/http_server.h"
#include "net/net.h"

static const struct vm *the_vm;
static const struct config *the_cfg;

void control_set_vm(const struct vm *vm)
{
	the_vm = vm;
}

static const char *guest_state(const struct vm *vm)
{
	switch (vm->state) {
	case VM_RUNNING: return HV_GUEST_RUNNING;
	case VM_EXITED: return HV_GUEST_EXITED;
	default: return HV_GUEST_STOPPED;
	}
}

static void fill_exits(const struct vm *vm, struct hv_status *s)
{
	const struct vm_stats *st = &vm->stats;

	for (int r = 0; r < VEXIT_COUNT && s->exit_count < HV_STATUS_EXITS_MAX; r++) {
		struct hv_status_exit *row = &s->exits[s->exit_count];

		if (!st->exits[r])
			continue;
		row->name = exit_reason_name((enum vexit_reason)r);
		row->count = st->exits[r];
		row->avg_cycles = st->hv_cycles[r] / st->exits[r];
		s->exits_total += st->exits[r];
		s->exit_count++;
	}
	s->guest_caused_exits = st->guest_caused_exits;
	s->interrupts_injected = st->interrupts_injected;
}

static void fill_rr(const struct vm *vm, struct hv_status *s)
{
	const struct rr_state *rr = vm->rr;

	if (!rr)
		return;
	s->rr_mode = rr_mode_name(rr);
	s->log_bytes = rr->stats.log_bytes;
	for (int t = 0; t < RR_TYPES; t++)
		s->log_entries += rr->stats.entries[t];
}

static void fill_nic(struct hv_status *s)
{
	struct netdev *nd = net_device();

	if (!nd)
		return;
	if (nd->ops->refresh_stats)
		nd->ops->refresh_stats(nd);
	s->has_nic = true;
	s->nic_name = nd->name;
	for (int i = 0; i < ETH_ALEN; i++)
		s->mac[i] = nd->mac[i];
	s->address = net_address();
	s->nic = (struct hv_status_nic){
		nd->stats.rx_packets, nd->stats.rx_bytes, nd->stats.rx_dropped, nd->stats.rx_errors,
		nd->stats.tx_packets, nd->stats.tx_bytes, nd->stats.tx_dropped, nd->stats.tx_errors,
	};
}

/* http_fill_fn: the snapshot of one request. */
static void fill_status(struct hv_status *s)
{
	const struct vm *vm = the_vm;

	s->uptime_ns = time_now_ns();
	fill_nic(s);
	control_fill_ft(vm, the_cfg, s->uptime_ns, &s->ft);
	console_out_status(&s->console_out);
	if (!vm)
		return;
	s->backend = vm->hw->name;
	s->guest_state = guest_state(vm);
	s->guest_exit_code = vm->exit_code;
	s->stop_reason = vm->stop_reason;
	fill_exits(vm, s);
	fill_rr(vm, s);
}

/* http_switchover_fn: POST /ft/switchover, authenticated. */
static int request_switchover(const char **why)
{
	return ft_switchover_request(the_vm, the_cfg, why);
}

int control_start(const struct config *cfg)
{
	int err;

	if (!cfg->http_port || !net_device())
		return 0;
	the_cfg = cfg;
	err = http_server_start(cfg->http_port, fill_status);
	if (err) {
		pr_err("control: cannot listen on TCP port %u (%d); running without /status",
		       cfg->http_port, err);
		return err;
	}
	http_server_enable_control(cfg->ft_key.key, cfg->ft_key.len, request_switchover);
	pr_info("control: serving /status and /metrics on http://%s:%u/%s", net_address(),
		cfg->http_port, cfg->ft_key.len ? "; /ft/switchover with the pair's key" :
		" (read-only: no ft_key=)");
	return 0;
}
