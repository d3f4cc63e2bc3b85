/*
 * The run loop: bring devices up to date when their next deadline has
 * passed, deliver a pending NMI or interrupt when the guest can take one
 * (else ask for a window), arm an exit for the next device deadline (so a
 * guest spinning without exits still gets its timer interrupts), enter the
 * guest, account the exit, dispatch it. A halted guest is not entered: the
 * host sleeps until the next deadline. The hypervisor's own work (the
 * network) is polled between entries when its deadline has passed. In replay the log, not the clock,
 * decides when devices advance and interrupts arrive (hv/rr/).
 */
#include "hv/vm.h"

#include "arch/x86/cpu.h"
#include "arch/x86/exit_profile.h"
#include "arch/x86/idle.h"
#include "arch/x86/time.h"
#include "arch/x86/trap.h"
#include "hv/dirty_log.h"
#include "hv/exits.h"
#include "hv/host_work.h"
#include "hv/insn_fetch.h"
#include "hv/migrate.h"
#include "hv/rr/rr.h"
#include "hv/ft_auto.h"
#include "hv/ft_checkpoint.h"
#include "hv/ft_fence.h"
#include "hv/ft_switchover.h"
#include "hv/guest_input.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "hv/snapshot.h"
#include "hv/trace.h"
#include "hv/vm_devices.h"
#include "hv/vm_nic.h"
#include "log.h"

#define HALT_SLEEP_MAX_NS 10000000ULL /* re-check at least every 10 ms */
#define MIN_GUEST_SLICE_NS 50000ULL /* a late deadline still lets the guest run 50 us */

/* Injects a pending NMI if the guest can take it now; otherwise exits as
 * soon as it can. Returns true when it injected one (one event an entry).
 * The log carries an NMI as an interrupt with vector 2 (EXC_NMI). */
static bool deliver_nmi(struct vcpu *v)
{
	struct vm *vm = v->vm;
	const struct virt_backend *hw = vm->hw;
	struct vevent ev = { VEVENT_NMI, EXC_NMI, false, 0 };
	bool pending = vm_devices_nmi_pending(vm);

	if (!pending || hw->event_pending(&v->arch) || hw->nmi_blocked(&v->arch)) {
		vm_request_single_step(vm, VM_STEP_NMI, hw->request_nmi_window(&v->arch, pending));
		return false;
	}
	vm_request_single_step(vm, VM_STEP_NMI, false);
	hw->request_nmi_window(&v->arch, false);
	if (v->step_requests)
		return false; /* a single step is under way: the NMI waits for it */
	vm_devices_ack_nmi(vm);
	rr_interrupt(vm, EXC_NMI);
	hw->inject(&v->arch, &ev);
	vm->stats.nmis_injected++;
	v->halted = false;
	return true;
}

/* Injects the interrupt controller's pending vector if the guest can take
 * it now; otherwise exits as soon as it can. */
static void deliver_interrupt(struct vcpu *v)
{
	struct vm *vm = v->vm;
	const struct virt_backend *hw = vm->hw;
	struct vevent ev = { VEVENT_EXTINT, 0, false, 0 };

	if (vm_devices_pending_vector(vm) < 0) {
		hw->request_intr_window(&v->arch, false);
		return;
	}
	if (v->step_requests)
		return; /* a single step is under way: the interrupt waits for it */
	if (hw->event_pending(&v->arch) || !hw->interruptible(&v->arch)) {
		hw->request_intr_window(&v->arch, true);
		return;
	}
	ev.vector = (u8)vm_devices_ack_vector(vm);
	rr_interrupt(vm, ev.vector);
	hw->inject(&v->arch, &ev);
	hw->request_intr_window(&v->arch, false);
	vm->stats.interrupts_injected++;
	v->halted = false;
}

/* What one trip between two exits knows of the devices' next event, so
 * that it is computed once rather than at each question (whether an event
 * is due, whether the devices advance, the deadline the entry arms). A
 * device's deadline moves earlier only at the guest's accesses to it, in
 * the exit handlers, or when its whole state is replaced (a checkpoint, a
 * migration), in the loop's polls: both before a trip begins. Advancing
 * the devices moves it later, so it is asked again after that. */
