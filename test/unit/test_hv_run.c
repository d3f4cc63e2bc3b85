// sources-list: test/unit/hv_host.sources
/*
 * The run loop (hv/vm_run.c) on the fake backend: scripted guests program
 * the PIC and the PIT, and the tests check how a timer tick reaches the
 * guest: injected as IRQ 0's vector at the next entry when the guest can
 * take it, through an interrupt window when it cannot yet, not at all
 * while the PIC masks it, and waking a halted guest. Also: which exits
 * count as landmarks, exits whose instruction hv/ must decode, and a VM
 * entry the CPU refuses.
 */
#include "helpers.h"

#include "arch/x86/trap.h"
#include "errno.h"
#include "fake_scripts.h"
#include "fake_vm.h"
#include "hv/exit_kinds.h"

#define PIT_COUNT 100        /* 83.8 us periods: about 84 fake instructions */
#define LOOP_LONG 100000     /* iterations a loop waits for an interrupt at most */
#define LOOP_PAST_TICK 300   /* iterations that outlast a PIT period */
#define GUEST_EXIT_CODE 5

static int setup(void **state)
{
	fake_vm_prepare();
	fake.exit_code = GUEST_EXIT_CODE;
	fake_vm_boot(&fake_backend_ept);
	return 0;
}

static int teardown(void **state)
{
	fake_vm_destroy();
	return 0;
}

static void assert_exited(void)
{
	if (fake_vm.state != VM_EXITED)
		fail_msg("the run did not end at the exit port: %s", fake_vm.stop_reason);
	assert_int_equal(fake_vm.exit_code, GUEST_EXIT_CODE);
	assert_true(fake_script_done());
}

/* Guest time (ns) when the step at index pc retired, for a script whose
 * steps before it are all single instructions. */
static u64 retired_ns(unsigned pc)
{
	return (u64)(pc + 1) * FAKE_INSN_CYCLES;
}

/* The guest time of the first IRQ 0 after the count was written by the
 * instruction at step pc: loaded at the next tick, due PIT_COUNT later
 * (hv/vdev/pit8254.c). */
static u64 first_tick_ns(unsigned pc)
{
	return pit_tick_ns(pit_ns_tick(retired_ns(pc)) + 1 + PIT_COUNT);
}

static void assert_irq0(const struct fake_event *e)
{
	assert_int_equal(e->ev.type, VEVENT_EXTINT);
	assert_int_equal(e->ev.vector, GUEST_IRQ0_VECTOR);
	assert_false(e->ev.has_error_code);
}

/* A tick while the guest spins with IF=1: the timer exit comes at the
 * PIT's deadline, IRQ 0 is injected before the next entry and delivered as
 * it enters; none of those exits is a landmark. */
static void test_tick_injected_when_interruptible(void **state)
{
	static const struct fake_step script[] = {
		PIC_INIT(PIC_MASK_ALL_BUT_IRQ0), PIT_PERIODIC(PIT_COUNT), FAKE_STI,
		FAKE_LOOP(LOOP_LONG), PIC_EOI,
	};
	const unsigned loop = PIC_INIT_STEPS + PIT_PERIODIC_STEPS + 1, count_written = loop - 2;
	u64 due, at;

	FAKE_SCRIPT(script);
	vm_run(&fake_vm);
	due = fake_vm.start_tsc + first_tick_ns(count_written); /* vm_run starts the clock */
	assert_exited();
	assert_true(fake.ninjected >= 1 && fake.ndelivered >= 1);
	assert_irq0(&fake.injected[0]);
	assert_irq0(&fake.delivered[0]);
	assert_int_equal(fake.injected[0].step, loop);
	at = fake.injected[0].tsc;
	if (at < due || at >= due + FAKE_INSN_CYCLES)
		fail_msg("IRQ 0 injected at %llu, due at %llu", at, due);
	assert_true(fake.regs_at[loop + 1][GPR_RCX] < LOOP_LONG); /* the interrupt ended the loop */
	assert_true(fake.timer_exits >= 1);
	assert_int_equal(fake_vm.stats.interrupts_injected, fake.ninjected);
	/* the OUTs and the exit port are landmarks; timer exits are not */
	assert_int_equal(fake_vm.stats.guest_caused_exits, PIC_INIT_STEPS + PIT_PERIODIC_STEPS + 2);
	assert_int_equal(fake_vm.stats.exits[VEXIT_TIMER], fake.timer_exits);
}

