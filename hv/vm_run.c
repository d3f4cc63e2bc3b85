/*
 * The run loop: bring devices up to date, deliver a pending interrupt when
 * the guest can take one (else ask for an interrupt window), arm an exit for
 * the next device deadline (so a guest spinning without exits still gets
 * its timer interrupt), enter the guest, account the exit, dispatch it. A
 * halted guest is not entered: the host sleeps until the next deadline.
 */
#include "hv/vm.h"

#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/time.h"
#include "arch/x86/trap.h"
#include "hv/exits.h"
#include "hv/insn_fetch.h"
#include "hv/vm_devices.h"
#include "log.h"

#define HALT_SLEEP_MAX_NS 10000000ULL /* re-check at least every 10 ms */
#define LAPIC_COUNT_MAX 0xFFFFFFFFULL

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
	if (hw->event_pending(&v->arch) || !hw->interruptible(&v->arch)) {
		hw->request_intr_window(&v->arch, true);
		return;
	}
	ev.vector = (u8)vm_devices_ack_vector(vm);
	hw->inject(&v->arch, &ev);
	hw->request_intr_window(&v->arch, false);
	vm->stats.interrupts_injected++;
	v->halted = false;
}

static u64 next_deadline_tsc(struct vm *vm)
{
	u64 ns = vm_devices_next_event_ns(vm);

	if (ns == UINT64_MAX)
		return 0;
	return vm->start_tsc + time_ns_to_tsc(ns);
}

static void wake_tick(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
}

/* Sleeps the host CPU until the next device deadline (or at most 10 ms, or
 * any host interrupt) while the guest is halted. */
static void sleep_while_halted(struct vm *vm)
{
	u64 now = rdtsc(), deadline = next_deadline_tsc(vm);
	u64 max_tsc = time_ns_to_tsc(HALT_SLEEP_MAX_NS), wait, count;

	wait = deadline > now ? deadline - now : 0;
	if (!deadline || wait > max_tsc)
		wait = max_tsc;
	if (wait == 0)
		return;
	count = wait * time_clocks()->lapic_timer_hz / time_clocks()->tsc_hz;
	if (count == 0)
		count = 1;
	lapic_timer_start_oneshot((u32)MIN(count, LAPIC_COUNT_MAX), VECTOR_LAPIC_TIMER);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	lapic_timer_stop();
	vm->stats.halted_cycles += rdtsc() - now;
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
static int enter_guest(struct vcpu *v, struct vexit *e, struct exit_clock *clk)
{
	struct vm *vm = v->vm;
	u64 entry_tsc;
	int err;

	vm->hw->set_timer(&v->arch, next_deadline_tsc(vm));
	entry_tsc = rdtsc();
	if (clk->pending)
		vm->stats.hv_cycles[clk->last] += entry_tsc - clk->exit_tsc - clk->slept;
	err = vm->hw->run(&v->arch, e);
	clk->exit_tsc = rdtsc();
	clk->last = e->reason;
	clk->slept = 0;
	clk->pending = !err;
	vm->stats.guest_cycles += clk->exit_tsc - entry_tsc;
	return err;
}

void vm_run(struct vm *vm)
{
	struct vcpu *v = &vm->vcpu;
	struct exit_clock clk = { VEXIT_NONE, 0, 0, false };
	struct vexit e;

	trap_set_handler(VECTOR_LAPIC_TIMER, wake_tick);
	vm->start_tsc = rdtsc();
	while (vm->state == VM_RUNNING) {
		vm_devices_update(vm);
		deliver_interrupt(v);
		if (v->halted) {
			u64 before = rdtsc();

			sleep_while_halted(vm);
			clk.slept += rdtsc() - before;
			continue;
		}
		if (enter_guest(v, &e, &clk)) {
			vm_stop(vm, "the CPU refused to enter the guest");
			vm->hw->dump(&v->arch);
			break;
		}
		if (vcpu_complete_exit(v, &e) == 0)
			exit_dispatch(v, &e);
		clk.last = e.reason; /* as corrected by vcpu_complete_exit */
		vm->stats.exits[e.reason]++;
		if (exit_is_guest_caused(e.reason))
			vm->stats.guest_caused_exits++;
	}
	if (clk.pending)
		vm->stats.hv_cycles[clk.last] += rdtsc() - clk.exit_tsc - clk.slept;
	trap_set_handler(VECTOR_LAPIC_TIMER, NULL);
}