struct trip {
	u64 next_event_ns; /* guest ns, UINT64_MAX for none */
	bool next_event_known;
};

static u64 trip_next_event_ns(struct vm *vm, struct trip *t)
{
	if (!t->next_event_known) {
		t->next_event_ns = vm_devices_next_event_ns(vm);
		t->next_event_known = true;
	}
	return t->next_event_ns;
}

static u64 next_device_deadline_tsc(struct vm *vm, struct trip *t)
{
	u64 ns;

	if (rr_replaying(vm))
		return UINT64_MAX; /* the log says when devices advance */
	ns = trip_next_event_ns(vm, t);
	return ns == UINT64_MAX ? UINT64_MAX : vm->start_tsc + time_ns_to_tsc(ns);
}

/* The next host TSC at which the guest must leave: a device's deadline,
 * the end of a record probe, or the hypervisor's own work (the network,
 * the record log's UART); 0 for none. */
static u64 next_deadline_tsc(struct vm *vm, struct trip *t)
{
	u64 probe = rr_async_deadline_tsc(vm); /* while probing, the device deadline has passed */
	u64 device = probe != UINT64_MAX ? probe : next_device_deadline_tsc(vm, t);
	u64 tsc = MIN(MIN(device, host_work_deadline_tsc()), rr_sink_deadline_tsc(vm));

	return tsc == UINT64_MAX ? 0 : tsc;
}

/* The deadline an entry arms: the next one, unless it has already passed
 * (the hypervisor's own work since the exit took longer than a timer
 * period: a slow log sink, a heavy exit). Then the guest first runs
 * MIN_GUEST_SLICE_NS: an exit before its first instruction at every entry
 * would leave it stuck where it is while device time runs on. */
static u64 entry_deadline_tsc(struct vm *vm, struct trip *t)
{
	u64 deadline = next_deadline_tsc(vm, t), now = rdtsc();

	if (deadline && deadline <= now)
		return now + time_ns_to_tsc(MIN_GUEST_SLICE_NS);
	return deadline;
}

/* Has the devices' next event come (guest time has reached it)? */
static bool device_event_due(struct vm *vm, struct trip *t)
{
	u64 next = trip_next_event_ns(vm, t);

	return next != UINT64_MAX && vm_guest_ns(vm) >= next;
}

/* Devices advance when their next deadline has passed (and at accesses to
 * them, in the exit handlers). */
static void advance_on_deadline(struct vm *vm, struct trip *t)
{
	if (device_event_due(vm, t)) {
		rr_advance_devices(vm);
		t->next_event_known = false;
	}
}

/* Is an asynchronous event due: a device's deadline passed, or an
 * interrupt the guest can take now, or an NMI waiting for the CPU, or a
 * typed byte the guest's UART can take, or a received frame waiting
 * (recording)? An
 * interrupt pending while the guest cannot take it (IF clear, as a guest
 * that never enables interrupts leaves it with the BIOS's timer running)
 * is delivered at the interrupt window's exit, not now. */
static bool event_due(struct vm *vm, struct trip *t)
{
	return device_event_due(vm, t) ||
	       (vm_devices_pending_vector(vm) >= 0 && vm->hw->interruptible(&vm->vcpu.arch)) ||
	       vm_devices_nmi_pending(vm) || guest_input_due(vm) || vm_nic_input_due(vm);
}

/* Sleeps the host CPU until the next device or network deadline (or at
 * most 10 ms, or any host interrupt) while the guest is halted. */
static void sleep_while_halted(struct vm *vm, struct trip *t)
{
	u64 deadline = EXIT_PROFILED_VALUE(EXIT_STAGE_DEADLINE, next_deadline_tsc(vm, t));

	EXIT_PROFILED(EXIT_STAGE_IDLE,
		      vm->stats.halted_cycles += idle_until_tsc(deadline ? deadline : UINT64_MAX,
								HALT_SLEEP_MAX_NS));
}

/* Cost accounting: the hypervisor's cycles after an exit run until the
 * next entry, minus any time asleep for a halted guest. */