/* With IF=0 the tick waits: an interrupt window is requested, and the
 * vector goes in once STI's one-instruction shadow has passed. */
static void test_tick_waits_for_interrupt_window(void **state)
{
	static const struct fake_step script[] = {
		PIC_INIT(PIC_MASK_ALL_BUT_IRQ0), PIT_PERIODIC(PIT_COUNT), FAKE_LOOP(LOOP_PAST_TICK),
		FAKE_STI, FAKE_NOP, FAKE_NOP, FAKE_NOP,
	};
	const unsigned sti = PIC_INIT_STEPS + PIT_PERIODIC_STEPS + 1;

	FAKE_SCRIPT(script);
	vm_run(&fake_vm);
	assert_exited();
	assert_true(fake.regs_at[sti][GPR_RCX] == LOOP_PAST_TICK); /* no interrupt ended the loop */
	assert_true(fake.intr_window_requests >= 1);
	assert_int_equal(fake.ninjected, 1);
	assert_irq0(&fake.injected[0]);
	assert_int_equal(fake.injected[0].step, sti + 2); /* after STI and one more instruction */
	assert_int_equal(fake_vm.stats.exits[VEXIT_INTR_WINDOW], 1);
	assert_false(fake.intr_window); /* closed once delivered */
}

/* While the PIC masks IRQ 0 the PIT still runs, but nothing is injected
 * and no window is asked for. */
static void test_masked_tick_not_injected(void **state)
{
	static const struct fake_step script[] = {
		PIC_INIT(PIC_MASK_ALL), PIT_PERIODIC(PIT_COUNT), FAKE_STI, FAKE_LOOP(LOOP_PAST_TICK),
	};

	FAKE_SCRIPT(script);
	vm_run(&fake_vm);
	assert_exited();
	assert_true(fake.timer_exits >= 3);
	assert_int_equal(fake.ninjected, 0);
	assert_int_equal(fake.intr_window_requests, 0);
	assert_int_equal(fake_vm.stats.interrupts_injected, 0);
}

/* HLT with IF=1: the guest is not entered; the host sleeps until the
 * PIT's deadline, the tick is injected and the guest runs on after HLT. */
static void test_halted_guest_woken_by_tick(void **state)
{
	static const struct fake_step script[] = {
		PIC_INIT(PIC_MASK_ALL_BUT_IRQ0), PIT_PERIODIC(PIT_COUNT), FAKE_STI, FAKE_HLT, PIC_EOI,
	};
	const unsigned hlt = PIC_INIT_STEPS + PIT_PERIODIC_STEPS + 1;
	u64 due;

	FAKE_SCRIPT(script);
	vm_run(&fake_vm);
	due = fake_vm.start_tsc + first_tick_ns(hlt - 2);
	assert_exited();
	assert_true(fake_platform.idle_calls >= 1);
	assert_true(fake_platform.last_idle_deadline == due);
	assert_true(fake_vm.stats.halted_cycles == due - (fake_vm.start_tsc + retired_ns(hlt)));
	assert_int_equal(fake.ninjected, 1);
	assert_irq0(&fake.injected[0]);
	assert_int_equal(fake.injected[0].step, hlt + 1);
	assert_true(fake.injected[0].tsc == due);
	assert_false(fake_vm.vcpu.halted);
}

/* "STI; HLT" with an interrupt already waiting: HLT exits inside STI's
 * shadow, and completing it (advance_rip) must end the shadow, so the
 * interrupt goes in at once and the guest does not sleep. */
