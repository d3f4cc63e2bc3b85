// sources: arch/x86/vcpu_debug.c
/*
 * arch/x86/vcpu_debug.c, TF single-stepping over fake backend hooks: the
 * step sets TF and intercepts every exception, ends at any exit with the
 * guest's TF and intercepts back, and turns its own #DB trap into
 * VEXIT_MTF: with DR6.BS, or with no cause recorded at all (Bochs' SVM),
 * never a #DB of the guest's own breakpoint or while the guest steps
 * itself; no step starts while an event is being injected. The execute
 * breakpoint in DR0 gives the guest its own DR0 and DR7 back when it ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/regs.h"
#include "arch/x86/trap.h"
#include "arch/x86/vcpu_debug.h"

#define GUEST_INTERCEPTS ((1u << EXC_AC) | (1u << EXC_DB))

static struct {
	u64 rflags, dr7, dr0;
	u32 intercepts;
	bool injecting;
	unsigned cleared_status;
} cpu;

static u64 get_rflags(struct vcpu_arch *v) { return cpu.rflags; }
static void set_rflags(struct vcpu_arch *v, u64 r) { cpu.rflags = r; }
static u64 get_dr7(struct vcpu_arch *v) { return cpu.dr7; }
static void set_dr7(struct vcpu_arch *v, u64 d) { cpu.dr7 = d; }
static u32 get_intercepts(struct vcpu_arch *v) { return cpu.intercepts; }
static void set_intercepts(struct vcpu_arch *v, u32 b) { cpu.intercepts = b; }
static bool injecting(struct vcpu_arch *v) { return cpu.injecting; }
static void clear_status(struct vcpu_arch *v) { cpu.cleared_status++; }
static u64 get_dr0(void) { return cpu.dr0; }
static void set_dr0(u64 linear) { cpu.dr0 = linear; }

static const struct vcpu_debug_hooks hooks = {
	get_rflags, set_rflags, get_dr7, set_dr7, get_intercepts, set_intercepts, injecting,
	clear_status, get_dr0, set_dr0,
};

static struct vcpu_debug dbg;
static struct vcpu_arch arch;

static int setup(void **state)
{
	cpu.rflags = RFLAGS_IF;
	cpu.dr7 = DR7_RESET;
	cpu.intercepts = GUEST_INTERCEPTS;
	cpu.injecting = false;
	cpu.cleared_status = 0;
	dbg = (struct vcpu_debug){ 0 };
	return 0;
}

static struct vexit db_exit(u64 dr6)
{
	struct vexit e = { .reason = VEXIT_EXCEPTION };

	e.exception.vector = EXC_DB;
	e.exception.cr2_or_dr6 = dr6;
	return e;
}

/* Steps once and ends the step with exit e. */
static struct vexit step(struct vexit e)
{
	vcpu_debug_set_tf_step(&dbg, &hooks, &arch, true);
	assert_true(cpu.rflags & RFLAGS_TF);
	assert_int_equal(cpu.intercepts, 0xFFFFFFFF);
	vcpu_debug_finish_tf_step(&dbg, &hooks, &arch, &e);
	assert_false(dbg.stepping);
	assert_int_equal(cpu.intercepts, GUEST_INTERCEPTS);
	return e;
}

static void test_bs_trap_is_ours(void **state)
{
	struct vexit e = step(db_exit(DR6_RESET | DR6_BS));

	assert_int_equal(e.reason, VEXIT_MTF);
	assert_int_equal(cpu.cleared_status, 1);
	assert_false(cpu.rflags & RFLAGS_TF);
	assert_true(cpu.rflags & RFLAGS_IF);
}

/* Bochs' SVM: DR6 untouched at the intercept. */
static void test_no_cause_is_ours(void **state)
{
	assert_int_equal(step(db_exit(DR6_RESET)).reason, VEXIT_MTF);
}

static void test_guest_breakpoint_is_not_ours(void **state)
{
	struct vexit e = step(db_exit(DR6_RESET | DR6_B0));

	assert_int_equal(e.reason, VEXIT_EXCEPTION);
	assert_false(e.step_intercepted); /* #DB is intercepted anyway */
}

static void test_guest_tf_keeps_its_trap(void **state)
{
	struct vexit e;

	cpu.rflags |= RFLAGS_TF;
	e = step(db_exit(DR6_RESET | DR6_BS));
	assert_int_equal(e.reason, VEXIT_EXCEPTION);
	assert_true(cpu.rflags & RFLAGS_TF);
}

/* An exception intercepted only for the step is marked; other exits end
 * the step as they are. */
static void test_other_exits(void **state)
{
	struct vexit gp = { .reason = VEXIT_EXCEPTION };
	struct vexit io = { .reason = VEXIT_IO };

	gp.exception.vector = EXC_GP;
	gp = step(gp);
	assert_int_equal(gp.reason, VEXIT_EXCEPTION);
	assert_true(gp.step_intercepted);
	io = step(io);
	assert_int_equal(io.reason, VEXIT_IO);
	assert_false(cpu.rflags & RFLAGS_TF);
}

static void test_no_step_while_injecting(void **state)
{
	cpu.injecting = true;
	vcpu_debug_set_tf_step(&dbg, &hooks, &arch, true);
	assert_false(dbg.stepping);
	assert_false(cpu.rflags & RFLAGS_TF);
}

/* Arming twice saves the guest's DR0 and DR7 once; disarming restores both. */
static void test_breakpoint_restores_guest_dr0(void **state)
{
	cpu.dr0 = 0x1234;
	cpu.dr7 = DR7_RESET | (1u << 2); /* the guest's own L1 */
	vcpu_debug_set_breakpoint(&dbg, &hooks, &arch, 0x8000, true);
	assert_int_equal(cpu.dr0, 0x8000);
	assert_int_equal(cpu.dr7, DR7_RESET | DR7_L0 | (1u << 2));
	vcpu_debug_set_breakpoint(&dbg, &hooks, &arch, 0x9000, true);
	assert_int_equal(cpu.dr0, 0x9000);
	vcpu_debug_set_breakpoint(&dbg, &hooks, &arch, 0, false);
	assert_int_equal(cpu.dr0, 0x1234);
	assert_int_equal(cpu.dr7, DR7_RESET | (1u << 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bs_trap_is_ours, setup),
		cmocka_unit_test_setup(test_no_cause_is_ours, setup),
		cmocka_unit_test_setup(test_guest_breakpoint_is_not_ours, setup),
		cmocka_unit_test_setup(test_guest_tf_keeps_its_trap, setup),
		cmocka_unit_test_setup(test_other_exits, setup),
		cmocka_unit_test_setup(test_no_step_while_injecting, setup),
		cmocka_unit_test_setup(test_breakpoint_restores_guest_dr0, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
