/*
 * Record: when an asynchronous event (device time moving on, an interrupt,
 * an NMI) may be delivered (docs/record-replay.md, "Exact asynchronous
 * landmarks").
 *
 * At a landmark, always: replay meets landmarks for free. At an
 * asynchronous exit (a host interrupt, the deadline timer, an interrupt
 * window) the guest may be anywhere in a stretch without exits, and replay
 * reaches that moment by the state and memory hashes of its entries: at
 * once when only registers changed since the landmark before it, else at
 * the first arrival at its RIP after the last write that mattered. A guest
 * that keeps writing memory while it waits would make that a long search,
 * so the recorder probes first: it takes the write window's memory hash,
 * lets the guest run RR_PROBE_NS more (with no interrupt window, which
 * would exit at every instruction), and takes it again. RR_PROBE_NS is
 * time the guest ran, not host time: the hypervisor's own work between
 * two entries (a log stream's flush, the network) may take longer than a
 * probe, and a probe the guest did not run through would find memory
 * unchanged however fast the guest writes. Unchanged: the
 * event is delivered with nothing more. Changed (a loop that writes while
 * it waits): the window's pages go into the log (WINDOW_PAGE) before the
 * event's entries, and replay writes them and takes the registers where
 * the rest of the guest's state matches, at once. After a probe, until the
 * next landmark, every async exit may deliver at once (an interrupt window
 * the delivery asked for, say): with nothing more when memory is as it was
 * at the delivery before (replay finds the moment by a short search from
 * the one before), else with the window's pages again (a loop that writes
 * as it waits may run a long time between two such exits: a search from
 * the one before would stop at every turn of it, past its budget). A
 * landmark during the probe ends it: the event goes there.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/write_window.h"

#define RR_PROBE_NS 100000ULL /* 100 us of guest time */

/* Logs the write window's pages as they are now. */
static void log_window_pages(struct vm *vm)
{
	const struct write_window *w = vm->window;

	for (unsigned i = 0; i < w->count; i++) {
		u64 page = w->slot[(w->head + i) % WW_PAGES];
		struct rrlog_entry e = { .type = RR_WINDOW_PAGE };

		e.window_page.page = page;
		e.window_page.data = vm->ram + page * PAGE_SIZE;
		rr_log(vm, &e);
	}
	vm->rr->stats.window_page_sets++;
}

/* Logs the window's pages when memory changed since p->hash was taken,
 * and takes it again: what the next armed delivery compares with. */
static void log_window_if_written(struct vm *vm, struct rr_probe *p)
{
	u64 hash = rr_memory_hash(vm);

	if (hash != p->hash)
		log_window_pages(vm);
	p->hash = hash;
}

/* The probe is over: deliver, with the window's pages if memory changed
 * while it ran. */
static bool deliver_after_probe(struct vm *vm, struct rr_probe *p)
{
	u64 delay = vm_guest_ns(vm) - p->start_ns;

	p->active = false;
	p->armed = true;
	log_window_if_written(vm, p);
	vm->rr->stats.async_deliveries++;
	vm->rr->stats.probes_run++;
	vm->rr->stats.async_delay_ns += delay;
	vm->rr->stats.async_delay_max_ns = MAX(vm->rr->stats.async_delay_max_ns, delay);
	return true;
}

/* Has the guest run RR_PROBE_NS since the probe began? If not, the
 * probe's end moves to when it will have, were it to run from now on. */
static bool probe_ran(struct vm *vm, struct rr_probe *p)
{
	u64 need = time_ns_to_tsc(RR_PROBE_NS);
	u64 ran = vm->stats.guest_cycles - p->start_guest_cycles;

	if (ran >= need)
		return true;
	p->deadline_tsc = rdtsc() + (need - ran);
	return false;
}

bool rr_async_may_deliver(struct vm *vm, bool due)
{
	struct rr_probe *p;

	if (!rr_recording(vm) || !vm->rr->guest_ran)
		return true;
	if (!due)
		return false;
	p = &vm->rr->probe;
	if (p->armed) {
		log_window_if_written(vm, p);
		vm->rr->stats.async_deliveries++;
		return true;
	}
	if (!p->active) {
		p->active = true;
		p->hash = rr_memory_hash(vm);
		p->start_ns = vm_guest_ns(vm);
		p->start_guest_cycles = vm->stats.guest_cycles;
		p->deadline_tsc = rdtsc() + time_ns_to_tsc(RR_PROBE_NS);
		vm->rr->stats.probes++;
		return false;
	}
	return probe_ran(vm, p) && deliver_after_probe(vm, p);
}

u64 rr_async_deadline_tsc(const struct vm *vm)
{
	return rr_recording(vm) && vm->rr->probe.active ? vm->rr->probe.deadline_tsc : UINT64_MAX;
}