struct exit_clock {
	enum vexit_reason last;
	u64 exit_tsc;
	u64 slept;
	bool pending;
};

/* One trip into the guest and back. */
static int enter_guest(struct vcpu *v, struct vexit *e, struct exit_clock *clk, struct trip *t)
{
	struct vm *vm = v->vm;
	u64 entry_tsc;
	int err;

	EXIT_PROFILED(EXIT_STAGE_TIMER,
		      vm->hw->set_timer(&v->arch, EXIT_PROFILED_VALUE(EXIT_STAGE_DEADLINE,
								      entry_deadline_tsc(vm, t))));
	EXIT_PROFILE_SET(EXIT_STAGE_ENTRY);
	vm->hw->set_single_step(&v->arch, v->step_requests != 0);
	entry_tsc = rdtsc();
	if (clk->pending)
		vm->stats.hv_cycles[clk->last] += entry_tsc - clk->exit_tsc - clk->slept;
	err = vm->hw->run(&v->arch, e);
	EXIT_PROFILE_SET(EXIT_STAGE_ACCOUNT);
	clk->exit_tsc = rdtsc();
	vm->exit_tsc = clk->exit_tsc;
	clk->slept = 0;
	clk->pending = !err;
	vm->stats.guest_cycles += clk->exit_tsc - entry_tsc;
	EXIT_PROFILE_SET(EXIT_STAGE_LOOP);
	return err;
}

/* Everything that happens between two entries but the exit handlers. */
static void prepare_entry(struct vcpu *v, struct trip *t)
{
	struct vm *vm = v->vm;

	if (rr_replaying(vm)) {
		EXIT_PROFILED(EXIT_STAGE_RR, rr_before_entry(vm));
		return;
	}
	if (rr_async_may_deliver(vm, EXIT_PROFILED_VALUE(EXIT_STAGE_DEADLINE, event_due(vm, t)))) {
		EXIT_PROFILED(EXIT_STAGE_DEVICE, advance_on_deadline(vm, t));
		guest_input_deliver(vm); /* its interrupt goes in below */
		vm_nic_input_deliver(vm); /* the same: received frames, recording */
		if (deliver_nmi(v)) /* an interrupt waits for the next window */
			vm->hw->request_intr_window(&v->arch, vm_devices_pending_vector(vm) >= 0);
		else
			deliver_interrupt(v);
	} else { /* a record probe: the guest runs on undisturbed */
		vm->hw->request_intr_window(&v->arch, false);
		vm_request_single_step(vm, VM_STEP_NMI, vm->hw->request_nmi_window(&v->arch, false));
	}
	if (rr_recording(vm))
		EXIT_PROFILED(EXIT_STAGE_RR, rr_before_entry(vm));
}

/*
 * Accounts an exit and hands it to whoever owns it: the replayer and the
 * tracer for their own stops (replay only, never landmarks), the T bit and
 * the write window for guest writes they trap (landmarks: they happen at
 * the same instructions in every run), the exit handlers for the rest. A
 * single step ends the T bit's step and the tracer's alike: the tracer
 * stepping through a page-table write must not keep the T bit from
 * protecting the page again (nor from counting its landmark). A migration's
 * dirty log takes the first write to each page it protects and its full
 * page-modification logs (no landmarks: migration and record/replay do not
 * run together). An
 * asynchronous exit (a host interrupt, a timer) never ends a T-bit step:
 * it happens at different moments in record and replay.
 */