static void test_sti_hlt_takes_waiting_interrupt(void **state)
{
	static const struct fake_step script[] = {
		PIC_INIT(PIC_MASK_ALL_BUT_IRQ0), PIT_PERIODIC(PIT_COUNT), FAKE_LOOP(LOOP_PAST_TICK),
		FAKE_STI, FAKE_HLT, PIC_EOI,
	};
	const unsigned hlt = PIC_INIT_STEPS + PIT_PERIODIC_STEPS + 2;

	FAKE_SCRIPT(script);
	vm_run(&fake_vm);
	assert_exited();
	assert_int_equal(fake.ninjected, 1);
	assert_irq0(&fake.injected[0]);
	assert_int_equal(fake.injected[0].step, hlt + 1);
	/* right after HLT: the steps before the loop, its iterations, STI, HLT */
	assert_true(fake.injected[0].tsc == fake_vm.start_tsc +
		    (u64)(hlt - 1 + LOOP_PAST_TICK + 1) * FAKE_INSN_CYCLES);
	assert_int_equal(fake_platform.idle_calls, 0);
	assert_true(fake_vm.stats.halted_cycles == 0);
}

/* Without NRIP save or decode assists the exit does not say how long the
 * instruction was, nor (for a CR access) which register: hv/ decodes the
 * bytes at RIP. QEMU reports RDTSCP as RDTSC; the decoder tells them apart. */
static void test_exits_decoded_from_guest_memory(void **state)
{
	static const u8 code[] = {
		0x0F, 0x31,       /* rdtsc */
		0x0F, 0x01, 0xF9, /* rdtscp */
		0x0F, 0x22, 0xC3, /* mov cr0, ebx */
	};
	static const struct fake_step script[] = {
		{ .op = FAKE_EXIT, .decode = true, .exit = { .reason = VEXIT_RDTSC } },
		{ .op = FAKE_EXIT, .decode = true, FAKE_REGS1(GPR_RCX, 0x5555),
		  .exit = { .reason = VEXIT_RDTSC } },
		{ .op = FAKE_EXIT, .decode = true, FAKE_REGS1(GPR_RBX, CR0_PE | CR0_ET | CR0_MP),
		  .exit = { .reason = VEXIT_CR_ACCESS, .cr = { .cr = 0, .type = CR_MOV_TO } } },
	};

	fake_vm_prepare();
	fake.exit_code = GUEST_EXIT_CODE;
	fake_vm_kernel_code(code, sizeof(code));
	fake_vm_boot(&fake_backend_npt);
	FAKE_SCRIPT(script);
	vm_run(&fake_vm);
	assert_exited();
	assert_int_equal(fake_vm.stats.exits[VEXIT_RDTSC], 1);
	assert_int_equal(fake_vm.stats.exits[VEXIT_RDTSCP], 1);
	assert_true(fake.regs_at[2][GPR_RCX] == 0); /* RDTSCP's TSC_AUX, not the 0x5555 before */
	assert_true(fake.s.cr0 == (CR0_PE | CR0_ET | CR0_MP));
	assert_true(fake.s.rip == FAKE_KERNEL_ENTRY + sizeof(code) + 1); /* and the exit port's OUT */
}

/* Creating the VM fails cleanly, saying why: no memory for guest RAM, or
 * a vCPU the backend cannot create. */
static void test_vm_create_failures(void **state)
{
	fake_vm_prepare();
	fake_platform.page_limit = 16;
	capture_start();
	assert_int_equal(fake_vm_create(&fake_backend_ept), -ENOMEM);
	assert_captured("error: vm: cannot allocate 2 MiB of guest RAM");

	fake_vm_prepare();
	fake.create_fails = true;
	capture_start();
	assert_int_equal(fake_vm_create(&fake_backend_npt), -ENOMEM);
	assert_captured("error: vm: cannot create the vCPU (-12)");
	capture_stop();
}

/* A VM entry the CPU refuses ends the run with a report. */
static void test_refused_entry_stops(void **state)
{
	fake.entry_fails = true;
	vm_run(&fake_vm);
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_string_equal(fake_vm.stop_reason, "the CPU refused to enter the guest");
	assert_int_equal(fake.dumps, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tick_injected_when_interruptible),
		T(test_tick_waits_for_interrupt_window),
		T(test_masked_tick_not_injected),
		T(test_halted_guest_woken_by_tick),
		T(test_sti_hlt_takes_waiting_interrupt),
		T(test_exits_decoded_from_guest_memory),
		T(test_refused_entry_stops),
		T(test_vm_create_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
