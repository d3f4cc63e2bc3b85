/* The hypervisor's own work between guest entries (hv/host_work.h). */
#include "hv/host_work.h"

#include "arch/x86/cpu.h"
#include "arch/x86/idle.h"
#include "arch/x86/time.h"
#include "hv/console_out.h"
#include "hv/ft_join.h"
#include "hv/ft_witness.h"
#include "hv/migrate.h"
#include "hv/rr/rr.h"
#include "hv/vm.h"
#include "log.h"
#include "net/guest_port.h"
#include "net/net.h"

#define SERVE_SLEEP_MAX_NS 10000000ULL /* re-check at least every 10 ms */

static u64 next_tsc; /* 0 before the first poll: due at once */

/* The time_now_ns() deadline as a host TSC value. */
static u64 deadline_to_tsc(u64 deadline_ns)
{
	u64 now_ns = time_now_ns(), now_tsc = rdtsc();

	if (deadline_ns == UINT64_MAX)
		return UINT64_MAX;
	return deadline_ns <= now_ns ? now_tsc : now_tsc + time_ns_to_tsc(deadline_ns - now_ns);
}

static void poll_now(struct vm *vm)
{
	guest_port_open(vm != NULL); /* the guest's frames: their interrupt goes in before the entry */
	net_poll();
	guest_port_open(false);
	ft_witness_poll(time_now_ns()); /* a return without witness= */
	console_out_poll(time_now_ns()); /* a return without console_out= */
	if (vm) {
		rr_pump(vm); /* acknowledgements free the record ring; a live log comes in */
		migrate_pump(vm); /* pre-copy: pages while the guest runs */
		ft_join_poll(vm); /* join=on: a side alone tries to give its guest a backup */
	}
	next_tsc = deadline_to_tsc(net_next_deadline_ns());
}

void host_work_poll(struct vm *vm)
{
	if (!net_device() || rdtsc() < next_tsc)
		return;
	poll_now(vm);
}

u64 host_work_deadline_tsc(void)
{
	return net_device() ? next_tsc : UINT64_MAX;
}

void host_work_serve(struct vm *vm, u32 seconds)
{
	u64 end = time_now_ns() + (u64)seconds * 1000000000ULL;

	if (!net_device() || !seconds)
		return;
	pr_info("understudy: serving the network for %u s more (linger=%u)", seconds, seconds);
	while (time_now_ns() < end) {
		poll_now(vm);
		idle_until_ns(MIN(net_next_deadline_ns(), end), SERVE_SLEEP_MAX_NS);
	}
}