static void handle_exit(struct vcpu *v, struct vexit *e, struct exit_clock *clk)
{
	struct vm *vm = v->vm;
	EXIT_PROFILE_BEGIN(EXIT_STAGE_HOOKS);
	bool replayer = rr_exit_is_ours(vm, e), tracing = trace_exit_is_ours(vm, e);
	bool shared_step = e->reason == VEXIT_MTF; /* ends every step under way */
	bool tbit = !replayer && (!tracing || shared_step) && tbit_exit_is_ours(vm, e);
	bool window = !replayer && !tracing && !tbit && ww_exit_is_ours(vm, e);
	bool dirty = !replayer && !tracing && !tbit && !window && dirty_log_exit_is_ours(vm, e);
	bool ours = replayer || tracing || tbit || window || dirty;
	EXIT_PROFILE_SET(EXIT_STAGE_ACCOUNT);
	bool guest_caused = !replayer && !e->step_intercepted &&
			    (tbit || window || (!tracing && !dirty && exit_is_guest_caused(e->reason)));

	if (guest_caused)
		vm->stats.guest_caused_exits++; /* the landmark this exit's events carry */
	pr_trace("exit %s%s at rip %#llx, landmark %llu", exit_reason_name(e->reason),
		 ours ? " (hypervisor's own)" : "", vm->hw->get_rip(&v->arch),
		 vm->stats.guest_caused_exits);
	EXIT_PROFILED(EXIT_STAGE_RR, rr_after_exit(vm, e, guest_caused));
	EXIT_PROFILE_SET(EXIT_STAGE_HOOKS);
	if (tbit)
		tbit_handle_exit(vm, e);
	if (window)
		ww_handle_exit(vm, e);
	if (dirty)
		dirty_log_handle_exit(vm, e);
	if (tracing)
		trace_handle_exit(vm, e);
	if (!ours) {
		if (guest_caused)
			tbit_exit_intervened(vm);
		EXIT_PROFILE_SET(EXIT_STAGE_HANDLER);
		if (vcpu_complete_exit(v, e) == 0) {
			trace_exit(vm, e);
			exit_dispatch(v, e);
		}
	}
	EXIT_PROFILE_SET(EXIT_STAGE_ACCOUNT);
	clk->last = e->reason; /* as corrected by vcpu_complete_exit */
	vm->stats.exits[e->reason]++;
	EXIT_PROFILE_REASON(e->reason);
	EXIT_PROFILE_END();
}

/* Enters the guest and handles its exits until the run stops. */
static void run_loop(struct vm *vm, struct exit_clock *clk)
{
	struct vcpu *v = &vm->vcpu;
	struct vexit e;

	while (vm->state == VM_RUNNING) {
		struct trip trip = { UINT64_MAX, false };

		host_work_poll(vm);
		guest_input_poll(vm); /* what was typed for the guest's COM1 */
		ft_fence_poll(vm); /* witness=: only the lease holder runs the guest */
		snapshot_poll(vm); /* between two exits, before anything is injected */
		ft_switchover_poll(vm); /* the same moment: the guest goes to the backup */
		migrate_poll(vm);  /* the same: the stun of a live migration */
		ft_ckpt_poll(vm);  /* the same: ft=checkpoint's epochs */
		ft_auto_poll(vm);  /* the same: ft=auto's switch to them */
		if (vm->state != VM_RUNNING)
			break;
		EXIT_PROFILED(EXIT_STAGE_INJECT, prepare_entry(v, &trip));
		if (vm->state != VM_RUNNING)
			break;
		if (v->halted) {
			u64 before = rdtsc();

			if (rr_replaying(vm)) {
				vm_stop(vm, "replay: the guest is halted and the log has nothing to wake it");
				break;
			}
			sleep_while_halted(vm, &trip);
			clk->slept += rdtsc() - before;
			continue;
		}
		if (enter_guest(v, &e, clk, &trip)) {
			vm_stop(vm, "the CPU refused to enter the guest");
			vm->hw->dump(&v->arch);
			break;
		}
		handle_exit(v, &e, clk);
	}
	if (clk->pending)
		vm->stats.hv_cycles[clk->last] += rdtsc() - clk->exit_tsc - clk->slept;
	clk->pending = false;
	EXIT_PROFILE_FINISH();
}

void vm_run(struct vm *vm)
{
	struct exit_clock clk = { VEXIT_NONE, 0, 0, false };

	idle_install(); /* SVM's deadline exits are this interrupt */
	vm_start_clock(vm);
	EXIT_PROFILE_START();
	do {
		run_loop(vm, &clk);
		rr_finish(vm); /* a switchover that failed resumes the guest: the loop goes on */
	} while (vm->state == VM_RUNNING);
	trace_finish(vm);
}
