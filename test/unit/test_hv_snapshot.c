// sources-list: test/unit/hv_host.sources
/*
 * Snapshots of the VM in hv/ on the fake backend: the vCPU saved into a
 * VCPU record (hv/snapshot_vcpu.c), changed, loaded back and saved again
 * gives the same record and the same backend state; records no backend
 * could enter are refused.
 */
#include "helpers.h"

#include <string.h>

#include "errno.h"
#include "fake_vm.h"
#include "hv/snapshot_vcpu.h"
#include "hv/vcpu_ops.h"

static int setup(void **state)
{
	fake_vm_prepare();
	fake_vm_boot(&fake_backend_ept);
	return 0;
}

static int teardown(void **state)
{
	fake_vm_destroy();
	return 0;
}

/* A long-mode vCPU with every field set to something of its own. */
static void rich_state(struct vcpu_state *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < GPR_COUNT; i++)
		s->gpr[i] = 0x1111111111111111ULL * (u64)(i + 1);
	s->rip = 0xFFFFFFFF81000123ULL;
	s->rflags = 0x246;
	for (int i = 0; i < SEG_COUNT; i++)
		s->seg[i] = (struct segment){ (u16)(8 * i), 0x1000ULL * (u64)i, 0xFFFFF,
					      0xA09B }; /* G, L, P, S, code */
	s->seg[SEG_SS].ar = 0xC093;
	s->seg[SEG_LDTR].ar = SEG_AR_UNUSABLE;
	s->seg[SEG_TR].ar = 0x8B;
	s->gdtr = (struct dtable){ 0x5000, 0x7F };
	s->idtr = (struct dtable){ 0x6000, 0xFFF };
	s->cr0 = 0x80050033;
	s->cr2 = 0xDEAD000;
	s->cr3 = 0x200000;
	s->cr4 = 0x6A0;
	s->efer = 0xD01;
	s->xcr0 = 7;
	s->dr7 = 0x401;
	s->pat = 0x0007040600070406ULL;
	s->sysenter_cs = 0x10;
	s->sysenter_esp = 0x9000;
	s->sysenter_eip = 0xA000;
	s->star = 0x0023001000000000ULL;
	s->lstar = 0xFFFFFFFF81800000ULL;
	s->cstar = 0xFFFFFFFF81800100ULL;
	s->sfmask = 0x47700;
	s->kernel_gs_base = 0xFFFF888000000000ULL;
	s->interruptibility = 1; /* in an STI shadow */
}

static void set_guest(const struct vcpu_state *s)
{
	struct vcpu *v = &fake_vm.vcpu;

	fake_vm.hw->set_state(&v->arch, s);
	v->xcr0 = s->xcr0;
	v->tsc_aux = 0x77;
	v->halted = true;
	v->tsc_adjust = 123456789;
}

static void test_vcpu_save_change_restore(void **state)
{
	struct vcpu_state s, back;
	struct snap_vcpu a, b;
	struct vcpu *v = &fake_vm.vcpu;

	rich_state(&s);
	set_guest(&s);
	assert_true(snap_vcpu_quiescent(&fake_vm));
	snap_vcpu_save(&fake_vm, &a);
	assert_int_equal(a.seg_attr[SNAP_CS], 0xA9B);
	assert_int_equal(a.seg_attr[SNAP_LDTR], SNAP_SEG_UNUSABLE);
	assert_int_equal(a.msr[SNAP_MSR_TSC_AUX], 0x77);
	assert_int_equal(a.activity, SNAP_HALTED);
	assert_int_equal(a.interruptibility, SNAP_INTR_STI);
	assert_int_equal(a.tsc, vcpu_guest_tsc(v));

	/* Everything changes: another guest ran on this vCPU. */
	memset(&back, 0, sizeof(back));
	fake_vm.hw->set_state(&v->arch, &back);
	v->xcr0 = 1;
	v->tsc_aux = 0;
	v->halted = false;
	v->tsc_adjust = 0;
	fake_tsc_advance(5000000);

	assert_int_equal(snap_vcpu_load(&fake_vm, &a), 0);
	vm_start_clock(&fake_vm);
	assert_int_equal(vcpu_guest_tsc(v), a.tsc); /* the TSC goes on from the snapshot */
	snap_vcpu_save(&fake_vm, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	fake_vm.hw->get_state(&v->arch, &back);
	back.activity = s.activity;
	assert_memory_equal(&back, &s, sizeof(s));
}

static void test_vcpu_refused_records(void **state)
{
	struct vcpu_state s;
	struct snap_vcpu a, bad;

	rich_state(&s);
	set_guest(&s);
	snap_vcpu_save(&fake_vm, &a);
	bad = a;
	bad.seg_attr[SNAP_DS] |= 1u << 13;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.interruptibility |= SNAP_INTR_NMI;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.activity = 7;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.event_valid = 1;
	bad.event_type = SNAP_EVENT_SW_EXCEPTION;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
}

/* A pending event in a record is injected at resume. */
static void test_vcpu_event_injected(void **state)
{
	struct vcpu_state s;
	struct snap_vcpu a;

	rich_state(&s);
	set_guest(&s);
	snap_vcpu_save(&fake_vm, &a);
	a.event_valid = 1;
	a.event_type = SNAP_EVENT_EXT_INT;
	a.event_vector = 0x30;
	assert_int_equal(snap_vcpu_load(&fake_vm, &a), 0);
	assert_true(fake_vm.hw->event_pending(&fake_vm.vcpu.arch));
	assert_false(snap_vcpu_quiescent(&fake_vm));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vcpu_save_change_restore),
		T(test_vcpu_refused_records),
		T(test_vcpu_event_injected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
